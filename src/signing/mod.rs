//! The shared signing service: one Ed25519 key per issuer profile, sealed under the operator's
//! master key; every signature goes through `SigningService::sign` and into the append-only
//! signature log. It runs in-process, or as `lanyard signer` behind an authenticated HTTP API
//! so that web servers hold no private key.

pub mod baking;
pub mod handlers;
pub mod keys;
pub mod log;
pub mod master;
pub mod ob2;
pub mod ob3;
pub mod pages;
pub mod remote;
pub mod service;
pub mod status;
