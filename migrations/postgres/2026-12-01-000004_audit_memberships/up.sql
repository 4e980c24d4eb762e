-- Who did what, when, to what and from where: append-only.
CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    city_id BIGINT,
    org_id BIGINT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    address TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_city_at ON audit_events (city_id, at);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- A staff role offered to someone who is not yet staff of the city: nothing is effective until
-- they accept.
CREATE TABLE org_invitations (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, user_id)
);
CREATE INDEX org_invitations_user ON org_invitations (user_id);
