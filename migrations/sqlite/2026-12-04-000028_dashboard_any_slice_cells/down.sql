DROP INDEX dash_season_youth_by_band;
DROP INDEX dash_season_youth_by_slice;
DELETE FROM dash_seasons;
