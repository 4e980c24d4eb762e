//! RDF Dataset Canonicalization (RDFC-1.0, SHA-256) and canonical N-Quads.
//!
//! A credential has a handful of blank nodes whose first-degree hashes all differ; then the
//! canonical labels follow from sorting those hashes and the whole algorithm is a sort. When
//! blank nodes share a first-degree hash, N-degree hashing (`ndegree.rs`) tells them apart.

use sha2::{Digest, Sha256};

use super::ndegree::{Budget, Issuer, NDegree};
use super::rdf::{write_quad, Quad};
use super::JsonLdError;

/// The canonical N-Quads document: relabelled blank nodes, sorted lines, no duplicates.
pub(crate) fn canonical_nquads(
    mut quads: Vec<Quad<'_>>,
    blank_nodes: u32,
    work_factor: u32,
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
    let order: Vec<u32> = if unique {
        hashed.iter().map(|(_, blank)| *blank).collect()
    } else {
        label_with_n_degree_hashes(&quads, &mentions, &hashed, blank_nodes, work_factor)?
            .issued()
            .to_vec()
    };
    let mut labels: Vec<String> = vec![String::new(); blank_nodes as usize];
    for (rank, blank) in order.iter().enumerate() {
        if let Some(label) = labels.get_mut(*blank as usize) {
            *label = format!("c14n{rank}");
        }
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

/// The canonical identifiers when some first-degree hashes are shared (RDFC-1.0 §4.4.3 steps
/// 4 to 5): unique hashes first, in hash order, then each shared one by N-degree hashing.
fn label_with_n_degree_hashes(
    quads: &[Quad<'_>],
    mentions: &[Vec<usize>],
    hashed: &[([u8; 32], u32)],
    blank_nodes: u32,
    work_factor: u32,
) -> Result<Issuer, JsonLdError> {
    let mut first_degree = vec![String::new(); blank_nodes as usize];
    for (hash, blank) in hashed {
        if let Some(slot) = first_degree.get_mut(*blank as usize) {
            *slot = hex::encode(hash);
        }
    }
    let groups: Vec<&[([u8; 32], u32)]> = hashed.chunk_by(|a, b| a.0 == b.0).collect();
    let mut canonical = Issuer::new("c14n");
    for group in groups.iter().filter(|g| g.len() == 1) {
        for (_, blank) in group.iter() {
            canonical.issue(*blank);
        }
    }
    let ambiguous: Vec<&[([u8; 32], u32)]> = groups.into_iter().filter(|g| g.len() > 1).collect();
    let mut budget = Budget::new(ambiguous.iter().map(|g| g.len()).sum(), work_factor);
    for group in ambiguous {
        let mut results = Vec::new();
        for (_, blank) in group {
            if canonical.get(*blank).is_some() {
                continue;
            }
            let mut temporary = Issuer::new("b");
            temporary.issue(*blank);
            let mut hashing = NDegree {
                quads,
                mentions,
                first_degree: &first_degree,
                canonical: &canonical,
                budget: &mut budget,
            };
            results.push(hashing.hash(*blank, temporary)?);
        }
        results.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, issuer) in results {
            for blank in issuer.issued() {
                canonical.issue(*blank);
            }
        }
    }
    Ok(canonical)
}
