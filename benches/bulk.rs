//! Awards per second through the one issuance path, on SQLite (default) or PostgreSQL
//! (`LANYARD_BENCH_DATABASE_URL`, a fresh database is created and dropped):
//!
//! - bulk issuance as `lanyard award --csv FILE` runs it: rows through `issuance::issue` a
//!   chunk per transaction, then each credential signed through the in-process
//!   `SigningService`;
//! - staff roster awards as the web's `…/awards` form makes them (`roster::check`, then
//!   `roster::award` in one transaction, then signing).
//!
//! `LANYARD_BENCH_AWARDS` sets the count of each (4000).
//!
//!     cargo bench --bench bulk
//!     LANYARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench bulk
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Instant;

use support::BenchDatabase;

use lanyard::audit::Actor;
use lanyard::auth::password;
use lanyard::awards::bulk::{self, Row};
use lanyard::awards::{issuance, roster};
use lanyard::db::Db;
use lanyard::signing::keys::Keyring;
use lanyard::signing::master::MasterKey;
use lanyard::signing::service::SigningService;

const BASE: &str = "https://badges.example.org";

fn main() {
    let count: usize = std::env::var("LANYARD_BENCH_AWARDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let database = BenchDatabase::fresh();
    let url = database.url.clone();
    let db = Db::connect(&url, 4).unwrap();
    lanyard::demo::seed(&db).unwrap();
    let mut conn = db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let org = lanyard::orgs::store::find_by_slug(&mut conn, city.id, "library")
        .unwrap()
        .unwrap();
    let hash = password::hash("bench youth password").unwrap();
    // Bulk rows give two badges to each of count/2 youth; the roster one badge to count others.
    let bulk_youth: Vec<String> = (0..count.div_ceil(2))
        .map(|i| format!("bench-youth-{i}"))
        .collect();
    let roster_youth: Vec<String> = (0..count).map(|i| format!("bench-roster-{i}")).collect();
    lanyard::demo::add_youth(&mut conn, city.id, &bulk_youth, &hash, None).unwrap();
    lanyard::demo::add_youth(&mut conn, city.id, &roster_youth, &hash, None).unwrap();
    drop(conn);
    let signer =
        SigningService::InProcess(Arc::new(Keyring::new(MasterKey::from_bytes(&[9u8; 32]))));
    let backend = database.backend();

    let rows: Vec<Row> = (0..count)
        .map(|i| Row {
            badge: if i % 2 == 0 {
                "reading-explorer"
            } else {
                "comic-creator"
            }
            .to_string(),
            recipient: format!("bench-youth-{}", i / 2),
        })
        .collect();
    let report = runtime
        .block_on(bulk::issue(&db, &signer, BASE, &city, &org, &rows))
        .unwrap();
    assert_eq!(
        report.awarded,
        count,
        "skipped: {:?}",
        report.skipped.first()
    );
    assert_eq!(report.unsigned, 0);
    println!(
        "bulk issuance on {backend}: {} awards made and signed in {:.2} s = {:.0} awards/s",
        report.awarded,
        report.seconds,
        report.per_second()
    );

    let started = Instant::now();
    let mut conn = db.get().unwrap();
    let badge = lanyard::badges::store::find_by_slug(&mut conn, city.id, "rocket-scientist")
        .unwrap()
        .unwrap();
    let museum = badge.org_id;
    let checked = roster::check(&mut conn, &city, badge.id, &roster_youth).unwrap();
    let done = roster::award(
        &mut conn,
        &city,
        museum,
        badge.id,
        &checked,
        &Actor::command_line(),
        BASE,
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    drop(conn);
    let unsigned = runtime.block_on(issuance::sign_all(
        &db,
        &signer,
        BASE,
        &city,
        &done.public_ids,
    ));
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!((done.awarded, unsigned), (count, 0));
    println!(
        "staff roster awards on {backend}: {} youth checked, awarded and signed in {:.2} s = {:.0} awards/s",
        done.awarded,
        seconds,
        done.awarded as f64 / seconds
    );
    drop(db);
    database.remove();
}
