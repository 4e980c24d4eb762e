//! The rules of an activity's life: created and edited by the organization's staff, published
//! only while the organization is approved, archived when it ends, reopened as a draft. Each
//! change is one transaction with its audit event and the refreshed search text.

use chrono::NaiveDateTime;
use diesel::Connection;

use crate::activities::command::ActivityCommand;
use crate::activities::detail::ActivityStatus;
use crate::activities::image::ActivityImage;
use crate::activities::{search, store};
use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{ActivityId, CityId, OrgId};

/// Why a change of status was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionRefused {
    /// The organization has no such activity.
    NotFound,
    /// The organization is pending or declined: it prepares drafts, it does not publish.
    OrgNotApproved,
    /// The activity is not in a status this change starts from.
    WrongStatus,
}

impl TransitionRefused {
    /// The catalog key of the flash message telling why.
    pub fn message_key(self) -> &'static str {
        match self {
            TransitionRefused::NotFound => "flash.activity_not_found",
            TransitionRefused::OrgNotApproved => "flash.activity_org_not_approved",
            TransitionRefused::WrongStatus => "flash.activity_wrong_status",
        }
    }
}

fn event<'a>(
    actor: &'a Actor,
    city: CityId,
    org: OrgId,
    action: AuditAction,
    id: ActivityId,
    title: &str,
    at: NaiveDateTime,
) -> AuditEvent<'a> {
    AuditEvent {
        actor,
        city: Some(city),
        org: Some(org),
        action,
        target: format!("activity:{id}"),
        detail: serde_json::json!({ "title": title }),
        at,
    }
}

/// Writes a new activity (a draft) without its audit event: the caller records one.
pub(crate) fn insert_draft(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    command: &ActivityCommand,
    image: Option<&ActivityImage>,
    now: NaiveDateTime,
) -> diesel::QueryResult<ActivityId> {
    let id = store::insert_command(conn, city, org, command, ActivityStatus::Draft, now)?;
    if let Some(image) = image {
        store::set_image(conn, id, image.mime, &image.bytes)?;
    }
    search::refresh_index(conn, id)?;
    Ok(id)
}

/// Creates a draft activity of `org`.
pub fn create_activity(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    command: &ActivityCommand,
    image: Option<&ActivityImage>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<ActivityId, AppError> {
    conn.transaction(|conn| {
        let id = insert_draft(conn, city, org, command, image, now)?;
        audit::record(
            conn,
            &event(
                actor,
                city,
                org,
                AuditAction::ActivityCreated,
                id,
                &command.title,
                now,
            ),
        )?;
        Ok(id)
    })
}

/// Writes every field of `command` over activity `id` of `org`; its status stays. An image
/// replaces the old one; none keeps it. `false` when `org` has no such activity.
pub fn edit_activity(
    conn: &mut DbConnection,
    (city, org): (CityId, OrgId),
    id: ActivityId,
    command: &ActivityCommand,
    image: Option<&ActivityImage>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        if !store::update_command(conn, city, org, id, command, now)? {
            return Ok(false);
        }
        if let Some(image) = image {
            store::set_image(conn, id, image.mime, &image.bytes)?;
        }
        search::refresh_index(conn, id)?;
        audit::record(
            conn,
            &event(
                actor,
                city,
                org,
                AuditAction::ActivityEdited,
                id,
                &command.title,
                now,
            ),
        )?;
        Ok(true)
    })
}

/// A change of status: the statuses it starts from, the one it ends in, and its audit action.
struct Move {
    from: &'static [ActivityStatus],
    to: ActivityStatus,
    action: AuditAction,
}

/// Applies `change` to activity `id` of `org`.
fn transition(
    conn: &mut DbConnection,
    (city, org): (CityId, OrgId),
    id: ActivityId,
    change: Move,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<(), TransitionRefused>, AppError> {
    let Move { from, to, action } = change;
    conn.transaction(|conn| {
        let Some(status) = store::status_for_update(conn, city, org, id)? else {
            return Ok(Err(TransitionRefused::NotFound));
        };
        if !from.contains(&status) {
            return Ok(Err(TransitionRefused::WrongStatus));
        }
        if to == ActivityStatus::Published
            && crate::orgs::may_publish(conn, city, org)? != Some(true)
        {
            return Ok(Err(TransitionRefused::OrgNotApproved));
        }
        store::set_status(conn, id, to, now)?;
        search::refresh_index(conn, id)?;
        audit::record(
            conn,
            &AuditEvent {
                detail: serde_json::json!({ "from": status.as_str(), "to": to.as_str() }),
                ..event(actor, city, org, action, id, "", now)
            },
        )?;
        Ok(Ok(()))
    })
}

/// Publishes a draft, if the organization is approved by its city.
pub fn publish_activity(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    id: ActivityId,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<(), TransitionRefused>, AppError> {
    transition(
        conn,
        (city, org),
        id,
        Move {
            from: &[ActivityStatus::Draft],
            to: ActivityStatus::Published,
            action: AuditAction::ActivityPublished,
        },
        actor,
        now,
    )
}

/// Archives a draft or published activity: it leaves the catalog, its page says it ended.
pub fn archive_activity(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    id: ActivityId,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<(), TransitionRefused>, AppError> {
    transition(
        conn,
        (city, org),
        id,
        Move {
            from: &[ActivityStatus::Draft, ActivityStatus::Published],
            to: ActivityStatus::Archived,
            action: AuditAction::ActivityArchived,
        },
        actor,
        now,
    )
}

/// Takes an archived activity back to a draft, to edit and publish again.
pub fn reopen_activity(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    id: ActivityId,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<(), TransitionRefused>, AppError> {
    transition(
        conn,
        (city, org),
        id,
        Move {
            from: &[ActivityStatus::Archived],
            to: ActivityStatus::Draft,
            action: AuditAction::ActivityReopened,
        },
        actor,
        now,
    )
}
