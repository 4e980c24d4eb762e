DROP INDEX dash_season_youth_by_org;
CREATE INDEX dash_season_youth_by_org ON dash_season_youth
    (city_id, whole, category_id, org_id, week_on, prev_week, prev_week2, prev_week3,
     neighborhood_id, age_band, youth, awards, retained);
DROP INDEX dash_season_youth_by_category;
CREATE INDEX dash_season_youth_by_category ON dash_season_youth
    (city_id, whole, org_id, category_id, week_on, prev_week, neighborhood_id, age_band,
     youth, awards);
