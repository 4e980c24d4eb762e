//! A parent's consent for a child under 13.
//!
//! A child under 13 who signs up gives a parent's e-mail address; the account waits
//! (`awaiting_consent`) until a parent presses the e-mailed link, reads what Lanyard keeps and
//! consents, signed in with a parent account (or creating one there). Each consent is recorded
//! with its time, its method and the version of the text the parent read. A parent may decline
//! instead, which deletes the waiting account. A request left alone is reminded of after 3 and 7
//! days and expires after 10, deleting the account. Every message carries its own link; all of a
//! request's links work until it is decided; only their SHA-256 is kept.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store, CityRole};
use crate::auth::{AccountKind, AccountStatus, CurrentUser};
use crate::db::schema::{consent_links, consent_requests, parental_consents, users};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{CityId, UserId};
use crate::invitations::mail::fill;
use crate::notify::link::{self, LinkWords};
use crate::notify::{self, EmailFrame};
use crate::secrets::{random_token, token_hash};
use crate::tenancy::{self, City};

/// The version of the text a parent reads before consenting (the city's privacy page): change
/// it whenever that text changes, so that each consent names what was shown.
pub const TEXT_VERSION: &str = "privacy-2026-12-02";
/// How a consent was given: through the e-mailed link.
pub const METHOD_EMAIL_LINK: &str = "email_link";
/// Days a pending account waits for its parent.
pub const PENDING_DAYS: i64 = 10;
/// Days after the sign-up at which the parent is reminded.
pub const REMINDER_DAYS: [i64; 2] = [3, 7];
/// How many messages one request may send in all (the first, resends asked by the child).
pub const MAX_SENDS: i32 = 5;

pub use crate::auth::links::Unusable;

/// What a consent link that does not work says.
pub const MESSAGES: crate::auth::links::Messages = crate::auth::links::Messages {
    title: "consent.link_title",
    unknown: "consent.unknown",
    used: "consent.used",
    expired: "consent.expired",
};

/// The request a consent link belongs to.
#[derive(Clone, Debug)]
pub struct Found {
    pub request: i64,
    pub youth: CurrentUser,
    pub city: City,
    pub parent_email: String,
    pub expires_at: NaiveDateTime,
}

/// The request of `token`, if it can still be decided.
pub fn lookup(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Result<Found, Unusable>, AppError> {
    let row: Option<(i64, i64, i64, String, NaiveDateTime, Option<NaiveDateTime>)> =
        consent_links::table
            .inner_join(consent_requests::table)
            .filter(consent_links::token_hash.eq(token_hash(token)))
            .select((
                consent_requests::id,
                consent_requests::youth_id,
                consent_requests::city_id,
                consent_requests::parent_email,
                consent_requests::expires_at,
                consent_requests::decided_at,
            ))
            .first(conn)
            .optional()?;
    let Some((request, youth, city, parent_email, expires_at, decided_at)) = row else {
        return Ok(Err(Unusable::Unknown));
    };
    if let Err(why) = Unusable::check(decided_at, expires_at, now) {
        return Ok(Err(why));
    }
    let Some(youth) = auth_store::find_user(conn, UserId(youth))? else {
        return Ok(Err(Unusable::Unknown));
    };
    Ok(Ok(Found {
        request,
        youth,
        city: tenancy::store::find(conn, CityId(city))?,
        parent_email,
        expires_at,
    }))
}

/// Which message of a request is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Message {
    First,
    Reminder,
}

