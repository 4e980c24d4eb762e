//! `/consent/{token}`: a parent reads what Lanyard keeps, then consents (signed in, or creating
//! a parent account on the spot) or declines. Also the child's "send it again", a teen's link
//! code and the parent's form to type it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::ClientAddress;
use crate::auth::access::{CityMember, SignedIn};
use crate::auth::signup::{self, Joined, NewAccount};
use crate::auth::store::{CityRole, NewUser};
use crate::auth::{throttle, AccountKind, AccountStatus};
use crate::error::AppError;
use crate::family::consent::{self, Found, Refused, ResendRefused, Unusable};
use crate::family::link_codes::{self, LinkRefused};
use crate::family::pages::{ConsentPage, DecidedPage, LinkCodePage, ParentForm};
use crate::fields;
use crate::invitations::mail::fill;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors, NoFields};
use crate::web::{redirect_with, render, Chrome, Flash};

/// The request of `token`; an unknown token counts against the address, so that links cannot
/// be guessed.
async fn find(
    state: &AppState,
    address: &str,
    token: String,
) -> Result<Result<Found, Unusable>, AppError> {
    let lookup = state
        .db
        .run(move |conn| consent::lookup(conn, &token, Utc::now().naive_utc()));
    state
        .throttle
        .counting_guesses(&throttle::link_guess_keys(address), lookup, |why| {
            *why == Unusable::Unknown
        })
        .await
}

fn unusable(chrome: Chrome, why: Unusable) -> Result<HttpResponse, AppError> {
    crate::auth::links::page(chrome, why, &consent::MESSAGES)
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
            let form = ParentForm {
                email: found.parent_email.clone(),
                ..ParentForm::default()
            };
            let chrome = chrome.in_city(&found.city.slug, &found.city.name);
            render(
                StatusCode::OK,
                &ConsentPage::new(chrome, &token, &found, form),
            )
        }
        Err(why) => unusable(chrome, why),
    }
}

/// The page after a consent: the child's account works, and the parent sees it on their page.
fn consented(found: &Found) -> (String, Flash) {
    (
        format!("/c/{}/me#children", found.city.slug),
        Flash::success("flash.consent_given", &found.youth.display_name),
    )
}

