//! JSON-LD expansion fused with conversion to RDF (JSON-LD 1.1 API §13 and §19): the document is
//! walked once and quads come out directly, without building the expanded form or a node map.
//! Node objects are in `node.rs`, values and literals in `value.rs`.
//!
//! Safe mode, as verifiers run it: a property or type the contexts do not define, a relative
//! identifier, a value outside any property, or a null `@value` is an error naming what failed,
//! never silently dropped (plain JSON-LD drops them, and what is dropped is never signed).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::context::{process, ActiveContext, Container, Options, TypeMapping};
use super::iri::expand_iri;
use super::rdf::{iri, Node, Object, Quad, RDF_FIRST, RDF_NIL, RDF_REST};
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
pub(super) enum Property<'a> {
    Top,
    Graph,
    Term(&'a str),
}

pub(super) enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Default)]
pub(super) struct Converter<'a> {
    pub(super) quads: Vec<Quad<'a>>,
    pub(super) next_blank: u32,
    /// Blank node labels written in the document, renumbered.
    pub(super) labelled: HashMap<String, u32>,
    pub(super) path: Vec<Segment<'a>>,
}

impl<'a> Converter<'a> {
    /// The expansion algorithm's recursion: `out` receives the RDF terms `element` stands for.
    pub(super) fn element(
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

    pub(super) fn property(
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

    pub(super) fn list(
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

    pub(super) fn fresh(&mut self) -> Node {
        self.next_blank += 1;
        Node::Blank(self.next_blank - 1)
    }

    pub(super) fn emit(
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

    pub(super) fn path(&self) -> String {
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

    pub(super) fn invalid(&self, reason: &str) -> JsonLdError {
        JsonLdError::Invalid {
            reason: reason.to_owned(),
            path: self.path(),
        }
    }
}

pub(super) const OVERRIDE_PROTECTED: Options = Options {
    override_protected: true,
    propagate: true,
};
pub(super) const TYPE_SCOPED: Options = Options {
    override_protected: false,
    propagate: false,
};

fn is_list_object(value: &Value, context: &ActiveContext) -> bool {
    value.as_object().is_some_and(|map| {
        map.keys()
            .any(|key| expand_iri(context, key, true).as_deref() == Some("@list"))
    })
}
