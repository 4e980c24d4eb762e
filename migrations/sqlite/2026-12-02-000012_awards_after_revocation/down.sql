-- Back to one award per badge and youth ever: revoked awards that were earned again are lost.
DELETE FROM awards WHERE revoked_at IS NOT NULL AND EXISTS (
    SELECT 1 FROM awards later WHERE later.badge_id = awards.badge_id
        AND later.recipient_id = awards.recipient_id AND later.id > awards.id);
DROP INDEX awards_held;
CREATE UNIQUE INDEX awards_once ON awards (badge_id, recipient_id);
