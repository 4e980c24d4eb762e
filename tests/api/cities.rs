//! The operator's pages (`/admin`, `/admin/cities`), the coordinators page, and the
//! confirmation of key rotation.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{location, spawn_world};
use crate::invitations::{join_path_in_mail, last_mail_to, text_of};

fn links(html: &str, selector: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_operator_home_links_cities_keys_mail_and_audit_and_is_the_operators_only() {
    let (app, world) = spawn_world().await;
    let operator = app.signed_in(&world.person("operator")).await;
    let page = app.get(&operator, "/admin").await;
    assert_eq!(page.status(), StatusCode::OK);
    let hrefs = links(&page.text().await.unwrap(), "#admin-links a");
    for href in [
        "/admin/cities",
        "/admin/keys",
        "/admin/mail",
        "/admin/audit",
    ] {
        assert!(hrefs.iter().any(|h| h == href), "{href} in {hrefs:?}");
    }
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    for path in ["/admin", "/admin/cities"] {
        assert_eq!(
            app.get(&coordinator, path).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let refused = app
        .post_form(
            &coordinator,
            "/admin/cities",
            &[
                ("slug", "sneaky"),
                ("name", "Sneaky"),
                ("lang_en", "on"),
                ("coordinator_email", "a@example.org"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_operator_creates_a_city_and_its_coordinator_joins_from_the_mail() {
    let (app, world) = spawn_world().await;
    let operator = app.signed_in(&world.person("operator")).await;
    let created = app
        .post_form(
            &operator,
            "/admin/cities",
            &[
                ("slug", "lakeside"),
                ("name", "Lakeside"),
                ("tagline", "Summer by the water"),
                ("lang_en", "on"),
                ("lang_es", "on"),
                ("coordinator_email", "lee@lakeside.example"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&created), "/admin/cities");
    let list = app
        .get(&operator, "/admin/cities")
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&list, "#city-list").contains("Lakeside"));
    let home = app.get(&app.client(), "/").await.text().await.unwrap();
    assert!(home.contains("Summer by the water"));
    let (kind, subject, _, _) = last_mail_to(&app, "lee@lakeside.example");
    assert_eq!(kind, "invitation.coordinator");
    assert!(subject.contains("Lakeside"), "{subject}");

    let path = join_path_in_mail(&app, "lee@lakeside.example");
    let client = app.client();
    let joined = app
        .post_form(
            &client,
            &format!("{path}/signup"),
            &[
                ("display_name", "Lee"),
                ("username", "lee"),
                ("email", "lee@lakeside.example"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(location(&joined), "/c/lakeside/dashboard");
    assert_eq!(
        app.get(&client, "/c/lakeside/coordinators").await.status(),
        StatusCode::OK
    );
    // A coordinator of Lakeside sees nothing of Riverton.
    for path in ["/c/riverton/coordinators", "/c/riverton/dashboard"] {
        assert_eq!(
            app.get(&client, path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_city_form_refuses_bad_input_field_by_field_and_keeps_what_was_typed() {
    let (app, world) = spawn_world().await;
    let operator = app.signed_in(&world.person("operator")).await;
    let bad = app
        .post_form(
            &operator,
            "/admin/cities",
            &[
                ("slug", "Not A Slug!"),
                ("name", ""),
                ("coordinator_email", "nobody"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    for field in ["slug", "name", "languages", "coordinator_email"] {
        assert!(
            !text_of(&html, &format!("#e-{field}")).is_empty(),
            "a message for {field}"
        );
    }
    assert!(html.contains("Not A Slug!"));
    let taken = app
        .post_form(
            &operator,
            "/admin/cities",
            &[
                ("slug", "riverton"),
                ("name", "Riverton again"),
                ("lang_en", "on"),
                ("coordinator_email", "x@example.org"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&taken.text().await.unwrap(), "#e-slug").contains("already"));
    // Nothing was half written: no invitation went out.
    let mut conn = app.db.get().unwrap();
    use diesel::prelude::*;
    let mails: i64 = lanyard::db::schema::outbox::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(mails, 0);
}

#[tokio::test]
async fn coordinators_invite_more_coordinators_and_withdraw_invitations() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let bad = app
        .post_form(
            &coordinator,
            "/c/riverton/coordinators",
            &[("email", "oops")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!text_of(&bad.text().await.unwrap(), "#e-email").is_empty());
    let sent = app
        .post_form(
            &coordinator,
            "/c/riverton/coordinators",
            &[("email", "sam@example.org")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&coordinator, "/c/riverton/coordinators")
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&page, "#pending-list").contains("sam@example.org"));
    let withdraw = {
        let document = Html::parse_document(&page);
        let form = Selector::parse("#pending-list form").unwrap();
        document
            .select(&form)
            .next()
            .unwrap()
            .value()
            .attr("action")
            .unwrap()
            .to_string()
    };
    // Elmstead's coordinator cannot withdraw Riverton's invitation.
    let other = app.signed_in(&world.other_coordinator).await;
    assert_eq!(
        app.post_form(&other, &withdraw, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let elmstead_path = withdraw.replace("/c/riverton/", "/c/elmstead/");
    assert_eq!(
        app.post_form(&other, &elmstead_path, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    // A mentor of Riverton is refused.
    let mentor = app.signed_in(&world.person("mentor")).await;
    assert_eq!(
        app.post_form(&mentor, &withdraw, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    let withdrawn = app.post_form(&coordinator, &withdraw, &[]).await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&coordinator, "/c/riverton/coordinators")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("sam@example.org"));
    let link = app
        .get(&app.client(), &join_path_in_mail(&app, "sam@example.org"))
        .await;
    assert_eq!(link.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_key_rotation_without_its_confirmation_changes_nothing() {
    let (app, world) = spawn_world().await;
    let operator = app.signed_in(&world.person("operator")).await;
    let keys = app
        .get(&operator, "/admin/keys")
        .await
        .text()
        .await
        .unwrap();
    let document = Html::parse_document(&keys);
    let checkbox =
        Selector::parse("form[action='/admin/keys/rotate'] input[name=confirm][required]").unwrap();
    assert!(document.select(&checkbox).next().is_some());
    let methods = || async {
        let issuer: serde_json::Value = app
            .client()
            .get(app.url("/c/riverton/orgs/library/issuer"))
            .header("accept", "application/ld+json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        issuer["verificationMethod"].clone()
    };
    let before = methods().await;
    let unconfirmed = app
        .post_form(
            &operator,
            "/admin/keys/rotate",
            &[("city", "riverton"), ("org", "library")],
        )
        .await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(methods().await, before, "the keys are as they were");
}

#[tokio::test]
async fn the_demo_seeds_a_second_city_whose_coordinator_sees_only_it() {
    let (app, world) = spawn_world().await;
    assert_eq!(world.demo.cities, ["riverton", "lakeport"]);
    assert_eq!(world.demo.city, "riverton");
    let home = app.get(&app.client(), "/").await.text().await.unwrap();
    assert!(home.contains("Lakeport") && home.contains("Riverton"));
    let dana = app
        .signed_in(&world.person("second_city_coordinator"))
        .await;
    assert_eq!(
        app.get(&dana, "/c/lakeport/coordinators").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&dana, "/c/riverton/dashboard").await.status(),
        StatusCode::NOT_FOUND
    );
    let riverton = app
        .get(&app.client(), "/c/lakeport")
        .await
        .text()
        .await
        .unwrap();
    assert!(riverton.contains("Lakeport Makerspace"));
    assert!(!riverton.contains("Riverton Public Library"));
}
