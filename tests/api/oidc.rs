//! Sign-in with OpenID Connect, end to end against a real provider (tests/oidc): linking by a
//! verified e-mail, a linked identity signing straight in, a city's own provider that its staff
//! must use, and every way a sign-in can go wrong (forged state, wrong nonce, expired code, a
//! token signed by another key, an unverified e-mail, a provider that is down) ending in a
//! clear message with no account created or linked.

use diesel::prelude::*;
use lanyard::db::schema::{city_oidc_providers, oidc_identities, users};
use reqwest::{Client, Response, StatusCode};

use crate::helpers::{
    assert_sign_in_redirect, location, spawn_app_with, test_settings, Person, TestApp, World,
};
use crate::oidc_provider::TestProvider;

const CLIENT_ID: &str = "lanyard";
const CLIENT_SECRET: &str = "lanyard-test-secret";

/// The app with the provider as its platform provider ("Test ID"), the demo world seeded.
async fn app_with_platform_provider() -> (TestApp, World, TestProvider) {
    let provider = TestProvider::start();
    let mut settings = test_settings();
    settings.oidc.issuer_url = provider.issuer.clone();
    settings.oidc.client_id = CLIENT_ID.into();
    settings.oidc.client_secret = CLIENT_SECRET.into();
    settings.oidc.display_name = "Test ID".into();
    settings.oidc.timeout_ms = 1500;
    let app = spawn_app_with(settings).await;
    let world = app.seed_world();
    provider
        .client(CLIENT_ID, CLIENT_SECRET, &app.url("/signin/oidc/callback"))
        .await;
    (app, world, provider)
}

/// The app without a platform provider, the demo world seeded.
async fn app_without_platform_provider() -> (TestApp, World, TestProvider) {
    let provider = TestProvider::start();
    let mut settings = test_settings();
    settings.oidc.timeout_ms = 1500;
    let app = spawn_app_with(settings).await;
    let world = app.seed_world();
    (app, world, provider)
}

fn identities(app: &TestApp) -> i64 {
    let mut conn = app.db.get().unwrap();
    oidc_identities::table
        .count()
        .get_result(&mut conn)
        .unwrap()
}

fn accounts(app: &TestApp) -> i64 {
    let mut conn = app.db.get().unwrap();
    users::table.count().get_result(&mut conn).unwrap()
}

/// Presses the button of `provider` (`platform` or `city:{id}`) and follows the provider's
/// redirects by hand, signing in as `sub`, up to the URL that leads back to the app.
async fn walk_to_callback(
    app: &TestApp,
    client: &Client,
    provider: &str,
    next: &str,
    sub: &str,
) -> String {
    let start = app
        .get(
            client,
            &format!("/signin/oidc?provider={provider}&next={next}"),
        )
        .await;
    assert_eq!(
        start.status(),
        StatusCode::SEE_OTHER,
        "the button redirects"
    );
    let mut url = format!("{}&login_hint={sub}", location(&start));
    let back = format!("{}/", app.address);
    for _ in 0..8 {
        if url.starts_with(&back) {
            return url;
        }
        let response = client.get(&url).send().await.expect("the provider answers");
        assert!(
            response.status().is_redirection(),
            "{url}: {}",
            response.status()
        );
        let to = location(&response);
        url = if to.starts_with('/') {
            let origin: String = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
            format!("{origin}{to}")
        } else {
            to
        };
    }
    panic!("the provider never sent the browser back");
}

/// The whole sign-in, ending with the app's answer to the callback.
async fn signs_in_through(
    app: &TestApp,
    client: &Client,
    provider: &str,
    next: &str,
    sub: &str,
) -> Response {
    let callback = walk_to_callback(app, client, provider, next, sub).await;
    client.get(&callback).send().await.expect("the callback")
}

/// The page of a failed sign-in says `words`, with a 4xx status.
async fn fails_saying(response: Response, words: &str) -> String {
    let status = response.status();
    let html = response.text().await.unwrap();
    assert!(status.is_client_error(), "{status}: {html}");
    assert!(html.contains("id=\"oidc-failure\""), "{html}");
    assert!(html.contains(words), "{words:?} in {html}");
    assert!(html.contains("No account was created or changed."));
    html
}

/// The `state` parameter of a callback URL.
fn rest_of_state(callback: &str) -> String {
    let after = callback.split_once("state=").unwrap().1;
    after.split('&').next().unwrap().to_string()
}

fn parent_email(world: &World) -> String {
    format!("{}@riverton.example", world.person("parent").username)
}

