//! The audit trail: who did which privileged action, when, to what and from which address.
//!
//! Every privileged action (organization creation, staff roles and invitations, API tokens,
//! awards, revocations, key rotations, the platform's setup) calls [`record`] inside the same
//! transaction as the action itself, so an action is never done without its record and never
//! recorded when it failed. Privileged actions added later call `audit::record` in their
//! transaction the same way. The table is append-only: triggers of both backends refuse updates
//! and deletes. Coordinators read their city's events at `/c/{city}/audit`, the operator every
//! event at `/admin/audit`; both export CSV.

pub mod handlers;
pub mod pages;
pub mod store;

use actix_web::{web, FromRequest, HttpRequest};
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::ids::{CityId, OrgId, UserId};
use crate::state::AppState;

/// What was done. Stored as its `as_str` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    PlatformSetUp,
    OrgCreated,
    MemberAdded,
    MemberRoleChanged,
    MemberInvited,
    MemberRemoved,
    InvitationAccepted,
    InvitationDeclined,
    ApiTokenCreated,
    AwardIssued,
    AwardsImported,
    AwardRevoked,
    KeyRotated,
    InvitationSent,
    InvitationWithdrawn,
    CityCreated,
    CityUpdated,
    OrgApplied,
    OrgApproved,
    OrgDeclined,
    OrgUpdated,
    ActivityCreated,
    ActivityEdited,
    ActivityPublished,
    ActivityArchived,
    ActivityReopened,
    ActivitiesImported,
    BadgeCreated,
    BadgeEdited,
    SubmissionDecided,
    ConsentGiven,
    ConsentDeclined,
    ConsentExpired,
    ParentLinked,
    PasswordReset,
    /// A youth of 13 or over asked to take over their account from their guardians.
    CustodyHandoffAsked,
    CustodyHandoffDeclined,
    /// Both consented: the account is the youth's, their awards re-issued to them.
    CustodyHandedOver,
    AccountDeleted,
}

impl AuditAction {
    pub const ALL: [AuditAction; 39] = [
        AuditAction::PlatformSetUp,
        AuditAction::OrgCreated,
        AuditAction::MemberAdded,
        AuditAction::MemberRoleChanged,
        AuditAction::MemberInvited,
        AuditAction::MemberRemoved,
        AuditAction::InvitationAccepted,
        AuditAction::InvitationDeclined,
        AuditAction::ApiTokenCreated,
        AuditAction::AwardIssued,
        AuditAction::AwardsImported,
        AuditAction::AwardRevoked,
        AuditAction::KeyRotated,
        AuditAction::InvitationSent,
        AuditAction::InvitationWithdrawn,
        AuditAction::CityCreated,
        AuditAction::CityUpdated,
        AuditAction::OrgApplied,
        AuditAction::OrgApproved,
        AuditAction::OrgDeclined,
        AuditAction::OrgUpdated,
        AuditAction::ActivityCreated,
        AuditAction::ActivityEdited,
        AuditAction::ActivityPublished,
        AuditAction::ActivityArchived,
        AuditAction::ActivityReopened,
        AuditAction::ActivitiesImported,
        AuditAction::BadgeCreated,
        AuditAction::BadgeEdited,
        AuditAction::SubmissionDecided,
        AuditAction::ConsentGiven,
        AuditAction::ConsentDeclined,
        AuditAction::ConsentExpired,
        AuditAction::ParentLinked,
        AuditAction::PasswordReset,
        AuditAction::CustodyHandoffAsked,
        AuditAction::CustodyHandoffDeclined,
        AuditAction::CustodyHandedOver,
        AuditAction::AccountDeleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::PlatformSetUp => "platform.set_up",
            AuditAction::OrgCreated => "org.created",
            AuditAction::MemberAdded => "member.added",
            AuditAction::MemberRoleChanged => "member.role_changed",
            AuditAction::MemberInvited => "member.invited",
            AuditAction::MemberRemoved => "member.removed",
            AuditAction::InvitationAccepted => "invitation.accepted",
            AuditAction::InvitationDeclined => "invitation.declined",
            AuditAction::ApiTokenCreated => "api_token.created",
            AuditAction::AwardIssued => "awards.issued",
            AuditAction::AwardsImported => "awards.imported",
            AuditAction::AwardRevoked => "awards.revoked",
            AuditAction::KeyRotated => "key.rotated",
            AuditAction::InvitationSent => "invitation.sent",
            AuditAction::InvitationWithdrawn => "invitation.withdrawn",
            AuditAction::CityCreated => "city.created",
            AuditAction::CityUpdated => "city.updated",
            AuditAction::OrgApplied => "org.applied",
            AuditAction::OrgApproved => "org.approved",
            AuditAction::OrgDeclined => "org.declined",
            AuditAction::OrgUpdated => "org.updated",
            AuditAction::ActivityCreated => "activities.created",
            AuditAction::ActivityEdited => "activities.edited",
            AuditAction::ActivityPublished => "activities.published",
            AuditAction::ActivityArchived => "activities.archived",
            AuditAction::ActivityReopened => "activities.reopened",
            AuditAction::ActivitiesImported => "activities.imported",
            AuditAction::BadgeCreated => "badge.created",
            AuditAction::BadgeEdited => "badge.edited",
            AuditAction::SubmissionDecided => "submission.decided",
            AuditAction::ConsentGiven => "family.consent_given",
            AuditAction::ConsentDeclined => "family.consent_declined",
            AuditAction::ConsentExpired => "family.consent_expired",
            AuditAction::ParentLinked => "parent.linked",
            AuditAction::PasswordReset => "password.reset",
            AuditAction::CustodyHandoffAsked => "family.handoff_asked",
            AuditAction::CustodyHandoffDeclined => "family.handoff_declined",
            AuditAction::CustodyHandedOver => "family.handed_over",
            AuditAction::AccountDeleted => "users.deleted",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The catalog key of the action's name on the audit pages.
    pub fn label_key(self) -> String {
        format!("audit.action.{}", self.as_str())
    }
}

/// Who acted: a signed-in user, an organization's API token, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: Option<UserId>,
    pub name: String,
    pub address: String,
}

