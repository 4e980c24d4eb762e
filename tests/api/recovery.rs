//! Account recovery: a password reset through a single-use, expiring link that signs out every
//! other session; the same answer whether or not an account exists; e-mail verification.

use diesel::prelude::*;
use lanyard::db::schema::{account_tokens, outbox, users};
use reqwest::StatusCode;

use crate::family::{parent_signs_up, path_in_mail};
use crate::helpers::{location, spawn_world, Person, TestApp};
use crate::invitations::last_mail_to;

fn mails_to(app: &TestApp, to: &str) -> i64 {
    let mut conn = app.db.get().unwrap();
    outbox::table
        .filter(outbox::to_address.eq(to))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_and_every_other_session_ends() {
    let (app, world) = spawn_world().await;
    let librarian = world.person("org_admin");
    let elsewhere = app.signed_in(&librarian).await;
    assert_eq!(
        app.get(&elsewhere, "/me").await.status(),
        StatusCode::SEE_OTHER
    );
    let signin = app
        .get(&app.client(), "/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(signin.contains("href=\"/forgot\""));

    let visitor = app.client();
    let asked = app
        .post_form(&visitor, "/forgot", &[("login", &librarian.username)])
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let answer = asked.text().await.unwrap();
    assert!(answer.contains("id=\"forgot-sent\""));
    let email = format!("{}@riverton.example", librarian.username);
    let (kind, _, _, _) = last_mail_to(&app, &email);
    assert_eq!(kind, "accounts.reset_password");
    let link = path_in_mail(&app, &email, "/reset/");

    // Nobody learns whether an account exists: the same answer, and no mail.
    let before = {
        let mut conn = app.db.get().unwrap();
        outbox::table.count().get_result::<i64>(&mut conn).unwrap()
    };
    let unknown = app
        .post_form(&visitor, "/forgot", &[("login", "nobody-at-all")])
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
    assert!(unknown.text().await.unwrap().contains("id=\"forgot-sent\""));
    let after = {
        let mut conn = app.db.get().unwrap();
        outbox::table.count().get_result::<i64>(&mut conn).unwrap()
    };
    assert_eq!(before, after);

    let form = app.get(&visitor, &link).await;
    assert_eq!(form.status(), StatusCode::OK);
    let short = app
        .post_form(&visitor, &link, &[("password", "short")])
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short
        .text()
        .await
        .unwrap()
        .contains("at least 10 characters"));
    let reset = app
        .post_form(&visitor, &link, &[("password", "a brand new password")])
        .await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&reset), "/me");
    // This browser is signed in; the other one is signed out; the old password is gone.
    assert_eq!(
        app.get(&visitor, "/me").await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(location(&app.get(&visitor, "/me").await).starts_with("/c/"));
    assert!(location(&app.get(&elsewhere, "/me").await).starts_with("/signin"));
    let old = app
        .post_form(
            &app.client(),
            "/signin",
            &[
                ("username", &librarian.username),
                ("password", &librarian.password),
            ],
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    app.signed_in(&Person {
        username: librarian.username.clone(),
        password: "a brand new password".into(),
    })
    .await;
    // Single use.
    let again = app
        .post_form(
            &app.client(),
            &link,
            &[("password", "another new password")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::GONE);
    let guessed = app
        .get(
            &app.client(),
            "/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .await;
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_expired_reset_link_says_so_and_changes_nothing() {
    let (app, world) = spawn_world().await;
    let librarian = world.person("org_admin");
    let email = format!("{}@riverton.example", librarian.username);
    app.post_form(&app.client(), "/forgot", &[("login", &email)])
        .await;
    let link = path_in_mail(&app, &email, "/reset/");
    {
        // The clock set forward: the link's hour is over.
        let mut conn = app.db.get().unwrap();
        diesel::update(account_tokens::table)
            .set(
                account_tokens::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
            )
            .execute(&mut conn)
            .unwrap();
    }
    let late = app
        .post_form(
            &app.client(),
            &link,
            &[("password", "a brand new password")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert!(late.text().await.unwrap().contains("expired"));
    app.signed_in(&librarian).await;
}

#[tokio::test]
async fn reset_requests_are_limited_per_account() {
    let (app, world) = spawn_world().await;
    let librarian = world.person("org_admin");
    let email = format!("{}@riverton.example", librarian.username);
    for _ in 0..lanyard::auth::throttle::RECOVERY_MAILS_PER_ACCOUNT {
        let r = app
            .post_form(&app.client(), "/forgot", &[("login", &librarian.username)])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let limited = app
        .post_form(&app.client(), "/forgot", &[("login", &librarian.username)])
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        mails_to(&app, &email),
        i64::from(lanyard::auth::throttle::RECOVERY_MAILS_PER_ACCOUNT)
    );
}

#[tokio::test]
async fn a_new_address_is_verified_through_its_link_once() {
    let (app, _) = spawn_world().await;
    let client = parent_signs_up(&app, "kim", "kim@example.org").await;
    let me = app
        .get(&client, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("is not confirmed yet"));
    let (kind, _, _, _) = last_mail_to(&app, "kim@example.org");
    assert_eq!(kind, "accounts.verify_email");
    let link = path_in_mail(&app, "kim@example.org", "/verify-email/");
    // Opening the link changes nothing (mail scanners open links); the button does.
    assert_eq!(app.get(&client, &link).await.status(), StatusCode::OK);
    let verified_at = |app: &TestApp| {
        let mut conn = app.db.get().unwrap();
        users::table
            .filter(users::username.eq("kim"))
            .select(users::email_verified_at)
            .first::<Option<chrono::NaiveDateTime>>(&mut conn)
            .unwrap()
    };
    assert!(verified_at(&app).is_none());
    let confirmed = app.post_form(&client, &link, &[]).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert!(verified_at(&app).is_some());
    let me = app
        .get(&client, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("is confirmed"));
    assert_eq!(
        app.post_form(&client, &link, &[]).await.status(),
        StatusCode::GONE
    );
    let nothing = app
        .post_form(&client, "/c/riverton/me/verify-email", &[])
        .await;
    assert_eq!(nothing.status(), StatusCode::SEE_OTHER);
}
