//! What a partner says about an activity, as typed in the form or a CSV row ([`ActivityInput`]),
//! and the same checked against the city's lists and the organization's badges
//! ([`ActivityCommand`]). Both the form and the import parse through `TryFrom`, so one rule set
//! gives one message per bad field, whichever way the activity came in.

use chrono::{NaiveDate, NaiveTime};

use crate::fields;
use crate::ids::BadgeId;
use crate::tenancy::Named;
use crate::web::forms::FormErrors;

/// Monday first; the stored bitmask gives Monday 1 and Sunday 64.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The youngest and oldest ages an activity may be for.
pub const AGES: std::ops::RangeInclusive<i32> = 3..=24;

/// The highest price, in dollars, so that a typo of extra zeros is caught.
const MAX_PRICE_CENTS: i64 = 10_000 * 100;

/// The raw text of every field, as typed.
#[derive(Clone, Debug, Default)]
pub struct ActivityInput {
    pub title: String,
    pub description: String,
    pub category: String,
    pub age_min: String,
    pub age_max: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Codes of [`WEEKDAYS`].
    pub weekdays: Vec<String>,
    pub time_from: String,
    pub time_to: String,
    pub online: bool,
    pub address: String,
    pub neighborhood: String,
    /// `free` or `paid`.
    pub cost: String,
    /// In dollars ("12", "12.50", "$12.50").
    pub price: String,
    pub capacity: String,
    pub registration_url: String,
    pub accessibility: String,
    /// Locale codes of the languages spoken.
    pub languages: Vec<String>,
    /// Slugs of the organization's badges the activity leads to.
    pub badges: Vec<String>,
    /// `(locale, title, description)` in the city's other languages.
    pub translations: Vec<(String, String, String)>,
}

impl ActivityInput {
    pub fn has_weekday(&self, code: &str) -> bool {
        self.weekdays.iter().any(|d| d == code)
    }

    pub fn speaks(&self, locale: &str) -> bool {
        self.languages.iter().any(|l| l == locale)
    }

    pub fn leads_to(&self, badge: &str) -> bool {
        self.badges.iter().any(|b| b == badge)
    }

    pub fn is_paid(&self) -> bool {
        self.cost == "paid"
    }

    /// The translation typed for `locale`: (title, description).
    pub fn translation(&self, locale: &str) -> (&str, &str) {
        self.translations
            .iter()
            .find(|(l, _, _)| l == locale)
            .map(|(_, t, d)| (t.as_str(), d.as_str()))
            .unwrap_or(("", ""))
    }
}

/// What an activity may name: this city's categories and neighborhoods, this organization's
/// badges, and the languages the city offers (the first is the original).
#[derive(Clone, Debug, Default)]
pub struct Choices {
    pub categories: Vec<Named>,
    pub neighborhoods: Vec<Named>,
    pub badges: Vec<Named>,
    pub city_languages: Vec<&'static str>,
}

impl Choices {
    /// The city's languages after the original, in which titles may be translated.
    pub fn translation_locales(&self) -> Vec<&'static str> {
        self.city_languages.iter().skip(1).copied().collect()
    }

    pub fn original_locale(&self) -> &'static str {
        self.city_languages
            .first()
            .copied()
            .unwrap_or(crate::i18n::LOCALES[0])
    }
}

/// An activity, every field checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityCommand {
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub weekdays: i32,
    /// "HH:MM" or empty.
    pub time_from: String,
    pub time_to: String,
    pub online: bool,
    /// The street address (stored as `location`).
    pub address: String,
    /// 0 is free.
    pub cost_cents: i32,
    pub capacity: Option<i32>,
    pub registration_url: String,
    pub accessibility: String,
    /// Comma list of locale codes.
    pub languages: String,
    pub badges: Vec<BadgeId>,
    pub original_locale: &'static str,
    /// `(locale, title, description)`; only languages the city offers, only filled ones.
    pub translations: Vec<(&'static str, String, String)>,
}

fn age(input: &str) -> Result<Option<i32>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        s => match s.parse::<i32>() {
            Ok(n) if AGES.contains(&n) => Ok(Some(n)),
            _ => Err("activity_error.age_range"),
        },
    }
}

