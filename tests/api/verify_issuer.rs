//! What `/verify` vouches for: a signature that holds, and whether the issuer is an
//! organization of this deployment; a name a stranger gives itself is never confirmed.

use chrono::Utc;
use ed25519_dalek::SigningKey;
use lanyard::credentials::{didkey, proof};
use reqwest::multipart::Form;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_world, TestApp};

const DIGITAL_BAZAAR: &str = include_str!("../fixtures/credentials/digitalbazaar-didkey.json");

async fn paste(app: &TestApp, text: &str, language: &str) -> String {
    let client = app.client();
    let token = app.csrf(&client).await;
    let response = client
        .post(app.url("/verify"))
        .header("accept-language", language)
        .multipart(
            Form::new()
                .text("csrf_token", token)
                .text("credential", text.to_string()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn api(app: &TestApp, credential: &Value) -> Value {
    let response: Response = app
        .client()
        .post(app.url("/api/v1/verify"))
        .json(&json!({ "credential": credential }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The text a person reads in the verdict box, and the issuer line of its summary.
fn verdict_and_issuer(html: &str) -> (String, String, String) {
    let page = scraper::Html::parse_document(html);
    let select = |css: &str| {
        let selector = scraper::Selector::parse(css).unwrap();
        page.select(&selector)
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default()
    };
    let standing = page
        .select(&scraper::Selector::parse("#verdict").unwrap())
        .next()
        .and_then(|e| e.value().attr("data-issuer"))
        .unwrap_or_default()
        .to_string();
    (select("#verdict"), select("#issuer"), standing)
}

/// A credential signed by a `did:key` of its own that calls itself the city's library.
fn impersonation() -> Value {
    let key = SigningKey::from_bytes(&[21u8; 32]);
    let did = didkey::did_for(&key.verifying_key());
    let method = didkey::verification_method_for(&key.verifying_key());
    let mut credential: Value = serde_json::from_str(DIGITAL_BAZAAR).unwrap();
    credential.as_object_mut().unwrap().remove("proof");
    credential["issuer"]["id"] = json!(did);
    credential["issuer"]["name"] = json!("Riverton Public Library");
    proof::sign(&credential, &key, &method, Utc::now()).unwrap()
}

#[tokio::test]
async fn a_badge_of_this_site_names_its_organization_as_confirmed() {
    let (app, world) = spawn_world().await;
    let award = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "reading-explorer",
            "maya",
        )
        .await;
    let credential = app
        .credential_at(award["credential_url"].as_str().unwrap())
        .await;
    let html = paste(&app, &credential.to_string(), "en").await;
    let (verdict, issuer, standing) = verdict_and_issuer(&html);
    assert_eq!(standing, "this-site");
    assert!(verdict.contains("This badge is genuine"), "{verdict}");
    assert!(issuer.contains("Riverton Public Library"), "{issuer}");
    assert!(issuer.contains("name confirmed"), "{issuer}");

    let report = api(&app, &credential).await;
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["issuer"]["of_this_site"], true);
    assert_eq!(report["issuer"]["name_confirmed"], true);
    assert_eq!(report["issuer"]["name"], "Riverton Public Library");
}

#[tokio::test]
async fn a_stranger_calling_itself_the_library_gets_a_valid_signature_but_no_confirmed_name() {
    let (app, _) = spawn_world().await;
    let forged = impersonation();
    let html = paste(&app, &forged.to_string(), "en").await;
    let (verdict, issuer, standing) = verdict_and_issuer(&html);
    assert_eq!(standing, "unconfirmed");
    assert!(!verdict.contains("genuine"), "{verdict}");
    assert!(
        verdict.contains("Signature valid, issuer not confirmed"),
        "{verdict}"
    );
    assert!(
        verdict.contains("not an organization of this site"),
        "{verdict}"
    );
    assert!(issuer.contains("Riverton Public Library"), "{issuer}");
    assert!(issuer.contains("not confirmed"), "{issuer}");
    assert!(!issuer.contains("name confirmed"), "{issuer}");

    let html = paste(&app, &forged.to_string(), "es").await;
    let (verdict, issuer, _) = verdict_and_issuer(&html);
    assert!(
        verdict.contains("Firma válida, emisor sin confirmar"),
        "{verdict}"
    );
    assert!(issuer.contains("sin confirmar"), "{issuer}");

    let report = api(&app, &forged).await;
    assert_eq!(report["verdict"], "valid", "the signature itself holds");
    assert_eq!(report["issuer"]["of_this_site"], false);
    assert_eq!(report["issuer"]["name_confirmed"], false);
    assert_eq!(report["issuer"]["stated_name"], "Riverton Public Library");
    assert_eq!(report["issuer"]["url"], Value::Null);
    assert!(report["summary"]
        .as_str()
        .unwrap()
        .contains("not confirmed"));
}

#[tokio::test]
async fn a_badge_of_this_site_with_a_broken_signature_confirms_nobody() {
    let (app, world) = spawn_world().await;
    let award = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "comic-creator",
            "maya",
        )
        .await;
    let mut credential = app
        .credential_at(award["credential_url"].as_str().unwrap())
        .await;
    credential["issuer"]["name"] = json!("Riverton Public Library (official)");
    let report = api(&app, &credential).await;
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(report["issuer"]["of_this_site"], false);
    let html = paste(&app, &credential.to_string(), "en").await;
    let (verdict, issuer, standing) = verdict_and_issuer(&html);
    assert_eq!(standing, "unconfirmed");
    assert!(verdict.contains("cannot be trusted"), "{verdict}");
    assert!(issuer.contains("not confirmed"), "{issuer}");
}
