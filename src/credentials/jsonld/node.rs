//! JSON objects: a map is a value, list, set or node object once its contexts are applied; a node
//! object's identifier, types and properties become statements.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::context::{process, ActiveContext, Local, Options, TermDefinition};
use super::expand::{Converter, Property, Segment, OVERRIDE_PROTECTED, TYPE_SCOPED};
use super::iri::{expand_iri, is_absolute_iri, is_blank_node_id, is_keyword};
use super::rdf::{iri, Node, Object, RDF_TYPE};
use super::JsonLdError;

/// A map's entries sorted by what they expand to.
#[derive(Default)]
pub(super) struct Entries<'a> {
    pub(super) id: Option<&'a Value>,
    pub(super) value: Option<&'a Value>,
    pub(super) language: Option<&'a Value>,
    pub(super) list: Option<&'a Value>,
    pub(super) set: Option<&'a Value>,
    pub(super) graph: Option<&'a Value>,
    pub(super) properties: Vec<(&'a str, Arc<str>, &'a Value)>,
}

impl Entries<'_> {
    pub(super) fn only_keyword(&self, types: usize) -> bool {
        self.id.is_none()
            && self.properties.is_empty()
            && types == 0
            && [self.value, self.list, self.set, self.graph, self.language]
                .iter()
                .filter(|e| e.is_some())
                .count()
                == 1
    }
}

