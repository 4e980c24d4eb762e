//! Sign-up is no memory pump and no directory: it checks the name before hashing, is throttled
//! per address, hashes a bounded number of passwords at once, and never says whether an e-mail
//! address has an account.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{location, spawn_app_with, spawn_world, test_settings, TestApp};

async fn sign_up(app: &TestApp, username: &str, email: &str) -> reqwest::Response {
    app.post_form(
        &app.client(),
        "/c/riverton/signup",
        &[
            ("kind", "parent"),
            ("display_name", "Kim"),
            ("username", username),
            ("email", email),
            ("password", "a long enough password"),
        ],
    )
    .await
}

#[tokio::test]
async fn sign_up_is_throttled_per_address() {
    let (app, _) = spawn_world().await;
    // The default allows 20 sign-ups per address an hour, whatever their outcome.
    for n in 0..20 {
        let response = sign_up(&app, "maya", &format!("kim{n}@example.org")).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "try {n}"
        );
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("This username is taken."));
    }
    let refused = sign_up(&app, "kim-fresh", "kim@example.org").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().get("retry-after").is_some());
    assert!(refused.text().await.unwrap().contains("Too many attempts"));
}

#[tokio::test]
async fn a_known_e_mail_address_gets_the_same_answer_as_a_new_one() {
    let (app, world) = spawn_world().await;
    let known = format!("{}@elmstead.example", world.other_youth.username);
    let fresh = sign_up(&app, "kim-one", "kim-one@example.org").await;
    let reused = sign_up(&app, "kim-two", &known).await;
    assert_eq!(fresh.status(), StatusCode::SEE_OTHER);
    assert_eq!(reused.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&fresh), location(&reused));
    // The address stays its owner's: signing in with it is still theirs.
    let owner = app
        .post_form(
            &app.client(),
            "/signin",
            &[
                ("username", &known),
                ("password", &world.other_youth.password),
            ],
        )
        .await;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_burst_of_sign_ups_with_a_taken_name_is_answered_without_hashing_or_hanging() {
    let mut settings = test_settings();
    settings.limits.signups_per_address = 1_000;
    // One hash at a time, and no waiting: any sign-up that needed a hash would be refused.
    settings.limits.password_hashes_at_once = 1;
    settings.limits.password_hash_wait_ms = 1;
    let app = spawn_app_with(settings).await;
    app.seed_world();
    let burst = (0..150).map(|n| {
        let app = &app;
        async move {
            let response = sign_up(app, "maya", &format!("kim{n}@example.org")).await;
            response.status()
        }
    });
    let statuses = tokio::time::timeout(
        Duration::from_secs(60),
        futures_util::future::join_all(burst),
    )
    .await
    .expect("every sign-up is answered");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "a taken name is refused before any hash: {statuses:?}"
    );
}

#[tokio::test]
async fn when_hashing_is_saturated_visitors_are_asked_to_retry() {
    let mut settings = test_settings();
    settings.limits.signups_per_address = 1_000;
    settings.limits.password_hashes_at_once = 1;
    settings.limits.password_hash_wait_ms = 1;
    let app = spawn_app_with(settings).await;
    app.seed_world();
    let burst = (0..20).map(|n| {
        let app = &app;
        async move {
            let username = format!("kim-{n}");
            let response = app
                .post_form(
                    &app.client(),
                    "/c/riverton/signup",
                    &[
                        ("kind", "youth"),
                        ("display_name", "Kim"),
                        ("username", &username),
                        ("password", "a long enough password"),
                        ("birth_date", "2010-05-05"),
                    ],
                )
                .await;
            let status = response.status();
            let retry = response.headers().get("retry-after").is_some();
            let body = response.text().await.unwrap();
            (status, retry, body)
        }
    });
    let answers = tokio::time::timeout(
        Duration::from_secs(60),
        futures_util::future::join_all(burst),
    )
    .await
    .expect("every sign-up is answered");
    let mut created = 0;
    let mut busy = 0;
    for (status, retry, body) in &answers {
        match *status {
            StatusCode::SEE_OTHER => created += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(retry, "a 503 says when to come back");
                assert!(body.contains("Wait a moment and try again."));
                busy += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created + busy, 20);
    assert!(created >= 1 && busy >= 1, "{created} created, {busy} busy");
}

#[tokio::test]
async fn concurrent_sign_ups_for_one_name_make_one_account_and_no_error() {
    let (app, _) = spawn_world().await;
    let same_name = (0..8).map(|n| {
        let app = &app;
        async move {
            sign_up(app, "twin", &format!("twin{n}@example.org"))
                .await
                .status()
        }
    });
    let same_email = (0..8).map(|n| {
        let app = &app;
        async move {
            sign_up(app, &format!("sibling-{n}"), "family@example.org")
                .await
                .status()
        }
    });
    let (names, emails) = futures_util::future::join(
        futures_util::future::join_all(same_name),
        futures_util::future::join_all(same_email),
    )
    .await;
    let created = names
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(created, 1, "{names:?}");
    assert!(
        names
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{names:?}"
    );
    assert!(
        emails.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "one address shared by many sign-ups gives nothing away: {emails:?}"
    );
}
