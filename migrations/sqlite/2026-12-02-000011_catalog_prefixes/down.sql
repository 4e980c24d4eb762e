DROP INDEX activities_listing;
DROP TABLE activities_fts;
CREATE VIRTUAL TABLE activities_fts USING fts5(
    search_text,
    content = 'activities',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO activities_fts (activities_fts) VALUES ('rebuild');
