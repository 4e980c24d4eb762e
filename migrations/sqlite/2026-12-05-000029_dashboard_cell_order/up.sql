-- The season's youth cells in the order the views sum them. A view of one organization and
-- category key sums its cells by neighborhood and band, and its weeks from the cells of any
-- neighborhood and band; a view by category sums the cells of one organization key and slice
-- by category. In those orders the sums are read in order instead of sorted.
DROP INDEX dash_season_youth_by_org;
CREATE INDEX dash_season_youth_by_org ON dash_season_youth
    (city_id, whole, category_id, org_id, neighborhood_id, age_band, week_on, prev_week,
     prev_week2, prev_week3, youth, awards, retained);
DROP INDEX dash_season_youth_by_category;
CREATE INDEX dash_season_youth_by_category ON dash_season_youth
    (city_id, whole, org_id, neighborhood_id, age_band, category_id, week_on, prev_week,
     youth, awards);
-- The planner weighs the new indexes by these counts (as the demo's generator leaves them).
ANALYZE dash_season_youth;
