//! The invitee's answer to a staff invitation: `POST /invitations/{id}/accept` or `…/decline`.
//! Only the invited person may answer; anyone else's invitation answers 404.

use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::SignedIn;
use crate::error::AppError;
use crate::orgs::membership;
use crate::state::AppState;
use crate::tenancy;
use crate::web::forms::{CsrfForm, NoFields};
use crate::web::{redirect_with, Flash};

async fn answer(
    state: &AppState,
    user: crate::auth::CurrentUser,
    address: String,
    id: &str,
    accept: bool,
) -> Result<HttpResponse, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let actor = Actor::user(&user, &address);
    let (org, city_slug) = state
        .db
        .run(move |conn| {
            let (_, org) = membership::answer_invitation(
                conn,
                &user,
                id,
                accept,
                &actor,
                Utc::now().naive_utc(),
            )?;
            let city = tenancy::store::find(conn, org.city_id)?;
            Ok((org, city.slug))
        })
        .await?;
    tracing::info!(org.slug = %org.slug, invitation.accepted = accept, "staff invitation answered");
    Ok(if accept {
        redirect_with(
            &format!("/c/{city_slug}/orgs/{}", org.slug),
            Flash::success("flash.invitation_accepted", &org.name),
        )
    } else {
        redirect_with(
            "/me",
            Flash::success("flash.invitation_declined", &org.name),
        )
    })
}

pub async fn accept(
    state: web::Data<AppState>,
    SignedIn(user): SignedIn,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(&state, user, address, &path, true).await
}

pub async fn decline(
    state: web::Data<AppState>,
    SignedIn(user): SignedIn,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    answer(&state, user, address, &path, false).await
}
