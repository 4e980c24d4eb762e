-- Back to one award per badge and youth ever: revoked awards that were earned again are lost.
DELETE FROM awards a WHERE a.revoked_at IS NOT NULL AND EXISTS (
    SELECT 1 FROM awards later WHERE later.badge_id = a.badge_id
        AND later.recipient_id = a.recipient_id AND later.id > a.id);
DROP INDEX awards_held;
ALTER TABLE awards ADD CONSTRAINT awards_badge_id_recipient_id_key UNIQUE (badge_id, recipient_id);
