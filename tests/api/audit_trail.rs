//! The audit trail: each privileged action writes one event with its actor, target and address;
//! coordinators read their city's, the operator everything; the table is append-only.

use diesel::RunQueryDsl;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::helpers::{assert_sign_in_redirect, location, spawn_app, spawn_world, TestApp};

/// One row of an audit page, as a person reads it.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    action: String,
    actor: String,
    target: String,
    address: String,
}

async fn events(app: &TestApp, client: &Client, path: &str) -> Vec<Event> {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let html = response.text().await.unwrap();
    let document = scraper::Html::parse_document(&html);
    let row = scraper::Selector::parse("tr.audit-event").unwrap();
    let cell = |class: &str| scraper::Selector::parse(&format!("td.{class}")).unwrap();
    document
        .select(&row)
        .map(|tr| {
            let text = |class: &str| {
                tr.select(&cell(class))
                    .next()
                    .map(|td| td.text().collect::<String>())
                    .unwrap_or_default()
            };
            Event {
                action: tr.value().attr("data-action").unwrap_or_default().into(),
                actor: text("actor"),
                target: text("target"),
                address: text("address"),
            }
        })
        .collect()
}

fn only<'a>(events: &'a [Event], action: &str) -> &'a Event {
    let found: Vec<&Event> = events.iter().filter(|e| e.action == action).collect();
    assert_eq!(found.len(), 1, "one {action} event in {events:#?}");
    found[0]
}