/// A fresh link to `request`: its token (only the hash is kept).
fn add_link(conn: &mut DbConnection, request: i64, now: NaiveDateTime) -> QueryResult<String> {
    let token = random_token();
    diesel::insert_into(consent_links::table)
        .values((
            consent_links::request_id.eq(request),
            consent_links::token_hash.eq(token_hash(&token)),
            consent_links::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Adds a fresh link to `request` and queues its message to `to`.
#[allow(clippy::too_many_arguments)]
fn send(
    conn: &mut DbConnection,
    request: i64,
    youth: &CurrentUser,
    city: &City,
    to: &str,
    message: Message,
    expires_at: NaiveDateTime,
    base: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let token = add_link(conn, request, now)?;
    // The parent reads it in the child's language: it is the one the family chose.
    let locale = youth.language();
    let t = |key: &str| crate::i18n::t(locale, key);
    let pairs = [
        ("child", youth.display_name.as_str()),
        ("username", youth.username.as_str()),
        ("city", city.name.as_str()),
    ];
    let subject_key = match message {
        Message::First => "consent.mail.subject",
        Message::Reminder => "consent.reminder.subject",
    };
    let words = LinkWords {
        subject: fill(t(subject_key), &pairs),
        before: vec![
            fill(t("consent.mail.intro"), &pairs),
            t("consent.mail.what"),
        ],
        action: t("consent.mail.action"),
        link: format!("{base}/consent/{token}"),
        after: vec![
            fill(
                t("consent.mail.expiry"),
                &[("date", &crate::i18n::dates::moment(locale, expires_at))],
            ),
            t("consent.mail.ignore"),
        ],
    };
    let kind = match message {
        Message::First => "family.consent_request",
        Message::Reminder => "family.consent_reminder",
    };
    let mail = link::compose(
        Some(city.id),
        kind,
        to,
        EmailFrame::new(&city.name, &city.brand_primary, locale),
        &words,
    )?;
    notify::enqueue(conn, &mail, now)?;
    Ok(())
}

/// Opens the consent request of the new account `youth` (call it in the sign-up's transaction)
/// and queues its first message to `parent_email`.
pub fn open(
    conn: &mut DbConnection,
    city: &City,
    youth: &CurrentUser,
    parent_email: &str,
    base: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let expires_at = now + Duration::days(PENDING_DAYS);
    let request: i64 = diesel::insert_into(consent_requests::table)
        .values((
            consent_requests::youth_id.eq(youth.id.0),
            consent_requests::city_id.eq(city.id.0),
            consent_requests::parent_email.eq(parent_email),
            consent_requests::created_at.eq(now),
            consent_requests::expires_at.eq(expires_at),
            consent_requests::last_sent_at.eq(now),
        ))
        .returning(consent_requests::id)
        .get_result(conn)?;
    send(
        conn,
        request,
        youth,
        city,
        parent_email,
        Message::First,
        expires_at,
        base,
        now,
    )
}

/// What a waiting child sees of their request.
#[derive(Clone, Debug)]
pub struct Pending {
    /// The address, partly hidden (`jo…@example.org`).
    pub parent_email: String,
    pub expires_at: NaiveDateTime,
    pub sends_left: i32,
}

/// `a…@example.org`: enough for the child to recognise the address, not enough to read it
/// over their shoulder.
pub fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(2).collect();
            format!("{first}…@{domain}")
        }
        None => "…".into(),
    }
}

/// The open request of `youth`, if any.
pub fn pending_of(conn: &mut DbConnection, youth: UserId) -> QueryResult<Option<Pending>> {
    let row: Option<(String, NaiveDateTime, i32)> = consent_requests::table
        .filter(consent_requests::youth_id.eq(youth.0))
        .filter(consent_requests::decided_at.is_null())
        .select((
            consent_requests::parent_email,
            consent_requests::expires_at,
            consent_requests::sends,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(email, expires_at, sends)| Pending {
        parent_email: masked(&email),
        expires_at,
        sends_left: (MAX_SENDS - sends).max(0),
    }))
}

/// A fresh link to the open request of `child`, for a parent already linked to them (the
/// demo's family, or a second parent): the parent's page opens the consent page with it, so
/// that nobody waits on an e-mail that is already on its way. `None` when `parent` is not
/// linked to a waiting child of that name.
pub fn link_for_parent(
    conn: &mut DbConnection,
    parent: UserId,
    child: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let Some((youth, _)) = auth_store::find_user_by_login(conn, child)? else {
        return Ok(None);
    };
    if !auth_store::is_parent_of(conn, parent, youth.id)? {
        return Ok(None);
    }
    let request: Option<i64> = consent_requests::table
        .filter(consent_requests::youth_id.eq(youth.id.0))
        .filter(consent_requests::decided_at.is_null())
        .filter(consent_requests::expires_at.gt(now))
        .select(consent_requests::id)
        .first(conn)
        .optional()?;
    let Some(request) = request else {
        return Ok(None);
    };
    Ok(Some(add_link(conn, request, now)?))
}

