//! The recipient of a credential: an opaque random identifier per youth, hashed with a random
//! salt per award, so that no word list of account names finds who holds a badge.

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::{spawn_world, TestApp, World};

fn sha256_hash(text: &str) -> String {
    format!("sha256${}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// Every account name of the seeded world, as an attacker's word list would hold them.
fn word_list(world: &World) -> Vec<String> {
    let mut names: Vec<String> = world
        .demo
        .accounts
        .iter()
        .map(|a| a.username.clone())
        .collect();
    names.extend(["maya", "sam", "elm-youth"].map(String::from));
    names
}

/// The identifier object of a credential, after checking its shape is the standard one.
fn identity_object(credential: &Value) -> &Value {
    let identity = &credential["credentialSubject"]["identifier"][0];
    assert_eq!(identity["type"], "IdentityObject");
    assert_eq!(identity["hashed"], true);
    assert_eq!(identity["identityType"], "identifier");
    assert!(identity["identityHash"]
        .as_str()
        .unwrap()
        .starts_with("sha256$"));
    assert!(identity["salt"].is_string());
    identity
}

async fn award(app: &TestApp, world: &World, badge: &str) -> Value {
    app.award_through_api(&world.token_of("library"), "library", badge, "maya")
        .await
}

async fn assertion_of(app: &TestApp, award: &Value) -> Value {
    let response = app
        .client()
        .get(award["assertion_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn no_account_name_hashes_to_the_recipient_and_each_credential_has_its_own_salt() {
    let (app, world) = spawn_world().await;
    let first = award(&app, &world, "reading-explorer").await;
    let second = award(&app, &world, "comic-creator").await;
    let credentials = [
        app.credential_at(first["credential_url"].as_str().unwrap())
            .await,
        app.credential_at(second["credential_url"].as_str().unwrap())
            .await,
    ];
    let identities: Vec<&Value> = credentials.iter().map(identity_object).collect();
    assert_ne!(identities[0]["salt"], identities[1]["salt"]);
    assert_ne!(identities[0]["identityHash"], identities[1]["identityHash"]);
    for identity in &identities {
        let salt = identity["salt"].as_str().unwrap();
        for name in word_list(&world) {
            for city in ["riverton", "elmstead"] {
                for guess in [
                    format!("urn:lanyard:{city}:user:{name}"),
                    format!("urn:lanyard:{city}:{name}"),
                    name.clone(),
                ] {
                    assert_ne!(
                        identity["identityHash"].as_str().unwrap(),
                        sha256_hash(&format!("{guess}{salt}")),
                        "{guess} recovers the recipient"
                    );
                }
            }
        }
    }
    let text = credentials[0].to_string();
    assert!(!text.contains("maya"), "{text}");

    // The OB 2.0 assertion names the same recipient the same way.
    let assertion = assertion_of(&app, &first).await;
    assert_eq!(assertion["recipient"]["hashed"], true);
    assert_eq!(assertion["recipient"]["salt"], identities[0]["salt"]);
    assert_eq!(
        assertion["recipient"]["identity"],
        identities[0]["identityHash"]
    );
}

#[tokio::test]
async fn a_credential_signed_before_opaque_identifiers_is_served_unchanged_and_keeps_verifying() {
    let (app, world) = spawn_world().await;
    let award = award(&app, &world, "reading-explorer").await;
    let url = award["credential_url"].as_str().unwrap();
    let signed = app.credential_at(url).await;
    // As the migration leaves an award that was signed before it: no identifier recorded.
    let mut conn = app.db.get().unwrap();
    let changed = diesel::sql_query("UPDATE awards SET recipient_identifier = NULL")
        .execute(&mut conn)
        .unwrap();
    assert!(changed >= 1);
    drop(conn);

    assert_eq!(app.credential_at(url).await, signed, "never re-signed");
    let report: Value = app
        .client()
        .post(app.url("/api/v1/verify"))
        .json(&serde_json::json!({"url": url}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["verdict"], "valid", "{report}");

    // Its hosted OB 2.0 assertion keeps the identifier such awards were made with.
    let assertion = assertion_of(&app, &award).await;
    let salt = assertion["recipient"]["salt"].as_str().unwrap();
    assert_eq!(
        assertion["recipient"]["identity"],
        sha256_hash(&format!("urn:lanyard:riverton:user:maya{salt}"))
    );
}

#[tokio::test]
async fn a_youth_keeps_one_identifier_across_badges_and_another_youth_has_another() {
    let (app, world) = spawn_world().await;
    let mine = award(&app, &world, "reading-explorer").await;
    let also_mine = award(&app, &world, "comic-creator").await;
    let theirs = app
        .award_through_api(&world.other_token, "parks", "trail-blazer", "elm-youth")
        .await;
    let mut conn = app.db.get().unwrap();
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        recipient_identifier: Option<String>,
    }
    let identifiers: Vec<Option<String>> = [&mine, &also_mine, &theirs]
        .iter()
        .map(|award| {
            diesel::sql_query(format!(
                "SELECT recipient_identifier FROM awards WHERE public_id = '{}'",
                award["id"].as_str().unwrap()
            ))
            .get_result::<Row>(&mut conn)
            .unwrap()
            .recipient_identifier
        })
        .collect();
    assert!(identifiers.iter().all(Option::is_some), "{identifiers:?}");
    assert_eq!(identifiers[0], identifiers[1]);
    assert_ne!(identifiers[0], identifiers[2]);
    assert!(!identifiers[0].as_deref().unwrap().contains("maya"));
}
