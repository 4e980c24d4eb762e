//! RDF Dataset Canonicalization (RDFC-1.0, SHA-256) and canonical N-Quads.
//!
//! A credential has a handful of blank nodes whose first-degree hashes all differ; then the
//! canonical labels follow from sorting those hashes and the whole algorithm is a sort. When two
//! blank nodes share a first-degree hash, the complete algorithm (N-degree hashing) runs, from
//! oxrdf, bounded so a hostile document cannot make it run for ever.

use std::collections::HashMap;

use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::{BlankNode, GraphName, Literal as OxLiteral, NamedNode, NamedOrBlankNode, Term};
use sha2::{Digest, Sha256};

use super::rdf::{write_quad, Node, Object, Quad};
use super::JsonLdError;

/// Blank nodes sharing first-degree hashes cost N-degree hashing, exponential at worst.
const MAX_AMBIGUOUS_BLANK_NODES: usize = 16;

/// The canonical N-Quads document: relabelled blank nodes, sorted lines, no duplicates.
pub(crate) fn canonical_nquads(
    mut quads: Vec<Quad<'_>>,
    blank_nodes: u32,
) -> Result<String, JsonLdError> {
    quads.sort_unstable();
    quads.dedup();
    let mut mentions: Vec<Vec<usize>> = vec![Vec::new(); blank_nodes as usize];
    for (index, quad) in quads.iter().enumerate() {
        for blank in quad.blank_nodes() {
            if let Some(list) = mentions.get_mut(blank as usize) {
                list.push(index);
            }
        }
    }
    let mut hashed: Vec<([u8; 32], u32)> = (0..blank_nodes)
        .filter(|b| mentions.get(*b as usize).is_some_and(|m| !m.is_empty()))
        .map(|b| {
            (
                first_degree_hash(
                    &quads,
                    mentions.get(b as usize).map_or(&[], Vec::as_slice),
                    b,
                ),
                b,
            )
        })
        .collect();
    hashed.sort_unstable();
    let unique = hashed.windows(2).all(|pair| pair[0].0 != pair[1].0);
    let mut labels: Vec<String> = vec![String::new(); blank_nodes as usize];
    if unique {
        for (rank, (_, blank)) in hashed.iter().enumerate() {
            if let Some(label) = labels.get_mut(*blank as usize) {
                *label = format!("c14n{rank}");
            }
        }
    } else {
        label_with_n_degree_hashes(&quads, &hashed, &mut labels)?;
    }
    let label = |blank: u32| labels.get(blank as usize).map_or("", String::as_str);
    let mut lines: Vec<String> = quads
        .iter()
        .map(|quad| {
            let mut line = String::with_capacity(160);
            write_quad(&mut line, quad, &label);
            line
        })
        .collect();
    lines.sort_unstable();
    Ok(lines.concat())
}

/// Hash First Degree Quads (RDFC-1.0 §4.6): the quads mentioning `reference`, with it written
/// `_:a` and every other blank node `_:z`, sorted.
fn first_degree_hash(quads: &[Quad<'_>], mentions: &[usize], reference: u32) -> [u8; 32] {
    let label = |blank: u32| if blank == reference { "a" } else { "z" };
    let mut lines: Vec<String> = mentions
        .iter()
        .filter_map(|index| quads.get(*index))
        .map(|quad| {
            let mut line = String::with_capacity(160);
            write_quad(&mut line, quad, &label);
            line
        })
        .collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    for line in &lines {
        hasher.update(line.as_bytes());
    }
    hasher.finalize().into()
}

/// The complete RDFC-1.0 algorithm (oxrdf's), for documents whose blank nodes first-degree
/// hashing cannot tell apart.
fn label_with_n_degree_hashes(
    quads: &[Quad<'_>],
    hashed: &[([u8; 32], u32)],
    labels: &mut [String],
) -> Result<(), JsonLdError> {
    let ambiguous = hashed
        .iter()
        .filter(|(hash, _)| hashed.iter().filter(|(other, _)| other == hash).count() > 1)
        .count();
    if ambiguous > MAX_AMBIGUOUS_BLANK_NODES {
        return Err(JsonLdError::TooComplex(
            "too many indistinguishable blank nodes",
        ));
    }
    let mut dataset = oxrdf::Dataset::new();
    for quad in quads {
        let converted = oxrdf::Quad::new(
            subject(&quad.subject),
            NamedNode::new_unchecked(&*quad.predicate),
            match &quad.object {
                Object::Node(node) => Term::from(subject(node)),
                Object::Literal(literal) => Term::from(match &literal.language {
                    Some(language) => OxLiteral::new_language_tagged_literal_unchecked(
                        literal.value.as_ref(),
                        language.as_ref(),
                    ),
                    None => OxLiteral::new_typed_literal(
                        literal.value.as_ref(),
                        NamedNode::new_unchecked(&*literal.datatype),
                    ),
                }),
            },
            quad.graph
                .as_ref()
                .map_or(GraphName::DefaultGraph, |g| GraphName::from(subject(g))),
        );
        dataset.insert(&converted);
    }
    let algorithm = CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    };
    let mapping: HashMap<_, _> = dataset.canonicalize_blank_nodes(algorithm);
    for (from, to) in mapping {
        let index = from
            .as_str()
            .strip_prefix('b')
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(label) = index.and_then(|i| labels.get_mut(i)) {
            *label = to.as_str().to_owned();
        }
    }
    if labels
        .iter()
        .enumerate()
        .any(|(i, l)| l.is_empty() && hashed.iter().any(|(_, b)| *b as usize == i))
    {
        return Err(JsonLdError::TooComplex(
            "blank node canonicalization failed",
        ));
    }
    Ok(())
}

fn subject(node: &Node) -> NamedOrBlankNode {
    match node {
        Node::Iri(iri) => NamedNode::new_unchecked(&**iri).into(),
        Node::Blank(id) => BlankNode::new_unchecked(format!("b{id}")).into(),
    }
}
