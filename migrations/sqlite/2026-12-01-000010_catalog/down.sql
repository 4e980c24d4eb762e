DROP INDEX activities_city_neighborhood;
DROP INDEX activities_city_category;
DROP TRIGGER activities_fts_update;
DROP TRIGGER activities_fts_delete;
DROP TRIGGER activities_fts_insert;
DROP TABLE activities_fts;
