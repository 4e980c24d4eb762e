//! The operator's page of issuer keys.

use askama::Template;

use crate::signing::keys::PublishedKey;
use crate::web::Chrome;

/// One issuer profile and its keys.
pub struct IssuerKeys {
    pub city_slug: String,
    pub city_name: String,
    pub org_slug: String,
    pub org_name: String,
    pub keys: Vec<PublishedKey>,
}

#[derive(Template)]
#[template(path = "signing/keys.html")]
pub struct KeysPage {
    pub chrome: Chrome,
    pub issuers: Vec<IssuerKeys>,
    /// False when a separate `lanyard signer` holds the master key.
    pub can_rotate: bool,
}

impl KeysPage {
    pub fn when(&self, at: &chrono::NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}
