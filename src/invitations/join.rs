//! A newcomer signs up through their invitation: the staff account and the acceptance are one
//! transaction, so a refused invitation leaves no account behind.

use chrono::NaiveDateTime;

use crate::audit::Actor;
use crate::auth::signup;
use crate::auth::store::{CityRole, NewUser};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::CityId;
use crate::invitations::accept::{accept, AcceptRefused, Accepted};

/// What signing up through an invitation did (an accepted invitation carries its city and
/// organization, so it is boxed).
pub type Joined = signup::Joined<Box<Accepted>, AcceptRefused>;

/// Creates the staff account `user` in `city` and accepts the invitation of `token` with it.
pub fn sign_up_and_accept(
    conn: &mut DbConnection,
    city: CityId,
    user: &NewUser<'_>,
    token: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Joined, AppError> {
    signup::register_then(conn, city, user, CityRole::Staff, now, |conn, person| {
        let actor = Actor::user(person, address);
        Ok(accept(conn, token, person, &actor, now)?.map(Box::new))
    })
}
