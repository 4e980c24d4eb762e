//! The custody handoff at 13, on the app's clock moved forward (never by sleeping): before 13
//! nothing is offered and a forged request is refused; at 13 the youth asks, a guardian
//! consents (or declines), and the badges are re-issued to the youth's own identifier while
//! the guardian-era copies are revoked with a reason that says so. Also the staff's temporary
//! password for a youth without e-mail.

use diesel::prelude::*;
use lanyard::db::schema::{
    account_tokens, audit_events, awards, custody_handoffs, parent_links, users,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_sign_in_redirect, location, spawn_world, Person, TestApp, World};
use crate::invitations::text_of;

const LEO_PASSWORD: &str = "leo's password, set by his parent";
const LEO_OWN: &str = "a password only leo knows";

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

async fn signs_in(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.post_form(
        &app.client(),
        "/signin",
        &[
            ("username", username),
            ("password", password),
            ("next", "/"),
        ],
    )
    .await
}

/// The parent sets Leo's password to [`LEO_PASSWORD`].
async fn parent_sets_leo_password(app: &TestApp, parent: &Client) {
    let set = app
        .post_form(
            parent,
            "/c/riverton/me/children/leo/password",
            &[("password", LEO_PASSWORD)],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
}

/// Leo's client, signed in with `password`.
async fn leo_signed_in(app: &TestApp, password: &str) -> Client {
    app.signed_in(&Person {
        username: "leo".into(),
        password: password.into(),
    })
    .await
}

/// Leo (11) confirmed by the demo parent, who sets his password; the parent's client, Leo's.
pub async fn leo_in_custody(app: &TestApp, world: &World) -> (Client, Client) {
    lanyard::demo::seed_consent(&app.db, &app.address).unwrap();
    let parent = app.signed_in(&world.person("parent")).await;
    let opened = app
        .post_form(&parent, "/c/riverton/me/children/leo/consent", &[])
        .await;
    let agreed = app
        .post_form(&parent, &location(&opened), &[("agree", "1")])
        .await;
    assert_eq!(agreed.status(), StatusCode::SEE_OTHER);
    parent_sets_leo_password(app, &parent).await;
    let leo = leo_signed_in(app, LEO_PASSWORD).await;
    (parent, leo)
}

/// Leo earns Comic Creator (library) and Star Gazer (museum), which complete the city's
/// pathway; each credential is signed. The awards as the API answered them.
async fn leo_earns(app: &TestApp, world: &World) -> Vec<Value> {
    let mut made = Vec::new();
    for (org, badge) in [
        ("library", "comic-creator"),
        ("science-museum", "star-gazer"),
    ] {
        let award = app
            .award_through_api(&world.token_of(org), org, badge, "leo")
            .await;
        app.credential_at(award["credential_url"].as_str().unwrap())
            .await;
        made.push(award);
    }
    made
}

/// One of Leo's awards: (public id, badge id, revoked, reason, recipient identifier).
type LeoAward = (String, i64, bool, Option<String>, Option<String>);

fn awards_of_leo(app: &TestApp) -> Vec<LeoAward> {
    let mut conn = app.db.get().unwrap();
    awards::table
        .inner_join(users::table)
        .filter(users::username.eq("leo"))
        .order(awards::id)
        .select((
            awards::public_id,
            awards::badge_id,
            awards::revoked_at.is_not_null(),
            awards::revocation_reason,
            awards::recipient_identifier,
        ))
        .load(&mut conn)
        .unwrap()
}

fn outcome_of_request(app: &TestApp) -> Vec<String> {
    let mut conn = app.db.get().unwrap();
    custody_handoffs::table
        .inner_join(users::table.on(users::id.eq(custody_handoffs::youth_id)))
        .filter(users::username.eq("leo"))
        .order(custody_handoffs::id)
        .select(custody_handoffs::outcome)
        .load(&mut conn)
        .unwrap()
}

/// How many youth hold each of these badges (what badge pages and counts show).
fn earners(app: &TestApp, of: &[LeoAward]) -> Vec<i64> {
    let mut conn = app.db.get().unwrap();
    of.iter()
        .map(|(_, badge, ..)| {
            lanyard::badges::store::earner_count(&mut conn, lanyard::ids::BadgeId(*badge)).unwrap()
        })
        .collect()
}

async fn verdict(app: &TestApp, url: &str) -> String {
    let report: Value = app
        .client()
        .post(app.url("/api/v1/verify"))
        .json(&serde_json::json!({ "url": url }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    report["verdict"].as_str().unwrap_or_default().to_string()
}

fn credential_url(app: &TestApp, public_id: &str) -> String {
    app.url(&format!("/c/riverton/awards/{public_id}"))
}

async fn leo_asks(app: &TestApp, leo: &Client, follow: bool) -> reqwest::Response {
    let mut form = vec![("password", LEO_OWN), ("email", "leo@example.org")];
    if follow {
        form.push(("follow", "1"));
    }
    app.post_form(leo, "/c/riverton/me/handoff", &form).await
}

#[tokio::test]
async fn before_13_nothing_is_offered_and_a_forged_request_is_refused() {
    let (app, world) = spawn_world().await;
    let (parent, leo) = leo_in_custody(&app, &world).await;
    let me = page(&app, &leo, "/c/riverton/me").await;
    assert!(!me.contains("id=\"handoff\""), "nothing offered at 11");

    let form = app.get(&leo, "/c/riverton/me/handoff").await;
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    assert!(form.text().await.unwrap().contains("13th birthday"));
    let forged = leo_asks(&app, &leo, true).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("13th birthday"));
    assert!(outcome_of_request(&app).is_empty(), "nothing recorded");

    // Nothing for the parent to consent to either.
    let consent = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/handoff",
            &[("decision", "consent"), ("understood", "1")],
        )
        .await;
    assert_eq!(consent.status(), StatusCode::NOT_FOUND);

    // A teen who signed up at 13 or over has nothing to take over.
    let maya = app.signed_in(&world.person("youth")).await;
    let theirs = app.get(&maya, "/c/riverton/me/handoff").await;
    assert_eq!(theirs.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&theirs), "/c/riverton/me");
}

