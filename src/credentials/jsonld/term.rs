//! Create Term Definition (JSON-LD 1.1 API §4.2) and the IRI expansion it needs while a local
//! context is still being read. Features no bundled context uses (`@reverse`, `@nest`, `@index`,
//! index/language/id/type maps, `@direction`) are refused as unsupported rather than guessed.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::context::{ActiveContext, Container, ContextValue, TermDefinition, TypeMapping};
use super::iri::{
    ends_with_gen_delim, has_keyword_form, is_absolute_iri, is_blank_node_id, is_keyword,
    is_language_tag, split_compact_iri,
};
use super::JsonLdError;

const DEFINITION_KEYS: &[&str] = &[
    "@id",
    "@reverse",
    "@container",
    "@context",
    "@direction",
    "@index",
    "@language",
    "@nest",
    "@prefix",
    "@protected",
    "@type",
];

/// The local context being read, and which of its terms are done (`true`) or in progress.
pub(crate) struct TermBuilder<'m> {
    local: &'m Map<String, Value>,
    /// The same map when it is a bundled context: scoped contexts can then point into it.
    bundled: Option<&'static Map<String, Value>>,
    defined: HashMap<&'m str, bool>,
    protected: bool,
    override_protected: bool,
}

impl<'m> TermBuilder<'m> {
    pub(crate) fn new(
        local: &'m Map<String, Value>,
        bundled: Option<&'static Map<String, Value>>,
        protected: bool,
        override_protected: bool,
    ) -> Self {
        TermBuilder {
            local,
            bundled,
            defined: HashMap::new(),
            protected,
            override_protected,
        }
    }
}

pub(crate) fn create_term_definition<'m>(
    context: &mut ActiveContext,
    builder: &mut TermBuilder<'m>,
    term: &'m str,
) -> Result<(), JsonLdError> {
    match builder.defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => return Err(invalid(term, "its IRI mapping is cyclic")),
        None => {}
    }
    if term.is_empty() {
        return Err(JsonLdError::invalid_context(
            "the empty string cannot be a term",
        ));
    }
    if term == "@type" {
        return Err(JsonLdError::unsupported_in_context(
            "a term definition for @type",
        ));
    }
    if is_keyword(term) {
        return Err(invalid(term, "keywords cannot be redefined"));
    }
    if has_keyword_form(term) {
        builder.defined.insert(term, true);
        return Ok(());
    }
    builder.defined.insert(term, false);
    let Some(value) = builder.local.get(term) else {
        return Ok(());
    };
    let previous = context.terms.remove(term);
    let (entries, id, simple) = match value {
        Value::Null => (None, Some(&Value::Null), false),
        Value::String(_) => (None, Some(value), true),
        Value::Object(entries) => (Some(entries), entries.get("@id"), false),
        _ => {
            return Err(invalid(
                term,
                "a definition must be a string, an object or null",
            ))
        }
    };
    let mut definition = TermDefinition {
        iri: None,
        absolute: false,
        prefix: false,
        protected: builder.protected,
        type_mapping: None,
        container: Container::None,
        language: None,
        scoped_context: None,
    };
    if let Some(entries) = entries {
        if let Some(key) = entries
            .keys()
            .find(|k| !DEFINITION_KEYS.contains(&k.as_str()))
        {
            return Err(invalid(term, &format!("unknown entry {key}")));
        }
        for unsupported in ["@reverse", "@index", "@nest"] {
            if entries.contains_key(unsupported) {
                return Err(JsonLdError::unsupported_in_context(unsupported));
            }
        }
        if let Some(protected) = entries.get("@protected") {
            definition.protected = protected
                .as_bool()
                .ok_or_else(|| invalid(term, "@protected must be a boolean"))?;
        }
        if let Some(mapping) = entries.get("@type") {
            let mapping = mapping
                .as_str()
                .ok_or_else(|| invalid(term, "@type must be a string"))?;
            definition.type_mapping = Some(type_mapping(context, builder, term, mapping)?);
        }
    }
    match id {
        Some(Value::Null) => {}
        Some(Value::String(id)) if id != term => {
            if !is_keyword(id) && has_keyword_form(id) {
                builder.defined.insert(term, true);
                return Ok(());
            }
            let iri = expand(context, builder, id)?
                .ok_or_else(|| invalid(term, "its @id maps to nothing"))?;
            if iri == "@context"
                || !(is_keyword(&iri) || is_absolute_iri(&iri) || is_blank_node_id(&iri))
            {
                return Err(invalid(
                    term,
                    &format!("@id `{iri}` is not an absolute IRI"),
                ));
            }
            let inner = term.get(1..term.len().saturating_sub(1)).unwrap_or("");
            if inner.contains(':') || term.contains('/') {
                builder.defined.insert(term, true);
                if expand(context, builder, term)?.as_deref() != Some(iri.as_str()) {
                    return Err(invalid(
                        term,
                        "a term that looks like an IRI must expand to itself",
                    ));
                }
            }
            if !term.contains([':', '/'])
                && simple
                && (ends_with_gen_delim(&iri) || is_blank_node_id(&iri))
            {
                definition.prefix = true;
            }
            definition.iri = Some(iri.into());
        }
        Some(Value::String(_)) | None => {
            definition.iri = Some(implicit_iri(context, builder, term)?.into());
        }
        Some(_) => return Err(invalid(term, "@id must be a string or null")),
    }
    if let Some(entries) = entries {
        if let Some(container) = entries.get("@container") {
            definition.container =
                Container::from_json(container).map_err(|reason| invalid(term, reason))??;
        }
        if let Some(scoped) = entries.get("@context") {
            definition.scoped_context = Some(match builder.bundled.and_then(|m| m.get(term)) {
                Some(Value::Object(bundled)) => match bundled.get("@context") {
                    Some(scoped) => ContextValue::Bundled(scoped),
                    None => ContextValue::Embedded(Arc::new(scoped.clone())),
                },
                _ => ContextValue::Embedded(Arc::new(scoped.clone())),
            });
        }
        if entries.get("@direction").is_some_and(|d| !d.is_null()) {
            return Err(JsonLdError::unsupported_in_context("@direction"));
        }
        match entries.get("@language") {
            None => {}
            Some(Value::Null) => definition.language = Some(None),
            Some(Value::String(tag)) if is_language_tag(tag) => {
                definition.language = Some(Some(tag.to_ascii_lowercase().into()));
            }
            Some(_) => return Err(invalid(term, "invalid @language")),
        }
        if let Some(prefix) = entries.get("@prefix") {
            if term.contains([':', '/']) {
                return Err(invalid(
                    term,
                    "@prefix is not allowed on a compact IRI or IRI",
                ));
            }
            definition.prefix = prefix
                .as_bool()
                .ok_or_else(|| invalid(term, "@prefix must be a boolean"))?;
        }
    }
    definition.absolute = definition.iri.as_deref().is_some_and(is_absolute_iri);
    let definition = match previous {
        Some(previous) if previous.protected && !builder.override_protected => {
            if !previous.same_as(&definition) {
                return Err(invalid(
                    term,
                    "it is protected and cannot be redefined differently",
                ));
            }
            previous
        }
        _ => Arc::new(definition),
    };
    context.terms.insert(term.into(), definition);
    builder.defined.insert(term, true);
    Ok(())
}

