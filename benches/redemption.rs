//! Claim-code redemptions per second: youth redeeming single-use codes of one batch, each
//! through the same transaction as `POST /c/{city}/claim` (the code marked, the award written
//! through the one issuance path, its audit event, its e-mail queued, the redemption recorded),
//! one after another and from four threads at once, on SQLite (default) or PostgreSQL
//! (`LANYARD_BENCH_DATABASE_URL`; a fresh database is created and dropped). Signing the
//! credential follows the commit and is measured by `benches/signing.rs`.
//! `LANYARD_BENCH_REDEMPTIONS` sets the count per run (2000).
//!
//!     cargo bench --bench redemption
//!     LANYARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench redemption
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::BenchDatabase;

use std::time::Instant;

use diesel::prelude::*;
use lanyard::audit::Actor;
use lanyard::auth::password;
use lanyard::db::schema::claim_codes;
use lanyard::db::Db;
use lanyard::earning::store::{self, CodeKind, NewBatch};
use lanyard::ids::{BadgeId, UserId};

/// Makes a batch of `count` codes of `badge` and returns them.
fn batch(
    db: &Db,
    city: lanyard::ids::CityId,
    badge: BadgeId,
    maker: UserId,
    count: usize,
) -> Vec<String> {
    let mut conn = db.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let id = store::create_batch(
        &mut conn,
        city,
        badge,
        maker,
        &NewBatch {
            kind: CodeKind::Single,
            count: i32::try_from(count).unwrap(),
            valid_from: None,
            valid_until: None,
            activity: None,
            session_on: None,
            site: String::new(),
        },
        now,
    )
    .unwrap();
    claim_codes::table
        .filter(claim_codes::batch_id.eq(id))
        .order(claim_codes::id.asc())
        .select(claim_codes::code)
        .load(&mut conn)
        .unwrap()
}

fn main() {
    let count: usize = std::env::var("LANYARD_BENCH_REDEMPTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let database = BenchDatabase::fresh();
    let url = database.url.clone();
    let db = Db::connect(&url, 4).unwrap();
    lanyard::demo::seed(&db).unwrap();
    let mut conn = db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let hash = password::hash("bench youth password").unwrap();
    let usernames: Vec<String> = (0..count).map(|i| format!("bench-youth-{i}")).collect();
    let youth = lanyard::demo::add_youth(&mut conn, city.id, &usernames, &hash, None).unwrap();
    let badge_of = |slug: &str, conn: &mut lanyard::db::DbConnection| {
        lanyard::badges::store::find_by_slug(conn, city.id, slug)
            .unwrap()
            .unwrap()
            .id
    };
    let (first, second) = (
        badge_of("comic-creator", &mut conn),
        badge_of("reading-explorer", &mut conn),
    );
    let (maker, _) = lanyard::auth::store::find_user_by_login(&mut conn, "mentor")
        .unwrap()
        .expect("the demo's mentor");
    let maker = maker.id;
    drop(conn);
    let backend = database.backend();
    let actor = Actor::command_line();

    // One after another.
    let codes = batch(&db, city.id, first, maker, count);
    let mut conn = db.get().unwrap();
    let started = Instant::now();
    for (code, who) in codes.iter().zip(&youth) {
        store::redeem(
            &mut conn,
            &city,
            code,
            *who,
            &actor,
            "https://badges.example.org",
            "203.0.113.7",
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{backend}, one at a time: {count} redemptions in {seconds:.2} s = {:.0} redemptions/s",
        count as f64 / seconds
    );
    drop(conn);

    // Four at once, as four server workers would.
    let codes = batch(&db, city.id, second, maker, count);
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (db, city, actor) = (db.clone(), city.clone(), actor.clone());
            let mine: Vec<(String, UserId)> = codes
                .iter()
                .zip(&youth)
                .skip(t)
                .step_by(4)
                .map(|(c, y)| (c.clone(), *y))
                .collect();
            std::thread::spawn(move || {
                let mut conn = db.get().unwrap();
                for (code, who) in mine {
                    store::redeem(
                        &mut conn,
                        &city,
                        &code,
                        who,
                        &actor,
                        "https://badges.example.org",
                        "203.0.113.7",
                        chrono::Utc::now().naive_utc(),
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{backend}, four threads: {count} redemptions in {seconds:.2} s = {:.0} redemptions/s",
        count as f64 / seconds
    );
    drop(db);
    database.remove();
}
