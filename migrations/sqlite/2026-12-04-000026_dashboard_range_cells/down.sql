DELETE FROM dash_seasons;
DROP TABLE dash_season_youth;
CREATE TABLE dash_season_youth (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
