-- The catalog's listing order without a sort: the published activities of a city by date, so
-- that a page is read off the index instead of sorting every listed activity. (SQLite's prefix
-- indexes of the same migration have no counterpart here: a GIN index looks prefixes up.)
CREATE INDEX activities_listing ON activities (city_id, status, (starts_on IS NULL), starts_on, title, id);
