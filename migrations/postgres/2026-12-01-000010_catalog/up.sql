-- The catalog's full-text index: a tsvector generated from activities.search_text, which is
-- already folded (lower case, accents removed), so the 'simple' configuration (no stemming, no
-- stop words) suits every language a city offers. The application fills the search_text of rows
-- that have none yet at start-up.
ALTER TABLE activities ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX activities_search ON activities USING GIN (search_vector);

-- The catalog's filters on a city's published activities.
CREATE INDEX activities_city_category ON activities (city_id, category_id);
CREATE INDEX activities_city_neighborhood ON activities (city_id, neighborhood_id);
