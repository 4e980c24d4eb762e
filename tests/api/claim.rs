use reqwest::{Client, StatusCode};

use crate::helpers::{spawn_world, TestApp};

async fn claim(app: &TestApp, client: &Client, code: &str) -> (StatusCode, String) {
    let response = app
        .post_form(client, "/c/riverton/claim", &[("code", code)])
        .await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// A new active youth of Riverton, signed in.
async fn new_youth(app: &TestApp, username: &str) -> Client {
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "youth"),
                ("display_name", username),
                ("username", username),
                ("password", "a long enough password"),
                ("birth_date", "2010-05-05"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    client
}

#[tokio::test]
async fn a_code_works_once() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let code = world.code_for("comic-creator", 0);
    assert_eq!(claim(&app, &maya, &code).await.0, StatusCode::SEE_OTHER);
    let ana = new_youth(&app, "ana").await;
    let (status, html) = claim(&app, &ana, &code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("This code has already been used."));
    let me = app.get(&ana, "/c/riverton/me").await.text().await.unwrap();
    // (Comic Creator is named on her page only among the badges of a pathway.)
    assert!(!me.contains(r#"<span class="badge-name">Comic Creator</span>"#));
    assert!(me.contains("id=\"my-pathways\""));
}

#[tokio::test]
async fn a_youth_who_already_has_the_badge_keeps_the_second_code_unused() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let first = world.code_for("rocket-scientist", 0);
    let second = world.code_for("rocket-scientist", 1);
    assert_eq!(claim(&app, &maya, &first).await.0, StatusCode::SEE_OTHER);
    let (status, html) = claim(&app, &maya, &second).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("You already have this badge"));
    // The second code still works for someone else: the refused redemption changed nothing.
    let ana = new_youth(&app, "ana").await;
    assert_eq!(claim(&app, &ana, &second).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unknown_malformed_and_empty_codes_are_explained_and_kept_in_the_field() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let cases = [
        ("ZZZZ-ZZZZ", "We don&#39;t know this code."),
        ("abc", "A code has eight letters and digits"),
        ("", "This is required."),
        (
            "<script>alert(1)</script>",
            "A code has eight letters and digits",
        ),
    ];
    for (typed, message) in cases {
        let (status, html) = claim(&app, &maya, typed).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(html.contains(message), "{typed}: {message}");
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "never echoed raw"
        );
        assert!(html.contains("aria-invalid=\"true\""));
    }
}

#[tokio::test]
async fn a_code_of_another_city_is_unknown_here() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let (status, html) = claim(&app, &maya, &world.other_code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("We don&#39;t know this code."));
}

#[tokio::test]
async fn only_youth_redeem_codes() {
    let (app, world) = spawn_world().await;
    let parent = app.signed_in(&world.person("parent")).await;
    assert_eq!(
        app.get(&parent, "/c/riverton/claim").await.status(),
        StatusCode::FORBIDDEN
    );
    let code = world.code_for("star-gazer", 2);
    let response = app
        .post_form(&parent, "/c/riverton/claim", &[("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn two_youth_racing_for_one_code_cannot_both_win() {
    let (app, world) = spawn_world().await;
    let code = world.code_for("reading-explorer", 4);
    let mut clients = Vec::new();
    for name in ["racer-a", "racer-b", "racer-c", "racer-d"] {
        clients.push(new_youth(&app, name).await);
    }
    let mut tokens = Vec::new();
    for client in &clients {
        tokens.push(app.csrf(client).await);
    }
    let attempts = clients.iter().zip(&tokens).map(|(client, token)| {
        client
            .post(app.url("/c/riverton/claim"))
            .form(&[("code", code.as_str()), ("csrf_token", token.as_str())])
            .send()
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap().status())
        .collect();
    let winners = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(winners, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY));
}

#[tokio::test]
async fn an_award_is_told_by_e_mail_to_the_parent_of_a_youth_without_an_address() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let code = world.code_for("rocket-scientist", 0);
    let redeemed = app
        .post_form(&maya, "/c/riverton/claim", &[("code", &code)])
        .await;
    assert_eq!(redeemed.status(), reqwest::StatusCode::SEE_OTHER);
    let (kind, subject, text, html) =
        crate::invitations::last_mail_to(&app, "parent@riverton.example");
    assert_eq!(kind, "awards.earned");
    assert!(subject.contains("Rocket Scientist"), "{subject}");
    assert!(
        text.contains("Maya") && text.contains("/c/riverton/awards/"),
        "{text}"
    );
    assert!(html.contains("Rocket Scientist"), "{html}");
}
