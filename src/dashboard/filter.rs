//! What a dashboard view shows: its date range (in whole weeks), organization, category,
//! neighborhood and age band, parsed once from the query string of its shareable URL.

use chrono::{Duration, Months, NaiveDate};
use serde::Deserialize;

use crate::awards::summer::monday_of;
use crate::fields;

/// The query string of a dashboard view, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashQuery {
    pub from: String,
    pub to: String,
    pub org: String,
    pub category: String,
    pub neighborhood: String,
    pub age: String,
}

/// An age band, from the birth date, on the day a view takes ages on (`DashFilter::age_on`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AgeBand {
    Under9,
    From9To12,
    From13To15,
    From16To18,
    From19,
    Unknown,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::Under9,
        AgeBand::From9To12,
        AgeBand::From13To15,
        AgeBand::From16To18,
        AgeBand::From19,
        AgeBand::Unknown,
    ];

    /// Its value in a URL.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under9 => "under-9",
            AgeBand::From9To12 => "9-12",
            AgeBand::From13To15 => "13-15",
            AgeBand::From16To18 => "16-18",
            AgeBand::From19 => "19-plus",
            AgeBand::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The catalog key of its name.
    pub fn label_key(self) -> String {
        format!("dashboard.age.{}", self.as_str())
    }

    /// The youngest and oldest age of the band (`None` for no limit); Unknown has none.
    fn ages(self) -> (i32, Option<i32>) {
        match self {
            AgeBand::Under9 => (0, Some(8)),
            AgeBand::From9To12 => (9, Some(12)),
            AgeBand::From13To15 => (13, Some(15)),
            AgeBand::From16To18 => (16, Some(18)),
            AgeBand::From19 | AgeBand::Unknown => (19, None),
        }
    }

    /// The band of someone born on `born` (if known), on `on`.
    pub fn of(born: Option<NaiveDate>, on: NaiveDate) -> AgeBand {
        let Some(born) = born else {
            return AgeBand::Unknown;
        };
        let age = fields::age_on(born, on);
        AgeBand::ALL
            .into_iter()
            .filter(|b| *b != AgeBand::Unknown)
            .find(|b| {
                let (min, max) = b.ages();
                age >= min && max.is_none_or(|max| age <= max)
            })
            .unwrap_or(AgeBand::Under9)
    }

    /// The birth dates of the band on `on`: (born after, born on or before), either open;
    /// `None` for Unknown (no birth date).
    pub fn born(self, on: NaiveDate) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
        if self == AgeBand::Unknown {
            return None;
        }
        let years_before = |years: i32| {
            u32::try_from(years)
                .ok()
                .and_then(|y| on.checked_sub_months(Months::new(12 * y)))
        };
        let (min, max) = self.ages();
        // At least `min` years old: born on or before `on` less `min` years; at most `max`:
        // born after `on` less `max + 1` years.
        let on_or_before = if min == 0 { None } else { years_before(min) };
        let after = max.and_then(|max| years_before(max + 1));
        Some((after, on_or_before))
    }
}

/// The neighborhood slice: one of the city's, or youth who gave none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NeighborhoodPick {
    Of { id: i64, slug: String, name: String },
    NotGiven,
}

/// A named thing of the city picked by its slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picked {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// A dashboard view, parsed: the weeks from the Monday of `from` through the week of `to`.
#[derive(Clone, Debug)]
pub struct DashFilter {
    pub first_week: NaiveDate,
    pub last_week: NaiveDate,
    pub org: Option<Picked>,
    pub category: Option<Picked>,
    pub neighborhood: Option<NeighborhoodPick>,
    pub age: Option<AgeBand>,
    /// The day ages are taken on: the season's first Monday for a view within the season,
    /// else the first day of the range.
    pub age_on: NaiveDate,
}

impl DashFilter {
    /// The first day of the range.
    pub fn start(&self) -> NaiveDate {
        self.first_week
    }

    /// The day after the range (its last Sunday's next day).
    pub fn end(&self) -> NaiveDate {
        self.last_week + Duration::days(7)
    }

    /// The Mondays of the range.
    pub fn weeks(&self) -> Vec<NaiveDate> {
        let mut weeks = Vec::new();
        let mut week = self.first_week;
        while week <= self.last_week {
            weeks.push(week);
            week += Duration::days(7);
        }
        weeks
    }

    /// Whether a slice by the youth's neighborhood or age band is picked (every youth count
    /// of the view is then a small cell to protect).
    pub fn slices_youth(&self) -> bool {
        self.neighborhood.is_some() || self.age.is_some()
    }
}

