-- Issue 7: cities with their own look and lists, organizations that apply, activities and badges
-- with their full description, translations, e-mail invitations and the outbox.

-- A city's own words, season, languages and brand.
ALTER TABLE cities ADD COLUMN languages TEXT NOT NULL DEFAULT 'en,es';
ALTER TABLE cities ADD COLUMN season_starts_on DATE;
ALTER TABLE cities ADD COLUMN season_ends_on DATE;
ALTER TABLE cities ADD COLUMN brand_primary TEXT NOT NULL DEFAULT '#1f5f8b';
ALTER TABLE cities ADD COLUMN brand_secondary TEXT NOT NULL DEFAULT '#9a3412';
ALTER TABLE cities ADD COLUMN logo_mime TEXT;
ALTER TABLE cities ADD COLUMN logo_data BLOB;

CREATE TABLE neighborhoods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (city_id, slug)
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (city_id, slug)
);

-- Partners apply; a coordinator decides. Organizations made before this were made by a
-- coordinator, so they are approved.
ALTER TABLE organizations ADD COLUMN kind TEXT NOT NULL DEFAULT 'community';
ALTER TABLE organizations ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN neighborhood_id BIGINT REFERENCES neighborhoods(id) ON DELETE SET NULL;
ALTER TABLE organizations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE organizations ADD COLUMN decision_message TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN decided_at TIMESTAMP;
ALTER TABLE organizations ADD COLUMN decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE organizations ADD COLUMN applied_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX organizations_city_status ON organizations (city_id, status);

-- An invitation sent to an e-mail address: a coordinator role of a city (org_id empty) or a
-- staff role of an organization. Only the SHA-256 of the link's token is kept.
CREATE TABLE email_invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    org_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    email TEXT NOT NULL,
    invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX email_invitations_city ON email_invitations (city_id, org_id);

-- Activities, described as a family needs them. Existing ones were visible, so published.
ALTER TABLE activities ADD COLUMN category_id BIGINT REFERENCES categories(id) ON DELETE SET NULL;
ALTER TABLE activities ADD COLUMN neighborhood_id BIGINT REFERENCES neighborhoods(id) ON DELETE SET NULL;
ALTER TABLE activities ADD COLUMN age_min INTEGER;
ALTER TABLE activities ADD COLUMN age_max INTEGER;
ALTER TABLE activities ADD COLUMN weekdays INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN time_from TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN time_to TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN online BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE activities ADD COLUMN cost_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN capacity INTEGER;
ALTER TABLE activities ADD COLUMN registration_url TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN image_mime TEXT;
ALTER TABLE activities ADD COLUMN image_data BLOB;
ALTER TABLE activities ADD COLUMN accessibility TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
ALTER TABLE activities ADD COLUMN original_locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE activities ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN updated_at TIMESTAMP;
CREATE INDEX activities_city_status ON activities (city_id, status, starts_on);

CREATE TABLE activity_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    locale TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (activity_id, locale)
);

-- The badges an activity leads to (a badge may be earned through several activities).
CREATE TABLE activity_badges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    UNIQUE (activity_id, badge_id)
);
CREATE INDEX activity_badges_badge ON activity_badges (badge_id);
INSERT INTO activity_badges (activity_id, badge_id)
    SELECT activity_id, id FROM badges WHERE activity_id IS NOT NULL;

-- Badges, described fully; each change makes a new version, and an award keeps the version
-- it was signed with.
ALTER TABLE badges ADD COLUMN badge_type TEXT NOT NULL DEFAULT 'participation';
ALTER TABLE badges ADD COLUMN earned_by TEXT NOT NULL DEFAULT 'code';
ALTER TABLE badges ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE badges ADD COLUMN design TEXT;
ALTER TABLE badges ADD COLUMN original_locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE badges ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE badges ADD COLUMN updated_at TIMESTAMP;

CREATE TABLE badge_alignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    framework TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX badge_alignments_badge ON badge_alignments (badge_id);

CREATE TABLE badge_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    locale TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    criteria TEXT NOT NULL,
    UNIQUE (badge_id, locale)
);

-- A badge as it was at one version: what an award signed at that version describes.
CREATE TABLE badge_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    image_mime TEXT NOT NULL,
    image_data BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (badge_id, version)
);
ALTER TABLE awards ADD COLUMN badge_version INTEGER;

-- E-mail: written in the transaction of the event that causes it, delivered by the worker.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    city_id BIGINT REFERENCES cities(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_created ON outbox (created_at);
