//! Validated values parsed once from user input. Each `parse` returns the catalog key of the
//! message that tells the user what to fix.

use chrono::{Datelike, NaiveDate};

/// A URL-safe identifier: 2–40 of `a-z 0-9 -`, not starting or ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Slug, &'static str> {
        let s = input.trim().to_ascii_lowercase();
        let ok = (2..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Slug(s))
        } else {
            Err("field.slug_invalid")
        }
    }

    /// A slug made from a name ("Riverton Library!" → "riverton-library").
    pub fn from_name(name: &str) -> Option<Slug> {
        let mut out = String::new();
        for c in name.chars().flat_map(|c| c.to_lowercase()) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(40).collect();
        Slug::parse(trimmed.trim_end_matches('-')).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account name: 3–32 of `a-z 0-9 _ . -`, compared without case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, &'static str> {
        let s = input.trim().to_ascii_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.' || b == b'-'
            });
        if ok {
            Ok(Username(s))
        } else {
            Err("field.username_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short line of text (a name, a title): trimmed, not empty, at most `max` characters.
pub fn line(input: &str, max: usize) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        Err("field.required")
    } else if s.chars().count() > max {
        Err("field.too_long")
    } else if s.chars().any(|c| c.is_control()) {
        Err("field.line_invalid")
    } else {
        Ok(s.to_string())
    }
}

/// A paragraph: trimmed, at most `max` characters, may be empty when `required` is false.
pub fn text(input: &str, max: usize, required: bool) -> Result<String, &'static str> {
    let s = input.trim().replace("\r\n", "\n");
    if required && s.is_empty() {
        Err("field.required")
    } else if s.chars().count() > max {
        Err("field.too_long")
    } else if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        Err("field.line_invalid")
    } else {
        Ok(s)
    }
}

/// A new password: 10 to 128 characters.
pub fn new_password(input: &str) -> Result<String, &'static str> {
    let count = input.chars().count();
    if count < 10 {
        Err("field.password_short")
    } else if count > 128 {
        Err("field.too_long")
    } else {
        Ok(input.to_string())
    }
}

/// An e-mail address, loosely checked (one `@`, a dot in the domain), stored lower-case.
pub fn email(input: &str) -> Result<String, &'static str> {
    let s = input.trim().to_ascii_lowercase();
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("field.email_invalid");
    };
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s)
    } else {
        Err("field.email_invalid")
    }
}

/// An optional calendar date in `YYYY-MM-DD` form.
pub fn optional_date(input: &str) -> Result<Option<NaiveDate>, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "field.date_invalid")
}

/// A youth's birth date: a real date giving an age from 5 to 24 on `today`.
pub fn youth_birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = optional_date(input)?.ok_or("field.required")?;
    let age = age_on(date, today);
    if (5..=24).contains(&age) {
        Ok(date)
    } else {
        Err("field.youth_age_range")
    }
}

/// Whole years from `birth` to `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(Slug::parse(" Library ").unwrap().as_str(), "library");
        assert!(Slug::parse("-x").is_err());
        assert!(Slug::parse("a").is_err());
        assert!(Slug::parse("no spaces").is_err());
        assert_eq!(
            Slug::from_name("Riverton Public Library!")
                .unwrap()
                .as_str(),
            "riverton-public-library"
        );
        assert_eq!(Slug::from_name("¡¡!!"), None);
    }

    #[test]
    fn usernames_are_case_insensitive_and_plain() {
        assert_eq!(Username::parse("Maya_R").unwrap().as_str(), "maya_r");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("maya r").is_err());
        assert!(Username::parse("<script>").is_err());
    }

    #[test]
    fn lines_are_trimmed_bounded_and_required() {
        assert_eq!(line("  Hi ", 10), Ok("Hi".into()));
        assert_eq!(line("   ", 10), Err("field.required"));
        assert_eq!(line("abcdefghijk", 10), Err("field.too_long"));
        assert_eq!(line("a\u{0}b", 10), Err("field.line_invalid"));
    }

    #[test]
    fn emails_need_a_domain_with_a_dot() {
        assert_eq!(email("A@Example.org"), Ok("a@example.org".into()));
        assert!(email("a@b").is_err());
        assert!(email("a@@b.org").is_err());
        assert!(email("a b@c.org").is_err());
    }

    #[test]
    fn a_youth_is_five_to_twenty_four_years_old() {
        let today = day("2026-07-01");
        assert!(youth_birth_date("2014-07-01", today).is_ok());
        assert_eq!(
            youth_birth_date("2024-01-01", today),
            Err("field.youth_age_range")
        );
        assert_eq!(
            youth_birth_date("1990-01-01", today),
            Err("field.youth_age_range")
        );
        assert_eq!(
            youth_birth_date("2014-02-30", today),
            Err("field.date_invalid")
        );
        assert_eq!(age_on(day("2014-07-02"), today), 11);
    }

    #[test]
    fn passwords_have_at_least_ten_characters() {
        assert!(new_password("short").is_err());
        assert!(new_password("long enough pw").is_ok());
    }
}
