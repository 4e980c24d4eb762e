-- Youth of each city by the day they joined and their home neighborhood (0: none given), for
-- the dashboard's registration counts: a season's view adds up a few hundred days instead of
-- counting every member. Kept by triggers on dash_members, which follows every way a youth
-- joins, leaves or moves.
CREATE TABLE dash_member_days (
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    joined_on DATE NOT NULL,
    neighborhood_id BIGINT NOT NULL,
    youth BIGINT NOT NULL,
    PRIMARY KEY (city_id, joined_on, neighborhood_id)
);
INSERT INTO dash_member_days (city_id, joined_on, neighborhood_id, youth)
    SELECT city_id, joined_at::date, COALESCE(neighborhood_id, 0), COUNT(*)
    FROM dash_members GROUP BY city_id, joined_at::date, COALESCE(neighborhood_id, 0);
CREATE FUNCTION dash_member_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE dash_member_days SET youth = youth - 1
            WHERE city_id = OLD.city_id AND joined_on = OLD.joined_at::date
              AND neighborhood_id = COALESCE(OLD.neighborhood_id, 0);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO dash_member_days (city_id, joined_on, neighborhood_id, youth)
            VALUES (NEW.city_id, NEW.joined_at::date, COALESCE(NEW.neighborhood_id, 0), 1)
            ON CONFLICT (city_id, joined_on, neighborhood_id)
            DO UPDATE SET youth = dash_member_days.youth + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_member_days_count
    AFTER INSERT OR DELETE OR UPDATE OF city_id, joined_at, neighborhood_id ON dash_members
    FOR EACH ROW EXECUTE FUNCTION dash_member_days_count();
-- A run of weeks reads each week's badge cells of one slice through this.
CREATE INDEX dash_season_badges_slice ON dash_season_badges
    (city_id, whole, neighborhood_id, age_band, week_on, badge_id, activity_id, org_id,
     category_id, awards, pathway_awards);
