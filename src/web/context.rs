//! The per-request context, loaded once by a middleware before any handler runs.

use std::future::{ready, Ready};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::auth::{session, CurrentUser, NavPlaces};
use crate::error::AppError;
use crate::i18n;
use crate::secrets::random_token;
use crate::state::AppState;

pub const CSRF_COOKIE: &str = "lanyard_csrf";
pub const LOCALE_COOKIE: &str = "lanyard_locale";
pub const FLASH_COOKIE: &str = "lanyard_flash";

/// Everything a handler may need to know about who is asking and how to answer them.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub locale: &'static str,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub path: String,
    /// What the person may open in the city of the path (navigation only).
    pub places: NavPlaces,
}

/// A one-time message shown on the page after a redirect.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    /// `success` or `error`.
    pub kind: String,
    /// Catalog key.
    pub key: String,
    /// Replaces `%{name}` in the message.
    pub name: String,
}

impl Flash {
    pub fn success(key: &str, name: &str) -> Flash {
        Flash {
            kind: "success".into(),
            key: key.into(),
            name: name.into(),
        }
    }

    pub fn error(key: &str, name: &str) -> Flash {
        Flash {
            kind: "error".into(),
            key: key.into(),
            name: name.into(),
        }
    }

    pub fn cookie(&self) -> Cookie<'static> {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        Cookie::build(FLASH_COOKIE, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .finish()
    }

    fn from_cookie(value: &str) -> Option<Flash> {
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(value)
            .ok()?;
        let flash: Flash = serde_json::from_slice(&json).ok()?;
        // Only catalog messages are ever shown.
        (flash.key.starts_with("flash.") && (flash.kind == "success" || flash.kind == "error"))
            .then_some(flash)
    }
}

/// Paths that need no context: static files, the bearer-token API and the probes (which must
/// not touch the database or Redis for a visitor's cookie).
fn needs_no_context(path: &str) -> bool {
    path.starts_with("/static/")
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/readyz"
}

/// Loads the context of every page request (not static files or the bearer-token API).
///
/// A failure here (the session store lost with the database) is answered as a response, not
/// an `Err`, so that it passes through the error pages and the security headers like any other:
/// every visitor, signed in or not, sees the same 503 page.
pub async fn load_context<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let path = req.path().to_string();
    if needs_no_context(&path) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;

    let existing_csrf = req
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 43);
    let csrf_is_new = existing_csrf.is_none();
    let anonymous_csrf = existing_csrf.unwrap_or_else(random_token);

    let session_token = req
        .cookie(session::SESSION_COOKIE)
        .map(|c| c.value().to_string());
    let user = match &session_token {
        Some(token) => match session::current_user(&state, token).await {
            Ok(user) => user,
            Err(e) => {
                let locale = visitor_locale(&req, None);
                req.extensions_mut().insert(RequestContext {
                    locale,
                    user: None,
                    csrf: anonymous_csrf,
                    flash: None,
                    path,
                    places: NavPlaces::default(),
                });
                let response = e.error_response();
                return Ok(req.into_response(response).map_into_right_body());
            }
        },
        None => None,
    };
    // A signed-in visitor's token is derived from their session, so no cookie an attacker can
    // plant (or a token seen before sign-in, or in another session) ever matches it.
    let csrf = match (&user, &session_token) {
        (Some(_), Some(token)) => session::csrf_token_of_session(token),
        _ => anonymous_csrf.clone(),
    };

    let locale = visitor_locale(&req, user.as_ref());

    let flash = req
        .cookie(FLASH_COOKIE)
        .and_then(|c| Flash::from_cookie(c.value()));
    let had_flash_cookie = req.cookie(FLASH_COOKIE).is_some();

    let places = match (&user, city_of_path(&path)) {
        (Some(user), Some(slug)) => {
            let (id, slug) = (user.id, slug.to_string());
            // Navigation only: a failure leaves the links out, the page itself still answers.
            state
                .db
                .run(move |conn| Ok(crate::auth::store::nav_places(conn, id, &slug)?))
                .await
                .unwrap_or_default()
        }
        _ => NavPlaces::default(),
    };

    let full_path = match req.query_string() {
        "" => path,
        q => format!("{path}?{q}"),
    };
    req.extensions_mut().insert(RequestContext {
        locale,
        user,
        csrf: csrf.clone(),
        flash,
        path: full_path,
        places,
    });

    let mut res = next.call(req).await?.map_into_left_body();
    let rotates_csrf = res.response().cookies().any(|c| c.name() == CSRF_COOKIE);
    if csrf_is_new && !rotates_csrf {
        let _ = res.response_mut().add_cookie(&csrf_cookie(anonymous_csrf));
    }
    let sets_new_flash = res.response().cookies().any(|c| c.name() == FLASH_COOKIE);
    let is_page = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // The flash is spent only when a page has shown it, not by an image fetched meanwhile.
    if had_flash_cookie && !sets_new_flash && is_page {
        let mut removal = Cookie::build(FLASH_COOKIE, "").path("/").finish();
        removal.set_max_age(CookieDuration::ZERO);
        let _ = res.response_mut().add_cookie(&removal);
    }
    if state.settings.session.secure_cookies {
        mark_cookies_secure(res.response_mut());
    }
    Ok(res)
}

