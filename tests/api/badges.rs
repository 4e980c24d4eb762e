//! The staff forms: badges, activities, organizations, members, tokens and codes, with bad input.

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

use crate::helpers::{hidden_value, location, spawn_world, TestApp};

async fn post_badge(
    app: &TestApp,
    client: &Client,
    fields: &[(&str, &str)],
    image: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let page = app
        .get(client, "/c/riverton/orgs/library/badges/new")
        .await
        .text()
        .await
        .unwrap();
    let mut form = Form::new().text("csrf_token", hidden_value(&page, "csrf_token").unwrap());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = image {
        form = form.part(
            "image",
            Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    client
        .post(app.url("/c/riverton/orgs/library/badges"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_badge_without_an_upload_gets_a_generated_image() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_badge(
        &app,
        &admin,
        &[
            ("name", "Poetry Slam"),
            ("description", "Performed a poem."),
            ("criteria", "Perform at the slam."),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/c/riverton/orgs/library");
    let image = app
        .get(&admin, "/c/riverton/badges/poetry-slam/image")
        .await
        .text()
        .await
        .unwrap();
    assert!(image.contains(">PS<"));
    let org = app
        .get(&admin, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    assert!(org.contains("Badge “Poetry Slam” created."));
}

#[tokio::test]
async fn a_badge_form_with_bad_input_explains_each_field_and_creates_nothing() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_badge(
        &app,
        &admin,
        &[
            ("name", "Reading Explorer"),
            ("slug", "reading-explorer"),
            ("description", ""),
            ("criteria", "x"),
            ("activity", "999999"),
        ],
        Some(("broken.svg", b"<svg onload='alert(1)'")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("This address name is taken in this city."));
    assert!(html.contains("This is required."));
    assert!(html.contains("Choose one of this organization&#39;s activities."));
    assert!(html.contains("This SVG cannot be read as a drawing."));
    assert!(html.contains("value=\"Reading Explorer\""));

    let wrong_type = post_badge(
        &app,
        &admin,
        &[
            ("name", "Gif Badge"),
            ("description", "d"),
            ("criteria", "c"),
        ],
        Some(("x.gif", b"GIF89a....")),
    )
    .await;
    assert_eq!(wrong_type.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_type
        .text()
        .await
        .unwrap()
        .contains("Upload a PNG or SVG image."));
    assert_eq!(
        app.get(&admin, "/c/riverton/badges/gif-badge")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let too_big = vec![b'x'; 600 * 1024];
    let huge = post_badge(
        &app,
        &admin,
        &[("name", "Huge")],
        Some(("huge.png", &too_big)),
    )
    .await;
    assert!(huge.status().is_client_error(), "{}", huge.status());
}

#[tokio::test]
async fn a_badge_cannot_be_tied_to_another_organizations_activity() {
    let (app, world) = spawn_world().await;
    let curator = app.signed_in(&world.curator()).await;
    let catalog = app
        .get(&curator, "/c/riverton/orgs/science-museum/badges/new")
        .await
        .text()
        .await
        .unwrap();
    let museum_activity = catalog
        .split("id=\"f-activity\"")
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(2))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = post_badge(
        &app,
        &admin,
        &[
            ("name", "Borrowed"),
            ("description", "d"),
            ("criteria", "c"),
            ("activity", &museum_activity),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_activity_form_with_bad_dates_keeps_the_input() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = crate::activities::post_activity(
        &app,
        &admin,
        "/c/riverton/orgs/library/activities",
        &[
            ("title", "Story Time"),
            ("description", "Stories."),
            ("starts_on", "2027-07-10"),
            ("ends_on", "2027-07-01"),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("The end date must not be before the start date."));
    assert!(html.contains("value=\"Story Time\""));
    let bad = crate::activities::post_activity(
        &app,
        &admin,
        "/c/riverton/orgs/library/activities",
        &[
            ("title", ""),
            ("description", ""),
            ("starts_on", "next tuesday"),
        ],
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("Enter a date like 2026-07-15."));
    let catalog = app
        .get(&admin, "/c/riverton/activities")
        .await
        .text()
        .await
        .unwrap();
    assert!(!catalog.contains("Story Time"));
}

#[tokio::test]
async fn the_organization_form_refuses_unknown_admins_and_taken_slugs() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let response = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[
                ("name", "Library Two"),
                ("slug", "library"),
                ("website", "ftp://x"),
                ("admin", "ghost"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("This address name is taken in this city."));
    assert!(html.contains("No account you can add has this username or e-mail."));
    assert!(html.contains("Enter a web address starting with https://."));
    assert!(html.contains("value=\"Library Two\""));
}

#[tokio::test]
async fn an_org_admin_adds_a_mentor_and_refuses_youth_and_strangers() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let ok = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[("username", "curator"), ("role", "mentor")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let youth = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[("username", "maya"), ("role", "mentor")],
        )
        .await;
    assert_eq!(youth.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(youth
        .text()
        .await
        .unwrap()
        .contains("No account you can add has this username or e-mail."));
    let bad_role = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[("username", "curator"), ("role", "king")],
        )
        .await;
    assert_eq!(bad_role.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_api_token_is_shown_once_and_works() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/tokens",
            &[("name", "Library system")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let token = html
        .split("<code id=\"new-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("lyd_"));
    let again = app
        .get(&admin, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&token));
    assert!(again.contains("Library system"));
    let badges = app
        .client()
        .get(app.url("/api/v1/orgs/library/badges"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(badges.status(), StatusCode::OK);
    let empty = app
        .post_form(&admin, "/c/riverton/orgs/library/tokens", &[("name", "  ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn code_batches_must_be_between_one_and_five_hundred() {
    let (app, world) = spawn_world().await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    for count in ["0", "501", "many", "-3"] {
        let response = app
            .post_form(
                &mentor,
                "/c/riverton/orgs/library/badges/reading-explorer/codes",
                &[("count", count)],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{count}"
        );
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Enter a number from 1 to 500."));
    }
    let ok = app
        .post_form(
            &mentor,
            "/c/riverton/orgs/library/badges/reading-explorer/codes",
            &[("count", "3")],
        )
        .await;
    assert_eq!(
        ok.status(),
        StatusCode::SEE_OTHER,
        "mentors print codes too"
    );
}

#[tokio::test]
async fn a_badge_that_expires_gives_credentials_a_valid_until() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let bad = post_badge(
        &app,
        &admin,
        &[
            ("name", "Lifeguard"),
            ("description", "d"),
            ("criteria", "c"),
            ("valid_days", "0"),
        ],
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("from 1 to 3650"));
    let ok = post_badge(
        &app,
        &admin,
        &[
            ("name", "Lifeguard"),
            ("description", "Pool safety."),
            ("criteria", "Pass the test."),
            ("valid_days", "365"),
        ],
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&admin, "/c/riverton/badges/lifeguard")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("expires 365 days after it is earned"));
    let awarded = app
        .award_through_api(&world.token_of("library"), "library", "lifeguard", "maya")
        .await;
    let credential = app
        .credential_at(awarded["credential_url"].as_str().unwrap())
        .await;
    let from =
        chrono::DateTime::parse_from_rfc3339(credential["validFrom"].as_str().unwrap()).unwrap();
    let until =
        chrono::DateTime::parse_from_rfc3339(credential["validUntil"].as_str().unwrap()).unwrap();
    assert_eq!((until - from).num_days(), 365);
    let award_page = app
        .get(
            &admin,
            awarded["urls"]["award"]
                .as_str()
                .unwrap()
                .trim_start_matches(&app.address),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(award_page.contains("Valid until"));
}
