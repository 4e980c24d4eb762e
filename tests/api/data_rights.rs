//! One's data as a whole: a share link on each badge card, the download of everything in one
//! zip (its credentials verifying), and deleting an account with the choice of what happens to
//! its credentials; for oneself and, for a parent, for a young child.

use std::io::Read;

use diesel::prelude::*;
use lanyard::db::schema::{audit_events, awards, submissions, users};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_sign_in_redirect, location, spawn_world, Person, TestApp, World};

async fn award_to(app: &TestApp, world: &World, badge: &str, youth: &str) -> String {
    let award = app
        .award_through_api(&world.token_of("library"), "library", badge, youth)
        .await;
    award["id"].as_str().unwrap().to_string()
}

async fn revoke_through_api(app: &TestApp, world: &World, award: &str, reason: &str) {
    let response = app
        .client()
        .post(app.url(&format!("/api/v1/awards/{award}/revoke")))
        .bearer_auth(world.token_of("library"))
        .json(&json!({ "reason": reason }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

/// Maya sends work with a link and a PDF for Comic Creator.
async fn maya_sends_work(app: &TestApp, maya: &Client) {
    let form = Form::new()
        .text("csrf_token", app.csrf(maya).await)
        .text("reflection", "My comic is about a cat who learns to swim.")
        .text("links", "https://example.org/maya/cat-comic")
        .part(
            "files",
            Part::bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec())
                .file_name("comic.pdf"),
        );
    let sent = maya
        .post(app.url("/c/riverton/badges/comic-creator/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "the work is taken");
}

/// The verdict `POST /api/v1/verify` gives `credential`.
async fn verdict_of(app: &TestApp, credential: &Value) -> String {
    let report: Value = app
        .client()
        .post(app.url("/api/v1/verify"))
        .json(&json!({ "credential": credential }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    report["verdict"].as_str().unwrap_or_default().to_string()
}

/// The entries of a zip: name → bytes.
fn entries(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        out.insert(file.name().unwrap().to_string(), content);
    }
    out
}

async fn download(app: &TestApp, client: &Client, path: &str) -> reqwest::Response {
    app.post_form(client, path, &[]).await
}

async fn zip_of(response: reqwest::Response) -> std::collections::BTreeMap<String, Vec<u8>> {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/zip"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"lanyard-"));
    entries(&response.bytes().await.unwrap())
}

fn status_of(app: &TestApp, id: i64) -> String {
    let mut conn = app.db.get().unwrap();
    users::table
        .find(id)
        .select(users::status)
        .first(&mut conn)
        .unwrap()
}

fn id_of(app: &TestApp, username: &str) -> i64 {
    let mut conn = app.db.get().unwrap();
    users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(&mut conn)
        .unwrap()
}

/// Leo, the demo's child under 13, confirmed and given a password, so he can earn and sign in.
fn leo_is_active(app: &TestApp) -> Person {
    let mut conn = app.db.get().unwrap();
    let hash = lanyard::auth::password::hash("leo's long password").unwrap();
    diesel::update(users::table.filter(users::username.eq("leo")))
        .set((users::status.eq("active"), users::password_hash.eq(hash)))
        .execute(&mut conn)
        .unwrap();
    Person {
        username: "leo".into(),
        password: "leo's long password".into(),
    }
}

#[tokio::test]
async fn each_badge_card_offers_its_share_link_and_a_revoked_one_says_it_cannot_be_shared() {
    let (app, world) = spawn_world().await;
    let kept = award_to(&app, &world, "comic-creator", "maya").await;
    let gone = award_to(&app, &world, "reading-explorer", "maya").await;
    revoke_through_api(&app, &world, &gone, "Given by mistake").await;
    let maya = app.signed_in(&world.account("maya")).await;
    let html = app.get(&maya, "/c/riverton/me").await.text().await.unwrap();
    let page = scraper::Html::parse_document(&html);
    let field = scraper::Selector::parse(&format!("#share-link-{kept}")).unwrap();
    let value = page
        .select(&field)
        .next()
        .expect("a share field for the live badge")
        .value();
    assert_eq!(value.attr("readonly"), Some(""));
    assert_eq!(
        value.attr("value").unwrap(),
        format!("{}/c/riverton/awards/{kept}", app.address)
    );
    let open = scraper::Selector::parse(&format!("#share-{kept} a.share-open")).unwrap();
    assert_eq!(
        page.select(&open).next().unwrap().value().attr("href"),
        Some(format!("/c/riverton/awards/{kept}").as_str())
    );
    let assertion = scraper::Selector::parse(&format!("#share-{kept} a.share-assertion")).unwrap();
    assert!(page.select(&assertion).next().is_some());
    assert!(!html.contains(&format!("share-link-{gone}")));
    assert!(html.contains("This badge was taken back, so it cannot be shared."));
    // The link leads to the public page, which names no one.
    let public = app
        .get(&app.client(), &format!("/c/riverton/awards/{kept}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(public.contains("a learner of Riverton"));

    // The parent sees the same on their child's cards.
    let parent = app.signed_in(&world.person("parent")).await;
    let html = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("id=\"share-link-{kept}\"")));
    assert!(!html.contains(&format!("share-link-{gone}")));
}

#[tokio::test]
async fn maya_downloads_one_zip_of_her_data_whose_credentials_verify() {
    let (app, world) = spawn_world().await;
    let live = award_to(&app, &world, "reading-explorer", "maya").await;
    let gone = award_to(&app, &world, "comic-creator", "maya").await;
    revoke_through_api(&app, &world, &gone, "Given by mistake").await;
    let maya = app.signed_in(&world.account("maya")).await;
    maya_sends_work(&app, &maya).await;

    let page = app.get(&maya, "/c/riverton/me/export").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("id=\"export-form\""));
    let files = zip_of(download(&app, &maya, "/c/riverton/me/export").await).await;
    let names: Vec<&String> = files.keys().collect();
    for award in [&live, &gone] {
        assert!(
            files.contains_key(&format!("credentials/{award}.json")),
            "{names:?}"
        );
        assert!(
            files.contains_key(&format!("credentials/{award}.png")),
            "{names:?}"
        );
    }
    assert_eq!(files.len(), 5, "{names:?}");

    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    assert_eq!(data["format"], "lanyard-export/1");
    assert_eq!(data["account"]["username"], "maya");
    assert_eq!(data["account"]["display_name"], "Maya");
    assert!(data["account"]["birth_date"].is_string());
    assert_eq!(data["city_roles"][0]["city"], "riverton");
    assert_eq!(data["city_roles"][0]["role"], "youth");
    assert_eq!(data["parents"], json!(["parent"]));
    let awards = data["awards"].as_array().unwrap();
    let revoked = awards.iter().find(|a| a["id"] == gone.as_str()).unwrap();
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revocation_reason"], "Given by mistake");
    let active = awards.iter().find(|a| a["id"] == live.as_str()).unwrap();
    assert_eq!(active["status"], "active");
    assert_eq!(
        active["credential_file"],
        format!("credentials/{live}.json")
    );
    let work = &data["submissions"][0];
    assert_eq!(
        work["reflection"],
        "My comic is about a cat who learns to swim."
    );
    assert_eq!(work["links"], json!(["https://example.org/maya/cat-comic"]));
    assert_eq!(work["files"][0]["file_name"], "comic.pdf");
    assert!(work["status"].is_string());
    assert!(data["pathways"].is_array());
    assert!(data["consents_received"].is_array());
    assert_eq!(data["account"]["notifications_off"], false);

    // Each credential, and the one baked in each picture, verifies (the revoked one as such).
    for (award, expected) in [(&live, "valid"), (&gone, "revoked")] {
        let credential: Value =
            serde_json::from_slice(&files[&format!("credentials/{award}.json")]).unwrap();
        assert_eq!(verdict_of(&app, &credential).await, expected, "{award}");
        let baked = lanyard::signing::baking::unbake_png(
            &files[&format!("credentials/{award}.png")],
            lanyard::signing::baking::OB3_PNG_KEYWORD,
        )
        .expect("a credential baked in the PNG");
        let baked: Value = serde_json::from_str(&baked).unwrap();
        assert_eq!(baked, credential);
        assert_eq!(verdict_of(&app, &baked).await, expected, "{award} (PNG)");
    }
}

#[tokio::test]
async fn a_parent_downloads_a_young_childs_data_and_nobody_else_can() {
    let (app, world) = spawn_world().await;
    leo_is_active(&app);
    let leos = award_to(&app, &world, "reading-explorer", "leo").await;
    let parent = app.signed_in(&world.person("parent")).await;
    let page = app
        .get(&parent, "/c/riverton/me/export")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("/c/riverton/me/children/leo/export"));
    let files = zip_of(download(&app, &parent, "/c/riverton/me/children/leo/export").await).await;
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    assert_eq!(data["account"]["username"], "leo");
    assert!(files.contains_key(&format!("credentials/{leos}.json")));

    // Maya (a youth, not Leo's parent) and another city's youth: 404; Maya's own parent may not
    // take the data of a teen, who decides for themself: 403.
    for person in [world.account("maya"), world.other_youth.clone()] {
        let client = app.signed_in(&person).await;
        let refused = download(&app, &client, "/c/riverton/me/children/leo/export").await;
        assert_eq!(
            refused.status(),
            StatusCode::NOT_FOUND,
            "{}",
            person.username
        );
    }
    let teen = download(&app, &parent, "/c/riverton/me/children/maya/export").await;
    assert_eq!(teen.status(), StatusCode::FORBIDDEN);
    let anonymous = download(&app, &app.client(), "/c/riverton/me/export").await;
    assert_sign_in_redirect(&anonymous);
}

#[tokio::test]
async fn downloads_are_limited_to_a_few_an_hour_with_a_clear_message() {
    let (app, world) = spawn_world().await;
    award_to(&app, &world, "reading-explorer", "maya").await;
    let maya = app.signed_in(&world.account("maya")).await;
    for _ in 0..lanyard::auth::throttle::EXPORTS_PER_ACCOUNT {
        let ok = download(&app, &maya, "/c/riverton/me/export").await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
    let refused = download(&app, &maya, "/c/riverton/me/export").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"export-limited\""), "{html}");
    assert!(html.contains("Please try again in"), "{html}");
    // Another account is not held back by Maya's downloads.
    let parent = app.signed_in(&world.person("parent")).await;
    let theirs = download(&app, &parent, "/c/riverton/me/export").await;
    assert_eq!(theirs.status(), StatusCode::OK);
}

/// Maya's deletion form, sent through `client`.
async fn maya_deletes(
    app: &TestApp,
    client: &Client,
    choice: &str,
    password: &str,
) -> reqwest::Response {
    app.post_form(
        client,
        "/c/riverton/me/delete",
        &[("credentials", choice), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn maya_deletes_her_account_revoking_her_badges_and_is_signed_out_everywhere() {
    let (app, world) = spawn_world().await;
    let award = award_to(&app, &world, "reading-explorer", "maya").await;
    let credential = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{award}")))
        .await;
    assert_eq!(verdict_of(&app, &credential).await, "valid");
    let maya_person = world.account("maya");
    let maya = app.signed_in(&maya_person).await;
    maya_sends_work(&app, &maya).await;
    let other_browser = app.signed_in(&maya_person).await;
    let id = id_of(&app, "maya");

    let page = app
        .get(&maya, "/c/riverton/me/delete")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"delete-form\""));
    assert!(page.contains("value=\"revoke\"") && page.contains("value=\"keep\""));
    let deleted = maya_deletes(&app, &maya, "revoke", &maya_person.password).await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let cookies: Vec<String> = deleted
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("lanyard_session=;")),
        "{cookies:?}"
    );
    let html = deleted.text().await.unwrap();
    assert!(html.contains("The account is deleted"), "{html}");
    assert!(html.contains("The badges were taken back"));

    // Signed out in both browsers; the password no longer signs in.
    for client in [&maya, &other_browser] {
        assert_sign_in_redirect(&app.get(client, "/c/riverton/me").await);
    }
    let again = app
        .post_form(
            &app.client(),
            "/signin",
            &[
                ("username", "maya"),
                ("password", &maya_person.password),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);

    // The credential is revoked: its status, its hosted assertion and its page say so.
    assert_eq!(verdict_of(&app, &credential).await, "revoked");
    let assertion = app
        .get(
            &app.client(),
            &format!("/c/riverton/awards/{award}/assertion"),
        )
        .await;
    assert_eq!(assertion.status(), StatusCode::GONE);
    let assertion: Value = assertion.json().await.unwrap();
    assert_eq!(assertion["revoked"], true);
    assert_eq!(
        assertion["revocationReason"],
        "The holder deleted their account"
    );
    let public = app
        .get(&app.client(), &format!("/c/riverton/awards/{award}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(public.contains("The holder deleted their account"));
    assert!(!public.contains("Maya"));

    // Nothing personal is left: the row keeps no name, address, birth date or password, the
    // work is gone, and the trail records the deletion without naming her.
    let mut conn = app.db.get().unwrap();
    let (username, name, email, born, hash): (
        String,
        String,
        Option<String>,
        Option<chrono::NaiveDate>,
        String,
    ) = users::table
        .find(id)
        .select((
            users::username,
            users::display_name,
            users::email,
            users::birth_date,
            users::password_hash,
        ))
        .first(&mut conn)
        .unwrap();
    assert!(
        username.starts_with("deleted-") && name == username,
        "{username} {name}"
    );
    assert_eq!((email, born, hash.as_str()), (None, None, ""));
    assert_eq!(status_of(&app, id), "deleted");
    let work: i64 = submissions::table
        .filter(submissions::youth_id.eq(id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(work, 0);
    let (target, detail, actor): (String, String, String) = audit_events::table
        .filter(audit_events::action.eq("users.deleted"))
        .select((
            audit_events::target,
            audit_events::detail,
            audit_events::actor_name,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!(target, format!("user:{id}"));
    assert_eq!(actor, username);
    assert!(
        !detail.contains("maya") && !detail.contains("Maya"),
        "{detail}"
    );
    // The library's list of badges it gave still counts the award, revoked.
    let kept: i64 = awards::table
        .filter(awards::recipient_id.eq(id))
        .filter(awards::revoked_at.is_not_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(kept, 1);
    drop(conn);
    let librarian = app.signed_in(&world.account("librarian")).await;
    let issued = app
        .get(&librarian, "/c/riverton/orgs/library/awards")
        .await
        .text()
        .await
        .unwrap();
    assert!(issued.contains(&username), "the award is still listed");
}

#[tokio::test]
async fn maya_deletes_her_account_keeping_her_badges_valid_and_nameless() {
    let (app, world) = spawn_world().await;
    let award = award_to(&app, &world, "reading-explorer", "maya").await;
    let credential = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{award}")))
        .await;
    // Maya had let her name show.
    {
        let mut conn = app.db.get().unwrap();
        diesel::update(users::table.filter(users::username.eq("maya")))
            .set(users::show_name.eq(true))
            .execute(&mut conn)
            .unwrap();
    }
    let before = app
        .get(&app.client(), &format!("/c/riverton/awards/{award}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(before.contains("Maya"));
    let maya_person = world.account("maya");
    let maya = app.signed_in(&maya_person).await;
    let deleted = maya_deletes(&app, &maya, "keep", &maya_person.password).await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert!(deleted
        .text()
        .await
        .unwrap()
        .contains("The badges stay valid"));

    assert_eq!(verdict_of(&app, &credential).await, "valid");
    let assertion = app
        .get(
            &app.client(),
            &format!("/c/riverton/awards/{award}/assertion"),
        )
        .await;
    assert_eq!(assertion.status(), StatusCode::OK);
    let public = app
        .get(&app.client(), &format!("/c/riverton/awards/{award}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(public.contains("a learner of Riverton"));
    assert!(!public.contains("Maya"));
    assert!(!public.contains("revoked"));
    let hosted = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{award}")))
        .await;
    assert_eq!(
        hosted, credential,
        "the hosted credential is the holder's copy"
    );
}

#[tokio::test]
async fn a_wrong_password_or_no_choice_deletes_nothing() {
    let (app, world) = spawn_world().await;
    let award = award_to(&app, &world, "reading-explorer", "maya").await;
    let maya_person = world.account("maya");
    let maya = app.signed_in(&maya_person).await;
    let wrong = maya_deletes(&app, &maya, "revoke", "not her password").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("That is not your password. Nothing was deleted."));
    let unchosen = maya_deletes(&app, &maya, "", &maya_person.password).await;
    assert_eq!(unchosen.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchosen
        .text()
        .await
        .unwrap()
        .contains("Choose what happens to the badges."));
    let odd = maya_deletes(&app, &maya, "both", &maya_person.password).await;
    assert_eq!(odd.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(status_of(&app, id_of(&app, "maya")), "active");
    assert_eq!(
        app.get(&maya, "/c/riverton/me").await.status(),
        StatusCode::OK
    );
    let mut conn = app.db.get().unwrap();
    let revoked: Option<chrono::NaiveDateTime> = awards::table
        .filter(awards::public_id.eq(&award))
        .select(awards::revoked_at)
        .first(&mut conn)
        .unwrap();
    assert_eq!(revoked, None);
}

#[tokio::test]
async fn a_parent_deletes_a_young_childs_account_and_nobody_else_can() {
    let (app, world) = spawn_world().await;
    let leo = leo_is_active(&app);
    let award = award_to(&app, &world, "reading-explorer", "leo").await;
    let leo_browser = app.signed_in(&leo).await;
    let id = id_of(&app, "leo");
    let delete = "/c/riverton/me/children/leo/delete";

    // Someone else's child: 404, whoever asks; a teen decides for themself: 403.
    for person in [world.account("maya"), world.other_youth.clone()] {
        let client = app.signed_in(&person).await;
        assert_eq!(
            app.get(&client, delete).await.status(),
            StatusCode::NOT_FOUND
        );
        let refused = app
            .post_form(
                &client,
                delete,
                &[("credentials", "revoke"), ("password", &person.password)],
            )
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::NOT_FOUND,
            "{}",
            person.username
        );
    }
    let parent_person = world.person("parent");
    let parent = app.signed_in(&parent_person).await;
    assert_eq!(
        app.get(&parent, "/c/riverton/me/children/maya/delete")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let wrong = app
        .post_form(
            &parent,
            delete,
            &[("credentials", "revoke"), ("password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&app, id), "active");

    let page = app.get(&parent, delete).await.text().await.unwrap();
    assert!(page.contains("Delete Leo&#39;s account"), "{page}");
    let done = app
        .post_form(
            &parent,
            delete,
            &[
                ("credentials", "revoke"),
                ("password", &parent_person.password),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/c/riverton/me#children");
    assert_eq!(status_of(&app, id), "deleted");
    // Leo is signed out; the parent is not, and no longer sees him.
    assert_sign_in_redirect(&app.get(&leo_browser, "/c/riverton/me").await);
    let home = app.get(&parent, "/c/riverton/me").await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(!home.text().await.unwrap().contains("/me/children/leo/"));
    let assertion = app
        .get(
            &app.client(),
            &format!("/c/riverton/awards/{award}/assertion"),
        )
        .await;
    assert_eq!(assertion.status(), StatusCode::GONE);
    // The trail names the parent as who acted, and not the child.
    let mut conn = app.db.get().unwrap();
    let (actor, detail): (String, String) = audit_events::table
        .filter(audit_events::action.eq("users.deleted"))
        .select((audit_events::actor_name, audit_events::detail))
        .first(&mut conn)
        .unwrap();
    assert_eq!(actor, parent_person.username);
    assert!(!detail.contains("leo"), "{detail}");
}

#[tokio::test]
async fn the_only_admin_of_an_organization_is_told_to_hand_it_on_first() {
    let (app, world) = spawn_world().await;
    let other_admin = app.signed_in(&world.other_admin).await;
    let page = app
        .get(&other_admin, "/c/elmstead/me/delete")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"delete-refused\""), "{page}");
    assert!(page.contains("You are the only admin of Elmstead Parks"));
    assert!(!page.contains("id=\"delete-form\""));
    let refused = app
        .post_form(
            &other_admin,
            "/c/elmstead/me/delete",
            &[
                ("credentials", "keep"),
                ("password", &world.other_admin.password),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(status_of(&app, id_of(&app, "elm-admin")), "active");
    assert_eq!(
        app.get(&other_admin, "/c/elmstead/me").await.status(),
        StatusCode::OK
    );
}

/// Every file under `dir`, however deep.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test]
async fn with_sessions_in_redis_a_deletion_ends_every_browser_and_removes_the_work_files() {
    let mut settings = crate::helpers::test_settings();
    settings.redis.url =
        std::env::var("LANYARD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    settings.redis.prefix = format!("lanyard-test-{}", uuid::Uuid::new_v4().simple());
    let (prefix, redis_url) = (settings.redis.prefix.clone(), settings.redis.url.clone());
    let evidence = std::path::PathBuf::from(&settings.storage.evidence_dir);
    let app = crate::helpers::spawn_app_with(settings).await;
    let world = app.seed_world();
    let maya_person = world.account("maya");
    let maya = app.signed_in(&maya_person).await;
    let other_browser = app.signed_in(&maya_person).await;
    maya_sends_work(&app, &maya).await;
    assert_eq!(files_under(&evidence).len(), 1, "the PDF is kept");
    let mut redis = redis::Client::open(redis_url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let sessions = |redis: &mut redis::aio::MultiplexedConnection| {
        let mut redis = redis.clone();
        let pattern = format!("{prefix}:session:*");
        async move {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(pattern)
                .query_async(&mut redis)
                .await
                .unwrap();
            keys.len()
        }
    };
    assert_eq!(sessions(&mut redis).await, 2);

    let deleted = maya_deletes(&app, &maya, "keep", &maya_person.password).await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(sessions(&mut redis).await, 0, "both sessions are gone");
    assert_sign_in_redirect(&app.get(&other_browser, "/c/riverton/me").await);
    assert!(
        files_under(&evidence).is_empty(),
        "{:?}",
        files_under(&evidence)
    );
}

#[tokio::test]
async fn an_account_without_a_password_confirms_by_typing_its_username() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.account("maya")).await;
    {
        let mut conn = app.db.get().unwrap();
        diesel::update(users::table.filter(users::username.eq("maya")))
            .set(users::password_hash.eq(""))
            .execute(&mut conn)
            .unwrap();
    }
    let page = app
        .get(&maya, "/c/riverton/me/delete")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"confirm\"") && !page.contains("name=\"password\""));
    let wrong = app
        .post_form(
            &maya,
            "/c/riverton/me/delete",
            &[("credentials", "keep"), ("confirm", "sam")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&app, id_of(&app, "maya")), "active");
    let done = app
        .post_form(
            &maya,
            "/c/riverton/me/delete",
            &[("credentials", "keep"), ("confirm", " Maya ")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_sign_in_redirect(&app.get(&maya, "/c/riverton/me").await);
}
