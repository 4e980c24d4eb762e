//! The fault suite: the real application with its dependencies taken away and given back.
//! Redis is a `redis-server` of the test's own on a spare port; the database is reached
//! through a TCP proxy the test controls, in front of PostgreSQL (`LANYARD_TEST_DATABASE_URL`,
//! or the local default); crashes are `kill -9` of the built `lanyard` binary. Every child
//! process is killed when its guard drops, even when a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod crash;
mod database;
mod redis_lost;
mod support;
