//! Sign in, sign out, sign up, language choice and first-run setup.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use crate::audit::{self, Actor, AuditAction, AuditEvent, ClientAddress};
use crate::auth::access::SignedIn;
use crate::auth::pages::{SetupForm, SetupPage, SignInPage, SignUpForm, SignUpPage};
use crate::auth::signup::{self, Registered};
use crate::auth::store::{self, CityRole, NewUser};
use crate::auth::{oidc, session, throttle, AccountKind, AccountStatus};
use crate::db::is_unique_violation;
use crate::error::AppError;
use crate::fields::{self, Slug, Username};
use crate::secrets::random_token;
use crate::state::AppState;
use crate::tenancy::{self, CurrentCity};
use crate::web::context::{csrf_cookie, LOCALE_COOKIE};
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect, redirect_with, render, safe_next, Chrome, Flash};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn sign_in_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(&query.next);
    page(&SignInPage {
        chrome,
        username: String::new(),
        providers: oidc::handlers::buttons(&state, &next, None).await?,
        next,
        failed: false,
        staff_city: String::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    username: String,
    password: String,
    next: String,
}

/// Where a sign-in that returns to `next` lands: the home page sends one to their own page.
pub(crate) fn landing(next: &str) -> String {
    match next {
        "/" => "/me".to_string(),
        other => other.to_string(),
    }
}

pub(crate) async fn start_session(
    state: &AppState,
    user: crate::ids::UserId,
    to: &str,
) -> Result<HttpResponse, AppError> {
    let ttl = state.settings.session.ttl_hours;
    let token = state.sessions.start(user, ttl).await?;
    let mut response = redirect(to);
    let _ = response.add_cookie(&session::session_cookie(
        token,
        state.settings.session.secure_cookies,
        ttl,
    ));
    // The token the visitor held before signing in dies with the anonymous visit.
    let _ = response.add_cookie(&csrf_cookie(random_token()));
    Ok(response)
}

pub async fn sign_in(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(client): ClientAddress,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let login = form.username.trim().to_ascii_lowercase();
    let attempt = throttle::sign_in_keys(&login, &client);
    state.throttle.attempt(&attempt).await?;
    let lookup = login.clone();
    let checked = async {
        let found = state
            .db
            .run(move |conn| Ok(store::find_user_by_login(conn, &lookup)?))
            .await?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), Some(hash)),
            None => (None, None),
        };
        let matches = state.passwords.verify_or_decoy(form.password, hash).await?;
        Ok::<_, AppError>(user.filter(|_| matches))
    }
    .await;
    // Only failures count: a success, or an attempt we could not check, is given back.
    match &checked {
        Ok(Some(_)) | Err(_) => state.throttle.give_back(&attempt).await,
        Ok(None) => {}
    }
    match checked? {
        Some(user) => {
            // A temporary password (set by staff) opens no session: it leads to choosing one's own.
            if let Some(detour) = temporary_password_detour(&state, user.id).await? {
                return Ok(detour);
            }
            if let Some(refused) = staff_must_use_provider(&state, &user).await? {
                let next = safe_next(&form.next);
                return render(
                    StatusCode::FORBIDDEN,
                    &SignInPage {
                        chrome,
                        username: form.username,
                        providers: oidc::handlers::buttons(&state, &next, Some(&refused)).await?,
                        next,
                        failed: false,
                        staff_city: refused.city_name,
                    },
                );
            }
            tracing::info!(user.id = %user.id, "signed in");
            start_session(&state, user.id, &landing(&safe_next(&form.next))).await
        }
        None => {
            let next = safe_next(&form.next);
            render(
                StatusCode::UNAUTHORIZED,
                &SignInPage {
                    chrome,
                    username: form.username,
                    providers: oidc::handlers::buttons(&state, &next, None).await?,
                    next,
                    failed: true,
                    staff_city: String::new(),
                },
            )
        }
    }
}

/// Where a sign-in with a temporary password goes instead of a session: the page to choose a
/// password of one's own (a fresh single-use reset link), or, once it has expired, back to
/// the sign-in page with a word on what to do.
async fn temporary_password_detour(
    state: &AppState,
    user: crate::ids::UserId,
) -> Result<Option<HttpResponse>, AppError> {
    let now = chrono::Utc::now().naive_utc();
    let token = state
        .db
        .run(move |conn| {
            Ok(match crate::auth::temporary::state(conn, user, now)? {
                None => None,
                Some(false) => Some(None),
                Some(true) => Some(Some(crate::auth::recovery::make_link(
                    conn,
                    user,
                    None,
                    crate::auth::recovery::Purpose::ResetPassword,
                    now,
                )?)),
            })
        })
        .await?;
    Ok(match token {
        None => None,
        Some(None) => Some(redirect_with(
            "/signin",
            Flash::error("flash.temporary_password_expired", ""),
        )),
        Some(Some(token)) => {
            tracing::info!(user.id = %user, "signed in with a temporary password; choosing their own");
            Some(redirect_with(
                &format!("/reset/{token}"),
                Flash::success("flash.temporary_password_choose", ""),
            ))
        }
    })
}

