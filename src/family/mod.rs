//! Youth and their families: a parent's consent for a child under 13, parents linked to their
//! children (by consent, or by a code a teen shows them), what a parent decides for a child, and
//! the handoff of the account to the youth at 13.

pub mod consent;
pub mod digest;
pub mod digest_handler;
pub mod display;
pub mod display_handler;
pub mod handlers;
pub mod handoff;
pub mod handoff_handlers;
pub mod link_codes;
pub mod pages;

use crate::auth::store as auth_store;
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::UserId;

/// The child `login` of `parent`, under 13 on `today`: what a parent decides for (another's
/// child, or no such account: 404; a child of 13 or over, who decides for themself: 403).
pub fn young_child_of(
    conn: &mut DbConnection,
    parent: UserId,
    login: &str,
    today: chrono::NaiveDate,
) -> Result<CurrentUser, AppError> {
    let Some((youth, _)) = auth_store::find_user_by_login(conn, login)? else {
        return Err(AppError::NotFound);
    };
    if !auth_store::is_parent_of(conn, parent, youth.id)? {
        return Err(AppError::NotFound);
    }
    if !auth_store::is_under_13(conn, youth.id, today)? {
        return Err(AppError::Forbidden);
    }
    Ok(youth)
}
