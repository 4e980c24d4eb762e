//! The CSRF token of a signed-in visitor belongs to their session: a cookie an attacker plants,
//! a token of another session, or the token seen before signing in is refused.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};

use crate::helpers::{hidden_value, spawn_world, Person, TestApp};

/// The value of cookie `name` set by `response`, if any.
pub fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

/// Signs `person` in by hand (no cookie store) and answers the session cookie's value.
async fn session_of(app: &TestApp, client: &Client, person: &Person) -> String {
    let page = client.get(app.url("/signin")).send().await.unwrap();
    let csrf_cookie = cookie_value(&set_cookie(&page, "lanyard_csrf").unwrap());
    let token = hidden_value(&page.text().await.unwrap(), "csrf_token").unwrap();
    let response = client
        .post(app.url("/signin"))
        .header(COOKIE, format!("lanyard_csrf={csrf_cookie}"))
        .form(&[
            ("username", person.username.as_str()),
            ("password", person.password.as_str()),
            ("next", "/"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    cookie_value(&set_cookie(&response, "lanyard_session").unwrap())
}

async fn tokens_listed(app: &TestApp, client: &Client, name: &str) -> bool {
    app.get(client, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap()
        .contains(name)
}

#[tokio::test]
async fn a_planted_csrf_cookie_with_a_matching_field_is_refused_for_a_signed_in_user() {
    let (app, world) = spawn_world().await;
    let plain = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session = session_of(&app, &plain, &world.person("org_admin")).await;
    let forged = "A".repeat(43);
    let response = plain
        .post(app.url("/c/riverton/orgs/library/tokens"))
        .header(
            COOKIE,
            format!("lanyard_session={session}; lanyard_csrf={forged}"),
        )
        .form(&[("name", "planted-token"), ("csrf_token", forged.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("<html"));
    let librarian = app.signed_in(&world.person("org_admin")).await;
    assert!(!tokens_listed(&app, &librarian, "planted-token").await);
}

#[tokio::test]
async fn a_csrf_token_of_one_session_is_refused_in_another() {
    let (app, world) = spawn_world().await;
    let first = app.signed_in(&world.person("org_admin")).await;
    let second = app.signed_in(&world.person("org_admin")).await;
    let first_token = app.csrf(&first).await;
    assert_ne!(first_token, app.csrf(&second).await);
    let response = second
        .post(app.url("/c/riverton/orgs/library/tokens"))
        .form(&[
            ("name", "crossed-token"),
            ("csrf_token", first_token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!tokens_listed(&app, &first, "crossed-token").await);
}

#[tokio::test]
async fn the_token_seen_before_signing_in_no_longer_works_after_it() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let before = app.csrf(&client).await;
    let person = world.person("org_admin");
    let response = client
        .post(app.url("/signin"))
        .form(&[
            ("username", person.username.as_str()),
            ("password", person.password.as_str()),
            ("next", "/"),
            ("csrf_token", before.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = client
        .post(app.url("/c/riverton/orgs/library/tokens"))
        .form(&[("name", "stale-token"), ("csrf_token", before.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The page's own token works.
    let fresh = app
        .post_form(
            &client,
            "/c/riverton/orgs/library/tokens",
            &[("name", "fresh-token")],
        )
        .await;
    assert_eq!(fresh.status(), StatusCode::OK);
    assert!(tokens_listed(&app, &client, "fresh-token").await);
    assert!(!tokens_listed(&app, &client, "stale-token").await);
}

#[tokio::test]
async fn signing_out_gives_the_visitor_a_new_token() {
    let (app, world) = spawn_world().await;
    let client = app.signed_in(&world.person("org_admin")).await;
    let signed_in_token = app.csrf(&client).await;
    let response = app.post_form(&client, "/signout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "lanyard_csrf").is_some());
    let after = app.csrf(&client).await;
    assert_ne!(after, signed_in_token);
}
