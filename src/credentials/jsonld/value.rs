//! Values: strings, numbers and booleans under a term's type coercion or language, value
//! objects (`@value`), and `@json` literals.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value;

use super::context::{ActiveContext, TermDefinition, TypeMapping};
use super::expand::Converter;
use super::iri::{expand_iri, is_language_tag};
use super::json::canonical_json;
use super::rdf::{
    canonical_double, iri, number_literal, Literal, Object, RDF_JSON, RDF_LANG_STRING,
    UNSAFE_NUMBER, XSD_BOOLEAN, XSD_DOUBLE, XSD_STRING,
};
use super::JsonLdError;

impl<'a> Converter<'a> {
    /// Value Expansion of a string, number or boolean under `definition`.
    pub(super) fn value(
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

    pub(super) fn value_object(
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

    pub(super) fn typed_string(
        &self,
        text: &'a str,
        datatype: Arc<str>,
    ) -> Result<Object<'a>, JsonLdError> {
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

    pub(super) fn number(
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

    pub(super) fn json_literal(&self, value: &'a Value) -> Result<Object<'a>, JsonLdError> {
        let text = canonical_json(value).ok_or_else(|| {
            JsonLdError::Unsupported(format!("{UNSAFE_NUMBER} at {}", self.path()))
        })?;
        Ok(Object::Literal(Literal {
            value: Cow::Owned(text),
            datatype: iri(RDF_JSON),
            language: None,
        }))
    }
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
