//! What a context says about one term, and where a context comes from.

use std::sync::Arc;

use serde_json::Value;

use super::JsonLdError;

/// A context value: bundled (lives for the whole process, so cacheable by address) or copied
/// out of the document being processed.
#[derive(Clone, Debug)]
pub(crate) enum ContextValue {
    Bundled(&'static Value),
    Embedded(Arc<Value>),
}

impl ContextValue {
    pub(crate) fn value(&self) -> &Value {
        match self {
            ContextValue::Bundled(value) => value,
            ContextValue::Embedded(value) => value,
        }
    }

    pub(crate) fn as_local(&self) -> Local<'_> {
        match self {
            ContextValue::Bundled(value) => Local::Bundled(value),
            ContextValue::Embedded(value) => Local::Embedded(value),
        }
    }
}

impl PartialEq for ContextValue {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

/// A local context handed to [`process`], with where it comes from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Local<'v> {
    Bundled(&'static Value),
    Embedded(&'v Value),
}

impl<'v> Local<'v> {
    pub(crate) fn value(self) -> &'v Value {
        match self {
            Local::Bundled(value) => value,
            Local::Embedded(value) => value,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TypeMapping {
    Id,
    Vocab,
    Json,
    None,
    Datatype(Arc<str>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Container {
    #[default]
    None,
    Set,
    List,
    Graph,
}

impl Container {
    /// A term's `@container`: `Err` if malformed, `Ok(Err)` if a kind Lanyard does not support
    /// (index, language, id and type maps).
    pub(crate) fn from_json(
        container: &Value,
    ) -> Result<Result<Container, JsonLdError>, &'static str> {
        let mut values: Vec<&str> = match container {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many
                .iter()
                .map(|v| v.as_str().ok_or("@container values must be strings"))
                .collect::<Result<_, _>>()?,
            _ => return Err("@container must be a string or an array"),
        };
        values.sort_unstable();
        Ok(match values.as_slice() {
            [] => Ok(Container::None),
            ["@set"] => Ok(Container::Set),
            ["@list"] => Ok(Container::List),
            ["@graph"] | ["@graph", "@set"] => Ok(Container::Graph),
            other => Err(JsonLdError::unsupported_in_context(format!(
                "@container {other:?}"
            ))),
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TermDefinition {
    /// `None`: the term is defined as `null`, deliberately mapping to nothing.
    pub iri: Option<Arc<str>>,
    /// `iri` is an absolute IRI (not a keyword alias or blank node): a usable property.
    pub absolute: bool,
    pub prefix: bool,
    pub protected: bool,
    pub type_mapping: Option<TypeMapping>,
    pub container: Container,
    /// `Some(None)`: `"@language": null` on the term.
    pub language: Option<Option<Arc<str>>>,
    pub scoped_context: Option<ContextValue>,
}

impl TermDefinition {
    /// Protected terms may be redefined only identically (protection itself aside).
    pub(crate) fn same_as(&self, other: &TermDefinition) -> bool {
        TermDefinition {
            protected: other.protected,
            ..self.clone()
        } == *other
    }
}