/// Why a child's "send it again" did nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResendRefused {
    NoRequest,
    TooMany,
}

/// Sends the request of `youth` again, to `to` when given (a corrected address) or to the
/// address given before.
pub fn resend(
    conn: &mut DbConnection,
    youth: &CurrentUser,
    to: Option<&str>,
    base: &str,
    now: NaiveDateTime,
) -> Result<Result<(), ResendRefused>, AppError> {
    conn.transaction(|conn| {
        let row: Option<(i64, i64, String, NaiveDateTime, i32)> = consent_requests::table
            .filter(consent_requests::youth_id.eq(youth.id.0))
            .filter(consent_requests::decided_at.is_null())
            .filter(consent_requests::expires_at.gt(now))
            .select((
                consent_requests::id,
                consent_requests::city_id,
                consent_requests::parent_email,
                consent_requests::expires_at,
                consent_requests::sends,
            ))
            .first(conn)
            .optional()?;
        let Some((request, city, email, expires_at, sends)) = row else {
            return Ok(Err(ResendRefused::NoRequest));
        };
        if sends >= MAX_SENDS {
            return Ok(Err(ResendRefused::TooMany));
        }
        let to = to.unwrap_or(&email).to_string();
        diesel::update(consent_requests::table.find(request))
            .set((
                consent_requests::parent_email.eq(&to),
                consent_requests::sends.eq(sends + 1),
                consent_requests::last_sent_at.eq(now),
            ))
            .execute(conn)?;
        let city = tenancy::store::find(conn, CityId(city))?;
        send(
            conn,
            request,
            youth,
            &city,
            &to,
            Message::First,
            expires_at,
            base,
            now,
        )?;
        Ok(Ok(()))
    })
}

/// Why a signed-in person could not consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    Unusable(Unusable),
    /// Only a parent account can consent (a youth or staff account cannot).
    NotAParent,
}

