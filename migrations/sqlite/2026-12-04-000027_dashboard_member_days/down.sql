DROP INDEX dash_season_badges_slice;
DROP TRIGGER dash_member_days_move;
DROP TRIGGER dash_member_days_leave;
DROP TRIGGER dash_member_days_join;
DROP TABLE dash_member_days;