/// The longest range a view may take, in weeks (a year and a little).
pub const MAX_WEEKS: i64 = 60;

/// The range a view takes when none is given: the city's season once it has begun, else the
/// ten weeks up to this one.
pub fn default_range(
    season: (Option<NaiveDate>, Option<NaiveDate>),
    today: NaiveDate,
) -> (NaiveDate, NaiveDate) {
    match season {
        (Some(start), Some(end)) if start <= today && start <= end => (start, end),
        (Some(start), None) if start <= today => (start, today),
        _ => (monday_of(today) - Duration::days(7 * 9), today),
    }
}

/// The range of a query, checked: (first Monday, last Monday) or the catalog key of what is
/// wrong with it, by field.
pub fn parse_range(
    query: &DashQuery,
    default: (NaiveDate, NaiveDate),
) -> Result<(NaiveDate, NaiveDate), (&'static str, &'static str)> {
    let from = fields::optional_date(&query.from).map_err(|e| ("from", e))?;
    let to = fields::optional_date(&query.to).map_err(|e| ("to", e))?;
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from.max(default.1)),
        (None, Some(to)) => (default.0.min(to), to),
        (None, None) => default,
    };
    if from > to {
        return Err(("to", "dashboard.range_backwards"));
    }
    let (first, last) = (monday_of(from), monday_of(to));
    if (last - first).num_days() / 7 >= MAX_WEEKS {
        return Err(("to", "dashboard.range_too_long"));
    }
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn a_band_is_the_age_on_the_first_day_of_the_range() {
        let on = day("2026-06-22");
        assert_eq!(AgeBand::of(Some(day("2017-06-23")), on), AgeBand::Under9);
        assert_eq!(AgeBand::of(Some(day("2017-06-22")), on), AgeBand::From9To12);
        assert_eq!(AgeBand::of(Some(day("2013-06-23")), on), AgeBand::From9To12);
        assert_eq!(
            AgeBand::of(Some(day("2013-06-22")), on),
            AgeBand::From13To15
        );
        assert_eq!(
            AgeBand::of(Some(day("2008-06-22")), on),
            AgeBand::From16To18
        );
        assert_eq!(AgeBand::of(Some(day("2007-06-22")), on), AgeBand::From19);
        assert_eq!(AgeBand::of(None, on), AgeBand::Unknown);
    }

    #[test]
    fn the_birth_dates_of_a_band_agree_with_the_band_of_a_birth_date() {
        let on = day("2026-06-22");
        let mut born = day("2000-01-01");
        while born < on {
            let band = AgeBand::of(Some(born), on);
            for other in AgeBand::ALL {
                let inside = other.born(on).is_some_and(|(after, until)| {
                    after.is_none_or(|a| born > a) && until.is_none_or(|u| born <= u)
                });
                assert_eq!(inside, band == other, "{born} in {other:?}");
            }
            born += Duration::days(1);
        }
    }

    #[test]
    fn a_range_is_taken_in_whole_weeks() {
        let query = DashQuery {
            from: "2026-06-24".into(),
            to: "2026-07-01".into(),
            ..DashQuery::default()
        };
        let range = parse_range(&query, (day("2026-01-05"), day("2026-03-01")));
        assert_eq!(range, Ok((day("2026-06-22"), day("2026-06-29"))));
    }

    #[test]
    fn a_backwards_range_or_a_bad_date_is_refused() {
        let default = (day("2026-01-05"), day("2026-03-01"));
        let backwards = DashQuery {
            from: "2026-07-01".into(),
            to: "2026-06-01".into(),
            ..DashQuery::default()
        };
        assert_eq!(
            parse_range(&backwards, default),
            Err(("to", "dashboard.range_backwards"))
        );
        let bad = DashQuery {
            from: "2026-13-01".into(),
            ..DashQuery::default()
        };
        assert_eq!(
            parse_range(&bad, default),
            Err(("from", "field.date_invalid"))
        );
    }

    #[test]
    fn without_a_season_under_way_the_range_is_the_last_ten_weeks() {
        let today = day("2026-12-03");
        let (from, to) = default_range((Some(day("2027-06-21")), Some(day("2027-08-15"))), today);
        assert_eq!(to, today);
        assert_eq!(from, day("2026-09-28"));
        assert_eq!(
            default_range((Some(day("2026-06-22")), Some(day("2026-08-16"))), today),
            (day("2026-06-22"), day("2026-08-16"))
        );
    }
}
