//! Pages of `/join/{token}`: the invitation in plain words, or why its link does not work.

use askama::Template;

use crate::invitations::accept::Found;
use crate::invitations::mail::{fill, role_phrase};
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "invitations/join.html")]
pub struct JoinPage {
    pub chrome: Chrome,
    pub token: String,
    /// "Ana Pérez invites you to join Lanyard as a coordinator of Riverside."
    pub summary: String,
    /// "The link works once, until …"
    pub expiry: String,
    pub form: JoinForm,
    pub errors: FormErrors,
    /// Signed in with an account that holds no staff role (youth, parent).
    pub wrong_kind: bool,
}

impl JoinPage {
    pub fn new(chrome: Chrome, token: &str, found: &Found, form: JoinForm) -> JoinPage {
        let locale = chrome.locale;
        let role = role_phrase(locale, found.role, &found.city, found.org.as_ref());
        let inviter = if found.inviter.is_empty() {
            chrome.t("invite.join.someone")
        } else {
            found.inviter.clone()
        };
        let summary = fill(
            chrome.t("invite.mail.intro"),
            &[("inviter", &inviter), ("role", &role)],
        );
        let expiry = fill(
            chrome.t("invite.mail.expiry"),
            &[(
                "date",
                &crate::i18n::dates::moment(locale, found.expires_at),
            )],
        );
        let wrong_kind = chrome
            .user
            .as_ref()
            .is_some_and(|u| crate::orgs::membership::may_hold_staff_role(u.kind).is_err());
        JoinPage {
            chrome,
            token: token.to_string(),
            summary,
            expiry,
            form,
            errors: FormErrors::default(),
            wrong_kind,
        }
    }
}

/// An invitation link that cannot be used, and why.
#[derive(Template)]
#[template(path = "invitations/unusable.html")]
pub struct UnusablePage {
    pub chrome: Chrome,
    /// Catalog key of the page's heading.
    pub title: &'static str,
    pub message: &'static str,
}
