//! Editing a badge: each change a new version; awards keep the version they were signed with;
//! translations fall back to the original; another organization or city gets 404.

use reqwest::multipart::Form;
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};

use crate::helpers::{hidden_value, location, spawn_world, TestApp};

/// Awards Riverton's `reading-explorer` to `username` as the API does (recording the badge's
/// version), without the API's eligibility rules.
fn award_directly(app: &TestApp, username: &str) -> String {
    use diesel::prelude::*;
    use lanyard::awards::store::{insert, NewAward};
    use lanyard::awards::AwardMethod;
    use lanyard::db::schema::{badges, users};
    use lanyard::ids::{BadgeId, CityId, OrgId, UserId};
    let mut conn = app.db.get().unwrap();
    let user: i64 = users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(&mut conn)
        .unwrap();
    let (badge, org, city): (i64, i64, i64) = badges::table
        .filter(badges::slug.eq("reading-explorer"))
        .select((badges::id, badges::org_id, badges::city_id))
        .first(&mut conn)
        .unwrap();
    insert(
        &mut conn,
        &NewAward {
            city: CityId(city),
            org: OrgId(org),
            badge: BadgeId(badge),
            recipient: UserId(user),
            method: AwardMethod::Api,
            claim_code: None,
            evidence: None,
        },
        chrono::Utc::now().naive_utc(),
    )
    .unwrap()
}

const EDIT: &str = "/c/riverton/orgs/library/badges/reading-explorer/edit";