/// Records `parent`'s consent through `token`: the child's account becomes active, the parent
/// is linked to the child and belongs to the child's city. One transaction.
pub fn consent(
    conn: &mut DbConnection,
    token: &str,
    parent: &CurrentUser,
    locale: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Result<Found, Refused>, AppError> {
    if parent.kind != AccountKind::Parent {
        return Ok(Err(Refused::NotAParent));
    }
    conn.transaction(|conn| {
        let found = match lookup(conn, token, now)? {
            Ok(found) => found,
            Err(why) => return Ok(Err(Refused::Unusable(why))),
        };
        // Only the first of two racing presses decides.
        let decided = diesel::update(
            consent_requests::table
                .find(found.request)
                .filter(consent_requests::decided_at.is_null()),
        )
        .set(consent_requests::decided_at.eq(now))
        .execute(conn)?;
        if decided == 0 {
            return Ok(Err(Refused::Unusable(Unusable::Used)));
        }
        diesel::insert_into(parental_consents::table)
            .values((
                parental_consents::youth_id.eq(found.youth.id.0),
                parental_consents::parent_id.eq(parent.id.0),
                parental_consents::method.eq(METHOD_EMAIL_LINK),
                parental_consents::text_version.eq(TEXT_VERSION),
                parental_consents::locale.eq(locale),
                parental_consents::consented_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(users::table.find(found.youth.id.0))
            .set(users::status.eq(AccountStatus::Active.as_str()))
            .execute(conn)?;
        if !auth_store::is_parent_of(conn, parent.id, found.youth.id)? {
            auth_store::link_parent(conn, parent.id, found.youth.id, now)?;
        }
        auth_store::add_city_member(conn, found.city.id, parent.id, CityRole::Parent, now)?;
        audit::record(
            conn,
            &AuditEvent {
                actor: &Actor::user(parent, address),
                city: Some(found.city.id),
                org: None,
                action: AuditAction::ConsentGiven,
                target: found.youth.username.clone(),
                detail: serde_json::json!({
                    "method": METHOD_EMAIL_LINK,
                    "text_version": TEXT_VERSION,
                    "locale": locale,
                }),
                at: now,
            },
        )?;
        Ok(Ok(found))
    })
}

/// Declines through `token`: the waiting account is deleted, with everything it holds.
pub fn decline(
    conn: &mut DbConnection,
    token: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Result<Found, Unusable>, AppError> {
    conn.transaction(|conn| {
        let found = match lookup(conn, token, now)? {
            Ok(found) => found,
            Err(why) => return Ok(Err(why)),
        };
        delete_pending(
            conn,
            &found,
            &Actor {
                user: None,
                name: "parent-link".into(),
                address: address.to_string(),
            },
            AuditAction::ConsentDeclined,
            now,
        )?;
        Ok(Ok(found))
    })
}

/// Deletes the waiting account of `found` (never an active one) and records why.
fn delete_pending(
    conn: &mut DbConnection,
    found: &Found,
    actor: &Actor,
    action: AuditAction,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::delete(
        users::table
            .find(found.youth.id.0)
            .filter(users::status.eq(AccountStatus::AwaitingConsent.as_str())),
    )
    .execute(conn)?;
    // The trail keeps no name of a child who never joined: only that an account went.
    audit::record(
        conn,
        &AuditEvent {
            actor,
            city: Some(found.city.id),
            org: None,
            action,
            target: format!("user:{}", found.youth.id),
            detail: serde_json::json!({}),
            at: now,
        },
    )?;
    Ok(())
}

/// What one round of the schedule did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub reminded: usize,
    pub expired: usize,
}

/// Reminds the parents of requests that reached a reminder day, and deletes the accounts whose
/// ten days are over. Each request is its own transaction.
pub fn sweep(conn: &mut DbConnection, base: &str, now: NaiveDateTime) -> Result<Swept, AppError> {
    let open: Vec<(i64, i64, i64, String, NaiveDateTime, NaiveDateTime, i32)> =
        consent_requests::table
            .filter(consent_requests::decided_at.is_null())
            .order(consent_requests::id)
            .select((
                consent_requests::id,
                consent_requests::youth_id,
                consent_requests::city_id,
                consent_requests::parent_email,
                consent_requests::created_at,
                consent_requests::expires_at,
                consent_requests::reminders_sent,
            ))
            .load(conn)?;
    let mut swept = Swept::default();
    for (request, youth, city, email, created_at, expires_at, reminders) in open {
        let due = REMINDER_DAYS
            .iter()
            .filter(|days| now >= created_at + Duration::days(**days))
            .count() as i32;
        if expires_at > now && due <= reminders {
            continue;
        }
        conn.transaction(|conn| -> Result<(), AppError> {
            let Some(youth) = auth_store::find_user(conn, UserId(youth))? else {
                return Ok(());
            };
            let city = tenancy::store::find(conn, CityId(city))?;
            if expires_at <= now {
                let found = Found {
                    request,
                    youth,
                    city,
                    parent_email: email.clone(),
                    expires_at,
                };
                delete_pending(
                    conn,
                    &found,
                    &Actor::scheduled(),
                    AuditAction::ConsentExpired,
                    now,
                )?;
                swept.expired += 1;
                return Ok(());
            }
            // Only the reminder of the latest day reached is sent (a round that was missed
            // does not send two at once).
            diesel::update(consent_requests::table.find(request))
                .set(consent_requests::reminders_sent.eq(due))
                .execute(conn)?;
            send(
                conn,
                request,
                &youth,
                &city,
                &email,
                Message::Reminder,
                expires_at,
                base,
                now,
            )?;
            swept.reminded += 1;
            Ok(())
        })?;
    }
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_masked_but_recognisable() {
        assert_eq!(masked("jordan@example.org"), "jo…@example.org");
        assert_eq!(masked("j@example.org"), "j…@example.org");
        assert_eq!(masked("nonsense"), "…");
    }
}
