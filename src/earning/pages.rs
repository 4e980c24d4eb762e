//! Pages of claim-code printing and redemption.

use askama::Template;

use crate::badges::Badge;
use crate::earning::store::{BatchSummary, CodeKind, CodeUse};
use crate::i18n::{self, dates};
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// What the batch form was sent with (kept to refill it).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BatchForm {
    pub kind: String,
    pub count: String,
    pub use_limit: String,
    pub valid_from: String,
    pub valid_until: String,
    pub activity: String,
    pub session_on: String,
    pub site: String,
}

impl BatchForm {
    pub fn fresh() -> BatchForm {
        BatchForm {
            kind: "single".into(),
            count: "20".into(),
            use_limit: "30".into(),
            ..BatchForm::default()
        }
    }
}

/// A batch as its row on the codes page shows it.
pub struct BatchView {
    pub summary: BatchSummary,
    /// An event code redeemed from many addresses in a short time.
    pub flagged: bool,
}

#[derive(Template)]
#[template(path = "earning/codes.html")]
pub struct CodesPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub badge: Badge,
    pub batches: Vec<BatchView>,
    /// Codes made before batches: (code, redeemed?).
    pub legacy: Vec<(String, bool)>,
    /// The organization's activities a batch may be tied to: (id, title).
    pub activities: Vec<(i64, String)>,
    pub form: BatchForm,
    pub errors: FormErrors,
}

impl CodesPage {
    /// The address of one of the badge's batches.
    pub fn batch_base(&self, id: &i64) -> String {
        format!(
            "/c/{}/orgs/{}/badges/{}/codes/batches/{id}",
            self.city.slug, self.org.slug, self.badge.slug
        )
    }

    pub fn legacy_unused(&self) -> usize {
        self.legacy.iter().filter(|(_, used)| !used).count()
    }
}

/// Words for a batch: its kind and size, window and session, in the visitor's language.
pub fn batch_words(locale: &str, b: &BatchSummary) -> (String, String, String) {
    let kind = match b.kind {
        CodeKind::Single => {
            i18n::t_with(locale, "codes.kind_single_n", "count", &b.codes.to_string())
        }
        CodeKind::Event => i18n::t_with(
            locale,
            "codes.kind_event_n",
            "count",
            &b.use_limit.unwrap_or(0).to_string(),
        ),
    };
    let window = match (b.valid_from, b.valid_until) {
        (None, None) => i18n::t(locale, "codes.always_valid"),
        (from, until) => dates::range(
            locale,
            from.map(|f| f.date()),
            // Stored as the first moment it no longer works: the day before is its last.
            until.map(|u| (u - chrono::Duration::seconds(1)).date()),
        ),
    };
    let mut session = Vec::new();
    if let Some(title) = &b.activity_title {
        session.push(title.clone());
    }
    if let Some(day) = b.session_on {
        session.push(dates::day(locale, day));
    }
    if !b.site.is_empty() {
        session.push(b.site.clone());
    }
    (kind, window, session.join(" · "))
}

impl BatchView {
    pub fn words(&self, locale: &str) -> (String, String, String) {
        batch_words(locale, &self.summary)
    }
}

#[derive(Template)]
#[template(path = "earning/batch.html")]
pub struct BatchPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub badge: Badge,
    pub batch: BatchSummary,
    pub codes: Vec<CodeUse>,
    pub flagged: bool,
}

impl BatchPage {
    pub fn words(&self) -> (String, String, String) {
        batch_words(self.chrome.locale, &self.batch)
    }

    pub fn when(&self, at: &chrono::NaiveDateTime) -> String {
        dates::moment(self.chrome.locale, *at)
    }

    pub fn base(&self) -> String {
        format!(
            "/c/{}/orgs/{}/badges/{}/codes/batches/{}",
            self.city.slug, self.org.slug, self.badge.slug, self.batch.id
        )
    }
}

/// One slip of the printed sheet.
pub struct Slip {
    pub code: String,
    /// The QR code of the claim page with the code filled in, as inline SVG.
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "earning/print.html")]
pub struct PrintPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub badge: Badge,
    pub batch: BatchSummary,
    /// Where youth redeem, as the slip prints it.
    pub claim_address: String,
    pub slips: Vec<Slip>,
}

impl PrintPage {
    pub fn words(&self) -> (String, String, String) {
        batch_words(self.chrome.locale, &self.batch)
    }
}

/// The QR code of `url` as an SVG drawing to put inline (no XML prologue), `size` pixels wide.
pub fn qr_svg(url: &str, size: u32) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].to_string())
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
