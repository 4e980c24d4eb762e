-- The dashboard's rollups, kept up to date in the transaction of each award issued or revoked
-- (src/dashboard/rollups.rs) and rebuilt from the base tables after a bulk load. Revoked
-- awards are never counted. A week is the Monday it starts on; category_id and activity_id
-- are 0 for none (so that the keys stay unique).
-- One row per youth, week, organization and category: distinct-youth counts of any slice.
-- The youth's home neighborhood and birth date are copied here (kept up to date when they
-- change) so that no query joins users.
CREATE TABLE dash_youth_weeks (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    week_on DATE NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    neighborhood_id BIGINT,
    birth_date DATE,
    awards BIGINT NOT NULL,
    UNIQUE (city_id, week_on, org_id, category_id, youth_id)
);
CREATE INDEX dash_youth_weeks_org ON dash_youth_weeks (city_id, org_id, week_on);
CREATE INDEX dash_youth_weeks_youth ON dash_youth_weeks (youth_id);
-- One row per badge and week: awards (a youth holds a badge once, so also youth) and those
-- made by completing a pathway. The badge's organization, category and activity (its first
-- linked activity) as they were when it was awarded.
CREATE TABLE dash_badge_weeks (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    week_on DATE NOT NULL,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    awards BIGINT NOT NULL,
    pathway_awards BIGINT NOT NULL,
    UNIQUE (city_id, week_on, badge_id)
);
CREATE INDEX dash_badge_weeks_org ON dash_badge_weeks (city_id, org_id, week_on);
-- Bumped with every change to a city's rollups: cached figures name the version they are of.
CREATE TABLE dash_versions (
    city_id BIGINT PRIMARY KEY REFERENCES cities(id) ON DELETE CASCADE,
    version BIGINT NOT NULL
);
-- Codes issued in a date range, for the redemption rate.
CREATE INDEX claim_codes_city_created ON claim_codes (city_id, created_at);
-- A slice by neighborhood or age band counts badges from the awards of the range.
CREATE INDEX awards_city_awarded ON awards (city_id, awarded_at);
-- Review turnaround of a range.
CREATE INDEX submission_events_at ON submission_events (at);
