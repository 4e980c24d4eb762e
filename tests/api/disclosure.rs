//! Questions about accounts are answered without telling more than the asker may know.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_world;

#[tokio::test]
async fn the_partner_api_says_one_thing_for_every_recipient_it_cannot_award() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let mut details = Vec::new();
    // No account, a youth of another city, an adult of this city, a youth under 13 waiting for
    // a parent's consent.
    for recipient in ["nobody-at-all", "elm-youth", "parent", "leo"] {
        let response = app
            .client()
            .post(app.url("/api/v1/orgs/library/awards"))
            .bearer_auth(&token)
            .json(&json!({"badge": "comic-creator", "recipient": recipient}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = response.json().await.unwrap();
        details.push(body["errors"].clone());
    }
    assert!(
        details.iter().all(|d| *d == details[0]),
        "the same answer for all: {details:?}"
    );
    assert_eq!(
        details[0][0]["detail"],
        "No youth of this city has that username or e-mail."
    );
}

#[tokio::test]
async fn the_add_member_form_does_not_tell_a_youth_from_no_account() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let mut messages = Vec::new();
    for username in ["maya", "elm-youth", "nobody-at-all"] {
        let response = app
            .post_form(
                &admin,
                "/c/riverton/orgs/library/members",
                &[("username", username), ("role", "mentor")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(!html.contains("youth account"), "{username}");
        assert!(!html.contains("No account has this"), "{username}");
        messages.push(html.contains("No account you can add has this username or e-mail."));
    }
    assert_eq!(messages, [true; 3]);
}
