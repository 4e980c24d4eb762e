//! One test binary: the real application over HTTP, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod activities;
mod activity_import;
mod api;
mod audit_trail;
mod authorization;
mod badge_design;
mod badge_edit;
mod badges;
mod catalog;
mod cities;
mod city_settings;
mod claim;
mod claim_batches;
mod claim_limits;
mod csrf_binding;
mod disclosure;
mod helpers;
mod invitations;
mod limits_support;
mod locale;
mod mail;
mod partners;
mod pathways;
mod privacy;
mod probes;
mod public_pages;
mod recipients;
mod reviews;
mod revocation;
mod setup;
mod signin_limits;
mod signing;
mod signup_limits;
mod staff_awards;
mod staff_roles;
mod sweep;
mod thin_path;
mod transport;
mod uploads;
mod verify;
mod verify_issuer;
