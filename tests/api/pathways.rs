//! Pathways: a city pathway across organizations gives a badge the city issues itself (its
//! issuer profile, its key, its status list) with the source awards as evidence, as soon as a
//! youth holds enough of them (and at once to those who already do); an organization's pathway
//! takes only its own badges; every bad form changes nothing; only coordinators and an
//! organization's admins define them.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_sign_in_redirect, spawn_world, TestApp, World};
use crate::invitations::text_of;

/// Makes `slug`, a badge of the city itself (its issuer organization).
fn city_badge(app: &TestApp, slug: &str, name: &str) {
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let org = lanyard::orgs::store::city_issuer(&mut conn, &city).unwrap();
    assert!(org.is_city());
    let image = lanyard::badges::image::default_image(name);
    lanyard::badges::store::insert(
        &mut conn,
        city.id,
        org.id,
        &lanyard::badges::store::NewBadge {
            slug,
            name,
            description: "Explored the city's summer.",
            criteria: "Earn badges of two different places.",
            activity: None,
            image_mime: image.mime,
            image_data: &image.bytes,
            valid_days: None,
        },
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
}

/// (username, method, issuing organization's slug) of every award of `badge`.
fn awards_of(app: &TestApp, badge: &str) -> Vec<(String, String, String)> {
    use lanyard::db::schema::{awards, badges, organizations, users};
    let mut conn = app.db.get().unwrap();
    awards::table
        .inner_join(badges::table)
        .inner_join(users::table)
        .inner_join(organizations::table)
        .filter(badges::slug.eq(badge))
        .filter(awards::revoked_at.is_null())
        .order(users::username)
        .select((users::username, awards::method, organizations::slug))
        .load(&mut conn)
        .unwrap()
}

fn award_id(app: &TestApp, badge: &str, username: &str) -> String {
    use lanyard::db::schema::{awards, badges, users};
    let mut conn = app.db.get().unwrap();
    awards::table
        .inner_join(badges::table)
        .inner_join(users::table)
        .filter(badges::slug.eq(badge))
        .filter(users::username.eq(username))
        .select(awards::public_id)
        .first(&mut conn)
        .unwrap()
}

fn pathway_count(app: &TestApp) -> i64 {
    use lanyard::db::schema::pathways;
    let mut conn = app.db.get().unwrap();
    pathways::table.count().get_result(&mut conn).unwrap()
}

async fn explorer_pathway(app: &TestApp, world: &World) -> reqwest::Response {
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    app.post_form(
        &coordinator,
        "/c/riverton/pathways",
        &[
            ("badge", "riverton-voyager"),
            ("rule", "count"),
            ("required", "2"),
            ("source", "reading-explorer"),
            ("source", "star-gazer"),
            ("source", "rocket-scientist"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_city_pathway_across_organizations_gives_the_citys_own_badge_with_its_evidence() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let page = app.get(&coordinator, "/c/riverton/pathways").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        text_of(&html, "#pathways").contains("Riverton Explorer"),
        "the demo's own"
    );

    city_badge(&app, "riverton-voyager", "Riverton Voyager");
    let made = explorer_pathway(&app, &world).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    // Sam already holds Reading Explorer and Rocket Scientist: he completes it at once.
    assert_eq!(
        awards_of(&app, "riverton-voyager"),
        vec![("sam".into(), "pathway".into(), "riverton".into())]
    );
    let html = app
        .get(&coordinator, "/c/riverton/pathways")
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&html, "#pathways").contains("Completed by holding 2 of"));
    assert!(text_of(&html, "#pathways").contains("Riverton Voyager"));
    assert!(text_of(&html, "#pathways").contains("Riverton Voyager"));

    // Maya earns one badge of the library: halfway, and her page says so.
    let maya = app.signed_in(&world.account("maya")).await;
    app.award_through_api(
        &world.token_of("library"),
        "library",
        "reading-explorer",
        "maya",
    )
    .await;
    let html = app.get(&maya, "/c/riverton/me").await.text().await.unwrap();
    assert!(
        text_of(&html, "#my-pathways").contains("1 of 2"),
        "{}",
        text_of(&html, "#my-pathways")
    );
    assert!(awards_of(&app, "riverton-voyager").len() == 1);
    // A badge of the museum completes it: the city gives its badge.
    app.award_through_api(
        &world.token_of("science-museum"),
        "science-museum",
        "star-gazer",
        "maya",
    )
    .await;
    assert_eq!(
        awards_of(&app, "riverton-voyager"),
        vec![
            ("maya".into(), "pathway".into(), "riverton".into()),
            ("sam".into(), "pathway".into(), "riverton".into())
        ]
    );
    let html = app.get(&maya, "/c/riverton/me").await.text().await.unwrap();
    assert!(text_of(&html, "#my-pathways").contains("Completed"));
    assert!(
        text_of(&html, "#my-pathways").contains("Riverton Explorer"),
        "the demo's, not begun"
    );
    assert!(
        text_of(&html, "#my-pathways").contains("Riverton Explorer"),
        "the demo's, not begun"
    );
    let badge_page = app
        .get(&maya, "/c/riverton/badges/riverton-voyager")
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&badge_page, "#pathway-of-badge").contains("Star Gazer"));

    // Its credential is the city's: issuer, key and status list, with the awards as evidence.
    let award = award_id(&app, "riverton-voyager", "maya");
    let credential = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{award}")))
        .await;
    let issuer = app.url("/c/riverton/issuer");
    assert_eq!(credential["issuer"]["id"], issuer.as_str());
    assert_eq!(credential["issuer"]["name"], "Riverton");
    assert_eq!(
        credential["credentialSubject"]["achievement"]["name"],
        "Riverton Voyager"
    );
    assert_eq!(
        credential["credentialSubject"]["achievement"]["name"],
        "Riverton Voyager"
    );
    let method = credential["proof"]["verificationMethod"].as_str().unwrap();
    assert!(method.starts_with(&format!("{issuer}#key-")), "{method}");
    let evidence: Vec<&str> = credential["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(evidence.len(), 2);
    for source in ["reading-explorer", "star-gazer"] {
        let id = app.url(&format!(
            "/c/riverton/awards/{}",
            award_id(&app, source, "maya")
        ));
        assert!(evidence.contains(&id.as_str()), "{id} in {evidence:?}");
    }
    let profile: Value = app
        .client()
        .get(&issuer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile["id"], issuer.as_str());
    assert_eq!(profile["verificationMethod"][0]["id"], method);
    let list_url = credential["credentialStatus"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["type"] == "BitstringStatusListEntry"))
        .map(|s| s["statusListCredential"].as_str().unwrap().to_string())
        .unwrap_or_else(|| {
            credential["credentialStatus"]["statusListCredential"]
                .as_str()
                .unwrap()
                .to_string()
        });
    let list: Value = app
        .client()
        .get(&list_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["issuer"],
        issuer.as_str(),
        "the city signs its status list"
    );
    let report: Value = app
        .client()
        .post(app.url("/api/v1/verify"))
        .json(&json!({"credential": credential}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["verdict"], "valid", "{report}");
}

