//! Crashes: `kill -9` of `lanyard serve` under partner-API load, and of `lanyard award --csv`
//! mid-way. After a restart nothing acknowledged is lost, nothing is awarded twice, and every
//! award's credential is served and verifies.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lanyard::db::Db;
use reqwest::{Client, StatusCode};

use crate::support::{award_counts, seed_youth, spare_port, Lanyard, TestDatabase};

const START: Duration = Duration::from_secs(20);

/// The token of the demo library and the slugs of its badges.
fn library(demo: &lanyard::demo::DemoData) -> (String, Vec<String>) {
    let token = demo
        .orgs
        .iter()
        .find(|o| o.slug == "library")
        .map(|o| o.api_token.clone())
        .expect("the library has a token");
    let badges = demo
        .badges
        .iter()
        .filter(|b| b.org == "library")
        .map(|b| b.slug.clone())
        .collect();
    (token, badges)
}

/// Awards `badge` to `recipient`; the status, or `None` when the connection failed.
async fn award(
    client: &Client,
    base: &str,
    token: &str,
    badge: &str,
    recipient: &str,
) -> Option<(StatusCode, serde_json::Value)> {
    let response = client
        .post(format!("{base}/api/v1/orgs/library/awards"))
        .bearer_auth(token)
        .json(&serde_json::json!({"badge": badge, "recipient": recipient}))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .ok()?;
    let status = response.status();
    Some((status, response.json().await.unwrap_or_default()))
}

