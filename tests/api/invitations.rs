//! E-mail invitations: the mail and its link, `/join/{token}` signed out and signed in, single
//! use, expiry, withdrawal, the wrong kind of account, and guessed tokens.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use lanyard::db::schema::outbox;
use lanyard::invitations::{self, InvitationId, InvitedRole};
use lanyard::{audit, auth, orgs, tenancy};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{location, spawn_world, Person, TestApp, World};

/// The text of the first element matching `selector`.
pub fn text_of(html: &str, selector: &str) -> String {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default()
}

/// The newest mail to `to` in the outbox: (kind, subject, text body, html body).
pub fn last_mail_to(app: &TestApp, to: &str) -> (String, String, String, String) {
    let mut conn = app.db.get().unwrap();
    outbox::table
        .filter(outbox::to_address.eq(to))
        .order(outbox::id.desc())
        .select((
            outbox::kind,
            outbox::subject,
            outbox::text_body,
            outbox::html_body,
        ))
        .first(&mut conn)
        .unwrap()
}

/// The `/join/{token}` path in the newest mail to `to`.
pub fn join_path_in_mail(app: &TestApp, to: &str) -> String {
    let (_, _, text, _) = last_mail_to(app, to);
    let start = text.find("/join/").expect("the mail has a join link");
    text[start..].split_whitespace().next().unwrap().to_string()
}

/// Invites `email` through the context's function, as `inviter` (a user name) would.
pub fn invite(
    app: &TestApp,
    city: &str,
    org: Option<&str>,
    role: InvitedRole,
    email: &str,
    inviter: &str,
) -> InvitationId {
    let mut conn = app.db.get().unwrap();
    let city = tenancy::store::find_by_slug(&mut conn, city)
        .unwrap()
        .unwrap();
    let org = org.map(|slug| {
        orgs::store::find_by_slug(&mut conn, city.id, slug)
            .unwrap()
            .unwrap()
    });
    let (inviter, _) = auth::store::find_user_by_login(&mut conn, inviter)
        .unwrap()
        .unwrap();
    invitations::invite(
        &mut conn,
        &city,
        org.as_ref(),
        role,
        email,
        inviter.id,
        &app.address,
        Utc::now().naive_utc(),
    )
    .unwrap()
}

async fn sign_up_through(app: &TestApp, path: &str, name: &str, email: &str) -> reqwest::Response {
    let client = app.client();
    app.post_form(
        &client,
        &format!("{path}/signup"),
        &[
            ("display_name", name),
            ("username", name),
            ("email", email),
            ("password", "a long enough password"),
        ],
    )
    .await
}

fn coordinator(world: &World) -> Person {
    world.person("coordinator")
}

