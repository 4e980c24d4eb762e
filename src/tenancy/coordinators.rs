//! `/c/{city}/coordinators`: who coordinates the city, and e-mail invitations of more
//! (sent and withdrawn by its coordinators).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::Coordinator;
use crate::error::AppError;
use crate::invitations::{self, InvitationId, InvitedRole, Pending};
use crate::state::AppState;
use crate::tenancy::{store, City};
use crate::web::forms::{CsrfForm, FormErrors, NoFields};
use crate::web::{redirect_with, render, Chrome, Flash};

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub email: String,
}

#[derive(Template)]
#[template(path = "tenancy/coordinators.html")]
pub struct CoordinatorsPage {
    pub chrome: Chrome,
    pub city: City,
    pub coordinators: Vec<(String, String)>,
    pub pending: Vec<Pending>,
    pub form: InviteForm,
    pub errors: FormErrors,
}

impl CoordinatorsPage {
    pub fn until(&self, invitation: &Pending) -> String {
        crate::i18n::dates::moment(self.chrome.locale, invitation.expires_at)
    }
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    city: City,
    form: InviteForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let city_id = city.id;
    let (coordinators, pending) = state
        .db
        .run(move |conn| {
            Ok((
                store::coordinators(conn, city_id)?,
                invitations::pending(conn, city_id, None, Utc::now().naive_utc())?,
            ))
        })
        .await?;
    render(
        status,
        &CoordinatorsPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            coordinators,
            pending,
            form,
            errors,
        },
    )
}

pub async fn list(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    show_page(
        &state,
        chrome,
        access.city,
        InviteForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn invite(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let (city, inviter, base_url) = (access.city.clone(), access.user.id, state.base_url());
    let email = form.email.clone();
    let sent = state
        .db
        .run(move |conn| {
            invitations::invite(
                conn,
                &city,
                None,
                InvitedRole::Coordinator,
                &email,
                inviter,
                &base_url,
                Utc::now().naive_utc(),
            )
        })
        .await;
    match sent {
        Ok(_) => Ok(redirect_with(
            &format!("/c/{}/coordinators", access.city.slug),
            Flash::success("coordinators.invited", form.email.trim()),
        )),
        Err(AppError::Invalid(fields)) => {
            show_page(
                &state,
                chrome,
                access.city,
                form,
                FormErrors(fields),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn withdraw(
    state: web::Data<AppState>,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id: i64 = path.1.parse().map_err(|_| AppError::NotFound)?;
    let actor = Actor::user(&access.user, &address);
    let city = access.city.clone();
    state
        .db
        .run(move |conn| {
            invitations::withdraw(
                conn,
                &city,
                None,
                InvitationId(id),
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/coordinators", access.city.slug),
        Flash::success("coordinators.withdrawn", ""),
    ))
}
