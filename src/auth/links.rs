//! What every e-mailed link that works once (a parent's consent, a password reset, an address
//! verification) shares: whether it still works, and the page that says why not.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::NaiveDateTime;

use crate::error::AppError;
use crate::invitations::pages::UnusablePage;
use crate::web::{render, Chrome};

/// Why a link does not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// No such link: mistyped, guessed, or its account is gone.
    Unknown,
    /// It (or another link of the same request) was used.
    Used,
    Expired,
}

impl Unusable {
    /// A link never sent is not found; a real one that no longer works is gone.
    pub fn status(self) -> StatusCode {
        match self {
            Unusable::Unknown => StatusCode::NOT_FOUND,
            Unusable::Used | Unusable::Expired => StatusCode::GONE,
        }
    }

    /// Whether a link used at `used` (if ever) and working until `expires_at` works at `now`.
    pub fn check(
        used: Option<NaiveDateTime>,
        expires_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<(), Unusable> {
        if used.is_some() {
            Err(Unusable::Used)
        } else if expires_at <= now {
            Err(Unusable::Expired)
        } else {
            Ok(())
        }
    }
}

/// What one kind of link says for each reason, as catalog keys.
pub struct Messages {
    pub title: &'static str,
    pub unknown: &'static str,
    pub used: &'static str,
    pub expired: &'static str,
}

/// The page saying why the link does not work.
pub fn page(chrome: Chrome, why: Unusable, messages: &Messages) -> Result<HttpResponse, AppError> {
    let message = match why {
        Unusable::Unknown => messages.unknown,
        Unusable::Used => messages.used,
        Unusable::Expired => messages.expired,
    };
    render(
        why.status(),
        &UnusablePage {
            chrome,
            title: messages.title,
            message,
        },
    )
}
