//! A parent's part in the work of a child under 13: what the child sends waits for a parent's
//! yes before any mentor sees it, or goes back to the child with the parent's note.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::store as auth_store;
use crate::auth::CurrentUser;
use crate::db::schema::submissions;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::UserId;
use crate::invitations::mail::fill;
use crate::notify::link::{self, LinkWords};
use crate::notify::{self, EmailFrame};
use crate::review::Status;
use crate::tenancy::City;

/// The longest note a parent sends back with the work, in characters.
pub const MAX_NOTE: usize = 1000;

/// Where work `youth` sends on `today` starts: with a parent when the youth is under 13 and
/// has one linked, else with the mentors.
pub fn first_status(
    conn: &mut DbConnection,
    youth: UserId,
    today: NaiveDate,
) -> QueryResult<Status> {
    if !auth_store::is_under_13(conn, youth, today)? {
        return Ok(Status::Submitted);
    }
    Ok(if auth_store::has_parent(conn, youth)? {
        Status::AwaitingParent
    } else {
        Status::Submitted
    })
}

/// What a parent decides about waiting work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParentVerdict {
    /// Send it on to the mentors.
    Approve,
    /// Send it back to the child, with a note of what to change.
    Return(String),
}

impl ParentVerdict {
    /// The verdict a form sent (`approve`, or `return` with a note), or the catalog key of
    /// what is wrong with it.
    pub fn parse(verdict: &str, note: &str) -> Result<ParentVerdict, &'static str> {
        let note = note.trim();
        match verdict {
            "approve" => Ok(ParentVerdict::Approve),
            "return" if note.is_empty() => Err("review.parent_note_missing"),
            "return" if note.chars().count() > MAX_NOTE => Err("review.parent_note_too_long"),
            "return" => Ok(ParentVerdict::Return(note.to_string())),
            _ => Err("review.verdict_unknown"),
        }
    }
}

/// Records `parent`'s verdict on the waiting submission `id` (the caller has checked that
/// `parent` is a parent of its youth), all or nothing. `Ok(false)` when it no longer waits for
/// a parent (another parent decided first).
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    parent: UserId,
    verdict: &ParentVerdict,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let waiting = submissions::table
            .find(id)
            .filter(submissions::status.eq(Status::AwaitingParent.as_str()));
        let (changed, action, note) = match verdict {
            // The mentors' queue is oldest first from when the work reached them.
            ParentVerdict::Approve => (
                diesel::update(waiting)
                    .set((
                        submissions::status.eq(Status::Submitted.as_str()),
                        submissions::submitted_at.eq(now),
                    ))
                    .execute(conn)?,
                "parent_approved",
                "",
            ),
            ParentVerdict::Return(note) => (
                diesel::update(waiting)
                    .set((
                        submissions::status.eq(Status::ChangesRequested.as_str()),
                        submissions::feedback.eq(note),
                    ))
                    .execute(conn)?,
                "parent_returned",
                note.as_str(),
            ),
        };
        if changed == 0 {
            return Ok(false);
        }
        super::store::event(conn, id, action, Some(parent), note, None, now)?;
        Ok(true)
    })
}

/// E-mails each parent of `youth` (who has not turned mail off) that work for `badge_name`
/// waits for them at `url`, in the caller's transaction.
pub fn tell_parents(
    conn: &mut DbConnection,
    city: &City,
    youth: &CurrentUser,
    badge_name: &str,
    url: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for (email, locale) in crate::awards::issuance::parents_told(conn, city, youth.id)? {
        let t = |key: &str| crate::i18n::t(locale, key);
        let pairs = [
            ("child", youth.display_name.as_str()),
            ("badge", badge_name),
        ];
        let words = LinkWords {
            subject: fill(t("parent_review.mail.subject"), &pairs),
            before: vec![
                fill(t("parent_review.mail.intro"), &pairs),
                fill(t("parent_review.mail.why"), &pairs),
            ],
            action: t("parent_review.mail.action"),
            link: url.to_string(),
            after: vec![t("parent_review.mail.after")],
        };
        let mail = link::compose(
            Some(city.id),
            "reviews.awaiting_parent",
            &email,
            EmailFrame::new(&city.name, &city.brand_primary, locale),
            &words,
        )?;
        notify::enqueue(conn, &mail, now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_approves_or_returns_with_a_note() {
        assert_eq!(
            ParentVerdict::parse("approve", ""),
            Ok(ParentVerdict::Approve)
        );
        assert_eq!(
            ParentVerdict::parse("return", "  Add a photo of the birdhouse. "),
            Ok(ParentVerdict::Return(
                "Add a photo of the birdhouse.".into()
            ))
        );
    }

    #[test]
    fn work_goes_back_only_with_a_note_of_sensible_length() {
        assert_eq!(
            ParentVerdict::parse("return", "   "),
            Err("review.parent_note_missing")
        );
        let long = "x".repeat(MAX_NOTE + 1);
        assert_eq!(
            ParentVerdict::parse("return", &long),
            Err("review.parent_note_too_long")
        );
        assert_eq!(
            ParentVerdict::parse("publish", ""),
            Err("review.verdict_unknown")
        );
    }
}