/// The city that asks `user`, one of its staff, to sign in through its provider rather than
/// with a password (never the platform operator, who must always be able to sign in).
async fn staff_must_use_provider(
    state: &AppState,
    user: &crate::auth::CurrentUser,
) -> Result<Option<oidc::store::RequiredProvider>, AppError> {
    let user = user.clone();
    let required = state
        .db
        .run(move |conn| Ok(oidc::store::providers_required_for(conn, &user)?))
        .await?;
    Ok(required.into_iter().next())
}

pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(_): CsrfForm<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie) = req.cookie(session::SESSION_COOKIE) {
        state.sessions.end(cookie.value()).await?;
    }
    let mut response = redirect_with("/", Flash::success("flash.signed_out", ""));
    let _ = response.add_cookie(&session::removal_cookie());
    let _ = response.add_cookie(&csrf_cookie(random_token()));
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LocaleForm {
    locale: String,
    next: String,
}

pub async fn choose_locale(
    state: web::Data<AppState>,
    chrome: Chrome,
    CsrfForm(form): CsrfForm<LocaleForm>,
) -> Result<HttpResponse, AppError> {
    let locale =
        crate::i18n::supported(&form.locale).ok_or(AppError::BadRequest("error.bad_request"))?;
    if let Some(user) = chrome.user {
        state
            .db
            .run(move |conn| Ok(store::set_locale(conn, user.id, locale)?))
            .await?;
    }
    let mut response = redirect(&safe_next(&form.next));
    let cookie = actix_web::cookie::Cookie::build(LOCALE_COOKIE, locale)
        .path("/")
        .max_age(actix_web::cookie::time::Duration::days(365))
        .same_site(actix_web::cookie::SameSite::Lax)
        .finish();
    let _ = response.add_cookie(&cookie);
    Ok(response)
}

/// `/me`: sends a signed-in user to their page in their (first) city.
pub async fn my_home(
    state: web::Data<AppState>,
    SignedIn(user): SignedIn,
) -> Result<HttpResponse, AppError> {
    let slug = state
        .db
        .run(move |conn| {
            let ids = store::city_ids_of(conn, user.id)?;
            match ids.first() {
                Some(id) => Ok(Some(tenancy::store::find(conn, *id)?.slug)),
                None => Ok(None),
            }
        })
        .await?;
    Ok(match slug {
        Some(slug) => redirect(&format!("/c/{slug}/me")),
        None => redirect("/"),
    })
}

/// `?kind=staff&next=…`: a sign-up that starts as a staff account and comes back to `next`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignUpQuery {
    kind: String,
    next: String,
}

pub async fn sign_up_form(
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    query: web::Query<SignUpQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = match query.kind.as_str() {
        "parent" | "staff" => query.kind.clone(),
        _ => "youth".into(),
    };
    let suggestion = signup::suggested_username();
    page(&SignUpPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        form: SignUpForm {
            // A youth is offered a name that says nothing about who they are.
            username: if kind == "youth" {
                suggestion.clone()
            } else {
                String::new()
            },
            kind,
            next: local_next(&query.next),
            ..SignUpForm::default()
        },
        errors: FormErrors::default(),
        suggestion,
    })
}

/// A `next` that stays on this site; empty when there is none.
fn local_next(next: &str) -> String {
    match safe_next(next).as_str() {
        "/" => String::new(),
        local => local.to_string(),
    }
}

/// A sign-up, parsed and checked.
struct SignUp {
    kind: AccountKind,
    display_name: String,
    username: Username,
    email: Option<String>,
    password: String,
    birth_date: Option<chrono::NaiveDate>,
    /// Given (and required) when the youth is under 13.
    parent_email: Option<String>,
}

impl TryFrom<&SignUpForm> for SignUp {
    type Error = FormErrors;

