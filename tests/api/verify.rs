//! Verification for everyone: the `/verify` page and `POST /api/v1/verify`.

use std::net::TcpListener;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use lanyard::credentials::{didkey, proof};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_world, TestApp, World};

const DIGITAL_BAZAAR: &str = include_str!("../fixtures/credentials/digitalbazaar-didkey.json");

/// Awards the library's `badge` to Maya through the API; returns the award as the API shows it.
async fn award(app: &TestApp, world: &World, badge: &str) -> Value {
    app.award_through_api(&world.token_of("library"), "library", badge, "maya")
        .await
}

/// The signed credential of an award, as a wallet fetches it.
async fn credential_of(app: &TestApp, award: &Value) -> Value {
    app.credential_at(award["credential_url"].as_str().unwrap())
        .await
}

async fn bytes_at(app: &TestApp, url: &str) -> Vec<u8> {
    let response = app.client().get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.bytes().await.unwrap().to_vec()
}

/// Posts the page's form (multipart, with this client's CSRF token) with `form`'s fields.
async fn submit(app: &TestApp, client: &Client, form: Form) -> Response {
    let token = app.csrf(client).await;
    client
        .post(app.url("/verify"))
        .multipart(form.text("csrf_token", token))
        .send()
        .await
        .unwrap()
}

async fn paste(app: &TestApp, text: &str) -> Response {
    let form = Form::new().text("credential", text.to_string());
    submit(app, &app.client(), form).await
}

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> Response {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    submit(app, &app.client(), form).await
}

async fn api(app: &TestApp, body: &Value) -> Response {
    app.client()
        .post(app.url("/api/v1/verify"))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The verdict of a page with a report, after asserting it answered 200.
async fn page_verdict(response: Response) -> (String, String) {
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let verdict = attribute_after(&html, "data-verdict=\"").unwrap_or_default();
    (verdict, html)
}

fn attribute_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// `true`, `false` or `null`: the page's outcome of one check.
fn page_check(html: &str, id: &str) -> String {
    attribute_after(html, &format!("data-check=\"{id}\" data-passed=\"")).unwrap_or_default()
}

async fn api_report(response: Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn api_check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report}"))
}

