//! Pages of OpenID sign-in: the failure page and a city's provider settings.

use askama::Template;

use crate::auth::oidc::ProviderButton;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "auth/oidc_failed.html")]
pub struct FailedPage {
    pub chrome: Chrome,
    /// The catalogue key of what happened.
    pub message: &'static str,
    /// The address the provider gave, when the page speaks of it.
    pub email: String,
    pub no_account: bool,
    /// The sign-up of the city the visitor came from.
    pub signup: Option<String>,
    pub next: String,
    pub buttons: Vec<ProviderButton>,
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ProviderForm {
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    /// Empty keeps the secret already saved.
    pub client_secret: String,
    pub staff_must_use: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/oidc_settings.html")]
pub struct ProviderSettingsPage {
    pub chrome: Chrome,
    pub city: City,
    pub form: ProviderForm,
    pub errors: FormErrors,
    /// A provider is saved (its secret is never shown back).
    pub saved: bool,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
    /// No key to seal secrets with: the form cannot be saved.
    pub no_key: bool,
}
