DROP TABLE award_display_approvals;
ALTER TABLE users DROP COLUMN family_digest_sent_at;
ALTER TABLE users DROP COLUMN family_digest_off;
ALTER TABLE users DROP COLUMN neighborhood_id;
