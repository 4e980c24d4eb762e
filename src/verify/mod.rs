//! Verification for everyone: a credential pasted, baked in a PNG or SVG, or named by a URL of
//! this site, checked (form, proof, issuer key, dates, revocation) into a plain verdict, on the
//! public page `/verify` and at `POST /api/v1/verify`. Lanyard never fetches anything from
//! another host: documents of this site are resolved in-process (see `resolve`), `did:key`s
//! from the key itself, and everything else is reported as not fetched.

pub mod checks;
pub mod handlers;
pub mod input;
pub mod pages;
pub mod resolve;
pub mod service;

use crate::i18n;

pub use input::{Input, Rejection, MAX_INPUT_BYTES};

/// What one check established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// Could not be checked, or does not apply; neither good nor bad news by itself.
    NotChecked,
    /// The issuer revoked the credential (a failed revocation check).
    Revoked,
    /// The credential's `validUntil` has passed (a failed dates check).
    Expired,
}

/// A catalog key and the values of its `%{…}` placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// The message in `locale`.
    pub fn text(&self, locale: &str) -> String {
        self.args
            .iter()
            .fold(i18n::t(locale, self.key), |text, (name, value)| {
                text.replace(&format!("%{{{name}}}"), value)
            })
    }
}

/// One line of the report.
#[derive(Clone, Debug)]
pub struct Check {
    /// `well_formed`, `proof`, `issuer_key`, `dates` or `revocation`.
    pub id: &'static str,
    pub outcome: Outcome,
    pub message: Message,
}

impl Check {
    pub fn new(id: &'static str, outcome: Outcome, message: Message) -> Check {
        Check {
            id,
            outcome,
            message,
        }
    }

    /// `Some(true)` passed, `Some(false)` failed, `None` not checked.
    pub fn passed(&self) -> Option<bool> {
        match self.outcome {
            Outcome::Passed => Some(true),
            Outcome::NotChecked => None,
            Outcome::Failed | Outcome::Revoked | Outcome::Expired => Some(false),
        }
    }

    /// `true`, `false` or `null`, as the API answers.
    pub fn passed_text(&self) -> &'static str {
        match self.passed() {
            Some(true) => "true",
            Some(false) => "false",
            None => "null",
        }
    }

    /// The catalog key of the check's name.
    pub fn name_key(&self) -> &'static str {
        match self.id {
            "well_formed" => "verify.check_well_formed",
            "proof" => "verify.check_proof",
            "issuer_key" => "verify.check_issuer_key",
            "dates" => "verify.check_dates",
            _ => "verify.check_revocation",
        }
    }

    /// The catalog key of the check's result, for people.
    pub fn status_key(&self) -> &'static str {
        match self.passed() {
            Some(true) => "verify.passed",
            Some(false) => "verify.failed",
            None => "verify.not_checked",
        }
    }
}

/// The plain answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    Revoked,
    Expired,
}

impl Verdict {
    /// A credential is valid only when its form, proof and issuer key passed and no check
    /// failed; a genuine one that was revoked or has expired says so, revocation first.
    pub fn of(checks: &[Check]) -> Verdict {
        let must_pass = ["well_formed", "proof", "issuer_key"];
        let unproven = checks
            .iter()
            .any(|c| must_pass.contains(&c.id) && c.outcome != Outcome::Passed);
        if unproven || checks.iter().any(|c| c.outcome == Outcome::Failed) {
            Verdict::Invalid
        } else if checks.iter().any(|c| c.outcome == Outcome::Revoked) {
            Verdict::Revoked
        } else if checks.iter().any(|c| c.outcome == Outcome::Expired) {
            Verdict::Expired
        } else {
            Verdict::Valid
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Revoked => "revoked",
            Verdict::Expired => "expired",
        }
    }
}

/// Who issued a credential, as far as this site can vouch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerStanding {
    /// An organization of this deployment, whose key published here made the proof: its name
    /// and address come from this site's records, not from the credential.
    OfThisSite { name: String, url: String },
    /// Anyone else (a `did:key`, another site) or an unproven signature: whatever name the
    /// credential gives itself is unconfirmed.
    Unconfirmed,
}

impl IssuerStanding {
    /// The issuer a proof and an issuer-key check establish: an organization of this site only
    /// when both passed with a key this site publishes for it.
    pub fn of(proof: &Check, issuer_key: &Check, listed_here: Option<(String, String)>) -> Self {
        match listed_here {
            Some((name, url))
                if proof.outcome == Outcome::Passed && issuer_key.outcome == Outcome::Passed =>
            {
                IssuerStanding::OfThisSite { name, url }
            }
            _ => IssuerStanding::Unconfirmed,
        }
    }

    pub fn is_of_this_site(&self) -> bool {
        matches!(self, IssuerStanding::OfThisSite { .. })
    }
}

