-- The partner API's Idempotency-Key: the award a key made, and a digest of the request that
-- made it, per organization. A repeat with the same key and body answers the same award.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    award_public_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, key)
);
