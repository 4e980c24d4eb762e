-- The season's youth cells, counted so that any run of the season's weeks reads them, not
-- only the whole season or one week. Distinct youth do not add up over weeks, but a youth
-- is reached in the weeks a..b exactly once: in their first active week of the run, the one
-- whose previous active week is before a. Each week's cell therefore also keys the youth's
-- first, second and third active week before it (in the same organization and category;
-- 1970-01-01 when there is none), and a run of weeks counts its youth as those of its cells
-- whose previous week is before a. Youth active in three weeks or more of a..b are those
-- counted by cells whose second previous week is in the run, less those whose third is.
-- The cells are counted again from the rollups when the app next starts
-- (src/dashboard/season.rs).
DELETE FROM dash_seasons;
DROP TABLE dash_season_youth;
CREATE TABLE dash_season_youth (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    whole BOOLEAN NOT NULL,
    week_on DATE NOT NULL,
    prev_week DATE NOT NULL,
    prev_week2 DATE NOT NULL,
    prev_week3 DATE NOT NULL,
    org_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    neighborhood_id BIGINT NOT NULL,
    age_band TEXT NOT NULL,
    youth BIGINT NOT NULL,
    awards BIGINT NOT NULL,
    retained BIGINT NOT NULL,
    UNIQUE (city_id, whole, week_on, category_id, org_id, neighborhood_id, age_band,
            prev_week, prev_week2, prev_week3)
);
-- A view by organization (every category) or of one category reads these alone.
CREATE INDEX dash_season_youth_by_org ON dash_season_youth
    (city_id, whole, category_id, org_id, week_on, prev_week, prev_week2, prev_week3,
     neighborhood_id, age_band, youth, awards, retained);
CREATE INDEX dash_season_youth_by_category ON dash_season_youth
    (city_id, whole, org_id, category_id, week_on, prev_week, neighborhood_id, age_band,
     youth, awards);