/// The outcome of verifying one credential.
#[derive(Clone, Debug)]
pub struct Report {
    pub verdict: Verdict,
    pub checks: Vec<Check>,
    /// What the credential says about itself (unverified unless the verdict is valid).
    pub name: String,
    /// The issuer's name as the credential states it (confirmed only by `issuer`).
    pub issuer_name: String,
    pub issuer_id: String,
    pub issuer: IssuerStanding,
    /// The day it was issued, as the credential states it (`YYYY-MM-DD`; empty if none).
    pub issued_on: String,
    /// Whom it was issued to, for a proven credential of this site, as its award page names
    /// them to anyone.
    pub issued_to: Option<Recipient>,
}

/// Whom a badge of this site was issued to, as a public page may say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// The youth lets their display name show.
    Named(String),
    /// A learner of this city (no name shown).
    LearnerOf(String),
}

impl Recipient {
    pub fn text(&self, locale: &str) -> String {
        match self {
            Recipient::Named(name) => name.clone(),
            Recipient::LearnerOf(city) => {
                crate::i18n::t_with(locale, "award.a_learner", "city", city)
            }
        }
    }
}

impl Report {
    /// Whether the signature holds but nobody this site knows stands behind it.
    fn signed_by_a_stranger(&self) -> bool {
        !self.issuer.is_of_this_site()
    }

    pub fn verdict_key(&self) -> &'static str {
        match self.verdict {
            Verdict::Valid if self.signed_by_a_stranger() => "verify.verdict_valid_unconfirmed",
            Verdict::Valid => "verify.verdict_valid",
            Verdict::Invalid => "verify.verdict_invalid",
            Verdict::Revoked => "verify.verdict_revoked",
            Verdict::Expired => "verify.verdict_expired",
        }
    }

    pub fn explanation_key(&self) -> &'static str {
        match self.verdict {
            Verdict::Valid if self.signed_by_a_stranger() => {
                "verify.verdict_valid_unconfirmed_text"
            }
            Verdict::Valid => "verify.verdict_valid_text",
            Verdict::Invalid => "verify.verdict_invalid_text",
            Verdict::Revoked if self.signed_by_a_stranger() => {
                "verify.verdict_revoked_unconfirmed_text"
            }
            Verdict::Revoked => "verify.verdict_revoked_text",
            Verdict::Expired if self.signed_by_a_stranger() => {
                "verify.verdict_expired_unconfirmed_text"
            }
            Verdict::Expired => "verify.verdict_expired_text",
        }
    }

    /// The issuer's name to show: this site's record, or the stated one.
    pub fn shown_issuer_name(&self) -> &str {
        match &self.issuer {
            IssuerStanding::OfThisSite { name, .. } => name,
            IssuerStanding::Unconfirmed => &self.issuer_name,
        }
    }

    /// The address of the issuer in this site's records, when it is one of this site's.
    pub fn confirmed_issuer_url(&self) -> Option<&str> {
        match &self.issuer {
            IssuerStanding::OfThisSite { url, .. } => Some(url),
            IssuerStanding::Unconfirmed => None,
        }
    }

    /// `this-site` or `unconfirmed`, as the page and the API name the issuer's standing.
    pub fn issuer_standing(&self) -> &'static str {
        if self.issuer.is_of_this_site() {
            "this-site"
        } else {
            "unconfirmed"
        }
    }

    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &'static str, outcome: Outcome) -> Check {
        Check::new(id, outcome, Message::new("verify.passed"))
    }

    #[test]
    fn a_credential_is_valid_only_when_form_proof_and_key_passed() {
        let mut checks = vec![
            check("well_formed", Outcome::Passed),
            check("proof", Outcome::Passed),
            check("issuer_key", Outcome::Passed),
            check("dates", Outcome::Passed),
            check("revocation", Outcome::NotChecked),
        ];
        assert_eq!(Verdict::of(&checks), Verdict::Valid);
        checks[3].outcome = Outcome::Expired;
        assert_eq!(Verdict::of(&checks), Verdict::Expired);
        checks[4].outcome = Outcome::Revoked;
        assert_eq!(Verdict::of(&checks), Verdict::Revoked);
        checks[1].outcome = Outcome::NotChecked;
        assert_eq!(Verdict::of(&checks), Verdict::Invalid);
    }

    #[test]
    fn only_a_proven_key_of_this_site_confirms_the_issuer() {
        let listed = || {
            Some((
                "Riverton Library".to_string(),
                "https://x.example".to_string(),
            ))
        };
        let passed = check("proof", Outcome::Passed);
        let failed = check("proof", Outcome::Failed);
        let key = check("issuer_key", Outcome::Passed);
        assert!(IssuerStanding::of(&passed, &key, listed()).is_of_this_site());
        assert_eq!(
            IssuerStanding::of(&failed, &key, listed()),
            IssuerStanding::Unconfirmed
        );
        assert_eq!(
            IssuerStanding::of(&passed, &key, None),
            IssuerStanding::Unconfirmed
        );
    }

    #[test]
    fn messages_fill_every_placeholder() {
        let message = Message::new("verify.dates_valid_until")
            .with("from", "2026-01-01")
            .with("until", "2027-01-01");
        let text = message.text("en");
        assert!(text.contains("2026-01-01") && text.contains("2027-01-01"));
        assert!(!text.contains("%{"));
    }
}
