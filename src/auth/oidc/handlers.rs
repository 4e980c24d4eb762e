//! `GET /signin/oidc` (a provider's button) and `GET /signin/oidc/callback` (the way back).
//!
//! The button is a link, not a form: the page's `form-action 'self'` would stop a form's
//! redirect to the provider. Starting a sign-in changes nothing but a row of its own, and the
//! way back is what the state and its cookie guard.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;

use crate::audit::ClientAddress;
use crate::auth::oidc::client::{self, VerifiedPerson};
use crate::auth::oidc::pages::FailedPage;
use crate::auth::oidc::store::{self, PendingSignIn, RequiredProvider};
use crate::auth::oidc::{Failure, Provider, ProviderButton, ProviderKey};
use crate::auth::{store as auth_store, throttle};
use crate::error::AppError;
use crate::ids::UserId;
use crate::secrets::token_hash;
use crate::state::AppState;
use crate::web::context::city_of_path;
use crate::web::forms::constant_time_eq;
use crate::web::{redirect, render, safe_next, Chrome};

/// The cookie that ties a sign-in under way to the browser that started it.
pub const STATE_COOKIE: &str = "lanyard_oidc_state";
const COOKIE_PATH: &str = "/signin/oidc";

/// The one redirect URI of every provider.
pub fn callback_url(state: &AppState) -> String {
    format!("{}/signin/oidc/callback", state.base_url())
}

fn state_cookie(value: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(STATE_COOKIE, value.to_string())
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(store::SIGN_IN_MINUTES))
        .finish()
}

fn state_removal() -> Cookie<'static> {
    let mut cookie = Cookie::build(STATE_COOKIE, "").path(COOKIE_PATH).finish();
    cookie.set_max_age(CookieDuration::ZERO);
    cookie
}

/// The provider behind `key`, with its client secret opened; `None` when there is none.
pub async fn resolve(state: &AppState, key: ProviderKey) -> Result<Option<Provider>, AppError> {
    let city = match key {
        ProviderKey::Platform => return Ok(state.oidc.platform.clone()),
        ProviderKey::City(city) => city,
    };
    let Some(sealer) = state.oidc.sealer.as_ref() else {
        return Ok(None);
    };
    let Some(row) = state
        .db
        .run(move |conn| Ok(store::city_provider(conn, city)?))
        .await?
    else {
        return Ok(None);
    };
    let secret = sealer
        .open(
            &row.secret_nonce,
            &row.secret_sealed,
            &store::secret_identity(city),
        )
        .map_err(AppError::Internal)?;
    Ok(Some(Provider {
        key,
        display_name: row.display_name,
        issuer_url: row.issuer_url,
        client_id: row.client_id,
        client_secret: String::from_utf8(secret)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("a sealed client secret: {e}")))?,
    }))
}

/// The buttons of a sign-in page that returns to `next`: the platform's provider, and the
/// provider of the city `next` belongs to (`/c/{slug}…`); only the provider `required` when
/// given (the one a city asks its staff to use).
pub async fn buttons(
    state: &AppState,
    next: &str,
    required: Option<&RequiredProvider>,
) -> Result<Vec<ProviderButton>, AppError> {
    if let Some(required) = required {
        return Ok(vec![ProviderButton {
            tag: ProviderKey::City(required.city).tag(),
            display_name: required.display_name.clone(),
        }]);
    }
    let mut out: Vec<ProviderButton> = state
        .oidc
        .platform
        .iter()
        .map(|p| ProviderButton {
            tag: p.key.tag(),
            display_name: p.display_name.clone(),
        })
        .collect();
    if let Some(slug) = city_of_path(next).map(str::to_string) {
        let found = state
            .db
            .run(move |conn| Ok(store::city_button(conn, &slug)?))
            .await?;
        if let Some((city, display_name)) = found {
            out.push(ProviderButton {
                tag: ProviderKey::City(city).tag(),
                display_name,
            });
        }
    }
    Ok(out)
}

