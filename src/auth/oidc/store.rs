//! All SQL of OpenID sign-in: sign-ins under way, linked identities, cities' providers (the
//! client secret sealed), and which cities ask an account to use their provider.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::store::CityRole;
use crate::auth::CurrentUser;
use crate::db::schema::{
    cities, city_members, city_oidc_providers, oidc_identities, oidc_logins, org_members,
    organizations, users,
};
use crate::db::DbConnection;
use crate::ids::{CityId, UserId};

/// How long a sign-in may spend at the provider.
pub const SIGN_IN_MINUTES: i64 = 10;

/// An issuer URL as typed by a coordinator or an operator: https, or http on this machine only
/// (development and the tests); no query or fragment.
pub fn issuer_url(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let url = openidconnect::url::Url::parse(text).map_err(|_| "oidc.field.issuer_invalid")?;
    let local = matches!(
        url.host_str(),
        Some("localhost") | Some("127.0.0.1") | Some("[::1]")
    );
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && local);
    if !scheme_ok || url.query().is_some() || url.fragment().is_some() || text.len() > 300 {
        return Err("oidc.field.issuer_invalid");
    }
    Ok(text.to_string())
}

/// What is kept of a sign-in while the person is at the provider.
#[derive(Clone, Debug)]
pub struct PendingSignIn {
    /// `ProviderKey::tag`.
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
}