async fn post_edit(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = app.get(client, EDIT).await.text().await.unwrap();
    let mut form = Form::new().text("csrf_token", hidden_value(&page, "csrf_token").unwrap());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    client
        .post(app.url("/c/riverton/orgs/library/badges/reading-explorer"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const VOYAGER: [(&str, &str); 9] = [
    ("name", "Reading Voyager"),
    ("description", "Read ten books this summer."),
    ("criteria", "Read ten books and review two."),
    ("badge_type", "achievement"),
    ("earned_by", "both"),
    ("tags", "reading, books"),
    ("alignment_name_0", "Reading fluency"),
    (
        "alignment_url_0",
        "https://standards.example.org/ela/fluency",
    ),
    ("name_es", "Viajero lector"),
];

fn h1(html: &str) -> String {
    let doc = Html::parse_document(html);
    let s = Selector::parse("h1").unwrap();
    doc.select(&s)
        .next()
        .map(|h| h.text().collect::<String>())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_edit_keeps_issued_awards_on_their_version_and_later_credentials_say_the_new() {
    let (app, world) = spawn_world().await;
    let token = world.token_of("library");
    let old = app
        .award_through_api(&token, "library", "reading-explorer", "maya")
        .await;
    let old_id = old["id"].as_str().unwrap().to_string();
    let old_credential = app
        .credential_at(old["credential_url"].as_str().unwrap())
        .await;
    assert_eq!(
        old_credential["credentialSubject"]["achievement"]["name"],
        "Reading Explorer"
    );

    let admin = app.signed_in(&world.person("org_admin")).await;
    let mut fields = VOYAGER.to_vec();
    fields.extend([
        ("image_source", "design"),
        ("shape", "shield"),
        ("primary", "#123456"),
        ("secondary", "#fedcba"),
        ("icon", "compass"),
        ("label", "GO"),
        ("valid_days", "30"),
    ]);
    let saved = post_edit(&app, &admin, &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), "/c/riverton/badges/reading-explorer");

    // The badge's page says the new.
    let page = app
        .get(&app.client(), "/c/riverton/badges/reading-explorer")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(h1(&page), "Reading Voyager");

    // The old award's page, BadgeClass, credential and image say the old.
    let award_page = app
        .get(&app.client(), &format!("/c/riverton/awards/{old_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(award_page.contains("Reading Explorer"), "{award_page}");
    assert!(!award_page.contains("Reading Voyager"));
    assert!(
        !award_page.contains("Valid until"),
        "the old award does not expire because the badge now does"
    );
    let assertion: serde_json::Value = app
        .client()
        .get(old["assertion_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let class_url = assertion["badge"].as_str().unwrap().to_string();
    let class: serde_json::Value = app
        .client()
        .get(&class_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(class["name"], "Reading Explorer");
    assert_eq!(class["id"], class_url);
    let old_image = app
        .client()
        .get(class["image"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!old_image.contains("#123456"), "the old image: {old_image}");
    let again = app
        .credential_at(old["credential_url"].as_str().unwrap())
        .await;
    assert_eq!(again, old_credential, "a signed credential never changes");
    let current: serde_json::Value = app
        .client()
        .get(app.url("/c/riverton/badges/reading-explorer/badgeclass"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["name"], "Reading Voyager");
    assert_eq!(current["tags"], serde_json::json!(["reading", "books"]));

    // An award made after the edit (Leo's, through the same insert as codes and the API) is
    // signed with the new content.
    let public_id = award_directly(&app, "leo");
    shown_publicly(&app, &public_id);
    let credential = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{public_id}")))
        .await;
    let achievement = &credential["credentialSubject"]["achievement"];
    assert_eq!(achievement["name"], "Reading Voyager");
    assert!(credential["validUntil"].is_string(), "{credential}");
    let new_page = app
        .get(&app.client(), &format!("/c/riverton/awards/{public_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(new_page.contains("Valid until"), "{new_page}");
    assert_eq!(achievement["achievementType"], "Achievement");
    assert_eq!(achievement["tag"], serde_json::json!(["reading", "books"]));
    assert_eq!(
        achievement["alignment"][0]["type"],
        serde_json::json!(["Alignment"])
    );
    assert_eq!(
        achievement["alignment"][0]["targetUrl"],
        "https://standards.example.org/ela/fluency"
    );
    let image_url = achievement["image"]["id"].as_str().unwrap();
    assert!(image_url.ends_with("?version=2"), "{image_url}");
    let new_image = app
        .client()
        .get(image_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(new_image.contains("#123456"), "{new_image}");
    // Sam's award of the demo, made before any edit, reads version 1.
    let sam_page = app
        .get(
            &app.client(),
            "/c/riverton/badges/reading-explorer/badgeclass?version=1",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(sam_page.contains("Reading Explorer"));
    // A version that never was is not found.
    let none = app
        .get(
            &app.client(),
            "/c/riverton/badges/reading-explorer/badgeclass?version=9",
        )
        .await;
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_visitor_reads_the_badge_in_their_language_falling_back_to_the_original() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let saved = post_edit(&app, &admin, &VOYAGER).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let spanish = app
        .client()
        .get(app.url("/c/riverton/badges/reading-explorer"))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1(&spanish), "Viajero lector");
    assert!(
        spanish.contains("Read ten books this summer."),
        "the untranslated description falls back to the original"
    );
    let english = app
        .client()
        .get(app.url("/c/riverton/badges/reading-explorer"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1(&english), "Reading Voyager");
}

#[tokio::test]
async fn bad_input_on_the_edit_form_changes_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_edit(
        &app,
        &admin,
        &[
            ("name", ""),
            ("description", "Still here."),
            ("criteria", "Still here."),
            ("alignment_name_0", "Fluency"),
            ("alignment_url_0", "ftp://example.org/x"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("ftp://example.org/x"));
    let page = app
        .get(&app.client(), "/c/riverton/badges/reading-explorer")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(h1(&page), "Reading Explorer");
    // A preview of an edit writes nothing either.
    let mut fields = VOYAGER.to_vec();
    fields.push(("action", "preview"));
    let preview = post_edit(&app, &admin, &fields).await;
    assert_eq!(preview.status(), StatusCode::OK);
    let page = app
        .get(&app.client(), "/c/riverton/badges/reading-explorer")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(h1(&page), "Reading Explorer");
}

#[tokio::test]
async fn another_organization_or_city_cannot_reach_the_edit_form() {
    let (app, world) = spawn_world().await;
    // The museum's admin, on the library's path and on their own.
    let curator = app.signed_in(&world.curator()).await;
    assert_eq!(
        app.get(&curator, EDIT).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &curator,
            "/c/riverton/orgs/science-museum/badges/reading-explorer/edit"
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    // Elmstead's admin, in their own city, asking for Riverton's badge.
    let elm = app.signed_in(&world.other_admin).await;
    assert_eq!(
        app.get(&elm, "/c/elmstead/orgs/parks/badges/reading-explorer/edit")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The library's mentor is staff: they may edit.
    let mentor = app.signed_in(&world.person("mentor")).await;
    assert_eq!(app.get(&mentor, EDIT).await.status(), StatusCode::OK);
}

/// Leo is under 13: his award's page shows to visitors once a parent lets it.
fn shown_publicly(app: &TestApp, public_id: &str) {
    use diesel::prelude::*;
    use lanyard::db::schema::{award_display_approvals, awards};
    let mut conn = app.db.get().unwrap();
    let award: i64 = awards::table
        .filter(awards::public_id.eq(public_id))
        .select(awards::id)
        .first(&mut conn)
        .unwrap();
    diesel::insert_into(award_display_approvals::table)
        .values((
            award_display_approvals::award_id.eq(award),
            award_display_approvals::approved_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
}
