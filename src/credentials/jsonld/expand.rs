//! JSON-LD expansion fused with conversion to RDF (JSON-LD 1.1 API §13 and §19): the document is
//! walked once and quads come out directly, without building the expanded form or a node map.
//!
//! Safe mode, as verifiers run it: a property or type the contexts do not define, a relative
//! identifier, a value outside any property, or a null `@value` is an error naming what failed,
//! never silently dropped (plain JSON-LD drops them, and what is dropped is never signed).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::context::{
    process, ActiveContext, Container, Local, Options, TermDefinition, TypeMapping,
};
use super::iri::{expand_iri, is_absolute_iri, is_blank_node_id, is_keyword, is_language_tag};
use super::json::canonical_json;
use super::rdf::{
    canonical_double, iri, number_literal, Literal, Node, Object, Quad, RDF_FIRST, RDF_JSON,
    RDF_LANG_STRING, RDF_NIL, RDF_REST, RDF_TYPE, UNSAFE_NUMBER, XSD_BOOLEAN, XSD_DOUBLE,
    XSD_STRING,
};
use super::JsonLdError;

const MAX_PATH_DEPTH: usize = 128;
const MAX_QUADS: usize = 50_000;

pub(crate) struct Dataset<'a> {
    pub quads: Vec<Quad<'a>>,
    pub blank_nodes: u32,
}

pub(crate) fn to_rdf(document: &Value) -> Result<Dataset<'_>, JsonLdError> {
    if !(document.is_object() || document.is_array()) {
        return Err(JsonLdError::Invalid {
            reason: "a JSON-LD document is an object or an array of objects".into(),
            path: "/".into(),
        });
    }
    let mut converter = Converter::default();
    let mut roots = Vec::new();
    converter.element(
        document,
        &ActiveContext::initial(),
        Property::Top,
        None,
        &mut roots,
    )?;
    Ok(Dataset {
        quads: converter.quads,
        blank_nodes: converter.next_blank,
    })
}

/// Where an element stands: the expansion algorithm's "active property".
#[derive(Clone, Copy)]
enum Property<'a> {
    Top,
    Graph,
    Term(&'a str),
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Default)]
struct Converter<'a> {
    quads: Vec<Quad<'a>>,
    next_blank: u32,
    /// Blank node labels written in the document, renumbered.
    labelled: HashMap<String, u32>,
    path: Vec<Segment<'a>>,
}

/// A map's entries sorted by what they expand to.
#[derive(Default)]
struct Entries<'a> {
    id: Option<&'a Value>,
    value: Option<&'a Value>,
    language: Option<&'a Value>,
    list: Option<&'a Value>,
    set: Option<&'a Value>,
    graph: Option<&'a Value>,
    properties: Vec<(&'a str, Arc<str>, &'a Value)>,
}