/// A PNG of one pixel with nothing baked into it.
fn plain_png() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(kind);
        hasher.update(data);
        out.extend_from_slice(&hasher.finalize().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    chunk(&mut png, b"IDAT", &[120, 156, 99, 0, 1, 0, 0, 5, 0, 1]);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[tokio::test]
async fn a_fresh_badge_verifies_as_valid_pasted_uploaded_by_address_and_through_the_api() {
    let (app, world) = spawn_world().await;
    let award = award(&app, &world, "reading-explorer").await;
    let credential = credential_of(&app, &award).await;

    let (verdict, html) = page_verdict(paste(&app, &credential.to_string()).await).await;
    assert_eq!(verdict, "valid", "{html}");
    for check in ["well_formed", "proof", "issuer_key", "dates", "revocation"] {
        assert_eq!(page_check(&html, check), "true", "{check}");
    }
    assert!(html.contains("This badge is genuine"));
    assert!(html.contains("Reading Explorer"));

    let png = bytes_at(&app, award["png_url"].as_str().unwrap()).await;
    let (verdict, _) = page_verdict(upload(&app, "badge.png", png).await).await;
    assert_eq!(verdict, "valid");
    let svg = bytes_at(&app, award["svg_url"].as_str().unwrap()).await;
    let (verdict, html) = page_verdict(upload(&app, "badge.svg", svg).await).await;
    assert_eq!(verdict, "valid");
    // Whom and when: the award's youth and the day it was issued.
    assert!(
        html.contains(r#"<dd id="issued-to">a learner of Riverton</dd>"#),
        "{html}"
    );
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(html.contains(&format!(r#"<time datetime="{today}">"#)));
    // The Open Badges 2.0 baked images Lanyard hands out verify too, through their award.
    let assertion = award["assertion_url"].as_str().unwrap();
    for (name, baked) in [
        ("ob2.png", format!("{assertion}?bake=png")),
        ("ob2.svg", format!("{assertion}?bake=svg")),
    ] {
        let bytes = bytes_at(&app, &baked).await;
        let (verdict, html) = page_verdict(upload(&app, name, bytes).await).await;
        assert_eq!(verdict, "valid", "{name}: {html}");
    }

    let url = award["credential_url"].as_str().unwrap();
    let linked = app.get(&app.client(), &format!("/verify?url={url}")).await;
    let (verdict, html) = page_verdict(linked).await;
    assert_eq!(verdict, "valid");
    assert!(
        html.contains(&format!("value=\"{url}\"")),
        "the address stays in the form"
    );
    let as_the_award_page_links = app
        .get(
            &app.client(),
            &format!("/verify?url={}", lanyard::web::url_encode(url)),
        )
        .await;
    assert_eq!(page_verdict(as_the_award_page_links).await.0, "valid");
    let typed = submit(
        &app,
        &app.client(),
        Form::new().text("url", url.to_string()),
    )
    .await;
    assert_eq!(page_verdict(typed).await.0, "valid");

    let report = api_report(api(&app, &json!({"credential": credential})).await).await;
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["checks"].as_array().unwrap().len(), 5);
    assert_eq!(api_check(&report, "proof")["passed"], true);
    assert_eq!(api_check(&report, "revocation")["passed"], true);
    let report = api_report(api(&app, &json!({"url": url})).await).await;
    assert_eq!(report["verdict"], "valid");
}

#[tokio::test]
async fn a_tampered_badge_is_invalid_because_its_signature_no_longer_matches() {
    let (app, world) = spawn_world().await;
    let award = award(&app, &world, "comic-creator").await;
    let mut credential = credential_of(&app, &award).await;
    credential["name"] = json!("Comic Creator Grand Master");

    let (verdict, html) = page_verdict(paste(&app, &credential.to_string()).await).await;
    assert_eq!(verdict, "invalid");
    assert_eq!(page_check(&html, "proof"), "false");
    assert_eq!(page_check(&html, "issuer_key"), "true");
    assert!(html.contains("The signature does not match"));

    let report = api_report(api(&app, &json!({"credential": credential})).await).await;
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(api_check(&report, "proof")["passed"], false);
}

#[tokio::test]
async fn a_revoked_badge_is_reported_revoked_with_its_reason() {
    let (app, world) = spawn_world().await;
    let award = award(&app, &world, "comic-creator").await;
    let credential = credential_of(&app, &award).await;
    // The W3C status list alone (its signature no longer matches, but its status is read).
    let mut bitstring_only = credential.clone();
    bitstring_only["credentialStatus"] = json!([credential["credentialStatus"][1]]);
    let report = api_report(api(&app, &json!({"credential": bitstring_only})).await).await;
    assert_eq!(api_check(&report, "revocation")["passed"], true);
    let revoked = app
        .client()
        .post(app.url(&format!(
            "/api/v1/awards/{}/revoke",
            award["id"].as_str().unwrap()
        )))
        .bearer_auth(world.token_of("library"))
        .json(&json!({"reason": "Awarded by mistake"}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);

    let report = api_report(api(&app, &json!({"credential": credential})).await).await;
    assert_eq!(report["verdict"], "revoked");
    assert_eq!(api_check(&report, "proof")["passed"], true);
    let revocation = api_check(&report, "revocation");
    assert_eq!(revocation["passed"], false);
    assert!(revocation["message"]
        .as_str()
        .unwrap()
        .contains("Awarded by mistake"));

    let report = api_report(api(&app, &json!({"credential": bitstring_only})).await).await;
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(
        api_check(&report, "revocation")["message"],
        "The issuer revoked it."
    );

    let url = award["credential_url"].as_str().unwrap();
    let (verdict, html) =
        page_verdict(app.get(&app.client(), &format!("/verify?url={url}")).await).await;
    assert_eq!(verdict, "revoked");
    assert!(html.contains("its issuer has withdrawn it"));
}

#[tokio::test]
async fn a_did_key_badge_signed_by_digital_bazaar_verifies_and_one_changed_character_breaks_it() {
    let (app, _) = spawn_world().await;
    let credential: Value = serde_json::from_str(DIGITAL_BAZAAR).unwrap();

    let report = api_report(api(&app, &json!({"credential": credential})).await).await;
    assert_eq!(report["verdict"], "valid", "{report}");
    assert_eq!(api_check(&report, "proof")["passed"], true);
    assert_eq!(api_check(&report, "issuer_key")["passed"], true);
    assert_eq!(api_check(&report, "revocation")["passed"], Value::Null);
    let (verdict, html) = page_verdict(paste(&app, DIGITAL_BAZAAR).await).await;
    assert_eq!(verdict, "valid");
    assert!(html.contains("Riverton Parks (signed elsewhere)"));

    let changed = DIGITAL_BAZAAR.replacen("Trail Steward", "Trail Stewart", 1);
    assert_ne!(changed, DIGITAL_BAZAAR);
    let (verdict, html) = page_verdict(paste(&app, &changed).await).await;
    assert_eq!(verdict, "invalid");
    assert_eq!(page_check(&html, "proof"), "false");
}

/// The Digital Bazaar credential without its proof.
fn unsigned_fixture() -> Value {
    let mut unsigned: Value = serde_json::from_str(DIGITAL_BAZAAR).unwrap();
    unsigned.as_object_mut().unwrap().remove("proof");
    unsigned
}

#[tokio::test]
async fn a_genuine_badge_past_its_end_date_is_expired_and_one_not_yet_started_is_invalid() {
    let (app, _) = spawn_world().await;
    let key = SigningKey::from_bytes(&[9u8; 32]);
    let did = didkey::did_for(&key.verifying_key());
    let method = didkey::verification_method_for(&key.verifying_key());
    let mut expired = unsigned_fixture();
    expired["issuer"]["id"] = json!(did);
    expired["validFrom"] = json!("2020-01-01T00:00:00Z");
    expired["validUntil"] = json!("2021-01-01T00:00:00Z");
    let signed = proof::sign(&expired, &key, &method, Utc::now()).unwrap();
    let report = api_report(api(&app, &json!({"credential": signed})).await).await;
    assert_eq!(report["verdict"], "expired", "{report}");
    assert_eq!(api_check(&report, "proof")["passed"], true);
    assert_eq!(api_check(&report, "dates")["passed"], false);

    let mut early = unsigned_fixture();
    early["issuer"]["id"] = json!(did);
    early["validFrom"] = json!("2999-01-01T00:00:00Z");
    let signed = proof::sign(&early, &key, &method, Utc::now()).unwrap();
    let report = api_report(api(&app, &json!({"credential": signed})).await).await;
    assert_eq!(report["verdict"], "invalid");
    assert!(api_check(&report, "dates")["message"]
        .as_str()
        .unwrap()
        .contains("not valid yet"));

    // Signed with a did:key that is not the issuer's.
    let mut borrowed = unsigned_fixture();
    borrowed["issuer"]["id"] = json!("did:key:z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn");
    let signed = proof::sign(&borrowed, &key, &method, Utc::now()).unwrap();
    let report = api_report(api(&app, &json!({"credential": signed})).await).await;
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(api_check(&report, "proof")["passed"], true);
    assert_eq!(api_check(&report, "issuer_key")["passed"], false);
}

#[tokio::test]
async fn nothing_is_fetched_from_another_host() {
    let (app, _) = spawn_world().await;
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let other = format!("http://{}", elsewhere.local_addr().unwrap());

    let url = format!("{other}/c/riverton/awards/some-award");
    let page = app.get(&app.client(), &format!("/verify?url={url}")).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("This address is on another site"));
    let problem = api(&app, &json!({"url": url})).await;
    assert_eq!(problem.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A genuine signature by an issuer whose documents live on the other host.
    let mut unsigned = unsigned_fixture();
    unsigned["@context"].as_array_mut().unwrap().push(json!(
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    ));
    unsigned["issuer"]["id"] = json!(format!("{other}/issuer"));
    unsigned["credentialStatus"] =
        json!({"id": format!("{other}/revocations"), "type": "1EdTechRevocationList"});
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let signed = proof::sign(
        &unsigned,
        &key,
        &format!("{other}/issuer#key-1"),
        Utc::now(),
    )
    .unwrap();
    let report = api_report(api(&app, &json!({"credential": signed})).await).await;
    assert_eq!(report["verdict"], "invalid");
    let issuer_key = api_check(&report, "issuer_key");
    assert_eq!(issuer_key["passed"], false);
    assert!(issuer_key["message"]
        .as_str()
        .unwrap()
        .contains("does not fetch from other sites"));
    assert_eq!(api_check(&report, "proof")["passed"], Value::Null);
    assert_eq!(api_check(&report, "revocation")["passed"], Value::Null);

    assert!(
        elsewhere.accept().is_err(),
        "Lanyard connected to the other host"
    );
}

#[tokio::test]
async fn bad_input_on_the_page_is_a_422_that_says_what_to_fix() {
    let (app, world) = spawn_world().await;
    let cases: Vec<(Form, &str)> = vec![
        (Form::new(), "Paste a credential, upload a badge image"),
        (
            Form::new().text("credential", "{\"type\": \"Verifiable"),
            "This is not JSON",
        ),
        (Form::new().text("credential", "[1, 2]"), "not a credential"),
        (
            Form::new().part("file", Part::bytes(plain_png()).file_name("plain.png")),
            "no Open Badges 3.0 credential baked into it",
        ),
        (
            Form::new().part(
                "file",
                Part::bytes(b"GIF89a....".to_vec()).file_name("a.gif"),
            ),
            "not a PNG or SVG image",
        ),
        (
            Form::new().part(
                "file",
                Part::bytes(vec![0u8; 1024 * 1024 + 1]).file_name("huge.png"),
            ),
            "too large",
        ),
        (
            Form::new().text("url", "not an address"),
            "Enter a full address",
        ),
        (
            Form::new().text("url", app.url("/c/riverton/awards/no-such-award")),
            "No badge of this site has this address",
        ),
        (
            Form::new()
                .text("credential", "{}")
                .text("url", app.url("/c/riverton")),
            "Use one way at a time",
        ),
    ];
    for (form, message) in cases {
        let response = submit(&app, &app.client(), form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("class=\"field-error\""), "{message}");
    }

    let client = app.client();
    let no_token = client
        .post(app.url("/verify"))
        .multipart(Form::new().text("credential", "{}"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let not_multipart = app
        .post_form(&client, "/verify", &[("credential", "{}")])
        .await;
    assert_eq!(not_multipart.status(), StatusCode::BAD_REQUEST);

    // A genuine-looking object that is not a badge is verified, and found invalid.
    let report = api_report(api(&app, &json!({"credential": {"name": "x"}})).await).await;
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(api_check(&report, "well_formed")["passed"], false);
    let _ = world;
}

#[tokio::test]
async fn bad_input_to_the_api_is_a_problem_document() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    for body in ["not json", "[]", "\"text\""] {
        let response = client
            .post(app.url("/api/v1/verify"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
    }
    for body in [
        json!({}),
        json!({"credential": null, "url": null}),
        json!({"credential": 5}),
        json!({"credential": "{broken"}),
        json!({"url": 5}),
        json!({"url": "https://elsewhere.example/c/riverton/awards/x"}),
        json!({"credential": {}, "url": app.url("/c/riverton")}),
    ] {
        let response = api(&app, &body).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 422);
        assert!(
            problem["errors"][0]["detail"].as_str().is_some(),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn the_page_speaks_spanish() {
    let (app, world) = spawn_world().await;
    let award = award(&app, &world, "reading-explorer").await;
    let url = award["credential_url"].as_str().unwrap();
    let client = app.client();
    let form = client
        .get(app.url("/verify"))
        .header("Accept-Language", "es")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("Pega una credencial (JSON)"));
    let answered = client
        .get(app.url(&format!("/verify?url={url}")))
        .header("Accept-Language", "es")
        .send()
        .await
        .unwrap();
    let (verdict, html) = page_verdict(answered).await;
    assert_eq!(verdict, "valid");
    assert!(html.contains("Esta insignia es auténtica"));
    assert!(html.contains("Firma: sin problemas."));
}

#[tokio::test]
async fn the_openapi_document_describes_verification() {
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
    let verify = &doc["paths"]["/verify"]["post"];
    assert!(verify.is_object());
    assert_eq!(verify["security"], json!([]), "no token is needed");
}
