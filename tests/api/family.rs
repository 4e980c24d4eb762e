//! Families: a child under 13 signs up and waits for a parent's consent, given (or declined)
//! through an e-mailed link, with reminders and expiry on a clock set forward; a teen's link
//! code; a parent sees only their own children.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use lanyard::db::schema::{consent_requests, outbox, parental_consents, users};
use lanyard::family::consent;
use reqwest::StatusCode;

use crate::helpers::{location, spawn_world, Person, TestApp};
use crate::invitations::last_mail_to;

/// The path (from `prefix` on) of the first link to `prefix` in the newest mail to `to`.
pub fn path_in_mail(app: &TestApp, to: &str, prefix: &str) -> String {
    let (_, _, text, _) = last_mail_to(app, to);
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("the mail to {to} has a {prefix} link:\n{text}"));
    text[start..].split_whitespace().next().unwrap().to_string()
}

fn birth_date_for_age(years: i64) -> String {
    (Utc::now().date_naive() - Duration::days(365 * years + 30)).to_string()
}

/// Signs up a child of `age` with `parent_email`; the client is signed in as the child.
async fn child_signs_up(
    app: &TestApp,
    username: &str,
    age: i64,
    parent_email: &str,
) -> reqwest::Client {
    let client = app.client();
    let birth = birth_date_for_age(age);
    app.signs_up(
        &client,
        &[
            ("kind", "youth"),
            ("display_name", display_name(username)),
            ("username", username),
            ("password", "nina's long password"),
            ("birth_date", &birth),
            ("parent_email", parent_email),
        ],
    )
    .await;
    client
}

/// Signs up a parent `username` with `email`; the client is signed in as them.
pub async fn parent_signs_up(app: &TestApp, username: &str, email: &str) -> reqwest::Client {
    let client = app.client();
    app.signs_up(
        &client,
        &[
            ("kind", "parent"),
            ("display_name", "Kim"),
            ("username", username),
            ("email", email),
            ("password", "kim's long password"),
        ],
    )
    .await;
    client
}

/// The display name the sign-ups of these tests use.
fn display_name(username: &str) -> &'static str {
    if username.starts_with("sam") {
        "Sam"
    } else {
        "Nina"
    }
}

fn status_of(app: &TestApp, username: &str) -> Option<String> {
    let mut conn = app.db.get().unwrap();
    users::table
        .filter(users::username.eq(username))
        .select(users::status)
        .first(&mut conn)
        .optional()
        .unwrap()
}

pub fn mails_of_kind(app: &TestApp, to: &str, kind: &str) -> i64 {
    let mut conn = app.db.get().unwrap();
    outbox::table
        .filter(outbox::to_address.eq(to))
        .filter(outbox::kind.eq(kind))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_child_under_13_must_name_a_parent_and_is_offered_a_made_up_username() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let form = app
        .get(&client, "/c/riverton/signup")
        .await
        .text()
        .await
        .unwrap();
    let suggested = crate::common::hidden_value(&form, "username");
    // The username field (not hidden) is filled with the suggestion, shown in the hint too.
    assert!(suggested.is_none());
    assert!(form.contains("id=\"username-suggestion\""));
    assert!(form.contains("say who you are"));

    let birth = birth_date_for_age(9);
    for (parent, message) in [
        ("", "give the e-mail of a parent or guardian"),
        ("not-an-address", "e-mail"),
    ] {
        let refused = app
            .post_form(
                &client,
                "/c/riverton/signup",
                &[
                    ("kind", "youth"),
                    ("display_name", "Nina"),
                    ("username", "nina"),
                    ("password", "nina's long password"),
                    ("birth_date", &birth),
                    ("parent_email", parent),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains(message), "{parent}");
    }
    assert_eq!(status_of(&app, "nina"), None, "nothing was written");
    let own = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "youth"),
                ("display_name", "Nina"),
                ("username", "nina"),
                ("email", "nina@example.org"),
                ("password", "nina's long password"),
                ("birth_date", &birth),
                ("parent_email", "nina@example.org"),
            ],
        )
        .await;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.text().await.unwrap().contains("your own e-mail"));
}

