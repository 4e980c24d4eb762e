-- The season's cells: the dashboard's figures of a city's season, and of each of its weeks,
-- already counted, so that the views a coordinator opens most (the season, a week picked from
-- it, either by organization, category, neighborhood or age band) read a few hundred rows
-- instead of counting distinct youth over every award. Kept up to date in the transaction of
-- each award issued or revoked and each change of a youth's neighborhood or birth date, and
-- recomputed when the season changes (src/dashboard/season.rs). Ages are as on the season's
-- first Monday.
-- The season the cells of a city are of: its first and last Monday.
CREATE TABLE dash_seasons (
    city_id BIGINT PRIMARY KEY REFERENCES cities(id) ON DELETE CASCADE,
    first_week DATE NOT NULL,
    last_week DATE NOT NULL
);
-- Youth reached (distinct youth), their awards, and of them the youth active in three weeks or
-- more, by organization (0: every organization), category (-1: every category; 0: none),
-- home neighborhood (0: none given) and age band; for one week (whole false, week_on its
-- Monday) or the whole season (whole true, week_on its first Monday). Each youth has one
-- neighborhood and one age band, so cells add up over them.
CREATE TABLE dash_season_youth (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    whole BOOLEAN NOT NULL,
    week_on DATE NOT NULL,
    org_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    neighborhood_id BIGINT NOT NULL,
    age_band TEXT NOT NULL,
    youth BIGINT NOT NULL,
    awards BIGINT NOT NULL,
    retained BIGINT NOT NULL,
    UNIQUE (city_id, whole, week_on, category_id, org_id, neighborhood_id, age_band)
);
CREATE INDEX dash_season_youth_org ON dash_season_youth (city_id, whole, week_on, org_id, category_id);
-- Awards of each badge (and of them by pathway), by the earner's neighborhood (-1: any; 0:
-- none given) and age band ('': any), for one week or the whole season as above; with the
-- badge's organization, category and activity when it was awarded.
CREATE TABLE dash_season_badges (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    whole BOOLEAN NOT NULL,
    week_on DATE NOT NULL,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    neighborhood_id BIGINT NOT NULL,
    age_band TEXT NOT NULL,
    org_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    awards BIGINT NOT NULL,
    pathway_awards BIGINT NOT NULL,
    UNIQUE (city_id, whole, week_on, neighborhood_id, age_band, badge_id)
);
-- Youth of a city by when they joined, for the registration counts.
CREATE INDEX city_members_city_role_created ON city_members (city_id, role, created_at);
