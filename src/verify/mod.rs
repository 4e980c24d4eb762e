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

/// The outcome of verifying one credential.
#[derive(Clone, Debug)]
pub struct Report {
    pub verdict: Verdict,
    pub checks: Vec<Check>,
    /// What the credential says about itself (unverified unless the verdict is valid).
    pub name: String,
    pub issuer_name: String,
    pub issuer_id: String,
}

impl Report {
    pub fn verdict_key(&self) -> &'static str {
        match self.verdict {
            Verdict::Valid => "verify.verdict_valid",
            Verdict::Invalid => "verify.verdict_invalid",
            Verdict::Revoked => "verify.verdict_revoked",
            Verdict::Expired => "verify.verdict_expired",
        }
    }

    pub fn explanation_key(&self) -> &'static str {
        match self.verdict {
            Verdict::Valid => "verify.verdict_valid_text",
            Verdict::Invalid => "verify.verdict_invalid_text",
            Verdict::Revoked => "verify.verdict_revoked_text",
            Verdict::Expired => "verify.verdict_expired_text",
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
    fn messages_fill_every_placeholder() {
        let message = Message::new("verify.dates_valid_until")
            .with("from", "2026-01-01")
            .with("until", "2027-01-01");
        let text = message.text("en");
        assert!(text.contains("2026-01-01") && text.contains("2027-01-01"));
        assert!(!text.contains("%{"));
    }
}
