//! Active contexts and the Context Processing algorithm (JSON-LD 1.1 API §4.1), with a
//! process-wide cache: a bundled context applied to a context built only from bundled contexts
//! always gives the same result, so it is computed once. That cache is what makes signing fast;
//! contexts embedded in a document are processed every time and never cached.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::{Map, Value};

pub(crate) use super::definition::{Container, ContextValue, Local, TermDefinition, TypeMapping};
use super::iri::{is_absolute_iri, is_blank_node_id, is_language_tag};
use super::term::{create_term_definition, TermBuilder};
use super::JsonLdError;
use crate::credentials::contexts;

/// Remote contexts may include other remote contexts; the bundled ones nest one level at most.
const MAX_CONTEXT_NESTING: usize = 8;
/// Cache entries are bounded so documents cannot grow it without limit (an entry is ~20 KB); a
/// full cache is emptied, so unusual documents cannot switch caching off for everyone.
const MAX_CACHED_CONTEXTS: usize = 1024;
/// Longer `@context` arrays are refused: each entry may cost a full context processing.
const MAX_CONTEXT_ENTRIES: usize = 32;

#[derive(Clone, Debug)]
pub(crate) struct ActiveContext {
    id: u64,
    cacheable: bool,
    pub terms: HashMap<Box<str>, Arc<TermDefinition>, foldhash::fast::RandomState>,
    pub vocab: Option<Arc<str>>,
    pub language: Option<Arc<str>>,
    /// Set by a type-scoped context, which does not reach nested node objects.
    pub previous: Option<Arc<ActiveContext>>,
}

impl ActiveContext {
    /// The empty context every document starts from.
    pub(crate) fn initial() -> Arc<ActiveContext> {
        static INITIAL: OnceLock<Arc<ActiveContext>> = OnceLock::new();
        INITIAL
            .get_or_init(|| Arc::new(ActiveContext::empty(true)))
            .clone()
    }

    fn empty(cacheable: bool) -> ActiveContext {
        ActiveContext {
            id: next_id(),
            cacheable,
            terms: HashMap::default(),
            vocab: None,
            language: None,
            previous: None,
        }
    }

    /// A copy to modify, with its own identity.
    fn derive(&self, cacheable: bool) -> ActiveContext {
        ActiveContext {
            id: next_id(),
            cacheable: self.cacheable && cacheable,
            ..self.clone()
        }
    }
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Options {
    pub override_protected: bool,
    pub propagate: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            override_protected: false,
            propagate: true,
        }
    }
}

type CacheKey = (u64, usize, Options);

fn cache() -> &'static RwLock<HashMap<CacheKey, Arc<ActiveContext>>> {
    static CACHE: OnceLock<RwLock<HashMap<CacheKey, Arc<ActiveContext>>>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::new()))
}

/// Applies `local` to `active` (Context Processing algorithm).
pub(crate) fn process(
    active: &Arc<ActiveContext>,
    local: Local<'_>,
    options: Options,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    process_nested(active, local, options, 0)
}

