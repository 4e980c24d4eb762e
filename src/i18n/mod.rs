//! English and Spanish catalogs (`src/i18n/locales/*.yml`, compiled in) and locale negotiation:
//! the user's choice (cookie or profile) first, then `Accept-Language`, then English.

pub mod dates;

/// The locales Lanyard speaks, the default first.
pub const LOCALES: [&str; 2] = ["en", "es"];

/// The catalog text of `key` in `locale` (English when the locale lacks it).
pub fn t(locale: &str, key: &str) -> String {
    crate::_rust_i18n_translate(locale, key).into_owned()
}

/// The same with `%{name}` replaced by `value`.
pub fn t_with(locale: &str, key: &str, name: &str, value: &str) -> String {
    t(locale, key).replace(&format!("%{{{name}}}"), value)
}

/// `n` with its thousands grouped as `locale` writes them ("200,000"; in Spanish with a
/// no-break space, "200 000").
pub fn grouped(locale: &str, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = if locale == "es" { "\u{a0}" } else { "," };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// The supported locale matching `tag`, if any (`es-MX` → `es`).
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    LOCALES.into_iter().find(|l| *l == primary)
}

/// The best supported locale for an `Accept-Language` header.
pub fn negotiate(accept_language: &str) -> Option<&'static str> {
    accept_language::parse(accept_language)
        .iter()
        .find_map(|tag| supported(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands_as_each_locale_writes_them() {
        assert_eq!(grouped("en", 0), "0");
        assert_eq!(grouped("en", 999), "999");
        assert_eq!(grouped("en", 1000), "1,000");
        assert_eq!(grouped("en", 200_000), "200,000");
        assert_eq!(grouped("en", -1_234_567), "-1,234,567");
        assert_eq!(grouped("es", 129_399), "129\u{a0}399");
    }

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        assert_eq!(negotiate("fr-FR, es-MX;q=0.8, en;q=0.5"), Some("es"));
        assert_eq!(negotiate("de"), None);
        assert_eq!(negotiate(""), None);
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists_in_both_catalogs() {
        let keys = used_keys();
        assert!(
            keys.len() > 100,
            "the key scan found only {} keys",
            keys.len()
        );
        let mut missing = Vec::new();
        for key in keys {
            for locale in LOCALES {
                if crate::_rust_i18n_try_translate(locale, &key).is_none() {
                    missing.push(format!("{locale}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:#?}");
    }

    /// The namespaces of the catalog's keys (`nav`, `field`, …), read from every catalog file.
    fn namespaces() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/locales");
        let mut namespaces: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "yml"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .flat_map(|text| {
                text.lines()
                    .filter(|l| !l.starts_with(' ') && !l.starts_with('_'))
                    .filter_map(|l| l.split_once('.').map(|(ns, _)| ns.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        namespaces.sort();
        namespaces.dedup();
        namespaces
    }

    /// Whether a string literal looks like a catalog key (`namespace.word`).
    fn is_key(literal: &str, namespaces: &[String]) -> bool {
        let Some((namespace, rest)) = literal.split_once('.') else {
            return false;
        };
        namespaces.iter().any(|n| n == namespace)
            && !rest.is_empty()
            && !["html", "png", "svg", "json", "css", "db"].contains(&rest)
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }

    /// Every string literal of the templates and sources that looks like a catalog key.
    fn used_keys() -> Vec<String> {
        let namespaces = namespaces();
        let mut keys = Vec::new();
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                keys.extend(
                    text.split('"')
                        .skip(1)
                        .step_by(2)
                        .filter(|l| is_key(l, &namespaces))
                        .map(str::to_string),
                );
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }
}
