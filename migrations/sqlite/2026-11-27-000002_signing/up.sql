CREATE TABLE issuer_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    key_number INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    secret_nonce BLOB NOT NULL,
    secret_sealed BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,
    UNIQUE (city_id, issuer, key_number)
);

CREATE TABLE signature_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL UNIQUE,
    city_id BIGINT NOT NULL,
    issuer TEXT NOT NULL,
    key_number INTEGER NOT NULL,
    subject TEXT NOT NULL,
    recipient TEXT NOT NULL,
    digest TEXT NOT NULL,
    signed_document TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL
);

ALTER TABLE organizations ADD COLUMN next_status_index BIGINT NOT NULL DEFAULT 0;
ALTER TABLE badges ADD COLUMN valid_days INTEGER;
ALTER TABLE awards ADD COLUMN credential TEXT;
ALTER TABLE awards ADD COLUMN salt TEXT;
ALTER TABLE awards ADD COLUMN status_index BIGINT;
ALTER TABLE awards ADD COLUMN revoked_at TIMESTAMP;
ALTER TABLE awards ADD COLUMN revocation_reason TEXT;
CREATE UNIQUE INDEX awards_status_index ON awards (org_id, status_index);

-- The signature log is append-only.
CREATE TRIGGER signature_log_no_update BEFORE UPDATE ON signature_log
BEGIN SELECT RAISE(ABORT, 'signature_log is append-only'); END;
CREATE TRIGGER signature_log_no_delete BEFORE DELETE ON signature_log
BEGIN SELECT RAISE(ABORT, 'signature_log is append-only'); END;
