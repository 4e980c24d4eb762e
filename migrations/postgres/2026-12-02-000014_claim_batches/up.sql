-- Claim codes come in batches: single-use codes (one youth each), or one event code that a
-- number of youth may use. A batch may carry a validity window and the activity session it
-- was printed for (a day and a site). Codes made before batches have none: single-use, always
-- valid. Every redemption is recorded with the address it came from, so an organization sees
-- who redeemed which code and an event code shared too widely can be noticed.
CREATE TABLE claim_batches (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    use_limit INTEGER,
    valid_from TIMESTAMP,
    valid_until TIMESTAMP,
    activity_id BIGINT REFERENCES activities(id) ON DELETE SET NULL,
    session_on DATE,
    site TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX claim_batches_badge ON claim_batches (badge_id);
ALTER TABLE claim_codes ADD COLUMN batch_id BIGINT REFERENCES claim_batches(id) ON DELETE CASCADE;
ALTER TABLE claim_codes ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;
UPDATE claim_codes SET uses = 1 WHERE redeemed_by IS NOT NULL;
CREATE INDEX claim_codes_batch ON claim_codes (batch_id);
CREATE TABLE claim_redemptions (
    id BIGSERIAL PRIMARY KEY,
    code_id BIGINT NOT NULL REFERENCES claim_codes(id) ON DELETE CASCADE,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    award_public_id TEXT NOT NULL,
    address TEXT NOT NULL,
    redeemed_at TIMESTAMP NOT NULL
);
CREATE INDEX claim_redemptions_code ON claim_redemptions (code_id, redeemed_at);
