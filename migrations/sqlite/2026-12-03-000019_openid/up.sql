-- Sign-in with OpenID Connect: a city's own provider (its client secret sealed under the OpenID
-- key, never stored in the clear), the identities (issuer, subject) linked to accounts, and the
-- sign-ins under way (state, nonce and PKCE verifier kept server-side, only the state's SHA-256
-- as the key; each row is used once and lives ten minutes).
CREATE TABLE city_oidc_providers (
    city_id BIGINT PRIMARY KEY NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    issuer_url TEXT NOT NULL,
    client_id TEXT NOT NULL,
    secret_nonce BLOB NOT NULL,
    secret_sealed BLOB NOT NULL,
    staff_must_use BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE oidc_identities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX oidc_identities_issuer_subject ON oidc_identities (issuer, subject);
CREATE INDEX oidc_identities_user ON oidc_identities (user_id);
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at);
