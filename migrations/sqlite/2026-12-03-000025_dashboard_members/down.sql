DROP TRIGGER dash_members_move;
DROP TRIGGER dash_members_role;
DROP TRIGGER dash_members_leave;
DROP TRIGGER dash_members_join;
DROP TABLE dash_members;
