ALTER TABLE awards DROP COLUMN recipient_identifier;
DROP INDEX users_recipient_identifier;
ALTER TABLE users DROP COLUMN recipient_identifier;
