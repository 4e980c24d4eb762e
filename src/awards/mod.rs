//! Issued badges: who earned what, when and how.

pub mod bulk;
pub mod credential;
pub mod documents;
pub mod handlers;
pub mod issuance;
pub mod pages;
pub mod recipient;
pub mod revocation;
pub mod roster;
pub mod staff;
pub mod store;
pub mod summer;
pub mod summer_handlers;

use chrono::NaiveDateTime;

use crate::ids::{AwardId, BadgeId, OrgId, UserId};

/// How a badge was earned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwardMethod {
    ClaimCode,
    Api,
    /// Given by the organization's staff from the web, one youth or a roster at a time.
    Staff,
    /// A mentor approved the work the youth submitted.
    Review,
    /// The youth completed a pathway: they hold enough of its badges.
    Pathway,
    /// A row of a CSV file given to `lanyard award --csv`.
    Csv,
}

impl AwardMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AwardMethod::ClaimCode => "claim_code",
            AwardMethod::Api => "api",
            AwardMethod::Staff => "staff",
            AwardMethod::Review => "review",
            AwardMethod::Pathway => "pathway",
            AwardMethod::Csv => "csv",
        }
    }

    /// Every way a badge is earned.
    pub const ALL: [AwardMethod; 6] = [
        AwardMethod::ClaimCode,
        AwardMethod::Api,
        AwardMethod::Staff,
        AwardMethod::Review,
        AwardMethod::Pathway,
        AwardMethod::Csv,
    ];

    /// The stored value; anything unknown reads as given by staff.
    pub fn from_stored(stored: &str) -> AwardMethod {
        AwardMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == stored)
            .unwrap_or(AwardMethod::Staff)
    }
}

/// An award as pages and the API show it.
#[derive(Clone, Debug)]
pub struct AwardView {
    pub id: AwardId,
    pub public_id: String,
    pub badge_id: BadgeId,
    pub badge_slug: String,
    pub badge_name: String,
    pub badge_description: String,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub recipient_id: UserId,
    pub recipient_username: String,
    pub recipient_name: String,
    pub method: String,
    pub awarded_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revocation_reason: Option<String>,
}

/// How a public page names the youth of an award: by their display name when they (or, under
/// 13, a parent) let it show, or to themselves and their parents; else as a learner of the
/// city. `shows_name` and `family` are read by [`name_on_page`].
pub fn public_name(
    award: &AwardView,
    shows_name: bool,
    family: bool,
    locale: &str,
    city: &str,
) -> String {
    if shows_name || family {
        award.recipient_name.clone()
    } else {
        crate::i18n::t_with(locale, "award.a_learner", "city", city)
    }
}

/// Whether the award's youth lets their name show, and whether `viewer` is that youth or a
/// parent of theirs.
pub fn name_on_page(
    conn: &mut crate::db::DbConnection,
    award: &AwardView,
    viewer: Option<UserId>,
) -> diesel::QueryResult<(bool, bool)> {
    let shows = crate::auth::store::shows_name(conn, award.recipient_id)?;
    let family = match viewer {
        Some(v) => {
            v == award.recipient_id
                || crate::auth::store::is_parent_of(conn, v, award.recipient_id)?
        }
        None => false,
    };
    Ok((shows, family))
}

impl AwardView {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    pub fn revoked_on(&self) -> String {
        self.revoked_at
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }

    pub fn awarded_on(&self) -> String {
        self.awarded_at.format("%Y-%m-%d").to_string()
    }

    /// The day it was awarded, as people write it in `locale`.
    pub fn awarded_day(&self, locale: &str) -> String {
        crate::i18n::dates::full(locale, self.awarded_at.date())
    }

    /// The day it was revoked, as people write it in `locale`; empty when it was not.
    pub fn revoked_day(&self, locale: &str) -> String {
        self.revoked_at
            .map(|at| crate::i18n::dates::full(locale, at.date()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_method_reads_back() {
        for method in AwardMethod::ALL {
            assert_eq!(AwardMethod::from_stored(method.as_str()), method);
        }
        assert_eq!(AwardMethod::from_stored(""), AwardMethod::Staff);
    }
}
