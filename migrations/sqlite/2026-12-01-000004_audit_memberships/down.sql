DROP TABLE org_invitations;
DROP TABLE audit_events;