/// Fetches every award's credential from the site and checks it with the site's verifier.
async fn assert_every_credential_is_served_and_valid(base: &str, public_ids: &[String]) {
    let client = Client::new();
    for id in public_ids {
        let credential: serde_json::Value = client
            .get(format!("{base}/c/riverton/awards/{id}"))
            .header("accept", "application/vc+ld+json")
            .send()
            .await
            .expect("GET credential")
            .json()
            .await
            .unwrap_or_else(|e| panic!("award {id} serves its credential: {e}"));
        let report: serde_json::Value = client
            .post(format!("{base}/api/v1/verify"))
            .json(&serde_json::json!({ "credential": credential }))
            .send()
            .await
            .expect("POST verify")
            .json()
            .await
            .expect("verification report");
        assert_eq!(report["verdict"], "valid", "award {id}: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_under_api_load_loses_no_acknowledged_award_and_duplicates_none() {
    let database = TestDatabase::create();
    let db = Db::connect(&database.url, 2).expect("database");
    let demo = lanyard::demo::seed(&db).expect("demo seed");
    let youth = seed_youth(&db, 80);
    let seeded = award_counts(&database.url).total;
    let (token, badges) = library(&demo);
    let pairs: Vec<(String, String)> = youth
        .iter()
        .flat_map(|y| badges.iter().map(move |b| (b.clone(), y.clone())))
        .collect();
    let master_key = lanyard::signing::master::MasterKey::generate_base64();
    let port = spare_port();
    let env = Lanyard::env(&database.url, &master_key, port);
    let base = format!("http://127.0.0.1:{port}");

    let mut server = Lanyard::spawn(&[], &env);
    server.wait_listening(START);

    // Four partners award in parallel; every 201 is an acknowledged award.
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String, String)>::new()));
    let queue = Arc::new(Mutex::new(pairs.clone()));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (queue, acknowledged) = (queue.clone(), acknowledged.clone());
        let (base, token) = (base.clone(), token.clone());
        workers.push(tokio::spawn(async move {
            let client = Client::new();
            loop {
                let Some((badge, recipient)) = queue.lock().expect("queue").pop() else {
                    return;
                };
                match award(&client, &base, &token, &badge, &recipient).await {
                    Some((StatusCode::CREATED, body)) => {
                        let id = body["id"].as_str().unwrap_or_default().to_string();
                        acknowledged
                            .lock()
                            .expect("acks")
                            .push((badge, recipient, id));
                    }
                    Some((status, body)) => panic!("award answered {status}: {body}"),
                    // The server is gone: this one was in flight.
                    None => return,
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().expect("acks").len() < 20 {
        assert!(Instant::now() < deadline, "20 awards within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill_9();
    for worker in workers {
        worker.await.expect("worker");
    }
    let acknowledged = acknowledged.lock().expect("acks").clone();
    let remaining = queue.lock().expect("queue").len();
    assert!(
        remaining > 0,
        "the server was killed while awards were pending"
    );

    let mut server = Lanyard::spawn(&[], &env);
    server.wait_listening(START);
    let client = Client::new();
    for (badge, recipient, id) in &acknowledged {
        let shown = client
            .get(format!("{base}/api/v1/awards/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET award");
        assert_eq!(
            shown.status(),
            StatusCode::OK,
            "acknowledged award {id} ({badge} to {recipient}) survived"
        );
    }
    // The partners retry everything not acknowledged: each pair ends up awarded exactly once.
    let done: HashSet<(String, String)> = acknowledged
        .iter()
        .map(|(b, r, _)| (b.clone(), r.clone()))
        .collect();
    for (badge, recipient) in pairs.iter().filter(|p| !done.contains(p)) {
        let (status, body) = award(&client, &base, &token, badge, recipient)
            .await
            .expect("the restarted server answers");
        assert!(
            status == StatusCode::CREATED || status == StatusCode::CONFLICT,
            "retrying {badge} for {recipient}: {status} {body}"
        );
    }
    let counts = award_counts(&database.url);
    assert_eq!(counts.duplicated_pairs, 0, "no pair awarded twice");
    assert_eq!(
        counts.total,
        seeded + pairs.len() as i64,
        "every pair awarded once"
    );
    assert_every_credential_is_served_and_valid(&base, &counts.public_ids).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_award_killed_mid_way_and_run_again_awards_every_row_exactly_once() {
    let database = TestDatabase::create();
    let db = Db::connect(&database.url, 2).expect("database");
    let demo = lanyard::demo::seed(&db).expect("demo seed");
    let youth = seed_youth(&db, 1500);
    let seeded = award_counts(&database.url).total;
    let (_, badges) = library(&demo);
    let csv_path = std::env::temp_dir().join(format!(
        "lanyard-fault-{}.csv",
        uuid::Uuid::new_v4().simple()
    ));
    let mut csv = String::from("badge,recipient\n");
    for y in &youth {
        for b in &badges {
            csv.push_str(&format!("{b},{y}\n"));
        }
    }
    std::fs::write(&csv_path, csv).expect("write the CSV");
    let rows = (youth.len() * badges.len()) as i64;
    let master_key = lanyard::signing::master::MasterKey::generate_base64();
    let port = spare_port();
    let env = Lanyard::env(&database.url, &master_key, port);
    let base = format!("http://127.0.0.1:{port}");
    let csv_arg = csv_path.to_string_lossy().to_string();
    let args = [
        "award",
        "--city",
        "riverton",
        "--org",
        "library",
        "--csv",
        &csv_arg,
        "--base-url",
        &base,
    ];

    let mut first = Lanyard::spawn(&args, &env);
    let deadline = Instant::now() + Duration::from_secs(60);
    let awarded_at_kill = loop {
        let total = award_counts(&database.url).total;
        if total > seeded {
            break total - seeded;
        }
        assert!(
            !first.child.has_exited(),
            "the run ended before any chunk:\n{}",
            first.log()
        );
        assert!(Instant::now() < deadline, "a first chunk within 60 s");
        std::thread::sleep(Duration::from_millis(20));
    };
    first.kill_9();
    let after_kill = award_counts(&database.url);
    assert!(
        awarded_at_kill < rows && after_kill.total - seeded < rows,
        "killed mid-way ({} of {rows})",
        after_kill.total - seeded
    );
    assert_eq!(after_kill.duplicated_pairs, 0);

    let mut again = Lanyard::spawn(&args, &env);
    let deadline = Instant::now() + Duration::from_secs(120);
    while !again.child.has_exited() {
        assert!(
            Instant::now() < deadline,
            "the second run ends within 120 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = again.log();
    let status = again.child.0.take().map(|mut c| c.wait().expect("status"));
    assert!(
        status.is_some_and(|s| s.success()),
        "the second run succeeds:\n{log}"
    );
    let counts = award_counts(&database.url);
    assert_eq!(counts.duplicated_pairs, 0, "no row awarded twice");
    assert_eq!(counts.total - seeded, rows, "every row awarded");
    let _ = std::fs::remove_file(&csv_path);

    // A sample of the awards, served by a server on the same database, verifies.
    let mut server = Lanyard::spawn(&[], &env);
    server.wait_listening(START);
    let step = (counts.public_ids.len() / 20).max(1);
    let sample: Vec<String> = counts.public_ids.iter().step_by(step).cloned().collect();
    tokio::time::timeout(
        Duration::from_secs(60),
        assert_every_credential_is_served_and_valid(&base, &sample),
    )
    .await
    .expect("the sample is verified within 60 s");
}
