-- A youth's display name shows on public pages (award pages, the verify page) only when the
-- youth (13 and over) or a parent (under 13) turns it on; otherwise those pages say a learner
-- of the city earned the badge.
ALTER TABLE users ADD COLUMN show_name BOOLEAN NOT NULL DEFAULT FALSE;
