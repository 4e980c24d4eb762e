-- The catalog's listing order without a sort: the published activities of a city by date, so
-- that a page is read off the index instead of sorting every listed activity. (SQLite's prefix
-- indexes of the same migration have no counterpart here: a GIN index looks prefixes up.)
CREATE INDEX activities_listing ON activities (city_id, status, (starts_on IS NULL), starts_on, title, id);

-- A badge names the activities that lead to it in activity_badges only: links still in the old
-- column move there, and the column is left empty (nothing reads or writes it any more).
INSERT INTO activity_badges (activity_id, badge_id)
    SELECT b.activity_id, b.id FROM badges b
    WHERE b.activity_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM activity_badges l
                      WHERE l.activity_id = b.activity_id AND l.badge_id = b.id);
UPDATE badges SET activity_id = NULL WHERE activity_id IS NOT NULL;
