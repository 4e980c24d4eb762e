//! `/c/{city}/me/export` and `/c/{city}/me/delete`, for one's own account and, for a parent,
//! for a linked child under 13 (`/c/{city}/me/children/{child}/…`; someone else's child: 404,
//! a child of 13 or over, who decides for themself: 403).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::account::deletion::{self, CredentialChoice, DeletedBy, Deletion, Refusal};
use crate::account::export;
use crate::account::pages::{DeletePage, DeletedPage, ExportPage, Whose};
use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityAccess, CityMember};
use crate::auth::store::{self as auth_store, CityRole};
use crate::auth::throttle;
use crate::auth::{session, CurrentUser};
use crate::error::AppError;
use crate::secrets::random_token;
use crate::state::AppState;
use crate::web::context::csrf_cookie;
use crate::web::forms::{CsrfForm, FormErrors, NoFields};
use crate::web::{page, redirect_with, render, Chrome, Flash};

/// The child `child` (a user name) of the signed-in parent, under 13.
async fn child_of(
    state: &AppState,
    parent: &CurrentUser,
    child: String,
) -> Result<CurrentUser, AppError> {
    let (parent, today) = (parent.id, state.clock.today());
    state
        .db
        .run(move |conn| crate::family::young_child_of(conn, parent, &child, today))
        .await
}

/// The linked children under 13 of a parent (none for anyone else).
async fn young_children(
    state: &AppState,
    access: &CityAccess,
) -> Result<Vec<CurrentUser>, AppError> {
    if !access.has_city_role(CityRole::Parent) {
        return Ok(Vec::new());
    }
    let (parent, today) = (access.user.id, state.clock.today());
    state
        .db
        .run(move |conn| {
            let mut young = Vec::new();
            for child in auth_store::children_of(conn, parent)? {
                if auth_store::is_under_13(conn, child.id, today)? {
                    young.push(child);
                }
            }
            Ok(young)
        })
        .await
}

async fn export_page_with(
    state: &AppState,
    chrome: Chrome,
    access: &CityAccess,
    limited: Option<String>,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let status = if limited.is_some() {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::OK
    };
    render(
        status,
        &ExportPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            children: young_children(state, access).await?,
            city,
            limited,
            per_hour: throttle::EXPORTS_PER_ACCOUNT,
        },
    )
}

/// `GET /c/{city}/me/export`: what the download holds, and its buttons.
pub async fn export_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
) -> Result<HttpResponse, AppError> {
    export_page_with(&state, chrome, &access, None).await
}

/// Counts one download of the signed-in person; past the limit, the export page says when to
/// come back (429).
async fn counted(
    state: &AppState,
    chrome: Chrome,
    access: &CityAccess,
) -> Result<Option<HttpResponse>, AppError> {
    match state
        .throttle
        .attempt(&throttle::export_keys(&access.user.id.to_string()))
        .await
    {
        Ok(()) => Ok(None),
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            let message = chrome.t1("export.limited", "minutes", minutes);
            let mut response = export_page_with(state, chrome, access, Some(message)).await?;
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(Some(response))
        }
        Err(other) => Err(other),
    }
}

async fn download(state: &AppState, user: &CurrentUser) -> Result<HttpResponse, AppError> {
    let bytes = export::build(state, user.id).await?;
    tracing::info!(user.id = %user.id, bytes = bytes.len(), "data exported");
    let mut response = HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes);
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        export::file_name(&user.username)
    )) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `POST /c/{city}/me/export`: the zip of one's own data.
pub async fn export_mine(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(refused) = counted(&state, chrome, &access).await? {
        return Ok(refused);
    }
    download(&state, &access.user).await
}

/// `POST /c/{city}/me/children/{child}/export`: a parent's download of a young child's data.
pub async fn export_child(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let child = child_of(&state, &access.user, child).await?;
    if let Some(refused) = counted(&state, chrome, &access).await? {
        return Ok(refused);
    }
    download(&state, &child).await
}

/// The deletion page of `user`'s account (`child` when a parent deletes a child's), with what
/// stands in the way and the counts it says.
async fn delete_page(
    state: &AppState,
    chrome: Chrome,
    access: &CityAccess,
    child: Option<CurrentUser>,
    status: StatusCode,
    choice: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let whose = child.clone().unwrap_or_else(|| access.user.clone());
    let asker = access.user.username.clone();
    let (refused, live_awards, has_password) = state
        .db
        .run(move |conn| {
            let refused = deletion::refusal(conn, &whose)?;
            let live = crate::account::store::live_award_count(conn, whose.id)? as usize;
            let hash = auth_store::find_user_by_login(conn, &asker)?
                .map(|(_, hash)| hash)
                .unwrap_or_default();
            Ok((refused, live, !hash.is_empty()))
        })
        .await?;
    let refused = refused.map(|r| refusal_text(&chrome, &r));
    render(
        status,
        &DeletePage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            whose: Whose { child },
            live_awards,
            has_password,
            refused,
            choice,
            errors,
        },
    )
}

fn refusal_text(chrome: &Chrome, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Operator => chrome.t("delete.refused_operator"),
        Refusal::SoleAdmin(orgs) => chrome.t1("delete.refused_admin", "orgs", orgs.join(", ")),
        Refusal::SoleCoordinator(cities) => {
            chrome.t1("delete.refused_coordinator", "cities", cities.join(", "))
        }
    }
}

/// `GET /c/{city}/me/delete`.
pub async fn delete_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
) -> Result<HttpResponse, AppError> {
    delete_page(
        &state,
        chrome,
        &access,
        None,
        StatusCode::OK,
        String::new(),
        FormErrors::default(),
    )
    .await
}

