//! All SQL of the outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::DbConnection;
use crate::notify::Mail;

pub fn insert(
    conn: &mut DbConnection,
    mail: &Mail,
    message_id: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(message_id),
            outbox::city_id.eq(mail.city_id.map(|c| c.0)),
            outbox::kind.eq(mail.kind),
            outbox::to_address.eq(&mail.to),
            outbox::locale.eq(mail.locale),
            outbox::subject.eq(&mail.subject),
            outbox::text_body.eq(&mail.text),
            outbox::html_body.eq(&mail.html),
            outbox::created_at.eq(now),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::last_error.eq(""),
        ))
        .returning(outbox::id)
        .get_result(conn)
}

/// One message of the outbox, as the worker and the viewer read it.
#[derive(Queryable, Clone, Debug)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub kind: String,
    pub to_address: String,
    pub locale: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: NaiveDateTime,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: String,
    pub sent_at: Option<NaiveDateTime>,
}

type RowColumns = (
    outbox::id,
    outbox::message_id,
    outbox::kind,
    outbox::to_address,
    outbox::locale,
    outbox::subject,
    outbox::text_body,
    outbox::html_body,
    outbox::created_at,
    outbox::status,
    outbox::attempts,
    outbox::next_attempt_at,
    outbox::last_error,
    outbox::sent_at,
);

const ROW: RowColumns = (
    outbox::id,
    outbox::message_id,
    outbox::kind,
    outbox::to_address,
    outbox::locale,
    outbox::subject,
    outbox::text_body,
    outbox::html_body,
    outbox::created_at,
    outbox::status,
    outbox::attempts,
    outbox::next_attempt_at,
    outbox::last_error,
    outbox::sent_at,
);

/// Claims the next due message until `lease_until`, or `None` when nothing is due.
///
/// The claim is one conditional `UPDATE` (pending, due, and not leased by anyone else): of two
/// workers racing for a row, the database lets exactly one update it, on SQLite (writes are
/// serialised) as on PostgreSQL (the loser re-reads the row after the winner commits and no
/// longer matches).
pub fn claim_next(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<OutboxRow>> {
    let free = outbox::claimed_until
        .is_null()
        .or(outbox::claimed_until.lt(now));
    let candidates: Vec<i64> = outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .filter(free)
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .select(outbox::id)
        .limit(8)
        .load(conn)?;
    for id in candidates {
        let claimed = diesel::update(
            outbox::table
                .filter(outbox::id.eq(id))
                .filter(outbox::status.eq("pending"))
                .filter(outbox::next_attempt_at.le(now))
                .filter(
                    outbox::claimed_until
                        .is_null()
                        .or(outbox::claimed_until.lt(now)),
                ),
        )
        .set(outbox::claimed_until.eq(Some(lease_until)))
        .execute(conn)?;
        if claimed == 1 {
            return outbox::table
                .filter(outbox::id.eq(id))
                .select(ROW)
                .first(conn)
                .optional();
        }
    }
    Ok(None)
}

/// Records a delivery: `sent` (accepted by the SMTP server) or `delivered` (kept for the mail
/// viewer only, no SMTP configured).
pub fn mark_delivered(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)))
        .set((
            outbox::status.eq(status),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(Some(now)),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(""),
        ))
        .execute(conn)
}

/// Records a failed attempt: the message waits until `next_attempt_at`, or is given up
/// (`failed`) when `next_attempt_at` is `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: i64,
    error: &str,
    next_attempt_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    let target = outbox::table.filter(outbox::id.eq(id));
    match next_attempt_at {
        Some(at) => diesel::update(target)
            .set((
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(error),
                outbox::next_attempt_at.eq(at),
                outbox::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn),
        None => diesel::update(target)
            .set((
                outbox::status.eq("failed"),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(error),
                outbox::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn),
    }
}

/// Whether some message is waiting after a failed attempt (delivery is failing).
pub fn delivery_failing(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::attempts.gt(0)),
    ))
    .get_result(conn)
}

use crate::db::lower;

/// A page of the viewer's list, newest first; `to` filters by a part of the recipient.
pub fn list(
    conn: &mut DbConnection,
    to: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OutboxRow>, i64)> {
    let pattern = to.map(crate::db::like_containing);
    let filtered = || {
        let mut query = outbox::table.into_boxed();
        if let Some(pattern) = &pattern {
            query = query.filter(lower(outbox::to_address).like(pattern.clone()).escape('\\'));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(ROW)
        .load(conn)?;
    Ok((rows, total))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .filter(outbox::id.eq(id))
        .select(ROW)
        .first(conn)
        .optional()
}
