use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{location, spawn_world, TestApp, World};

/// Awards `badge` of the library to Maya through the API; returns the award's public id.
async fn award(app: &TestApp, world: &World, badge: &str) -> String {
    let award = app
        .award_through_api(&world.token_of("library"), "library", badge, "maya")
        .await;
    award["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_org_admin_revokes_an_award_with_a_reason_and_the_page_says_so() {
    let (app, world) = spawn_world().await;
    let id = award(&app, &world, "comic-creator").await;
    let path = format!("/c/riverton/awards/{id}");
    let admin = app.signed_in(&world.person("org_admin")).await;
    let page = app.get(&admin, &path).await.text().await.unwrap();
    assert!(page.contains("id=\"revoke-form\""));
    let empty = app
        .post_form(&admin, &format!("{path}/revoke"), &[("reason", "  ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("This is required."));
    let revoked = app
        .post_form(
            &admin,
            &format!("{path}/revoke"),
            &[("reason", "Awarded by mistake")],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&revoked), path);
    let public = app.get(&app.client(), &path).await.text().await.unwrap();
    assert!(public.contains("This badge was revoked on"));
    assert!(public.contains("Reason: Awarded by mistake"));
    assert!(!public.contains("id=\"revoke-form\""));
}

#[tokio::test]
async fn only_admins_of_the_awarding_org_or_coordinators_revoke() {
    let (app, world) = spawn_world().await;
    let id = award(&app, &world, "reading-explorer").await;
    let path = format!("/c/riverton/awards/{id}/revoke");
    let fields = [("reason", "test")];
    assert_eq!(
        app.post_form(&app.client(), &path, &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let mentor = app.signed_in(&world.person("mentor")).await;
    assert_eq!(
        app.post_form(&mentor, &path, &fields).await.status(),
        StatusCode::FORBIDDEN
    );
    let curator = app.signed_in(&world.curator()).await;
    assert_eq!(
        app.post_form(&curator, &path, &fields).await.status(),
        StatusCode::NOT_FOUND
    );
    let youth = app.signed_in(&world.person("youth")).await;
    assert_eq!(
        app.post_form(&youth, &path, &fields).await.status(),
        StatusCode::NOT_FOUND
    );
    let elsewhere = app.signed_in(&world.other_coordinator).await;
    assert_eq!(
        app.post_form(&elsewhere, &path, &fields).await.status(),
        StatusCode::NOT_FOUND
    );
    let page = app
        .get(&mentor, &format!("/c/riverton/awards/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("This badge was revoked"), "nothing changed");
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    assert_eq!(
        app.post_form(&coordinator, &path, &fields).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_api_revokes_once_for_the_awarding_org_only() {
    let (app, world) = spawn_world().await;
    let id = award(&app, &world, "comic-creator").await;
    let client = app.client();
    let url = app.url(&format!("/api/v1/awards/{id}/revoke"));
    let museum = client
        .post(&url)
        .bearer_auth(world.token_of("science-museum"))
        .json(&json!({"reason": "no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(museum.status(), StatusCode::NOT_FOUND);
    let missing = client
        .post(&url)
        .bearer_auth(world.token_of("library"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let garbage = client
        .post(&url)
        .bearer_auth(world.token_of("library"))
        .body("reason=please")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    let ok = client
        .post(&url)
        .bearer_auth(world.token_of("library"))
        .json(&json!({"reason": "Duplicate record"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["revoked"], true);
    assert_eq!(body["revocation_reason"], "Duplicate record");
    let again = client
        .post(&url)
        .bearer_auth(world.token_of("library"))
        .json(&json!({"reason": "again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

/// Text of the elements matching `selector`, one string each.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let s = scraper::Selector::parse(selector).unwrap();
    doc.select(&s)
        .map(|e| e.text().collect::<String>())
        .collect()
}

async fn earned_by(app: &TestApp, badge: &str) -> String {
    let page = app
        .get(&app.client(), &format!("/c/riverton/badges/{badge}"))
        .await
        .text()
        .await
        .unwrap();
    texts(&page, "#earned-by").join("")
}

#[tokio::test]
async fn a_revoked_award_is_marked_on_every_page_left_out_of_counts_and_can_be_earned_again() {
    let (app, world) = spawn_world().await;
    let before = earned_by(&app, "comic-creator").await;
    let id = award(&app, &world, "comic-creator").await;
    let counted = earned_by(&app, "comic-creator").await;
    assert_ne!(
        before, counted,
        "the award is counted: {before} / {counted}"
    );
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let dashboard_before = app
        .get(&coordinator, "/c/riverton/dashboard")
        .await
        .text()
        .await
        .unwrap();
    let admin = app.signed_in(&world.person("org_admin")).await;
    let revoked = app
        .post_form(
            &admin,
            &format!("/c/riverton/awards/{id}/revoke"),
            &[("reason", "Awarded by mistake")],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    // Maya has no address of her own: her parent is told, with the reason.
    let (kind, subject, text, _) =
        crate::invitations::last_mail_to(&app, "parent@riverton.example");
    assert_eq!(kind, "awards.revoked");
    assert!(subject.contains("Comic Creator"), "{subject}");
    assert!(
        text.contains("Maya") && text.contains("Awarded by mistake"),
        "{text}"
    );

    // The badge page counts holders only, and tells Maya hers was revoked.
    assert_eq!(earned_by(&app, "comic-creator").await, before);
    let maya = app.signed_in(&world.person("youth")).await;
    let badge_page = app
        .get(&maya, "/c/riverton/badges/comic-creator")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        badge_page.contains("id=\"my-award-revoked\""),
        "{badge_page}"
    );
    // Maya's and her parent's pages mark it, and link to the award itself.
    for who in ["youth", "parent"] {
        let client = app.signed_in(&world.person(who)).await;
        let me = app
            .get(&client, "/c/riverton/me")
            .await
            .text()
            .await
            .unwrap();
        let revoked_cards = texts(&me, ".badge-card.is-revoked");
        assert!(
            revoked_cards
                .iter()
                .any(|c| c.contains("Comic Creator") && c.contains("Revoked on")),
            "{who}: {revoked_cards:?}"
        );
        assert!(
            me.contains(&format!("href=\"/c/riverton/awards/{id}\"")),
            "{who}"
        );
    }
    // The award page offers no sharing or downloads any more.
    let award_page = app
        .get(&app.client(), &format!("/c/riverton/awards/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!award_page.contains("id=\"share-link\""));
    assert!(!award_page.contains("id=\"for-verifiers\""));
    // The dashboard's award count drops by one.
    let dashboard_after = app
        .get(&coordinator, "/c/riverton/dashboard")
        .await
        .text()
        .await
        .unwrap();
    let figure = |html: &str| texts(html, "#total-awards").join("");
    let count = |html: &str| figure(html).trim().parse::<i64>().unwrap();
    assert_eq!(count(&dashboard_after), count(&dashboard_before) - 1);

    // Earned again: a new award with a new credential, counted once more.
    let again = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "comic-creator",
            "maya",
        )
        .await;
    let again_id = again["id"].as_str().unwrap();
    assert_ne!(again_id, id);
    assert_eq!(earned_by(&app, "comic-creator").await, counted);
    let old = app
        .credential_at(&app.url(&format!("/c/riverton/awards/{id}")))
        .await;
    let new = app
        .credential_at(again["credential_url"].as_str().unwrap())
        .await;
    assert_ne!(old["id"], new["id"]);
    // Holding it again, a second award through the API is refused.
    let twice = app
        .client()
        .post(app.url("/api/v1/orgs/library/awards"))
        .bearer_auth(world.token_of("library"))
        .json(&json!({"badge": "comic-creator", "recipient": "maya"}))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT);
}
