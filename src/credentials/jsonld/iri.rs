//! IRI expansion (JSON-LD 1.1 API §5.2) against a processed context, and the lexical checks safe
//! mode relies on: what is a keyword, an absolute IRI, a blank node identifier.

use std::borrow::Cow;

use super::context::ActiveContext;

const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

pub(crate) fn is_keyword(value: &str) -> bool {
    KEYWORDS.contains(&value)
}

/// `@` followed by letters only: reserved for future keywords, ignored (here: refused).
pub(crate) fn has_keyword_form(value: &str) -> bool {
    value
        .strip_prefix('@')
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// An IRI with a scheme (RFC 3987 `scheme ":" ...`) and none of the characters N-Quads cannot
/// carry unescaped. Stricter than jsonld.js, which only refuses whitespace: anything this refuses
/// is an error, never silently dropped.
pub(crate) fn is_absolute_iri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    let scheme_ok = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    scheme_ok && scheme != "_" && rest.chars().all(is_iri_char)
}

fn is_iri_char(c: char) -> bool {
    !matches!(
        c,
        '\u{0}'..='\u{20}' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' | '\u{7F}'
    )
}

/// `_:label`, the label without whitespace or N-Quads delimiters.
pub(crate) fn is_blank_node_id(value: &str) -> bool {
    value.strip_prefix("_:").is_some_and(|label| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
    })
}

/// RFC 3986 gen-delims: a simple term whose IRI ends with one of these may serve as a prefix.
pub(crate) fn ends_with_gen_delim(iri: &str) -> bool {
    iri.ends_with([':', '/', '?', '#', '[', ']', '@'])
}

/// The well-formedness test jsonld.js applies to language tags in safe mode.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// IRI expansion of `value` in a processed context (no local context: that case lives in
/// `term.rs`). `None` means the value maps to nothing (a term defined as `null`, or a reserved
/// `@word`); otherwise the result may still be relative, which the caller refuses.
pub(crate) fn expand_iri<'a>(
    context: &'a ActiveContext,
    value: &'a str,
    vocab: bool,
) -> Option<Cow<'a, str>> {
    if is_keyword(value) {
        return Some(Cow::Borrowed(value));
    }
    if has_keyword_form(value) {
        return None;
    }
    if let Some(definition) = context.terms.get(value) {
        match &definition.iri {
            Some(iri) if is_keyword(iri) => return Some(Cow::Borrowed(iri)),
            Some(iri) if vocab => return Some(Cow::Borrowed(iri)),
            None if vocab => return None,
            _ => {}
        }
    }
    if let Some((prefix, suffix)) = split_compact_iri(value) {
        if prefix == "_" || suffix.starts_with("//") {
            return Some(Cow::Borrowed(value));
        }
        if let Some(definition) = context.terms.get(prefix) {
            if let (Some(iri), true) = (&definition.iri, definition.prefix) {
                return Some(Cow::Owned(format!("{iri}{suffix}")));
            }
        }
        if is_absolute_iri(value) {
            return Some(Cow::Borrowed(value));
        }
    }
    if vocab {
        if let Some(mapping) = &context.vocab {
            return Some(Cow::Owned(format!("{mapping}{value}")));
        }
    }
    // No base IRI is ever set: a relative reference stays relative and the caller refuses it.
    Some(Cow::Borrowed(value))
}

/// `prefix:suffix` where the colon is not the first character.
pub(crate) fn split_compact_iri(value: &str) -> Option<(&str, &str)> {
    match value.find(':') {
        Some(0) | None => None,
        Some(at) => Some((&value[..at], &value[at + 1..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_iris_need_a_scheme_and_no_forbidden_characters() {
        assert!(is_absolute_iri("https://example.com/a#b"));
        assert!(is_absolute_iri(
            "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"
        ));
        assert!(is_absolute_iri("did:key:z6Mk#z6Mk"));
        assert!(!is_absolute_iri("/relative/path"));
        assert!(!is_absolute_iri("//host/path"));
        assert!(!is_absolute_iri("relative"));
        assert!(!is_absolute_iri("_:b0"));
        assert!(!is_absolute_iri("1http://x"));
        assert!(!is_absolute_iri("https://example.com/a b"));
        assert!(!is_absolute_iri("https://example.com/<x>"));
    }

    #[test]
    fn keyword_forms_and_language_tags_are_recognised() {
        assert!(is_keyword("@id") && !is_keyword("@foo"));
        assert!(has_keyword_form("@foo") && !has_keyword_form("@") && !has_keyword_form("@a1"));
        assert!(is_language_tag("en") && is_language_tag("en-US") && is_language_tag("zh-Hant-TW"));
        assert!(
            !is_language_tag("") && !is_language_tag("en_US") && !is_language_tag("toolongtag")
        );
        assert!(is_blank_node_id("_:b0") && !is_blank_node_id("_:") && !is_blank_node_id("_:a b"));
    }
}
