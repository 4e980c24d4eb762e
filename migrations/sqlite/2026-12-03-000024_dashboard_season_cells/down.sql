DROP INDEX city_members_city_role_created;
DROP TABLE dash_season_badges;
DROP TABLE dash_season_youth;
DROP TABLE dash_seasons;
