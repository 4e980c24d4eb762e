//! Reading an invitation by its token, accepting it (once), and withdrawing it.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store, CityRole};
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{CityId, OrgId};
use crate::invitations::store::{self, InvitationRow};
use crate::invitations::{InvitationId, InvitedRole};
use crate::orgs::membership::{self, GrantRefused};
use crate::orgs::Org;
use crate::tenancy::{self, City};

/// A usable invitation, as the invitee's page shows it.
#[derive(Clone, Debug)]
pub struct Found {
    pub id: InvitationId,
    pub city: City,
    pub org: Option<Org>,
    pub role: InvitedRole,
    pub email: String,
    /// The display name of whoever invited them (empty if their account is gone).
    pub inviter: String,
    pub expires_at: NaiveDateTime,
}

/// Why a token cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    Unknown,
    Used,
    Withdrawn,
    Expired,
}

impl Unusable {
    /// The catalog key of the sentence that explains it.
    pub fn message_key(self) -> &'static str {
        match self {
            Unusable::Unknown => "invite.unusable.unknown",
            Unusable::Used => "invite.unusable.used",
            Unusable::Withdrawn => "invite.unusable.withdrawn",
            Unusable::Expired => "invite.unusable.expired",
        }
    }
}

/// Why an invitation was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptRefused {
    Unusable(Unusable),
    /// Youth and parent accounts hold no staff or coordinator role.
    WrongKind(GrantRefused),
    /// The person is the organization's last admin and the invitation is to a lesser role.
    LastAdmin,
}

/// What accepting gave.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub city: City,
    pub org: Option<Org>,
    pub role: InvitedRole,
}

fn classify(row: Option<InvitationRow>, now: NaiveDateTime) -> Result<InvitationRow, Unusable> {
    let row = row.ok_or(Unusable::Unknown)?;
    if row.accepted_at.is_some() {
        Err(Unusable::Used)
    } else if row.withdrawn_at.is_some() {
        Err(Unusable::Withdrawn)
    } else if row.expires_at <= now {
        Err(Unusable::Expired)
    } else {
        Ok(row)
    }
}

fn found(conn: &mut DbConnection, row: InvitationRow) -> Result<Option<Found>, AppError> {
    let Some(role) = InvitedRole::parse(&row.role) else {
        return Ok(None);
    };
    let city = tenancy::store::find(conn, CityId(row.city_id))?;
    let org = match row.org_id {
        Some(id) => Some(crate::orgs::store::find(conn, OrgId(id))?),
        None => None,
    };
    let inviter = match row.invited_by {
        Some(id) => auth_store::find_user(conn, crate::ids::UserId(id))?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Some(Found {
        id: InvitationId(row.id),
        city,
        org,
        role,
        email: row.email,
        inviter,
        expires_at: row.expires_at,
    }))
}

/// The invitation of `token`, or why it cannot be used.
pub fn lookup(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Result<Found, Unusable>, AppError> {
    let row = store::find_by_token_hash(conn, &crate::secrets::token_hash(token))?;
    match classify(row, now) {
        Ok(row) => Ok(found(conn, row)?.ok_or(Unusable::Unknown)),
        Err(unusable) => Ok(Err(unusable)),
    }
}

/// A refusal rolls the transaction back like an error does.
enum Failure {
    App(AppError),
    Refused(AcceptRefused),
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::App(e.into())
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

/// Accepts the invitation of `token` for `person`: marks it used (once, whoever comes second
/// finds it used) and gives the role, in one transaction with its audit records.
pub fn accept(
    conn: &mut DbConnection,
    token: &str,
    person: &CurrentUser,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<Accepted, AcceptRefused>, AppError> {
    let outcome = conn.transaction(|conn| {
        let row = store::find_by_token_hash(conn, &crate::secrets::token_hash(token))?;
        let row = classify(row, now).map_err(|u| Failure::Refused(AcceptRefused::Unusable(u)))?;
        membership::may_hold_staff_role(person.kind)
            .map_err(|r| Failure::Refused(AcceptRefused::WrongKind(r)))?;
        let found = found(conn, row.clone())?
            .ok_or(Failure::Refused(AcceptRefused::Unusable(Unusable::Unknown)))?;
        if store::mark_accepted(conn, row.id, person.id, now)? == 0 {
            return Err(Failure::Refused(AcceptRefused::Unusable(Unusable::Used)));
        }
        match (found.role.org_role(), &found.org) {
            (Some(role), Some(org)) => {
                // Accepting is the invitee's consent: they are staff of the city from now on,
                // so the role is given at once rather than as another invitation.
                auth_store::add_city_member(conn, found.city.id, person.id, CityRole::Staff, now)?;
                match membership::give_staff_role(conn, org, person, role, actor, now)? {
                    Ok(_) => {}
                    Err(GrantRefused::LastAdmin) => {
                        return Err(Failure::Refused(AcceptRefused::LastAdmin))
                    }
                    Err(refused) => {
                        return Err(Failure::Refused(AcceptRefused::WrongKind(refused)))
                    }
                }
            }
            _ => {
                auth_store::add_city_member(
                    conn,
                    found.city.id,
                    person.id,
                    CityRole::Coordinator,
                    now,
                )?;
            }
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(found.city.id),
                org: found.org.as_ref().map(|o| o.id),
                action: AuditAction::InvitationAccepted,
                target: person.username.clone(),
                detail: json!({
                    "invitation": row.id,
                    "role": found.role.as_str(),
                    "org": found.org.as_ref().map(|o| o.slug.clone()),
                }),
                at: now,
            },
        )?;
        Ok(Accepted {
            city: found.city,
            org: found.org,
            role: found.role,
        })
    });
    match outcome {
        Ok(accepted) => Ok(Ok(accepted)),
        Err(Failure::Refused(refused)) => Ok(Err(refused)),
        Err(Failure::App(e)) => Err(e),
    }
}

/// Withdraws the pending invitation `id` of `city` (and of `org` when given; `None` means the
/// city's coordinator invitations). Anything else — another city's, another organization's,
/// already used or withdrawn — answers 404. Recorded with `actor`; one transaction.
pub fn withdraw(
    conn: &mut DbConnection,
    city: &City,
    org: Option<&Org>,
    id: InvitationId,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let row = store::find_in_city(conn, city.id, id.0)?.ok_or(AppError::NotFound)?;
        if row.org_id != org.map(|o| o.id.0) {
            return Err(AppError::NotFound);
        }
        if store::mark_withdrawn(conn, city.id, id.0, now)? == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city.id),
                org: org.map(|o| o.id),
                action: AuditAction::InvitationWithdrawn,
                target: row.email.clone(),
                detail: json!({"invitation": row.id, "role": row.role}),
                at: now,
            },
        )?;
        Ok(())
    })
}
