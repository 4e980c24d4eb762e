-- A youth who signed up under 13 takes over their account from their guardians once they are
-- 13: the youth asks (with the password, and perhaps the e-mail, that will be theirs), a linked
-- guardian consents or declines. A completed handoff keeps the new password's hash no longer
-- (it is applied), and lists each award re-issued to the youth's own identifier.
CREATE TABLE custody_handoffs (
    id BIGSERIAL PRIMARY KEY,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    requested_at TIMESTAMP NOT NULL,
    -- The youth lets their guardians go on following their badges (as followers only).
    guardians_follow BOOLEAN NOT NULL,
    new_email TEXT,
    new_password_hash TEXT,
    -- pending, completed, declined
    outcome TEXT NOT NULL,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX custody_handoffs_pending ON custody_handoffs (youth_id) WHERE outcome = 'pending';
CREATE UNIQUE INDEX custody_handoffs_completed ON custody_handoffs (youth_id) WHERE outcome = 'completed';
CREATE TABLE custody_reissues (
    id BIGSERIAL PRIMARY KEY,
    handoff_id BIGINT NOT NULL REFERENCES custody_handoffs(id) ON DELETE CASCADE,
    old_award_id BIGINT NOT NULL UNIQUE REFERENCES awards(id) ON DELETE CASCADE,
    new_award_id BIGINT NOT NULL REFERENCES awards(id) ON DELETE CASCADE
);
