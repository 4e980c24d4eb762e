use reqwest::StatusCode;

use crate::helpers::{location, spawn_world};

#[tokio::test]
async fn accept_language_picks_spanish() {
    let (app, _) = spawn_world().await;
    let html = app
        .client()
        .get(app.url("/c/riverton"))
        .header("accept-language", "es-MX,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("Insignias para obtener"));
}

#[tokio::test]
async fn the_chosen_language_wins_over_accept_language_and_is_remembered() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/locale",
            &[("locale", "es"), ("next", "/c/riverton/activities")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/c/riverton/activities");
    let page = client
        .get(app.url("/c/riverton/activities"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"es\">"));
    assert!(page.contains("Encuentra algo que hacer este verano"));

    // A signed-in user's choice is kept on their account for their next device.
    let maya = app.signed_in(&world.person("youth")).await;
    app.post_form(&maya, "/locale", &[("locale", "es"), ("next", "/")])
        .await;
    let other_device = app.signed_in(&world.person("youth")).await;
    let me = app
        .get(&other_device, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("Mis insignias"));
}

#[tokio::test]
async fn an_unknown_language_or_off_site_return_is_refused() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let unknown = app
        .post_form(&client, "/locale", &[("locale", "xx"), ("next", "/")])
        .await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let off_site = app
        .post_form(
            &client,
            "/locale",
            &[("locale", "en"), ("next", "https://evil.example")],
        )
        .await;
    assert_eq!(location(&off_site), "/");
}

#[tokio::test]
async fn form_errors_and_error_pages_speak_spanish_too() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    app.post_form(&maya, "/locale", &[("locale", "es"), ("next", "/")])
        .await;
    let response = app
        .post_form(&maya, "/c/riverton/claim", &[("code", "ZZZZ-ZZZZ")])
        .await;
    let html = response.text().await.unwrap();
    assert!(html.contains("No conocemos este código."));
    let missing = app.get(&maya, "/c/riverton/badges/nada").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("No encontramos esa página."));
}