/// A page that says why the sign-in ended; the visitor may try again.
async fn failed(
    state: &AppState,
    chrome: Chrome,
    failure: Failure,
    next: &str,
    person: Option<&VerifiedPerson>,
    required: Option<&RequiredProvider>,
) -> Result<HttpResponse, AppError> {
    tracing::info!(oidc.failure = failure.name(), "an OpenID sign-in failed");
    let status = match failure {
        Failure::StaffMustUseCity => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    let buttons = buttons(state, next, required).await?;
    let signup = city_of_path(next).map(|slug| format!("/c/{slug}/signup"));
    let mut response = render(
        status,
        &FailedPage {
            chrome,
            message: failure.message(),
            email: person.and_then(|p| p.email.clone()).unwrap_or_default(),
            no_account: failure == Failure::NoAccount,
            signup,
            next: next.to_string(),
            buttons,
        },
    )?;
    // A state that did not match leaves the browser's own sign-in under way alone: a forged
    // link must not cancel it.
    if failure != Failure::State {
        let _ = response.add_cookie(&state_removal());
    }
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartQuery {
    provider: String,
    next: String,
}

/// A provider's button: keeps the sign-in under way and sends the browser to the provider.
pub async fn start(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(client_address): ClientAddress,
    form: web::Query<StartQuery>,
) -> Result<HttpResponse, AppError> {
    state
        .throttle
        .attempt(&throttle::oidc_start_keys(&client_address))
        .await?;
    let next = safe_next(&form.next);
    let provider = match ProviderKey::parse(&form.provider) {
        Some(key) => resolve(&state, key).await?,
        None => None,
    };
    let Some(provider) = provider else {
        return failed(&state, chrome, Failure::UnknownProvider, &next, None, None).await;
    };
    let authorization =
        match client::authorize(&state.oidc.http, &provider, &callback_url(&state)).await {
            Ok(authorization) => authorization,
            Err(failure) => return failed(&state, chrome, failure, &next, None, None).await,
        };
    let pending = PendingSignIn {
        provider: provider.key.tag(),
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        next,
    };
    let hash = token_hash(&authorization.state);
    state
        .db
        .run(move |conn| Ok(store::begin(conn, &hash, &pending, Utc::now().naive_utc())?))
        .await?;
    let mut response = redirect(&authorization.url);
    let _ = response.add_cookie(&state_cookie(
        &authorization.state,
        state.settings.session.secure_cookies,
    ));
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CallbackQuery {
    code: String,
    state: String,
    iss: Option<String>,
    error: String,
}

/// A sign-in through a provider that found its account.
struct SignedIn {
    user: UserId,
    next: String,
    /// The account's address had not been confirmed: its other sessions end.
    sign_out_elsewhere: bool,
}

/// A sign-in through a provider that failed, with what is known.
struct Failed {
    failure: Failure,
    next: String,
    person: Option<VerifiedPerson>,
    /// The provider the person must use, when a city asks its staff to.
    required: Option<RequiredProvider>,
}

/// Where a sign-in through a provider ends: an account, or a failure.
type Ending = Result<SignedIn, Box<Failed>>;

fn fail(failure: Failure, next: &str) -> Ending {
    Err(Box::new(Failed {
        failure,
        next: next.to_string(),
        person: None,
        required: None,
    }))
}

/// The way back from the provider. Failures count against the address.
pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(client_address): ClientAddress,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, AppError> {
    let cookie = req.cookie(STATE_COOKIE).map(|c| c.value().to_string());
    let ending = state
        .throttle
        .counting_guesses(
            &throttle::oidc_failure_keys(&client_address),
            finish(&state, cookie.as_deref(), &query),
            |_| true,
        )
        .await?;
    match ending {
        Ok(SignedIn {
            user,
            next,
            sign_out_elsewhere,
        }) => {
            if sign_out_elsewhere {
                state.sessions.end_all_of(user, None).await?;
            }
            tracing::info!(user.id = %user, "signed in through an OpenID provider");
            let next = crate::auth::handlers::landing(&next);
            let mut response = crate::auth::handlers::start_session(&state, user, &next).await?;
            let _ = response.add_cookie(&state_removal());
            Ok(response)
        }
        Err(refused) => {
            let Failed {
                failure,
                next,
                person,
                required,
            } = *refused;
            failed(
                &state,
                chrome,
                failure,
                &next,
                person.as_ref(),
                required.as_ref(),
            )
            .await
        }
    }
}

/// Checks the way back step by step; writes only once every check has passed.
async fn finish(
    state: &AppState,
    cookie: Option<&str>,
    query: &CallbackQuery,
) -> Result<Ending, AppError> {
    // The state must be the one this browser was given, and be taken once.
    if query.state.is_empty() || !cookie.is_some_and(|c| constant_time_eq(c, &query.state)) {
        return Ok(fail(Failure::State, "/"));
    }
    let hash = token_hash(&query.state);
    let pending = state
        .db
        .run(move |conn| Ok(store::take(conn, &hash, Utc::now().naive_utc())?))
        .await?;
    let Some(pending) = pending else {
        return Ok(fail(Failure::State, "/"));
    };
    let next = pending.next.clone();
    if !query.error.is_empty() {
        return Ok(fail(Failure::Refused, &next));
    }
    let provider = match ProviderKey::parse(&pending.provider) {
        Some(key) => resolve(state, key).await?,
        None => None,
    };
    let Some(provider) = provider else {
        return Ok(fail(Failure::UnknownProvider, &next));
    };
    // RFC 9207: an answer that names another issuer is not from the provider we asked.
    if query
        .iss
        .as_deref()
        .is_some_and(|iss| iss != provider.issuer_url)
    {
        return Ok(fail(Failure::Issuer, &next));
    }
    if query.code.is_empty() {
        return Ok(fail(Failure::Code, &next));
    }
    let person = match client::redeem(
        &state.oidc.http,
        &provider,
        &callback_url(state),
        &query.code,
        &pending.pkce_verifier,
        &pending.nonce,
    )
    .await
    {
        Ok(person) => person,
        Err(failure) => return Ok(fail(failure, &next)),
    };
    let used = provider.key;
    let found = person.clone();
    let decided = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| link_or_refuse(conn, &found, used, Utc::now().naive_utc()))
        })
        .await?;
    Ok(match decided {
        Ok((user, sign_out_elsewhere)) => Ok(SignedIn {
            user,
            next,
            sign_out_elsewhere,
        }),
        Err((failure, required)) => Err(Box::new(Failed {
            failure,
            next,
            person: Some(person),
            required,
        })),
    })
}

