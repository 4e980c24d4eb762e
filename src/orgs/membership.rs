//! Who may hold a staff role, and how one is given. Only staff accounts hold staff roles. Staff
//! of the city (and its coordinators) get the role at once; anyone else — a person of another
//! city, or one not yet staff here — gets an invitation, and nothing is effective until they
//! accept it on their own page. Every change is recorded in the audit trail in its transaction.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store, CityRole, OrgRole};
use crate::auth::{AccountKind, CurrentUser};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{CityId, OrgId};
use crate::orgs::store::{self, Invitation, NewOrg};
use crate::orgs::Org;

/// What giving a staff role did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffGrant {
    /// The person is staff now.
    Added,
    /// The person was invited; the role waits for their acceptance.
    Invited,
}

/// Why a staff role cannot be given to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantRefused {
    YouthAccount,
    /// A parent's account (or any other that is not staff).
    NotAStaffAccount,
    /// The person is the organization's last admin: a lesser role would leave it with none.
    LastAdmin,
}

/// Staff roles are held only by staff accounts (and the operator), never by youth or parents.
pub fn may_hold_staff_role(kind: AccountKind) -> Result<(), GrantRefused> {
    match kind {
        AccountKind::Staff | AccountKind::Operator => Ok(()),
        AccountKind::Youth => Err(GrantRefused::YouthAccount),
        AccountKind::Parent => Err(GrantRefused::NotAStaffAccount),
    }
}

/// Whether `user` already works in `city`: its staff, a coordinator, or the operator.
fn is_staff_of_city(
    conn: &mut DbConnection,
    city: CityId,
    user: &CurrentUser,
) -> diesel::QueryResult<bool> {
    if user.is_operator {
        return Ok(true);
    }
    let (city_roles, org_roles) = auth_store::roles_in_city(conn, city, user.id)?;
    Ok(!org_roles.is_empty()
        || city_roles
            .iter()
            .any(|r| matches!(r, CityRole::Staff | CityRole::Coordinator)))
}

/// Gives `person` the `role` in `org`: at once for staff of the city, as an invitation
/// otherwise. Recorded with `actor`; one transaction.
pub fn give_staff_role(
    conn: &mut DbConnection,
    org: &Org,
    person: &CurrentUser,
    role: OrgRole,
    actor: &Actor,
    now: NaiveDateTime,
) -> diesel::QueryResult<Result<StaffGrant, GrantRefused>> {
    if let Err(refused) = may_hold_staff_role(person.kind) {
        return Ok(Err(refused));
    }
    conn.transaction(|conn| {
        let event = |action, detail| AuditEvent {
            actor,
            city: Some(org.city_id),
            org: Some(org.id),
            action,
            target: person.username.clone(),
            detail,
            at: now,
        };
        if is_staff_of_city(conn, org.city_id, person)? {
            store::lock_for_staff_change(conn, org.id)?;
            let previous = store::member_role(conn, org.id, person.id)?;
            if leaves_no_admin(conn, org.id, previous, role)? {
                return Ok(Err(GrantRefused::LastAdmin));
            }
            store::add_member(conn, org.city_id, org.id, person.id, role, now)?;
            // An invitation still pending would hand its role back later: it is spent.
            store::delete_invitations_of(conn, org.id, person.id)?;
            let action = match previous {
                Some(_) => AuditAction::MemberRoleChanged,
                None => AuditAction::MemberAdded,
            };
            let detail = json!({
                "org": org.slug,
                "role": role.as_str(),
                "previous_role": previous.map(|r| r.as_str()),
            });
            audit::record(conn, &event(action, detail))?;
            Ok(Ok(StaffGrant::Added))
        } else {
            store::invite(conn, org.city_id, org.id, person.id, role, actor.user, now)?;
            let detail = json!({"org": org.slug, "role": role.as_str()});
            audit::record(conn, &event(AuditAction::MemberInvited, detail))?;
            Ok(Ok(StaffGrant::Invited))
        }
    })
}

