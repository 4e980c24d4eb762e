//! Pages of one's data: the export page, the deletion page and what a deletion ends on.

use askama::Template;

use crate::auth::CurrentUser;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "account/export.html")]
pub struct ExportPage {
    pub chrome: Chrome,
    pub city: City,
    /// The linked children under 13 whose data this parent may download.
    pub children: Vec<CurrentUser>,
    /// Set when the last download was refused by the limit: the message says when to retry.
    pub limited: Option<String>,
    pub per_hour: u32,
}

impl ExportPage {
    pub fn limit_text(&self) -> String {
        self.chrome.t1("export.limit", "n", self.per_hour)
    }
}

/// Whose account the deletion page is about: the signed-in person's, or a child's.
#[derive(Clone, Debug)]
pub struct Whose {
    /// `None` for one's own account.
    pub child: Option<CurrentUser>,
}

#[derive(Template)]
#[template(path = "account/delete.html")]
pub struct DeletePage {
    pub chrome: Chrome,
    pub city: City,
    pub whose: Whose,
    /// Live awards the account holds (what "revoke" would revoke).
    pub live_awards: usize,
    /// Whether the one asking has a password to confirm with (else they type the user name).
    pub has_password: bool,
    /// What stands in the way, as a sentence; no form is shown then.
    pub refused: Option<String>,
    pub choice: String,
    pub errors: FormErrors,
}

impl DeletePage {
    pub fn action(&self) -> String {
        match &self.whose.child {
            Some(child) => format!(
                "/c/{}/me/children/{}/delete",
                self.city.slug, child.username
            ),
            None => format!("/c/{}/me/delete", self.city.slug),
        }
    }

    pub fn heading(&self) -> String {
        match &self.whose.child {
            Some(child) => self
                .chrome
                .t1("delete.child_title", "name", &child.display_name),
            None => self.chrome.t("delete.title"),
        }
    }

    pub fn awards_text(&self) -> String {
        self.chrome.t1("delete.awards_count", "n", self.live_awards)
    }
}

#[derive(Template)]
#[template(path = "account/deleted.html")]
pub struct DeletedPage {
    pub chrome: Chrome,
    pub city: City,
    pub revoked: usize,
    pub kept: bool,
}
