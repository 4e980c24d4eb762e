-- A youth holds a badge at most once at a time, and may earn it again after a revocation: the
-- table's UNIQUE (badge_id, recipient_id) gives way to a unique index over the awards that are
-- not revoked. SQLite cannot drop a table constraint, so the table is made again (no table
-- refers to awards, so nothing else changes).
CREATE TABLE awards_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    recipient_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    claim_code_id BIGINT REFERENCES claim_codes(id) ON DELETE SET NULL,
    awarded_at TIMESTAMP NOT NULL,
    credential TEXT,
    salt TEXT,
    status_index BIGINT,
    revoked_at TIMESTAMP,
    revocation_reason TEXT,
    recipient_identifier TEXT,
    badge_version INTEGER
);
INSERT INTO awards_new (id, public_id, city_id, org_id, badge_id, recipient_id, method,
        claim_code_id, awarded_at, credential, salt, status_index, revoked_at,
        revocation_reason, recipient_identifier, badge_version)
    SELECT id, public_id, city_id, org_id, badge_id, recipient_id, method, claim_code_id,
        awarded_at, credential, salt, status_index, revoked_at, revocation_reason,
        recipient_identifier, badge_version
    FROM awards;
DROP TABLE awards;
ALTER TABLE awards_new RENAME TO awards;
CREATE INDEX awards_city ON awards (city_id, org_id);
CREATE INDEX awards_recipient ON awards (recipient_id);
CREATE UNIQUE INDEX awards_status_index ON awards (org_id, status_index);
CREATE UNIQUE INDEX awards_held ON awards (badge_id, recipient_id) WHERE revoked_at IS NULL;
