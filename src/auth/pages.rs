//! Pages of sign-in, sign-up and first-run setup.

use askama::Template;

use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "auth/signin.html")]
pub struct SignInPage {
    pub chrome: Chrome,
    pub username: String,
    pub next: String,
    pub failed: bool,
    /// The OpenID providers offered: the platform's, and the city's of `next`.
    pub providers: Vec<crate::auth::oidc::ProviderButton>,
    /// The city whose staff must sign in through its provider, when a password was refused
    /// for that reason.
    pub staff_city: String,
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    pub kind: String,
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
    pub birth_date: String,
    /// A parent's or guardian's address, asked of a child under 13 (their consent is sent there).
    pub parent_email: String,
    /// Where to go once the account exists (a local path; the application form of a partner).
    pub next: String,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
pub struct SignUpPage {
    pub chrome: Chrome,
    pub form: SignUpForm,
    pub errors: FormErrors,
    /// A made-up username that says nothing about who the youth is, offered to them.
    pub suggestion: String,
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SetupForm {
    pub setup_code: String,
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
    pub city_name: String,
    pub city_slug: String,
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
pub struct SetupPage {
    pub chrome: Chrome,
    pub form: SetupForm,
    pub errors: FormErrors,
}