impl Entries<'_> {
    fn only_keyword(&self, types: usize) -> bool {
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
    /// The expansion algorithm's recursion: `out` receives the RDF terms `element` stands for.
    fn element(
        &mut self,
        element: &'a Value,
        context: &Arc<ActiveContext>,
        property: Property<'a>,
        graph: Option<&Node>,
        out: &mut Vec<Object<'a>>,
    ) -> Result<(), JsonLdError> {
        if self.path.len() > MAX_PATH_DEPTH {
            return Err(JsonLdError::TooComplex("the document is nested too deeply"));
        }
        let definition = match property {
            Property::Term(term) => context.terms.get(term).cloned(),
            Property::Top | Property::Graph => None,
        };
        match element {
            Value::Null => Ok(()),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.path.push(Segment::Index(index));
                    self.element(item, context, property, graph, out)?;
                    self.path.pop();
                }
                Ok(())
            }
            Value::Object(map) => {
                self.map(map, context, property, definition.as_deref(), graph, out)
            }
            scalar => {
                let Property::Term(term) = property else {
                    return Err(self.invalid("a value must belong to a property"));
                };
                let scoped = definition.as_ref().and_then(|d| d.scoped_context.as_ref());
                let (context, definition) = match scoped {
                    Some(scoped) => {
                        let context = process(context, scoped.as_local(), OVERRIDE_PROTECTED)?;
                        let definition = context.terms.get(term).cloned();
                        (context, definition)
                    }
                    None => (context.clone(), definition),
                };
                out.push(self.value(scalar, &context, definition.as_deref())?);
                Ok(())
            }
        }
    }

    fn map(
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
    fn node(
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

    fn classify(
        &self,
        keys: &[(&'a str, &'a Value)],
        active: &ActiveContext,
    ) -> Result<Entries<'a>, JsonLdError> {
        let mut entries = Entries::default();
        for &(key, value) in keys {
            if let Some(definition) = active.terms.get(key) {
                if let Some(iri) = definition.iri.as_ref().filter(|iri| is_absolute_iri(iri)) {
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

    fn property(
        &mut self,
        subject: &Node,
        key: &'a str,
        predicate: Arc<str>,
        value: &'a Value,
        context: &Arc<ActiveContext>,
        graph: Option<&Node>,
    ) -> Result<(), JsonLdError> {
        let definition = context.terms.get(key).cloned();
        let mut objects = Vec::new();
        let (type_mapping, container) = match definition.as_deref() {
            Some(d) => (d.type_mapping.as_ref(), d.container),
            None => (None, Container::None),
        };
        if type_mapping == Some(&TypeMapping::Json) {
            objects.push(self.json_literal(value)?);
        } else if container == Container::List && !is_list_object(value, context) {
            objects.push(self.list(value, context, Property::Term(key), graph)?);
        } else if container == Container::Graph {
            let items = match value {
                Value::Array(items) => items.as_slice(),
                single => std::slice::from_ref(single),
            };
            for (index, item) in items.iter().enumerate() {
                if item.is_null() {
                    continue;
                }
                if !item.is_object() {
                    return Err(self.invalid("a graph container (@graph) holds objects"));
                }
                self.path.push(Segment::Index(index));
                let name = self.fresh();
                self.element(
                    item,
                    context,
                    Property::Term(key),
                    Some(&name),
                    &mut Vec::new(),
                )?;
                objects.push(Object::Node(name));
                self.path.pop();
            }
        } else {
            self.element(value, context, Property::Term(key), graph, &mut objects)?;
        }
        for object in objects {
            self.emit(subject, predicate.clone(), object, graph)?;
        }
        Ok(())
    }

    fn list(
        &mut self,
        items: &'a Value,
        context: &Arc<ActiveContext>,
        property: Property<'a>,
        graph: Option<&Node>,
    ) -> Result<Object<'a>, JsonLdError> {
        let mut objects = Vec::new();
        if let Value::Array(items) = items {
            for (index, item) in items.iter().enumerate() {
                if item.is_array() {
                    return Err(JsonLdError::Unsupported(format!(
                        "lists of lists at {}",
                        self.path()
                    )));
                }
                self.path.push(Segment::Index(index));
                self.element(item, context, property, graph, &mut objects)?;
                self.path.pop();
            }
        } else {
            self.element(items, context, property, graph, &mut objects)?;
        }
        let mut rest = Object::Node(Node::Iri(iri(RDF_NIL)));
        for object in objects.into_iter().rev() {
            let cell = self.fresh();
            self.emit(&cell, iri(RDF_FIRST), object, graph)?;
            self.emit(&cell, iri(RDF_REST), rest, graph)?;
            rest = Object::Node(cell);
        }
        Ok(rest)
    }

    /// Value Expansion of a string, number or boolean under `definition`.
    fn value(
        &mut self,
        scalar: &'a Value,
        context: &ActiveContext,
        definition: Option<&TermDefinition>,
    ) -> Result<Object<'a>, JsonLdError> {
        let mapping = definition.and_then(|d| d.type_mapping.as_ref());
        let datatype = match mapping {
            Some(TypeMapping::Datatype(datatype)) => Some(datatype),
            _ => None,
        };
        match (scalar, mapping) {
            (Value::String(id), Some(TypeMapping::Id)) => {
                Ok(Object::Node(self.node_reference(context, id, false)?))
            }
            (Value::String(id), Some(TypeMapping::Vocab)) => {
                Ok(Object::Node(self.node_reference(context, id, true)?))
            }
            (Value::String(text), _) => match datatype {
                Some(datatype) => self.typed_string(text, datatype.clone()),
                None => {
                    let language = match definition.and_then(|d| d.language.as_ref()) {
                        Some(language) => language.clone(),
                        None => context.language.clone(),
                    };
                    Ok(plain_literal(text, language))
                }
            },
            (Value::Number(number), _) => self.number(number, datatype),
            (Value::Bool(flag), _) => Ok(boolean(*flag, datatype)),
            _ => Err(self.invalid("expected a string, number or boolean")),
        }
    }

    fn value_object(
        &mut self,
        value: &'a Value,
        types: &[&'a str],
        language: Option<&'a Value>,
        type_scoped: &ActiveContext,
    ) -> Result<Object<'a>, JsonLdError> {
        let datatype = match types {
            [] => None,
            [one] if expand_iri(type_scoped, one, true).as_deref() == Some("@json") => {
                return self.json_literal(value)
            }
            [one] => Some(self.type_iri(type_scoped, one)?),
            _ => return Err(self.invalid("a value object has at most one @type")),
        };
        let language: Option<Arc<str>> = match language {
            None | Some(Value::Null) => None,
            Some(Value::String(tag)) if is_language_tag(tag) && datatype.is_none() => {
                Some(tag.to_ascii_lowercase().into())
            }
            Some(_) => return Err(self.invalid("invalid @language (or @language with @type)")),
        };
        match value {
            Value::String(text) => match datatype {
                Some(datatype) => self.typed_string(text, datatype),
                None => Ok(plain_literal(text, language)),
            },
            Value::Number(number) if language.is_none() => self.number(number, datatype.as_ref()),
            Value::Bool(flag) if language.is_none() => Ok(boolean(*flag, datatype.as_ref())),
            Value::Null => Err(self.invalid("@value is null")),
            _ => Err(self.invalid("@value must be a string, number or boolean")),
        }
    }

    fn typed_string(&self, text: &'a str, datatype: Arc<str>) -> Result<Object<'a>, JsonLdError> {
        let value = if &*datatype == XSD_DOUBLE {
            let parsed: f64 = text
                .trim()
                .parse()
                .map_err(|_| self.invalid("not a number"))?;
            Cow::Owned(canonical_double(parsed))
        } else {
            Cow::Borrowed(text)
        };
        Ok(Object::Literal(Literal {
            value,
            datatype,
            language: None,
        }))
    }

    fn number(
        &self,
        number: &serde_json::Number,
        datatype: Option<&Arc<str>>,
    ) -> Result<Object<'a>, JsonLdError> {
        let (lexical, datatype) = number_literal(number, datatype).ok_or_else(|| {
            JsonLdError::Unsupported(format!("{UNSAFE_NUMBER} at {}", self.path()))
        })?;
        Ok(Object::Literal(Literal {
            value: Cow::Owned(lexical),
            datatype,
            language: None,
        }))
    }

    fn json_literal(&self, value: &'a Value) -> Result<Object<'a>, JsonLdError> {
        let text = canonical_json(value).ok_or_else(|| {
            JsonLdError::Unsupported(format!("{UNSAFE_NUMBER} at {}", self.path()))
        })?;
        Ok(Object::Literal(Literal {
            value: Cow::Owned(text),
            datatype: iri(RDF_JSON),
            language: None,
        }))
    }

    /// An identifier (`@id`, or a value coerced to `@id`/`@vocab`): absolute IRI or blank node.
    fn node_reference(
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

    fn type_iri(&self, context: &ActiveContext, name: &str) -> Result<Arc<str>, JsonLdError> {
        if let Some(iri) = context.terms.get(name).and_then(|d| d.iri.as_ref()) {
            if is_absolute_iri(iri) {
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

    fn fresh(&mut self) -> Node {
        self.next_blank += 1;
        Node::Blank(self.next_blank - 1)
    }

    fn emit(
        &mut self,
        subject: &Node,
        predicate: Arc<str>,
        object: Object<'a>,
        graph: Option<&Node>,
    ) -> Result<(), JsonLdError> {
        if self.quads.len() >= MAX_QUADS {
            return Err(JsonLdError::TooComplex("more than 50,000 statements"));
        }
        self.quads.push(Quad {
            subject: subject.clone(),
            predicate,
            object,
            graph: graph.cloned(),
        });
        Ok(())
    }

    fn path(&self) -> String {
        if self.path.is_empty() {
            return "/".into();
        }
        self.path.iter().fold(String::new(), |mut path, segment| {
            path.push('/');
            match segment {
                Segment::Key(key) => path.push_str(key),
                Segment::Index(index) => path.push_str(&index.to_string()),
            }
            path
        })
    }

    fn invalid(&self, reason: &str) -> JsonLdError {
        JsonLdError::Invalid {
            reason: reason.to_owned(),
            path: self.path(),
        }
    }
}

const OVERRIDE_PROTECTED: Options = Options {
    override_protected: true,
    propagate: true,
};
const TYPE_SCOPED: Options = Options {
    override_protected: false,
    propagate: false,
};

fn is_value_or_reference(map: &Map<String, Value>, context: &ActiveContext) -> bool {
    let expands_to =
        |key: &String, keyword: &str| expand_iri(context, key, true).as_deref() == Some(keyword);
    map.keys().any(|key| expands_to(key, "@value"))
        || (map.len() == 1 && map.keys().all(|key| expands_to(key, "@id")))
}

fn is_list_object(value: &Value, context: &ActiveContext) -> bool {
    value.as_object().is_some_and(|map| {
        map.keys()
            .any(|key| expand_iri(context, key, true).as_deref() == Some("@list"))
    })
}

fn plain_literal(text: &str, language: Option<Arc<str>>) -> Object<'_> {
    let datatype = iri(if language.is_some() {
        RDF_LANG_STRING
    } else {
        XSD_STRING
    });
    Object::Literal(Literal {
        value: Cow::Borrowed(text),
        datatype,
        language,
    })
}

fn boolean<'a>(flag: bool, datatype: Option<&Arc<str>>) -> Object<'a> {
    let value = Cow::Borrowed(if flag { "true" } else { "false" });
    let datatype = datatype.cloned().unwrap_or_else(|| iri(XSD_BOOLEAN));
    Object::Literal(Literal {
        value,
        datatype,
        language: None,
    })
}
