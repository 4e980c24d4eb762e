//! `/forgot`, `/reset/{token}`, `/verify-email/{token}`: a forgotten password and a proven
//! address, through links sent to the account's e-mail; and a parent setting a new password for
//! a child who has no e-mail.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::CityMember;
use crate::auth::recovery::{self, Purpose, Unusable};
use crate::auth::store as auth_store;
use crate::auth::throttle;
use crate::error::AppError;
use crate::fields;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors, NoFields};
use crate::web::{page, redirect_with, render, Chrome, Flash};

#[derive(Template)]
#[template(path = "auth/forgot.html")]
pub struct ForgotPage {
    pub chrome: Chrome,
    pub login: String,
    /// The request was taken: the page says what happens next (the same whoever asked).
    pub sent: bool,
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    pub chrome: Chrome,
    pub token: String,
    pub username: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "auth/verify_email.html")]
pub struct VerifyEmailPage {
    pub chrome: Chrome,
    pub token: String,
    pub email: String,
}

pub async fn forgot_form(chrome: Chrome) -> Result<HttpResponse, AppError> {
    page(&ForgotPage {
        chrome,
        login: String::new(),
        sent: false,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    login: String,
}

/// `POST /forgot`: sends a reset link when the name or address has an account with an e-mail.
/// The answer is the same whether or not it has, so that nobody learns who has an account.
pub async fn forgot(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let login = form.login.trim().to_ascii_lowercase();
    if login.is_empty() || login.len() > 254 {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ForgotPage {
                chrome,
                login: form.login,
                sent: false,
            },
        );
    }
    // Every request counts: each may send an e-mail.
    state
        .throttle
        .attempt(&throttle::recovery_keys(&login, &address))
        .await?;
    let base = state.base_url();
    let lookup = login.clone();
    state
        .db
        .run(move |conn| {
            let Some((user, _)) = auth_store::find_user_by_login(conn, &lookup)? else {
                return Ok(());
            };
            let (Some(email), _) = auth_store::email_of(conn, user.id)? else {
                return Ok(());
            };
            use diesel::Connection;
            conn.transaction(|conn| {
                recovery::send(
                    conn,
                    &user,
                    &email,
                    Purpose::ResetPassword,
                    &base,
                    Utc::now().naive_utc(),
                )
            })
        })
        .await?;
    page(&ForgotPage {
        chrome,
        login: String::new(),
        sent: true,
    })
}

/// The live link of `token`; an unknown one counts against the address.
async fn find(
    state: &AppState,
    address: &str,
    token: String,
    purpose: Purpose,
) -> Result<Result<recovery::Found, Unusable>, AppError> {
    let lookup = state
        .db
        .run(move |conn| recovery::lookup(conn, &token, purpose, Utc::now().naive_utc()));
    state
        .throttle
        .counting_guesses(&throttle::link_guess_keys(address), lookup, |why| {
            *why == Unusable::Unknown
        })
        .await
}

fn unusable(chrome: Chrome, why: Unusable) -> Result<HttpResponse, AppError> {
    crate::auth::links::page(chrome, why, &recovery::MESSAGES)
}

pub async fn reset_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    match find(&state, &address, token.clone(), Purpose::ResetPassword).await? {
        Ok(found) => page(&ResetPage {
            chrome,
            token,
            username: found.user.username,
            errors: FormErrors::default(),
        }),
        Err(why) => unusable(chrome, why),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
}

/// `POST /reset/{token}`: the new password; every session of the account ends, and this
/// browser is signed in afresh.
pub async fn reset(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = match find(&state, &address, token.clone(), Purpose::ResetPassword).await? {
        Ok(found) => found,
        Err(why) => return unusable(chrome, why),
    };
    let password = match fields::new_password(&form.password) {
        Ok(password) => password,
        Err(e) => {
            let mut errors = FormErrors::default();
            errors.add("password", e);
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage {
                    chrome,
                    token,
                    username: found.user.username,
                    errors,
                },
            );
        }
    };
    let hash = state.passwords.hash(password).await?;
    let outcome = state
        .db
        .run(move |conn| {
            recovery::reset_password(conn, &token, &hash, &address, Utc::now().naive_utc())
        })
        .await?;
    let found = match outcome {
        Ok(found) => found,
        Err(why) => return unusable(chrome, why),
    };
    tracing::info!(user.id = %found.user.id, "password reset through an e-mailed link");
    state.sessions.end_all_of(found.user.id, None).await?;
    let mut response = crate::auth::handlers::start_session(&state, found.user.id, "/me").await?;
    let _ = response.add_cookie(&Flash::success("flash.password_reset", "").cookie());
    Ok(response)
}

