//! What a sign-up writes: the account and its city membership, in one transaction.
//!
//! A sign-up must not tell an anonymous visitor which e-mail addresses have accounts: an address
//! that is already in use is simply not attached to the new account, and the answer is the same
//! as for a fresh one. A taken username cannot be hidden (the visitor must pick another); sign-ups
//! are throttled per address so that names cannot be listed quickly.

use chrono::NaiveDateTime;
use diesel::Connection;

use crate::auth::store::{self, CityRole, NewUser};
use crate::auth::CurrentUser;
use crate::db::{is_unique_violation, DbConnection};
use crate::error::AppError;
use crate::fields::{self, Username};
use crate::ids::{CityId, UserId};
use crate::web::forms::FormErrors;

/// The outcome of a registration.
#[derive(Debug, PartialEq, Eq)]
pub enum Registered {
    Created {
        user: UserId,
        /// Whether the typed e-mail was attached (it was not when another account has it).
        email_attached: bool,
    },
    UsernameTaken,
}

/// Creates the account (with the e-mail only if no account has it yet) and its membership of
/// `city` with `role`. A name taken meanwhile by a concurrent sign-up answers `UsernameTaken`.
pub fn register(
    conn: &mut DbConnection,
    city: CityId,
    user: &NewUser<'_>,
    role: CityRole,
    now: NaiveDateTime,
) -> diesel::QueryResult<Registered> {
    // The caller has checked the username before hashing. The e-mail is checked before the
    // transaction, which then writes first: on SQLite a transaction that reads and then writes
    // fails with "database is locked" when another writer got in between. A name or address
    // taken meanwhile shows up as a unique violation instead.
    let mut email = match user.email {
        Some(email) if !store::email_taken(conn, email)? => Some(email),
        _ => None,
    };
    conn.transaction(|conn| {
        let inserted = match insert_in_savepoint(conn, user, email, now) {
            // The e-mail was taken meanwhile: the account is made without it.
            Err(e)
                if is_unique_violation(&e)
                    && email.is_some()
                    && !store::username_taken(conn, user.username)? =>
            {
                email = None;
                insert_in_savepoint(conn, user, None, now)
            }
            other => other,
        };
        let id = match inserted {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Ok(Registered::UsernameTaken),
            Err(e) => return Err(e),
        };
        store::add_city_member(conn, city, id, role, now)?;
        Ok(Registered::Created {
            user: id,
            email_attached: email.is_some(),
        })
    })
}

/// What signing up and acting at once with the new account (accepting an invitation, giving a
/// parent's consent) did: both, or neither.
#[derive(Debug)]
pub enum Joined<T, R> {
    Done(UserId, T),
    UsernameTaken,
    /// The act was refused, and the account is not made.
    Refused(R),
}

/// Creates the account `user` in `city` with `role` and does `then` with it, in one
/// transaction: if `then` refuses or fails, no account is left behind.
pub fn register_then<T, R>(
    conn: &mut DbConnection,
    city: CityId,
    user: &NewUser<'_>,
    role: CityRole,
    now: NaiveDateTime,
    then: impl FnOnce(&mut DbConnection, &CurrentUser) -> Result<Result<T, R>, AppError>,
) -> Result<Joined<T, R>, AppError> {
    enum Undo<R> {
        App(AppError),
        Taken,
        Refused(R),
    }
    impl<R> From<diesel::result::Error> for Undo<R> {
        fn from(e: diesel::result::Error) -> Self {
            Undo::App(e.into())
        }
    }
    let outcome = conn.transaction(|conn| {
        let id = match register(conn, city, user, role, now)? {
            Registered::Created { user, .. } => user,
            Registered::UsernameTaken => return Err(Undo::Taken),
        };
        let person = store::find_user(conn, id)?.ok_or(Undo::App(AppError::NotFound))?;
        match then(conn, &person) {
            Ok(Ok(done)) => Ok((id, done)),
            Ok(Err(refused)) => Err(Undo::Refused(refused)),
            Err(e) => Err(Undo::App(e)),
        }
    });
    match outcome {
        Ok((id, done)) => Ok(Joined::Done(id, done)),
        Err(Undo::Taken) => Ok(Joined::UsernameTaken),
        Err(Undo::Refused(refused)) => Ok(Joined::Refused(refused)),
        Err(Undo::App(e)) => Err(e),
    }
}

/// An account typed on a form where every field is required (staff joining through an
/// invitation, a parent on the consent page), parsed.
pub struct NewAccount {
    pub display_name: String,
    pub username: Username,
    pub email: String,
    pub password: String,
}

impl NewAccount {
    pub fn parse(
        display_name: &str,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<NewAccount, FormErrors> {
        let mut errors = FormErrors::default();
        let display_name =
            fields::line(display_name, 60).map_err(|e| errors.add("display_name", e));
        let username = Username::parse(username).map_err(|e| errors.add("username", e));
        let email = fields::email(email).map_err(|e| errors.add("email", e));
        let password = fields::new_password(password).map_err(|e| errors.add("password", e));
        match (display_name, username, email, password) {
            (Ok(display_name), Ok(username), Ok(email), Ok(password)) => Ok(NewAccount {
                display_name,
                username,
                email,
                password,
            }),
            _ => Err(errors),
        }
    }
}

/// Inserts the account in a savepoint, so that a unique violation (a concurrent sign-up) leaves
/// the surrounding transaction usable on PostgreSQL.
fn insert_in_savepoint(
    conn: &mut DbConnection,
    user: &NewUser<'_>,
    email: Option<&str>,
    now: NaiveDateTime,
) -> diesel::QueryResult<UserId> {
    conn.transaction(|conn| store::insert_user(conn, &NewUser { email, ..*user }, now))
}

/// Words a made-up username is built of: friendly, and saying nothing about anyone.
const ADJECTIVES: [&str; 24] = [
    "bright", "brave", "calm", "clever", "curious", "eager", "gentle", "happy", "jolly", "keen",
    "kind", "lively", "lucky", "merry", "mighty", "nimble", "plucky", "quick", "quiet", "sunny",
    "swift", "witty", "zesty", "bold",
];
const ANIMALS: [&str; 24] = [
    "otter", "heron", "fox", "badger", "owl", "lynx", "panda", "koala", "falcon", "dolphin",
    "beaver", "robin", "turtle", "marmot", "puffin", "gecko", "bison", "crane", "ferret", "moose",
    "walrus", "wren", "yak", "zebra",
];

/// A username such as `curious-otter-42`, offered to a youth at sign-up so that their real
/// name need not be their username (a taken one is caught when the form is sent).
pub fn suggested_username() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    format!(
        "{}-{}-{}",
        ADJECTIVES[rng.gen_range(0..ADJECTIVES.len())],
        ANIMALS[rng.gen_range(0..ANIMALS.len())],
        rng.gen_range(10..100)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_usernames_are_valid_usernames() {
        for _ in 0..200 {
            let name = suggested_username();
            assert!(
                crate::fields::Username::parse(&name).is_ok(),
                "{name} is not a valid username"
            );
        }
    }
}
