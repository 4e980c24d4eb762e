DROP INDEX awards_status_index;
ALTER TABLE awards DROP COLUMN revocation_reason;
ALTER TABLE awards DROP COLUMN revoked_at;
ALTER TABLE awards DROP COLUMN status_index;
ALTER TABLE awards DROP COLUMN credential;
DROP TABLE signature_log;
DROP FUNCTION signature_log_append_only();
DROP TABLE issuer_keys;
