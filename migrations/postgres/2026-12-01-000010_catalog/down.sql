DROP INDEX activities_city_neighborhood;
DROP INDEX activities_city_category;
DROP INDEX activities_search;
ALTER TABLE activities DROP COLUMN search_vector;