#[tokio::test]
async fn bad_pathways_are_refused_and_change_nothing() {
    let (app, world) = spawn_world().await;
    city_badge(&app, "riverton-voyager", "Riverton Voyager");
    let before = pathway_count(&app);
    let librarian = app.signed_in(&world.account("librarian")).await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let org = "/c/riverton/orgs/library/pathways";
    type Case<'a> = (
        &'a reqwest::Client,
        &'a str,
        Vec<(&'a str, &'a str)>,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            &librarian,
            org,
            vec![
                ("badge", "comic-creator"),
                ("rule", "all"),
                ("source", "star-gazer"),
            ],
            "takes only its own badges",
        ),
        (
            &librarian,
            org,
            vec![
                ("badge", "star-gazer"),
                ("rule", "all"),
                ("source", "reading-explorer"),
            ],
            "Choose one of this list",
        ),
        (
            &librarian,
            org,
            vec![("badge", "comic-creator"), ("rule", "all")],
            "Pick the badges",
        ),
        (
            &librarian,
            org,
            vec![
                ("badge", "comic-creator"),
                ("rule", "all"),
                ("source", "comic-creator"),
                ("source", "reading-explorer"),
            ],
            "cannot take the badge it gives",
        ),
        (
            &librarian,
            org,
            vec![
                ("badge", "comic-creator"),
                ("rule", "count"),
                ("required", "3"),
                ("source", "reading-explorer"),
            ],
            "from 1 to the number",
        ),
        (
            &librarian,
            org,
            vec![
                ("badge", "comic-creator"),
                ("rule", "most"),
                ("source", "reading-explorer"),
            ],
            "how the pathway is completed",
        ),
        (
            &coordinator,
            "/c/riverton/pathways",
            vec![
                ("badge", "riverton-voyager"),
                ("rule", "all"),
                ("source", "trail-blazer"),
                ("source", "reading-explorer"),
            ],
            "badges of this city",
        ),
    ];
    for (client, path, fields, message) in cases {
        let refused = app.post_form(client, path, &fields).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}"
        );
        let html = refused.text().await.unwrap();
        assert!(html.contains(message), "{fields:?}: {message}");
    }
    assert_eq!(pathway_count(&app), before);
    // An organization's pathway of its own badges works, and the same badge twice does not.
    let fine = [
        ("badge", "comic-creator"),
        ("rule", "any"),
        ("source", "reading-explorer"),
    ];
    assert_eq!(
        app.post_form(&librarian, org, &fine).await.status(),
        StatusCode::SEE_OTHER
    );
    let again = app.post_form(&librarian, org, &fine).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("already given by a pathway"));
    assert_eq!(pathway_count(&app), before + 1);
    // Sam holds Reading Explorer: "any" gives him Comic Creator, issued by the library (Ava
    // earned hers by review in the demo).
    assert_eq!(
        awards_of(&app, "comic-creator"),
        vec![
            ("ava".into(), "review".into(), "library".into()),
            ("sam".into(), "pathway".into(), "library".into())
        ]
    );
}

#[tokio::test]
async fn only_coordinators_and_an_organizations_admins_define_pathways() {
    let (app, world) = spawn_world().await;
    let org = "/c/riverton/orgs/library/pathways";
    let city = "/c/riverton/pathways";
    let mentor = app.signed_in(&world.person("mentor")).await;
    let curator = app.signed_in(&world.curator()).await;
    let maya = app.signed_in(&world.account("maya")).await;
    let elsewhere = app.signed_in(&world.other_coordinator).await;
    assert_eq!(app.get(&mentor, org).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&curator, org).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&maya, org).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&elsewhere, org).await.status(),
        StatusCode::NOT_FOUND
    );
    for client in [&mentor, &curator, &maya] {
        assert_eq!(app.get(client, city).await.status(), StatusCode::FORBIDDEN);
        let posted = app
            .post_form(client, city, &[("badge", "comic-creator"), ("rule", "all")])
            .await;
        assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.get(&elsewhere, city).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_sign_in_redirect(&app.get(&app.client(), city).await);
    assert_sign_in_redirect(&app.get(&app.client(), org).await);
    assert_eq!(pathway_count(&app), 1, "only the demo's");
}
