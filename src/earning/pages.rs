//! Pages of claim-code printing and redemption.

use askama::Template;

use crate::badges::Badge;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "earning/codes.html")]
pub struct CodesPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub badge: Badge,
    pub codes: Vec<(String, bool)>,
    pub count: String,
    pub errors: FormErrors,
}

impl CodesPage {
    pub fn unused(&self) -> usize {
        self.codes.iter().filter(|(_, used)| !used).count()
    }
}

#[derive(Template)]
#[template(path = "earning/claim.html")]
pub struct ClaimPage {
    pub chrome: Chrome,
    pub city: City,
    pub code: String,
    pub errors: FormErrors,
    pub awaiting_consent: bool,
}
