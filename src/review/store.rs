//! Submissions in the database: made and resubmitted by a youth, queued for the mentors of the
//! badge's organization, held by the mentor who opens one, and decided. Approval makes the
//! award through [`issuance::issue`] in the same transaction as the decision.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store, CityRole};
use crate::awards::issuance::{self, Issue, IssueError, Issued, Notice};
use crate::awards::AwardMethod;
use crate::badges::EarnedBy;
use crate::db::schema::{
    activity_badges, badges, organizations, submission_events, submission_files, submissions, users,
};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{ActivityId, BadgeId, CityId, OrgId, UserId};
use crate::review::{AgeBand, Status, HOLD_MINUTES};
use crate::tenancy::City;

/// The most links a submission carries.
pub const MAX_LINKS: usize = 5;

/// The longest reflection, in characters.
pub const MAX_REFLECTION: usize = 4000;

/// The longest feedback a mentor writes, in characters.
pub const MAX_FEEDBACK: usize = 2000;

/// A file kept in storage for a submission.
#[derive(Clone, Debug)]
pub struct StoredFile {
    pub key: String,
    pub content_type: String,
    pub file_name: String,
    pub bytes: i64,
}

/// What the youth sends.
pub struct Draft<'a> {
    pub reflection: &'a str,
    pub links: &'a [String],
    /// New files; on a resubmission they replace the earlier ones when there are any.
    pub files: &'a [StoredFile],
    pub evidence_public: bool,
}

/// Why a submission was not taken.
#[derive(Debug)]
pub enum SubmitError {
    /// The badge is not one of this city, or is not earned by review.
    NotByReview,
    /// The youth is not an active youth of the city (or waits for a parent's consent).
    NotEligible,
    AlreadyHeld,
    /// Work for this badge is already waiting (its public id).
    AlreadyOpen(String),
    /// The submission cannot be resubmitted (not the youth's, or not waiting for changes).
    NotOpen,
    Database(diesel::result::Error),
    /// Queuing the parent's e-mail failed.
    Internal(AppError),
}

impl From<diesel::result::Error> for SubmitError {
    fn from(e: diesel::result::Error) -> Self {
        SubmitError::Database(e)
    }
}

impl SubmitError {
    /// The catalog key of the message the form shows.
    pub fn message_key(&self) -> &'static str {
        match self {
            SubmitError::NotByReview => "review.not_by_review",
            SubmitError::NotEligible => "error.not_eligible",
            SubmitError::AlreadyHeld => "review.already_held",
            SubmitError::AlreadyOpen(_) => "review.already_open",
            SubmitError::NotOpen => "review.not_open",
            SubmitError::Database(_) | SubmitError::Internal(_) => "error.internal",
        }
    }
}

/// The links of a submission, one per line: each absolute http(s), at most [`MAX_LINKS`].
pub fn parse_links(text: &str) -> Result<Vec<String>, &'static str> {
    let links: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| crate::badges::content::parse_alignment_url(l).map_err(|_| "review.link_invalid"))
        .collect::<Result<_, _>>()?;
    if links.len() > MAX_LINKS {
        return Err("review.too_many_links");
    }
    Ok(links)
}

