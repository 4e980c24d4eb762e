//! A youth's name on public pages: award pages and the verify page say "a learner of the city"
//! unless the youth (13 and over) or a parent (under 13) lets the name show; the youth and
//! their parents always see it; nobody else decides.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_world, Person, TestApp};
use crate::invitations::text_of;

async fn earned_by(app: &TestApp, client: &reqwest::Client, award: &str) -> String {
    let html = app
        .get(client, &format!("/c/riverton/awards/{award}"))
        .await
        .text()
        .await
        .unwrap();
    text_of(&html, "#earned-by")
}

async fn issued_to(app: &TestApp, award: &Value) -> Value {
    let credential = app
        .credential_at(award["credential_url"].as_str().unwrap())
        .await;
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
    report["issued_to"].clone()
}

#[tokio::test]
async fn no_name_shows_publicly_until_a_youth_of_13_or_over_says_so() {
    let (app, world) = spawn_world().await;
    let award = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "reading-explorer",
            "maya",
        )
        .await;
    let id = award["id"].as_str().unwrap().to_string();
    let anonymous = app.client();
    assert_eq!(
        earned_by(&app, &anonymous, &id).await,
        "Earned by a learner of Riverton"
    );
    assert_eq!(issued_to(&app, &award).await, "a learner of Riverton");
    // She and her parent see her name.
    let maya = app.signed_in(&world.account("maya")).await;
    assert_eq!(earned_by(&app, &maya, &id).await, "Earned by Maya");
    let parent = app.signed_in(&world.person("parent")).await;
    assert_eq!(earned_by(&app, &parent, &id).await, "Earned by Maya");
    // Maya is 15: she decides; her parent does not.
    let by_parent = app
        .post_form(
            &parent,
            "/c/riverton/me/children/maya/name",
            &[("show", "1")],
        )
        .await;
    assert_eq!(by_parent.status(), StatusCode::FORBIDDEN);
    let shown = app
        .post_form(&maya, "/c/riverton/me/name", &[("show", "1")])
        .await;
    assert_eq!(shown.status(), StatusCode::SEE_OTHER);
    assert_eq!(earned_by(&app, &anonymous, &id).await, "Earned by Maya");
    assert_eq!(issued_to(&app, &award).await, "Maya");
    let html = app.get(&maya, "/c/riverton/me").await.text().await.unwrap();
    assert!(text_of(&html, "#name-display").contains("Your name shows"));
    let hidden = app
        .post_form(&maya, "/c/riverton/me/name", &[("show", "0")])
        .await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        earned_by(&app, &anonymous, &id).await,
        "Earned by a learner of Riverton"
    );
}

#[tokio::test]
async fn under_13_a_parent_decides_and_nobody_else() {
    let (app, world) = spawn_world().await;
    // Nia, 10, is Jordan's (the demo parent's) child.
    {
        let mut conn = app.db.get().unwrap();
        let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
            .unwrap()
            .unwrap();
        let hash = lanyard::auth::password::hash("nia-password").unwrap();
        let born = chrono::Utc::now().date_naive() - chrono::Duration::days(365 * 10);
        let nia = lanyard::demo::add_youth(&mut conn, city.id, &["nia".into()], &hash, Some(born))
            .unwrap()[0];
        let parent: i64 = {
            use lanyard::db::schema::users;
            users::table
                .filter(users::username.eq("parent"))
                .select(users::id)
                .first(&mut conn)
                .unwrap()
        };
        lanyard::auth::store::link_parent(
            &mut conn,
            lanyard::ids::UserId(parent),
            nia,
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    }
    let award = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "reading-explorer",
            "nia",
        )
        .await;
    let id = award["id"].as_str().unwrap().to_string();
    let anonymous = app.client();
    // The badge's page itself shows only once the parent lets it (see family_review.rs).
    let parent = app.signed_in(&world.person("parent")).await;
    let display = format!("/c/riverton/me/children/nia/awards/{id}/display");
    let allowed = app.post_form(&parent, &display, &[("public", "1")]).await;
    assert_eq!(allowed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        earned_by(&app, &anonymous, &id).await,
        "Earned by a learner of Riverton"
    );
    let nia = app
        .signed_in(&Person {
            username: "nia".into(),
            password: "nia-password".into(),
        })
        .await;
    let html = app.get(&nia, "/c/riverton/me").await.text().await.unwrap();
    assert!(text_of(&html, "#name-display").contains("your parent decides"));
    let by_child = app
        .post_form(&nia, "/c/riverton/me/name", &[("show", "1")])
        .await;
    assert_eq!(by_child.status(), StatusCode::FORBIDDEN);
    // Someone else's parent, or staff: not theirs to decide (404).
    let librarian = app.signed_in(&world.account("librarian")).await;
    let by_stranger = app
        .post_form(
            &librarian,
            "/c/riverton/me/children/nia/name",
            &[("show", "1")],
        )
        .await;
    assert_eq!(by_stranger.status(), StatusCode::NOT_FOUND);
    let elsewhere = app.signed_in(&world.other_admin).await;
    let by_other_city = app
        .post_form(
            &elsewhere,
            "/c/riverton/me/children/nia/name",
            &[("show", "1")],
        )
        .await;
    assert_eq!(by_other_city.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        earned_by(&app, &anonymous, &id).await,
        "Earned by a learner of Riverton"
    );
    // The parent lets it show.
    let shown = app
        .post_form(
            &parent,
            "/c/riverton/me/children/nia/name",
            &[("show", "1")],
        )
        .await;
    assert_eq!(shown.status(), StatusCode::SEE_OTHER);
    assert_eq!(earned_by(&app, &anonymous, &id).await, "Earned by nia");
    let html = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("nia&#39;s name shows on the public pages"),
        "{html}"
    );
}

#[tokio::test]
async fn the_privacy_page_says_it_plainly_in_each_language_of_the_city() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let en = app.get(&client, "/c/riverton/privacy").await;
    assert_eq!(en.status(), StatusCode::OK);
    let html = en.text().await.unwrap();
    assert!(text_of(&html, "#privacy").contains("a learner of Riverton earned it"));
    assert!(
        html.contains(r#"href="/c/riverton/privacy""#),
        "linked from every page of the city"
    );
    let es = client
        .get(app.url("/c/riverton/privacy"))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text_of(&es, "#privacy").contains("Tu privacidad"), "{es}");
    assert_eq!(
        app.get(&client, "/c/nowhere/privacy").await.status(),
        StatusCode::NOT_FOUND
    );
}
