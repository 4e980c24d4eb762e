DROP INDEX awards_status_index;
ALTER TABLE awards DROP COLUMN revocation_reason;
ALTER TABLE awards DROP COLUMN revoked_at;
ALTER TABLE awards DROP COLUMN status_index;
ALTER TABLE awards DROP COLUMN credential;
DROP TRIGGER signature_log_no_delete;
DROP TRIGGER signature_log_no_update;
DROP TABLE signature_log;
DROP TABLE issuer_keys;
