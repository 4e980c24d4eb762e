//! One test binary: the real application over HTTP, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod api;
mod authorization;
mod badges;
mod claim;
mod claim_limits;
mod disclosure;
mod helpers;
mod limits_support;
mod locale;
mod public_pages;
mod recipients;
mod revocation;
mod setup;
mod signin_limits;
mod signing;
mod signup_limits;
mod sweep;
mod thin_path;
mod uploads;
mod verify;
mod verify_issuer;
