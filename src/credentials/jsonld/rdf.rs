//! The RDF produced from a document (quads borrowing the document's strings where they can), the
//! JSON-LD rules that turn JSON numbers and booleans into literals, and canonical N-Quads output
//! (escaping as rdf-canonize 5, the Digital Bazaar implementation, does).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use serde_json::Number;

pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub(crate) const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
pub(crate) const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
pub(crate) const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
pub(crate) const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
pub(crate) const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
pub(crate) const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub(crate) const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub(crate) const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub(crate) const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

/// Shared copies of the IRIs every document uses, so quads clone a pointer, not a string.
pub(crate) fn iri(constant: &'static str) -> Arc<str> {
    static COMMON: OnceLock<Vec<(&'static str, Arc<str>)>> = OnceLock::new();
    let common = COMMON.get_or_init(|| {
        [
            RDF_TYPE,
            RDF_FIRST,
            RDF_REST,
            RDF_NIL,
            RDF_JSON,
            RDF_LANG_STRING,
            XSD_STRING,
            XSD_BOOLEAN,
            XSD_INTEGER,
            XSD_DOUBLE,
        ]
        .into_iter()
        .map(|c| (c, Arc::from(c)))
        .collect()
    });
    common
        .iter()
        .find(|(c, _)| *c == constant)
        .map_or_else(|| Arc::from(constant), |(_, shared)| shared.clone())
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Node {
    Iri(Arc<str>),
    Blank(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Literal<'a> {
    pub value: Cow<'a, str>,
    /// `rdf:langString` when `language` is set.
    pub datatype: Arc<str>,
    pub language: Option<Arc<str>>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Object<'a> {
    Node(Node),
    Literal(Literal<'a>),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Quad<'a> {
    pub subject: Node,
    pub predicate: Arc<str>,
    pub object: Object<'a>,
    pub graph: Option<Node>,
}

impl Quad<'_> {
    /// The blank nodes this quad mentions, each once.
    pub(crate) fn blank_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        let subject = match self.subject {
            Node::Blank(b) => Some(b),
            Node::Iri(_) => None,
        };
        let object = match self.object {
            Object::Node(Node::Blank(b)) if Some(b) != subject => Some(b),
            _ => None,
        };
        let graph = match self.graph {
            Some(Node::Blank(b)) if Some(b) != subject && Some(b) != object => Some(b),
            _ => None,
        };
        subject.into_iter().chain(object).chain(graph)
    }
}

/// Why a JSON number cannot be turned into the literal other processors would produce.
pub(crate) const UNSAFE_NUMBER: &str =
    "a number other processors cannot represent exactly (integers beyond 2^53, or nonzero numbers below 1e-6)";

/// JSON-LD's Object to RDF conversion of a number: `xsd:integer` unless it has a fraction, is at
/// least 1e21, or the datatype is `xsd:double`, in which case the canonical double form.
pub(crate) fn number_literal(
    number: &Number,
    datatype: Option<&Arc<str>>,
) -> Option<(String, Arc<str>)> {
    const MAX_SAFE: u64 = 1 << 53;
    let wants_double = datatype.is_some_and(|d| &**d == XSD_DOUBLE);
    let value = if let Some(integer) = number.as_i64() {
        if integer.unsigned_abs() > MAX_SAFE {
            return None;
        }
        integer as f64
    } else if let Some(integer) = number.as_u64() {
        if integer > MAX_SAFE {
            return None;
        }
        integer as f64
    } else {
        number.as_f64()?
    };
    let is_double = value.fract() != 0.0 || value.abs() >= 1e21;
    if is_double && value != 0.0 && value.abs() < 1e-6 {
        return None;
    }
    if is_double || wants_double {
        let datatype = datatype.cloned().unwrap_or_else(|| iri(XSD_DOUBLE));
        Some((canonical_double(value), datatype))
    } else {
        let datatype = datatype.cloned().unwrap_or_else(|| iri(XSD_INTEGER));
        // `+ 0.0` turns -0 into 0, as JavaScript's toFixed does.
        Some((format!("{:.0}", value + 0.0), datatype))
    }
}

/// `value.toExponential(15)` with trailing zeros of the mantissa removed, as jsonld.js writes it.
pub(crate) fn canonical_double(value: f64) -> String {
    let formatted = format!("{value:.15e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let mut mantissa = mantissa.trim_end_matches('0').to_owned();
    if mantissa.ends_with('.') {
        mantissa.push('0');
    }
    format!("{mantissa}E{exponent}")
}

/// Appends `quad` as one canonical N-Quads line, naming blank nodes with `label`.
pub(crate) fn write_quad<'l>(out: &mut String, quad: &Quad<'_>, label: &impl Fn(u32) -> &'l str) {
    write_node(out, &quad.subject, label);
    out.push_str(" <");
    write_iri(out, &quad.predicate);
    out.push_str("> ");
    match &quad.object {
        Object::Node(node) => write_node(out, node, label),
        Object::Literal(literal) => write_literal(out, literal),
    }
    if let Some(graph) = &quad.graph {
        out.push(' ');
        write_node(out, graph, label);
    }
    out.push_str(" .\n");
}

fn write_node<'l>(out: &mut String, node: &Node, label: &impl Fn(u32) -> &'l str) {
    match node {
        Node::Iri(value) => {
            out.push('<');
            write_iri(out, value);
            out.push('>');
        }
        Node::Blank(id) => {
            out.push_str("_:");
            out.push_str(label(*id));
        }
    }
}

fn write_literal(out: &mut String, literal: &Literal<'_>) {
    out.push('"');
    let value: &str = &literal.value;
    if value
        .bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F)
    {
        for c in value.chars() {
            match c {
                '\u{8}' => out.push_str("\\b"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\u{C}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{0}'..='\u{1F}' | '\u{7F}' => {
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                }
                _ => out.push(c),
            }
        }
    } else {
        out.push_str(value);
    }
    out.push('"');
    if let Some(language) = &literal.language {
        out.push('@');
        out.push_str(language);
    } else if &*literal.datatype != XSD_STRING {
        out.push_str("^^<");
        write_iri(out, &literal.datatype);
        out.push('>');
    }
}

/// Every IRI in a quad passed `is_absolute_iri`, which excludes each character N-Quads would
/// escape, so IRIs are written as they are.
fn write_iri(out: &mut String, value: &str) {
    debug_assert!(!value
        .bytes()
        .any(|b| b <= 0x20 || b"<>\"{}|^`\\".contains(&b)));
    out.push_str(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(json: &str) -> Option<(String, Arc<str>)> {
        number_literal(&serde_json::from_str(json).unwrap(), None)
    }

    #[test]
    fn numbers_become_the_literals_jsonld_js_produces() {
        assert_eq!(number("5").unwrap().0, "5");
        assert_eq!(&*number("5").unwrap().1, XSD_INTEGER);
        assert_eq!(number("5.0").unwrap().0, "5");
        assert_eq!(number("-12").unwrap().0, "-12");
        assert_eq!(number("2.5").unwrap().0, "2.5E0");
        assert_eq!(&*number("2.5").unwrap().1, XSD_DOUBLE);
        assert_eq!(number("0.1").unwrap().0, "1.0E-1");
        assert_eq!(number("123.456").unwrap().0, "1.23456E2");
        assert_eq!(number("1e21").unwrap().0, "1.0E21");
        assert_eq!(number("9007199254740993"), None);
        assert_eq!(number("1.5e-7"), None);
        let double = iri(XSD_DOUBLE);
        let as_double = number_literal(&serde_json::from_str("7").unwrap(), Some(&double)).unwrap();
        assert_eq!(as_double.0, "7.0E0");
    }

    #[test]
    fn literals_are_escaped_as_rdf_canonize_does() {
        let literal = Literal {
            value: Cow::Borrowed("a\"b\\c\nd\re\tf\u{1}g\u{7F}h\u{8}i\u{C}é"),
            datatype: iri(XSD_STRING),
            language: None,
        };
        let mut out = String::new();
        write_literal(&mut out, &literal);
        assert_eq!(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007Fh\\bi\\fé\"");
    }
}
