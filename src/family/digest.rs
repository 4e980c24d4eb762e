//! The parents' weekly digest: once a week at most, each parent of a city is e-mailed what
//! their children did there in the last seven days (badges earned and revoked, work waiting
//! for the parent's OK or for a mentor). A week with nothing to tell sends nothing. A parent
//! turns it off on their page; whoever turned all e-mail off gets none either.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{awards, badges, city_members, parent_links, submissions, users};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{CityId, UserId};
use crate::invitations::mail::fill;
use crate::notify::link::{self, LinkWords};
use crate::notify::{self, EmailFrame};
use crate::review::Status;
use crate::tenancy::City;

/// How often a parent is sent the digest.
pub const EVERY_DAYS: i64 = 7;

/// One child's week, as the digest tells it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChildWeek {
    pub name: String,
    pub earned: Vec<String>,
    pub revoked: Vec<String>,
    pub waiting_for_parent: i64,
    pub waiting_for_mentor: i64,
}

impl ChildWeek {
    pub fn is_quiet(&self) -> bool {
        self.earned.is_empty()
            && self.revoked.is_empty()
            && self.waiting_for_parent == 0
            && self.waiting_for_mentor == 0
    }

    /// The lines of the child's week, in `locale`.
    pub fn lines(&self, locale: &str) -> Vec<String> {
        let t = |key: &str| crate::i18n::t(locale, key);
        let name = [("name", self.name.as_str())];
        let mut out = vec![fill(t("family_digest.child"), &name)];
        if self.earned.is_empty() {
            out.push(t("family_digest.no_badges"));
        } else {
            out.push(
                t("family_digest.earned")
                    .replace("%{n}", &self.earned.len().to_string())
                    .replace("%{badges}", &self.earned.join(", ")),
            );
        }
        if !self.revoked.is_empty() {
            out.push(t("family_digest.revoked").replace("%{badges}", &self.revoked.join(", ")));
        }
        if self.waiting_for_parent > 0 {
            out.push(
                t("family_digest.waiting_parent")
                    .replace("%{n}", &self.waiting_for_parent.to_string()),
            );
        }
        if self.waiting_for_mentor > 0 {
            out.push(
                t("family_digest.waiting_mentor")
                    .replace("%{n}", &self.waiting_for_mentor.to_string()),
            );
        }
        out
    }
}

/// The week up to `now` of `youth` in `city`.
pub fn week_of(
    conn: &mut DbConnection,
    city: CityId,
    youth: UserId,
    name: String,
    now: NaiveDateTime,
) -> QueryResult<ChildWeek> {
    let since = now - Duration::days(EVERY_DAYS);
    let earned = awards::table
        .inner_join(badges::table)
        .filter(awards::city_id.eq(city.0))
        .filter(awards::recipient_id.eq(youth.0))
        .filter(awards::awarded_at.gt(since))
        .filter(awards::revoked_at.is_null())
        .order(awards::awarded_at)
        .select(badges::name)
        .load(conn)?;
    let revoked = awards::table
        .inner_join(badges::table)
        .filter(awards::city_id.eq(city.0))
        .filter(awards::recipient_id.eq(youth.0))
        .filter(awards::revoked_at.gt(since))
        .order(awards::revoked_at)
        .select(badges::name)
        .load(conn)?;
    let waiting = |conn: &mut DbConnection, status: Status| -> QueryResult<i64> {
        submissions::table
            .filter(submissions::city_id.eq(city.0))
            .filter(submissions::youth_id.eq(youth.0))
            .filter(submissions::status.eq(status.as_str()))
            .count()
            .get_result(conn)
    };
    Ok(ChildWeek {
        name,
        earned,
        revoked,
        waiting_for_parent: waiting(conn, Status::AwaitingParent)?,
        waiting_for_mentor: waiting(conn, Status::Submitted)?,
    })
}

