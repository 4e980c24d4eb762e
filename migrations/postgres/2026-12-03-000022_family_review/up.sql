-- What a parent of a child under 13 decides: whether each of the child's badges shows on its
-- public page (a row here is the parent's yes), and whether the weekly family digest comes.
-- A youth may name their neighborhood, for suggestions of activities nearby. (Work a child
-- under 13 sends waits for the parent as submissions.status 'awaiting_parent'.)
ALTER TABLE users ADD COLUMN neighborhood_id BIGINT REFERENCES neighborhoods(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN family_digest_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN family_digest_sent_at TIMESTAMP;
CREATE TABLE award_display_approvals (
    award_id BIGINT PRIMARY KEY REFERENCES awards(id) ON DELETE CASCADE,
    approved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    approved_at TIMESTAMP NOT NULL
);
