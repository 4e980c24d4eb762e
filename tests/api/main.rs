//! One test binary: the real application over HTTP, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod api;
mod authorization;
mod badges;
mod claim;
mod helpers;
mod locale;
mod probes;
mod public_pages;
mod revocation;
mod setup;
mod signing;
mod thin_path;
mod verify;