/// A new random public id of a submission.
pub fn new_public_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Takes `draft` as a new submission `public_id` of `youth` for `badge`: where it waits (for
/// a parent, who is e-mailed, or for the mentors).
#[allow(clippy::too_many_arguments)]
pub fn submit(
    conn: &mut DbConnection,
    city: &City,
    badge_slug: &str,
    youth: UserId,
    draft: &Draft<'_>,
    public_id: &str,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Status, SubmitError> {
    conn.transaction(|conn| {
        // A write first (see `issuance::issue`): one youth's submissions wait for each other.
        diesel::update(users::table.find(youth.0))
            .set(users::status.eq(users::status))
            .execute(conn)?;
        let badge: Option<(i64, i64, String, String)> = badges::table
            .filter(badges::city_id.eq(city.id.0))
            .filter(badges::slug.eq(badge_slug))
            .select((badges::id, badges::org_id, badges::earned_by, badges::name))
            .first(conn)
            .optional()?;
        let Some((badge_id, org_id, earned_by, badge_name)) = badge else {
            return Err(SubmitError::NotByReview);
        };
        if !by_review(&earned_by) {
            return Err(SubmitError::NotByReview);
        }
        let user = auth_store::find_user(conn, youth)?.ok_or(SubmitError::NotEligible)?;
        let is_youth = auth_store::roles_in_city(conn, city.id, youth)?
            .0
            .contains(&CityRole::Youth);
        if !is_youth || user.awaiting_consent() {
            return Err(SubmitError::NotEligible);
        }
        if crate::awards::store::has_badge(conn, BadgeId(badge_id), youth)? {
            return Err(SubmitError::AlreadyHeld);
        }
        if let Some(open) = open_for(conn, BadgeId(badge_id), youth)? {
            return Err(SubmitError::AlreadyOpen(open));
        }
        let first = super::guardian::first_status(conn, youth, now.date())?;
        let id: i64 = diesel::insert_into(submissions::table)
            .values((
                submissions::public_id.eq(public_id),
                submissions::city_id.eq(city.id.0),
                submissions::org_id.eq(org_id),
                submissions::badge_id.eq(badge_id),
                submissions::youth_id.eq(youth.0),
                submissions::status.eq(first.as_str()),
                submissions::reflection.eq(draft.reflection),
                submissions::links.eq(draft.links.join("\n")),
                submissions::evidence_public.eq(draft.evidence_public),
                submissions::created_at.eq(now),
                submissions::submitted_at.eq(now),
            ))
            .returning(submissions::id)
            .get_result(conn)?;
        insert_files(conn, id, 0, draft.files, now)?;
        event(conn, id, "submitted", Some(youth), "", None, now)?;
        if first == Status::AwaitingParent {
            let url = format!("{base_url}/c/{}/submissions/{public_id}", city.slug);
            super::guardian::tell_parents(conn, city, &user, &badge_name, &url, now)
                .map_err(SubmitError::Internal)?;
        }
        Ok(first)
    })
}

/// Whether a badge's `earned_by` lets youth submit work for it.
pub fn by_review(earned_by: &str) -> bool {
    matches!(
        EarnedBy::parse(earned_by),
        Some(EarnedBy::Review | EarnedBy::Both)
    )
}

/// The submission of `youth` for `badge` still open, if any.
pub fn open_for(
    conn: &mut DbConnection,
    badge: BadgeId,
    youth: UserId,
) -> QueryResult<Option<String>> {
    submissions::table
        .filter(submissions::badge_id.eq(badge.0))
        .filter(submissions::youth_id.eq(youth.0))
        .filter(submissions::status.eq_any([
            Status::AwaitingParent.as_str(),
            Status::Submitted.as_str(),
            Status::ChangesRequested.as_str(),
        ]))
        .select(submissions::public_id)
        .first(conn)
        .optional()
}

/// Sends the submission again after a mentor asked for changes. Answers the storage keys of
/// the files the new ones replaced (to delete once committed).
pub fn resubmit(
    conn: &mut DbConnection,
    city: &City,
    public_id: &str,
    youth: UserId,
    draft: &Draft<'_>,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<(Vec<String>, Status), SubmitError> {
    conn.transaction(|conn| {
        let found: Option<(i64, String, String)> = submissions::table
            .inner_join(badges::table)
            .filter(submissions::city_id.eq(city.id.0))
            .filter(submissions::public_id.eq(public_id))
            .filter(submissions::youth_id.eq(youth.0))
            .select((submissions::id, submissions::status, badges::name))
            .first(conn)
            .optional()?;
        let Some((id, status, badge_name)) = found else {
            return Err(SubmitError::NotOpen);
        };
        if Status::parse(&status) != Status::ChangesRequested {
            return Err(SubmitError::NotOpen);
        }
        let next = super::guardian::first_status(conn, youth, now.date())?;
        let updated = diesel::update(
            submissions::table
                .find(id)
                .filter(submissions::status.eq(Status::ChangesRequested.as_str())),
        )
        .set((
            submissions::status.eq(next.as_str()),
            submissions::reflection.eq(draft.reflection),
            submissions::links.eq(draft.links.join("\n")),
            submissions::evidence_public.eq(draft.evidence_public),
            submissions::submitted_at.eq(now),
            submissions::held_by.eq(None::<i64>),
            submissions::held_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(SubmitError::NotOpen);
        }
        let mut replaced = Vec::new();
        if !draft.files.is_empty() {
            replaced = submission_files::table
                .filter(submission_files::submission_id.eq(id))
                .select(submission_files::storage_key)
                .load(conn)?;
            diesel::delete(submission_files::table.filter(submission_files::submission_id.eq(id)))
                .execute(conn)?;
            insert_files(conn, id, 0, draft.files, now)?;
        }
        event(conn, id, "resubmitted", Some(youth), "", None, now)?;
        if next == Status::AwaitingParent {
            let user = auth_store::find_user(conn, youth)?.ok_or(SubmitError::NotOpen)?;
            let url = format!("{base_url}/c/{}/submissions/{public_id}", city.slug);
            super::guardian::tell_parents(conn, city, &user, &badge_name, &url, now)
                .map_err(SubmitError::Internal)?;
        }
        Ok((replaced, next))
    })
}

fn insert_files(
    conn: &mut DbConnection,
    submission: i64,
    first_position: i32,
    files: &[StoredFile],
    now: NaiveDateTime,
) -> QueryResult<()> {
    for (offset, file) in files.iter().enumerate() {
        diesel::insert_into(submission_files::table)
            .values((
                submission_files::submission_id.eq(submission),
                submission_files::position.eq(first_position + offset as i32 + 1),
                submission_files::storage_key.eq(&file.key),
                submission_files::content_type.eq(&file.content_type),
                submission_files::file_name.eq(&file.file_name),
                submission_files::bytes.eq(file.bytes),
                submission_files::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub(super) fn event(
    conn: &mut DbConnection,
    submission: i64,
    action: &str,
    actor: Option<UserId>,
    feedback: &str,
    turnaround_seconds: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(submission_events::table)
        .values((
            submission_events::submission_id.eq(submission),
            submission_events::action.eq(action),
            submission_events::actor_id.eq(actor.map(|a| a.0)),
            submission_events::feedback.eq(feedback),
            submission_events::turnaround_seconds.eq(turnaround_seconds),
            submission_events::at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A file of a submission.
#[derive(Clone, Debug)]
pub struct FileRow {
    pub position: i32,
    pub key: String,
    pub content_type: String,
    pub file_name: String,
    pub bytes: i64,
}

impl FileRow {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// The size as people read it (`320 KB`).
    pub fn size(&self) -> String {
        if self.bytes >= 1024 * 1024 {
            format!("{:.1} MB", self.bytes as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", (self.bytes + 1023) / 1024)
        }
    }
}

/// A step in the life of a submission.
#[derive(Clone, Debug)]
pub struct EventRow {
    pub action: String,
    pub actor_name: Option<String>,
    pub feedback: String,
    pub at: NaiveDateTime,
}

/// A submission as its pages show it.
#[derive(Clone, Debug)]
pub struct Submission {
    pub id: i64,
    pub public_id: String,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub badge_id: BadgeId,
    pub badge_slug: String,
    pub badge_name: String,
    /// The rubric of the badge (as it reads now).
    pub rubric: Vec<String>,
    pub youth_id: UserId,
    pub youth_username: String,
    pub youth_name: String,
    pub youth_birth: Option<NaiveDate>,
    pub status: Status,
    pub reflection: String,
    pub links: Vec<String>,
    pub evidence_public: bool,
    /// The rubric items the mentor ticked (by position, from 0).
    pub rubric_met: Vec<usize>,
    pub feedback: String,
    pub held_by: Option<UserId>,
    pub held_by_name: Option<String>,
    pub held_until: Option<NaiveDateTime>,
    pub award_public_id: Option<String>,
    /// The award made on approval was revoked since.
    pub award_revoked: bool,
    pub submitted_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub files: Vec<FileRow>,
    pub events: Vec<EventRow>,
}

impl Submission {
    /// Held by a mentor other than `user` at `now`.
    pub fn held_by_other(&self, user: UserId, now: NaiveDateTime) -> bool {
        self.held_by.is_some_and(|h| h != user) && self.held_until.is_some_and(|u| u > now)
    }

    pub fn age_band(&self, today: NaiveDate) -> Option<AgeBand> {
        self.youth_birth.map(|b| AgeBand::of(b, today))
    }
}

type SubmissionRow = (
    (i64, String, i64, String, String, i64, String, String),
    (i64, String, String, Option<NaiveDate>),
    (String, String, String, bool, String, String),
    (
        Option<i64>,
        Option<NaiveDateTime>,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
    ),
);

/// The submission `public_id` of `city`, whole.
pub fn find(
    conn: &mut DbConnection,
    city: CityId,
    public_id: &str,
) -> QueryResult<Option<Submission>> {
    let row: Option<SubmissionRow> = submissions::table
        .inner_join(badges::table)
        .inner_join(organizations::table)
        .inner_join(users::table.on(users::id.eq(submissions::youth_id)))
        .filter(submissions::city_id.eq(city.0))
        .filter(submissions::public_id.eq(public_id))
        .select((
            (
                submissions::id,
                submissions::public_id,
                submissions::org_id,
                organizations::slug,
                organizations::name,
                submissions::badge_id,
                badges::slug,
                badges::name,
            ),
            (
                users::id,
                users::username,
                users::display_name,
                users::birth_date,
            ),
            (
                submissions::status,
                submissions::reflection,
                submissions::links,
                submissions::evidence_public,
                submissions::rubric_met,
                submissions::feedback,
            ),
            (
                submissions::held_by,
                submissions::held_until,
                submissions::award_public_id,
                submissions::submitted_at,
                submissions::decided_at,
            ),
        ))
        .first(conn)
        .optional()?;
    let Some((
        (id, public_id, org_id, org_slug, org_name, badge_id, badge_slug, badge_name),
        (youth_id, youth_username, youth_name, youth_birth),
        (status, reflection, links, evidence_public, rubric_met, feedback),
        (held_by, held_until, award_public_id, submitted_at, decided_at),
    )) = row
    else {
        return Ok(None);
    };
    let rubric = crate::badges::store::content(conn, BadgeId(badge_id))?.rubric;
    let award_revoked = is_revoked(conn, award_public_id.as_deref())?;
    let held_by_name = match held_by {
        Some(h) => users::table
            .find(h)
            .select(users::display_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let files = submission_files::table
        .filter(submission_files::submission_id.eq(id))
        .order(submission_files::position)
        .select((
            submission_files::position,
            submission_files::storage_key,
            submission_files::content_type,
            submission_files::file_name,
            submission_files::bytes,
        ))
        .load::<(i32, String, String, String, i64)>(conn)?
        .into_iter()
        .map(|(position, key, content_type, file_name, bytes)| FileRow {
            position,
            key,
            content_type,
            file_name,
            bytes,
        })
        .collect();
    let events = submission_events::table
        .left_join(users::table.on(users::id.nullable().eq(submission_events::actor_id)))
        .filter(submission_events::submission_id.eq(id))
        .order((submission_events::at, submission_events::id))
        .select((
            submission_events::action,
            users::display_name.nullable(),
            submission_events::feedback,
            submission_events::at,
        ))
        .load::<(String, Option<String>, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(action, actor_name, feedback, at)| EventRow {
            action,
            actor_name,
            feedback,
            at,
        })
        .collect();
    Ok(Some(Submission {
        id,
        public_id,
        org_id: OrgId(org_id),
        org_slug,
        org_name,
        badge_id: BadgeId(badge_id),
        badge_slug,
        badge_name,
        rubric,
        youth_id: UserId(youth_id),
        youth_username,
        youth_name,
        youth_birth,
        status: Status::parse(&status),
        reflection,
        links: links.lines().map(String::from).collect(),
        evidence_public,
        rubric_met: rubric_met
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect(),
        feedback,
        held_by: held_by.map(UserId),
        held_by_name,
        held_until,
        award_public_id,
        award_revoked,
        submitted_at,
        decided_at,
        files,
        events,
    }))
}

/// The page of the work an award was approved for, if `viewer` may see it: public, or the
/// viewer is the youth or a parent of theirs.
pub fn evidence_page_of_award(
    conn: &mut DbConnection,
    city: &City,
    award_public_id: &str,
    viewer: Option<UserId>,
) -> QueryResult<Option<String>> {
    let found: Option<(String, bool, i64)> = submissions::table
        .filter(submissions::city_id.eq(city.id.0))
        .filter(submissions::award_public_id.eq(award_public_id))
        .select((
            submissions::public_id,
            submissions::evidence_public,
            submissions::youth_id,
        ))
        .first(conn)
        .optional()?;
    let Some((public_id, public, youth)) = found else {
        return Ok(None);
    };
    let family = match viewer {
        Some(v) => is_family(conn, UserId(youth), v)?,
        None => false,
    };
    Ok((public || family).then(|| format!("/c/{}/evidence/{public_id}", city.slug)))
}

/// Whether the award `public_id` (made on approval) was revoked since.
fn is_revoked(conn: &mut DbConnection, public_id: Option<&str>) -> QueryResult<bool> {
    let Some(public_id) = public_id else {
        return Ok(false);
    };
    use crate::db::schema::awards;
    diesel::select(diesel::dsl::exists(
        awards::table
            .filter(awards::public_id.eq(public_id))
            .filter(awards::revoked_at.is_not_null()),
    ))
    .get_result(conn)
}

/// Whether `viewer` may see the submission of `youth` as its owner: the youth, or a parent
/// linked to them.
pub fn is_family(conn: &mut DbConnection, youth: UserId, viewer: UserId) -> QueryResult<bool> {
    Ok(youth == viewer || auth_store::is_parent_of(conn, viewer, youth)?)
}

/// The youth chooses whether the evidence page of their submission is public.
pub fn set_visibility(
    conn: &mut DbConnection,
    submission: i64,
    youth: UserId,
    public: bool,
) -> QueryResult<bool> {
    diesel::update(
        submissions::table
            .find(submission)
            .filter(submissions::youth_id.eq(youth.0)),
    )
    .set(submissions::evidence_public.eq(public))
    .execute(conn)
    .map(|n| n == 1)
}

/// A youth's submission in a list.
#[derive(Clone, Debug)]
pub struct Summary {
    pub public_id: String,
    pub badge_slug: String,
    pub badge_name: String,
    pub org_name: String,
    pub status: Status,
    /// Approved, and the award revoked since.
    pub award_revoked: bool,
    pub submitted_at: NaiveDateTime,
}

/// Every submission of `youth` in `city`, newest first.
pub fn of_youth(conn: &mut DbConnection, city: CityId, youth: UserId) -> QueryResult<Vec<Summary>> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        NaiveDateTime,
        Option<String>,
    );
    let rows: Vec<Row> = submissions::table
        .inner_join(badges::table)
        .inner_join(organizations::table)
        .filter(submissions::city_id.eq(city.0))
        .filter(submissions::youth_id.eq(youth.0))
        .order((submissions::submitted_at.desc(), submissions::id.desc()))
        .select((
            submissions::public_id,
            badges::slug,
            badges::name,
            organizations::name,
            submissions::status,
            submissions::submitted_at,
            submissions::award_public_id,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (public_id, badge_slug, badge_name, org_name, status, submitted_at, award) in rows {
        out.push(Summary {
            award_revoked: is_revoked(conn, award.as_deref())?,
            public_id,
            badge_slug,
            badge_name,
            org_name,
            status: Status::parse(&status),
            submitted_at,
        });
    }
    Ok(out)
}

/// What the queue is narrowed to.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueueFilter {
    pub activity: Option<ActivityId>,
    pub badge: Option<BadgeId>,
    pub age: Option<AgeBand>,
}

/// A waiting submission in the queue.
#[derive(Clone, Debug)]
pub struct QueueRow {
    pub public_id: String,
    pub badge_name: String,
    pub youth_username: String,
    pub age_band: Option<AgeBand>,
    pub submitted_at: NaiveDateTime,
    /// Held by another mentor now: their name.
    pub held_by_name: Option<String>,
    /// Held by the mentor looking at the queue.
    pub held_by_me: bool,
    pub resubmitted: bool,
}

/// The figures above the queue.
#[derive(Clone, Debug, Default)]
pub struct QueueCounts {
    /// Waiting for a mentor, whatever the filter.
    pub waiting: usize,
    /// Of those, held by a mentor now.
    pub held: usize,
    /// Waiting for a youth's changes.
    pub with_youth: i64,
    /// Decided in the last seven days.
    pub decided_this_week: i64,
    /// The median time from submission to decision over the last 30 days, in seconds.
    pub median_turnaround_seconds: Option<i64>,
}

/// The waiting submissions of `org` that `filter` lets through, oldest first, with the counts.
pub fn queue(
    conn: &mut DbConnection,
    org: OrgId,
    filter: QueueFilter,
    viewer: UserId,
    now: NaiveDateTime,
) -> QueryResult<(Vec<QueueRow>, QueueCounts)> {
    type Row = (
        String,
        i64,
        String,
        String,
        Option<NaiveDate>,
        NaiveDateTime,
        Option<i64>,
        Option<NaiveDateTime>,
        i64,
    );
    let waiting: Vec<Row> = submissions::table
        .inner_join(badges::table)
        .inner_join(users::table.on(users::id.eq(submissions::youth_id)))
        .filter(submissions::org_id.eq(org.0))
        .filter(submissions::status.eq(Status::Submitted.as_str()))
        .order((submissions::submitted_at, submissions::id))
        .select((
            submissions::public_id,
            submissions::badge_id,
            badges::name,
            users::username,
            users::birth_date,
            submissions::submitted_at,
            submissions::held_by,
            submissions::held_until,
            submissions::id,
        ))
        .load(conn)?;
    let activity_badges: Option<Vec<i64>> = match filter.activity {
        Some(activity) => Some(
            activity_badges::table
                .filter(activity_badges::activity_id.eq(activity.0))
                .select(activity_badges::badge_id)
                .load(conn)?,
        ),
        None => None,
    };
    let resubmitted: Vec<i64> = submission_events::table
        .inner_join(submissions::table)
        .filter(submissions::org_id.eq(org.0))
        .filter(submissions::status.eq(Status::Submitted.as_str()))
        .filter(submission_events::action.eq("resubmitted"))
        .select(submission_events::submission_id)
        .load(conn)?;
    let today = now.date();
    let mut counts = QueueCounts {
        waiting: waiting.len(),
        ..QueueCounts::default()
    };
    let mut rows = Vec::new();
    for (public_id, badge_id, badge_name, username, birth, submitted_at, held_by, held_until, id) in
        waiting
    {
        let held = held_by.is_some() && held_until.is_some_and(|u| u > now);
        if held {
            counts.held += 1;
        }
        let age_band = birth.map(|b| AgeBand::of(b, today));
        if filter.badge.is_some_and(|b| b.0 != badge_id)
            || activity_badges
                .as_ref()
                .is_some_and(|ids| !ids.contains(&badge_id))
            || filter.age.is_some_and(|a| age_band != Some(a))
        {
            continue;
        }
        let held_by_me = held && held_by == Some(viewer.0);
        let held_by_name = match (held && !held_by_me, held_by) {
            (true, Some(h)) => users::table
                .find(h)
                .select(users::display_name)
                .first(conn)
                .optional()?,
            _ => None,
        };
        rows.push(QueueRow {
            public_id,
            badge_name,
            youth_username: username,
            age_band,
            submitted_at,
            held_by_name,
            held_by_me,
            resubmitted: resubmitted.contains(&id),
        });
    }
    counts.with_youth = submissions::table
        .filter(submissions::org_id.eq(org.0))
        .filter(submissions::status.eq(Status::ChangesRequested.as_str()))
        .count()
        .get_result(conn)?;
    counts.decided_this_week = submissions::table
        .filter(submissions::org_id.eq(org.0))
        .filter(submissions::decided_at.gt(now - Duration::days(7)))
        .count()
        .get_result(conn)?;
    let mut turnarounds: Vec<i64> = submission_events::table
        .inner_join(submissions::table)
        .filter(submissions::org_id.eq(org.0))
        .filter(submission_events::at.gt(now - Duration::days(30)))
        .filter(submission_events::turnaround_seconds.is_not_null())
        .select(submission_events::turnaround_seconds.assume_not_null())
        .load(conn)?;
    turnarounds.sort_unstable();
    counts.median_turnaround_seconds = median(&turnarounds);
    Ok((rows, counts))
}

/// How many submissions of `org` wait for a mentor.
pub fn waiting_count(conn: &mut DbConnection, org: OrgId) -> QueryResult<i64> {
    submissions::table
        .filter(submissions::org_id.eq(org.0))
        .filter(submissions::status.eq(Status::Submitted.as_str()))
        .count()
        .get_result(conn)
}

/// The median of sorted values (the lower middle of an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        None
    } else {
        Some(sorted[(sorted.len() - 1) / 2])
    }
}

/// How opening a submission went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hold {
    /// Held for this mentor until then.
    Mine(NaiveDateTime),
    /// Another mentor holds it: their name and until when.
    Other(String, NaiveDateTime),
    /// It waits for no mentor (decided, or with the youth).
    NotWaiting,
}

/// Holds the waiting submission `id` for `mentor` for [`HOLD_MINUTES`], unless another
/// mentor holds it.
pub fn hold(
    conn: &mut DbConnection,
    id: i64,
    mentor: UserId,
    now: NaiveDateTime,
) -> QueryResult<Hold> {
    let until = now + Duration::minutes(HOLD_MINUTES);
    let taken = diesel::update(
        submissions::table
            .find(id)
            .filter(submissions::status.eq(Status::Submitted.as_str()))
            .filter(
                submissions::held_by
                    .is_null()
                    .or(submissions::held_by.eq(mentor.0))
                    .or(submissions::held_until.lt(now)),
            ),
    )
    .set((
        submissions::held_by.eq(mentor.0),
        submissions::held_until.eq(until),
    ))
    .execute(conn)?;
    if taken == 1 {
        return Ok(Hold::Mine(until));
    }
    let row: Option<(String, Option<i64>, Option<NaiveDateTime>)> = submissions::table
        .find(id)
        .select((
            submissions::status,
            submissions::held_by,
            submissions::held_until,
        ))
        .first(conn)
        .optional()?;
    match row {
        Some((status, Some(holder), Some(until)))
            if Status::parse(&status) == Status::Submitted =>
        {
            let name = users::table
                .find(holder)
                .select(users::display_name)
                .first(conn)?;
            Ok(Hold::Other(name, until))
        }
        _ => Ok(Hold::NotWaiting),
    }
}

/// A mentor's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    RequestChanges,
    Decline,
}

impl Verdict {
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "approve" => Some(Verdict::Approve),
            "changes" => Some(Verdict::RequestChanges),
            "decline" => Some(Verdict::Decline),
            _ => None,
        }
    }

    fn status(self) -> Status {
        match self {
            Verdict::Approve => Status::Approved,
            Verdict::RequestChanges => Status::ChangesRequested,
            Verdict::Decline => Status::Declined,
        }
    }
}

/// A decision on submission `public_id` of `org`.
pub struct Decision<'a> {
    pub city: &'a City,
    pub org: OrgId,
    pub public_id: &'a str,
    pub mentor: UserId,
    pub actor: &'a Actor,
    pub verdict: Verdict,
    pub rubric_met: &'a [usize],
    pub feedback: &'a str,
    pub base_url: &'a str,
    /// The demo's seeded history: decided as any other, but nobody acted, so no audit event
    /// is recorded and no e-mail is sent.
    pub seeded: bool,
    pub now: NaiveDateTime,
}

/// Why a decision was not made.
#[derive(Debug)]
pub enum DecideError {
    NotFound,
    /// It waits for no mentor any more (decided, or with the youth).
    NotWaiting,
    /// Another mentor holds it (their name).
    HeldByOther(String),
    Issue(IssueError),
    Database(diesel::result::Error),
    Mail(AppError),
}

impl From<diesel::result::Error> for DecideError {
    fn from(e: diesel::result::Error) -> Self {
        DecideError::Database(e)
    }
}

impl DecideError {
    /// The catalog key of the message the review page shows.
    pub fn message_key(&self) -> &'static str {
        match self {
            DecideError::NotFound => "error.not_found",
            DecideError::NotWaiting => "review.not_waiting",
            DecideError::HeldByOther(_) => "review.held_by_other",
            DecideError::Issue(IssueError::AlreadyHeld) => "review.youth_holds_it",
            DecideError::Issue(IssueError::NotEligible) => "error.not_eligible",
            DecideError::Issue(_) | DecideError::Database(_) | DecideError::Mail(_) => {
                "error.internal"
            }
        }
    }
}

/// The OB 3.0 `evidence` of an approved submission: its narrative and the evidence page (by
/// its path: the credential is signed with the site's address in front, see
/// `awards::credential::unsigned`).
pub fn evidence_of(city_slug: &str, public_id: &str, badge: &str, reflection: &str) -> String {
    json!([{
        "id": format!("/c/{city_slug}/evidence/{public_id}"),
        "type": ["Evidence"],
        "name": format!("Work submitted for {badge}"),
        "narrative": reflection,
    }])
    .to_string()
}

/// Makes `decision`, all or nothing: the submission's new state, its event (with the
/// turnaround), the audit record, and the award (on approval) or the e-mail to the youth.
pub fn decide(
    conn: &mut DbConnection,
    decision: &Decision<'_>,
) -> Result<Option<Issued>, DecideError> {
    conn.transaction(|conn| {
        let found: Option<(i64, i64, i64)> = submissions::table
            .filter(submissions::city_id.eq(decision.city.id.0))
            .filter(submissions::org_id.eq(decision.org.0))
            .filter(submissions::public_id.eq(decision.public_id))
            .select((
                submissions::id,
                submissions::youth_id,
                submissions::badge_id,
            ))
            .first(conn)
            .optional()?;
        let Some((id, youth, badge)) = found else {
            return Err(DecideError::NotFound);
        };
        // A write first: two mentors deciding at once wait for each other, and the second
        // sees the first one's decision.
        diesel::update(submissions::table.find(id))
            .set(submissions::held_until.eq(submissions::held_until))
            .execute(conn)?;
        let (status, held_by, held_until, submitted_at, reflection): (
            String,
            Option<i64>,
            Option<NaiveDateTime>,
            NaiveDateTime,
            String,
        ) = submissions::table
            .find(id)
            .select((
                submissions::status,
                submissions::held_by,
                submissions::held_until,
                submissions::submitted_at,
                submissions::reflection,
            ))
            .first(conn)?;
        if Status::parse(&status) != Status::Submitted {
            return Err(DecideError::NotWaiting);
        }
        if let (Some(holder), Some(until)) = (held_by, held_until) {
            if holder != decision.mentor.0 && until > decision.now {
                let name = users::table
                    .find(holder)
                    .select(users::display_name)
                    .first(conn)?;
                return Err(DecideError::HeldByOther(name));
            }
        }
        let (badge_slug, badge_name): (String, String) = badges::table
            .find(badge)
            .select((badges::slug, badges::name))
            .first(conn)?;
        let issued = match decision.verdict {
            Verdict::Approve => Some(
                issuance::issue(
                    conn,
                    &Issue {
                        city: decision.city,
                        org: decision.org,
                        badge: BadgeId(badge),
                        recipient: UserId(youth),
                        method: AwardMethod::Review,
                        claim_code: None,
                        evidence: Some(evidence_of(
                            &decision.city.slug,
                            decision.public_id,
                            &badge_name,
                            &reflection,
                        )),
                        actor: decision.actor,
                        base_url: decision.base_url,
                        seeded: decision.seeded,
                        now: decision.now,
                    },
                )
                .map_err(DecideError::Issue)?,
            ),
            Verdict::RequestChanges | Verdict::Decline => None,
        };
        let met: Vec<String> = decision.rubric_met.iter().map(|n| n.to_string()).collect();
        diesel::update(submissions::table.find(id))
            .set((
                submissions::status.eq(decision.verdict.status().as_str()),
                submissions::feedback.eq(decision.feedback),
                submissions::rubric_met.eq(met.join(",")),
                submissions::held_by.eq(None::<i64>),
                submissions::held_until.eq(None::<NaiveDateTime>),
                submissions::decided_at.eq(decision.now),
                submissions::decided_by.eq(decision.mentor.0),
                submissions::award_public_id.eq(issued.as_ref().map(|i| i.public_id.clone())),
            ))
            .execute(conn)?;
        let turnaround = (decision.now - submitted_at).num_seconds().max(0);
        event(
            conn,
            id,
            decision.verdict.status().as_str(),
            Some(decision.mentor),
            decision.feedback,
            Some(turnaround),
            decision.now,
        )?;
        if decision.seeded {
            return Ok(issued);
        }
        audit::record(
            conn,
            &AuditEvent {
                actor: decision.actor,
                city: Some(decision.city.id),
                org: Some(decision.org),
                action: AuditAction::SubmissionDecided,
                target: decision.public_id.to_string(),
                detail: json!({
                    "badge": badge_slug,
                    "decision": decision.verdict.status().as_str(),
                    "turnaround_seconds": turnaround,
                }),
                at: decision.now,
            },
        )?;
        if issued.is_none() {
            let recipient =
                auth_store::find_user(conn, UserId(youth))?.ok_or(DecideError::NotFound)?;
            let url = format!(
                "{}/c/{}/submissions/{}",
                decision.base_url, decision.city.slug, decision.public_id
            );
            let notice = if decision.verdict == Verdict::RequestChanges {
                Notice::ChangesRequested {
                    badge_name: &badge_name,
                    feedback: decision.feedback,
                    url: &url,
                }
            } else {
                Notice::Declined {
                    badge_name: &badge_name,
                    feedback: decision.feedback,
                    url: &url,
                }
            };
            issuance::tell(conn, decision.city, &recipient, &notice, decision.now)
                .map_err(DecideError::Mail)?;
        }
        Ok(issued)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_absolute_web_addresses_and_few() {
        assert_eq!(
            parse_links("https://example.org/my-comic\n\n http://a.example/b \n"),
            Ok(vec![
                "https://example.org/my-comic".to_string(),
                "http://a.example/b".to_string()
            ])
        );
        assert_eq!(
            parse_links("javascript:alert(1)"),
            Err("review.link_invalid")
        );
        assert_eq!(parse_links("example.org"), Err("review.link_invalid"));
        let many = (0..=MAX_LINKS)
            .map(|i| format!("https://example.org/{i}"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(parse_links(&many), Err("review.too_many_links"));
    }

    #[test]
    fn the_median_is_the_middle_value() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[1, 2, 9]), Some(2));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2));
    }
}