type Refusal = (Failure, Option<RequiredProvider>);

/// The account `person` signs in to, linking it by verified e-mail when it is not linked yet:
/// (account, whether its other sessions must end); or why not (and the city whose provider
/// the person must use). Called in one transaction: nothing is written on a refusal.
fn link_or_refuse(
    conn: &mut crate::db::DbConnection,
    person: &VerifiedPerson,
    used: ProviderKey,
    now: chrono::NaiveDateTime,
) -> Result<Result<(UserId, bool), Refusal>, AppError> {
    let linked = store::user_of_identity(conn, &person.issuer, &person.subject)?;
    let (user, unconfirmed) = match linked {
        Some(user) => (user, false),
        None => {
            let Some(email) = person.email.as_deref().filter(|_| person.email_verified) else {
                return Ok(Err((Failure::EmailUnverified, None)));
            };
            match store::account_with_email(conn, email)? {
                Some((user, confirmed)) => (user, !confirmed),
                None => return Ok(Err((Failure::NoAccount, None))),
            }
        }
    };
    let account = auth_store::find_user(conn, user)?.ok_or(AppError::NotFound)?;
    let required = store::providers_required_for(conn, &account)?;
    let allowed = required.is_empty() || required.iter().any(|r| used == ProviderKey::City(r.city));
    if !allowed {
        return Ok(Err((
            Failure::StaffMustUseCity,
            required.into_iter().next(),
        )));
    }
    if linked.is_some() {
        store::touch_identity(conn, &person.issuer, &person.subject, now)?;
    } else {
        store::link_identity(conn, &person.issuer, &person.subject, user, now)?;
        // The provider has proven the address: Lanyard takes it as confirmed.
        auth_store::mark_email_verified(conn, user, now)?;
        tracing::info!(user.id = %user, "an OpenID identity was linked by its verified e-mail");
    }
    Ok(Ok((user, unconfirmed)))
}
