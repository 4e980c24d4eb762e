//! Accounts, sessions, CSRF, passwords (argon2id), sign-in throttling, sign-in through OpenID
//! providers, first-run setup, and the role extractors every protected route goes through.

pub mod access;
pub mod handlers;
pub mod links;
pub mod oidc;
pub mod pages;
pub mod password;
pub mod recovery;
pub mod recovery_handlers;
pub mod session;
pub mod signup;
pub mod store;
pub mod temporary;
pub mod throttle;

use crate::ids::UserId;

/// What kind of person an account belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Youth,
    Parent,
    Staff,
    Operator,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Youth => "youth",
            AccountKind::Parent => "parent",
            AccountKind::Staff => "staff",
            AccountKind::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<AccountKind> {
        match s {
            "youth" => Some(AccountKind::Youth),
            "parent" => Some(AccountKind::Parent),
            "staff" => Some(AccountKind::Staff),
            "operator" => Some(AccountKind::Operator),
            _ => None,
        }
    }
}

/// Whether an account may act yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    /// A youth under 13 waiting for a parent or guardian to confirm.
    AwaitingConsent,
    /// Deleted by its holder (or a parent): a row kept without anything personal, so that
    /// awards and the audit trail still point somewhere. It never signs in.
    Deleted,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::AwaitingConsent => "awaiting_consent",
            AccountStatus::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> AccountStatus {
        match s {
            "awaiting_consent" => AccountStatus::AwaitingConsent,
            "deleted" => AccountStatus::Deleted,
            _ => AccountStatus::Active,
        }
    }
}

/// The signed-in user of a request. Carries no password hash and no birth date.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub status: AccountStatus,
    pub is_operator: bool,
    pub locale: Option<String>,
}

/// The places of one city a signed-in person may open, for their navigation (loaded once per
/// page of a city; empty elsewhere). Navigation only: every page still checks its own guard.
#[derive(Clone, Debug, Default)]
pub struct NavPlaces {
    /// The city these places are of.
    pub city_slug: Option<String>,
    /// Whether they belong to the city at all (any role).
    pub member: bool,
    pub coordinator: bool,
    /// The organizations of the city they are staff of: (slug, name).
    pub orgs: Vec<(String, String)>,
}

impl CurrentUser {
    pub fn is_youth(&self) -> bool {
        self.kind == AccountKind::Youth
    }

    /// The language this person chose, or the default: the one Lanyard writes to them in.
    pub fn language(&self) -> &'static str {
        self.locale
            .as_deref()
            .and_then(crate::i18n::supported)
            .unwrap_or(crate::i18n::LOCALES[0])
    }

    pub fn awaiting_consent(&self) -> bool {
        self.status == AccountStatus::AwaitingConsent
    }
}