#[tokio::test]
async fn a_coordinator_invitation_is_mailed_with_its_link_and_a_newcomer_becomes_coordinator() {
    let (app, world) = spawn_world().await;
    let inviter = coordinator(&world);
    invite(
        &app,
        "riverton",
        None,
        InvitedRole::Coordinator,
        "Nora@Example.org",
        &inviter.username,
    );
    let (kind, subject, text, html) = last_mail_to(&app, "nora@example.org");
    assert_eq!(kind, "invitation.coordinator");
    assert!(subject.contains("Riverton"), "{subject}");
    assert!(text.contains("a coordinator of Riverton"), "{text}");
    assert!(html.contains("/join/"), "{html}");
    let path = join_path_in_mail(&app, "nora@example.org");

    let visitor = app.client();
    let page = app.get(&visitor, &path).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(text_of(&html, "#invitation-summary").contains("coordinator of Riverton"));
    let document = Html::parse_document(&html);
    let email = Selector::parse("#join-form input[name=email]").unwrap();
    assert_eq!(
        document
            .select(&email)
            .next()
            .unwrap()
            .value()
            .attr("value"),
        Some("nora@example.org")
    );
    let have_account = Selector::parse("#have-account").unwrap();
    assert_eq!(
        document
            .select(&have_account)
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some(format!("/signin?next={path}").as_str())
    );

    let joined = sign_up_through(&app, &path, "nora", "nora@example.org").await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&joined), "/c/riverton/dashboard");
    let nora = app
        .signed_in(&Person {
            username: "nora".into(),
            password: "a long enough password".into(),
        })
        .await;
    assert_eq!(
        app.get(&nora, "/c/riverton/dashboard").await.status(),
        StatusCode::OK
    );
    // …and nothing of another city.
    assert_eq!(
        app.get(&nora, "/c/elmstead/dashboard").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_invitation_works_once() {
    let (app, world) = spawn_world().await;
    invite(
        &app,
        "riverton",
        None,
        InvitedRole::Coordinator,
        "once@example.org",
        &coordinator(&world).username,
    );
    let path = join_path_in_mail(&app, "once@example.org");
    let first = sign_up_through(&app, &path, "first", "once@example.org").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = sign_up_through(&app, &path, "second", "other@example.org").await;
    assert_eq!(second.status(), StatusCode::GONE);
    let html = second.text().await.unwrap();
    assert!(text_of(&html, "#invitation-problem").contains("already been used"));
    // The refused sign-up left no account behind.
    let mut conn = app.db.get().unwrap();
    assert!(!auth::store::username_taken(&mut conn, "second").unwrap());
    // A staff member signed in finds it used too.
    let librarian = app.signed_in(&world.account("librarian")).await;
    let again = app.post_form(&librarian, &path, &[]).await;
    assert_eq!(again.status(), StatusCode::GONE);
}

#[tokio::test]
async fn an_expired_invitation_says_so_and_gives_nothing() {
    let (app, world) = spawn_world().await;
    let id = invite(
        &app,
        "riverton",
        None,
        InvitedRole::Coordinator,
        "late@example.org",
        &coordinator(&world).username,
    );
    {
        let mut conn = app.db.get().unwrap();
        invitations::store::set_expiry(
            &mut conn,
            id.0,
            Utc::now().naive_utc() - Duration::minutes(1),
        )
        .unwrap();
    }
    let path = join_path_in_mail(&app, "late@example.org");
    let page = app.get(&app.client(), &path).await;
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(text_of(&page.text().await.unwrap(), "#invitation-problem").contains("expired"));
    let joined = sign_up_through(&app, &path, "late", "late@example.org").await;
    assert_eq!(joined.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_withdrawn_invitation_says_so() {
    let (app, world) = spawn_world().await;
    let id = invite(
        &app,
        "riverton",
        None,
        InvitedRole::Coordinator,
        "gone@example.org",
        &coordinator(&world).username,
    );
    {
        let mut conn = app.db.get().unwrap();
        let city = tenancy::store::find_by_slug(&mut conn, "riverton")
            .unwrap()
            .unwrap();
        let elmstead = tenancy::store::find_by_slug(&mut conn, "elmstead")
            .unwrap()
            .unwrap();
        let now = Utc::now().naive_utc();
        let actor = audit::Actor::command_line();
        // Another city cannot withdraw it.
        assert!(invitations::withdraw(&mut conn, &elmstead, None, id, &actor, now).is_err());
        invitations::withdraw(&mut conn, &city, None, id, &actor, now).unwrap();
    }
    let page = app
        .get(&app.client(), &join_path_in_mail(&app, "gone@example.org"))
        .await;
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(text_of(&page.text().await.unwrap(), "#invitation-problem").contains("withdrawn"));
}

#[tokio::test]
async fn a_youth_account_cannot_take_a_staff_invitation_and_leaves_it_unused() {
    let (app, world) = spawn_world().await;
    invite(
        &app,
        "riverton",
        Some("library"),
        InvitedRole::Mentor,
        "helper@example.org",
        &world.account("librarian").username,
    );
    let path = join_path_in_mail(&app, "helper@example.org");
    let youth = app.signed_in(&world.person("youth")).await;
    let page = app.get(&youth, &path).await.text().await.unwrap();
    assert!(!text_of(&page, "#invitation-wrong-kind").is_empty());
    let refused = app.post_form(&youth, &path, &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // Still usable by a staff account: an admin of another organization becomes mentor here.
    let curator = app.signed_in(&world.curator()).await;
    let accepted = app.post_form(&curator, &path, &[]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&accepted), "/c/riverton/orgs/library");
    assert_eq!(
        app.get(&curator, "/c/riverton/orgs/library").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_mentor_invitation_names_the_organization_and_its_sign_up_checks_every_field() {
    let (app, world) = spawn_world().await;
    invite(
        &app,
        "riverton",
        Some("library"),
        InvitedRole::Mentor,
        "mentor2@example.org",
        &world.account("librarian").username,
    );
    let (kind, subject, _, _) = last_mail_to(&app, "mentor2@example.org");
    assert_eq!(kind, "invitation.mentor");
    assert!(subject.contains("Riverton Public Library"), "{subject}");
    let path = join_path_in_mail(&app, "mentor2@example.org");
    let client = app.client();
    let bad = app
        .post_form(
            &client,
            &format!("{path}/signup"),
            &[
                ("display_name", ""),
                ("username", "no spaces allowed"),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    for field in ["display_name", "username", "email", "password"] {
        assert!(
            !text_of(&html, &format!("#e-{field}")).is_empty(),
            "a message for {field}"
        );
    }
    assert!(html.contains("not-an-email"), "what was typed stays");
    let joined = sign_up_through(&app, &path, "mentor2", "mentor2@example.org").await;
    assert_eq!(location(&joined), "/c/riverton/orgs/library");
}

#[tokio::test]
async fn a_bad_e_mail_is_refused_before_anything_is_written() {
    let (app, world) = spawn_world().await;
    let mut conn = app.db.get().unwrap();
    let city = tenancy::store::find_by_slug(&mut conn, "riverton")
        .unwrap()
        .unwrap();
    let (inviter, _) = auth::store::find_user_by_login(&mut conn, &coordinator(&world).username)
        .unwrap()
        .unwrap();
    let refused = invitations::invite(
        &mut conn,
        &city,
        None,
        InvitedRole::Coordinator,
        "nobody at example",
        inviter.id,
        &app.address,
        Utc::now().naive_utc(),
    );
    assert!(matches!(refused, Err(lanyard::error::AppError::Invalid(_))));
    let mails: i64 = outbox::table.count().get_result(&mut conn).unwrap();
    assert_eq!(mails, 0);
}

#[tokio::test]
async fn unknown_tokens_get_a_clear_page_and_guessing_is_limited() {
    let (app, _world) = spawn_world().await;
    let client = app.client();
    let first = app.get(&client, "/join/not-a-real-token").await;
    assert_eq!(first.status(), StatusCode::NOT_FOUND);
    assert!(text_of(&first.text().await.unwrap(), "#invitation-problem").contains("not valid"));
    let mut last = StatusCode::NOT_FOUND;
    for n in 0..lanyard::auth::throttle::LINK_GUESSES_PER_ADDRESS {
        last = app.get(&client, &format!("/join/guess-{n}")).await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