fn process_nested(
    active: &Arc<ActiveContext>,
    local: Local<'_>,
    options: Options,
    nesting: usize,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    if nesting > MAX_CONTEXT_NESTING {
        return Err(JsonLdError::TooComplex("contexts nested too deeply"));
    }
    let key = match local {
        Local::Bundled(value) if active.cacheable => {
            Some((active.id, std::ptr::from_ref(value) as usize, options))
        }
        _ => None,
    };
    if let Some(key) = key {
        if let Some(hit) = cache().read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
    }
    let result = apply(active, local, options, nesting)?;
    if let Some(key) = key {
        if let Ok(mut cache) = cache().write() {
            if cache.len() >= MAX_CACHED_CONTEXTS {
                cache.clear();
            }
            cache.insert(key, result.clone());
            #[cfg(test)]
            tests::INSERTS.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(result)
}

fn apply(
    active: &Arc<ActiveContext>,
    local: Local<'_>,
    options: Options,
    nesting: usize,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    let mut propagate = options.propagate;
    if let Some(value) = local.value().get("@propagate") {
        propagate = value
            .as_bool()
            .ok_or_else(|| JsonLdError::invalid_context("@propagate must be true or false"))?;
    }
    let mut result = active.clone();
    if !propagate && result.previous.is_none() {
        let mut derived = result.derive(matches!(local, Local::Bundled(_)));
        derived.previous = Some(active.clone());
        result = Arc::new(derived);
    }
    let items: Vec<Local<'_>> = match local {
        Local::Bundled(Value::Array(items)) => items.iter().map(Local::Bundled).collect(),
        Local::Embedded(Value::Array(items)) => items.iter().map(Local::Embedded).collect(),
        single => vec![single],
    };
    if items.len() > MAX_CONTEXT_ENTRIES {
        return Err(JsonLdError::TooComplex(
            "more than 32 entries in one @context",
        ));
    }
    for item in items {
        result = match item.value() {
            Value::Null => {
                if !options.override_protected && result.terms.values().any(|t| t.protected) {
                    return Err(JsonLdError::invalid_context(
                        "a context cannot be cleared (null) while it has protected terms",
                    ));
                }
                let bundled = matches!(item, Local::Bundled(_));
                let mut empty = ActiveContext::empty(result.cacheable && bundled);
                if !propagate {
                    empty.previous = Some(result.clone());
                }
                Arc::new(empty)
            }
            Value::String(url) => {
                let loaded = contexts::load(url)?;
                process_nested(
                    &result,
                    Local::Bundled(loaded),
                    Options::default(),
                    nesting + 1,
                )?
            }
            Value::Object(map) => {
                let mut derived = result.derive(matches!(item, Local::Bundled(_)));
                apply_definitions(&mut derived, map, item, options, nesting > 0)?;
                Arc::new(derived)
            }
            _ => {
                return Err(JsonLdError::invalid_context(
                    "a context must be an object, a URL or null",
                ))
            }
        };
    }
    Ok(result)
}

const CONTEXT_KEYWORDS: &[&str] = &[
    "@base",
    "@direction",
    "@import",
    "@language",
    "@propagate",
    "@protected",
    "@version",
    "@vocab",
];

fn apply_definitions(
    result: &mut ActiveContext,
    map: &Map<String, Value>,
    source: Local<'_>,
    options: Options,
    remote: bool,
) -> Result<(), JsonLdError> {
    if let Some(version) = map.get("@version") {
        if version.as_f64() != Some(1.1) {
            return Err(JsonLdError::invalid_context("@version must be 1.1"));
        }
    }
    if map.contains_key("@import") {
        return Err(JsonLdError::unsupported_in_context("@import"));
    }
    // A base IRI would make relative identifiers acceptable; Lanyard has none (and the spec
    // ignores @base inside remote contexts).
    if map.get("@base").is_some_and(|base| !base.is_null()) && !remote {
        return Err(JsonLdError::unsupported_in_context("@base"));
    }
    match map.get("@vocab") {
        None => {}
        Some(Value::Null) => result.vocab = None,
        Some(Value::String(vocab)) if is_absolute_iri(vocab) || is_blank_node_id(vocab) => {
            result.vocab = Some(vocab.as_str().into());
        }
        Some(other) => {
            return Err(JsonLdError::invalid_context(format!(
                "@vocab must be an absolute IRI, not {other}"
            )))
        }
    }
    match map.get("@language") {
        None => {}
        Some(Value::Null) => result.language = None,
        Some(Value::String(tag)) if is_language_tag(tag) => {
            result.language = Some(tag.to_ascii_lowercase().into());
        }
        Some(other) => {
            return Err(JsonLdError::invalid_context(format!(
                "invalid @language {other}"
            )))
        }
    }
    if map.get("@direction").is_some_and(|d| !d.is_null()) {
        return Err(JsonLdError::unsupported_in_context("@direction"));
    }
    let protected = match map.get("@protected") {
        None => false,
        Some(value) => value
            .as_bool()
            .ok_or_else(|| JsonLdError::invalid_context("@protected must be true or false"))?,
    };
    let bundled = match source {
        Local::Bundled(Value::Object(map)) => Some(map),
        _ => None,
    };
    let mut builder = TermBuilder::new(map, bundled, protected, options.override_protected);
    for term in map.keys() {
        if !CONTEXT_KEYWORDS.contains(&term.as_str()) {
            create_term_definition(result, &mut builder, term)?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use crate::credentials::jsonld::canonicalize;

    pub(crate) static INSERTS: AtomicUsize = AtomicUsize::new(0);

    #[test]
    fn documents_with_their_own_contexts_do_not_fill_the_cache() {
        let v2 = "https://www.w3.org/ns/credentials/v2";
        let before = INSERTS.load(Ordering::Relaxed);
        for n in 0..300 {
            let name = format!("https://example.org/{n}");
            let documents = [
                json!({"@context": [null, v2], "type": "VerifiableCredential", "name": "x"}),
                json!({"@context": [{"ex": name}, v2], "type": "VerifiableCredential"}),
                json!({"@context": [{"T": {"@id": name, "@context": [v2]}}], "@type": "T", "name": "z"}),
                json!({
                    "@context": [{"p": {"@id": name, "@context": [v2]}}],
                    "p": {"type": "VerifiableCredential", "name": "y"}
                }),
            ];
            for document in &documents {
                canonicalize(document).unwrap();
            }
        }
        // Other tests running meanwhile add a few dozen legitimate entries at most.
        let added = INSERTS.load(Ordering::Relaxed) - before;
        assert!(added < 200, "{added} cache entries for 1200 documents");
    }
}
