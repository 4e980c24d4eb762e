-- Pathways: a badge awarded automatically when a youth holds all, any, or a number of a set
-- of badges. An organization's pathway takes its own badges; a city's pathway (owned by the
-- city's issuer organization, kind 'city') may take the badges of every organization of the
-- city, and its badge is issued by the city.
CREATE TABLE pathways (
    id BIGSERIAL PRIMARY KEY,
    city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    badge_id BIGINT NOT NULL UNIQUE REFERENCES badges(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    required INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX pathways_city ON pathways (city_id);
CREATE TABLE pathway_badges (
    id BIGSERIAL PRIMARY KEY,
    pathway_id BIGINT NOT NULL REFERENCES pathways(id) ON DELETE CASCADE,
    badge_id BIGINT NOT NULL REFERENCES badges(id) ON DELETE CASCADE,
    UNIQUE (pathway_id, badge_id)
);
CREATE INDEX pathway_badges_badge ON pathway_badges (badge_id);