/// Whether changing a member from `previous` to `role` would take away the organization's last
/// admin.
fn leaves_no_admin(
    conn: &mut DbConnection,
    org: OrgId,
    previous: Option<OrgRole>,
    role: OrgRole,
) -> diesel::QueryResult<bool> {
    Ok(previous == Some(OrgRole::Admin)
        && role != OrgRole::Admin
        && store::admin_count(conn, org)? <= 1)
}

/// Adds an organization whose first admin is `admin` (at once, or invited as
/// [`give_staff_role`] decides). The organization, its admin and their records are one
/// transaction.
pub fn create_org(
    conn: &mut DbConnection,
    city: CityId,
    new: &NewOrg<'_>,
    admin: &CurrentUser,
    actor: &Actor,
    now: NaiveDateTime,
) -> diesel::QueryResult<Result<(OrgId, StaffGrant), GrantRefused>> {
    if let Err(refused) = may_hold_staff_role(admin.kind) {
        return Ok(Err(refused));
    }
    conn.transaction(|conn| {
        let id = store::insert(conn, city, new, now)?;
        let org = store::find(conn, id)?;
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city),
                org: Some(id),
                action: AuditAction::OrgCreated,
                target: org.slug.clone(),
                detail: json!({"name": org.name, "admin": admin.username}),
                at: now,
            },
        )?;
        match give_staff_role(conn, &org, admin, OrgRole::Admin, actor, now)? {
            Ok(grant) => Ok(Ok((id, grant))),
            // Checked above; kept for the type.
            Err(refused) => Ok(Err(refused)),
        }
    })
}

/// Accepts or declines an invitation of `person`; 404 for anyone else's.
pub fn answer_invitation(
    conn: &mut DbConnection,
    person: &CurrentUser,
    invitation: i64,
    accept: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(Invitation, Org), AppError> {
    conn.transaction(|conn| {
        let found = store::invitation_of(conn, person.id, invitation)?.ok_or(AppError::NotFound)?;
        store::lock_for_staff_change(conn, found.org_id)?;
        let org = store::find(conn, found.org_id)?;
        store::delete_invitation(conn, found.id)?;
        let action = if accept {
            // A stale invitation to a lesser role never takes the last admin away.
            let previous = store::member_role(conn, org.id, person.id)?;
            if !leaves_no_admin(conn, org.id, previous, found.role)? {
                store::add_member(conn, org.city_id, org.id, person.id, found.role, now)?;
            }
            AuditAction::InvitationAccepted
        } else {
            AuditAction::InvitationDeclined
        };
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(org.city_id),
                org: Some(org.id),
                action,
                target: person.username.clone(),
                detail: json!({"org": org.slug, "role": found.role.as_str()}),
                at: now,
            },
        )?;
        Ok((found, org))
    })
}

/// Why a staff member cannot be removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalRefused {
    /// An organization always keeps one admin.
    LastAdmin,
}

/// Ends the role of the staff member `username` in `org` (404 when they hold none there), never
/// that of its last admin. Recorded with `actor`; one transaction.
pub fn remove_staff(
    conn: &mut DbConnection,
    org: &Org,
    username: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<(), RemovalRefused>, AppError> {
    conn.transaction(|conn| {
        store::lock_for_staff_change(conn, org.id)?;
        let (person, _) =
            auth_store::find_user_by_login(conn, username)?.ok_or(AppError::NotFound)?;
        let role = store::member_role(conn, org.id, person.id)?.ok_or(AppError::NotFound)?;
        if role == OrgRole::Admin && store::admin_count(conn, org.id)? <= 1 {
            return Ok(Err(RemovalRefused::LastAdmin));
        }
        store::remove_member(conn, org.id, person.id)?;
        // Nor may an old invitation bring a removed member back.
        store::delete_invitations_of(conn, org.id, person.id)?;
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(org.city_id),
                org: Some(org.id),
                action: AuditAction::MemberRemoved,
                target: person.username.clone(),
                detail: json!({"org": org.slug, "role": role.as_str()}),
                at: now,
            },
        )?;
        Ok(Ok(()))
    })
}
