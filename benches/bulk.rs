//! End-to-end bulk issuance: awards signed and stored per second through the same path as
//! `lanyard award --csv`, on SQLite (default) or PostgreSQL (`LANYARD_BENCH_DATABASE_URL`,
//! a fresh database is created and dropped). `LANYARD_BENCH_AWARDS` sets the count (4000).
//!
//!     cargo bench --bench bulk
//!     LANYARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench bulk
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::BenchDatabase;

use lanyard::auth::password;
use lanyard::awards::bulk::{self, Row};
use lanyard::db::Db;
use lanyard::signing::keys::Keyring;
use lanyard::signing::master::MasterKey;

fn main() {
    let count: usize = std::env::var("LANYARD_BENCH_AWARDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let database = BenchDatabase::fresh();
    let url = database.url.clone();
    let db = Db::connect(&url, 2).unwrap();
    lanyard::demo::seed(&db).unwrap();
    let mut conn = db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let org = lanyard::orgs::store::find_by_slug(&mut conn, city.id, "library")
        .unwrap()
        .unwrap();
    let youth_count = count.div_ceil(2);
    let hash = password::hash("bench youth password").unwrap();
    let usernames: Vec<String> = (0..youth_count)
        .map(|i| format!("bench-youth-{i}"))
        .collect();
    lanyard::demo::add_youth(&mut conn, city.id, &usernames, &hash, None).unwrap();
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
    let keyring = Keyring::new(MasterKey::from_bytes(&[9u8; 32]));
    let report = bulk::issue(
        &mut conn,
        &keyring,
        "https://badges.example.org",
        &city,
        &org,
        &rows,
    )
    .unwrap();
    assert_eq!(
        report.awarded,
        count,
        "skipped: {:?}",
        report.skipped.first()
    );
    let backend = database.backend();
    println!(
        "bulk issuance on {backend}: {} awards signed and stored in {:.2} s = {:.0} awards/s",
        report.awarded,
        report.seconds,
        report.per_second()
    );
    drop(conn);
    drop(db);
    database.remove();
}
