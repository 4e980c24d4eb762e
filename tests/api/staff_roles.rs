//! Staff roles need a staff account, and joining an organization of a city one is not yet staff
//! of needs the person's own acceptance.

use reqwest::{Client, StatusCode};

use crate::helpers::{location, spawn_world, TestApp};

/// The `/invitations/{id}` paths of the Accept buttons on the invitee's page.
async fn invitation_paths(app: &TestApp, client: &Client) -> Vec<String> {
    let me = app.get(client, "/me").await;
    assert_eq!(me.status(), StatusCode::SEE_OTHER);
    let html = app.get(client, &location(&me)).await.text().await.unwrap();
    let document = scraper::Html::parse_document(&html);
    let selector = scraper::Selector::parse(".invitation form").unwrap();
    document
        .select(&selector)
        .filter_map(|f| f.value().attr("action"))
        .filter_map(|a| a.strip_suffix("/accept"))
        .map(str::to_string)
        .collect()
}

/// The path of the invitation whose text names `org`.
async fn invitation_of(app: &TestApp, client: &Client, org: &str) -> String {
    let html = app
        .get(client, "/c/elmstead/me")
        .await
        .text()
        .await
        .unwrap();
    let document = scraper::Html::parse_document(&html);
    let item = scraper::Selector::parse(".invitation").unwrap();
    let form = scraper::Selector::parse("form").unwrap();
    document
        .select(&item)
        .find(|li| li.text().collect::<String>().contains(org))
        .and_then(|li| li.select(&form).next())
        .and_then(|f| f.value().attr("action"))
        .and_then(|a| a.strip_suffix("/accept"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("an invitation of {org}"))
}

async fn status_of(app: &TestApp, client: &Client, path: &str) -> StatusCode {
    app.get(client, path).await.status()
}

#[tokio::test]
async fn a_coordinator_of_another_city_named_as_mentor_is_only_invited_until_they_accept() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let response = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[
                ("username", "elm-coordinator@elmstead.example"),
                ("role", "mentor"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&admin, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("was invited. The role takes effect when they accept it."));
    assert!(page.contains("Invited, waiting for their answer:"));

    let invitee = app.signed_in(&world.other_coordinator).await;
    assert_eq!(
        status_of(&app, &invitee, "/c/riverton/orgs/library").await,
        StatusCode::NOT_FOUND,
        "nothing is effective before the invitee accepts"
    );
    let paths = invitation_paths(&app, &invitee).await;
    assert_eq!(paths.len(), 1);
    let accepted = app
        .post_form(&invitee, &format!("{}/accept", paths[0]), &[])
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&accepted), "/c/riverton/orgs/library");
    let org_page = app.get(&invitee, "/c/riverton/orgs/library").await;
    assert_eq!(org_page.status(), StatusCode::OK);
    let html = org_page.text().await.unwrap();
    assert!(html.contains("You are now staff of Riverton Public Library."));
    // A mentor, not an admin.
    assert_eq!(
        app.post_form(
            &invitee,
            "/c/riverton/orgs/library/tokens",
            &[("name", "x")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert!(invitation_paths(&app, &invitee).await.is_empty());
}

#[tokio::test]
async fn a_declined_invitation_gives_nothing_and_is_gone() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    app.post_form(
        &admin,
        "/c/riverton/orgs/library/members",
        &[("username", "elm-admin"), ("role", "admin")],
    )
    .await;
    let invitee = app.signed_in(&world.other_admin).await;
    let paths = invitation_paths(&app, &invitee).await;
    assert_eq!(paths.len(), 1);
    let declined = app
        .post_form(&invitee, &format!("{}/decline", paths[0]), &[])
        .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    assert!(invitation_paths(&app, &invitee).await.is_empty());
    assert_eq!(
        status_of(&app, &invitee, "/c/riverton/orgs/library").await,
        StatusCode::NOT_FOUND
    );
    // A declined invitation cannot be accepted afterwards.
    let late = app
        .post_form(&invitee, &format!("{}/accept", paths[0]), &[])
        .await;
    assert_eq!(late.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn nobody_but_the_invitee_can_answer_an_invitation() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    app.post_form(
        &admin,
        "/c/riverton/orgs/library/members",
        &[("username", "elm-admin"), ("role", "admin")],
    )
    .await;
    let invitee = app.signed_in(&world.other_admin).await;
    let path = invitation_paths(&app, &invitee).await.remove(0);
    for person in [&world.other_coordinator, &world.person("org_admin")] {
        let other = app.signed_in(person).await;
        let response = app.post_form(&other, &format!("{path}/accept"), &[]).await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{}",
            person.username
        );
    }
    for bad in [
        "/invitations/999999/accept",
        "/invitations/not-a-number/accept",
    ] {
        let response = app.post_form(&invitee, bad, &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    let anonymous = app.client();
    let response = app
        .post_form(&anonymous, &format!("{path}/accept"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/signin"));
    // Still pending for the invitee.
    assert_eq!(invitation_paths(&app, &invitee).await.len(), 1);
}

#[tokio::test]
async fn youth_and_parent_accounts_never_get_a_staff_role() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    // The form tells an admin nothing about the account it names (see `disclosure`).
    for (login, message) in [
        (
            "maya",
            "No account you can add has this username or e-mail.",
        ),
        (
            "parent",
            "No account you can add has this username or e-mail.",
        ),
        (
            "parent@riverton.example",
            "No account you can add has this username or e-mail.",
        ),
    ] {
        let response = app
            .post_form(
                &coordinator,
                "/c/riverton/orgs/library/members",
                &[("username", login), ("role", "admin")],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{login}"
        );
        assert!(response.text().await.unwrap().contains(message), "{login}");
    }
    let created = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[("name", "Parent Club"), ("admin", "parent")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(created
        .text()
        .await
        .unwrap()
        .contains("No account you can add has this username or e-mail."));
    assert_eq!(
        status_of(&app, &coordinator, "/c/riverton/orgs/parent-club").await,
        StatusCode::NOT_FOUND,
        "nothing was created"
    );
    let parent = app.signed_in(&world.person("parent")).await;
    assert_eq!(
        status_of(&app, &parent, "/c/riverton/orgs/library").await,
        StatusCode::NOT_FOUND,
        "the parent is no staff of the library"
    );
}

#[tokio::test]
async fn staff_of_the_city_get_the_role_at_once() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let response = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs/science-museum/members",
            &[("username", "mentor"), ("role", "mentor")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mentor = app.signed_in(&world.person("mentor")).await;
    assert_eq!(
        status_of(&app, &mentor, "/c/riverton/orgs/science-museum").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_organization_whose_admin_is_of_another_city_waits_for_their_acceptance() {
    let (app, world) = spawn_world().await;
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let created = app
        .post_form(
            &coordinator,
            "/c/riverton/orgs",
            &[("name", "River Rowing"), ("admin", "elm-admin")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&created), "/c/riverton/orgs/river-rowing");
    let page = app
        .get(&coordinator, "/c/riverton/orgs/river-rowing")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Its admin was invited"));
    let invitee = app.signed_in(&world.other_admin).await;
    assert_eq!(
        status_of(&app, &invitee, "/c/riverton/orgs/river-rowing").await,
        StatusCode::NOT_FOUND
    );
    let path = invitation_paths(&app, &invitee).await.remove(0);
    app.post_form(&invitee, &format!("{path}/accept"), &[])
        .await;
    assert_eq!(
        app.post_form(
            &invitee,
            "/c/riverton/orgs/river-rowing/tokens",
            &[("name", "rowing")]
        )
        .await
        .status(),
        StatusCode::OK,
        "an admin once accepted"
    );
}

#[tokio::test]
async fn an_admin_removes_a_mentor_but_never_the_last_admin() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let mentor = app.signed_in(&world.person("mentor")).await;
    // A mentor cannot remove anyone; another city's coordinator does not see the organization.
    assert_eq!(
        app.post_form(
            &mentor,
            "/c/riverton/orgs/library/members/librarian/remove",
            &[]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let elm = app.signed_in(&world.other_coordinator).await;
    assert_eq!(
        app.post_form(&elm, "/c/riverton/orgs/library/members/mentor/remove", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let removed = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members/mentor/remove",
            &[],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&app, &mentor, "/c/riverton/orgs/library").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form(
            &admin,
            "/c/riverton/orgs/library/members/mentor/remove",
            &[]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND,
        "no longer a member"
    );
    let last = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members/librarian/remove",
            &[],
        )
        .await;
    assert_eq!(last.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&admin, "/c/riverton/orgs/library")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("librarian is the last admin: add another admin first."));
    assert_eq!(
        status_of(&app, &admin, "/c/riverton/orgs/library").await,
        StatusCode::OK
    );
    let coordinator = app.signed_in(&world.person("coordinator")).await;
    let audit = app
        .get(&coordinator, "/c/riverton/audit?action=member.removed")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(audit.matches("class=\"audit-event\"").count(), 1);
}

#[tokio::test]
async fn the_last_admin_cannot_be_given_a_lesser_role_either() {
    let (app, world) = spawn_world().await;
    let admin = app.signed_in(&world.person("org_admin")).await;
    let demoted = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[("username", "librarian"), ("role", "mentor")],
        )
        .await;
    assert_eq!(demoted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(demoted.text().await.unwrap().contains(
        "This person is the last admin: add another admin before giving them another role."
    ));
    // Still the admin: the admin-only form is still theirs.
    assert_eq!(
        status_of(&app, &admin, "/c/riverton/orgs/library/badges/new").await,
        StatusCode::OK
    );
    // With a second admin, the first may step down.
    let added = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[("username", "mentor"), ("role", "admin")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let stepped_down = app
        .post_form(
            &admin,
            "/c/riverton/orgs/library/members",
            &[("username", "librarian"), ("role", "mentor")],
        )
        .await;
    assert_eq!(stepped_down.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&app, &admin, "/c/riverton/orgs/library/badges/new").await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_invitation_is_spent_once_its_person_is_made_staff_and_cannot_bring_them_back() {
    let (app, world) = spawn_world().await;
    let librarian = app.signed_in(&world.person("org_admin")).await;
    let curator = app.signed_in(&world.curator()).await;
    let invite = |client, org: &'static str, role: &'static str| {
        let app = &app;
        let who = world.other_admin.username.clone();
        async move {
            app.post_form(
                client,
                &format!("/c/riverton/orgs/{org}/members"),
                &[("username", who.as_str()), ("role", role)],
            )
            .await
            .status()
        }
    };
    // The library invites Elmstead's admin as its admin; the museum as a mentor.
    assert_eq!(
        invite(&librarian, "library", "admin").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        invite(&curator, "science-museum", "mentor").await,
        StatusCode::SEE_OTHER
    );
    let invitee = app.signed_in(&world.other_admin).await;
    assert_eq!(invitation_paths(&app, &invitee).await.len(), 2);
    // They join the museum, so they are staff of the city; the library then adds them as a
    // mentor directly, and later removes them.
    let museum_path = invitation_of(&app, &invitee, "Science").await;
    let library_path = invitation_of(&app, &invitee, "Library").await;
    assert_eq!(
        app.post_form(&invitee, &format!("{museum_path}/accept"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        invite(&librarian, "library", "mentor").await,
        StatusCode::SEE_OTHER
    );
    assert!(
        invitation_paths(&app, &invitee).await.is_empty(),
        "the library's invitation is spent"
    );
    let removed = app
        .post_form(
            &librarian,
            &format!(
                "/c/riverton/orgs/library/members/{}/remove",
                world.other_admin.username
            ),
            &[],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    // The old admin invitation does not bring them back as admin.
    assert_eq!(
        app.post_form(&invitee, &format!("{library_path}/accept"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(&app, &invitee, "/c/riverton/orgs/library").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_admins_removing_each_other_at_once_leave_one_admin() {
    let (app, world) = spawn_world().await;
    let clients = [
        ("librarian", app.signed_in(&world.person("org_admin")).await),
        ("mentor", app.signed_in(&world.person("mentor")).await),
    ];
    let is_admin = |client| {
        let app = &app;
        async move {
            status_of(app, client, "/c/riverton/orgs/library/badges/new").await == StatusCode::OK
        }
    };
    for round in 0..6 {
        // Whoever is admin makes the other one admin too.
        let (admin, other) = if is_admin(&clients[0].1).await {
            (&clients[0], &clients[1])
        } else {
            (&clients[1], &clients[0])
        };
        let made = app
            .post_form(
                &admin.1,
                "/c/riverton/orgs/library/members",
                &[("username", other.0), ("role", "admin")],
            )
            .await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "round {round}");
        let to_remove = |whom: &str| format!("/c/riverton/orgs/library/members/{whom}/remove");
        let (first, second) = (to_remove(clients[1].0), to_remove(clients[0].0));
        let (a, b) = tokio::join!(
            app.post_form(&clients[0].1, &first, &[]),
            app.post_form(&clients[1].1, &second, &[])
        );
        for response in [&a, &b] {
            assert!(
                !response.status().is_server_error(),
                "round {round}: {}",
                response.status()
            );
        }
        let admins = [is_admin(&clients[0].1).await, is_admin(&clients[1].1).await];
        assert_eq!(
            admins.iter().filter(|a| **a).count(),
            1,
            "round {round}: exactly one admin is left"
        );
    }
}
