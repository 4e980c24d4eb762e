//! E-mail, once, for everything: a message is written to the database outbox in the same
//! transaction as the event that causes it, and delivered later by the worker.
//!
//! A context that sends mail renders its askama templates (a plain-text and an HTML part, in the
//! recipient's language) into a [`Mail`] and calls [`enqueue`] on the connection of its own
//! transaction: if the event rolls back, so does its mail.

pub mod frame;
pub mod handlers;
pub mod link;
pub mod pages;
pub mod smtp;
pub mod store;
pub mod worker;

pub use frame::EmailFrame;

use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::CityId;

/// One message, ready to queue.
#[derive(Clone, Debug)]
pub struct Mail {
    pub city_id: Option<CityId>,
    /// What caused it (`invitation.coordinator`, `org.approved`, …): shown in the mail viewer.
    pub kind: &'static str,
    pub to: String,
    pub locale: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// A message from its two rendered templates.
    pub fn compose(
        city_id: Option<CityId>,
        kind: &'static str,
        to: &str,
        locale: &'static str,
        subject: String,
        text: &impl askama::Template,
        html: &impl askama::Template,
    ) -> Result<Mail, AppError> {
        let render = |t: &dyn askama::DynTemplate| {
            t.dyn_render()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("mail template: {e}")))
        };
        Ok(Mail {
            city_id,
            kind,
            to: to.to_string(),
            locale,
            subject,
            text: render(text)?,
            html: render(html)?,
        })
    }
}

/// Queues `mail` on `conn` (call it inside the transaction of the event that causes it).
/// Returns the message's `Message-ID`, which every delivery attempt reuses.
pub fn enqueue(
    conn: &mut DbConnection,
    mail: &Mail,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let message_id = format!("<{}@lanyard>", crate::secrets::random_token());
    store::insert(conn, mail, &message_id, now)?;
    Ok(message_id)
}