#[tokio::test]
async fn at_13_the_youth_asks_the_parent_consents_and_the_badges_are_reissued_to_the_youth() {
    let (app, world) = spawn_world().await;
    let (parent, leo) = leo_in_custody(&app, &world).await;
    let earned = leo_earns(&app, &world).await;
    let before = awards_of_leo(&app);
    assert_eq!(before.len(), 3, "two badges and the pathway they complete");
    let old_credentials: Vec<Value> = {
        let mut all = Vec::new();
        for (id, ..) in &before {
            all.push(app.credential_at(&credential_url(&app, id)).await);
        }
        all
    };

    let earners_before = earners(&app, &before);
    let moved = app.move_clock(3 * 365).await;
    assert!(moved["today"].is_string());
    let me = page(&app, &leo, "/c/riverton/me").await;
    assert!(me.contains("id=\"handoff-start\""), "offered at 14");
    let form = page(&app, &leo, "/c/riverton/me/handoff").await;
    assert!(form.contains("id=\"handoff-form\""));

    // Bad input: said on the page, nothing recorded.
    let short = app
        .post_form(&leo, "/c/riverton/me/handoff", &[("password", "short")])
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad_email = app
        .post_form(
            &leo,
            "/c/riverton/me/handoff",
            &[("password", LEO_OWN), ("email", "not-an-address")],
        )
        .await;
    assert_eq!(bad_email.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let taken = app
        .post_form(
            &leo,
            "/c/riverton/me/handoff",
            &[("password", LEO_OWN), ("email", "parent@riverton.example")],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("Another account uses"));
    assert!(outcome_of_request(&app).is_empty());

    let asked = leo_asks(&app, &leo, true).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&asked), "/c/riverton/me#handoff");
    let me = page(&app, &leo, "/c/riverton/me").await;
    let waiting = text_of(&me, "#handoff-waiting");
    assert!(
        waiting.contains("You asked on") && waiting.chars().any(|c| c.is_ascii_digit()),
        "{waiting}"
    );
    let again = leo_asks(&app, &leo, true).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(outcome_of_request(&app), vec!["pending"]);
    let (kind, subject, text, _) =
        crate::invitations::last_mail_to(&app, "parent@riverton.example");
    assert_eq!(kind, "family.handoff_asked");
    assert!(subject.contains("Leo"), "{subject}");
    assert!(text.contains("/c/riverton/me#children"), "{text}");
    // Until the parent agrees, nothing changed.
    assert_eq!(awards_of_leo(&app).len(), 3);

    let theirs = page(&app, &parent, "/c/riverton/me").await;
    assert!(text_of(&theirs, "#handoff-leo").contains("Leo asks to take over their account"));
    let unticked = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/handoff",
            &[("decision", "consent")],
        )
        .await;
    assert_eq!(unticked.status(), StatusCode::SEE_OTHER);
    assert_eq!(outcome_of_request(&app), vec!["pending"]);
    let consented = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/handoff",
            &[("decision", "consent"), ("understood", "1")],
        )
        .await;
    assert_eq!(consented.status(), StatusCode::SEE_OTHER);
    assert_eq!(outcome_of_request(&app), vec!["completed"]);

    // The guardian-era copies are revoked, saying why; each has a new copy of its badge.
    let after = awards_of_leo(&app);
    assert_eq!(after.len(), 6);
    for (old, (id, badge, revoked, reason, old_identifier)) in before.iter().enumerate() {
        let (_, _, now_revoked, now_reason, _) = after.iter().find(|a| &a.0 == id).unwrap().clone();
        assert!(!revoked && now_revoked, "{id} is revoked");
        assert_eq!(
            now_reason.as_deref(),
            Some("Re-issued to the learner at 13; this copy was held by their guardian.")
        );
        assert!(reason.is_none());
        let new = after
            .iter()
            .find(|a| a.1 == *badge && !a.2)
            .unwrap_or_else(|| panic!("badge {badge} re-issued"));
        assert_ne!(
            &new.4, old_identifier,
            "a new identifier of the youth's own"
        );
        let credential = app.credential_at(&credential_url(&app, &new.0)).await;
        let (was, is) = (
            &old_credentials[old]["credentialSubject"]["identifier"][0]["identityHash"],
            &credential["credentialSubject"]["identifier"][0]["identityHash"],
        );
        assert_ne!(was, is, "the new credential names another recipient");
        assert_eq!(
            credential["validFrom"], old_credentials[old]["validFrom"],
            "earned the same day"
        );
        assert_eq!(verdict(&app, &credential_url(&app, &new.0)).await, "valid");
        assert_ne!(verdict(&app, &credential_url(&app, id)).await, "valid");
        // Both pages say so.
        let old_page = page(&app, &app.client(), &format!("/c/riverton/awards/{id}")).await;
        assert!(old_page.contains("Re-issued to the learner at 13"));
        let new_page = page(
            &app,
            &app.client(),
            &format!("/c/riverton/awards/{}", new.0),
        )
        .await;
        assert!(!new_page.contains("Re-issued to the learner at 13"));
    }
    // The pathway's new evidence names the new copies of its badges.
    let pathway = after.iter().find(|a| a.1 == before[2].1 && !a.2).unwrap();
    let credential = app.credential_at(&credential_url(&app, &pathway.0)).await;
    let evidence = credential["evidence"].to_string();
    assert!(
        !evidence.contains(earned[0]["id"].as_str().unwrap()),
        "{evidence}"
    );

    // Each badge counts once: as many hold it as before.
    assert_eq!(earners(&app, &before), earners_before);

    // The handoff is on record with both parties, by id only.
    let (detail, target): (String, String) = {
        let mut conn = app.db.get().unwrap();
        audit_events::table
            .filter(audit_events::action.eq("family.handed_over"))
            .select((audit_events::detail, audit_events::target))
            .first(&mut conn)
            .unwrap()
    };
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert!(
        detail["youth"].is_i64() && detail["guardian"].is_i64(),
        "{detail}"
    );
    assert_eq!(detail["reissued"].as_array().unwrap().len(), 3);
    assert!(!detail.to_string().contains("leo") && !target.contains("leo"));

    // Leo was signed out; only his own password signs him in now, at the address he gave.
    assert_sign_in_redirect(&app.get(&leo, "/c/riverton/me").await);
    assert_eq!(
        signs_in(&app, "leo", LEO_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let leo = leo_signed_in(&app, LEO_OWN).await;
    let (kind, ..) = crate::invitations::last_mail_to(&app, "leo@example.org");
    assert_eq!(kind, "accounts.verify_email");
    let me = page(&app, &leo, "/c/riverton/me").await;
    assert!(me.contains("id=\"handoff-done\""));
    assert_eq!(
        scraper::Html::parse_document(&me)
            .select(&scraper::Selector::parse("#my-badges > li").unwrap())
            .count(),
        3,
        "each badge shows once"
    );

    // The parent follows (Leo agreed) but manages nothing any more.
    let theirs = page(&app, &parent, "/c/riverton/me").await;
    assert!(theirs.contains("child-handed-over"));
    assert!(!theirs.contains("/me/children/leo/password"));
    let reset = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/password",
            &[("password", "the parent's try at it")],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::NOT_FOUND);
    let again = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/handoff",
            &[("decision", "consent"), ("understood", "1")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    // And there is nothing left to take over.
    let form = app.get(&leo, "/c/riverton/me/handoff").await;
    assert_eq!(form.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_parent_who_declines_keeps_custody_and_the_youth_may_ask_again() {
    let (app, world) = spawn_world().await;
    let (parent, leo) = leo_in_custody(&app, &world).await;
    leo_earns(&app, &world).await;
    app.move_clock(3 * 365).await;
    assert_eq!(
        leo_asks(&app, &leo, false).await.status(),
        StatusCode::SEE_OTHER
    );
    let declined = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/handoff",
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    assert_eq!(outcome_of_request(&app), vec!["declined"]);
    assert!(awards_of_leo(&app).iter().all(|a| !a.2), "nothing revoked");
    let me = page(&app, &leo, "/c/riverton/me").await;
    assert!(me.contains("id=\"handoff-declined\"") && me.contains("id=\"handoff-start\""));
    // The parent still manages the account.
    parent_sets_leo_password(&app, &parent).await;

    // Asked again without letting the parent follow: once consented, the parent is unlinked.
    let leo = leo_signed_in(&app, LEO_PASSWORD).await;
    assert_eq!(
        leo_asks(&app, &leo, false).await.status(),
        StatusCode::SEE_OTHER
    );
    let consented = app
        .post_form(
            &parent,
            "/c/riverton/me/children/leo/handoff",
            &[("decision", "consent"), ("understood", "1")],
        )
        .await;
    assert_eq!(consented.status(), StatusCode::SEE_OTHER);
    assert_eq!(outcome_of_request(&app), vec!["declined", "completed"]);
    let links: i64 = {
        let mut conn = app.db.get().unwrap();
        parent_links::table
            .inner_join(users::table.on(users::id.eq(parent_links::youth_id)))
            .filter(users::username.eq("leo"))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(links, 0);
    let theirs = page(&app, &parent, "/c/riverton/me").await;
    assert!(!theirs.contains("<h3>Leo</h3>"));
}

#[tokio::test]
async fn only_the_childs_own_parent_decides_a_handoff() {
    let (app, world) = spawn_world().await;
    let (_, leo) = leo_in_custody(&app, &world).await;
    app.move_clock(3 * 365).await;
    assert_eq!(
        leo_asks(&app, &leo, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let stranger = crate::family::parent_signs_up(&app, "kim", "kim@example.org").await;
    let maya = app.signed_in(&world.person("youth")).await;
    let other_city = app.signed_in(&world.other_youth).await;
    for client in [&stranger, &maya, &other_city] {
        for decision in ["consent", "decline", ""] {
            let refused = app
                .post_form(
                    client,
                    "/c/riverton/me/children/leo/handoff",
                    &[("decision", decision), ("understood", "1")],
                )
                .await;
            assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        }
    }
    assert_eq!(outcome_of_request(&app), vec!["pending"]);
}

#[tokio::test]
async fn the_clock_moves_only_when_the_settings_allow_it() {
    let mut settings = crate::helpers::test_settings();
    settings.testing.clock = false;
    let app = crate::helpers::spawn_app_with(settings).await;
    let refused = app
        .client()
        .post(app.url("/__test/clock"))
        .json(&serde_json::json!({ "days": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let app = crate::helpers::spawn_app().await;
    let backwards = app
        .client()
        .post(app.url("/__test/clock"))
        .json(&serde_json::json!({ "days": -1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(backwards.status(), StatusCode::BAD_REQUEST);
}

/// The temporary password on the page staff see once.
fn temporary_of(html: &str) -> String {
    text_of(html, "#temporary-code").trim().to_string()
}

#[tokio::test]
async fn staff_of_the_youths_organization_give_a_temporary_password_that_must_be_changed() {
    let (app, world) = spawn_world().await;
    let maya = world.person("youth");
    app.award_through_api(
        &world.token_of("library"),
        "library",
        "reading-explorer",
        "maya",
    )
    .await;
    let maya_client = app.signed_in(&maya).await;
    let librarian = app.signed_in(&world.person("org_admin")).await;
    let issued = page(&app, &librarian, "/c/riverton/orgs/library/awards").await;
    assert!(issued.contains("/c/riverton/orgs/library/youth/maya/password"));
    let path = "/c/riverton/orgs/library/youth/maya/password";
    let form = page(&app, &librarian, path).await;
    assert!(form.contains("id=\"staff-reset-form\""));

    let set = app.post_form(&librarian, path, &[]).await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(
        set.headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap(),
        "no-store"
    );
    let temporary = temporary_of(&set.text().await.unwrap());
    assert_eq!(temporary.len(), 14, "{temporary}");

    // Every session of hers ended, and her old password no longer works.
    assert_sign_in_redirect(&app.get(&maya_client, "/c/riverton/me").await);
    assert_eq!(
        signs_in(&app, "maya", &maya.password).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The temporary password opens no session: it leads to choosing her own.
    let client = app.client();
    let detour = app
        .post_form(
            &client,
            "/signin",
            &[
                ("username", "maya"),
                ("password", &temporary),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(detour.status(), StatusCode::SEE_OTHER);
    let reset = location(&detour);
    assert!(reset.starts_with("/reset/"), "{reset}");
    assert_sign_in_redirect(&app.get(&client, "/c/riverton/me").await);
    let chosen = app
        .post_form(
            &client,
            &reset,
            &[("password", "maya's brand new password")],
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        signs_in(&app, "maya", &temporary).await.status(),
        StatusCode::UNAUTHORIZED,
        "the temporary password is spent"
    );
    app.signed_in(&Person {
        username: "maya".into(),
        password: "maya's brand new password".into(),
    })
    .await;

    // On record, by whom.
    let mut conn = app.db.get().unwrap();
    let by: Vec<String> = audit_events::table
        .filter(audit_events::action.eq("password.reset"))
        .filter(audit_events::target.eq("maya"))
        .order(audit_events::id)
        .select(audit_events::detail)
        .load(&mut conn)
        .unwrap();
    assert!(by[0].contains("staff"), "{by:?}");
    drop(conn);

    // An expired temporary password sends her back to ask again.
    let again = app.post_form(&librarian, path, &[]).await;
    let temporary = temporary_of(&again.text().await.unwrap());
    {
        let mut conn = app.db.get().unwrap();
        diesel::update(
            account_tokens::table.filter(account_tokens::purpose.eq("temporary_password")),
        )
        .set(
            account_tokens::expires_at
                .eq(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)),
        )
        .execute(&mut conn)
        .unwrap();
    }
    let expired = signs_in(&app, "maya", &temporary).await;
    assert_eq!(expired.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&expired), "/signin");
}

#[tokio::test]
async fn a_temporary_password_is_refused_to_other_organizations_and_to_youth_with_an_email() {
    let (app, world) = spawn_world().await;
    app.award_through_api(
        &world.token_of("library"),
        "library",
        "reading-explorer",
        "maya",
    )
    .await;
    let path = "/c/riverton/orgs/library/youth/maya/password";
    // The museum's staff: not staff of the library, and Maya never earned from or sent work
    // to the museum.
    let curator = app.signed_in(&world.curator()).await;
    assert_eq!(
        app.get(&curator, path).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form(&curator, path, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let leo_path = "/c/riverton/orgs/library/youth/leo/password";
    let librarian = app.signed_in(&world.person("org_admin")).await;
    assert_eq!(
        app.get(&librarian, leo_path).await.status(),
        StatusCode::NOT_FOUND,
        "a youth the library never worked with"
    );
    assert_eq!(
        app.get(
            &librarian,
            "/c/riverton/orgs/library/youth/curator/password"
        )
        .await
        .status(),
        StatusCode::NOT_FOUND,
        "staff are no youth"
    );
    let other_city = app.signed_in(&world.other_admin).await;
    assert_eq!(
        app.get(&other_city, path).await.status(),
        StatusCode::NOT_FOUND
    );
    let youth = app.signed_in(&world.person("youth")).await;
    assert_ne!(app.get(&youth, path).await.status(), StatusCode::OK);

    // A youth with an e-mail of her own is pointed to the e-mail reset; nothing changes.
    {
        let mut conn = app.db.get().unwrap();
        diesel::update(users::table.filter(users::username.eq("maya")))
            .set(users::email.eq("maya@example.org"))
            .execute(&mut conn)
            .unwrap();
    }
    let pointed = app.post_form(&librarian, path, &[]).await;
    assert_eq!(pointed.status(), StatusCode::CONFLICT);
    let html = pointed.text().await.unwrap();
    assert!(html.contains("href=\"/forgot\""));
    assert!(temporary_of(&html).is_empty());
    app.signed_in(&world.person("youth")).await;
}

#[tokio::test]
async fn a_youth_asking_again_and_again_is_stopped_for_the_day() {
    let (app, world) = spawn_world().await;
    let (_, leo) = leo_in_custody(&app, &world).await;
    app.move_clock(3 * 365).await;
    for _ in 0..lanyard::auth::throttle::HANDOFF_REQUESTS_PER_ACCOUNT {
        let refused = app
            .post_form(&leo, "/c/riverton/me/handoff", &[("password", "short")])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let stopped = leo_asks(&app, &leo, true).await;
    assert_eq!(stopped.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(outcome_of_request(&app).is_empty());
}
