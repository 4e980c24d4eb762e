//! Badges earned by review: a youth submits evidence of their work (a reflection, links,
//! photos or files), a mentor of the badge's organization reviews it against the badge's
//! rubric and approves it (the award is made through `awards::issuance`, with the evidence in
//! its credential), asks for changes (the youth resubmits) or declines it.

pub mod digest;
pub mod files;
pub mod guardian;
pub mod guardian_handlers;
pub mod handlers;
pub mod pages;
pub mod storage;
pub mod store;

use chrono::NaiveDate;

/// Where a submission stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Sent by a child under 13: waiting for a parent's yes before a mentor sees it.
    AwaitingParent,
    /// Waiting for a mentor.
    Submitted,
    /// A mentor asked for changes; the youth may resubmit.
    ChangesRequested,
    Approved,
    Declined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::AwaitingParent => "awaiting_parent",
            Status::Submitted => "submitted",
            Status::ChangesRequested => "changes_requested",
            Status::Approved => "approved",
            Status::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Status {
        match s {
            "awaiting_parent" => Status::AwaitingParent,
            "changes_requested" => Status::ChangesRequested,
            "approved" => Status::Approved,
            "declined" => Status::Declined,
            _ => Status::Submitted,
        }
    }

    /// Still open: waiting for a parent, a mentor or the youth's changes.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::AwaitingParent | Status::Submitted | Status::ChangesRequested
        )
    }
}

/// How long opening a submission holds it for the mentor who opened it.
pub const HOLD_MINUTES: i64 = 15;

/// The age bands a review queue is filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeBand {
    Under9,
    From9To12,
    From13To15,
    From16,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [
        AgeBand::Under9,
        AgeBand::From9To12,
        AgeBand::From13To15,
        AgeBand::From16,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under9 => "under-9",
            AgeBand::From9To12 => "9-12",
            AgeBand::From13To15 => "13-15",
            AgeBand::From16 => "16-up",
        }
    }

    pub fn parse(s: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The band of someone born on `birth`, on `today`.
    pub fn of(birth: NaiveDate, today: NaiveDate) -> AgeBand {
        match crate::fields::age_on(birth, today) {
            ..=8 => AgeBand::Under9,
            9..=12 => AgeBand::From9To12,
            13..=15 => AgeBand::From13To15,
            _ => AgeBand::From16,
        }
    }

    /// The catalog key of its label.
    pub fn label_key(self) -> String {
        format!("review.age_{}", self.as_str().replace('-', "_"))
    }
}
