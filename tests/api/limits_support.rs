//! Helpers of the limit tests: requests from a given client address (as a proxy forwards them)
//! and many accounts made at once.

use lanyard::auth::password;
use lanyard::ids::UserId;
use lanyard::settings::Settings;
use reqwest::{Client, Response};

use crate::helpers::{hidden_value, test_settings, Person, TestApp};

/// Test settings behind a proxy on the loopback address, as `deploy/nginx.conf` sets it up.
pub fn behind_proxy() -> Settings {
    let mut settings = test_settings();
    settings.server.trust_forwarded_for = true;
    settings.server.trusted_proxies = "127.0.0.1, ::1".into();
    settings
}

/// Posts a form as the proxy would forward it: `x_forwarded_for` is the whole header.
pub async fn post_via_proxy(
    app: &TestApp,
    client: &Client,
    path: &str,
    x_forwarded_for: &str,
    fields: &[(&str, &str)],
) -> Response {
    post_at(&app.address, client, path, Some(x_forwarded_for), fields).await
}

/// Posts a form with the client's CSRF token to the instance at `base`.
pub async fn post_at(
    base: &str,
    client: &Client,
    path: &str,
    x_forwarded_for: Option<&str>,
    fields: &[(&str, &str)],
) -> Response {
    let with_header = |request: reqwest::RequestBuilder| match x_forwarded_for {
        Some(value) => request.header("x-forwarded-for", value),
        None => request,
    };
    let page = with_header(client.get(format!("{base}/signin")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = hidden_value(&page, "csrf_token").unwrap();
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    with_header(client.post(format!("{base}{path}")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// A sign-in through the proxy from `address` (nginx appends the address it saw).
pub async fn sign_in_from(app: &TestApp, address: &str, username: &str, pass: &str) -> Response {
    post_via_proxy(
        app,
        &app.client(),
        "/signin",
        address,
        &[("username", username), ("password", pass), ("next", "/")],
    )
    .await
}

/// `count` active youth of Riverton named `{prefix}-{n}`, all with one password (hashed once).
pub fn youth_of_riverton(app: &TestApp, prefix: &str, count: usize) -> Vec<(UserId, Person)> {
    let pass = "a classroom password";
    let hash = password::hash(pass).unwrap();
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let usernames: Vec<String> = (0..count).map(|n| format!("{prefix}-{n}")).collect();
    let ids = lanyard::demo::add_youth(
        &mut conn,
        city.id,
        &usernames,
        &hash,
        chrono::NaiveDate::from_ymd_opt(2010, 1, 1),
    )
    .unwrap();
    ids.into_iter()
        .zip(usernames)
        .map(|(id, username)| {
            (
                id,
                Person {
                    username,
                    password: pass.into(),
                },
            )
        })
        .collect()
}
