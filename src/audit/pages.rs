//! The audit trail page, for a city's coordinators and for the operator.

use askama::Template;

use crate::audit::store::AuditRow;
use crate::audit::AuditAction;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// The filters as typed, kept on the page.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AuditQuery {
    pub action: String,
    pub actor: String,
    pub from: String,
    pub to: String,
}

impl AuditQuery {
    /// The same filters as a query string, for the CSV link.
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct AuditPage {
    pub chrome: Chrome,
    /// `/c/{city}/audit` or `/admin/audit`.
    pub base_path: String,
    /// The city's name, or `None` on the operator's page of every city.
    pub city_name: Option<String>,
    pub query: AuditQuery,
    pub errors: FormErrors,
    pub rows: Vec<AuditRow>,
}

impl AuditPage {
    pub fn actions(&self) -> Vec<(&'static str, String)> {
        AuditAction::ALL
            .iter()
            .map(|a| (a.as_str(), self.chrome.t(&a.label_key())))
            .collect()
    }

    pub fn action_label(&self, action: &str) -> String {
        match AuditAction::parse(action) {
            Some(a) => self.chrome.t(&a.label_key()),
            None => action.to_string(),
        }
    }

    pub fn when(&self, row: &AuditRow) -> String {
        row.at.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}
