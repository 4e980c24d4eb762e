//! A newcomer signs up through their invitation: the staff account and the acceptance are one
//! transaction, so a refused invitation leaves no account behind.

use chrono::NaiveDateTime;
use diesel::Connection;

use crate::audit::Actor;
use crate::auth::signup::{self, Registered};
use crate::auth::store::{self as auth_store, CityRole, NewUser};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::CityId;
use crate::invitations::accept::{accept, AcceptRefused, Accepted};

/// What signing up through an invitation did.
#[derive(Debug)]
// An accepted invitation carries its city and organization; it is made once per sign-up.
#[allow(clippy::large_enum_variant)]
pub enum Joined {
    Accepted(crate::ids::UserId, Box<Accepted>),
    UsernameTaken,
    Refused(AcceptRefused),
}

enum Undo {
    App(AppError),
    Taken,
    Refused(AcceptRefused),
}

impl From<diesel::result::Error> for Undo {
    fn from(e: diesel::result::Error) -> Self {
        Undo::App(e.into())
    }
}

/// Creates the staff account `user` in `city` and accepts the invitation of `token` with it.
pub fn sign_up_and_accept(
    conn: &mut DbConnection,
    city: CityId,
    user: &NewUser<'_>,
    token: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Joined, AppError> {
    let outcome = conn.transaction(|conn| {
        let id = match signup::register(conn, city, user, CityRole::Staff, now)? {
            Registered::Created { user, .. } => user,
            Registered::UsernameTaken => return Err(Undo::Taken),
        };
        let person = auth_store::find_user(conn, id)?.ok_or(Undo::App(AppError::NotFound))?;
        let actor = Actor::user(&person, address);
        match accept(conn, token, &person, &actor, now) {
            Ok(Ok(accepted)) => Ok((id, accepted)),
            Ok(Err(refused)) => Err(Undo::Refused(refused)),
            Err(e) => Err(Undo::App(e)),
        }
    });
    match outcome {
        Ok((id, accepted)) => Ok(Joined::Accepted(id, Box::new(accepted))),
        Err(Undo::Taken) => Ok(Joined::UsernameTaken),
        Err(Undo::Refused(refused)) => Ok(Joined::Refused(refused)),
        Err(Undo::App(e)) => Err(e),
    }
}
