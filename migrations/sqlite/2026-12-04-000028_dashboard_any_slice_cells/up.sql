-- The season's youth cells also count each organization and category key in any neighborhood
-- and band (neighborhood -1, band ''), so that the views by organization or category with
-- neither picked read one cell per key and week instead of one per neighborhood and band.
-- The cells are counted again when the app next starts (src/dashboard/season.rs).
DELETE FROM dash_seasons;
-- A view by neighborhood, or by age band, reads the cells of its slice through these.
CREATE INDEX dash_season_youth_by_slice ON dash_season_youth
    (city_id, whole, category_id, neighborhood_id, age_band, week_on, org_id, prev_week,
     youth, awards);
CREATE INDEX dash_season_youth_by_band ON dash_season_youth
    (city_id, whole, category_id, age_band, week_on, org_id, prev_week, neighborhood_id,
     youth, awards);
