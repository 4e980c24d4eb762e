CREATE TABLE issuer_keys (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    key_number INTEGER NOT NULL,
    public_key BYTEA NOT NULL,
    secret_nonce BYTEA NOT NULL,
    secret_sealed BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,
    UNIQUE (city_id, issuer, key_number)
);

CREATE TABLE signature_log (
    id BIGSERIAL PRIMARY KEY,
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
CREATE FUNCTION signature_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signature_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER signature_log_no_change BEFORE UPDATE OR DELETE ON signature_log
FOR EACH ROW EXECUTE FUNCTION signature_log_append_only();
