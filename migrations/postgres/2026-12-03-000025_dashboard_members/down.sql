DROP TRIGGER dash_members_move ON users;
DROP FUNCTION dash_members_move();
DROP TRIGGER dash_members_join ON city_members;
DROP FUNCTION dash_members_join();
DROP TABLE dash_members;
