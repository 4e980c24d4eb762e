//! E-mail: the outbox delivered through a real SMTP server started by the tests
//! (`tests/smtp/sink.py`, aiosmtpd), while it is down and by several workers at once; and the
//! operator's mail viewer.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use lanyard::db::schema::outbox;
use lanyard::notify::{enqueue, Mail};
use lanyard::settings::Settings;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{
    assert_sign_in_redirect, spawn_app_sharing, spawn_app_with, test_settings, TestApp,
};

/// A real SMTP server on 127.0.0.1 storing every message it accepts as a file.
pub struct SmtpSink {
    child: Child,
    dir: PathBuf,
}

impl SmtpSink {
    pub fn start(port: u16, dir: &std::path::Path) -> SmtpSink {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/smtp/sink.py (aiosmtpd installed?)");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).expect("the sink starts");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        SmtpSink {
            child,
            dir: dir.to_path_buf(),
        }
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        received(&self.dir)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a stored message"))
        .collect()
}

/// The value of `name` among the headers of a raw message.
pub fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let prefix = format!("{}:", name.to_ascii_lowercase());
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a spare port")
        .port()
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir()
        .join("lanyard-tests")
        .join(format!("mail-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("mail dir");
    dir
}

/// Settings that deliver to the SMTP server on `port` quickly and retry soon.
fn smtp_settings(port: u16) -> Settings {
    let mut settings = test_settings();
    settings.mail.smtp_host = "127.0.0.1".into();
    settings.mail.smtp_port = port;
    settings.mail.tls = "none".into();
    settings.mail.from = "Riverton Summer <summer@riverton.test>".into();
    settings.mail.poll_interval_ms = 100;
    settings.mail.retry_base_ms = 300;
    settings.mail.retry_cap_ms = 1200;
    settings.mail.max_attempts = 50;
    settings.mail.timeout_ms = 2000;
    settings
}

/// A message as a context would queue it, committed at once.
pub fn queue_mail(app: &TestApp, to: &str, subject: &str) -> (i64, String) {
    let mut conn = app.db.get().expect("connection");
    let mail = Mail {
        city_id: None,
        kind: "test.message",
        to: to.to_string(),
        locale: "en",
        subject: subject.to_string(),
        text: format!("Hello,\n\nJoin here: https://riverton.test/join/{subject}\n"),
        html: format!(
            "<p>Hello,</p><p><a href=\"https://riverton.test/join/{subject}\">Join</a></p>"
        ),
    };
    let now = chrono::Utc::now().naive_utc();
    let message_id = enqueue(&mut conn, &mail, now).expect("enqueue");
    let id = outbox::table
        .filter(outbox::message_id.eq(&message_id))
        .select(outbox::id)
        .first(&mut conn)
        .expect("the queued row");
    (id, message_id)
}

/// (status, attempts, last_error) of every message, by id.
fn outbox_rows(app: &TestApp) -> BTreeMap<i64, (String, i32, String)> {
    let mut conn = app.db.get().expect("connection");
    outbox::table
        .select((
            outbox::id,
            outbox::status,
            outbox::attempts,
            outbox::last_error,
        ))
        .load::<(i64, String, i32, String)>(&mut conn)
        .expect("outbox")
        .into_iter()
        .map(|(id, s, a, e)| (id, (s, a, e)))
        .collect()
}

async fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn readiness(app: &TestApp) -> serde_json::Value {
    app.get(&app.client(), "/readyz")
        .await
        .json()
        .await
        .expect("readyz JSON")
}

/// How many times each Message-ID arrived.
fn arrivals(messages: &[String]) -> BTreeMap<String, usize> {
    let mut count = BTreeMap::new();
    for raw in messages {
        let id = header(raw, "Message-ID").expect("every message has a Message-ID");
        *count.entry(id).or_insert(0) += 1;
    }
    count
}

#[tokio::test]
async fn a_queued_message_arrives_with_its_text_and_html_parts_its_message_id_and_subject() {
    let port = free_port();
    let dir = temp_dir();
    let sink = SmtpSink::start(port, &dir);
    let app = spawn_app_with(smtp_settings(port)).await;
    let (id, message_id) = queue_mail(&app, "ana@example.test", "welcome-ana");
    wait_for("the message to arrive", Duration::from_secs(20), || {
        !sink.messages().is_empty()
    })
    .await;
    wait_for("the outbox to say sent", Duration::from_secs(10), || {
        outbox_rows(&app)[&id].0 == "sent"
    })
    .await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let raw = &messages[0];
    assert_eq!(
        header(raw, "Message-ID").as_deref(),
        Some(message_id.as_str())
    );
    assert_eq!(header(raw, "Subject").as_deref(), Some("welcome-ana"));
    assert_eq!(header(raw, "To").as_deref(), Some("ana@example.test"));
    assert!(
        header(raw, "From").is_some_and(|f| f.contains("summer@riverton.test")),
        "{raw}"
    );
    assert!(raw.contains("multipart/alternative"), "{raw}");
    let plain = raw.find("text/plain").expect("a text part");
    let html = raw.find("text/html").expect("an HTML part");
    assert!(plain < html, "plain text first, HTML preferred last");
    assert!(raw.contains("Join here: https://riverton.test/join/welcome-ana"));
    assert!(
        raw.contains("<a href=3D\"https://riverton.test/join/welcome-ana\">")
            || raw.contains("<a href=\"https://riverton.test/join/welcome-ana\">"),
        "{raw}"
    );
    let ready = readiness(&app).await;
    assert_eq!(ready["mail"]["status"], "ok", "{ready}");
}

#[tokio::test]
async fn while_the_smtp_server_is_down_messages_wait_and_retry_then_each_arrives_exactly_once() {
    let port = free_port();
    let dir = temp_dir();
    let app = spawn_app_with(smtp_settings(port)).await;
    let queued: Vec<(i64, String)> = (0..4)
        .map(|n| queue_mail(&app, &format!("kid{n}@example.test"), &format!("down-{n}")))
        .collect();
    // Pages are served at once while every delivery fails.
    let started = Instant::now();
    let response = app.get(&app.client(), "/signin").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(2));
    wait_for(
        "every message to fail twice",
        Duration::from_secs(30),
        || {
            outbox_rows(&app)
                .values()
                .all(|(_, attempts, _)| *attempts >= 2)
        },
    )
    .await;
    let rows = outbox_rows(&app);
    for (status, attempts, error) in rows.values() {
        assert_eq!(
            status, "pending",
            "a message waits while the server is down"
        );
        assert!(!error.is_empty(), "the failure is recorded");
        // Without backoff, a 100 ms poll would have tried ~10 times a second.
        assert!(*attempts < 12, "retries back off: {attempts} attempts");
    }
    let ready = readiness(&app).await;
    assert_eq!(ready["status"], "degraded", "{ready}");
    assert_eq!(ready["mail"]["status"], "degraded", "{ready}");

    let sink = SmtpSink::start(port, &dir);
    wait_for("every message to be sent", Duration::from_secs(30), || {
        outbox_rows(&app)
            .values()
            .all(|(status, _, _)| status == "sent")
    })
    .await;
    // Nothing more arrives afterwards.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let arrived = arrivals(&sink.messages());
    let expected: BTreeMap<String, usize> = queued.iter().map(|(_, id)| (id.clone(), 1)).collect();
    assert_eq!(arrived, expected, "each message arrives exactly once");
    let ready = readiness(&app).await;
    assert_eq!(ready["mail"]["status"], "ok", "{ready}");
}

