use reqwest::StatusCode;

use crate::helpers::{location, spawn_app};

#[tokio::test]
async fn a_new_instance_sends_the_first_visitor_to_setup() {
    let app = spawn_app().await;
    assert!(app.setup_code.is_some());
    let response = app.get(&app.client(), "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/setup");
}

fn setup_fields(code: &str) -> Vec<(&str, &str)> {
    vec![
        ("setup_code", code),
        ("display_name", "Ada Operator"),
        ("username", "ada"),
        ("email", "ada@example.org"),
        ("password", "a long operator password"),
        ("city_name", "Harbor City"),
        ("city_slug", "harbor"),
    ]
}

#[tokio::test]
async fn setup_with_a_wrong_code_is_refused_and_creates_nothing() {
    let app = spawn_app().await;
    let client = app.client();
    let response = app
        .post_form(&client, "/setup", &setup_fields("WRON-GCOD-EXXX"))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("This is not the setup code the server printed."));
    assert!(
        html.contains("value=\"Harbor City\""),
        "what was typed is kept"
    );
    assert!(
        !html.contains("a long operator password"),
        "the password is not echoed"
    );
    assert_eq!(
        app.get(&client, "/c/harbor").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn setup_with_the_printed_code_creates_the_operator_and_the_first_city_once() {
    let app = spawn_app().await;
    let code = app.setup_code.clone().unwrap();
    let client = app.client();
    let response = app
        .post_form(&client, "/setup", &setup_fields(&code.to_lowercase()))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/c/harbor/dashboard");
    let dashboard = app.get(&client, "/c/harbor/dashboard").await;
    assert_eq!(dashboard.status(), StatusCode::OK);

    // Once set up, the setup page is gone, even with the right code.
    let stranger = app.client();
    let again = app
        .post_form(&stranger, "/setup", &setup_fields(&code))
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), "/");
    assert_eq!(
        app.get(&stranger, "/setup").await.status(),
        StatusCode::SEE_OTHER
    );
    let home = app.get(&stranger, "/").await.text().await.unwrap();
    assert!(home.contains("Harbor City"));
}

#[tokio::test]
async fn setup_with_bad_values_says_what_to_fix_next_to_each_field() {
    let app = spawn_app().await;
    let code = app.setup_code.clone().unwrap();
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/setup",
            &[
                ("setup_code", &code),
                ("display_name", ""),
                ("username", "a b"),
                ("email", "not-an-email"),
                ("password", "short"),
                ("city_name", "Harbor"),
                ("city_slug", "Harbor City!"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for id in [
        "e-display_name",
        "e-username",
        "e-email",
        "e-password",
        "e-city_slug",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} is explained");
    }
    assert!(!html.contains("id=\"e-city_name\""));
    assert_eq!(
        app.get(&client, "/").await.status(),
        StatusCode::SEE_OTHER,
        "still not set up"
    );
}
