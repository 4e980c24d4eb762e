-- A youth holds a badge at most once at a time, and may earn it again after a revocation: the
-- table's UNIQUE (badge_id, recipient_id) gives way to a unique index over the awards that are
-- not revoked.
ALTER TABLE awards DROP CONSTRAINT awards_badge_id_recipient_id_key;
CREATE UNIQUE INDEX awards_held ON awards (badge_id, recipient_id) WHERE revoked_at IS NULL;