    fn try_from(form: &SignUpForm) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::default();
        let kind = match form.kind.as_str() {
            "youth" => AccountKind::Youth,
            "parent" => AccountKind::Parent,
            "staff" => AccountKind::Staff,
            _ => {
                errors.add("kind", "field.kind_invalid");
                AccountKind::Youth
            }
        };
        let display_name = fields::line(&form.display_name, 60).unwrap_or_else(|e| {
            errors.add("display_name", e);
            String::new()
        });
        let username = Username::parse(&form.username)
            .map_err(|e| errors.add("username", e))
            .ok();
        let email = if form.email.trim().is_empty() {
            if kind != AccountKind::Youth {
                errors.add("email", "field.required");
            }
            None
        } else {
            fields::email(&form.email)
                .map_err(|e| errors.add("email", e))
                .ok()
        };
        let password = fields::new_password(&form.password).unwrap_or_else(|e| {
            errors.add("password", e);
            String::new()
        });
        let birth_date = if kind == AccountKind::Youth {
            fields::youth_birth_date(&form.birth_date, Utc::now().date_naive())
                .map_err(|e| errors.add("birth_date", e))
                .ok()
        } else {
            None
        };
        let under_13 = birth_date.is_some_and(|b| fields::age_on(b, Utc::now().date_naive()) < 13);
        let parent_email = if under_13 {
            match fields::email(&form.parent_email) {
                Ok(parent) if email.as_deref() == Some(parent.as_str()) => {
                    errors.add("parent_email", "field.parent_email_own");
                    None
                }
                Ok(parent) => Some(parent),
                Err(_) if form.parent_email.trim().is_empty() => {
                    errors.add("parent_email", "field.parent_email_required");
                    None
                }
                Err(e) => {
                    errors.add("parent_email", e);
                    None
                }
            }
        } else {
            None
        };
        match username {
            Some(username) if errors.is_empty() => Ok(SignUp {
                kind,
                display_name,
                username,
                email,
                password,
                birth_date,
                parent_email,
            }),
            _ => Err(errors),
        }
    }
}

pub async fn sign_up(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    ClientAddress(client): ClientAddress,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<HttpResponse, AppError> {
    let chrome = chrome.in_city(&city.slug, &city.name);
    let invalid = |chrome: Chrome, form: SignUpForm, errors: FormErrors| {
        let mut form = form;
        form.password.clear();
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SignUpPage {
                chrome,
                form,
                errors,
                suggestion: signup::suggested_username(),
            },
        )
    };
    let signup = match SignUp::try_from(&form) {
        Ok(signup) => signup,
        Err(errors) => return invalid(chrome, form, errors),
    };
    // Every sign-up that reaches the database counts, whatever its outcome: it is the only
    // way to learn whether a username exists, and it costs a password hash.
    state
        .throttle
        .attempt(&throttle::sign_up_keys(&client))
        .await?;
    let wanted = signup.username.as_str().to_string();
    let taken = state
        .db
        .run(move |conn| Ok(store::username_taken(conn, &wanted)?))
        .await?;
    let username_taken = || {
        let mut errors = FormErrors::default();
        errors.add("username", "field.username_taken");
        errors
    };
    if taken {
        return invalid(chrome, form, username_taken());
    }
    let hash = state.passwords.hash(signup.password.clone()).await?;
    let under_13 = signup.parent_email.is_some();
    let status = if under_13 {
        AccountStatus::AwaitingConsent
    } else {
        AccountStatus::Active
    };
    let role = match signup.kind {
        AccountKind::Parent => CityRole::Parent,
        AccountKind::Staff => CityRole::Staff,
        _ => CityRole::Youth,
    };
    let locale = chrome.locale;
    let (home, base) = (city.clone(), state.base_url());
    let registered = state
        .db
        .run(move |conn| {
            use diesel::Connection;
            let now = Utc::now().naive_utc();
            let user = NewUser {
                username: signup.username.as_str(),
                email: signup.email.as_deref(),
                display_name: &signup.display_name,
                password_hash: &hash,
                kind: signup.kind,
                birth_date: signup.birth_date,
                status,
                is_operator: false,
                locale: Some(locale),
            };
            let Some(parent_email) = signup.parent_email.as_deref() else {
                return Ok(signup::register(conn, home.id, &user, role, now)?);
            };
            // A child under 13: the account and the request to their parent, together.
            conn.transaction(|conn| {
                let registered = signup::register(conn, home.id, &user, role, now)?;
                if let Registered::Created { user, .. } = &registered {
                    let child = store::find_user(conn, *user)?.ok_or(AppError::NotFound)?;
                    crate::family::consent::open(conn, &home, &child, parent_email, &base, now)?;
                }
                Ok::<_, AppError>(registered)
            })
        })
        .await?;
    match registered {
        Registered::Created {
            user,
            email_attached,
        } => {
            tracing::info!(user.id = %user, signup.email_attached = email_attached, "signed up");
            if email_attached {
                // Its own transaction: the account stands even if the message cannot be
                // queued now (the person asks for it again from their page).
                let base = state.base_url();
                let queued = state
                    .db
                    .run(move |conn| {
                        use diesel::Connection;
                        let person = store::find_user(conn, user)?.ok_or(AppError::NotFound)?;
                        let (Some(email), _) = store::email_of(conn, user)? else {
                            return Ok(());
                        };
                        conn.transaction(|conn| {
                            crate::auth::recovery::send(
                                conn,
                                &person,
                                &email,
                                crate::auth::recovery::Purpose::VerifyEmail,
                                &base,
                                Utc::now().naive_utc(),
                            )
                        })
                    })
                    .await;
                if let Err(e) = queued {
                    tracing::warn!(error = %e, "verification e-mail not queued at sign-up");
                }
            }
            let to = match local_next(&form.next) {
                next if next.is_empty() => format!("/c/{}/me", city.slug),
                next => next,
            };
            start_session(&state, user, &to).await
        }
        Registered::UsernameTaken => invalid(chrome, form, username_taken()),
    }
}

