//! Staff by e-mail: an organization's admins (and the city's coordinators) invite an admin or a
//! mentor by e-mail address through `invitations::invite` (the link, its e-mail and its record),
//! see the invitations still waiting on the organization's page, and withdraw them.
//! `POST /c/{city}/orgs/{org}/invitations` and `…/invitations/withdraw`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::OrgAdmin;
use crate::error::AppError;
use crate::invitations::{self, InvitationId, InvitedRole};
use crate::orgs::handlers::org_page;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{redirect_with, Chrome, Flash};

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub email: String,
    pub role: String,
}

/// The staff roles an organization invites to.
fn role_of(typed: &str) -> Option<InvitedRole> {
    match typed {
        "admin" => Some(InvitedRole::OrgAdmin),
        "mentor" => Some(InvitedRole::Mentor),
        _ => None,
    }
}

pub async fn invite(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FormErrors::default();
    let role = role_of(form.role.trim());
    if role.is_none() {
        errors.add("role", "field.role_invalid");
    }
    let email = match crate::fields::email(&form.email) {
        Ok(email) => Some(email),
        Err(e) => {
            errors.add("email", e);
            None
        }
    };
    let (Some(role), Some(email), true) = (role, email, errors.is_empty()) else {
        return org_page(
            &state,
            chrome,
            staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            |p| {
                p.invite_form = form;
                p.invite_errors = errors;
            },
        )
        .await;
    };
    let (city, org) = (staff.access.city.clone(), staff.org.clone());
    let inviter = staff.access.user.id;
    let base_url = state.base_url();
    let to = email.clone();
    let sent = state
        .db
        .run(move |conn| {
            invitations::invite(
                conn,
                &city,
                Some(&org),
                role,
                &to,
                inviter,
                &base_url,
                Utc::now().naive_utc(),
            )
        })
        .await;
    match sent {
        Ok(_) => Ok(redirect_with(
            &format!("/c/{}/orgs/{}", staff.access.city.slug, staff.org.slug),
            Flash::success("flash.partners_invitation_sent", &email),
        )),
        Err(AppError::Invalid(fields)) => {
            let mut errors = FormErrors::default();
            for field in fields {
                errors.add(field.field, field.message);
            }
            org_page(
                &state,
                chrome,
                staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                |p| {
                    p.invite_form = form;
                    p.invite_errors = errors;
                },
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    pub invitation: String,
}

pub async fn withdraw(
    state: web::Data<AppState>,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<WithdrawForm>,
) -> Result<HttpResponse, AppError> {
    let id = form
        .invitation
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("error.bad_request"))?;
    let (city, org) = (staff.access.city.clone(), staff.org.clone());
    let actor = Actor::user(&staff.access.user, &address);
    let email = state
        .db
        .run(move |conn| {
            let now = Utc::now().naive_utc();
            // The address, for the message; anything not pending here is 404 in `withdraw`.
            let email = invitations::pending(conn, city.id, Some(org.id), now)?
                .into_iter()
                .find(|p| p.id == InvitationId(id))
                .map(|p| p.email)
                .unwrap_or_default();
            invitations::withdraw(conn, &city, Some(&org), InvitationId(id), &actor, now)?;
            Ok(email)
        })
        .await?;
    tracing::info!(org.slug = %staff.org.slug, invitation.id = id, "staff invitation withdrawn");
    Ok(redirect_with(
        &format!("/c/{}/orgs/{}", staff.access.city.slug, staff.org.slug),
        Flash::success("flash.partners_invitation_withdrawn", &email),
    ))
}