/// "15:30" → "15:30"; empty stays empty.
fn time(input: &str) -> Result<Option<NaiveTime>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        s => NaiveTime::parse_from_str(s, "%H:%M")
            .map(Some)
            .map_err(|_| "activity_error.time_invalid"),
    }
}

/// A price in dollars, in cents: "12", "12.5", "$12.50".
pub fn price_cents(input: &str) -> Result<i32, &'static str> {
    let s = input.trim().trim_start_matches('$').trim();
    let invalid = "activity_error.price_invalid";
    let (whole, cents) = match s.split_once('.') {
        Some((w, c)) => (w, c),
        None => (s, ""),
    };
    if whole.is_empty() && cents.is_empty() {
        return Err("activity_error.price_required");
    }
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(cents) || cents.len() > 2 || whole.len() > 7 {
        return Err(invalid);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| invalid)?
    };
    let cents: i64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().map_err(|_| invalid)? * 10,
        _ => cents.parse().map_err(|_| invalid)?,
    };
    let total = whole * 100 + cents;
    if total == 0 {
        Err("activity_error.price_zero")
    } else if total > MAX_PRICE_CENTS {
        Err("activity_error.price_too_high")
    } else {
        i32::try_from(total).map_err(|_| invalid)
    }
}

/// A registration link: http or https, with a host, no spaces.
pub fn registration_url(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(rest)
            if s.len() <= 500
                && !rest.is_empty()
                && !rest.starts_with('/')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(s.to_string())
        }
        _ => Err("activity_error.url_invalid"),
    }
}

