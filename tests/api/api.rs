use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_world;

async fn problem(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let (app, _) = spawn_world().await;
    let doc: Value = app
        .client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/orgs/{org}/badges",
        "/orgs/{org}/awards",
        "/awards/{id}",
        "/awards/{id}/revoke",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert_eq!(
        doc["components"]["parameters"]["idempotencyKey"]["name"],
        "Idempotency-Key"
    );
    let create = &doc["paths"]["/orgs/{org}/awards"]["post"];
    assert!(create["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["$ref"] == "#/components/parameters/idempotencyKey"));
}

#[tokio::test]
async fn an_org_lists_its_own_badges_only() {
    let (app, world) = spawn_world().await;
    let response = app
        .client()
        .get(app.url("/api/v1/orgs/library/badges"))
        .bearer_auth(world.token_of("library"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let slugs: Vec<&str> = body["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["comic-creator", "reading-explorer"]);
    assert!(body["badges"][0]["image"]
        .as_str()
        .unwrap()
        .starts_with(&app.address));
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_a_401_problem() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let none = client
        .get(app.url("/api/v1/orgs/library/badges"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.headers().get("www-authenticate").unwrap(), "Bearer");
    problem(none, StatusCode::UNAUTHORIZED).await;
    let wrong = client
        .get(app.url("/api/v1/orgs/library/badges"))
        .bearer_auth("lyd_not-a-real-token")
        .send()
        .await
        .unwrap();
    problem(wrong, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn another_orgs_resources_are_404() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let museum_token = world.token_of("science-museum");
    let other_org = client
        .get(app.url("/api/v1/orgs/library/badges"))
        .bearer_auth(&museum_token)
        .send()
        .await
        .unwrap();
    problem(other_org, StatusCode::NOT_FOUND).await;
    let award = client
        .post(app.url("/api/v1/orgs/library/awards"))
        .bearer_auth(world.token_of("library"))
        .json(&json!({"badge": "comic-creator", "recipient": "maya"}))
        .send()
        .await
        .unwrap();
    let id = award.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen_by_museum = client
        .get(app.url(&format!("/api/v1/awards/{id}")))
        .bearer_auth(&museum_token)
        .send()
        .await
        .unwrap();
    problem(seen_by_museum, StatusCode::NOT_FOUND).await;
    let seen_by_other_city = client
        .get(app.url(&format!("/api/v1/awards/{id}")))
        .bearer_auth(&world.other_token)
        .send()
        .await
        .unwrap();
    problem(seen_by_other_city, StatusCode::NOT_FOUND).await;
    // A badge of another organization cannot be awarded either.
    let foreign_badge = client
        .post(app.url("/api/v1/orgs/science-museum/awards"))
        .bearer_auth(&museum_token)
        .json(&json!({"badge": "comic-creator", "recipient": "maya"}))
        .send()
        .await
        .unwrap();
    problem(foreign_badge, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn awarding_through_the_api_answers_201_with_public_urls() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let response = client
        .post(app.url("/api/v1/orgs/library/awards"))
        .bearer_auth(world.token_of("library"))
        .json(&json!({"badge": "comic-creator", "recipient": "MAYA"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let award: Value = response.json().await.unwrap();
    assert_eq!(award["badge"]["slug"], "comic-creator");
    assert_eq!(award["recipient"]["username"], "maya");
    assert_eq!(award["method"], "api");
    let id = award["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/awards/{id}"));
    let page_url = award["urls"]["award"].as_str().unwrap();
    assert_eq!(page_url, format!("{}/c/riverton/awards/{id}", app.address));
    let page = client
        .get(page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Nobody signed in: no name, by default.
    assert!(page.contains("Earned by a learner of Riverton"));
    assert!(!page.contains("Maya"));
    let fetched: Value = client
        .get(app.url(&location))
        .bearer_auth(world.token_of("library"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, award);
    // The youth sees it too.
    let maya = app.signed_in(&world.person("youth")).await;
    assert!(app
        .get(&maya, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap()
        .contains("Comic Creator"));
}

#[tokio::test]
async fn malformed_and_invalid_bodies_say_what_is_wrong_and_award_nothing() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let token = world.token_of("library");
    let post = |body: String| {
        client
            .post(app.url("/api/v1/orgs/library/awards"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    problem(
        post("{not json".into()).await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(post("[1,2]".into()).await.unwrap(), StatusCode::BAD_REQUEST).await;
    let missing = problem(
        post("{}".into()).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<&str> = missing["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["badge", "recipient"]);
    let wrong_types = problem(
        post(json!({"badge": 7, "recipient": ["maya"]}).to_string())
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(wrong_types["errors"][0]["detail"], "Must be a string.");
    let unknown = problem(
        post(json!({"badge": "no-such-badge", "recipient": "nobody"}).to_string())
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(unknown["errors"].as_array().unwrap().len(), 2);
    // A youth of another city, or an adult of this one, is not a recipient.
    for recipient in ["elm-youth", "parent", "coordinator"] {
        problem(
            post(json!({"badge": "comic-creator", "recipient": recipient}).to_string())
                .await
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // Leo is under 13 and waits for a parent: the token holder is not told so.
    let leo = problem(
        post(json!({"badge": "comic-creator", "recipient": "leo"}).to_string())
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        leo["errors"][0]["detail"],
        "No youth of this city has that username or e-mail."
    );
    // The same badge twice is a conflict.
    let body = json!({"badge": "comic-creator", "recipient": "maya"}).to_string();
    assert_eq!(
        post(body.clone()).await.unwrap().status(),
        StatusCode::CREATED
    );
    problem(post(body).await.unwrap(), StatusCode::CONFLICT).await;
    // Nothing else was awarded (the demo's five and this one).
    let dashboard_client = app.signed_in(&world.person("coordinator")).await;
    let dashboard = app
        .get(&dashboard_client, "/c/riverton/dashboard")
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("<span class=\"figure\" id=\"total-awards\">6</span>"));
}

#[tokio::test]
async fn an_unknown_award_is_a_404_problem() {
    let (app, world) = spawn_world().await;
    let response = app
        .client()
        .get(app.url("/api/v1/awards/00000000-0000-0000-0000-000000000000"))
        .bearer_auth(world.token_of("library"))
        .send()
        .await
        .unwrap();
    problem(response, StatusCode::NOT_FOUND).await;
    let unknown_route = app
        .client()
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    problem(unknown_route, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_token_made_on_the_command_line_works_for_its_organization_only() {
    let (app, _) = spawn_world().await;
    let token =
        lanyard::cli::create_token(&app.db, "riverton", "science-museum", "cron job").unwrap();
    assert!(token.starts_with("lyd_"));
    let client = app.client();
    let ok = client
        .get(app.url("/api/v1/orgs/science-museum/badges"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let other = client
        .get(app.url("/api/v1/orgs/library/badges"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(other, StatusCode::NOT_FOUND).await;
    assert!(lanyard::cli::create_token(&app.db, "riverton", "nope", "x").is_err());
    assert!(lanyard::cli::create_token(&app.db, "elmstead", "science-museum", "x").is_err());
}

/// Posts an award request with an `Idempotency-Key`.
async fn award_with_key(
    app: &crate::helpers::TestApp,
    token: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    app.client()
        .post(app.url("/api/v1/orgs/library/awards"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn library_awards_to(app: &crate::helpers::TestApp, username: &str) -> i64 {
    use diesel::prelude::*;
    use lanyard::db::schema::{awards, users};
    let mut conn = app.db.get().unwrap();
    awards::table
        .inner_join(users::table)
        .filter(users::username.eq(username))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_repeat_with_the_same_idempotency_key_answers_the_first_award() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let body = json!({"badge": "comic-creator", "recipient": "maya"});
    let before = library_awards_to(&app, "maya");
    let first = award_with_key(&app, &token, "retry-7f3a", &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    for _ in 0..2 {
        let again = award_with_key(&app, &token, "retry-7f3a", &body).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"]);
        assert_eq!(again["status"], first["status"]);
    }
    assert_eq!(library_awards_to(&app, "maya"), before + 1);
    // Without a key, the same request is the conflict it always was.
    let plain = app
        .client()
        .post(app.url("/api/v1/orgs/library/awards"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    problem(plain, StatusCode::CONFLICT).await;
    // The same key for another request is refused, and awards nothing.
    let other = json!({"badge": "reading-explorer", "recipient": "maya"});
    let reused = award_with_key(&app, &token, "retry-7f3a", &other).await;
    let reused = problem(reused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(reused.to_string().contains("Idempotency-Key"), "{reused}");
    assert_eq!(library_awards_to(&app, "maya"), before + 1);
    // A key that is not one: too long, or not visible ASCII.
    for bad in ["x".repeat(256), "two words".to_string()] {
        let refused = award_with_key(&app, &token, &bad, &other).await;
        problem(refused, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(library_awards_to(&app, "maya"), before + 1);
}

#[tokio::test]
async fn requests_racing_with_one_idempotency_key_make_one_award() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let body = json!({"badge": "reading-explorer", "recipient": "maya"});
    let before = library_awards_to(&app, "maya");
    let answers = futures_util::future::join_all(
        (0..12).map(|_| award_with_key(&app, &token, "race-1", &body)),
    )
    .await;
    let mut ids = std::collections::BTreeSet::new();
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::CREATED);
        let award: Value = answer.json().await.unwrap();
        ids.insert(award["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(library_awards_to(&app, "maya"), before + 1);
}
