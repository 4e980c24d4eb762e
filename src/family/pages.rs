//! Pages of a parent's consent (`/consent/{token}`) and of a teen's link code.

use askama::Template;

use crate::family::consent::Found;
use crate::invitations::mail::fill;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// A parent account made on the consent page.
#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ParentForm {
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
    /// The box "I have read this and I agree", ticked (`1`).
    pub agree: String,
}

#[derive(Template)]
#[template(path = "family/consent.html")]
pub struct ConsentPage {
    pub chrome: Chrome,
    pub token: String,
    /// The child's city: its privacy text is what the parent reads.
    pub city: City,
    /// "Leo (username leo-otter-42) asks you to confirm their account …"
    pub summary: String,
    pub expiry: String,
    pub text_version: &'static str,
    pub form: ParentForm,
    pub errors: FormErrors,
    /// Signed in with an account that is not a parent's.
    pub not_a_parent: bool,
}

impl ConsentPage {
    pub fn new(chrome: Chrome, token: &str, found: &Found, form: ParentForm) -> ConsentPage {
        let summary = fill(
            chrome.t("consent.page.summary"),
            &[
                ("child", &found.youth.display_name),
                ("username", &found.youth.username),
                ("city", &found.city.name),
            ],
        );
        let expiry = fill(
            chrome.t("consent.mail.expiry"),
            &[(
                "date",
                &crate::i18n::dates::moment(chrome.locale, found.expires_at),
            )],
        );
        let not_a_parent = chrome
            .user
            .as_ref()
            .is_some_and(|u| u.kind != crate::auth::AccountKind::Parent);
        ConsentPage {
            chrome,
            token: token.to_string(),
            city: found.city.clone(),
            summary,
            expiry,
            text_version: crate::family::consent::TEXT_VERSION,
            form,
            errors: FormErrors::default(),
            not_a_parent,
        }
    }
}

/// After a decision: what happened, in one sentence, and where to go.
#[derive(Template)]
#[template(path = "family/decided.html")]
pub struct DecidedPage {
    pub chrome: Chrome,
    pub heading: String,
    pub message: String,
    pub next_href: String,
    pub next_label: String,
}

/// A teen's fresh link code, shown once.
#[derive(Template)]
#[template(path = "family/link_code.html")]
pub struct LinkCodePage {
    pub chrome: Chrome,
    pub city_slug: String,
    pub code: String,
    pub until: String,
}

/// An award of a child under 13 whose parent has not let it show publicly, to a visitor.
#[derive(Template)]
#[template(path = "family/private_award.html")]
pub struct PrivateAwardPage {
    pub chrome: Chrome,
    pub city: City,
    pub award: crate::awards::AwardView,
}

/// What a youth taking over their account gives.
#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct HandoffForm {
    /// An e-mail of their own (optional).
    pub email: String,
    /// The password that will be theirs alone.
    pub password: String,
    /// The box "my parent can keep following my badges", ticked (`1`).
    pub follow: String,
}

/// `GET /c/{city}/me/handoff`: what taking over means, and the form.
#[derive(Template)]
#[template(path = "family/handoff.html")]
pub struct HandoffPage {
    pub chrome: Chrome,
    pub city_slug: String,
    pub form: HandoffForm,
    pub errors: FormErrors,
}
