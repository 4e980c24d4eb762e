//! Sign-in limits: failures are counted, not successes; per account and address, with a looser
//! limit per account; the address is the one our proxy saw, not what the client wrote.

use reqwest::StatusCode;

use crate::helpers::{spawn_app_with, spawn_world};
use crate::limits_support::{behind_proxy, post_at, sign_in_from, youth_of_riverton};

#[tokio::test]
async fn successful_sign_ins_never_throttle_the_owner() {
    let (app, world) = spawn_world().await;
    let maya = world.person("youth");
    // The test profile allows 5 failures per account and address.
    for n in 0..12 {
        let response = app
            .post_form(
                &app.client(),
                "/signin",
                &[("username", &maya.username), ("password", &maya.password)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in {n}");
    }
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out() {
    let app = spawn_app_with(behind_proxy()).await;
    let world = app.seed_world();
    let maya = world.person("youth");
    let mut statuses = Vec::new();
    for _ in 0..30 {
        let response = sign_in_from(&app, "203.0.113.66", &maya.username, "guess guess").await;
        statuses.push(response.status());
    }
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert!(statuses[5..]
        .iter()
        .all(|s| *s == StatusCode::TOO_MANY_REQUESTS));
    // The attacker's address waits, even with the right password …
    let blocked = sign_in_from(&app, "203.0.113.66", &maya.username, &maya.password).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.headers().get("retry-after").is_some());
    assert!(blocked.text().await.unwrap().contains("Too many attempts"));
    // … Maya, at home, signs in.
    let home = sign_in_from(&app, "198.51.100.20", &maya.username, &maya.password).await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_classroom_behind_one_address_can_all_sign_in() {
    let app = spawn_app_with(behind_proxy()).await;
    app.seed_world();
    let class = youth_of_riverton(&app, "pupil", 45);
    for (_, pupil) in &class {
        // One typo each first: failures of different accounts from one address.
        let typo = sign_in_from(&app, "192.0.2.10", &pupil.username, "typo typo typo").await;
        assert_eq!(
            typo.status(),
            StatusCode::UNAUTHORIZED,
            "{}",
            pupil.username
        );
        let response = sign_in_from(&app, "192.0.2.10", &pupil.username, &pupil.password).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{} signs in from the library",
            pupil.username
        );
    }
}

#[tokio::test]
async fn rotating_the_forwarded_header_does_not_escape_the_address_limit() {
    let mut settings = behind_proxy();
    settings.limits.signin_failures_per_address = 10;
    let app = spawn_app_with(settings).await;
    app.seed_world();
    let mut statuses = Vec::new();
    for n in 0..20 {
        // What the client wrote, then what nginx appended: the address it really saw.
        let header = format!("10.9.{n}.1, 203.0.113.99");
        let response = sign_in_from(&app, &header, &format!("victim-{n}"), "guess guess").await;
        statuses.push(response.status());
    }
    assert_eq!(statuses[..10], [StatusCode::UNAUTHORIZED; 10]);
    assert!(
        statuses[10..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_client_that_is_not_a_trusted_proxy_cannot_choose_its_address() {
    let mut settings = behind_proxy();
    settings.server.trusted_proxies = "10.0.0.0/8".into();
    settings.limits.signin_failures_per_address = 3;
    let app = spawn_app_with(settings).await;
    app.seed_world();
    let mut statuses = Vec::new();
    for n in 0..6 {
        let header = format!("10.1.1.{n}");
        let response = sign_in_from(&app, &header, &format!("victim-{n}"), "guess guess").await;
        statuses.push(response.status());
    }
    assert_eq!(statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[3..], [StatusCode::TOO_MANY_REQUESTS; 3]);
}

#[tokio::test]
async fn past_the_account_limit_only_addresses_that_failed_wait() {
    let mut settings = behind_proxy();
    settings.limits.signin_failures_per_account = 8;
    let app = spawn_app_with(settings).await;
    let world = app.seed_world();
    let maya = world.person("youth");
    // Many addresses, two guesses each, 12 failures in all: past the account's limit.
    for n in 0..6 {
        for _ in 0..2 {
            let from = format!("203.0.113.{n}");
            sign_in_from(&app, &from, &maya.username, "guess guess").await;
        }
    }
    let again = sign_in_from(&app, "203.0.113.1", &maya.username, "guess guess").await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    let owner = sign_in_from(&app, "198.51.100.20", &maya.username, &maya.password).await;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn instances_sharing_redis_count_failures_together_and_give_successes_back() {
    let mut settings = crate::helpers::test_settings();
    settings.redis.url =
        std::env::var("LANYARD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    settings.redis.prefix = format!("lanyard-test-{}", uuid::Uuid::new_v4().simple());
    let first = spawn_app_with(settings.clone()).await;
    let world = first.seed_world();
    let first_address = first.address.clone();
    let second = crate::helpers::spawn_app_sharing(settings, first).await;
    let maya = world.person("youth");
    let sign_in = |base: String, password: String| {
        let username = maya.username.clone();
        let client = second.client();
        async move {
            post_at(
                &base,
                &client,
                "/signin",
                None,
                &[("username", &username), ("password", &password)],
            )
            .await
            .status()
        }
    };
    // Successes on one instance do not count …
    for _ in 0..6 {
        let status = sign_in(second.address.clone(), maya.password.clone()).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    // … failures on it do, and the other instance sees them (the limit is 5).
    for _ in 0..5 {
        let status = sign_in(second.address.clone(), "guess guess".into()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = sign_in(first_address, maya.password.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
