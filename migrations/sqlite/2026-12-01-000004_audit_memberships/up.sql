-- Who did what, when, to what and from where: append-only.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- A staff role offered to someone who is not yet staff of the city: nothing is effective until
-- they accept.
CREATE TABLE org_invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, user_id)
);
CREATE INDEX org_invitations_user ON org_invitations (user_id);
