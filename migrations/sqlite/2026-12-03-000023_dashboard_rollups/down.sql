DROP INDEX submission_events_at;
DROP INDEX awards_city_awarded;
DROP INDEX claim_codes_city_created;
DROP TABLE dash_versions;
DROP TABLE dash_badge_weeks;
DROP TABLE dash_youth_weeks;
