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
    WHERE m.role = 'youth'
    ON CONFLICT DO NOTHING;
CREATE FUNCTION dash_members_join() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.role = 'youth' THEN
        DELETE FROM dash_members WHERE city_id = OLD.city_id AND youth_id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.role = 'youth' THEN
        INSERT INTO dash_members (city_id, youth_id, joined_at, neighborhood_id, birth_date)
            SELECT NEW.city_id, NEW.user_id, NEW.created_at, u.neighborhood_id, u.birth_date
            FROM users u WHERE u.id = NEW.user_id
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_members_join AFTER INSERT OR DELETE OR UPDATE OF role ON city_members
    FOR EACH ROW EXECUTE FUNCTION dash_members_join();
CREATE FUNCTION dash_members_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dash_members SET neighborhood_id = NEW.neighborhood_id, birth_date = NEW.birth_date
        WHERE youth_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_members_move AFTER UPDATE OF neighborhood_id, birth_date ON users
    FOR EACH ROW EXECUTE FUNCTION dash_members_move();