/// The consent page again, with what is missing said on it.
fn refused_page(
    chrome: Chrome,
    token: &str,
    found: &Found,
    form: ParentForm,
    status: StatusCode,
    field: &'static str,
    message: &'static str,
) -> Result<HttpResponse, AppError> {
    let chrome = chrome.in_city(&found.city.slug, &found.city.name);
    let mut page = ConsentPage::new(chrome, token, found, form);
    if !field.is_empty() {
        page.errors.add(field, message);
    }
    render(status, &page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AgreeForm {
    /// The box "I have read this and I agree", ticked (`1`).
    agree: String,
}

/// `POST /consent/{token}`: the signed-in parent consents.
pub async fn give(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(user): SignedIn,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AgreeForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = match find(&state, &address, token.clone()).await? {
        Ok(found) => found,
        Err(why) => return unusable(chrome, why),
    };
    if user.kind != AccountKind::Parent {
        let form = ParentForm::default();
        return refused_page(chrome, &token, &found, form, StatusCode::FORBIDDEN, "", "");
    }
    if form.agree != "1" {
        let form = ParentForm::default();
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refused_page(
            chrome,
            &token,
            &found,
            form,
            status,
            "agree",
            "consent.agree_needed",
        );
    }
    let (locale, used) = (chrome.locale, token.clone());
    let outcome = state
        .db
        .run(move |conn| {
            consent::consent(conn, &used, &user, locale, &address, Utc::now().naive_utc())
        })
        .await?;
    match outcome {
        Ok(found) => {
            tracing::info!(city.slug = %found.city.slug, "parental consent given");
            let (to, flash) = consented(&found);
            Ok(redirect_with(&to, flash))
        }
        Err(Refused::Unusable(why)) => unusable(chrome, why),
        Err(Refused::NotAParent) => Err(AppError::Forbidden),
    }
}

/// `POST /consent/{token}/signup`: a new parent account, and its consent, at once.
pub async fn sign_up(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ParentForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = match find(&state, &address, token.clone()).await? {
        Ok(found) => found,
        Err(why) => return unusable(chrome, why),
    };
    let chrome = chrome.in_city(&found.city.slug, &found.city.name);
    let invalid = |chrome: Chrome, mut form: ParentForm, errors: FormErrors| {
        form.password.clear();
        let mut page = ConsentPage::new(chrome, &token, &found, form);
        page.errors = errors;
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let parsed = NewAccount::parse(
        &form.display_name,
        &form.username,
        &form.email,
        &form.password,
    );
    let new = match parsed {
        Ok(new) if form.agree == "1" => new,
        Ok(_) => {
            let mut errors = FormErrors::default();
            errors.add("agree", "consent.agree_needed");
            return invalid(chrome, form, errors);
        }
        Err(mut errors) => {
            if form.agree != "1" {
                errors.add("agree", "consent.agree_needed");
            }
            return invalid(chrome, form, errors);
        }
    };
    state
        .throttle
        .attempt(&throttle::sign_up_keys(&address))
        .await?;
    let hash = state.passwords.hash(new.password.clone()).await?;
    let (city_id, locale, token_used, at) = (found.city.id, chrome.locale, token.clone(), address);
    let joined = state
        .db
        .run(move |conn| {
            let now = Utc::now().naive_utc();
            let parent = NewUser {
                username: new.username.as_str(),
                email: Some(&new.email),
                display_name: &new.display_name,
                password_hash: &hash,
                kind: AccountKind::Parent,
                birth_date: None,
                status: AccountStatus::Active,
                is_operator: false,
                locale: Some(locale),
            };
            signup::register_then(
                conn,
                city_id,
                &parent,
                CityRole::Parent,
                now,
                |conn, parent| {
                    let found = match consent::consent(conn, &token_used, parent, locale, &at, now)?
                    {
                        Ok(found) => found,
                        Err(Refused::Unusable(why)) => return Ok(Err(why)),
                        Err(Refused::NotAParent) => return Err(AppError::Forbidden),
                    };
                    // The link reached this address: it is proven.
                    if found.parent_email == new.email {
                        crate::auth::store::mark_email_verified(conn, parent.id, now)?;
                    }
                    Ok(Ok(Box::new(found)))
                },
            )
        })
        .await?;
    match joined {
        Joined::Done(user, found) => {
            tracing::info!(user.id = %user, city.slug = %found.city.slug, "parent signed up and consented");
            let (to, flash) = consented(&found);
            let mut response = crate::auth::handlers::start_session(&state, user, &to).await?;
            let _ = response.add_cookie(&flash.cookie());
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

/// `POST /consent/{token}/decline`: the waiting account is deleted. No account is needed: the
/// link was sent to the parent's address.
pub async fn decline(
    state: web::Data<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<DeclineForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = match find(&state, &address, token.clone()).await? {
        Ok(found) => found,
        Err(why) => return unusable(chrome, why),
    };
    if form.understood != "1" {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let form = ParentForm {
            email: found.parent_email.clone(),
            ..ParentForm::default()
        };
        return refused_page(
            chrome,
            &token,
            &found,
            form,
            status,
            "understood",
            "consent.understood_needed",
        );
    }
    let outcome = state
        .db
        .run(move |conn| consent::decline(conn, &token, &address, Utc::now().naive_utc()))
        .await?;
    match outcome {
        Ok(found) => {
            tracing::info!(city.slug = %found.city.slug, "parental consent declined; account deleted");
            let chrome = chrome.in_city(&found.city.slug, &found.city.name);
            let page = DecidedPage {
                heading: chrome.t("consent.declined_h"),
                message: fill(
                    chrome.t("consent.declined_body"),
                    &[("child", &found.youth.display_name)],
                ),
                next_href: format!("/c/{}", found.city.slug),
                next_label: fill(chrome.t("consent.to_city"), &[("city", &found.city.name)]),
                chrome,
            };
            render(StatusCode::OK, &page)
        }
        Err(why) => unusable(chrome, why),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DeclineForm {
    /// The box "I understand this deletes the account", ticked (`1`).
    understood: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ResendForm {
    parent_email: String,
}

/// `POST /c/{city}/me/consent`: a waiting child sends the request again, to a corrected
/// address when they give one.
pub async fn resend(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    CsrfForm(form): CsrfForm<ResendForm>,
) -> Result<HttpResponse, AppError> {
    let back = format!("/c/{}/me#consent", access.city.slug);
    if !access.user.awaiting_consent() {
        return Ok(redirect_with(
            &back,
            Flash::error("flash.consent_resend_none", ""),
        ));
    }
    let to = if form.parent_email.trim().is_empty() {
        None
    } else {
        match fields::email(&form.parent_email) {
            Ok(email) => Some(email),
            Err(_) => {
                return Ok(redirect_with(
                    &back,
                    Flash::error("flash.consent_resend_bad_email", ""),
                ))
            }
        }
    };
    let (youth, base) = (access.user.clone(), state.base_url());
    let outcome = state
        .db
        .run(move |conn| {
            consent::resend(conn, &youth, to.as_deref(), &base, Utc::now().naive_utc())
        })
        .await?;
    let flash = match outcome {
        Ok(()) => Flash::success("flash.consent_resent", ""),
        Err(ResendRefused::TooMany) => Flash::error("flash.consent_resend_too_many", ""),
        Err(ResendRefused::NoRequest) => Flash::error("flash.consent_resend_none", ""),
    };
    Ok(redirect_with(&back, flash))
}

/// `POST /c/{city}/me/link-code`: a youth of 13 or over makes a code to show a parent.
pub async fn make_code(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if !access.has_city_role(CityRole::Youth) || access.user.awaiting_consent() {
        return Err(AppError::Forbidden);
    }
    let (youth, today) = (access.user.id, state.clock.today());
    let made = state
        .db
        .run(move |conn| {
            let now = Utc::now().naive_utc();
            if crate::auth::store::is_under_13(conn, youth, today)? {
                return Ok(None);
            }
            Ok(Some(link_codes::create(conn, youth, now)?))
        })
        .await?;
    let Some((code, until)) = made else {
        return Err(AppError::Forbidden);
    };
    let city = &access.city;
    let chrome = chrome.in_city(&city.slug, &city.name);
    let until = fill(
        chrome.t("link.code_until"),
        &[("date", &crate::i18n::dates::moment(chrome.locale, until))],
    );
    let mut response = render(
        StatusCode::OK,
        &LinkCodePage {
            city_slug: city.slug.clone(),
            code,
            until,
            chrome,
        },
    )?;
    // The code is shown once: no cache may keep it.
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    code: String,
}

/// `POST /c/{city}/me/children`: a parent types a teen's code and follows them.
pub async fn link_child(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let back = format!("/c/{}/me#children", access.city.slug);
    let keys = throttle::link_code_keys(&access.user.id.to_string(), &address);
    state.throttle.attempt(&keys).await?;
    let (city, parent) = (access.city.id, access.user.clone());
    let outcome = state
        .db
        .run(move |conn| {
            link_codes::redeem(
                conn,
                city,
                &parent,
                &form.code,
                &address,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    match outcome {
        Ok(youth) => {
            state.throttle.give_back(&keys).await;
            Ok(redirect_with(
                &back,
                Flash::success("flash.child_linked", &youth.display_name),
            ))
        }
        Err(LinkRefused::NotAParent) => {
            state.throttle.give_back(&keys).await;
            Err(AppError::Forbidden)
        }
        Err(why) => {
            if why != LinkRefused::Unknown {
                state.throttle.give_back(&keys).await;
            }
            Ok(redirect_with(&back, Flash::error(why.message_key(), "")))
        }
    }
}

/// `POST /c/{city}/me/children/{child}/consent`: a parent linked to a waiting child opens the
/// consent page from their own page (someone else's child, or one not waiting: 404).
pub async fn open_for_child(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let parent = access.user.id;
    let token = state
        .db
        .run(move |conn| consent::link_for_parent(conn, parent, &child, Utc::now().naive_utc()))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::redirect(&format!("/consent/{token}")))
}