impl<'a> Converter<'a> {
    pub(super) fn map(
        &mut self,
        map: &'a Map<String, Value>,
        context: &Arc<ActiveContext>,
        property: Property<'a>,
        definition: Option<&TermDefinition>,
        graph: Option<&Node>,
        out: &mut Vec<Object<'a>>,
    ) -> Result<(), JsonLdError> {
        let mut active = context.clone();
        if let Some(previous) = &context.previous {
            // A type-scoped context does not reach nested node objects.
            if !is_value_or_reference(map, context) {
                active = previous.clone();
            }
        }
        if let Some(scoped) = definition.and_then(|d| d.scoped_context.as_ref()) {
            active = process(&active, scoped.as_local(), OVERRIDE_PROTECTED)?;
        }
        if let Some(local) = map.get("@context") {
            active = process(&active, Local::Embedded(local), Options::default())?;
        }
        let mut keys: Vec<(&'a str, &'a Value)> = map
            .iter()
            .filter(|(key, _)| *key != "@context")
            .map(|(key, value)| (key.as_str(), value))
            .collect();
        keys.sort_unstable_by_key(|(key, _)| *key);

        let type_scoped = active.clone();
        let mut types: Vec<&'a str> = Vec::new();
        for &(key, value) in &keys {
            if expand_iri(&type_scoped, key, true).as_deref() != Some("@type") {
                continue;
            }
            let first = types.len();
            match value {
                Value::String(one) => types.push(one),
                Value::Array(many) => {
                    for one in many {
                        types.push(
                            one.as_str()
                                .ok_or_else(|| self.invalid("@type values must be strings"))?,
                        );
                    }
                }
                _ => return Err(self.invalid("@type must be a string or an array of strings")),
            }
            let mut sorted = types[first..].to_vec();
            sorted.sort_unstable();
            for term in sorted {
                if let Some(scoped) = type_scoped
                    .terms
                    .get(term)
                    .and_then(|d| d.scoped_context.clone())
                {
                    active = process(&active, scoped.as_local(), TYPE_SCOPED)?;
                }
            }
        }

        let entries = self.classify(&keys, &active)?;
        if let Some(value) = entries.value {
            let extra = [entries.id, entries.list, entries.set, entries.graph];
            if extra.iter().any(Option::is_some) || !entries.properties.is_empty() {
                return Err(self.invalid("a value object (@value) cannot have other entries"));
            }
            if matches!(property, Property::Top | Property::Graph) {
                return Err(self.invalid("a value must belong to a property"));
            }
            out.push(self.value_object(value, &types, entries.language, &type_scoped)?);
            return Ok(());
        }
        if let Some(items) = entries.list {
            if !entries.only_keyword(types.len())
                || matches!(property, Property::Top | Property::Graph)
            {
                return Err(self.invalid("a list object (@list) must be a property's only value"));
            }
            out.push(self.list(items, &active, property, graph)?);
            return Ok(());
        }
        if let Some(items) = entries.set {
            if !entries.only_keyword(types.len()) {
                return Err(self.invalid("a set object (@set) cannot have other entries"));
            }
            return self.element(items, &active, property, graph, out);
        }
        if entries.language.is_some() {
            return Err(self.invalid("@language belongs in a value object"));
        }
        self.node(entries, &types, &active, &type_scoped, property, graph, out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn node(
        &mut self,
        entries: Entries<'a>,
        types: &[&'a str],
        active: &Arc<ActiveContext>,
        type_scoped: &ActiveContext,
        property: Property<'a>,
        graph: Option<&Node>,
        out: &mut Vec<Object<'a>>,
    ) -> Result<(), JsonLdError> {
        let subject = match entries.id {
            None => self.fresh(),
            Some(Value::String(id)) => self.node_reference(active, id, false)?,
            Some(_) => return Err(self.invalid("@id must be a string")),
        };
        for &name in types {
            let type_iri = self.type_iri(type_scoped, name)?;
            self.emit(
                &subject,
                iri(RDF_TYPE),
                Object::Node(Node::Iri(type_iri)),
                graph,
            )?;
        }
        let unwrap_graph = matches!(property, Property::Top)
            && entries.id.is_none()
            && types.is_empty()
            && entries.properties.is_empty();
        for (key, predicate, value) in entries.properties {
            self.path.push(Segment::Key(key));
            self.property(&subject, key, predicate, value, active, graph)?;
            self.path.pop();
        }
        if let Some(items) = entries.graph {
            // A top-level object holding only @graph is the default graph's container; otherwise
            // the node names the graph its @graph holds.
            let name = if unwrap_graph {
                graph.cloned()
            } else {
                Some(subject.clone())
            };
            self.path.push(Segment::Key("@graph"));
            self.element(
                items,
                active,
                Property::Graph,
                name.as_ref(),
                &mut Vec::new(),
            )?;
            self.path.pop();
        }
        out.push(Object::Node(subject));
        Ok(())
    }

    pub(super) fn classify(
        &self,
        keys: &[(&'a str, &'a Value)],
        active: &ActiveContext,
    ) -> Result<Entries<'a>, JsonLdError> {
        let mut entries = Entries::default();
        for &(key, value) in keys {
            if let Some(definition) = active.terms.get(key).filter(|d| d.absolute) {
                if let Some(iri) = &definition.iri {
                    entries.properties.push((key, iri.clone(), value));
                    continue;
                }
            }
            let expanded = expand_iri(active, key, true);
            let slot = match expanded.as_deref() {
                Some("@type") => continue,
                Some("@id") if entries.id.is_some() => {
                    return Err(self.invalid("@id is given twice (colliding keywords)"))
                }
                Some("@id") => &mut entries.id,
                Some("@value") => &mut entries.value,
                Some("@language") => &mut entries.language,
                Some("@list") => &mut entries.list,
                Some("@set") => &mut entries.set,
                Some("@graph") => &mut entries.graph,
                Some("@index") if value.is_string() => continue,
                Some(keyword @ ("@included" | "@reverse" | "@nest" | "@direction")) => {
                    return Err(JsonLdError::Unsupported(format!(
                        "{keyword} at {}",
                        self.path()
                    )))
                }
                Some(keyword) if is_keyword(keyword) => {
                    return Err(self.invalid(&format!("{keyword} cannot be used here")))
                }
                Some(iri) if is_absolute_iri(iri) => {
                    entries.properties.push((key, Arc::from(iri), value));
                    continue;
                }
                Some(blank) if is_blank_node_id(blank) => {
                    return Err(
                        self.invalid(&format!("a blank node ({blank}) cannot be a property"))
                    )
                }
                _ => {
                    return Err(JsonLdError::UndefinedTerm {
                        term: key.to_owned(),
                        path: self.path(),
                    })
                }
            };
            *slot = Some(value);
        }
        Ok(entries)
    }

    /// An identifier (`@id`, or a value coerced to `@id`/`@vocab`): absolute IRI or blank node.
    pub(super) fn node_reference(
        &mut self,
        context: &ActiveContext,
        value: &str,
        vocab: bool,
    ) -> Result<Node, JsonLdError> {
        let expanded = expand_iri(context, value, vocab);
        match expanded.as_deref() {
            Some(iri) if is_absolute_iri(iri) => Ok(Node::Iri(Arc::from(iri))),
            Some(label) if is_blank_node_id(label) => {
                let next = self.next_blank;
                let id = *self.labelled.entry(label.to_owned()).or_insert(next);
                if id == next {
                    self.next_blank += 1;
                }
                Ok(Node::Blank(id))
            }
            _ => Err(JsonLdError::RelativeIri {
                iri: value.to_owned(),
                path: self.path(),
            }),
        }
    }

    pub(super) fn type_iri(
        &self,
        context: &ActiveContext,
        name: &str,
    ) -> Result<Arc<str>, JsonLdError> {
        if let Some(definition) = context.terms.get(name).filter(|d| d.absolute) {
            if let Some(iri) = &definition.iri {
                return Ok(iri.clone());
            }
        }
        match expand_iri(context, name, true) {
            Some(iri) if is_absolute_iri(&iri) => Ok(Arc::from(iri.as_ref())),
            _ => Err(JsonLdError::UndefinedType {
                term: name.to_owned(),
                path: self.path(),
            }),
        }
    }
}

fn is_value_or_reference(map: &Map<String, Value>, context: &ActiveContext) -> bool {
    let expands_to =
        |key: &String, keyword: &str| expand_iri(context, key, true).as_deref() == Some(keyword);
    map.keys().any(|key| expands_to(key, "@value"))
        || (map.len() == 1 && map.keys().all(|key| expands_to(key, "@id")))
}
