//! The public verification page.

use askama::Template;

use crate::verify::{Report, Verdict};
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// What the visitor typed, shown again with the answer or the field to fix.
#[derive(Clone, Debug, Default)]
pub struct VerifyForm {
    pub credential: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "verify/page.html")]
pub struct VerifyPage {
    pub chrome: Chrome,
    pub form: VerifyForm,
    pub errors: FormErrors,
    pub report: Option<Report>,
}

impl Report {
    /// The style of the verdict box: good news, a warning, or a problem.
    pub fn css_class(&self) -> &'static str {
        match self.verdict {
            Verdict::Valid => "flash",
            Verdict::Revoked | Verdict::Expired => "notice",
            Verdict::Invalid => "form-problem",
        }
    }
}
