//! The cryptographic core of credential signing: JSON-LD canonicalization (RDFC-1.0, safe mode)
//! over contexts bundled in the binary, Data Integrity `eddsa-rdfc-2022` proofs, and Ed25519 keys
//! as Multikey strings and `did:key` identifiers. Pure functions, no I/O: issuer documents and
//! keys at rest are the callers' business.

pub mod contexts;
pub mod didkey;
pub mod jsonld;
pub mod multikey;
pub mod proof;

#[cfg(test)]
mod tests;
