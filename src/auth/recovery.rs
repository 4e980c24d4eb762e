//! Single-use, expiring links that prove an e-mail address: verifying the address an account
//! gave, and resetting a forgotten password. Only the SHA-256 of a link's token is kept; a link
//! works once, and a newer link of the same purpose replaces the older.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store};
use crate::auth::CurrentUser;
use crate::db::schema::{account_tokens, users};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::UserId;
use crate::invitations::mail::fill;
use crate::notify::link::{self, LinkWords};
use crate::notify::{self, EmailFrame};
use crate::secrets::{random_token, token_hash};

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    /// How long its link works.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail => Duration::days(7),
            Purpose::ResetPassword => Duration::hours(1),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify-email",
            Purpose::ResetPassword => "reset",
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "accounts.verify_email",
            Purpose::ResetPassword => "accounts.reset_password",
        }
    }

    fn key(self, part: &str) -> String {
        format!("recovery.{}.{part}", self.as_str())
    }
}

pub use crate::auth::links::Unusable;

/// What a reset or verification link that does not work says.
pub const MESSAGES: crate::auth::links::Messages = crate::auth::links::Messages {
    title: "recovery.link_title",
    unknown: "recovery.unknown",
    used: "recovery.used",
    expired: "recovery.expired",
};

/// Makes a link of `purpose` for `user` at `email` (older unused ones of the same purpose stop
/// working) and queues its message. Call it in the transaction of the event that asks for it.
pub fn send(
    conn: &mut DbConnection,
    user: &CurrentUser,
    email: &str,
    purpose: Purpose,
    base: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let token = make_link(conn, user.id, Some(email), purpose, now)?;
    let expires_at = now + purpose.lifetime();
    let locale = user.language();
    let t = |key: &str| crate::i18n::t(locale, key);
    let pairs = [
        ("name", user.display_name.as_str()),
        ("username", user.username.as_str()),
    ];
    let words = LinkWords {
        subject: fill(t(&purpose.key("subject")), &pairs),
        before: vec![fill(t(&purpose.key("intro")), &pairs)],
        action: t(&purpose.key("action")),
        link: format!("{base}/{}/{token}", purpose.path()),
        after: vec![
            fill(
                t("recovery.mail.expiry"),
                &[("date", &crate::i18n::dates::moment(locale, expires_at))],
            ),
            t(&purpose.key("ignore")),
        ],
    };
    let mail = link::compose(
        None,
        purpose.kind(),
        email,
        EmailFrame::platform(locale),
        &words,
    )?;
    notify::enqueue(conn, &mail, now)?;
    Ok(())
}

/// Makes a link of `purpose` for `user` (older unused ones of the same purpose stop working)
/// and answers its token, to send or to lead to at once (a temporary password's sign-in leads
/// to its reset page; see `auth::temporary`).
pub fn make_link(
    conn: &mut DbConnection,
    user: UserId,
    email: Option<&str>,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let token = random_token();
    diesel::delete(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user.0))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .execute(conn)?;
    insert_token(
        conn,
        user,
        purpose.as_str(),
        &token,
        email,
        now,
        now + purpose.lifetime(),
    )?;
    Ok(token)
}

/// Keeps (the hash of) `token` of `purpose` for `user`, made at `now` and working until
/// `expires_at`. Older tokens of the purpose are the caller's to remove first.
pub(crate) fn insert_token(
    conn: &mut DbConnection,
    user: UserId,
    purpose: &str,
    token: &str,
    email: Option<&str>,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::user_id.eq(user.0),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(token_hash(token)),
            account_tokens::email.eq(email),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The account and address of a live link.
#[derive(Clone, Debug)]
pub struct Found {
    pub token: i64,
    pub user: CurrentUser,
    pub email: Option<String>,
}

/// A link as stored: id, account, address, expiry, when it was used.
type TokenRow = (
    i64,
    i64,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The link of `token` for `purpose`, if it still works.
pub fn lookup(
    conn: &mut DbConnection,
    token: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<Result<Found, Unusable>, AppError> {
    let row: Option<TokenRow> = account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash(token)))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select((
            account_tokens::id,
            account_tokens::user_id,
            account_tokens::email,
            account_tokens::expires_at,
            account_tokens::used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, user, email, expires_at, used_at)) = row else {
        return Ok(Err(Unusable::Unknown));
    };
    if let Err(why) = Unusable::check(used_at, expires_at, now) {
        return Ok(Err(why));
    }
    let Some(user) = auth_store::find_user(conn, UserId(user))? else {
        return Ok(Err(Unusable::Unknown));
    };
    Ok(Ok(Found {
        token: id,
        user,
        email,
    }))
}

/// Spends the link `found` (false when a racing request spent it first).
fn spend(conn: &mut DbConnection, found: &Found, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        account_tokens::table
            .find(found.token)
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Marks the address of a verification link as verified (if the account still has it).
pub fn verify_email(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Result<Found, Unusable>, AppError> {
    conn.transaction(|conn| {
        let found = match lookup(conn, token, Purpose::VerifyEmail, now)? {
            Ok(found) => found,
            Err(why) => return Ok(Err(why)),
        };
        if !spend(conn, &found, now)? {
            return Ok(Err(Unusable::Used));
        }
        diesel::update(
            users::table
                .find(found.user.id.0)
                .filter(users::email.eq(found.email.clone())),
        )
        .set(users::email_verified_at.eq(now))
        .execute(conn)?;
        Ok(Ok(found))
    })
}

/// Sets the new password `hash` through a reset link. A reset also proves the address.
pub fn reset_password(
    conn: &mut DbConnection,
    token: &str,
    hash: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Result<Found, Unusable>, AppError> {
    conn.transaction(|conn| {
        let found = match lookup(conn, token, Purpose::ResetPassword, now)? {
            Ok(found) => found,
            Err(why) => return Ok(Err(why)),
        };
        if !spend(conn, &found, now)? {
            return Ok(Err(Unusable::Used));
        }
        auth_store::set_password_hash(conn, found.user.id, hash)?;
        diesel::update(
            users::table
                .find(found.user.id.0)
                .filter(users::email.eq(found.email.clone()))
                .filter(users::email_verified_at.is_null()),
        )
        .set(users::email_verified_at.eq(now))
        .execute(conn)?;
        record_reset(
            conn,
            &found.user,
            &Actor::user(&found.user, address),
            "email_link",
            now,
        )?;
        Ok(Ok(found))
    })
}

/// Sets a new password for `youth` chosen by `by` (their parent, or staff of their
/// organization), recorded in the audit trail.
pub fn set_by_adult(
    conn: &mut DbConnection,
    youth: &CurrentUser,
    hash: &str,
    by: &Actor,
    how: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        auth_store::set_password_hash(conn, youth.id, hash)?;
        record_reset(conn, youth, by, how, now)?;
        Ok(())
    })
}

fn record_reset(
    conn: &mut DbConnection,
    user: &CurrentUser,
    actor: &Actor,
    how: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let city = auth_store::city_ids_of(conn, user.id)?.first().copied();
    audit::record(
        conn,
        &AuditEvent {
            actor,
            city,
            org: None,
            action: AuditAction::PasswordReset,
            target: user.username.clone(),
            detail: serde_json::json!({ "by": how }),
            at: now,
        },
    )?;
    Ok(())
}