#[tokio::test]
async fn a_parent_creates_an_account_from_the_mail_and_consents_once() {
    let (app, _) = spawn_world().await;
    let child = child_signs_up(&app, "nina", 10, "rosa@example.org").await;
    assert_eq!(status_of(&app, "nina").as_deref(), Some("awaiting_consent"));
    let me = app
        .get(&child, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("id=\"consent-waiting\""));
    assert!(
        me.contains("ro…@example.org"),
        "the address is shown masked"
    );
    assert!(!me.contains("rosa@example.org"));

    let (kind, subject, text, _) = last_mail_to(&app, "rosa@example.org");
    assert_eq!(kind, "family.consent_request");
    assert!(subject.contains("Nina"), "{subject}");
    assert!(text.contains("deleted on"), "{text}");
    let link = path_in_mail(&app, "rosa@example.org", "/consent/");

    let parent = app.client();
    let page = app.get(&parent, &link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("What we keep"),
        "the plain-language text is shown"
    );
    assert!(page.contains(consent::TEXT_VERSION));
    assert!(
        page.contains("value=\"rosa@example.org\""),
        "the address is filled in"
    );

    // Without the box ticked, nothing is made.
    let unticked = app
        .post_form(
            &parent,
            &format!("{link}/signup"),
            &[
                ("display_name", "Rosa"),
                ("username", "rosa"),
                ("email", "rosa@example.org"),
                ("password", "rosa's long password"),
            ],
        )
        .await;
    assert_eq!(unticked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.text().await.unwrap().contains("Tick the box"));
    assert_eq!(status_of(&app, "rosa"), None);

    let consented = app
        .post_form(
            &parent,
            &format!("{link}/signup"),
            &[
                ("display_name", "Rosa"),
                ("username", "rosa"),
                ("email", "rosa@example.org"),
                ("password", "rosa's long password"),
                ("agree", "1"),
            ],
        )
        .await;
    assert_eq!(consented.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&consented), "/c/riverton/me#children");
    assert_eq!(status_of(&app, "nina").as_deref(), Some("active"));
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<h3>Nina</h3>"), "the parent sees the child");
    assert!(
        page.contains("rosa@example.org is confirmed"),
        "the consent link proved the parent's address"
    );

    // The consent is on record: who, how, which text, when.
    let mut conn = app.db.get().unwrap();
    let (method, version): (String, String) = parental_consents::table
        .inner_join(users::table.on(users::id.eq(parental_consents::youth_id)))
        .filter(users::username.eq("nina"))
        .select((parental_consents::method, parental_consents::text_version))
        .first(&mut conn)
        .unwrap();
    assert_eq!(method, "email_link");
    assert_eq!(version, consent::TEXT_VERSION);

    // The link works once.
    let again = app.get(&app.client(), &link).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(again.text().await.unwrap().contains("already decided"));
    // A guessed link is not found.
    let guessed = app
        .get(
            &app.client(),
            "/consent/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .await;
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);
    // The child can now redeem a code.
    let claim = app
        .get(&child, "/c/riverton/claim")
        .await
        .text()
        .await
        .unwrap();
    assert!(claim.contains("id=\"claim-form\""));
}

#[tokio::test]
async fn only_a_parent_account_can_consent_and_a_signed_in_parent_just_agrees() {
    let (app, world) = spawn_world().await;
    child_signs_up(&app, "nina", 8, "parent@riverton.example").await;
    let link = path_in_mail(&app, "parent@riverton.example", "/consent/");
    for role in ["youth", "mentor", "coordinator"] {
        let someone = app.signed_in(&world.person(role)).await;
        let refused = app.post_form(&someone, &link, &[("agree", "1")]).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role}");
        assert!(refused.text().await.unwrap().contains("not a parent"));
    }
    assert_eq!(status_of(&app, "nina").as_deref(), Some("awaiting_consent"));
    let anonymous = app.post_form(&app.client(), &link, &[("agree", "1")]).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(location(&anonymous).starts_with("/signin"));

    let parent = app.signed_in(&world.person("parent")).await;
    let unticked = app.post_form(&parent, &link, &[]).await;
    assert_eq!(unticked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app.post_form(&parent, &link, &[("agree", "1")]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "nina").as_deref(), Some("active"));
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<h3>Nina</h3>"));
    assert!(
        page.contains("<h3>Maya</h3>"),
        "and still their other children"
    );
}

