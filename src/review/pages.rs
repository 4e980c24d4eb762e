//! The pages of review: a youth's form and their submission, the evidence page, and a mentor's
//! queue and review.

use askama::Template;
use chrono::NaiveDateTime;

use crate::badges::Badge;
use crate::orgs::Org;
use crate::review::store::{QueueCounts, QueueRow, Submission};
use crate::review::{AgeBand, Status};
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// The catalog key of a status, as a youth reads it (approved work whose badge was revoked
/// since says so).
pub fn status_key(status: Status, award_revoked: bool) -> &'static str {
    if award_revoked {
        return "review.status_revoked";
    }
    match status {
        Status::AwaitingParent => "review.status_awaiting_parent",
        Status::Submitted => "review.status_submitted",
        Status::ChangesRequested => "review.status_changes_requested",
        Status::Approved => "review.status_approved",
        Status::Declined => "review.status_declined",
    }
}

/// The catalog key of a step in a submission's history.
pub fn event_key(action: &str) -> &'static str {
    match action {
        "resubmitted" => "review.event_resubmitted",
        "parent_approved" => "review.event_parent_approved",
        "parent_returned" => "review.event_parent_returned",
        "changes_requested" => "review.event_changes_requested",
        "approved" => "review.event_approved",
        "declined" => "review.event_declined",
        _ => "review.event_submitted",
    }
}

/// What the youth typed, kept when the form comes back.
#[derive(Clone, Debug, Default)]
pub struct DraftForm {
    pub reflection: String,
    pub links: String,
    pub evidence_public: bool,
}

#[derive(Template)]
#[template(path = "review/submit.html")]
pub struct SubmitPage {
    pub chrome: Chrome,
    pub city: City,
    pub badge: Badge,
    pub criteria: String,
    pub rubric: Vec<String>,
    pub form: DraftForm,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "review/submission.html")]
pub struct SubmissionPage {
    pub chrome: Chrome,
    pub city: City,
    pub s: Submission,
    /// The youth themself (who may resubmit and choose who sees the evidence).
    pub is_owner: bool,
    /// A parent of the youth (who decides on work waiting for a parent).
    pub is_parent: bool,
    /// The parent's note, kept when the form comes back.
    pub note: String,
    pub form: DraftForm,
    pub errors: FormErrors,
}

impl SubmissionPage {
    pub fn status_key(&self) -> &'static str {
        status_key(self.s.status, self.s.award_revoked)
    }

    /// "Your work for …" to the youth, "Nico's work for …" to a parent.
    pub fn title(&self) -> String {
        if self.is_owner {
            self.chrome
                .t1("review.submission_title", "badge", &self.s.badge_name)
        } else {
            self.chrome
                .t1("review.child_submission_title", "badge", &self.s.badge_name)
                .replace("%{child}", &self.s.youth_name)
        }
    }

    pub fn may_resubmit(&self) -> bool {
        self.is_owner && self.s.status == Status::ChangesRequested
    }

    /// The parent's yes is what the work waits for.
    pub fn parent_decides(&self) -> bool {
        self.is_parent && self.s.status == Status::AwaitingParent
    }

    /// The work came back from a parent, not a mentor.
    pub fn returned_by_parent(&self) -> bool {
        self.s.status == Status::ChangesRequested
            && self
                .s
                .events
                .last()
                .is_some_and(|e| e.action == "parent_returned")
    }

    pub fn when(&self, at: &NaiveDateTime) -> String {
        crate::i18n::dates::full(self.chrome.locale, at.date())
    }
}

#[derive(Template)]
#[template(path = "review/evidence.html")]
pub struct EvidencePage {
    pub chrome: Chrome,
    pub city: City,
    pub s: Submission,
    /// The evidence is shown (public, or the viewer is its youth, a parent or staff).
    pub shown: bool,
}

impl EvidencePage {
    pub fn when(&self, at: &NaiveDateTime) -> String {
        crate::i18n::dates::full(self.chrome.locale, at.date())
    }
}

#[derive(Template)]
#[template(path = "review/queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub rows: Vec<QueueRow>,
    pub counts: QueueCounts,
    /// The organization's badges earned by review, for the filter.
    pub badges: Vec<Badge>,
    /// The organization's activities (id, title), for the filter.
    pub activities: Vec<(i64, String)>,
    pub filter_badge: String,
    pub filter_activity: String,
    pub filter_age: String,
    pub errors: FormErrors,
}

impl QueuePage {
    pub fn ages(&self) -> [AgeBand; 4] {
        AgeBand::ALL
    }

    pub fn waited(&self, row: &QueueRow) -> String {
        crate::i18n::dates::full(self.chrome.locale, row.submitted_at.date())
    }

    /// The median turnaround as people say it (`3 h`, `2 days`), or empty.
    pub fn turnaround(&self) -> String {
        match self.counts.median_turnaround_seconds {
            None => String::new(),
            Some(s) if s < 3600 => {
                self.chrome
                    .t1("review.minutes", "n", (s / 60).max(1).to_string())
            }
            Some(s) if s < 2 * 86_400 => {
                self.chrome.t1("review.hours", "n", (s / 3600).to_string())
            }
            Some(s) => self.chrome.t1("review.days", "n", (s / 86_400).to_string()),
        }
    }

    pub fn filtered(&self) -> bool {
        !(self.filter_badge.is_empty()
            && self.filter_activity.is_empty()
            && self.filter_age.is_empty())
    }
}

#[derive(Template)]
#[template(path = "review/review.html")]
pub struct ReviewPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub s: Submission,
    /// Held for this mentor until then (the form is shown).
    pub held_until: Option<NaiveDateTime>,
    /// Another mentor holds it: their name and until when.
    pub held_by_other: Option<(String, NaiveDateTime)>,
    pub feedback: String,
    pub errors: FormErrors,
}

impl ReviewPage {
    pub fn status_key(&self) -> &'static str {
        status_key(self.s.status, self.s.award_revoked)
    }

    pub fn time(&self, at: &NaiveDateTime) -> String {
        at.format("%H:%M UTC").to_string()
    }

    pub fn when(&self, at: &NaiveDateTime) -> String {
        crate::i18n::dates::full(self.chrome.locale, at.date())
    }

    pub fn age(&self) -> String {
        self.s
            .age_band(chrono::Utc::now().date_naive())
            .map(|b| self.chrome.t(&b.label_key()))
            .unwrap_or_default()
    }

    pub fn met(&self, index: &usize) -> bool {
        self.s.rubric_met.contains(index)
    }
}
