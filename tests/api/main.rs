//! One test binary: the real application over HTTP, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod api;
mod audit_trail;
mod authorization;
mod badges;
mod claim;
mod csrf_binding;
mod helpers;
mod locale;
mod public_pages;
mod revocation;
mod setup;
mod signing;
mod staff_roles;
mod thin_path;
mod transport;
mod verify;