#[tokio::test]
async fn a_parent_who_declines_deletes_the_waiting_account() {
    let (app, _) = spawn_world().await;
    child_signs_up(&app, "nina", 9, "rosa@example.org").await;
    let link = path_in_mail(&app, "rosa@example.org", "/consent/");
    let anyone = app.client();
    let unticked = app
        .post_form(&anyone, &format!("{link}/decline"), &[])
        .await;
    assert_eq!(unticked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(status_of(&app, "nina").is_some(), "nothing deleted yet");
    let declined = app
        .post_form(&anyone, &format!("{link}/decline"), &[("understood", "1")])
        .await;
    assert_eq!(declined.status(), StatusCode::OK);
    assert!(declined.text().await.unwrap().contains("is deleted"));
    assert_eq!(status_of(&app, "nina"), None);
    assert_eq!(
        app.get(&anyone, &link).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn reminders_come_on_days_3_and_7_and_the_account_goes_after_10() {
    let (app, _) = spawn_world().await;
    let child = child_signs_up(&app, "nina", 9, "rosa@example.org").await;
    let first = path_in_mail(&app, "rosa@example.org", "/consent/");
    let base = app.address.clone();
    let sweep_at = |days: i64| {
        let mut conn = app.db.get().unwrap();
        consent::sweep(
            &mut conn,
            &base,
            Utc::now().naive_utc() + Duration::days(days),
        )
        .unwrap()
    };
    assert_eq!(sweep_at(1), consent::Swept::default());
    assert_eq!(sweep_at(3).reminded, 1);
    assert_eq!(
        sweep_at(4),
        consent::Swept::default(),
        "one reminder a day reached"
    );
    assert_eq!(sweep_at(7).reminded, 1);
    assert_eq!(
        mails_of_kind(&app, "rosa@example.org", "family.consent_reminder"),
        2
    );
    // The first link still works beside the reminder's.
    assert_eq!(
        app.get(&app.client(), &first).await.status(),
        StatusCode::OK
    );

    // The child may send it again, a few times, to a corrected address.
    let resent = app
        .post_form(
            &child,
            "/c/riverton/me/consent",
            &[("parent_email", "rosa.m@example.org")],
        )
        .await;
    assert_eq!(resent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        mails_of_kind(&app, "rosa.m@example.org", "family.consent_request"),
        1
    );
    for _ in 0..3 {
        app.post_form(&child, "/c/riverton/me/consent", &[]).await;
    }
    let too_many = app.post_form(&child, "/c/riverton/me/consent", &[]).await;
    assert_eq!(too_many.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        mails_of_kind(&app, "rosa.m@example.org", "family.consent_request"),
        4,
        "five messages in all, then no more"
    );

    assert_eq!(sweep_at(10).expired, 1);
    assert_eq!(status_of(&app, "nina"), None);
    let mut conn = app.db.get().unwrap();
    let left: i64 = consent_requests::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_demo_parent_confirms_the_waiting_child_from_their_page() {
    let (app, world) = spawn_world().await;
    lanyard::demo::seed_consent(&app.db, &app.address).unwrap();
    let (kind, _, _, _) = last_mail_to(&app, "parent@riverton.example");
    assert_eq!(kind, "family.consent_request");
    let parent = app.signed_in(&world.person("parent")).await;
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("/me/children/leo/consent"));
    let opened = app
        .post_form(&parent, "/c/riverton/me/children/leo/consent", &[])
        .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let link = location(&opened);
    assert!(link.starts_with("/consent/"));
    let ok = app.post_form(&parent, &link, &[("agree", "1")]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "leo").as_deref(), Some("active"));
    // Another parent cannot open it (and a child not waiting has nothing to open).
    let other = app.signed_in(&world.person("youth")).await;
    let refused = app
        .post_form(&other, "/c/riverton/me/children/leo/consent", &[])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let done = app
        .post_form(&parent, "/c/riverton/me/children/leo/consent", &[])
        .await;
    assert_eq!(done.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_teen_shows_a_code_that_links_one_parent_once() {
    let (app, world) = spawn_world().await;
    // A teen of 15 with no parent linked yet.
    let sam = child_signs_up(&app, "sam-teen", 15, "").await;
    let made = app.post_form(&sam, "/c/riverton/me/link-code", &[]).await;
    assert_eq!(made.status(), StatusCode::OK);
    assert_eq!(
        made.headers()["cache-control"].to_str().unwrap(),
        "no-store"
    );
    let html = made.text().await.unwrap();
    let code = crate::invitations::text_of(&html, "#link-code");
    assert_eq!(code.len(), 9, "{code}");

    let parent = app.signed_in(&world.person("parent")).await;
    let wrong = app
        .post_form(&parent, "/c/riverton/me/children", &[("code", "AAAA-AAAA")])
        .await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    let headers = format!("{:?}", wrong.headers());
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("That code doesn"), "{headers}");
    assert!(!page.contains("<h3>Sam</h3>"));
    // Typed in lower case with a space: still the code.
    let typed = code.to_lowercase().replace('-', " ");
    let linked = app
        .post_form(&parent, "/c/riverton/me/children", &[("code", &typed)])
        .await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("You now follow Sam"));
    assert!(page.contains("<h3>Sam</h3>"));

    // Used once: a second parent gets nothing.
    let second = parent_signs_up(&app, "kim", "kim@example.org").await;
    app.post_form(&second, "/c/riverton/me/children", &[("code", &code)])
        .await;
    let page = app
        .get(&second, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("That code doesn"));
    assert!(!page.contains("<h3>Sam</h3>"));

    // A youth cannot type codes, and a child under 13 cannot make one (a parent consents).
    let maya = app.signed_in(&world.person("youth")).await;
    let youth_types = app
        .post_form(&maya, "/c/riverton/me/children", &[("code", &code)])
        .await;
    assert_eq!(youth_types.status(), StatusCode::FORBIDDEN);
    let child = child_signs_up(&app, "nina", 9, "rosa@example.org").await;
    let under_13 = app.post_form(&child, "/c/riverton/me/link-code", &[]).await;
    assert_eq!(under_13.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_link_codes_are_limited_per_parent() {
    let (app, world) = spawn_world().await;
    let parent = app.signed_in(&world.person("parent")).await;
    for _ in 0..lanyard::auth::throttle::LINK_CODE_FAILURES_PER_ACCOUNT {
        let r = app
            .post_form(&parent, "/c/riverton/me/children", &[("code", "ZZZZ-ZZZZ")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let limited = app
        .post_form(&parent, "/c/riverton/me/children", &[("code", "ZZZZ-ZZZZ")])
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_parent_sees_and_acts_only_for_their_own_children() {
    let (app, world) = spawn_world().await;
    let stranger = parent_signs_up(&app, "kim", "kim@example.org").await;
    let page = app
        .get(&stranger, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Maya"));
    assert!(
        page.contains("id=\"link-child-form\""),
        "but can link a child"
    );
    for path in [
        "/c/riverton/me/children/maya/password",
        "/c/riverton/me/children/leo/name",
        "/c/riverton/me/children/leo/consent",
    ] {
        let refused = app
            .post_form(
                &stranger,
                path,
                &[("password", "a long new password"), ("show", "1")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // The real parent sets a new password for Maya, who has no e-mail; she signs in with it.
    let parent = app.signed_in(&world.person("parent")).await;
    let set = app
        .post_form(
            &parent,
            "/c/riverton/me/children/maya/password",
            &[("password", "maya's brand new password")],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    app.signed_in(&Person {
        username: "maya".into(),
        password: "maya's brand new password".into(),
    })
    .await;
    let short = app
        .post_form(
            &parent,
            "/c/riverton/me/children/maya/password",
            &[("password", "short")],
        )
        .await;
    assert_eq!(short.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&parent, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("at least 10 characters"));
}
