//! Lanyard: a multi-tenant portal for city-wide youth learning programs. See `DESIGN.md`'s map in
//! the docs: one module per bounded context, each with `handlers`, `store` and `pages`.

rust_i18n::i18n!("src/i18n/locales", fallback = "en");

pub mod account;
pub mod activities;
pub mod api;
pub mod audit;
pub mod auth;
pub mod awards;
pub mod badges;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod color;
pub mod credentials;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod demo_oidc;
pub mod earning;
pub mod error;
pub mod family;
pub mod fields;
pub mod health;
pub mod i18n;
pub mod ids;
pub mod invitations;
pub mod kv;
pub mod notify;
pub mod orgs;
pub mod pathways;
pub mod review;
pub mod routes;
pub mod secrets;
pub mod settings;
pub mod signing;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tenancy;
pub mod verify;
pub mod web;
