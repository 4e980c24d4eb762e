//! `/healthz` and `/readyz`: public, prompt, free of secrets; readiness says what is degraded.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with, test_settings};

#[tokio::test]
async fn healthz_answers_ok_without_touching_anything() {
    let app = spawn_app().await;
    let response = app.get(&app.client(), "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "a probe gets no cookie"
    );
    assert_eq!(response.text().await.expect("body"), "ok");
}

#[tokio::test]
async fn readyz_reports_each_dependency_and_no_secret() {
    let settings = test_settings();
    let master_key = settings.signing.master_key.clone();
    let app = spawn_app_with(settings).await;
    let response = app.get(&app.client(), "/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none());
    let ready: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(ready["status"], "ok", "{ready}");
    assert_eq!(ready["database"]["status"], "ok", "{ready}");
    assert_eq!(ready["redis"]["status"], "ok", "{ready}");
    assert_eq!(
        ready["redis"]["reason"], "not configured; sessions in the database",
        "{ready}"
    );
    assert_eq!(ready["signer"]["status"], "ok", "{ready}");
    let text = ready.to_string();
    assert!(!text.contains(&master_key), "{text}");
    assert!(
        !text.contains("postgres://") && !text.contains("sqlite://"),
        "{text}"
    );
}

#[tokio::test]
async fn readyz_says_the_signer_is_degraded_when_it_does_not_answer_but_stays_ready() {
    let mut settings = test_settings();
    let nobody = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a spare port")
        .port();
    settings.signing.mode = "remote".into();
    settings.signing.signer_url = format!("http://127.0.0.1:{nobody}");
    settings.signing.signer_secret = "a-secret-of-sixteen-or-more".into();
    let app = spawn_app_with(settings).await;
    let response = app.get(&app.client(), "/readyz").await;
    assert_eq!(response.status(), StatusCode::OK, "pages are still served");
    let ready: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(ready["status"], "degraded", "{ready}");
    assert_eq!(ready["signer"]["status"], "degraded", "{ready}");
    assert_eq!(ready["signer"]["reason"], "signer unreachable", "{ready}");
    assert!(!ready.to_string().contains("a-secret"), "{ready}");
    assert!(!ready.to_string().contains(&nobody.to_string()), "{ready}");
}
