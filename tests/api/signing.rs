//! The signing service as a verifier and an operator see it: signed credentials, the issuer
//! document's keys, rotation, the separate signer process, and the append-only signature log.

use std::net::TcpListener;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use lanyard::credentials::{multikey, proof};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_sharing, spawn_world, test_settings, TestApp, World};

async fn award(app: &TestApp, token: &str, badge: &str, recipient: &str) -> Value {
    app.award_through_api(token, "library", badge, recipient)
        .await
}

async fn fetch_json(app: &TestApp, url: &str, accept: &str) -> (StatusCode, String, Value) {
    let response = app
        .client()
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let media = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, media, response.json().await.unwrap_or(Value::Null))
}

/// Verifies a document's proof against the keys its issuer document publishes.
async fn verify_with_issuer(
    app: &TestApp,
    document: &Value,
    issuer_id: &str,
) -> Result<String, String> {
    let (_, _, issuer) = fetch_json(app, issuer_id, "application/ld+json").await;
    let methods = issuer["verificationMethod"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let asserted = issuer["assertionMethod"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    proof::verify(document, |method: &str| {
        let entry = methods
            .iter()
            .find(|m| m["id"] == method)
            .ok_or_else(|| format!("{method} is not published"))?;
        if entry["controller"] != issuer_id || !asserted.iter().any(|a| a == method) {
            return Err(format!(
                "{method} is not an assertion method of {issuer_id}"
            ));
        }
        multikey::decode_public_key(entry["publicKeyMultibase"].as_str().unwrap_or_default())
            .map_err(|e| e.to_string())
    })
    .map(|verified| verified.verification_method)
    .map_err(|e| e.to_string())
}

#[tokio::test]
async fn an_award_is_a_signed_credential_that_says_nothing_about_the_youth_in_the_clear() {
    let (app, world) = spawn_world().await;
    let awarded = award(&app, &world.token_of("library"), "comic-creator", "maya").await;
    let (status, media, credential) = fetch_json(
        &app,
        awarded["credential_url"].as_str().unwrap(),
        "application/vc+ld+json",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "application/vc+ld+json");
    assert_eq!(
        credential["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(credential["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    let issuer_id = credential["issuer"]["id"].as_str().unwrap();
    assert_eq!(issuer_id, app.url("/c/riverton/orgs/library/issuer"));
    assert_eq!(
        verify_with_issuer(&app, &credential, issuer_id).await,
        Ok(format!("{issuer_id}#key-1"))
    );
    let text = credential.to_string();
    assert!(
        !text.contains("maya") && !text.contains("Maya"),
        "no name or account in the credential"
    );
    let identity = &credential["credentialSubject"]["identifier"][0];
    let salt = identity["salt"].as_str().unwrap();
    // The hash is of Maya's opaque identifier, never of her account name.
    let opaque: Vec<String> = {
        use diesel::prelude::*;
        use lanyard::db::schema::users;
        let mut conn = app.db.get().unwrap();
        users::table
            .filter(users::username.eq("maya"))
            .select(users::recipient_identifier.assume_not_null())
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(
        identity["identityHash"].as_str().unwrap(),
        lanyard::signing::ob3::identity_hash(&opaque[0], salt)
    );
    assert_ne!(
        identity["identityHash"].as_str().unwrap(),
        lanyard::signing::ob3::identity_hash("urn:lanyard:riverton:user:maya", salt)
    );
    // The same URL in a browser is the award page.
    let page = app
        .client()
        .get(awarded["credential_url"].as_str().unwrap())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("Earned by a learner of Riverton"));
    for link in [
        "badge.png",
        "badge.svg",
        "credential.json",
        "/assertion",
        "linkedin.com/profile/add",
        "/verify?url=",
    ] {
        assert!(html.contains(link), "the award page offers {link}");
    }
    // Asking again returns the very same signed document.
    let (_, _, again) = fetch_json(
        &app,
        awarded["credential_url"].as_str().unwrap(),
        "application/json",
    )
    .await;
    assert_eq!(again, credential);
}

#[tokio::test]
async fn rotation_signs_new_badges_with_a_new_key_and_old_badges_keep_verifying() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let first = award(&app, &token, "comic-creator", "maya").await;
    let operator = app.signed_in(&world.person("operator")).await;
    let page = app.get(&operator, "/admin/keys").await;
    assert_eq!(page.status(), StatusCode::OK);
    let rotated = app
        .post_form(
            &operator,
            "/admin/keys/rotate",
            &[("city", "riverton"), ("org", "library"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::SEE_OTHER);
    let second = award(&app, &token, "reading-explorer", "maya").await;
    let issuer_id = app.url("/c/riverton/orgs/library/issuer");
    let (_, _, issuer) = fetch_json(&app, &issuer_id, "application/ld+json").await;
    let methods: Vec<&str> = issuer["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [format!("{issuer_id}#key-1"), format!("{issuer_id}#key-2")]
    );
    assert_eq!(issuer["verificationMethod"][0]["type"], "Multikey");
    assert_eq!(issuer["verificationMethod"][0]["controller"], issuer_id);
    for (awarded, key) in [(&first, "key-1"), (&second, "key-2")] {
        let (_, _, credential) = fetch_json(
            &app,
            awarded["credential_url"].as_str().unwrap(),
            "application/vc+ld+json",
        )
        .await;
        assert_eq!(
            verify_with_issuer(&app, &credential, &issuer_id).await,
            Ok(format!("{issuer_id}#{key}"))
        );
    }
    // Only the operator rotates keys.
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    assert_eq!(
        app.get(&coordinator, "/admin/keys").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(
            &coordinator,
            "/admin/keys/rotate",
            &[("city", "riverton"), ("org", "library")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&app.client(), "/admin/keys").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_status_list_is_signed_by_the_issuer_and_shows_a_revocation() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let awarded = award(&app, &token, "comic-creator", "maya").await;
    let (_, _, credential) = fetch_json(
        &app,
        awarded["credential_url"].as_str().unwrap(),
        "application/vc+ld+json",
    )
    .await;
    let entry = &credential["credentialStatus"][1];
    let list_url = entry["statusListCredential"].as_str().unwrap();
    let position: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    let issuer_id = credential["issuer"]["id"].as_str().unwrap().to_string();
    let bit = |list: &Value| {
        use base64::Engine;
        use std::io::Read;
        let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
        let gz = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&encoded[1..])
            .unwrap();
        let mut bits = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut bits)
            .unwrap();
        bits[position / 8] & (0x80 >> (position % 8)) != 0
    };
    let (_, _, before) = fetch_json(&app, list_url, "application/vc+ld+json").await;
    assert!(verify_with_issuer(&app, &before, &issuer_id).await.is_ok());
    assert_eq!(before["issuer"], issuer_id.as_str());
    assert!(!bit(&before));
    let revoked = app
        .client()
        .post(app.url(&format!(
            "/api/v1/awards/{}/revoke",
            awarded["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"reason": "Entered for the wrong youth"}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let (_, _, after) = fetch_json(&app, list_url, "application/vc+ld+json").await;
    assert!(verify_with_issuer(&app, &after, &issuer_id).await.is_ok());
    assert!(bit(&after));
    let (_, _, revocations) = fetch_json(
        &app,
        credential["credentialStatus"][0]["id"].as_str().unwrap(),
        "application/json",
    )
    .await;
    assert_eq!(revocations["revokedCredentials"][0]["id"], credential["id"]);
    assert_eq!(
        revocations["revokedCredentials"][0]["revocationReason"],
        "Entered for the wrong youth"
    );
    let (status, _, assertion) = fetch_json(
        &app,
        awarded["assertion_url"].as_str().unwrap(),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(assertion["revoked"], true);
}

#[tokio::test]
async fn baked_images_carry_the_same_credential() {
    let (app, world) = spawn_world().await;
    let awarded = award(&app, &world.token_of("library"), "reading-explorer", "maya").await;
    let (_, _, credential) = fetch_json(
        &app,
        awarded["credential_url"].as_str().unwrap(),
        "application/vc+ld+json",
    )
    .await;
    let png = app
        .client()
        .get(awarded["png_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers().get("content-type").unwrap(), "image/png");
    let png = png.bytes().await.unwrap();
    let baked = lanyard::signing::baking::unbake_png(&png, "openbadgecredential").unwrap();
    assert_eq!(serde_json::from_str::<Value>(&baked).unwrap(), credential);
    let svg = app
        .client()
        .get(awarded["svg_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let baked = lanyard::signing::baking::unbake_svg_ob3(&svg).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&baked).unwrap(), credential);
}

#[tokio::test]
async fn the_signature_log_records_every_signature_and_cannot_be_rewritten() {
    let (app, world) = spawn_world().await;
    let awarded = award(&app, &world.token_of("library"), "comic-creator", "maya").await;
    let mut conn = app.db.get().unwrap();
    let count = |conn: &mut lanyard::db::DbConnection| {
        let city = lanyard::tenancy::store::find_by_slug(conn, "riverton")
            .unwrap()
            .unwrap();
        lanyard::signing::log::count(conn, city.id).unwrap()
    };
    assert!(count(&mut conn) >= 1);
    assert!(conn
        .batch_execute("UPDATE signature_log SET subject = 'forged'")
        .is_err());
    assert!(conn.batch_execute("DELETE FROM signature_log").is_err());
    let entry = lanyard::signing::log::find(
        &mut conn,
        &format!("award:{}", awarded["id"].as_str().unwrap()),
    )
    .unwrap();
    assert!(entry.is_some());
}

#[tokio::test]
async fn a_production_profile_refuses_to_start_without_a_master_key() {
    let mut settings = test_settings();
    settings.signing.master_key = String::new();
    settings.signing.master_key_file = String::new();
    settings.signing.generate_master_key = false;
    assert!(lanyard::startup::signing_service(&settings).is_err());
    settings.signing.master_key = "too short".into();
    assert!(lanyard::startup::signing_service(&settings).is_err());
}

/// A web server in remote mode, and the `lanyard signer` it calls, on one database.
async fn remote_world() -> (TestApp, World, u16) {
    let secret = "a shared secret for the signer";
    let owner = crate::helpers::spawn_app().await;
    let keyring = Arc::new(lanyard::startup::keyring(&test_settings()).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (server, port) =
        lanyard::signing::remote::serve(owner.db.clone(), keyring, secret.into(), listener)
            .unwrap();
    tokio::spawn(server);
    let mut web = test_settings();
    web.signing.mode = "remote".into();
    web.signing.master_key = String::new();
    web.signing.signer_url = format!("http://127.0.0.1:{port}");
    web.signing.signer_secret = secret.into();
    let app = spawn_app_sharing(web, owner).await;
    let world = app.seed_world();
    (app, world, port)
}

#[tokio::test]
async fn a_web_server_without_keys_signs_through_the_signer_process() {
    let (app, world, port) = remote_world().await;
    let awarded = award(&app, &world.token_of("library"), "comic-creator", "maya").await;
    let (_, _, credential) = fetch_json(
        &app,
        awarded["credential_url"].as_str().unwrap(),
        "application/vc+ld+json",
    )
    .await;
    let issuer_id = credential["issuer"]["id"].as_str().unwrap().to_string();
    assert!(verify_with_issuer(&app, &credential, &issuer_id)
        .await
        .is_ok());

    // The signer refuses a caller without the secret, and answers a repeated request the same.
    let request = json!({
        "request_id": "test:1", "city": 1, "org": null, "issuer_id": "http://127.0.0.1/c/x/issuer",
        "subject": "test", "recipient": "public",
        "document": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                     "issuer": "http://127.0.0.1/c/x/issuer", "credentialSubject": {"id": "urn:x:1"}}
    });
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/v1/sign");
    let refused = client
        .post(&url)
        .bearer_auth("wrong secret, wrong secret")
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let first: Value = client
        .post(&url)
        .bearer_auth("a shared secret for the signer")
        .json(&request)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second: Value = client
        .post(&url)
        .bearer_auth("a shared secret for the signer")
        .json(&request)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(first["proof"]["proofValue"].is_string());
    assert_eq!(first, second);
    // And the web server cannot rotate keys it does not hold.
    let operator = app.signed_in(&world.person("operator")).await;
    let page = app
        .get(&operator, "/admin/keys")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("lanyard keys rotate"));
}

#[tokio::test]
async fn bulk_issuance_signs_every_good_row_and_reports_the_rest() {
    let (app, _) = spawn_world().await;
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let org = lanyard::orgs::store::find_by_slug(&mut conn, city.id, "library")
        .unwrap()
        .unwrap();
    let row = |badge: &str, recipient: &str| lanyard::awards::bulk::Row {
        badge: badge.into(),
        recipient: recipient.into(),
    };
    let rows = [
        row("comic-creator", "MAYA"),
        row("no-such-badge", "maya"),
        row("comic-creator", "maya"),
        row("reading-explorer", "parent"),
        row("rocket-scientist", "maya"),
        row("reading-explorer", "leo"),
    ];
    let signer = lanyard::startup::signing_service(&test_settings()).unwrap();
    let report = lanyard::awards::bulk::issue(&app.db, &signer, &app.address, &city, &org, &rows)
        .await
        .unwrap();
    assert_eq!(report.awarded, 1);
    let lines: Vec<usize> = report.skipped.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7], "{:?}", report.skipped);
    let maya = lanyard::auth::store::find_user_by_login(&mut conn, "maya")
        .unwrap()
        .unwrap()
        .0;
    let awards = lanyard::awards::store::list_for_recipient(&mut conn, city.id, maya.id).unwrap();
    let bulk = awards
        .iter()
        .find(|a| a.badge_slug == "comic-creator")
        .unwrap();
    drop(conn);
    let url = app.url(&format!("/c/riverton/awards/{}", bulk.public_id));
    let (_, _, credential) = fetch_json(&app, &url, "application/vc+ld+json").await;
    let issuer_id = app.url("/c/riverton/orgs/library/issuer");
    assert!(verify_with_issuer(&app, &credential, &issuer_id)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_forged_host_header_never_reaches_a_signed_credential() {
    let (app, world) = spawn_world().await;
    let awarded = award(&app, &world.token_of("library"), "comic-creator", "maya").await;
    let credential = app
        .client()
        .get(awarded["credential_url"].as_str().unwrap())
        .header("accept", "application/vc+ld+json")
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!credential.contains("evil.example"));
    assert!(credential.contains(&app.address));
}

#[tokio::test]
async fn a_server_on_every_interface_must_be_told_its_public_address() {
    let mut settings = test_settings();
    settings.server.host = "0.0.0.0".into();
    assert!(lanyard::startup::public_base_url(&settings, 8080).is_err());
    settings.server.public_base_url = "https://badges.example.org/".into();
    assert_eq!(
        lanyard::startup::public_base_url(&settings, 8080).unwrap(),
        "https://badges.example.org"
    );
    settings.server.public_base_url = "badges.example.org".into();
    assert!(lanyard::startup::public_base_url(&settings, 8080).is_err());
}