impl Actor {
    pub fn user(user: &CurrentUser, address: &str) -> Actor {
        Actor {
            user: Some(user.id),
            name: user.username.clone(),
            address: address.to_string(),
        }
    }

    /// An organization's API token, named by the token's own name.
    pub fn api_token(token_name: &str, address: &str) -> Actor {
        Actor {
            user: None,
            name: format!("api-token:{token_name}"),
            address: address.to_string(),
        }
    }

    /// Lanyard itself, acting on a schedule (a pending account that expired).
    pub fn scheduled() -> Actor {
        Actor {
            user: None,
            name: "lanyard".into(),
            address: "scheduled".into(),
        }
    }

    /// The `lanyard` command line, run by whoever holds the server.
    pub fn command_line() -> Actor {
        Actor {
            user: None,
            name: "cli".into(),
            address: "cli".into(),
        }
    }
}

/// One privileged action, as it is recorded.
#[derive(Clone, Debug)]
pub struct AuditEvent<'a> {
    pub actor: &'a Actor,
    pub city: Option<CityId>,
    pub org: Option<OrgId>,
    pub action: AuditAction,
    /// What was acted on, readable: a user name, an award id, an issuer.
    pub target: String,
    pub detail: serde_json::Value,
    pub at: NaiveDateTime,
}

/// Appends `event` to the audit trail; call it in the transaction of the action.
pub fn record(conn: &mut DbConnection, event: &AuditEvent<'_>) -> QueryResult<()> {
    store::insert(conn, event)
}

/// The address a request came from, as the limits count it and the audit trail records it: the
/// peer, or behind trusted proxies the right-most `X-Forwarded-For` hop that is not one of them.
pub struct ClientAddress(pub String);

impl FromRequest for ClientAddress {
    type Error = crate::error::AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let address = match req.app_data::<web::Data<AppState>>() {
            Some(state) => state.client_address(req),
            None => "unknown".into(),
        };
        std::future::ready(Ok(ClientAddress(address)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_stored_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("drop_tables"), None);
    }

    #[test]
    fn every_action_has_a_name_in_english_and_spanish() {
        for action in AuditAction::ALL {
            for locale in crate::i18n::LOCALES {
                let text = crate::i18n::t(locale, &action.label_key());
                assert!(!text.contains("audit.action"), "{locale} {action:?}");
            }
        }
    }
}
