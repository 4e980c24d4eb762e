//! Dates and times as people write them in their language ("Mon, July 7" / "lun, 7 de julio"),
//! never ISO. The patterns live in the catalog (`date.*`), the month and day names in chrono's
//! locale tables.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::i18n::t;

fn chrono_locale(locale: &str) -> chrono::Locale {
    match locale {
        "es" => chrono::Locale::es_US,
        _ => chrono::Locale::en_US,
    }
}

fn format(locale: &str, key: &str, date: NaiveDate) -> String {
    date.format_localized(&t(locale, key), chrono_locale(locale))
        .to_string()
}

/// "Mon, July 7" / "lun, 7 de julio": a day of this summer.
pub fn day(locale: &str, date: NaiveDate) -> String {
    format(locale, "date.day", date)
}

/// "July 7, 2026" / "7 de julio de 2026": a day that may be in another year.
pub fn full(locale: &str, date: NaiveDate) -> String {
    format(locale, "date.full", date)
}

/// "July 7" / "7 de julio".
pub fn short(locale: &str, date: NaiveDate) -> String {
    format(locale, "date.short", date)
}

/// "July 7 – August 15" / "7 de julio – 15 de agosto", or one day when both are the same.
pub fn range(locale: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (Some(a), Some(b)) if a == b => day(locale, a),
        (Some(a), Some(b)) => format!("{} – {}", short(locale, a), short(locale, b)),
        (Some(a), None) => crate::i18n::t_with(locale, "date.from", "date", &short(locale, a)),
        (None, Some(b)) => crate::i18n::t_with(locale, "date.until", "date", &short(locale, b)),
        (None, None) => String::new(),
    }
}

/// "3:30 PM" / "15:30".
pub fn time(locale: &str, time: NaiveTime) -> String {
    time.format(&t(locale, "date.time")).to_string()
}

/// A moment, for records ("July 7, 2026, 3:30 PM").
pub fn moment(locale: &str, at: NaiveDateTime) -> String {
    format!("{}, {}", full(locale, at.date()), time(locale, at.time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_day_reads_as_people_write_it_in_english_and_spanish() {
        assert_eq!(day("en", d(2026, 7, 6)), "Mon, July 6");
        assert_eq!(day("es", d(2026, 7, 6)), "lun, 6 de julio");
        assert_eq!(full("en", d(2026, 7, 6)), "July 6, 2026");
        assert_eq!(full("es", d(2026, 7, 6)), "6 de julio de 2026");
    }

    #[test]
    fn a_range_names_both_ends_or_one_day() {
        assert_eq!(
            range("en", Some(d(2026, 7, 6)), Some(d(2026, 8, 14))),
            "July 6 – August 14"
        );
        assert_eq!(
            range("es", Some(d(2026, 7, 6)), Some(d(2026, 7, 6))),
            "lun, 6 de julio"
        );
        assert_eq!(range("en", None, None), "");
    }

    #[test]
    fn a_time_follows_the_language() {
        let t = NaiveTime::from_hms_opt(15, 30, 0).unwrap_or_default();
        assert_eq!(time("en", t), "3:30 PM");
        assert_eq!(time("es", t), "15:30");
    }
}
