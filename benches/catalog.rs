//! Catalog search and filtering over 10,000 activities: the latency of one catalog page as the
//! server makes it (the city's lists, the search with its total, translations, badges, and the
//! rendered HTML), p50 and p95 per kind of query, on SQLite (default) or PostgreSQL
//! (`LANYARD_BENCH_DATABASE_URL`; a fresh database is created and dropped).
//! `LANYARD_BENCH_ACTIVITIES` sets the count (10000), `LANYARD_BENCH_RUNS` the runs per query
//! (200); `LANYARD_BENCH_KEEP=1` keeps the database for a look at its query plans.
//!
//!     cargo bench --bench catalog
//!     LANYARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench catalog
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::BenchDatabase;

use std::time::{Duration, Instant};

use askama::Template;
use chrono::{NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use lanyard::catalog::pages::CatalogPage;
use lanyard::catalog::query::Params;
use lanyard::catalog::{self, index, store};
use lanyard::db::Db;
use lanyard::web::Chrome;

const ADJECTIVES: [&str; 8] = [
    "Junior", "Teen", "Family", "Weekend", "Summer", "Creative", "Outdoor", "Beginner",
];
const SUBJECTS: [(&str, &str, usize); 18] = [
    ("Robotics", "Robótica", 1),
    ("Painting", "Pintura", 0),
    ("Soccer", "Fútbol", 2),
    ("Poetry", "Poesía", 3),
    ("Chess", "Ajedrez", 1),
    ("Coding", "Programación", 1),
    ("Drumming", "Tambores", 4),
    ("Swimming", "Natación", 2),
    ("Pottery", "Cerámica", 0),
    ("Astronomy", "Astronomía", 1),
    ("Gardening", "Jardinería", 2),
    ("Photography", "Fotografía", 0),
    ("Dance", "Baile", 4),
    ("Theater", "Teatro", 0),
    ("Cooking", "Cocina", 1),
    ("Choir", "Coro", 4),
    ("Storytelling", "Cuentos", 3),
    ("Journalism", "Periodismo", 3),
];
const FORMATS: [(&str, &str); 5] = [
    ("Club", "Club de"),
    ("Workshop", "Taller de"),
    ("Lab", "Laboratorio de"),
    ("Camp", "Campamento de"),
    ("Hour", "Hora de"),
];

fn seed_activities(db: &Db, count: usize) {
    let mut conn = db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let lists = store::lists(&mut conn, city.id).unwrap();
    let orgs: Vec<_> = lists
        .orgs
        .iter()
        .map(|o| lanyard::ids::OrgId(o.id))
        .collect();
    let opens = NaiveDate::from_ymd_opt(2027, 6, 15).unwrap();
    let now = Utc::now().naive_utc();
    conn.transaction(|conn| {
        for i in 0..count {
            let adjective = ADJECTIVES[i % ADJECTIVES.len()];
            let (subject, sujeto, category) = SUBJECTS[(i / 3) % SUBJECTS.len()];
            let (format, formato) = FORMATS[(i / 7) % FORMATS.len()];
            let title = format!("{adjective} {subject} {format} #{i}");
            let description = format!(
                "A {format_l} for curious kids: {subject_l} with friendly mentors, all \
                 materials provided, in a small group. Bring a water bottle and a friend.",
                format_l = format.to_lowercase(),
                subject_l = subject.to_lowercase()
            );
            let start = opens + chrono::Duration::days((i % 70) as i64);
            let online = i % 5 == 0;
            let min_age = 4 + (i % 12) as i32;
            let id = store::insert_activity(
                conn,
                city.id,
                &store::SeedActivity {
                    org: orgs[i % orgs.len()],
                    title: &title,
                    description: &description,
                    location: "",
                    category: Some(lists.categories[category % lists.categories.len()].id),
                    neighborhood: (!online)
                        .then(|| lists.neighborhoods[i % lists.neighborhoods.len()].id),
                    age_min: Some(min_age),
                    age_max: Some(min_age + 4),
                    starts_on: Some(start),
                    ends_on: Some(start + chrono::Duration::days((i % 30) as i64)),
                    weekdays: 1 << (i % 7),
                    time_from: "10:00",
                    time_to: "12:00",
                    online,
                    cost_cents: if i % 3 == 0 { 0 } else { 500 * (i % 9) as i32 },
                    status: match i % 20 {
                        0 => "draft",
                        1 => "archived",
                        _ => store::PUBLISHED,
                    },
                },
                now,
            )?;
            if i % 2 == 0 {
                store::insert_translation(
                    conn,
                    id,
                    "es",
                    &format!("{formato} {} #{i}", sujeto.to_lowercase()),
                    &format!(
                        "Para niños y niñas curiosos: {} con mentores, materiales incluidos.",
                        sujeto.to_lowercase()
                    ),
                )?;
            }
        }
        index::fill_missing(conn)?;
        Ok::<(), diesel::result::Error>(())
    })
    .unwrap();
}

fn params(query: &str) -> Params {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    Params::from_pairs(&pairs)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let count: usize = std::env::var("LANYARD_BENCH_ACTIVITIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = std::env::var("LANYARD_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let database = BenchDatabase::fresh();
    let url = database.url.clone();
    let db = Db::connect(&url, 2).unwrap();
    lanyard::demo::seed(&db).unwrap();
    let started = Instant::now();
    seed_activities(&db, count);
    eprintln!("seeded {count} activities in {:?}", started.elapsed());
    let mut conn = db.get().unwrap();
    if database.is_postgres() {
        conn.batch_execute("ANALYZE").unwrap();
    } else {
        conn.batch_execute("ANALYZE; PRAGMA optimize;").unwrap();
    }
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let queries = [
        ("everything, first page", ""),
        ("everything, page 200", "page=200"),
        ("one word (robot)", "q=robot"),
        ("one letter, a whole word (c)", "q=c"),
        ("two-letter prefix (cl)", "q=cl"),
        (
            "two words, Spanish (niños robotica)",
            "q=ni%C3%B1os+robotica",
        ),
        ("word, by date", "q=painting&sort=date"),
        ("category", "category=stem"),
        ("age + free", "age=9&free=1"),
        ("date range", "from=2027-07-01&to=2027-07-07"),
        ("neighborhood, page 3", "neighborhood=riverside&page=3"),
        (
            "word + category + age + dates + page 2",
            "q=club&category=stem&age=10&from=2027-06-20&to=2027-08-01&page=2",
        ),
        ("nothing matches", "q=xylophone"),
    ];
    println!(
        "| query | URL parameters | results | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|---|---|"
    );
    for (label, query) in queries {
        let asked = params(query);
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        for run in 0..runs + 10 {
            let began = Instant::now();
            let outcome = catalog::find(&mut conn, city.id, &asked, "es").unwrap();
            total = outcome.found.total;
            let chrome = Chrome {
                locale: "es",
                user: None,
                csrf: String::new(),
                flash: None,
                path: "/c/riverton/activities".into(),
                city: None,
                css_url: "/static/style.css".into(),
                places: Default::default(),
            };
            let html = CatalogPage::new(chrome, city.clone(), asked.clone(), outcome)
                .render()
                .unwrap();
            std::hint::black_box(html);
            if run >= 10 {
                times.push(began.elapsed());
            }
        }
        times.sort();
        println!(
            "| {label} | `{query}` | {total} | {} | {} | {} |",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0)),
            ms(*times.last().unwrap()),
        );
    }
    drop(conn);
    drop(db);
    if std::env::var_os("LANYARD_BENCH_KEEP").is_some() {
        eprintln!("kept the database: {url}");
        return;
    }
    database.remove();
}