#[tokio::test]
async fn each_privileged_action_writes_one_event_with_its_actor_target_and_address() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let created = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[("name", "River Rowing"), ("admin", "curator")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    app.post_form(
        &coordinator,
        "/c/riverton/orgs/river-rowing/members",
        &[("username", "mentor"), ("role", "mentor")],
    )
    .await;
    app.post_form(
        &coordinator,
        "/c/riverton/orgs/river-rowing/members",
        &[("username", "mentor"), ("role", "admin")],
    )
    .await;
    app.post_form(
        &coordinator,
        "/c/riverton/orgs/river-rowing/members",
        &[("username", "elm-admin"), ("role", "mentor")],
    )
    .await;
    let token = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs/library/tokens",
            &[("name", "nightly-sync")],
        )
        .await;
    assert_eq!(token.status(), StatusCode::OK);
    let award = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "comic-creator",
            "maya",
        )
        .await;
    let award_id = award["id"].as_str().unwrap().to_string();
    // A refused action records nothing: the second award of the same badge is a conflict.
    let again = app
        .client()
        .post(app.url("/api/v1/orgs/library/awards"))
        .bearer_auth(world.token_of("library"))
        .json(&json!({"badge": "comic-creator", "recipient": "maya"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let second = app
        .award_through_api(
            &world.token_of("library"),
            "library",
            "reading-explorer",
            "maya",
        )
        .await;
    let second_id = second["id"].as_str().unwrap().to_string();
    let revoked = app
        .client()
        .post(app.url(&format!("/api/v1/awards/{award_id}/revoke")))
        .bearer_auth(world.token_of("library"))
        .json(&json!({"reason": "Entered twice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let web_revoked = app
        .post_form(
            &coordinator,
            &format!("/c/riverton/awards/{second_id}/revoke"),
            &[("reason", "Mistake")],
        )
        .await;
    assert_eq!(web_revoked.status(), StatusCode::SEE_OTHER);
    let operator = app.signed_in(&world.person("operator")).await;
    let rotated = app
        .post_form(
            &operator,
            "/admin/keys/rotate",
            &[("city", "riverton"), ("org", "library"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::SEE_OTHER);

    let trail = events(&app, &coordinator, "/c/riverton/audit").await;
    let org = only(&trail, "org.created");
    assert_eq!(
        (
            org.actor.as_str(),
            org.target.as_str(),
            org.address.as_str()
        ),
        ("coordinator", "river-rowing", "127.0.0.1")
    );
    let added: Vec<&Event> = trail
        .iter()
        .filter(|e| e.action == "member.added")
        .collect();
    assert_eq!(
        added.len(),
        2,
        "the curator as first admin, then the mentor"
    );
    assert!(added.iter().any(|e| e.target == "curator"));
    assert!(added.iter().any(|e| e.target == "mentor"));
    assert_eq!(only(&trail, "member.role_changed").target, "mentor");
    let invited = only(&trail, "member.invited");
    assert_eq!(
        (invited.actor.as_str(), invited.target.as_str()),
        ("coordinator", "elm-admin")
    );
    assert_eq!(
        only(&trail, "api_token.created").target,
        "library/nightly-sync"
    );
    let issued: Vec<&Event> = trail
        .iter()
        .filter(|e| e.action == "awards.issued")
        .collect();
    assert_eq!(issued.len(), 2, "the refused award left no record");
    assert!(issued
        .iter()
        .all(|e| e.actor == "api-token:demo" && e.address == "127.0.0.1"));
    let revocations: Vec<&Event> = trail
        .iter()
        .filter(|e| e.action == "awards.revoked")
        .collect();
    assert_eq!(revocations.len(), 2);
    assert!(revocations
        .iter()
        .any(|e| e.target == award_id && e.actor == "api-token:demo"));
    assert!(revocations
        .iter()
        .any(|e| e.target == second_id && e.actor == "coordinator"));
    let rotation = only(&trail, "key.rotated");
    assert_eq!(rotation.actor, "operator");

    // The invitee's answer is recorded too, in Riverton.
    let invitee = app.signed_in(&world.other_admin).await;
    let me = app.get(&invitee, "/me").await;
    let html = app
        .get(&invitee, &location(&me))
        .await
        .text()
        .await
        .unwrap();
    let start = html.find("/invitations/").unwrap();
    let path = &html[start..start + html[start..].find("/accept").unwrap()];
    app.post_form(&invitee, &format!("{path}/accept"), &[])
        .await;
    let trail = events(&app, &coordinator, "/c/riverton/audit").await;
    let accepted = only(&trail, "invitation.accepted");
    assert_eq!(
        (accepted.actor.as_str(), accepted.target.as_str()),
        ("elm-admin", "elm-admin")
    );
    // Elmstead's trail has none of it.
    let elm = app.signed_in(&world.other_coordinator).await;
    assert!(events(&app, &elm, "/c/elmstead/audit").await.is_empty());
    // The operator sees everything.
    let all = events(&app, &operator, "/admin/audit").await;
    assert_eq!(all.len(), trail.len());
}

#[tokio::test]
async fn only_the_citys_coordinators_and_the_operator_read_its_trail() {
    let (app, world) = spawn_world().await;
    for path in ["/c/riverton/audit", "/c/riverton/audit.csv"] {
        assert_sign_in_redirect(&app.get(&app.client(), path).await);
        let elm = app.signed_in(&world.other_coordinator).await;
        assert_eq!(
            app.get(&elm, path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
        for role in ["org_admin", "mentor", "youth", "parent"] {
            let person = app.signed_in(&world.person(role)).await;
            assert_eq!(
                app.get(&person, path).await.status(),
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
        for role in ["coordinator", "operator"] {
            let person = app.signed_in(&world.person(role)).await;
            assert_eq!(
                app.get(&person, path).await.status(),
                StatusCode::OK,
                "{role} {path}"
            );
        }
    }
    for path in ["/admin/audit", "/admin/audit.csv"] {
        assert_sign_in_redirect(&app.get(&app.client(), path).await);
        let coordinator = app.signed_in(&world.person("coordinator")).await;
        assert_eq!(
            app.get(&coordinator, path).await.status(),
            StatusCode::FORBIDDEN
        );
        let operator = app.signed_in(&world.person("operator")).await;
        assert_eq!(app.get(&operator, path).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_trail_cannot_be_changed_or_deleted() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    app.post_form(
        &admin,
        "/c/riverton/orgs/library/tokens",
        &[("name", "kept")],
    )
    .await;
    let mut conn = app.db.get().unwrap();
    assert!(
        diesel::sql_query("UPDATE audit_events SET target = 'forged'")
            .execute(&mut conn)
            .is_err()
    );
    assert!(diesel::sql_query("DELETE FROM audit_events")
        .execute(&mut conn)
        .is_err());
    drop(conn);
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let trail = events(&app, &coordinator, "/c/riverton/audit").await;
    assert_eq!(only(&trail, "api_token.created").target, "library/kept");
}

#[tokio::test]
async fn filters_narrow_the_trail_and_the_csv_holds_the_rows_of_the_page() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    app.post_form(
        &admin,
        "/c/riverton/orgs/library/tokens",
        &[("name", "by-admin")],
    )
    .await;
    app.post_form(
        &coordinator,
        "/c/riverton/orgs/library/tokens",
        &[("name", "=cmd|' /C calc'!A0")],
    )
    .await;
    app.post_form(
        &coordinator,
        "/c/riverton/orgs/science-museum/members",
        &[("username", "mentor"), ("role", "mentor")],
    )
    .await;

    let all = events(&app, &coordinator, "/c/riverton/audit").await;
    assert_eq!(all.len(), 3);
    let tokens = events(
        &app,
        &coordinator,
        "/c/riverton/audit?action=api_token.created",
    )
    .await;
    assert_eq!(tokens.len(), 2);
    let by_admin = events(&app, &coordinator, "/c/riverton/audit?actor=Librarian").await;
    assert_eq!(by_admin.len(), 1);
    assert_eq!(by_admin[0].target, "library/by-admin");
    let today = chrono::Utc::now().date_naive();
    let this_day = format!("/c/riverton/audit?from={today}&to={today}");
    assert_eq!(events(&app, &coordinator, &this_day).await.len(), 3);
    let tomorrow = today.succ_opt().unwrap();
    let later = format!("/c/riverton/audit?from={tomorrow}");
    assert!(events(&app, &coordinator, &later).await.is_empty());

    // The CSV of a filter holds exactly the page's rows, formulas defused.
    let csv = app
        .get(
            &coordinator,
            "/c/riverton/audit.csv?action=api_token.created",
        )
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .starts_with("text/csv"));
    let body = csv.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some("at,actor,city,action,target,address,detail")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|line| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes())
                .records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), tokens.len());
    for (row, event) in rows.iter().zip(&tokens) {
        assert_eq!(row[1], event.actor);
        assert_eq!(row[3], event.action);
        assert_eq!(row[5], event.address);
        assert_eq!(row[2], "riverton");
        assert_eq!(row[4].trim_start_matches('\''), event.target);
    }
    assert!(rows.iter().all(|r| !r[4].starts_with('=')));

    // Bad filters are explained, and nothing breaks.
    for (query, message) in [
        ("from=yesterday", "Enter a date like 2026-07-15."),
        ("action=drop_tables", "Choose an action from the list."),
        (
            "from=2026-12-02&to=2026-12-01",
            "The end date must not be before the start date.",
        ),
    ] {
        let response = app
            .get(&coordinator, &format!("/c/riverton/audit?{query}"))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{query}");
        assert!(html.contains("aria-invalid=\"true\""), "{query}");
        let csv = app
            .get(&coordinator, &format!("/c/riverton/audit.csv?{query}"))
            .await;
        assert_eq!(csv.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
}

#[tokio::test]
async fn setting_up_the_platform_and_bulk_awards_are_recorded() {
    let app = spawn_app().await;
    let code = app.setup_code.clone().unwrap();
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/setup",
            &[
                ("setup_code", &code),
                ("display_name", "Ada Operator"),
                ("username", "ada"),
                ("email", "ada@example.org"),
                ("password", "a long operator password"),
                ("city_name", "Harbor City"),
                ("city_slug", "harbor"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let trail = events(&app, &client, "/admin/audit").await;
    let setup = only(&trail, "platform.set_up");
    assert_eq!(
        (
            setup.actor.as_str(),
            setup.target.as_str(),
            setup.address.as_str()
        ),
        ("ada", "harbor", "127.0.0.1")
    );

    let (app, world) = spawn_world().await;
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let org = lanyard::orgs::store::find_by_slug(&mut conn, city.id, "library")
        .unwrap()
        .unwrap();
    let rows = [
        lanyard::awards::bulk::Row {
            badge: "comic-creator".into(),
            recipient: "maya".into(),
        },
        lanyard::awards::bulk::Row {
            badge: "reading-explorer".into(),
            recipient: "maya".into(),
        },
    ];
    drop(conn);
    let signer = lanyard::startup::signing_service(&crate::helpers::test_settings()).unwrap();
    let report = lanyard::awards::bulk::issue(&app.db, &signer, &app.address, &city, &org, &rows)
        .await
        .unwrap();
    assert_eq!(report.awarded, 2);
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let trail = events(&app, &coordinator, "/c/riverton/audit").await;
    let batch = only(&trail, "awards.imported");
    assert_eq!(
        (batch.actor.as_str(), batch.target.as_str()),
        ("cli", "library")
    );
    let csv = app
        .get(&coordinator, "/c/riverton/audit.csv?action=awards.imported")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("\"\"count\"\":2"), "{csv}");
}

#[tokio::test]
async fn a_redeemed_code_is_recorded_once_and_a_refused_one_not_at_all() {
    let (app, world) = spawn_world().await;
    let maya = app.signed_in(&world.person("youth")).await;
    let first = world.code_for("rocket-scientist", 0);
    let second = world.code_for("rocket-scientist", 1);
    let redeemed = app
        .post_form(&maya, "/c/riverton/claim", &[("code", &first)])
        .await;
    assert_eq!(redeemed.status(), StatusCode::SEE_OTHER);
    let refused = app
        .post_form(&maya, "/c/riverton/claim", &[("code", &second)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let trail = events(&app, &coordinator, "/c/riverton/audit?action=awards.issued").await;
    assert_eq!(trail.len(), 1, "{trail:#?}");
    assert_eq!(
        (trail[0].actor.as_str(), trail[0].address.as_str()),
        ("maya", "127.0.0.1")
    );
}

#[tokio::test]
async fn the_command_line_records_its_tokens_and_rotations_as_cli() {
    let (app, world) = spawn_world().await;
    lanyard::cli::create_token(&app.db, "riverton", "library", "from-cli").unwrap();
    let mut conn = app.db.get().unwrap();
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let keyring = lanyard::startup::keyring(&crate::helpers::test_settings()).unwrap();
    keyring
        .rotate_recorded(
            &mut conn,
            lanyard::signing::keys::Issuer::City(city.id),
            &lanyard::audit::Actor::command_line(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    drop(conn);
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let trail = events(&app, &coordinator, "/c/riverton/audit?actor=cli").await;
    assert_eq!(trail.len(), 2, "{trail:#?}");
    assert_eq!(only(&trail, "api_token.created").target, "library/from-cli");
    assert_eq!(only(&trail, "key.rotated").target, "city");
    assert!(trail.iter().all(|e| e.address == "cli"));
}

#[tokio::test]
async fn the_table_scrolls_inside_a_labelled_region_on_a_narrow_screen() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    app.post_form(&admin, "/c/riverton/orgs/library/tokens", &[("name", "n")])
        .await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let html = app
        .get(&coordinator, "/c/riverton/audit")
        .await
        .text()
        .await
        .unwrap();
    let document = scraper::Html::parse_document(&html);
    let region = scraper::Selector::parse("div.table-scroll[role=region][tabindex='0']").unwrap();
    let region = document.select(&region).next().expect("a scrolling region");
    let label = region.value().attr("aria-labelledby").unwrap();
    let caption = scraper::Selector::parse(&format!("caption#{label}")).unwrap();
    assert!(region.select(&caption).next().is_some());
    let css = app.get(&coordinator, "/").await.text().await.unwrap();
    let href = css
        .split("href=\"")
        .find_map(|s| {
            s.split('"')
                .next()
                .filter(|h| h.starts_with("/static/style"))
        })
        .unwrap()
        .to_string();
    let style = app.get(&coordinator, &href).await.text().await.unwrap();
    assert!(style.contains(".table-scroll { overflow-x: auto;"));
}
