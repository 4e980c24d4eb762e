//! Staff awards from the web: youth picked from a search, or a roster (a username or an e-mail
//! per line, pasted or uploaded as CSV), checked row by row in a preview that names every row
//! that cannot be awarded, then awarded through the one issuance path. A roster run again awards
//! nothing twice: who holds the badge already is a row of the preview, not a second award.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::Connection;

use crate::audit::Actor;
use crate::auth::store as auth_store;
use crate::awards::issuance::{self, Issue, IssueError};
use crate::awards::{store, AwardMethod};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{BadgeId, OrgId, UserId};
use crate::tenancy::City;

/// The longest roster one request takes.
pub const MAX_ROWS: usize = 10_000;

/// What a row of the roster comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowCheck {
    /// Will be awarded.
    Ready { youth: UserId, username: String },
    /// No active youth of this city signs in with it (or one waits for a parent's consent).
    Unknown,
    /// Holds the badge already.
    Holds { username: String },
    /// The same youth on an earlier line.
    Repeated,
}

impl RowCheck {
    /// The catalog key of what the preview says of the row.
    pub fn message_key(&self) -> &'static str {
        match self {
            RowCheck::Ready { .. } => "roster.ready",
            RowCheck::Unknown => "roster.unknown",
            RowCheck::Holds { .. } => "roster.holds",
            RowCheck::Repeated => "roster.repeated",
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self, RowCheck::Ready { .. })
    }
}

/// The logins of a roster: one per line, the first field of a CSV line, without blanks, a
/// `username`/`email` header or surrounding quotes, lower case.
pub fn logins(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            line.split([',', ';', '\t'])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches('"')
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|l| !l.is_empty() && l != "username" && l != "email" && l != "login")
        .collect()
}

/// Each login with what it comes to for `badge`.
pub fn check(
    conn: &mut DbConnection,
    city: &City,
    badge: BadgeId,
    logins: &[String],
) -> Result<Vec<(String, RowCheck)>, AppError> {
    let found = auth_store::active_youth_by_login(conn, city.id, logins)?;
    let mut seen: HashSet<UserId> = HashSet::new();
    let mut rows = Vec::with_capacity(logins.len());
    for login in logins {
        let check = match found.get(login) {
            None => RowCheck::Unknown,
            Some((id, _)) if !seen.insert(*id) => RowCheck::Repeated,
            Some((id, username)) => {
                if store::has_badge(conn, badge, *id)? {
                    RowCheck::Holds {
                        username: username.clone(),
                    }
                } else {
                    RowCheck::Ready {
                        youth: *id,
                        username: username.clone(),
                    }
                }
            }
        };
        rows.push((login.clone(), check));
    }
    Ok(rows)
}

/// What an award run did.
#[derive(Debug, Default, Clone)]
pub struct Awarded {
    pub awarded: usize,
    pub skipped: usize,
    /// The awards made, to sign once committed.
    pub public_ids: Vec<String>,
}

/// Awards `badge` to every ready row, in one transaction, through [`issuance::issue`]; a row
/// that stopped being ready since the preview (awarded meanwhile) is skipped, not an error.
#[allow(clippy::too_many_arguments)]
pub fn award(
    conn: &mut DbConnection,
    city: &City,
    org: OrgId,
    badge: BadgeId,
    rows: &[(String, RowCheck)],
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Awarded, AppError> {
    conn.transaction(|conn| {
        let mut done = Awarded::default();
        for (_, row) in rows {
            let RowCheck::Ready { youth, .. } = row else {
                done.skipped += 1;
                continue;
            };
            let made = issuance::issue(
                conn,
                &Issue {
                    city,
                    org,
                    badge,
                    recipient: *youth,
                    method: AwardMethod::Staff,
                    claim_code: None,
                    evidence: None,
                    actor,
                    base_url,
                    seeded: false,
                    now,
                },
            );
            match made {
                Ok(award) => {
                    done.awarded += 1;
                    done.public_ids.push(award.public_id);
                }
                Err(IssueError::AlreadyHeld | IssueError::NotEligible) => done.skipped += 1,
                Err(e) => return Err(AppError::from(e)),
            }
        }
        Ok(done)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_is_read_line_by_line_whatever_its_shape() {
        let text = "username,name\nMaya, Maya L\n\n\"leo@example.org\"\n  sam  \n";
        assert_eq!(logins(text), vec!["maya", "leo@example.org", "sam"]);
    }
}