/// Queues the digests due at `now`; answers how many were queued.
pub fn queue_due(
    conn: &mut DbConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let week_ago = now - Duration::days(EVERY_DAYS);
    // Parents with a child, who want the digest and were last sent one (or joined) a week ago.
    type Due = (i64, i64, Option<String>, Option<String>);
    let due: Vec<Due> = city_members::table
        .inner_join(users::table.on(users::id.eq(city_members::user_id)))
        .filter(city_members::role.eq("parent"))
        .filter(users::family_digest_off.eq(false))
        .filter(users::notifications_off.eq(false))
        .filter(users::email.is_not_null())
        .filter(
            users::family_digest_sent_at
                .le(week_ago)
                .or(users::family_digest_sent_at
                    .is_null()
                    .and(users::created_at.le(week_ago))),
        )
        .filter(diesel::dsl::exists(
            parent_links::table.filter(parent_links::parent_id.eq(users::id)),
        ))
        .select((
            users::id,
            city_members::city_id,
            users::email,
            users::locale,
        ))
        .load(conn)?;
    let mut queued = 0;
    for (parent, city, email, locale) in due {
        let Some(email) = email else { continue };
        queued += conn.transaction(|conn| -> Result<usize, AppError> {
            diesel::update(users::table.find(parent))
                .set(users::family_digest_sent_at.eq(now))
                .execute(conn)?;
            let city = crate::tenancy::store::find(conn, CityId(city))?;
            let children: Vec<(i64, String)> = parent_links::table
                .inner_join(users::table.on(users::id.eq(parent_links::youth_id)))
                .filter(parent_links::parent_id.eq(parent))
                .order(users::display_name)
                .select((users::id, users::display_name))
                .load(conn)?;
            let mut weeks = Vec::new();
            for (child, name) in children {
                weeks.push(week_of(conn, city.id, UserId(child), name, now)?);
            }
            if weeks.iter().all(ChildWeek::is_quiet) {
                return Ok(0);
            }
            let locale = city.locale_for(locale.as_deref());
            let mail = compose(&city, &email, locale, &weeks, base_url)?;
            notify::enqueue(conn, &mail, now)?;
            Ok(1)
        })?;
    }
    Ok(queued)
}

fn compose(
    city: &City,
    to: &str,
    locale: &'static str,
    weeks: &[ChildWeek],
    base_url: &str,
) -> Result<notify::Mail, AppError> {
    let t = |key: &str| crate::i18n::t(locale, key);
    let page = format!("{base_url}/c/{}/me#children", city.slug);
    let names: Vec<&str> = weeks.iter().map(|w| w.name.as_str()).collect();
    let words = LinkWords {
        subject: fill(
            t("family_digest.subject"),
            &[("names", &names.join(", ")), ("city", &city.name)],
        ),
        before: weeks.iter().flat_map(|w| w.lines(locale)).collect(),
        action: t("family_digest.action"),
        link: page,
        after: vec![t("family_digest.turn_off")],
    };
    link::compose(
        Some(city.id),
        "family.digest",
        to,
        EmailFrame::new(&city.name, &city.brand_primary, locale),
        &words,
    )
}

/// A parent turns the weekly digest off (`off`) or back on.
pub fn set_off(conn: &mut DbConnection, parent: UserId, off: bool) -> QueryResult<()> {
    diesel::update(users::table.find(parent.0))
        .set(users::family_digest_off.eq(off))
        .execute(conn)
        .map(|_| ())
}

/// Whether a parent turned the weekly digest off.
pub fn is_off(conn: &mut DbConnection, parent: UserId) -> QueryResult<bool> {
    users::table
        .find(parent.0)
        .select(users::family_digest_off)
        .first(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_with_nothing_in_it_is_quiet() {
        let week = ChildWeek {
            name: "Leo".into(),
            ..ChildWeek::default()
        };
        assert!(week.is_quiet());
        let busy = ChildWeek {
            waiting_for_parent: 1,
            ..week
        };
        assert!(!busy.is_quiet());
    }

    #[test]
    fn a_week_is_told_child_by_child() {
        let week = ChildWeek {
            name: "Leo".into(),
            earned: vec!["Birdwatcher".into(), "Comic Creator".into()],
            revoked: vec![],
            waiting_for_parent: 1,
            waiting_for_mentor: 0,
        };
        let lines = week.lines("en");
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].contains("Leo"), "{lines:?}");
        assert!(
            lines[1].contains("2") && lines[1].contains("Birdwatcher, Comic Creator"),
            "{lines:?}"
        );
        assert!(lines[2].contains('1'), "{lines:?}");
    }
}
