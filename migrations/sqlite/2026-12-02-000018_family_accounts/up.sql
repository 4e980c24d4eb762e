-- Accounts of youth and families: a parent's consent for a child under 13 (asked by an e-mailed
-- link, with reminders; a pending account expires), the record of each consent given, single-use
-- links for e-mail verification and password reset, and the codes a teen shows a parent to link
-- their accounts. Only the SHA-256 of a link's token or of a code is kept.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
CREATE TABLE consent_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    parent_email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_sent_at TIMESTAMP NOT NULL,
    sends INTEGER NOT NULL DEFAULT 1,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX consent_requests_youth ON consent_requests (youth_id);
CREATE INDEX consent_requests_open ON consent_requests (decided_at, expires_at);
-- Each e-mail of a request (the first, each reminder, each resend) carries its own link; all of
-- a request's links work until it is decided or expires.
CREATE TABLE consent_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES consent_requests(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE parental_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    method TEXT NOT NULL,
    text_version TEXT NOT NULL,
    locale TEXT NOT NULL,
    consented_at TIMESTAMP NOT NULL
);
CREATE INDEX parental_consents_youth ON parental_consents (youth_id);
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE TABLE link_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    used_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX link_codes_youth ON link_codes (youth_id);
