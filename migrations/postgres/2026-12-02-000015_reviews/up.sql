-- Badges earned by review: a youth submits evidence (a reflection, links, files), a mentor of
-- the organization reviews it against the rubric the badge defines and approves it, asks for
-- changes or declines it. A submission is held by the mentor who opened it for 15 minutes.
-- Each step is kept as an event, so turnaround (submitted to decided) can be measured. The
-- award made on approval carries its evidence into the credential.
ALTER TABLE badges ADD COLUMN rubric TEXT NOT NULL DEFAULT '';
ALTER TABLE awards ADD COLUMN evidence TEXT;
-- Anyone may turn off the e-mail Lanyard sends them (award news, reviews, digests).
ALTER TABLE users ADD COLUMN notifications_off BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE submissions (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reflection TEXT NOT NULL,
    links TEXT NOT NULL DEFAULT '',
    evidence_public BOOLEAN NOT NULL DEFAULT FALSE,
    rubric_met TEXT NOT NULL DEFAULT '',
    feedback TEXT NOT NULL DEFAULT '',
    held_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    held_until TIMESTAMP,
    award_public_id TEXT,
    created_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX submissions_queue ON submissions (org_id, status, submitted_at);
CREATE INDEX submissions_youth ON submissions (youth_id, badge_id);
CREATE TABLE submission_files (
    id BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX submission_files_of ON submission_files (submission_id);
CREATE TABLE submission_events (
    id BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    feedback TEXT NOT NULL DEFAULT '',
    turnaround_seconds BIGINT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX submission_events_of ON submission_events (submission_id, at);
-- The day each mentor was last sent the digest of an organization's waiting work.
ALTER TABLE org_members ADD COLUMN digest_sent_on DATE;
