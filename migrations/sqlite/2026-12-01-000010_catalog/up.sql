-- The catalog's full-text index: an external-content FTS5 table over activities.search_text
-- (already folded: lower case, accents removed; remove_diacritics 2 folds again whatever slips
-- through), kept in step by triggers. Rows made before this one are indexed by the rebuild; the
-- application fills the search_text of rows that have none yet at start-up.
CREATE VIRTUAL TABLE activities_fts USING fts5(
    search_text,
    content = 'activities',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER activities_fts_insert AFTER INSERT ON activities BEGIN
    INSERT INTO activities_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER activities_fts_delete AFTER DELETE ON activities BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER activities_fts_update AFTER UPDATE OF search_text ON activities BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    INSERT INTO activities_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

INSERT INTO activities_fts (activities_fts) VALUES ('rebuild');

-- The catalog's filters on a city's published activities.
CREATE INDEX activities_city_category ON activities (city_id, category_id);
CREATE INDEX activities_city_neighborhood ON activities (city_id, neighborhood_id);
