//! Pages of an activity: its editor (new and edit), the CSV import, and its public page.

use askama::Template;

use crate::activities::command::{translation_field, ActivityInput, Choices, WEEKDAYS};
use crate::activities::detail::{ActivityDetail, ActivityStatus};
use crate::activities::import::{ImportReport, COLUMNS, MAX_BYTES, MAX_ROWS, STATUS_COLUMN};
use crate::i18n::dates;
use crate::ids::ActivityId;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// The stored activity an edit form is about.
#[derive(Clone, Debug)]
pub struct Editing {
    pub id: ActivityId,
    pub status: ActivityStatus,
    pub has_image: bool,
}

#[derive(Template)]
#[template(path = "activities/edit.html")]
pub struct EditActivityPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    /// None: a new activity.
    pub editing: Option<Editing>,
    pub form: ActivityInput,
    pub choices: Choices,
    pub errors: FormErrors,
    pub may_publish: bool,
}

impl EditActivityPage {
    pub fn action(&self) -> String {
        let base = format!("/c/{}/orgs/{}/activities", self.city.slug, self.org.slug);
        match &self.editing {
            Some(e) => format!("{base}/{}", e.id),
            None => base,
        }
    }

    pub fn weekdays(&self) -> Vec<(&'static str, String)> {
        WEEKDAYS
            .iter()
            .map(|d| (*d, self.chrome.t(&format!("weekday.{d}"))))
            .collect()
    }

    pub fn languages(&self) -> Vec<(&'static str, String)> {
        crate::i18n::LOCALES
            .iter()
            .map(|l| (*l, crate::i18n::t(l, "locale.name")))
            .collect()
    }

    /// `(locale, language name, title field, description field, title, description)` of each
    /// language the city offers after the original.
    pub fn translations(
        &self,
    ) -> Vec<(
        &'static str,
        String,
        &'static str,
        &'static str,
        String,
        String,
    )> {
        self.choices
            .translation_locales()
            .into_iter()
            .map(|l| {
                let (t, d) = self.form.translation(l);
                (
                    l,
                    crate::i18n::t(l, "locale.name"),
                    translation_field(l, "title"),
                    translation_field(l, "description"),
                    t.to_string(),
                    d.to_string(),
                )
            })
            .collect()
    }

    pub fn original_language(&self) -> String {
        crate::i18n::t(self.choices.original_locale(), "locale.name")
    }
}

#[derive(Template)]
#[template(path = "activities/import.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub report: Option<ImportReport>,
    pub may_publish: bool,
}

impl ImportPage {
    pub fn columns(&self) -> Vec<&'static str> {
        let mut columns = COLUMNS.to_vec();
        columns.push(STATUS_COLUMN);
        columns
    }

    pub fn column_help(&self, column: &str) -> String {
        self.chrome.t(&format!("activity_import.column_{column}"))
    }

    pub fn limits(&self) -> String {
        self.chrome
            .t("activity_import.limits")
            .replace("%{max}", &MAX_ROWS.to_string())
            .replace("%{bytes}", &(MAX_BYTES / 1024).to_string())
    }

    pub fn message(&self, key: &str) -> String {
        self.chrome
            .t(key)
            .replace("%{max}", &MAX_ROWS.to_string())
            .replace("%{bytes}", &(MAX_BYTES / 1024).to_string())
    }
}

#[derive(Template)]
#[template(path = "activities/show.html")]
pub struct ActivityPage {
    pub chrome: Chrome,
    pub city: City,
    pub activity: ActivityDetail,
    /// The viewer is staff of its organization (sees drafts and the edit link).
    pub is_staff: bool,
}

impl ActivityPage {
    pub fn title(&self) -> &str {
        self.activity.text_in(self.chrome.locale).0
    }

    pub fn description(&self) -> &str {
        self.activity.text_in(self.chrome.locale).1
    }

    pub fn dates(&self) -> String {
        dates::range(
            self.chrome.locale,
            self.activity.starts_on,
            self.activity.ends_on,
        )
    }

    /// "Mondays and Wednesdays, 7:00 PM – 9:30 PM", or empty.
    pub fn schedule(&self) -> String {
        let days: Vec<String> = self
            .activity
            .weekday_codes()
            .iter()
            .map(|d| self.chrome.t(&format!("weekday.{d}_plural")))
            .collect();
        let days = match days.len() {
            0 => String::new(),
            1 => days[0].clone(),
            n => self
                .chrome
                .t("activity_page.list_and")
                .replace("%{first}", &days[..n - 1].join(", "))
                .replace("%{last}", &days[n - 1]),
        };
        let times = match self.activity.time_range() {
            Some((from, Some(to))) => format!(
                "{} – {}",
                dates::time(self.chrome.locale, from),
                dates::time(self.chrome.locale, to)
            ),
            Some((from, None)) => dates::time(self.chrome.locale, from),
            None => String::new(),
        };
        match (days.is_empty(), times.is_empty()) {
            (false, false) => format!("{days}, {times}"),
            (false, true) => days,
            (true, false) => times,
            (true, true) => String::new(),
        }
    }

    pub fn ages(&self) -> String {
        match (self.activity.age_min, self.activity.age_max) {
            (Some(a), Some(b)) if a == b => self.chrome.t1("activity_page.age_exactly", "age", a),
            (Some(a), Some(b)) => self
                .chrome
                .t("activity_page.ages_range")
                .replace("%{min}", &a.to_string())
                .replace("%{max}", &b.to_string()),
            (Some(a), None) => self.chrome.t1("activity_page.ages_from", "age", a),
            (None, Some(b)) => self.chrome.t1("activity_page.ages_up_to", "age", b),
            (None, None) => self.chrome.t("activity_page.all_ages"),
        }
    }

    pub fn cost(&self) -> String {
        let cents = self.activity.cost_cents;
        if cents <= 0 {
            self.chrome.t("activity_page.free")
        } else if cents % 100 == 0 {
            format!("${}", cents / 100)
        } else {
            format!("${}.{:02}", cents / 100, cents % 100)
        }
    }

    pub fn languages(&self) -> String {
        self.activity
            .languages
            .iter()
            .map(|l| crate::i18n::t(l, "locale.name"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn status_key(&self) -> &'static str {
        self.activity.status.label_key()
    }
}