fn pick(list: &[Named], slug: &str, unknown: &'static str) -> Result<Option<i64>, &'static str> {
    match slug.trim() {
        "" => Ok(None),
        s => list
            .iter()
            .find(|c| c.slug == s)
            .map(|c| Some(c.id))
            .ok_or(unknown),
    }
}

impl TryFrom<(&ActivityInput, &Choices)> for ActivityCommand {
    type Error = FormErrors;

    fn try_from((input, choices): (&ActivityInput, &Choices)) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::default();
        let mut check = |field: &'static str, result: Result<(), &'static str>| {
            if let Err(message) = result {
                errors.add(field, message);
            }
        };
        let title = fields::line(&input.title, 120);
        check("title", title.as_ref().map(|_| ()).map_err(|e| *e));
        let description = fields::text(&input.description, 4000, true);
        check(
            "description",
            description.as_ref().map(|_| ()).map_err(|e| *e),
        );

        let category = if input.category.trim().is_empty() && !choices.categories.is_empty() {
            Err("activity_error.category_required")
        } else {
            pick(
                &choices.categories,
                &input.category,
                "activity_error.category_unknown",
            )
        };
        check("category", category.map(|_| ()));

        let age_min = age(&input.age_min);
        let age_max = age(&input.age_max);
        check("age_min", age_min.map(|_| ()));
        check("age_max", age_max.map(|_| ()));
        if let (Ok(Some(min)), Ok(Some(max))) = (age_min, age_max) {
            if min > max {
                check("age_max", Err("activity_error.ages_order"));
            }
        }

        let starts_on = fields::optional_date(&input.starts_on);
        let ends_on = fields::optional_date(&input.ends_on);
        check("starts_on", starts_on.map(|_| ()));
        check("ends_on", ends_on.map(|_| ()));
        if let (Ok(Some(s)), Ok(Some(e))) = (starts_on, ends_on) {
            if e < s {
                check("ends_on", Err("field.ends_before_start"));
            }
        }

        let mut weekdays = 0;
        for day in &input.weekdays {
            match WEEKDAYS.iter().position(|d| d == day) {
                Some(i) => weekdays |= 1 << i,
                None => {
                    check("weekdays", Err("activity_error.weekday_unknown"));
                    break;
                }
            }
        }

        let time_from = time(&input.time_from);
        let time_to = time(&input.time_to);
        check("time_from", time_from.map(|_| ()));
        check("time_to", time_to.map(|_| ()));
        match (time_from, time_to) {
            (Ok(Some(a)), Ok(Some(b))) if b <= a => {
                check("time_to", Err("activity_error.times_order"))
            }
            (Ok(None), Ok(Some(_))) => check("time_from", Err("activity_error.time_from_needed")),
            _ => {}
        }

        let address = fields::text(&input.address, 200, false);
        check("address", address.as_ref().map(|_| ()).map_err(|e| *e));
        if !input.online && matches!(&address, Ok(a) if a.is_empty()) {
            check("address", Err("activity_error.where_required"));
        }
        let neighborhood = pick(
            &choices.neighborhoods,
            &input.neighborhood,
            "activity_error.neighborhood_unknown",
        );
        check("neighborhood", neighborhood.map(|_| ()));

        let cost_cents = match input.cost.trim() {
            "" | "free" => Ok(0),
            "paid" => price_cents(&input.price),
            _ => Err("activity_error.cost_invalid"),
        };
        check(
            if input.is_paid() { "price" } else { "cost" },
            cost_cents.map(|_| ()),
        );

        let capacity = match input.capacity.trim() {
            "" => Ok(None),
            s => match s.parse::<i32>() {
                Ok(n) if (1..=100_000).contains(&n) => Ok(Some(n)),
                _ => Err("activity_error.capacity_invalid"),
            },
        };
        check("capacity", capacity.map(|_| ()));

        let url = registration_url(&input.registration_url);
        check("registration_url", url.as_ref().map(|_| ()).map_err(|e| *e));
        let accessibility = fields::text(&input.accessibility, 1000, false);
        check(
            "accessibility",
            accessibility.as_ref().map(|_| ()).map_err(|e| *e),
        );

        let mut languages: Vec<&'static str> = Vec::new();
        for code in &input.languages {
            match crate::i18n::LOCALES.iter().find(|l| **l == code.trim()) {
                Some(l) if !languages.contains(l) => languages.push(*l),
                Some(_) => {}
                None => {
                    check("languages", Err("activity_error.language_unknown"));
                    break;
                }
            }
        }

        let mut badges = Vec::new();
        for slug in &input.badges {
            match choices.badges.iter().find(|b| b.slug == slug.trim()) {
                Some(b) if !badges.contains(&BadgeId(b.id)) => badges.push(BadgeId(b.id)),
                Some(_) => {}
                None => {
                    check("badges", Err("activity_error.badge_unknown"));
                    break;
                }
            }
        }

        let mut translations = Vec::new();
        for locale in choices.translation_locales() {
            let (t, d) = input.translation(locale);
            let field_t = translation_field(locale, "title");
            let field_d = translation_field(locale, "description");
            if t.trim().is_empty() && d.trim().is_empty() {
                continue;
            }
            let title = fields::line(t, 120);
            let description = fields::text(d, 4000, false);
            check(field_t, title.as_ref().map(|_| ()).map_err(|e| *e));
            check(field_d, description.as_ref().map(|_| ()).map_err(|e| *e));
            if let (Ok(t), Ok(d)) = (title, description) {
                translations.push((locale, t, d));
            }
        }

        let (
            Ok(title),
            Ok(description),
            Ok(category_id),
            Ok(age_min),
            Ok(age_max),
            Ok(starts_on),
            Ok(ends_on),
            Ok(time_from),
            Ok(time_to),
            Ok(address),
            Ok(neighborhood_id),
            Ok(cost_cents),
            Ok(capacity),
            Ok(registration_url),
            Ok(accessibility),
            true,
        ) = (
            title,
            description,
            category,
            age_min,
            age_max,
            starts_on,
            ends_on,
            time_from,
            time_to,
            address,
            neighborhood,
            cost_cents,
            capacity,
            url,
            accessibility,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let hhmm = |t: Option<NaiveTime>| t.map(|t| t.format("%H:%M").to_string());
        Ok(ActivityCommand {
            title,
            description,
            category_id,
            neighborhood_id,
            age_min,
            age_max,
            starts_on,
            ends_on,
            weekdays,
            time_from: hhmm(time_from).unwrap_or_default(),
            time_to: hhmm(time_to).unwrap_or_default(),
            online: input.online,
            address,
            cost_cents,
            capacity,
            registration_url,
            accessibility,
            languages: languages.join(","),
            badges,
            original_locale: choices.original_locale(),
            translations,
        })
    }
}

/// The form field of a translation: `title_es`, `description_es`.
pub fn translation_field(locale: &str, what: &str) -> &'static str {
    match (locale, what) {
        ("es", "title") => "title_es",
        ("es", _) => "description_es",
        (_, "title") => "title_en",
        _ => "description_en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        let c = |id, slug: &str| Named {
            id,
            slug: slug.into(),
            name: slug.into(),
        };
        Choices {
            categories: vec![c(1, "arts"), c(2, "science")],
            neighborhoods: vec![c(5, "downtown")],
            badges: vec![c(9, "star-gazer")],
            city_languages: vec!["en", "es"],
        }
    }

    fn good() -> ActivityInput {
        ActivityInput {
            title: "Night Sky Watch".into(),
            description: "Look at the stars.".into(),
            category: "science".into(),
            age_min: "8".into(),
            age_max: "14".into(),
            starts_on: "2026-07-06".into(),
            ends_on: "2026-08-14".into(),
            weekdays: vec!["mon".into(), "wed".into()],
            time_from: "19:00".into(),
            time_to: "21:30".into(),
            address: "1 Park Rd".into(),
            neighborhood: "downtown".into(),
            cost: "paid".into(),
            price: "$12.5".into(),
            capacity: "20".into(),
            registration_url: "https://example.org/join".into(),
            languages: vec!["en".into(), "es".into()],
            badges: vec!["star-gazer".into()],
            translations: vec![("es".into(), "Mirar el cielo".into(), "Estrellas.".into())],
            ..ActivityInput::default()
        }
    }

    fn errors_of(input: &ActivityInput) -> Vec<(&'static str, &'static str)> {
        match ActivityCommand::try_from((input, &choices())) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    #[test]
    fn a_complete_activity_becomes_a_command() {
        let command = ActivityCommand::try_from((&good(), &choices())).unwrap();
        assert_eq!(command.category_id, Some(2));
        assert_eq!(command.weekdays, 1 | 4);
        assert_eq!(command.cost_cents, 1250);
        assert_eq!(command.languages, "en,es");
        assert_eq!(command.badges, vec![BadgeId(9)]);
        assert_eq!(command.translations.len(), 1);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let mut input = good();
        input.age_min = "2".into();
        input.starts_on = "2026-08-01".into();
        input.ends_on = "2026-07-01".into();
        input.time_to = "18:00".into();
        input.price = "abc".into();
        input.capacity = "0".into();
        input.registration_url = "javascript:alert(1)".into();
        input.category = "cooking".into();
        input.neighborhood = "uptown".into();
        let errors = errors_of(&input);
        for field in [
            "age_min",
            "ends_on",
            "time_to",
            "price",
            "capacity",
            "registration_url",
            "category",
            "neighborhood",
        ] {
            assert!(
                errors.iter().any(|(f, _)| *f == field),
                "{field}: {errors:?}"
            );
        }
    }

    #[test]
    fn prices_read_as_dollars() {
        assert_eq!(price_cents("12"), Ok(1200));
        assert_eq!(price_cents("0.99"), Ok(99));
        assert_eq!(price_cents("0"), Err("activity_error.price_zero"));
        assert_eq!(price_cents("1.234"), Err("activity_error.price_invalid"));
        assert_eq!(price_cents("-3"), Err("activity_error.price_invalid"));
        assert_eq!(price_cents("99999"), Err("activity_error.price_too_high"));
    }

    #[test]
    fn ages_must_be_in_order() {
        let mut input = good();
        input.age_min = "15".into();
        input.age_max = "10".into();
        assert_eq!(
            errors_of(&input),
            vec![("age_max", "activity_error.ages_order")]
        );
    }

    #[test]
    fn an_activity_is_somewhere_or_online() {
        let mut input = good();
        input.address = String::new();
        assert_eq!(
            errors_of(&input),
            vec![("address", "activity_error.where_required")]
        );
        input.online = true;
        assert!(errors_of(&input).is_empty());
    }

    #[test]
    fn only_web_links_register() {
        assert!(registration_url("ftp://x.org").is_err());
        assert!(registration_url("https://").is_err());
        assert!(registration_url("https://a b.org").is_err());
        assert!(registration_url("http://a.org/x?y=1").is_ok());
    }
}
