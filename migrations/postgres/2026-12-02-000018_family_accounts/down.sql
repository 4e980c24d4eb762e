DROP TABLE link_codes;
DROP TABLE account_tokens;
DROP TABLE parental_consents;
DROP TABLE consent_links;
DROP TABLE consent_requests;
ALTER TABLE users DROP COLUMN email_verified_at;