/// The city slug of a `/c/{city}/…` path (or of a local URL with a query or fragment).
pub(crate) fn city_of_path(path: &str) -> Option<&str> {
    path.strip_prefix("/c/")?
        .split(['/', '?', '#'])
        .next()
        .filter(|s| !s.is_empty())
}

/// The visitor's choice, then their profile's, then `Accept-Language`, then English.
fn visitor_locale(req: &ServiceRequest, user: Option<&CurrentUser>) -> &'static str {
    req.cookie(LOCALE_COOKIE)
        .and_then(|c| i18n::supported(c.value()))
        .or_else(|| {
            user.and_then(|u| u.locale.as_deref())
                .and_then(i18n::supported)
        })
        .or_else(|| {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(i18n::negotiate)
        })
        .unwrap_or(i18n::LOCALES[0])
}

/// A new anonymous CSRF cookie; sign-in and sign-out send one so that no token outlives them.
pub fn csrf_cookie(value: String) -> Cookie<'static> {
    Cookie::build(CSRF_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish()
}

/// Adds `Secure` to every cookie a page sets (session, CSRF, flash, locale and their removals):
/// over https no cookie of this site may ever travel in the clear.
fn mark_cookies_secure<B>(response: &mut actix_web::HttpResponse<B>) {
    let cookies: Vec<Cookie<'static>> = response
        .cookies()
        .map(|c| {
            let mut c = c.into_owned();
            c.set_secure(true);
            c
        })
        .collect();
    if cookies.is_empty() {
        return;
    }
    response
        .headers_mut()
        .remove(actix_web::http::header::SET_COOKIE);
    for cookie in cookies {
        let _ = response.add_cookie(&cookie);
    }
}

/// The context of the current request (a default one where the middleware did not run).
pub fn request_context(req: &HttpRequest) -> RequestContext {
    req.extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_else(|| RequestContext {
            locale: i18n::LOCALES[0],
            user: None,
            csrf: String::new(),
            flash: None,
            path: req.path().to_string(),
            places: NavPlaces::default(),
        })
}

/// The city shown in the page header and navigation.
#[derive(Clone, Debug)]
pub struct CityNav {
    pub slug: String,
    pub name: String,
}

/// What the base layout needs: locale, user, CSRF token, flash, and the current city if any.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub locale: &'static str,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub path: String,
    pub city: Option<CityNav>,
    pub css_url: String,
    pub places: NavPlaces,
}

impl Chrome {
    pub fn from_request(req: &HttpRequest) -> Chrome {
        let ctx = request_context(req);
        let css_url = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.assets.css_url.clone())
            .unwrap_or_else(|| "/static/style.css".into());
        Chrome {
            locale: ctx.locale,
            user: ctx.user,
            csrf: ctx.csrf,
            flash: ctx.flash,
            path: ctx.path,
            city: None,
            css_url,
            places: ctx.places,
        }
    }

    pub fn in_city(mut self, slug: &str, name: &str) -> Chrome {
        self.city = Some(CityNav {
            slug: slug.into(),
            name: name.into(),
        });
        self
    }

    /// The catalog text of `key`.
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.locale, key)
    }

    /// The catalog text of `key` with `%{name}` replaced.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        i18n::t_with(self.locale, key, name, &value.to_string())
    }

    pub fn flash_text(&self) -> String {
        self.flash
            .as_ref()
            .map(|f| i18n::t_with(self.locale, &f.key, "name", &f.name))
            .unwrap_or_default()
    }

    /// The places of the page's city this person may open (empty when signed out or elsewhere).
    fn places_here(&self) -> Option<&NavPlaces> {
        let city = self.city.as_ref()?;
        (self.places.city_slug.as_deref() == Some(city.slug.as_str())).then_some(&self.places)
    }

    /// A youth of the page's city: may redeem codes and has a badge page here.
    pub fn nav_youth(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_youth())
            && self.places_here().is_some_and(|p| p.member)
    }

    pub fn nav_coordinator(&self) -> bool {
        self.places_here().is_some_and(|p| p.coordinator)
    }

    /// The organizations of the page's city this person is staff of: (slug, name).
    pub fn nav_orgs(&self) -> Vec<(String, String)> {
        self.places_here()
            .map(|p| p.orgs.clone())
            .unwrap_or_default()
    }

    pub fn nav_operator(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_operator)
    }

    /// `aria-current="page"` for the link to `href` on its own page.
    pub fn current(&self, href: &str) -> &'static str {
        let path = self.path.split('?').next().unwrap_or_default();
        if path == href {
            " aria-current=\"page\""
        } else {
            ""
        }
    }

    pub fn is_locale(&self, code: &str) -> bool {
        self.locale == code
    }

    pub fn other_locales(&self) -> Vec<(&'static str, String)> {
        i18n::LOCALES
            .iter()
            .map(|l| (*l, i18n::t(l, "locale.name")))
            .collect()
    }
}

impl FromRequest for Chrome {
    type Error = AppError;
    type Future = Ready<Result<Chrome, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Chrome::from_request(req)))
    }
}
