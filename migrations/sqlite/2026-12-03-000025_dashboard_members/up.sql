-- The youth members of each city with their home neighborhood and birth date, for the
-- dashboard's registration counts by neighborhood and age band without reading users (whose
-- rows are wide). Kept by triggers, so that every way a youth joins, leaves or moves counts.
CREATE TABLE dash_members (
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    youth_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL,
    neighborhood_id BIGINT,
    birth_date DATE,
    PRIMARY KEY (city_id, youth_id)
);
CREATE INDEX dash_members_home ON dash_members (city_id, neighborhood_id, joined_at);
CREATE INDEX dash_members_born ON dash_members (city_id, birth_date, joined_at);
CREATE INDEX dash_members_joined ON dash_members (city_id, joined_at);
CREATE INDEX dash_members_youth ON dash_members (youth_id);
INSERT INTO dash_members (city_id, youth_id, joined_at, neighborhood_id, birth_date)
    SELECT m.city_id, m.user_id, m.created_at, u.neighborhood_id, u.birth_date
    FROM city_members m JOIN users u ON u.id = m.user_id
    WHERE m.role = 'youth';
CREATE TRIGGER dash_members_join AFTER INSERT ON city_members WHEN NEW.role = 'youth'
BEGIN
    INSERT OR IGNORE INTO dash_members (city_id, youth_id, joined_at, neighborhood_id, birth_date)
        SELECT NEW.city_id, NEW.user_id, NEW.created_at, u.neighborhood_id, u.birth_date
        FROM users u WHERE u.id = NEW.user_id;
END;
CREATE TRIGGER dash_members_leave AFTER DELETE ON city_members WHEN OLD.role = 'youth'
BEGIN
    DELETE FROM dash_members WHERE city_id = OLD.city_id AND youth_id = OLD.user_id;
END;
CREATE TRIGGER dash_members_role AFTER UPDATE OF role ON city_members
BEGIN
    DELETE FROM dash_members WHERE OLD.role = 'youth' AND city_id = OLD.city_id AND youth_id = OLD.user_id;
    INSERT OR IGNORE INTO dash_members (city_id, youth_id, joined_at, neighborhood_id, birth_date)
        SELECT NEW.city_id, NEW.user_id, NEW.created_at, u.neighborhood_id, u.birth_date
        FROM users u WHERE u.id = NEW.user_id AND NEW.role = 'youth';
END;
CREATE TRIGGER dash_members_move AFTER UPDATE OF neighborhood_id, birth_date ON users
BEGIN
    UPDATE dash_members SET neighborhood_id = NEW.neighborhood_id, birth_date = NEW.birth_date
        WHERE youth_id = NEW.id;
END;
