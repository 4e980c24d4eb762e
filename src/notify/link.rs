//! The one shape of every e-mail that carries a single link to press: a few sentences, the
//! button, a few sentences after it (until when it works, what to do if it was not you).
//! Consent requests, reminders, e-mail verification and password resets are all written so.

use askama::Template;

use crate::error::AppError;
use crate::ids::CityId;
use crate::notify::{EmailFrame, Mail};

/// What a link e-mail says, already in the recipient's language.
pub struct LinkWords {
    pub subject: String,
    pub before: Vec<String>,
    pub action: String,
    pub link: String,
    pub after: Vec<String>,
}

#[derive(Template)]
#[template(path = "email/link/body.txt")]
struct LinkText<'a> {
    words: &'a LinkWords,
}

#[derive(Template)]
#[template(path = "email/link/body.html")]
struct LinkHtml<'a> {
    words: &'a LinkWords,
    frame: EmailFrame,
}

/// The message of `words` to `to`, framed as `frame` (a city's, or the platform's).
pub fn compose(
    city_id: Option<CityId>,
    kind: &'static str,
    to: &str,
    frame: EmailFrame,
    words: &LinkWords,
) -> Result<Mail, AppError> {
    let locale = frame.locale;
    Mail::compose(
        city_id,
        kind,
        to,
        locale,
        words.subject.clone(),
        &LinkText { words },
        &LinkHtml { words, frame },
    )
}