#[tokio::test]
async fn several_workers_on_one_database_never_send_one_message_twice() {
    let port = free_port();
    let dir = temp_dir();
    let sink = SmtpSink::start(port, &dir);
    // Workers off while the queue fills, so that they all start on a full queue.
    let mut quiet = smtp_settings(port);
    quiet.mail.worker = false;
    let first = spawn_app_with(quiet).await;
    let queued: Vec<(i64, String)> = (0..40)
        .map(|n| {
            queue_mail(
                &first,
                &format!("crowd{n}@example.test"),
                &format!("crowd-{n}"),
            )
        })
        .collect();
    let mut settings = smtp_settings(port);
    settings.mail.poll_interval_ms = 20;
    let second = spawn_app_sharing(settings.clone(), first).await;
    let third = spawn_app_sharing(settings.clone(), second).await;
    let standalone = lanyard::notify::worker::Worker::new(third.db.clone(), &settings.mail)
        .expect("a worker")
        .spawn();
    wait_for("every message to be sent", Duration::from_secs(60), || {
        outbox_rows(&third)
            .values()
            .all(|(status, _, _)| status == "sent")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    standalone.stop().await;
    let arrived = arrivals(&sink.messages());
    assert_eq!(arrived.len(), queued.len(), "every message arrived");
    let twice: Vec<_> = arrived.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert!(outbox_rows(&third)
        .values()
        .all(|(_, attempts, _)| *attempts == 1));
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

#[tokio::test]
async fn the_operator_reads_every_message_in_the_viewer_and_follows_its_links() {
    let app = spawn_app_with(test_settings()).await;
    let world = app.seed_world();
    let (first, _) = queue_mail(&app, "ana@example.test", "first-ana");
    let (_second, _) = queue_mail(&app, "ben@example.test", "second-ben");
    // With no SMTP configured, the worker delivers them to the viewer.
    wait_for(
        "both to be delivered to the viewer",
        Duration::from_secs(20),
        || {
            outbox_rows(&app)
                .values()
                .all(|(status, _, _)| status == "delivered")
        },
    )
    .await;
    let operator = app.signed_in(&world.person("operator")).await;

    let response = app.get(&operator, "/admin/mail").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("page");
    assert_eq!(
        texts(&page, "tr.mail td.subject"),
        vec!["second-ben", "first-ana"],
        "newest first"
    );
    assert_eq!(
        texts(&page, "tr.mail td.to"),
        vec!["ben@example.test", "ana@example.test"]
    );
    assert!(texts(&page, "tr.mail td.status")
        .iter()
        .all(|s| s.contains("no SMTP")));
    assert_eq!(
        texts(&page, "tr.mail td.kind"),
        vec!["test.message", "test.message"]
    );

    let filtered = app
        .get(&operator, "/admin/mail?to=ANA%40")
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(texts(&filtered, "tr.mail td.to"), vec!["ana@example.test"]);
    let none = app
        .get(&operator, "/admin/mail?to=nobody%25")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        texts(&none, "tr.mail").is_empty(),
        "% is a character, not a wildcard"
    );
    assert_eq!(
        texts(&none, "p.empty a").len(),
        1,
        "the empty list offers all mail"
    );

    let message = app.get(&operator, &format!("/admin/mail/{first}")).await;
    assert_eq!(message.status(), StatusCode::OK);
    let message = message.text().await.expect("page");
    assert_eq!(texts(&message, "h1"), vec!["first-ana"]);
    assert!(texts(&message, "pre.mail-text")[0]
        .contains("Join here: https://riverton.test/join/first-ana"));
    assert_eq!(
        texts(&message, "ul.mail-links a"),
        vec!["https://riverton.test/join/first-ana"]
    );
    let document = Html::parse_document(&message);
    let frame = document
        .select(&Selector::parse("iframe.mail-html").expect("selector"))
        .next()
        .expect("the HTML part is framed");
    assert_eq!(
        frame.value().attr("src"),
        Some(format!("/admin/mail/{first}/html").as_str())
    );
    assert!(frame.value().attr("sandbox").is_some());

    let html = app
        .get(&operator, &format!("/admin/mail/{first}/html"))
        .await;
    assert_eq!(html.status(), StatusCode::OK);
    let policy = html.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(policy.starts_with("sandbox"), "{policy}");
    assert!(policy.contains("frame-ancestors 'self'"), "{policy}");
    assert!(html
        .text()
        .await
        .expect("body")
        .contains("https://riverton.test/join/first-ana"));
}

#[tokio::test]
async fn only_the_operator_may_see_the_mail_and_bad_input_is_answered_400_or_404() {
    let app = spawn_app_with(test_settings()).await;
    let world = app.seed_world();
    let (id, _) = queue_mail(&app, "ana@example.test", "private");
    for role in ["coordinator", "youth"] {
        let client = app.signed_in(&world.person(role)).await;
        for path in [
            "/admin/mail".to_string(),
            format!("/admin/mail/{id}"),
            format!("/admin/mail/{id}/html"),
        ] {
            let response = app.get(&client, &path).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role} {path}");
            assert!(!response
                .text()
                .await
                .expect("body")
                .contains("ana@example.test"));
        }
    }
    assert_sign_in_redirect(&app.get(&app.client(), "/admin/mail").await);

    let operator = app.signed_in(&world.person("operator")).await;
    for (path, status) in [
        ("/admin/mail?page=0", StatusCode::BAD_REQUEST),
        ("/admin/mail?page=-3", StatusCode::BAD_REQUEST),
        ("/admin/mail?page=abc", StatusCode::BAD_REQUEST),
        (
            "/admin/mail?page=99999999999999999999",
            StatusCode::BAD_REQUEST,
        ),
        ("/admin/mail?page=2", StatusCode::NOT_FOUND),
        ("/admin/mail/abc", StatusCode::NOT_FOUND),
        ("/admin/mail/99999999", StatusCode::NOT_FOUND),
        ("/admin/mail/-1", StatusCode::NOT_FOUND),
        ("/admin/mail/99999999999999999999999", StatusCode::NOT_FOUND),
        ("/admin/mail/abc/html", StatusCode::NOT_FOUND),
    ] {
        let response = app.get(&operator, path).await;
        assert_eq!(response.status(), status, "{path}");
    }
    let long = format!("/admin/mail?to={}", "a".repeat(300));
    assert_eq!(
        app.get(&operator, &long).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_list_is_paginated_fifty_a_page() {
    let mut settings = test_settings();
    settings.mail.worker = false;
    let app = spawn_app_with(settings).await;
    let world = app.seed_world();
    for n in 0..55 {
        queue_mail(&app, &format!("p{n}@example.test"), &format!("page-{n}"));
    }
    let operator = app.signed_in(&world.person("operator")).await;
    let first = app
        .get(&operator, "/admin/mail")
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(texts(&first, "tr.mail").len(), 50);
    assert_eq!(texts(&first, "a[rel=next]").len(), 1);
    assert!(texts(&first, "tr.mail td.status")
        .iter()
        .all(|s| s == "Waiting"));
    let second = app
        .get(&operator, "/admin/mail?page=2")
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(
        texts(&second, "tr.mail td.subject"),
        vec!["page-4", "page-3", "page-2", "page-1", "page-0"]
    );
    assert_eq!(texts(&second, "a[rel=prev]").len(), 1);
}
