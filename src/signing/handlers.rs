//! The operator's key page: every issuer's keys, and rotation.

use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::Operator;
use crate::error::AppError;
use crate::signing::keys::{self, Issuer};
use crate::signing::pages::{IssuerKeys, KeysPage};
use crate::signing::service::SigningService;
use crate::state::AppState;
use crate::web::forms::CsrfForm;
use crate::web::{page, redirect_with, Chrome, Flash};
use crate::{orgs, tenancy};

pub async fn list(
    state: web::Data<AppState>,
    chrome: Chrome,
    _operator: Operator,
) -> Result<HttpResponse, AppError> {
    let issuers = state
        .db
        .run(|conn| {
            let mut issuers = Vec::new();
            for city in tenancy::store::list(conn)? {
                for org in orgs::store::list_in_city(conn, city.id)? {
                    issuers.push(IssuerKeys {
                        keys: keys::published_keys(conn, Issuer::Org(city.id, org.id))?,
                        city_slug: city.slug.clone(),
                        city_name: city.name.clone(),
                        org_slug: org.slug,
                        org_name: org.name,
                    });
                }
            }
            Ok(issuers)
        })
        .await?;
    page(&KeysPage {
        chrome,
        issuers,
        can_rotate: matches!(state.signer, SigningService::InProcess(_)),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RotateForm {
    city: String,
    org: String,
    /// The required confirmation checkbox: a POST without it changes nothing.
    confirm: String,
}

pub async fn rotate(
    state: web::Data<AppState>,
    Operator(operator): Operator,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<RotateForm>,
) -> Result<HttpResponse, AppError> {
    if form.confirm.is_empty() {
        return Err(AppError::Invalid(vec![crate::error::FieldError {
            field: "confirm",
            message: "keys.confirm_required",
        }]));
    }
    let actor = Actor::user(&operator, &address);
    let SigningService::InProcess(keyring) = &state.signer else {
        return Err(AppError::Conflict("error.rotate_on_signer"));
    };
    let keyring = keyring.clone();
    let (label, number) = state
        .db
        .run(move |conn| {
            let city = tenancy::store::find_by_slug(conn, &form.city)?.ok_or(AppError::NotFound)?;
            let org =
                orgs::store::find_by_slug(conn, city.id, &form.org)?.ok_or(AppError::NotFound)?;
            let number = keyring
                .rotate_recorded(
                    conn,
                    Issuer::Org(city.id, org.id),
                    &actor,
                    Utc::now().naive_utc(),
                )
                .map_err(AppError::Internal)?;
            Ok((org.name, number))
        })
        .await?;
    tracing::info!(key.number = number, "issuer key rotated");
    Ok(redirect_with(
        "/admin/keys",
        Flash::success("flash.key_rotated", &format!("{label}: key-{number}")),
    ))
}
