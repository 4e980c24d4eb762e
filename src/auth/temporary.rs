//! Temporary passwords, set by staff for a youth who has no e-mail to reset with. A temporary
//! password never opens a session: signing in with it leads straight to the page where the
//! youth chooses a password of their own (a fresh single-use reset link), and only that
//! password signs them in. It works for [`LIFETIME`]; after that the youth asks again.
//!
//! The account's password hash is the temporary password's, and a `temporary_password` token
//! marks it as temporary; setting any password (the youth's own, a parent's) removes it.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use crate::db::schema::account_tokens;
use crate::db::DbConnection;
use crate::ids::UserId;
use crate::secrets::random_token;

pub const PURPOSE: &str = "temporary_password";

/// How long a temporary password works.
pub fn lifetime() -> Duration {
    Duration::days(7)
}

/// Letters and digits a child reads off a slip without confusing them (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new temporary password such as `k7qa-m2xd-9pht`: lower case, for a phone's keyboard;
/// 12 characters of 31 (about 59 bits), and sign-in attempts are limited.
pub fn generate() -> String {
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Marks `user`'s password (just set) as temporary until `now` + [`lifetime`]. Call it in
/// the transaction that sets the password, after `auth::store::set_password_hash` (which
/// clears an earlier mark).
pub fn mark(conn: &mut DbConnection, user: UserId, now: NaiveDateTime) -> QueryResult<()> {
    // The mark is no link: its token is random and never shown.
    let token = random_token();
    crate::auth::recovery::insert_token(conn, user, PURPOSE, &token, None, now, now + lifetime())
}

/// The password of `user` is no longer temporary (another was set).
pub fn clear(conn: &mut DbConnection, user: UserId) -> QueryResult<()> {
    diesel::delete(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user.0))
            .filter(account_tokens::purpose.eq(PURPOSE)),
    )
    .execute(conn)
    .map(|_| ())
}

/// Whether `user`'s password is temporary: `Some(true)` while it works, `Some(false)` once it
/// has expired, `None` when it is their own.
pub fn state(
    conn: &mut DbConnection,
    user: UserId,
    now: NaiveDateTime,
) -> QueryResult<Option<bool>> {
    let until: Option<NaiveDateTime> = account_tokens::table
        .filter(account_tokens::user_id.eq(user.0))
        .filter(account_tokens::purpose.eq(PURPOSE))
        .select(account_tokens::expires_at)
        .order(account_tokens::id.desc())
        .first(conn)
        .optional()?;
    Ok(until.map(|until| now < until))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_is_long_enough_and_easy_to_type() {
        let a = generate();
        assert_eq!(a.len(), 14, "{a}");
        assert!(crate::fields::new_password(&a).is_ok());
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert_ne!(a, generate());
    }
}
