use reqwest::StatusCode;

use crate::helpers::spawn_world;

#[tokio::test]
async fn the_home_page_lists_the_cities() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let response = app.get(&client, "/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("href=\"/c/riverton\""));
    assert!(html.contains("Elmstead"));
    assert!(html.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn a_city_home_shows_its_badges_and_partners_but_not_another_citys() {
    let (app, _) = spawn_world().await;
    let html = app
        .get(&app.client(), "/c/riverton")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Reading Explorer"));
    assert!(html.contains("Riverton Science Museum"));
    assert!(!html.contains("Trail Blazer"));
}

#[tokio::test]
async fn the_catalog_lists_activities_and_filters_by_organization() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let all = app
        .get(&client, "/c/riverton/activities")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains("Rocket Lab"));
    assert!(all.contains("Summer Reading Challenge"));
    assert!(
        all.contains("href=\"/c/riverton/badges/rocket-scientist\">Rocket Scientist</a>"),
        "each activity names the badges it leads to"
    );
    let library = app
        .get(&client, "/c/riverton/activities?org=library")
        .await
        .text()
        .await
        .unwrap();
    assert!(library.contains("Summer Reading Challenge"));
    assert!(!library.contains("Rocket Lab"));
    let unknown = app
        .get(&client, "/c/riverton/activities?org=%3Cscript%3E")
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_city_or_page_answers_a_404_page() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    for path in [
        "/c/nowhere",
        "/c/nowhere/activities",
        "/no/such/page",
        "/c/riverton/badges/nope",
    ] {
        let response = app.get(&client, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("We couldn&#39;t find that page.")
                || html.contains("We couldn&#x27;t find that page."),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn the_stylesheet_is_served_with_a_long_cache_and_security_headers_are_set() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let html = app.get(&client, "/").await;
    let csp = html
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"));
    let body = html.text().await.unwrap();
    let start = body.find("/static/style.css?v=").unwrap();
    let href = &body[start..start + body[start..].find('"').unwrap()];
    let css = app.get(&client, href).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css
        .headers()
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(css.text().await.unwrap().contains(":focus-visible"));
}

#[tokio::test]
async fn a_badge_image_is_served_as_an_image_that_cannot_run_scripts() {
    let (app, _) = spawn_world().await;
    let response = app
        .get(&app.client(), "/c/riverton/badges/reading-explorer/image")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "image/svg+xml"
    );
    assert!(response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert!(response.text().await.unwrap().starts_with("<svg"));
}
