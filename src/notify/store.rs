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
