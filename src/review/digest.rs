//! The mentors' daily digest: once a day at most, each admin and mentor of an organization
//! with work waiting for review is e-mailed how much waits and since when, through the outbox.
//! Whoever turned notifications off is sent nothing.

use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{org_members, organizations, submissions, users};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::CityId;
use crate::notify::{self, EmailFrame, Mail};
use crate::review::Status;

/// What a digest says.
pub struct DigestMail<'a> {
    pub locale: &'static str,
    pub org_name: &'a str,
    pub waiting: i64,
    pub oldest: String,
    pub url: &'a str,
}

impl DigestMail<'_> {
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(self.locale, key)
    }

    pub fn subject(&self) -> String {
        crate::i18n::t_with(self.locale, "digest.subject", "org", self.org_name)
            .replace("%{n}", &self.waiting.to_string())
    }

    pub fn intro(&self) -> String {
        crate::i18n::t_with(self.locale, "digest.intro", "org", self.org_name)
            .replace("%{n}", &self.waiting.to_string())
            .replace("%{date}", &self.oldest)
    }
}

#[derive(Template)]
#[template(path = "email/review_digest/body.txt")]
struct DigestText<'a> {
    m: &'a DigestMail<'a>,
}

#[derive(Template)]
#[template(path = "email/review_digest/body.html")]
struct DigestHtml<'a> {
    m: &'a DigestMail<'a>,
    frame: EmailFrame,
}

/// Queues today's digests not sent yet; answers how many were queued.
pub fn queue_due(
    conn: &mut DbConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let today: NaiveDate = now.date();
    let waiting: Vec<(i64, i64, NaiveDateTime)> = submissions::table
        .filter(submissions::status.eq(Status::Submitted.as_str()))
        .group_by(submissions::org_id)
        .select((
            submissions::org_id,
            diesel::dsl::count_star(),
            diesel::dsl::min(submissions::submitted_at).assume_not_null(),
        ))
        .load(conn)?;
    let mut queued = 0;
    for (org, count, oldest) in waiting {
        queued += conn.transaction(|conn| -> Result<usize, AppError> {
            let (city_id, org_slug, org_name): (i64, String, String) = organizations::table
                .find(org)
                .select((
                    organizations::city_id,
                    organizations::slug,
                    organizations::name,
                ))
                .first(conn)?;
            type Due = (i64, Option<String>, Option<String>);
            let due: Vec<Due> = org_members::table
                .inner_join(users::table.on(users::id.eq(org_members::user_id)))
                .filter(org_members::org_id.eq(org))
                .filter(
                    org_members::digest_sent_on
                        .is_null()
                        .or(org_members::digest_sent_on.lt(today)),
                )
                .filter(users::notifications_off.eq(false))
                .select((org_members::id, users::email, users::locale))
                .load(conn)?;
            if due.is_empty() {
                return Ok(0);
            }
            let city = crate::tenancy::store::find(conn, CityId(city_id))?;
            let url = format!("{base_url}/c/{}/orgs/{org_slug}/reviews", city.slug);
            let mut sent = 0;
            for (member, email, locale) in due {
                diesel::update(org_members::table.find(member))
                    .set(org_members::digest_sent_on.eq(today))
                    .execute(conn)?;
                let Some(email) = email else {
                    continue;
                };
                let locale = city.locale_for(locale.as_deref());
                let mail = DigestMail {
                    locale,
                    org_name: &org_name,
                    waiting: count,
                    oldest: crate::i18n::dates::full(locale, oldest.date()),
                    url: &url,
                };
                let composed = Mail::compose(
                    Some(city.id),
                    "reviews.digest",
                    &email,
                    locale,
                    mail.subject(),
                    &DigestText { m: &mail },
                    &DigestHtml {
                        m: &mail,
                        frame: EmailFrame::new(&city.name, &city.brand_primary, locale),
                    },
                )?;
                notify::enqueue(conn, &composed, now)?;
                sent += 1;
            }
            Ok(sent)
        })?;
    }
    Ok(queued)
}
