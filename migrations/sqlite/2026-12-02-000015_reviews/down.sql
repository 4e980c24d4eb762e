ALTER TABLE org_members DROP COLUMN digest_sent_on;
DROP TABLE submission_events;
DROP TABLE submission_files;
DROP TABLE submissions;
ALTER TABLE awards DROP COLUMN evidence;
ALTER TABLE users DROP COLUMN notifications_off;
ALTER TABLE badges DROP COLUMN rubric;