/// `GET /c/{city}/me/children/{child}/delete`.
pub async fn delete_child_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let child = child_of(&state, &access.user, child).await?;
    delete_page(
        &state,
        chrome,
        &access,
        Some(child),
        StatusCode::OK,
        String::new(),
        FormErrors::default(),
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    credentials: String,
    password: String,
    confirm: String,
}

/// What the deletion form asks, checked: the choice made and the confirmation given.
struct Confirmed {
    choice: CredentialChoice,
}

/// Checks the form of `asker` (whose password, or typed user name without one, confirms);
/// the errors to show otherwise. A wrong password counts as a failed sign-in.
async fn confirm(
    state: &AppState,
    asker: &CurrentUser,
    address: &str,
    form: &DeleteForm,
) -> Result<Result<Confirmed, FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let choice = CredentialChoice::parse(&form.credentials);
    if choice.is_none() {
        errors.add("credentials", "delete.choose");
    }
    let login = asker.username.clone();
    let hash = state
        .db
        .run(move |conn| {
            Ok(auth_store::find_user_by_login(conn, &login)?
                .map(|(_, hash)| hash)
                .unwrap_or_default())
        })
        .await?;
    if hash.is_empty() {
        if form.confirm.trim().to_ascii_lowercase() != asker.username {
            errors.add("confirm", "delete.confirm_wrong");
        }
    } else {
        let keys = throttle::sign_in_keys(&asker.username, address);
        state.throttle.attempt(&keys).await?;
        let matches = state
            .passwords
            .verify_or_decoy(form.password.clone(), Some(hash))
            .await?;
        if matches {
            state.throttle.give_back(&keys).await;
        } else {
            errors.add("password", "delete.password_wrong");
        }
    }
    match (choice, errors.is_empty()) {
        (Some(choice), true) => Ok(Ok(Confirmed { choice })),
        _ => Ok(Err(errors)),
    }
}

/// Deletes `whose` as confirmed; the refusal as a page when something stands in the way.
async fn carry_out(
    state: &AppState,
    access: &CityAccess,
    whose: &CurrentUser,
    confirmed: &Confirmed,
    by: DeletedBy,
    address: &str,
) -> Result<Result<deletion::Deleted, Refusal>, AppError> {
    let actor = Actor::user(&access.user, address);
    let (user, choice, city) = (whose.clone(), confirmed.choice, access.city.id);
    let outcome = state
        .db
        .run(move |conn| {
            deletion::delete(
                conn,
                &Deletion {
                    user: &user,
                    choice,
                    by,
                    actor: &actor,
                    asked_in: city,
                    now: Utc::now().naive_utc(),
                },
            )
        })
        .await?;
    if let Ok(deleted) = &outcome {
        // The rows are gone; their sessions in Redis and their files follow. A session left in
        // an unreachable Redis is dead all the same: it names an account that no longer signs
        // in (`auth::store::find_user`).
        if let Err(e) = state.sessions.end_all_of(whose.id, None).await {
            tracing::warn!(error = %e, "sessions of a deleted account stay in the session store");
        }
        crate::review::handlers::remove_files(state, deleted.evidence_keys.clone()).await;
        tracing::info!(user.id = %whose.id, revoked = deleted.revoked, "account deleted");
    }
    Ok(outcome)
}

/// `POST /c/{city}/me/delete`: deletes one's own account and signs out.
pub async fn delete_mine(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let confirmed = match confirm(&state, &access.user, &address, &form).await? {
        Ok(confirmed) => confirmed,
        Err(errors) => {
            return delete_page(
                &state,
                chrome,
                &access,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.credentials,
                errors,
            )
            .await
        }
    };
    let me = access.user.clone();
    match carry_out(
        &state,
        &access,
        &me,
        &confirmed,
        DeletedBy::Holder,
        &address,
    )
    .await?
    {
        Ok(deleted) => {
            let city = access.city.clone();
            let mut chrome = chrome.in_city(&city.slug, &city.name);
            chrome.user = None;
            chrome.places = Default::default();
            let mut response = page(&DeletedPage {
                chrome,
                city,
                revoked: deleted.revoked,
                kept: confirmed.choice == CredentialChoice::Keep,
            })?;
            let _ = response.add_cookie(&session::removal_cookie());
            let _ = response.add_cookie(&csrf_cookie(random_token()));
            Ok(response)
        }
        Err(_) => {
            delete_page(
                &state,
                chrome,
                &access,
                None,
                StatusCode::CONFLICT,
                form.credentials,
                FormErrors::default(),
            )
            .await
        }
    }
}

/// `POST /c/{city}/me/children/{child}/delete`: a parent deletes a young child's account,
/// confirming with their own password.
pub async fn delete_child(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let child = child_of(&state, &access.user, child).await?;
    let confirmed = match confirm(&state, &access.user, &address, &form).await? {
        Ok(confirmed) => confirmed,
        Err(errors) => {
            return delete_page(
                &state,
                chrome,
                &access,
                Some(child),
                StatusCode::UNPROCESSABLE_ENTITY,
                form.credentials,
                errors,
            )
            .await
        }
    };
    match carry_out(
        &state,
        &access,
        &child,
        &confirmed,
        DeletedBy::Parent,
        &address,
    )
    .await?
    {
        Ok(_) => Ok(redirect_with(
            &format!("/c/{}/me#children", access.city.slug),
            Flash::success("flash.child_deleted", &child.display_name),
        )),
        Err(_) => {
            delete_page(
                &state,
                chrome,
                &access,
                Some(child),
                StatusCode::CONFLICT,
                form.credentials,
                FormErrors::default(),
            )
            .await
        }
    }
}
