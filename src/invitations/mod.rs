//! E-mail invitations: a coordinator of a city, or an admin or mentor of one of its
//! organizations, is invited by e-mail with a single-use link (`/join/{token}`) that expires.
//! Only the SHA-256 of the token is stored; the token itself exists only in the e-mail.
//!
//! Other contexts call [`invite`] inside their own transaction: the invitation, its e-mail in the
//! outbox and its audit record are written together or not at all. Accepting ([`accept`]) is one
//! transaction too, and an invitation is used at most once.

pub mod accept;
pub mod handlers;
pub mod join;
pub mod mail;
pub mod pages;
pub mod store;

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store as auth_store;
use crate::auth::store::OrgRole;
use crate::db::DbConnection;
use crate::error::{AppError, FieldError};
use crate::ids::{CityId, OrgId, UserId};
use crate::orgs::Org;
use crate::tenancy::City;

pub use accept::{accept, lookup, withdraw, AcceptRefused, Accepted, Found, Unusable};

/// How long an invitation link works.
pub const VALID_FOR_DAYS: i64 = 7;

/// An invitation's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvitationId(pub i64);

impl std::fmt::Display for InvitationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The role an invitation offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitedRole {
    /// A coordinator of the city.
    Coordinator,
    /// An admin of an organization.
    OrgAdmin,
    /// A mentor of an organization.
    Mentor,
}

impl InvitedRole {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitedRole::Coordinator => "coordinator",
            InvitedRole::OrgAdmin => "admin",
            InvitedRole::Mentor => "mentor",
        }
    }

    pub fn parse(stored: &str) -> Option<InvitedRole> {
        match stored {
            "coordinator" => Some(InvitedRole::Coordinator),
            "admin" => Some(InvitedRole::OrgAdmin),
            "mentor" => Some(InvitedRole::Mentor),
            _ => None,
        }
    }

    /// The organization role it gives (`None` for a coordinator).
    pub fn org_role(self) -> Option<OrgRole> {
        match self {
            InvitedRole::Coordinator => None,
            InvitedRole::OrgAdmin => Some(OrgRole::Admin),
            InvitedRole::Mentor => Some(OrgRole::Mentor),
        }
    }

    /// The catalog key of "a coordinator of %{place}" and its kin.
    pub fn phrase_key(self) -> &'static str {
        match self {
            InvitedRole::Coordinator => "invite.role.coordinator",
            InvitedRole::OrgAdmin => "invite.role.admin",
            InvitedRole::Mentor => "invite.role.mentor",
        }
    }
}

/// Invites `email` to `role` in `city` (and `org` for the organization roles): stores the hash
/// of a fresh token, valid for [`VALID_FOR_DAYS`], queues the invitation e-mail with its link
/// (`{base_url}/join/{token}`) and records the event, all in one transaction on `conn` (a
/// savepoint when the caller has one open). A malformed e-mail answers `AppError::Invalid` on the
/// field `email`.
#[allow(clippy::too_many_arguments)]
pub fn invite(
    conn: &mut DbConnection,
    city: &City,
    org: Option<&Org>,
    role: InvitedRole,
    email: &str,
    invited_by: UserId,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<InvitationId, AppError> {
    let email = crate::fields::email(email).map_err(|message| {
        AppError::Invalid(vec![FieldError {
            field: "email",
            message,
        }])
    })?;
    match (role, org) {
        (InvitedRole::Coordinator, None) => {}
        (InvitedRole::OrgAdmin | InvitedRole::Mentor, Some(org)) if org.city_id == city.id => {}
        _ => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "an invitation's organization must be given for staff roles only, in its city"
            )))
        }
    }
    conn.transaction(|conn| {
        let inviter = auth_store::find_user(conn, invited_by)?.ok_or(AppError::NotFound)?;
        let token = crate::secrets::random_token();
        let expires_at = now + Duration::days(VALID_FOR_DAYS);
        let id = store::insert(
            conn,
            &store::NewInvitation {
                token_hash: &crate::secrets::token_hash(&token),
                city: city.id,
                org: org.map(|o| o.id),
                role: role.as_str(),
                email: &email,
                invited_by,
                expires_at,
            },
            now,
        )?;
        let locale = recipient_locale(conn, &email, city)?;
        let link = format!("{}/join/{token}", base_url.trim_end_matches('/'));
        let message = mail::invitation(
            &mail::InvitationMail {
                city,
                org,
                role,
                inviter: &inviter.display_name,
                to: &email,
                link: &link,
                expires_at,
            },
            locale,
        )?;
        crate::notify::enqueue(conn, &message, now)?;
        audit::record(
            conn,
            &AuditEvent {
                actor: &Actor {
                    user: Some(inviter.id),
                    name: inviter.username.clone(),
                    address: String::new(),
                },
                city: Some(city.id),
                org: org.map(|o| o.id),
                action: AuditAction::InvitationSent,
                target: email.clone(),
                detail: json!({
                    "role": role.as_str(),
                    "org": org.map(|o| o.slug.clone()),
                    "invitation": id,
                }),
                at: now,
            },
        )?;
        tracing::info!(city.slug = %city.slug, invitation.id = id, invitation.role = role.as_str(), "invitation queued");
        Ok(InvitationId(id))
    })
}

/// The recipient's own language when they have an account that chose one, else the city's first.
fn recipient_locale(
    conn: &mut DbConnection,
    email: &str,
    city: &City,
) -> Result<&'static str, AppError> {
    let chosen = store::locale_of_email(conn, email)?;
    Ok(city.locale_for(chosen.as_deref()))
}

/// A pending invitation, as the inviter's pages list it.
#[derive(Clone, Debug)]
pub struct Pending {
    pub id: InvitationId,
    pub email: String,
    pub role: InvitedRole,
    pub expires_at: NaiveDateTime,
}

/// The pending invitations of `city` for `org` (`None`: coordinators).
pub fn pending(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<OrgId>,
    now: NaiveDateTime,
) -> Result<Vec<Pending>, AppError> {
    Ok(store::pending(conn, city, org, now)?
        .into_iter()
        .filter_map(|row| {
            Some(Pending {
                id: InvitationId(row.id),
                role: InvitedRole::parse(&row.role)?,
                email: row.email,
                expires_at: row.expires_at,
            })
        })
        .collect())
}
