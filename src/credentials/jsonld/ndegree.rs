//! RDFC-1.0 N-degree hashing (§4.8–4.9), for blank nodes first-degree hashes cannot tell apart,
//! with a work budget: graphs built to make it exponential ("poison" graphs) are refused, as
//! rdf-canonize refuses them, instead of keeping a server busy.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::rdf::{Node, Object, Quad};
use super::JsonLdError;

/// Permutations tried for one document. Documents with a few identical sibling nodes need a
/// handful; an 8-node clique of identical blank nodes would need millions.
const MAX_PERMUTATIONS: usize = 20_000;

/// What N-degree hashing may still spend on one document. Deep iterations (runs of Hash N-Degree
/// Quads) are capped at the number of blank nodes that need them, rdf-canonize's default
/// (`maxWorkFactor` 1), so Lanyard accepts no document Digital Bazaar's verifier would refuse.
pub(crate) struct Budget {
    deep_iterations: usize,
    permutations: usize,
}

impl Budget {
    /// `ambiguous_blank_nodes` to the power `work_factor` deep iterations (1 in production).
    pub(crate) fn new(ambiguous_blank_nodes: usize, work_factor: u32) -> Self {
        Budget {
            deep_iterations: ambiguous_blank_nodes.saturating_pow(work_factor),
            permutations: MAX_PERMUTATIONS,
        }
    }
}

/// Blank node identifiers issued in order (RDFC-1.0 §4.5).
#[derive(Clone)]
pub(crate) struct Issuer {
    prefix: &'static str,
    issued: Vec<u32>,
}

impl Issuer {
    pub(crate) fn new(prefix: &'static str) -> Self {
        Issuer {
            prefix,
            issued: Vec::new(),
        }
    }

    pub(crate) fn get(&self, blank: u32) -> Option<String> {
        let position = self.issued.iter().position(|b| *b == blank)?;
        Some(format!("{}{position}", self.prefix))
    }

    pub(crate) fn issue(&mut self, blank: u32) -> String {
        if !self.issued.contains(&blank) {
            self.issued.push(blank);
        }
        self.get(blank).unwrap_or_default()
    }

    pub(crate) fn issued(&self) -> &[u32] {
        &self.issued
    }
}

pub(crate) struct NDegree<'q, 'b, 'a> {
    pub quads: &'q [Quad<'a>],
    /// Quad indices per blank node.
    pub mentions: &'q [Vec<usize>],
    /// Hex first-degree hash per blank node.
    pub first_degree: &'q [String],
    pub canonical: &'q Issuer,
    pub budget: &'b mut Budget,
}

