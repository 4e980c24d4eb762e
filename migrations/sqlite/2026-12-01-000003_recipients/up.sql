-- An opaque random identifier per youth, hashed (with a random salt per award) into the
-- recipient of their credentials. Filled in by the application on first use, from the
-- operating system's random source, so existing accounts need no backfill here.
ALTER TABLE users ADD COLUMN recipient_identifier TEXT;
CREATE UNIQUE INDEX users_recipient_identifier ON users (recipient_identifier);
-- The identifier an award's credential was built from. Empty for awards signed before this
-- migration: those keep the identifier they were signed with, so they keep verifying.
ALTER TABLE awards ADD COLUMN recipient_identifier TEXT;