#[tokio::test]
async fn a_verified_email_links_its_account_once_and_the_identity_then_signs_straight_in() {
    let (app, world, provider) = app_with_platform_provider().await;
    let parent = world.person("parent");
    // A session of the account from before: its address was never confirmed, so linking it
    // signs it out everywhere.
    let earlier = app.signed_in(&parent).await;
    let page = app
        .get(&app.client(), "/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sign in with Test ID"), "{page}");
    assert!(page.contains("data-provider=\"platform\""));

    provider
        .user("parent-sub", &parent_email(&world), true)
        .await;
    let browser = app.client();
    let signed_in = signs_in_through(&app, &browser, "platform", "/", "parent-sub").await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&signed_in), "/me");
    let home = app.get(&browser, "/c/riverton/me").await;
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(identities(&app), 1);
    assert_sign_in_redirect(&app.get(&earlier, "/c/riverton/me").await);
    let confirmed: bool = {
        let mut conn = app.db.get().unwrap();
        users::table
            .filter(users::username.eq(&parent.username))
            .select(users::email_verified_at.is_not_null())
            .first(&mut conn)
            .unwrap()
    };
    assert!(confirmed, "the provider proved the address");

    // The provider's address changes and is no longer verified: the link still holds.
    provider
        .user("parent-sub", "someone-else@example.org", false)
        .await;
    let again = app.client();
    let back = signs_in_through(&app, &again, "platform", "/c/riverton/me", "parent-sub").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&back), "/c/riverton/me");
    assert_eq!(identities(&app), 1);
}

