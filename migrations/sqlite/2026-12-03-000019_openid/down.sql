DROP TABLE oidc_logins;
DROP TABLE oidc_identities;
DROP TABLE city_oidc_providers;