/// The setup code while the platform is not set up. Another process (a `demo` seed, a second
/// instance) may have set it up meanwhile: the database has the last word.
pub async fn setup_pending(state: &AppState) -> Result<Option<String>, AppError> {
    let code = state.setup_code.lock().ok().and_then(|code| code.clone());
    if code.is_none() {
        return Ok(None);
    }
    if state.db.run(|conn| Ok(store::is_set_up(conn)?)).await? {
        if let Ok(mut held) = state.setup_code.lock() {
            *held = None;
        }
        return Ok(None);
    }
    Ok(code)
}

pub async fn setup_form(
    state: web::Data<AppState>,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    if setup_pending(&state).await?.is_none() {
        return Ok(redirect("/"));
    }
    page(&SetupPage {
        chrome,
        form: SetupForm::default(),
        errors: FormErrors::default(),
    })
}

pub async fn setup(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let Some(code) = setup_pending(&state).await? else {
        return Ok(redirect("/"));
    };
    let mut errors = FormErrors::default();
    let typed = form.setup_code.trim().to_ascii_uppercase();
    if !crate::web::forms::constant_time_eq(&code, &typed) {
        errors.add("setup_code", "field.setup_code_wrong");
    }
    let display_name =
        fields::line(&form.display_name, 60).map_err(|e| errors.add("display_name", e));
    let username = Username::parse(&form.username).map_err(|e| errors.add("username", e));
    let email = fields::email(&form.email).map_err(|e| errors.add("email", e));
    let password = fields::new_password(&form.password).map_err(|e| errors.add("password", e));
    let city_name = fields::line(&form.city_name, 80).map_err(|e| errors.add("city_name", e));
    let city_slug = Slug::parse(&form.city_slug).map_err(|e| errors.add("city_slug", e));
    let (
        Ok(display_name),
        Ok(username),
        Ok(email),
        Ok(password),
        Ok(city_name),
        Ok(city_slug),
        true,
    ) = (
        display_name,
        username,
        email,
        password,
        city_name,
        city_slug,
        errors.is_empty(),
    )
    else {
        let mut form = form;
        form.password.clear();
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                chrome,
                form,
                errors,
            },
        );
    };
    let hash = state.passwords.hash(password).await?;
    let locale = chrome.locale;
    let operator = state
        .db
        .run(move |conn| {
            use diesel::Connection;
            let now = Utc::now().naive_utc();
            conn.transaction(|conn| {
                store::mark_set_up(conn, now)?;
                let user = store::insert_user(
                    conn,
                    &NewUser {
                        username: username.as_str(),
                        email: Some(&email),
                        display_name: &display_name,
                        password_hash: &hash,
                        kind: AccountKind::Operator,
                        birth_date: None,
                        status: AccountStatus::Active,
                        is_operator: true,
                        locale: Some(locale),
                    },
                    now,
                )?;
                let city = tenancy::store::insert(conn, city_slug.as_str(), &city_name, "", now)?;
                store::add_city_member(conn, city, user, CityRole::Coordinator, now)?;
                audit::record(
                    conn,
                    &AuditEvent {
                        actor: &Actor {
                            user: Some(user),
                            name: username.as_str().to_string(),
                            address,
                        },
                        city: Some(city),
                        org: None,
                        action: AuditAction::PlatformSetUp,
                        target: city_slug.as_str().to_string(),
                        detail: serde_json::json!({"city": city_name, "operator": username.as_str()}),
                        at: now,
                    },
                )?;
                Ok::<_, diesel::result::Error>((user, city_slug))
            })
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::Conflict("error.already_set_up")
                } else {
                    e.into()
                }
            })
        })
        .await?;
    if let Ok(mut code) = state.setup_code.lock() {
        *code = None;
    }
    let (user, slug) = operator;
    tracing::info!(user.id = %user, city.slug = slug.as_str(), "platform set up");
    start_session(&state, user, &format!("/c/{}/dashboard", slug.as_str())).await
}
