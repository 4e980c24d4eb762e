//! In production (secure cookies, https) every cookie is `Secure` and HSTS is sent.

use reqwest::header::COOKIE;
use reqwest::{Client, StatusCode};

use crate::csrf_binding::set_cookie;
use crate::helpers::{hidden_value, spawn_app_with, spawn_world, test_settings};

fn plain_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn assert_secure(set_cookie: Option<String>, name: &str) {
    let header = set_cookie.unwrap_or_else(|| panic!("{name} is set"));
    assert!(
        header
            .split(';')
            .any(|p| p.trim().eq_ignore_ascii_case("secure")),
        "{header}"
    );
}

#[tokio::test]
async fn in_production_the_flash_locale_and_csrf_cookies_are_secure_and_hsts_is_sent() {
    let mut settings = test_settings();
    settings.session.secure_cookies = true;
    let app = spawn_app_with(settings).await;
    let client = plain_client();

    let page = client.get(app.url("/signin")).send().await.unwrap();
    assert_eq!(
        page.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000; includeSubDomains")
    );
    let csrf_header = set_cookie(&page, "lanyard_csrf");
    assert_secure(csrf_header.clone(), "lanyard_csrf");
    let csrf = csrf_header.unwrap().split(';').next().unwrap().to_string();
    let token = hidden_value(&page.text().await.unwrap(), "csrf_token").unwrap();

    let locale = client
        .post(app.url("/locale"))
        .header(COOKIE, csrf.clone())
        .form(&[("locale", "es"), ("next", "/"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(locale.status(), StatusCode::SEE_OTHER);
    assert_secure(set_cookie(&locale, "lanyard_locale"), "lanyard_locale");

    let signed_out = client
        .post(app.url("/signout"))
        .header(COOKIE, csrf)
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_secure(set_cookie(&signed_out, "lanyard_flash"), "lanyard_flash");
    assert_secure(set_cookie(&signed_out, "lanyard_csrf"), "lanyard_csrf");
}

#[tokio::test]
async fn plain_http_development_sends_no_hsts() {
    let (app, _) = spawn_world().await;
    let page = app.get(&app.client(), "/").await;
    assert!(page.headers().get("strict-transport-security").is_none());
    assert!(!set_cookie(&page, "lanyard_csrf")
        .unwrap()
        .to_ascii_lowercase()
        .contains("secure"));
}