#[tokio::test]
async fn an_unknown_verified_email_creates_no_account_and_points_to_sign_up() {
    let (app, _world, provider) = app_with_platform_provider().await;
    provider
        .user("newcomer", "newcomer@example.org", true)
        .await;
    let before = accounts(&app);
    let response = signs_in_through(
        &app,
        &app.client(),
        "platform",
        "/c/riverton/activities",
        "newcomer",
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = fails_saying(response, "No Lanyard account uses this e-mail address yet.").await;
    assert!(html.contains("href=\"/c/riverton/signup\""), "{html}");
    assert!(html.contains("newcomer@example.org"));
    assert_eq!(accounts(&app), before);
    assert_eq!(identities(&app), 0);
}

#[tokio::test]
async fn an_unverified_email_links_nothing() {
    let (app, world, provider) = app_with_platform_provider().await;
    provider
        .user("parent-sub", &parent_email(&world), true)
        .await;
    provider.mode("unverified_email").await;
    let response = signs_in_through(&app, &app.client(), "platform", "/", "parent-sub").await;
    fails_saying(response, "has not confirmed your e-mail address").await;
    assert_eq!(identities(&app), 0);
}

#[tokio::test]
async fn a_forged_a_foreign_or_a_replayed_state_is_refused() {
    let (app, world, provider) = app_with_platform_provider().await;
    provider
        .user("parent-sub", &parent_email(&world), true)
        .await;
    let browser = app.client();
    let callback = walk_to_callback(&app, &browser, "platform", "/", "parent-sub").await;
    let (before_state, after_state) = callback.split_once("state=").unwrap();
    let rest = after_state.split_once('&').map(|(_, r)| r).unwrap_or("");
    let forged = format!("{before_state}state=made-up-state&{rest}");
    let response = browser.get(&forged).send().await.unwrap();
    fails_saying(response, "not one we started in this browser").await;
    // Another browser, with the right state but without its cookie.
    let response = app.client().get(&callback).send().await.unwrap();
    fails_saying(response, "not one we started in this browser").await;
    assert_eq!(identities(&app), 0);
    // The real one works once; the same answer again is refused.
    let response = browser.get(&callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Even with the browser's cookie (sent by hand), a state is taken only once.
    let state = rest_of_state(&callback);
    let replay = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&callback)
        .header("cookie", format!("lanyard_oidc_state={state}"))
        .send()
        .await
        .unwrap();
    fails_saying(replay, "not one we started in this browser").await;
    assert_eq!(identities(&app), 1);
}

#[tokio::test]
async fn a_wrong_nonce_an_expired_code_and_a_foreign_key_are_each_refused() {
    let (app, world, provider) = app_with_platform_provider().await;
    provider
        .user("parent-sub", &parent_email(&world), true)
        .await;
    let before = accounts(&app);
    for (mode, words) in [
        ("wrong_nonce", "belongs to another sign-in"),
        ("expired_code", "has expired or was already used"),
        ("foreign_key", "was not signed with its own keys"),
    ] {
        let browser = app.client();
        let callback = walk_to_callback(&app, &browser, "platform", "/", "parent-sub").await;
        provider.mode(mode).await;
        let response = browser.get(&callback).send().await.unwrap();
        fails_saying(response, words).await;
        provider.mode("normal").await;
        assert_eq!(identities(&app), 0, "{mode}");
    }
    assert_eq!(accounts(&app), before);
}

#[tokio::test]
async fn a_provider_that_is_down_ends_in_a_message_not_a_hang() {
    let (app, world, provider) = app_with_platform_provider().await;
    provider
        .user("parent-sub", &parent_email(&world), true)
        .await;
    // Down while the person is at the provider: the code cannot be redeemed.
    let browser = app.client();
    let callback = walk_to_callback(&app, &browser, "platform", "/", "parent-sub").await;
    provider.mode("down").await;
    let started = std::time::Instant::now();
    let response = browser.get(&callback).send().await.unwrap();
    fails_saying(response, "did not answer in time").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // Down before the button is pressed.
    let response = app
        .get(&app.client(), "/signin/oidc?provider=platform&next=/")
        .await;
    fails_saying(response, "did not answer in time").await;
    assert_eq!(identities(&app), 0);
}

#[tokio::test]
async fn failed_returns_from_a_provider_are_limited_per_address() {
    let (app, _world, _provider) = app_with_platform_provider().await;
    let browser = app.client();
    for n in 0..10 {
        let response = app
            .get(
                &browser,
                &format!("/signin/oidc/callback?state=guess-{n}&code=x"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "guess {n}");
    }
    let response = app
        .get(&browser, "/signin/oidc/callback?state=guess-10&code=x")
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_unknown_provider_button_is_refused_in_words() {
    let (app, _world, _provider) = app_without_platform_provider().await;
    let page = app
        .get(&app.client(), "/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("sign-in-providers"));
    for tag in ["platform", "city:9999", "nonsense"] {
        let response = app
            .get(
                &app.client(),
                &format!("/signin/oidc?provider={tag}&next=/"),
            )
            .await;
        fails_saying(response, "not offered here").await;
    }
}

/// Sets Riverton's own provider through its settings page, as its coordinator.
async fn riverton_sets_its_provider(
    app: &TestApp,
    world: &World,
    provider: &TestProvider,
    staff_must_use: bool,
) -> String {
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let form = app.get(&coordinator, "/c/riverton/settings/sign-in").await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(html.contains(&app.url("/signin/oidc/callback")), "{html}");
    let mut fields = vec![
        ("display_name", "Riverton staff"),
        ("issuer_url", provider.issuer.as_str()),
        ("client_id", "riverton"),
        ("client_secret", "riverton-very-secret"),
    ];
    if staff_must_use {
        fields.push(("staff_must_use", "on"));
    }
    let saved = app
        .post_form(&coordinator, "/c/riverton/settings/sign-in", &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    provider
        .client(
            "riverton",
            "riverton-very-secret",
            &app.url("/signin/oidc/callback"),
        )
        .await;
    let page = app
        .get(&coordinator, "/c/riverton/settings/sign-in")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sign-in with the city&#x27;s account is on.") || page.contains("is on.")
    );
    assert!(
        !page.contains("riverton-very-secret"),
        "the secret is never shown back"
    );
    let city: i64 = {
        let mut conn = app.db.get().unwrap();
        city_oidc_providers::table
            .select(city_oidc_providers::city_id)
            .first(&mut conn)
            .unwrap()
    };
    format!("city:{city}")
}

#[tokio::test]
async fn a_city_provider_is_saved_sealed_and_its_button_shows_on_the_citys_sign_in() {
    let (app, world, provider) = app_without_platform_provider().await;
    let tag = riverton_sets_its_provider(&app, &world, &provider, false).await;
    let sealed: Vec<u8> = {
        let mut conn = app.db.get().unwrap();
        city_oidc_providers::table
            .select(city_oidc_providers::secret_sealed)
            .first(&mut conn)
            .unwrap()
    };
    assert!(!sealed.windows(6).any(|w| w == b"secret"));
    let page = app
        .get(&app.client(), "/signin?next=/c/riverton/activities")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sign in with Riverton staff"), "{page}");
    assert!(page.contains(&format!("data-provider=\"{tag}\"")));
    let elsewhere = app
        .get(&app.client(), "/signin?next=/c/elmstead")
        .await
        .text()
        .await
        .unwrap();
    assert!(!elsewhere.contains("Riverton staff"));

    // Staff may still use their password; the button signs the mentor in too.
    let mentor = world.person("mentor");
    app.signed_in(&mentor).await;
    provider
        .user(
            "mentor-sub",
            &format!("{}@riverton.example", mentor.username),
            true,
        )
        .await;
    let browser = app.client();
    let response = signs_in_through(&app, &browser, &tag, "/c/riverton/me", "mentor-sub").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(identities(&app), 1);
}

#[tokio::test]
async fn staff_of_a_city_that_requires_its_provider_cannot_sign_in_with_a_password() {
    let (app, world, provider) = app_without_platform_provider().await;
    let tag = riverton_sets_its_provider(&app, &world, &provider, true).await;
    let mentor = world.person("mentor");
    let response = app
        .post_form(
            &app.client(),
            "/signin",
            &[
                ("username", &mentor.username),
                ("password", &mentor.password),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"staff-must-use-provider\""), "{html}");
    assert!(html.contains("Riverton asks its staff to sign in"));
    assert!(html.contains(&format!("data-provider=\"{tag}\"")));
    // Families are not staff; the operator always may.
    app.signed_in(&world.person("parent")).await;
    app.signed_in(&world.person("operator")).await;
    // Through the city's provider the mentor signs in.
    provider
        .user(
            "mentor-sub",
            &format!("{}@riverton.example", mentor.username),
            true,
        )
        .await;
    let browser = app.client();
    let response = signs_in_through(&app, &browser, &tag, "/", "mentor-sub").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&browser, "/c/riverton/me").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn staff_who_must_use_the_city_provider_are_refused_through_the_platforms() {
    let (app, world, platform) = app_with_platform_provider().await;
    // Riverton's own provider is another process, so another issuer than the platform's.
    let riverton = TestProvider::start();
    let tag = riverton_sets_its_provider(&app, &world, &riverton, true).await;
    let mentor = world.person("mentor");
    platform
        .user(
            "mentor-sub",
            &format!("{}@riverton.example", mentor.username),
            true,
        )
        .await;
    let response = signs_in_through(&app, &app.client(), "platform", "/", "mentor-sub").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = fails_saying(response, "asks its staff to sign in with the city").await;
    assert!(html.contains(&format!("data-provider=\"{tag}\"")), "{html}");
    assert_eq!(identities(&app), 0);
}

#[tokio::test]
async fn only_the_citys_coordinators_open_its_sign_in_settings() {
    let (app, world, _provider) = app_without_platform_provider().await;
    let anonymous = app.get(&app.client(), "/c/riverton/settings/sign-in").await;
    assert_sign_in_redirect(&anonymous);
    let youth = app.signed_in(&world.person("youth")).await;
    assert_eq!(
        app.get(&youth, "/c/riverton/settings/sign-in")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let other = app.signed_in(&world.other_coordinator).await;
    assert_eq!(
        app.get(&other, "/c/riverton/settings/sign-in")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let saved = app
        .post_form(
            &other,
            "/c/riverton/settings/sign-in",
            &[
                ("display_name", "Mine"),
                ("issuer_url", "https://id.example.org"),
                ("client_id", "x"),
                ("client_secret", "y"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::NOT_FOUND);
    let removed = app
        .post_form(&other, "/c/riverton/settings/sign-in/remove", &[])
        .await;
    assert_eq!(removed.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_provider_form_with_bad_input_says_what_to_fix_and_saves_nothing() {
    let (app, world, provider) = app_without_platform_provider().await;
    let coordinator: Person = world.person("coordinator");
    let browser = app.signed_in(&coordinator).await;
    let plain_http = app
        .post_form(
            &browser,
            "/c/riverton/settings/sign-in",
            &[
                ("display_name", "Riverton staff"),
                ("issuer_url", "http://id.example.org"),
                ("client_id", "riverton"),
                ("client_secret", "s"),
            ],
        )
        .await;
    assert_eq!(plain_http.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(plain_http
        .text()
        .await
        .unwrap()
        .contains("starting with https://"));
    provider.mode("down").await;
    let unreachable = app
        .post_form(
            &browser,
            "/c/riverton/settings/sign-in",
            &[
                ("display_name", "Riverton staff"),
                ("issuer_url", &provider.issuer),
                ("client_id", "riverton"),
                ("client_secret", "s3cret-typed"),
            ],
        )
        .await;
    assert_eq!(unreachable.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = unreachable.text().await.unwrap();
    assert!(html.contains("We could not reach a sign-in service"));
    assert!(!html.contains("s3cret-typed"));
    let rows: i64 = {
        let mut conn = app.db.get().unwrap();
        city_oidc_providers::table
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(rows, 0);
}
