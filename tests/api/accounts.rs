use reqwest::StatusCode;

use crate::helpers::{location, spawn_world, Person};

#[tokio::test]
async fn a_teenager_signs_up_and_lands_on_their_page() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "youth"),
                ("display_name", "Rosa"),
                ("username", "Rosa_M"),
                ("email", ""),
                ("password", "rosa's long password"),
                ("birth_date", "2011-03-04"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/c/riverton/me");
    let me = app
        .get(&client, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("Hello, Rosa"));
    assert!(!me.contains("waiting for a parent"));
    // The name is stored lower-case and signing in again works.
    app.signed_in(&Person {
        username: "rosa_m".into(),
        password: "rosa's long password".into(),
    })
    .await;
}

#[tokio::test]
async fn a_child_under_13_is_told_a_parent_must_confirm_and_cannot_redeem() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let birth = (chrono::Utc::now().date_naive() - chrono::Duration::days(365 * 9)).to_string();
    let response = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "youth"),
                ("display_name", "Tim"),
                ("username", "tim"),
                ("password", "tim's long password"),
                ("birth_date", &birth),
                ("parent_email", "tims.parent@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let me = app
        .get(&client, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("waiting for a parent or guardian"));
    let claim = app
        .get(&client, "/c/riverton/claim")
        .await
        .text()
        .await
        .unwrap();
    assert!(claim.contains("must confirm your account"));
    assert!(!claim.contains("id=\"claim-form\""));
    let code = world.code_for("star-gazer", 0);
    let refused = app
        .post_form(&client, "/c/riverton/claim", &[("code", &code)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The code is still unused: an active youth can redeem it.
    let maya = app.signed_in(&world.person("youth")).await;
    let ok = app
        .post_form(&maya, "/c/riverton/claim", &[("code", &code)])
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_up_with_bad_input_keeps_what_was_typed_and_explains_each_field() {
    let (app, _) = spawn_world().await;
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "youth"),
                ("display_name", "<b>Kim</b>"),
                ("username", "maya"),
                ("password", "short"),
                ("birth_date", "1990-01-01"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("value=\"&#60;b&#62;Kim&#60;/b&#62;\""),
        "typed value kept, escaped"
    );
    assert!(html.contains("Use at least 10 characters."));
    assert!(html.contains("Youth accounts are for ages 5 to 24."));

    let taken = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "parent"),
                ("display_name", "Kim"),
                ("username", "maya"),
                ("email", "kim@example.org"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken
        .text()
        .await
        .unwrap()
        .contains("This username is taken."));

    let unknown_kind = app
        .post_form(
            &client,
            "/c/riverton/signup",
            &[
                ("kind", "wizard"),
                ("display_name", "Kim"),
                ("username", "kim2"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(unknown_kind.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_saying_which_part_was_wrong() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    for username in [world.person("youth").username.as_str(), "nobody-at-all"] {
        let response = app
            .post_form(
                &client,
                "/signin",
                &[("username", username), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let html = response.text().await.unwrap();
        assert!(html.contains("Wrong username or password."));
        assert!(html.contains(&format!("value=\"{username}\"")));
    }
}

#[tokio::test]
async fn sign_in_is_throttled_after_repeated_attempts() {
    let (app, world) = spawn_world().await;
    let client = app.client();
    let maya = world.person("youth");
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = app
            .post_form(
                &client,
                "/signin",
                &[
                    ("username", &maya.username),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        statuses.push(response.status());
    }
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now.
    let blocked = app
        .post_form(
            &client,
            "/signin",
            &[("username", &maya.username), ("password", &maya.password)],
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.headers().get("retry-after").is_some());
    assert!(blocked.text().await.unwrap().contains("Too many attempts"));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let (app, world) = spawn_world().await;
    let client = app.signed_in(&world.person("youth")).await;
    assert_eq!(
        app.get(&client, "/c/riverton/me").await.status(),
        StatusCode::OK
    );
    let out = app.post_form(&client, "/signout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = app.get(&client, "/c/riverton/me").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let (app, world) = spawn_world().await;
    let client = app.signed_in(&world.person("youth")).await;
    let code = world.code_for("rocket-scientist", 0);
    let response = client
        .post(app.url("/c/riverton/claim"))
        .form(&[("code", code.as_str()), ("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("This form has expired"));
    // Nothing was redeemed.
    let me = app
        .get(&client, "/c/riverton/me")
        .await
        .text()
        .await
        .unwrap();
    assert!(!me.contains("Rocket Scientist"));
}

#[tokio::test]
async fn sign_in_returns_to_the_page_that_asked_but_never_off_site() {
    let (app, world) = spawn_world().await;
    let maya = world.person("youth");
    let client = app.client();
    let asked = app.get(&client, "/c/riverton/claim").await;
    assert_eq!(location(&asked), "/signin?next=/c/riverton/claim");
    let response = app
        .post_form(
            &client,
            "/signin",
            &[
                ("username", &maya.username),
                ("password", &maya.password),
                ("next", "/c/riverton/claim"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/c/riverton/claim");
    let other = app.client();
    let response = app
        .post_form(
            &other,
            "/signin",
            &[
                ("username", &maya.username),
                ("password", &maya.password),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/me");
}

#[tokio::test]
async fn sessions_live_in_redis_when_it_is_configured() {
    let mut settings = crate::helpers::test_settings();
    settings.redis.url =
        std::env::var("LANYARD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    settings.redis.prefix = format!("lanyard-test-{}", uuid::Uuid::new_v4().simple());
    let prefix = settings.redis.prefix.clone();
    let redis_url = settings.redis.url.clone();
    let app = crate::helpers::spawn_app_with(settings).await;
    let demo = lanyard::demo::seed(&app.db).unwrap();
    let youth = demo.accounts.iter().find(|a| a.role == "youth").unwrap();
    let client = app
        .signed_in(&Person {
            username: youth.username.clone(),
            password: youth.password.clone(),
        })
        .await;
    assert_eq!(
        app.get(&client, "/c/riverton/me").await.status(),
        StatusCode::OK
    );
    let mut redis = redis::Client::open(redis_url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:session:*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "the session is in Redis");
    // Ending the session in Redis signs the user out.
    let _: () = redis::cmd("DEL")
        .arg(&keys[0])
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(
        app.get(&client, "/c/riverton/me").await.status(),
        StatusCode::SEE_OTHER
    );
}
