//! The database made unreachable while the app runs (a proxy in front of PostgreSQL goes
//! silent) and given back: every visitor, signed in or not, gets the same prompt 503 page with
//! the security headers, `/readyz` says the database is down, and the app recovers by itself.

use std::time::Duration;

use lanyard::db::Db;
use reqwest::{Response, StatusCode};

use crate::support::{
    browser, eventually, heading, host_port, password_of, promptly, App, Proxy, ProxyMode,
    TestDatabase,
};

/// Asserts the 503 page a person sees, in `title`, with the security headers.
async fn assert_unavailable_page(response: Response, title: &str) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let headers = response.headers().clone();
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(headers.contains_key(name), "the 503 page carries {name}");
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.expect("body");
    assert_eq!(heading(&html), title, "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_answers_every_visitor_at_once_with_the_same_page_and_recovers() {
    let database = TestDatabase::create();
    let proxy = Proxy::start(host_port(&database.url));
    let db = Db::connect(&database.url_through(&proxy), 4).expect("database through the proxy");
    let demo = lanyard::demo::seed(&db).expect("demo seed");
    let app = App::start(crate::support::settings(), db).await;
    let password = password_of(&demo, "maya");
    let maya = browser();
    assert_eq!(
        app.sign_in(&maya, "maya", &password).await,
        StatusCode::SEE_OTHER
    );
    let spanish = browser();
    assert_eq!(
        app.sign_in(&spanish, "coordinator", &password_of(&demo, "coordinator"))
            .await,
        StatusCode::SEE_OTHER
    );

    proxy.set(ProxyMode::Silent);

    let anonymous = app.get(&browser(), "/c/riverton").await;
    assert_unavailable_page(anonymous, "Temporarily unavailable").await;
    let signed_in = app.get(&maya, "/c/riverton/me").await;
    assert_unavailable_page(signed_in, "Temporarily unavailable").await;
    let in_spanish = promptly(
        "GET /me in Spanish",
        spanish
            .get(app.url("/c/riverton/me"))
            .header("accept-language", "es")
            .send(),
    )
    .await
    .expect("GET");
    assert_unavailable_page(in_spanish, "No disponible por ahora").await;
    let (status, ready) = app.readiness().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
    assert_eq!(ready["database"]["status"], "down", "{ready}");
    let alive = app.get(&browser(), "/healthz").await;
    assert_eq!(
        alive.status(),
        StatusCode::OK,
        "the process itself is alive"
    );

    proxy.set(ProxyMode::Up);

    let back = eventually(Duration::from_secs(10), || async {
        app.get(&maya, "/c/riverton/me").await.status() == StatusCode::OK
    })
    .await;
    assert!(
        back,
        "her session works again within 10 s, without a restart"
    );
    let (status, ready) = app.readiness().await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["database"]["status"], "ok", "{ready}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partner_api_answers_a_lost_database_with_a_prompt_problem_document() {
    let database = TestDatabase::create();
    let proxy = Proxy::start(host_port(&database.url));
    let db = Db::connect(&database.url_through(&proxy), 4).expect("database through the proxy");
    let demo = lanyard::demo::seed(&db).expect("demo seed");
    let app = App::start(crate::support::settings(), db).await;
    let token = demo
        .orgs
        .iter()
        .find(|o| o.slug == "library")
        .map(|o| o.api_token.clone())
        .expect("the library has a token");

    proxy.set(ProxyMode::Silent);

    let response = promptly(
        "GET /api/v1/orgs/library/badges",
        browser()
            .get(app.url("/api/v1/orgs/library/badges"))
            .bearer_auth(&token)
            .send(),
    )
    .await
    .expect("GET");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("x-content-type-options"));
    let problem: serde_json::Value = response.json().await.expect("a problem document");
    assert_eq!(problem["status"], 503, "{problem}");
}