pub async fn verify_email_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    // A page with a button, not a change on opening: mail scanners open links too.
    match find(&state, &address, token.clone(), Purpose::VerifyEmail).await? {
        Ok(found) => page(&VerifyEmailPage {
            chrome,
            token,
            email: found.email.unwrap_or_default(),
        }),
        Err(why) => unusable(chrome, why),
    }
}

pub async fn verify_email(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    if let Err(why) = find(&state, &address, token.clone(), Purpose::VerifyEmail).await? {
        return unusable(chrome, why);
    }
    let outcome = state
        .db
        .run(move |conn| recovery::verify_email(conn, &token, Utc::now().naive_utc()))
        .await?;
    match outcome {
        Ok(_) => {
            let to = if chrome.user.is_some() {
                "/me"
            } else {
                "/signin"
            };
            Ok(redirect_with(
                to,
                Flash::success("flash.email_verified", ""),
            ))
        }
        Err(why) => unusable(chrome, why),
    }
}

/// `POST /c/{city}/me/verify-email`: sends the verification link again.
pub async fn resend_verification(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let back = format!("/c/{}/me#account", access.city.slug);
    let user = access.user.clone();
    state
        .throttle
        .attempt(&throttle::recovery_keys(&user.username, &address))
        .await?;
    let base = state.base_url();
    let sent = state
        .db
        .run(move |conn| {
            let (Some(email), false) = auth_store::email_of(conn, user.id)? else {
                return Ok(false);
            };
            use diesel::Connection;
            conn.transaction(|conn| {
                recovery::send(
                    conn,
                    &user,
                    &email,
                    Purpose::VerifyEmail,
                    &base,
                    Utc::now().naive_utc(),
                )
            })?;
            Ok(true)
        })
        .await?;
    Ok(redirect_with(
        &back,
        if sent {
            Flash::success("flash.verification_sent", "")
        } else {
            Flash::error("flash.recovery_nothing_to_verify", "")
        },
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ChildPasswordForm {
    password: String,
}

/// `POST /c/{city}/me/children/{child}/password`: a parent sets a new password for their child
/// (someone else's child: 404). The child's other sessions end.
pub async fn child_password(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<ChildPasswordForm>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let back = format!("/c/{}/me#children", access.city.slug);
    let parent = access.user.clone();
    let lookup = child.clone();
    let youth = state
        .db
        .run(move |conn| {
            let Some((youth, _)) = auth_store::find_user_by_login(conn, &lookup)? else {
                return Ok(None);
            };
            // After the handoff at 13 a guardian follows, never manages (`family::handoff`).
            Ok(crate::family::handoff::manages(conn, parent.id, youth.id)?.then_some(youth))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let password = match fields::new_password(&form.password) {
        Ok(password) => password,
        Err(_) => {
            return Ok(redirect_with(
                &back,
                Flash::error("flash.child_password_short", ""),
            ))
        }
    };
    let hash = state.passwords.hash(password).await?;
    let (actor, id) = (Actor::user(&access.user, &address), youth.id);
    let target = youth.clone();
    state
        .db
        .run(move |conn| {
            recovery::set_by_adult(
                conn,
                &target,
                &hash,
                &actor,
                "parent",
                Utc::now().naive_utc(),
            )
        })
        .await?;
    // The parent stays signed in; only the child's sessions end.
    state.sessions.end_all_of(id, None).await?;
    Ok(redirect_with(
        &back,
        Flash::success("flash.child_password_set", &youth.display_name),
    ))
}
