//! Every protected page and form: anonymous visitors are sent to sign in, people of another city
//! or organization get 404, and people without the role get 403.

use reqwest::{Client, StatusCode};

use crate::helpers::{assert_sign_in_redirect, spawn_world, TestApp};

const GET_PAGES: [&str; 8] = [
    "/c/riverton/me",
    "/c/riverton/claim",
    "/c/riverton/dashboard",
    "/c/riverton/orgs",
    "/c/riverton/orgs/library",
    "/c/riverton/orgs/library/activities/new",
    "/c/riverton/orgs/library/badges/new",
    "/c/riverton/orgs/library/badges/reading-explorer/codes",
];

const POST_FORMS: [(&str, &[(&str, &str)]); 7] = [
    ("/c/riverton/claim", &[("code", "ABCD-EFGH")]),
    (
        "/c/riverton/orgs",
        &[("name", "Sneaky Org"), ("admin", "maya")],
    ),
    (
        "/c/riverton/orgs/library/members",
        &[("username", "curator"), ("role", "admin")],
    ),
    ("/c/riverton/orgs/library/tokens", &[("name", "sneaky")]),
    (
        "/c/riverton/orgs/library/activities",
        &[("title", "Sneaky"), ("description", "x")],
    ),
    ("/c/riverton/orgs/library/badges", &[("name", "Sneaky")]),
    (
        "/c/riverton/orgs/library/badges/reading-explorer/codes",
        &[("count", "5")],
    ),
];

async fn get_status(app: &TestApp, client: &Client, path: &str) -> StatusCode {
    app.get(client, path).await.status()
}

async fn post_status(
    app: &TestApp,
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
) -> StatusCode {
    app.post_form(client, path, fields).await.status()
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_everywhere() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    for path in GET_PAGES {
        assert_sign_in_redirect(&app.get(&client, path).await);
    }
    for (path, fields) in POST_FORMS {
        assert_sign_in_redirect(&app.post_form(&client, path, fields).await);
    }
}

#[tokio::test]
async fn people_of_another_city_get_404_everywhere() {
    let (app, world) = spawn_world().await;
    for person in [
        &world.other_coordinator,
        &world.other_admin,
        &world.other_youth,
    ] {
        let client = app.signed_in(person).await;
        for path in GET_PAGES {
            assert_eq!(
                get_status(&app, &client, path).await,
                StatusCode::NOT_FOUND,
                "{} GET {path}",
                person.username
            );
        }
        for (path, fields) in POST_FORMS {
            assert_eq!(
                post_status(&app, &client, path, fields).await,
                StatusCode::NOT_FOUND,
                "{} POST {path}",
                person.username
            );
        }
    }
}

#[tokio::test]
async fn staff_of_another_organization_get_404_on_its_pages_and_403_on_the_citys() {
    let (app, world) = spawn_world().await;
    let curator = app.signed_in(&world.curator()).await;
    for path in &GET_PAGES[4..] {
        assert_eq!(
            get_status(&app, &curator, path).await,
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for (path, fields) in &POST_FORMS[2..] {
        assert_eq!(
            post_status(&app, &curator, path, fields).await,
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    for path in ["/c/riverton/dashboard", "/c/riverton/orgs"] {
        assert_eq!(
            get_status(&app, &curator, path).await,
            StatusCode::FORBIDDEN,
            "GET {path}"
        );
    }
    assert_eq!(
        get_status(&app, &curator, "/c/riverton/me").await,
        StatusCode::OK
    );
    // And their own organization is open to them.
    assert_eq!(
        get_status(&app, &curator, "/c/riverton/orgs/science-museum").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_mentor_sees_the_organization_but_cannot_change_it() {
    let (app, world) = spawn_world().await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    assert_eq!(
        get_status(&app, &mentor, "/c/riverton/orgs/library").await,
        StatusCode::OK
    );
    assert_eq!(
        get_status(
            &app,
            &mentor,
            "/c/riverton/orgs/library/badges/reading-explorer/codes"
        )
        .await,
        StatusCode::OK
    );
    // Mentors write the organization's activities, not its badges, staff or tokens.
    assert_eq!(
        get_status(&app, &mentor, "/c/riverton/orgs/library/activities/new").await,
        StatusCode::OK
    );
    assert_eq!(
        get_status(&app, &mentor, "/c/riverton/orgs/library/badges/new").await,
        StatusCode::FORBIDDEN
    );
    for (path, fields) in POST_FORMS[2..6]
        .iter()
        .filter(|(path, _)| !path.ends_with("/activities"))
    {
        assert_eq!(
            post_status(&app, &mentor, path, fields).await,
            StatusCode::FORBIDDEN,
            "POST {path}"
        );
    }
    let page = app
        .get(&mentor, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("id=\"token-form\""),
        "no admin forms for mentors"
    );
}

#[tokio::test]
async fn youth_and_parents_cannot_reach_staff_or_coordinator_pages() {
    let (app, world) = spawn_world().await;
    for role in ["youth", "parent"] {
        let client = app.signed_in(&world.person(role)).await;
        for path in ["/c/riverton/dashboard", "/c/riverton/orgs"] {
            assert_eq!(
                get_status(&app, &client, path).await,
                StatusCode::FORBIDDEN,
                "{role} GET {path}"
            );
        }
        assert_eq!(
            post_status(&app, &client, "/c/riverton/orgs", POST_FORMS[1].1).await,
            StatusCode::FORBIDDEN
        );
        for path in &GET_PAGES[4..] {
            assert_eq!(
                get_status(&app, &client, path).await,
                StatusCode::NOT_FOUND,
                "{role} GET {path}"
            );
        }
    }
}

#[tokio::test]
async fn a_coordinator_runs_every_organization_of_their_city() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    for path in &GET_PAGES[2..] {
        assert_eq!(
            get_status(&app, &coordinator, path).await,
            StatusCode::OK,
            "GET {path}"
        );
    }
    // Coordinators are not youth: the claim page is not theirs.
    assert_eq!(
        get_status(&app, &coordinator, "/c/riverton/claim").await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_operator_can_see_every_city() {
    let (app, world) = spawn_world().await;
    let operator = app.signed_in(&world.person("operator")).await;
    assert_eq!(
        get_status(&app, &operator, "/c/riverton/dashboard").await,
        StatusCode::OK
    );
    assert_eq!(
        get_status(&app, &operator, "/c/elmstead/dashboard").await,
        StatusCode::OK
    );
    assert_eq!(
        get_status(&app, &operator, "/c/elmstead/orgs/parks").await,
        StatusCode::OK
    );
}