/// The IRI of a term defined without `@id`: a compact IRI, an IRI, or vocabulary-relative.
fn implicit_iri<'m>(
    context: &mut ActiveContext,
    builder: &mut TermBuilder<'m>,
    term: &'m str,
) -> Result<String, JsonLdError> {
    if let Some((prefix, suffix)) = split_compact_iri(term) {
        if builder.local.contains_key(prefix) {
            create_term_definition(context, builder, prefix)?;
        }
        if let Some(Some(iri)) = context.terms.get(prefix).map(|d| d.iri.clone()) {
            return Ok(format!("{iri}{suffix}"));
        }
        if is_absolute_iri(term) || is_blank_node_id(term) {
            return Ok(term.to_owned());
        }
    }
    match &context.vocab {
        Some(vocab) if !term.contains(':') => Ok(format!("{vocab}{term}")),
        _ => Err(invalid(term, "it has no IRI (no @id and no @vocab)")),
    }
}

fn type_mapping<'m>(
    context: &mut ActiveContext,
    builder: &mut TermBuilder<'m>,
    term: &str,
    mapping: &'m str,
) -> Result<TypeMapping, JsonLdError> {
    let expanded = expand(context, builder, mapping)?.unwrap_or_default();
    Ok(match expanded.as_str() {
        "@id" => TypeMapping::Id,
        "@vocab" => TypeMapping::Vocab,
        "@json" => TypeMapping::Json,
        "@none" => TypeMapping::None,
        iri if is_absolute_iri(iri) => TypeMapping::Datatype(iri.into()),
        other => {
            return Err(invalid(
                term,
                &format!("@type `{other}` is not an absolute IRI"),
            ))
        }
    })
}

/// IRI expansion while the local context is being read: terms it depends on are defined first.
fn expand<'m>(
    context: &mut ActiveContext,
    builder: &mut TermBuilder<'m>,
    value: &'m str,
) -> Result<Option<String>, JsonLdError> {
    if is_keyword(value) {
        return Ok(Some(value.to_owned()));
    }
    if has_keyword_form(value) {
        return Ok(None);
    }
    if builder.local.contains_key(value) && builder.defined.get(value) != Some(&true) {
        create_term_definition(context, builder, value)?;
    }
    if let Some(definition) = context.terms.get(value) {
        return Ok(definition.iri.as_deref().map(str::to_owned));
    }
    if let Some((prefix, suffix)) = split_compact_iri(value) {
        if prefix == "_" || suffix.starts_with("//") {
            return Ok(Some(value.to_owned()));
        }
        if builder.local.contains_key(prefix) && builder.defined.get(prefix) != Some(&true) {
            create_term_definition(context, builder, prefix)?;
        }
        if let Some(definition) = context.terms.get(prefix) {
            if let (Some(iri), true) = (&definition.iri, definition.prefix) {
                return Ok(Some(format!("{iri}{suffix}")));
            }
        }
        if is_absolute_iri(value) {
            return Ok(Some(value.to_owned()));
        }
    }
    Ok(Some(match &context.vocab {
        Some(vocab) => format!("{vocab}{value}"),
        None => value.to_owned(),
    }))
}

fn invalid(term: &str, reason: &str) -> JsonLdError {
    JsonLdError::invalid_context(format!("term `{term}`: {reason}"))
}