/// Keeps a sign-in under `state_hash` for [`SIGN_IN_MINUTES`]; sweeps the expired ones.
pub fn begin(
    conn: &mut DbConnection,
    state_hash: &str,
    pending: &PendingSignIn,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(oidc_logins::table.filter(oidc_logins::expires_at.lt(now))).execute(conn)?;
    diesel::insert_into(oidc_logins::table)
        .values((
            oidc_logins::state_hash.eq(state_hash),
            oidc_logins::provider.eq(&pending.provider),
            oidc_logins::nonce.eq(&pending.nonce),
            oidc_logins::pkce_verifier.eq(&pending.pkce_verifier),
            oidc_logins::next.eq(&pending.next),
            oidc_logins::created_at.eq(now),
            oidc_logins::expires_at.eq(now + Duration::minutes(SIGN_IN_MINUTES)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Takes the sign-in kept under `state_hash`, once: a second callback with the same state, or
/// one after it expired, finds nothing.
pub fn take(
    conn: &mut DbConnection,
    state_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<PendingSignIn>> {
    let row: Option<(String, String, String, String, NaiveDateTime)> = oidc_logins::table
        .find(state_hash)
        .select((
            oidc_logins::provider,
            oidc_logins::nonce,
            oidc_logins::pkce_verifier,
            oidc_logins::next,
            oidc_logins::expires_at,
        ))
        .first(conn)
        .optional()?;
    let deleted = diesel::delete(oidc_logins::table.find(state_hash)).execute(conn)?;
    Ok(match row {
        Some((provider, nonce, pkce_verifier, next, expires_at))
            if deleted == 1 && expires_at > now =>
        {
            Some(PendingSignIn {
                provider,
                nonce,
                pkce_verifier,
                next,
            })
        }
        _ => None,
    })
}

/// The account linked to `(issuer, subject)`.
pub fn user_of_identity(
    conn: &mut DbConnection,
    issuer: &str,
    subject: &str,
) -> QueryResult<Option<UserId>> {
    oidc_identities::table
        .filter(oidc_identities::issuer.eq(issuer))
        .filter(oidc_identities::subject.eq(subject))
        .select(oidc_identities::user_id)
        .first(conn)
        .optional()
        .map(|id| id.map(UserId))
}

/// Notes that `(issuer, subject)` signed in at `now`.
pub fn touch_identity(
    conn: &mut DbConnection,
    issuer: &str,
    subject: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        oidc_identities::table
            .filter(oidc_identities::issuer.eq(issuer))
            .filter(oidc_identities::subject.eq(subject)),
    )
    .set(oidc_identities::last_used_at.eq(now))
    .execute(conn)
    .map(|_| ())
}

/// Links `(issuer, subject)` to `user`. Two returns of one person at once link it once: the
/// second finds the link made (its e-mail named the same account).
pub fn link_identity(
    conn: &mut DbConnection,
    issuer: &str,
    subject: &str,
    user: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::db::insert_unless_present(conn, |conn| {
        diesel::insert_into(oidc_identities::table)
            .values((
                oidc_identities::issuer.eq(issuer),
                oidc_identities::subject.eq(subject),
                oidc_identities::user_id.eq(user.0),
                oidc_identities::created_at.eq(now),
                oidc_identities::last_used_at.eq(now),
            ))
            .execute(conn)
    })
}

/// The account whose e-mail is `email` (lower-case), and whether Lanyard has confirmed it.
pub fn account_with_email(
    conn: &mut DbConnection,
    email: &str,
) -> QueryResult<Option<(UserId, bool)>> {
    users::table
        .filter(users::email.eq(email))
        .select((users::id, users::email_verified_at.is_not_null()))
        .first::<(i64, bool)>(conn)
        .optional()
        .map(|row| row.map(|(id, verified)| (UserId(id), verified)))
}

/// A city's provider as stored: the secret still sealed.
#[derive(Clone)]
pub struct CityProvider {
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub secret_nonce: Vec<u8>,
    pub secret_sealed: Vec<u8>,
    pub staff_must_use: bool,
}

/// The associated data that binds a sealed client secret to its city.
pub fn secret_identity(city: CityId) -> String {
    format!("lanyard-oidc-client-secret:city:{}", city.0)
}

pub fn city_provider(conn: &mut DbConnection, city: CityId) -> QueryResult<Option<CityProvider>> {
    city_oidc_providers::table
        .find(city.0)
        .select((
            city_oidc_providers::display_name,
            city_oidc_providers::issuer_url,
            city_oidc_providers::client_id,
            city_oidc_providers::secret_nonce,
            city_oidc_providers::secret_sealed,
            city_oidc_providers::staff_must_use,
        ))
        .first::<(String, String, String, Vec<u8>, Vec<u8>, bool)>(conn)
        .optional()
        .map(|row| {
            row.map(
                |(display_name, issuer_url, client_id, secret_nonce, secret_sealed, staff)| {
                    CityProvider {
                        display_name,
                        issuer_url,
                        client_id,
                        secret_nonce,
                        secret_sealed,
                        staff_must_use: staff,
                    }
                },
            )
        })
}

/// Saves a city's provider, replacing the one it had (one transaction, by the caller).
pub fn save_city_provider(
    conn: &mut DbConnection,
    city: CityId,
    provider: &CityProvider,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(city_oidc_providers::table.find(city.0)).execute(conn)?;
    diesel::insert_into(city_oidc_providers::table)
        .values((
            city_oidc_providers::city_id.eq(city.0),
            city_oidc_providers::display_name.eq(&provider.display_name),
            city_oidc_providers::issuer_url.eq(&provider.issuer_url),
            city_oidc_providers::client_id.eq(&provider.client_id),
            city_oidc_providers::secret_nonce.eq(&provider.secret_nonce),
            city_oidc_providers::secret_sealed.eq(&provider.secret_sealed),
            city_oidc_providers::staff_must_use.eq(provider.staff_must_use),
            city_oidc_providers::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn remove_city_provider(conn: &mut DbConnection, city: CityId) -> QueryResult<bool> {
    diesel::delete(city_oidc_providers::table.find(city.0))
        .execute(conn)
        .map(|n| n > 0)
}

/// The provider button of the city `slug`: (city, name on the button).
pub fn city_button(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<(CityId, String)>> {
    city_oidc_providers::table
        .inner_join(cities::table)
        .filter(cities::slug.eq(slug))
        .select((
            city_oidc_providers::city_id,
            city_oidc_providers::display_name,
        ))
        .first::<(i64, String)>(conn)
        .optional()
        .map(|row| row.map(|(id, name)| (CityId(id), name)))
}

/// A city that asks `user` (one of its staff) to sign in through its provider.
#[derive(Clone, Debug)]
pub struct RequiredProvider {
    pub city: CityId,
    pub city_name: String,
    pub display_name: String,
}

/// The cities whose staff `user` is (coordinator, city staff, or staff of one of its
/// organizations) and that ask their staff to use their provider; none for the platform
/// operator, who must always be able to sign in.
pub fn providers_required_for(
    conn: &mut DbConnection,
    user: &CurrentUser,
) -> QueryResult<Vec<RequiredProvider>> {
    if user.is_operator {
        return Ok(Vec::new());
    }
    let user = user.id;
    let mut city_ids: Vec<i64> = city_members::table
        .filter(city_members::user_id.eq(user.0))
        .filter(
            city_members::role.eq_any([CityRole::Coordinator.as_str(), CityRole::Staff.as_str()]),
        )
        .select(city_members::city_id)
        .load(conn)?;
    city_ids.extend(
        org_members::table
            .inner_join(organizations::table)
            .filter(org_members::user_id.eq(user.0))
            .select(organizations::city_id)
            .load::<i64>(conn)?,
    );
    let rows: Vec<(i64, String, String)> = city_oidc_providers::table
        .inner_join(cities::table)
        .filter(city_oidc_providers::staff_must_use.eq(true))
        .filter(city_oidc_providers::city_id.eq_any(&city_ids))
        .order(cities::name)
        .select((
            city_oidc_providers::city_id,
            cities::name,
            city_oidc_providers::display_name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(city, city_name, display_name)| RequiredProvider {
            city: CityId(city),
            city_name,
            display_name,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issuer_is_https_or_http_on_this_machine_only() {
        assert!(issuer_url("https://id.example.org").is_ok());
        assert!(issuer_url(" https://id.example.org/realms/city ").is_ok());
        assert!(issuer_url("http://127.0.0.1:4000").is_ok());
        assert!(issuer_url("http://localhost:4000").is_ok());
        assert!(issuer_url("http://id.example.org").is_err());
        assert!(issuer_url("https://id.example.org/?x=1").is_err());
        assert!(issuer_url("ftp://id.example.org").is_err());
        assert!(issuer_url("not a url").is_err());
    }
}
