//! `/join/{token}`: the invitee reads the invitation, signs up or signs in, and accepts it.
//! Unknown tokens count against the address's limit, so that links cannot be guessed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::SignedIn;
use crate::auth::signup::NewAccount;
use crate::auth::store::NewUser;
use crate::auth::{throttle, AccountKind, AccountStatus};
use crate::error::AppError;
use crate::invitations::accept::{self, AcceptRefused, Accepted, Found, Unusable};
use crate::invitations::join::{self, Joined};
use crate::invitations::pages::{JoinForm, JoinPage, UnusablePage};
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors, NoFields};
use crate::web::{redirect_with, render, Chrome, Flash};

/// The invitation of `token`, counting the attempt against the address unless the token is a
/// real one.
async fn find(
    state: &AppState,
    address: &str,
    token: String,
) -> Result<Result<Found, Unusable>, AppError> {
    let lookup = state
        .db
        .run(move |conn| accept::lookup(conn, &token, Utc::now().naive_utc()));
    state
        .throttle
        .counting_guesses(&throttle::link_guess_keys(address), lookup, |why| {
            *why == Unusable::Unknown
        })
        .await
}

fn unusable(chrome: Chrome, why: AcceptRefused) -> Result<HttpResponse, AppError> {
    let (status, message) = match why {
        AcceptRefused::Unusable(Unusable::Unknown) => {
            (StatusCode::NOT_FOUND, Unusable::Unknown.message_key())
        }
        // A real link that no longer works: gone, with its own reason.
        AcceptRefused::Unusable(u) => (StatusCode::GONE, u.message_key()),
        AcceptRefused::WrongKind(_) => (StatusCode::FORBIDDEN, "invite.wrong_kind"),
        AcceptRefused::LastAdmin => (StatusCode::CONFLICT, "invite.last_admin"),
    };
    render(
        status,
        &UnusablePage {
            chrome,
            title: "invite.join.title",
            message,
        },
    )
}

/// Where the new role is used, and the name to welcome them to.
fn landing(accepted: &Accepted) -> (String, String) {
    let city = &accepted.city;
    match &accepted.org {
        Some(org) => (
            format!("/c/{}/orgs/{}", city.slug, org.slug),
            org.name.clone(),
        ),
        None => (format!("/c/{}/dashboard", city.slug), city.name.clone()),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    match find(&state, &address, token.clone()).await? {
        Ok(found) => {
            let form = JoinForm {
                email: found.email.clone(),
                ..JoinForm::default()
            };
            let chrome = chrome.in_city(&found.city.slug, &found.city.name);
            render(StatusCode::OK, &JoinPage::new(chrome, &token, &found, form))
        }
        Err(why) => unusable(chrome, AcceptRefused::Unusable(why)),
    }
}

pub async fn accept(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(user): SignedIn,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    if let Err(why) = find(&state, &address, token.clone()).await? {
        return unusable(chrome, AcceptRefused::Unusable(why));
    }
    let actor = Actor::user(&user, &address);
    let outcome = state
        .db
        .run(move |conn| accept::accept(conn, &token, &user, &actor, Utc::now().naive_utc()))
        .await?;
    match outcome {
        Ok(accepted) => {
            tracing::info!(city.slug = %accepted.city.slug, invitation.role = accepted.role.as_str(), "invitation accepted");
            let (to, name) = landing(&accepted);
            Ok(redirect_with(
                &to,
                Flash::success("flash.invitation_accepted", &name),
            ))
        }
        Err(why) => unusable(chrome, why),
    }
}

pub async fn sign_up(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = match find(&state, &address, token.clone()).await? {
        Ok(found) => found,
        Err(why) => return unusable(chrome, AcceptRefused::Unusable(why)),
    };
    let chrome = chrome.in_city(&found.city.slug, &found.city.name);
    let invalid = |chrome: Chrome, mut form: JoinForm, errors: FormErrors| {
        form.password.clear();
        let mut page = JoinPage::new(chrome, &token, &found, form);
        page.errors = errors;
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let new = match NewAccount::parse(
        &form.display_name,
        &form.username,
        &form.email,
        &form.password,
    ) {
        Ok(new) => new,
        Err(errors) => return invalid(chrome, form, errors),
    };
    state
        .throttle
        .attempt(&throttle::sign_up_keys(&address))
        .await?;
    let hash = state.passwords.hash(new.password.clone()).await?;
    let (city_id, locale, token_used) = (found.city.id, chrome.locale, token.clone());
    let joined = state
        .db
        .run(move |conn| {
            join::sign_up_and_accept(
                conn,
                city_id,
                &NewUser {
                    username: new.username.as_str(),
                    email: Some(&new.email),
                    display_name: &new.display_name,
                    password_hash: &hash,
                    kind: AccountKind::Staff,
                    birth_date: None,
                    status: AccountStatus::Active,
                    is_operator: false,
                    locale: Some(locale),
                },
                &token_used,
                &address,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    match joined {
        Joined::Done(user, accepted) => {
            tracing::info!(user.id = %user, city.slug = %accepted.city.slug, "signed up through an invitation");
            let (target, name) = landing(&accepted);
            let mut response = crate::auth::handlers::start_session(&state, user, &target).await?;
            let _ =
                response.add_cookie(&Flash::success("flash.invitation_accepted", &name).cookie());
            Ok(response)
        }
        Joined::UsernameTaken => {
            let mut errors = FormErrors::default();
            errors.add("username", "field.username_taken");
            invalid(chrome, form, errors)
        }
        Joined::Refused(why) => unusable(chrome, why),
    }
}