impl NDegree<'_, '_, '_> {
    /// Hash N-Degree Quads (§4.9): the hash of `identifier`'s surroundings and the issuer that
    /// produced it.
    pub(crate) fn hash(
        &mut self,
        identifier: u32,
        issuer: Issuer,
    ) -> Result<(String, Issuer), JsonLdError> {
        self.budget.deep_iterations = self
            .budget
            .deep_iterations
            .checked_sub(1)
            .ok_or(TOO_COMPLEX)?;
        let mut issuer = issuer;
        let mut related_by_hash: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for index in self
            .mentions
            .get(identifier as usize)
            .map_or(&[][..], Vec::as_slice)
        {
            let Some(quad) = self.quads.get(*index) else {
                continue;
            };
            let positions = [
                (Some(&quad.subject), "s"),
                (
                    match &quad.object {
                        Object::Node(node) => Some(node),
                        Object::Literal(_) => None,
                    },
                    "o",
                ),
                (quad.graph.as_ref(), "g"),
            ];
            for (node, position) in positions {
                if let Some(Node::Blank(related)) = node {
                    if *related != identifier {
                        let hash = self.hash_related(*related, quad, &issuer, position);
                        related_by_hash.entry(hash).or_default().push(*related);
                    }
                }
            }
        }
        let mut data = String::new();
        for (related_hash, related) in related_by_hash {
            data.push_str(&related_hash);
            let mut chosen: Option<(String, Issuer)> = None;
            for permutation in permutations(&related) {
                self.budget.permutations =
                    self.budget.permutations.checked_sub(1).ok_or(TOO_COMPLEX)?;
                if let Some(candidate) =
                    self.path(&permutation, &issuer, chosen.as_ref().map(|c| c.0.as_str()))?
                {
                    if chosen.as_ref().is_none_or(|(path, _)| candidate.0 < *path) {
                        chosen = Some(candidate);
                    }
                }
            }
            if let Some((path, chosen_issuer)) = chosen {
                data.push_str(&path);
                issuer = chosen_issuer;
            }
        }
        Ok((hex::encode(Sha256::digest(data.as_bytes())), issuer))
    }

    /// One permutation's path (§4.9.3 step 5.4), or `None` once it cannot beat `best`.
    fn path(
        &mut self,
        permutation: &[u32],
        issuer: &Issuer,
        best: Option<&str>,
    ) -> Result<Option<(String, Issuer)>, JsonLdError> {
        let worse = |path: &str| best.is_some_and(|best| path.len() >= best.len() && path > best);
        let mut issuer = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for related in permutation {
            path.push_str("_:");
            match self.canonical.get(*related) {
                Some(id) => path.push_str(&id),
                None => {
                    if issuer.get(*related).is_none() {
                        recursion.push(*related);
                    }
                    path.push_str(&issuer.issue(*related));
                }
            }
            if worse(&path) {
                return Ok(None);
            }
        }
        for related in recursion {
            let (hash, result_issuer) = self.hash(related, issuer.clone())?;
            path.push_str("_:");
            path.push_str(&issuer.issue(related));
            path.push('<');
            path.push_str(&hash);
            path.push('>');
            issuer = result_issuer;
            if worse(&path) {
                return Ok(None);
            }
        }
        Ok(Some((path, issuer)))
    }

    /// Hash Related Blank Node (§4.8).
    fn hash_related(
        &self,
        related: u32,
        quad: &Quad<'_>,
        issuer: &Issuer,
        position: &str,
    ) -> String {
        let mut input = String::from(position);
        if position != "g" {
            input.push('<');
            input.push_str(&quad.predicate);
            input.push('>');
        }
        match self.canonical.get(related).or_else(|| issuer.get(related)) {
            Some(id) => {
                input.push_str("_:");
                input.push_str(&id);
            }
            None => input.push_str(
                self.first_degree
                    .get(related as usize)
                    .map_or("", String::as_str),
            ),
        }
        hex::encode(Sha256::digest(input.as_bytes()))
    }
}

const TOO_COMPLEX: JsonLdError = JsonLdError::TooComplex("too many indistinguishable blank nodes");

/// Every ordering of `items` (Heap's algorithm); the caller's budget bounds how many are used.
fn permutations(items: &[u32]) -> impl Iterator<Item = Vec<u32>> {
    let mut current = items.to_vec();
    let mut counters = vec![0usize; items.len()];
    let mut first = true;
    let mut index = 1;
    std::iter::from_fn(move || {
        if first {
            first = false;
            return Some(current.clone());
        }
        while index < current.len() {
            let counter = counters.get(index).copied().unwrap_or(0);
            if counter < index {
                let other = if index % 2 == 0 { 0 } else { counter };
                current.swap(other, index);
                if let Some(c) = counters.get_mut(index) {
                    *c += 1;
                }
                index = 1;
                return Some(current.clone());
            }
            if let Some(c) = counters.get_mut(index) {
                *c = 0;
            }
            index += 1;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_all_distinct_orderings() {
        let all: Vec<Vec<u32>> = permutations(&[1, 2, 3, 4]).collect();
        assert_eq!(all.len(), 24);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 24);
        assert_eq!(permutations(&[7]).count(), 1);
    }
}
