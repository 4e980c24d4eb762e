DROP INDEX dash_season_badges_slice;
DROP TRIGGER dash_member_days_count ON dash_members;
DROP FUNCTION dash_member_days_count();
DROP TABLE dash_member_days;
