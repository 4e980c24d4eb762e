//! Redis killed while the app runs, and Redis absent or silent when it starts: every answer
//! stays prompt, visitors look signed out meanwhile, and Redis is used again soon after it is
//! back.

use std::time::Duration;

use lanyard::db::Db;
use reqwest::StatusCode;

use crate::support::{
    browser, eventually, password_of, promptly, App, Lanyard, RedisServer, SilentListener,
    TestDatabase,
};

/// How soon after Redis returns sign-in must work again.
const RECOVERY: Duration = Duration::from_secs(10);

async fn app_with_redis(redis_url: String) -> (App, lanyard::demo::DemoData, TestDatabase) {
    let database = TestDatabase::create();
    let db = Db::connect(&database.url, 4).expect("database");
    let demo = lanyard::demo::seed(&db).expect("demo seed");
    let mut settings = crate::support::settings();
    settings.redis.url = redis_url;
    let app = App::start(settings, db).await;
    (app, demo, database)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_visitor_is_answered_at_once_while_redis_is_dead_and_signs_in_soon_after_it_returns(
) {
    let mut redis = RedisServer::start();
    let port = redis.port;
    let (app, demo, _database) = app_with_redis(redis.url()).await;
    let password = password_of(&demo, "maya");
    let maya = browser();
    assert_eq!(
        app.sign_in(&maya, "maya", &password).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(&maya, "/c/riverton/me").await.status(),
        StatusCode::OK
    );

    redis.kill();

    // Signed out, at once: her session lived in Redis.
    let me = app.get(&maya, "/c/riverton/me").await;
    assert_eq!(me.status(), StatusCode::SEE_OTHER);
    assert!(
        crate::support::location(&me).starts_with("/signin"),
        "her page asks her to sign in"
    );
    let home = app.get(&maya, "/").await;
    assert_eq!(home.status(), StatusCode::OK, "public pages still answer");
    // Signing in cannot start a session now: a prompt 503 page, not a hang.
    let attempt = app.sign_in(&browser(), "maya", &password).await;
    assert_eq!(attempt, StatusCode::SERVICE_UNAVAILABLE);
    let (status, ready) = app.readiness().await;
    assert_eq!(
        status,
        StatusCode::OK,
        "Redis down is degraded, not unready"
    );
    assert_eq!(ready["redis"]["status"], "degraded", "{ready}");
    assert_eq!(ready["database"]["status"], "ok", "{ready}");

    let _redis = RedisServer::start_on(port);
    let again = browser();
    let signed_in = eventually(RECOVERY, || async {
        app.sign_in(&again, "maya", &password).await == StatusCode::SEE_OTHER
    })
    .await;
    assert!(signed_in, "sign-in works within 10 s of Redis returning");
    assert_eq!(
        app.get(&again, "/c/riverton/me").await.status(),
        StatusCode::OK
    );
    let (_, ready) = app.readiness().await;
    assert_eq!(ready["redis"]["status"], "ok", "{ready}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_absent_at_start_up_delays_nothing_and_is_used_once_it_appears() {
    let port = crate::support::spare_port();
    // App::start fails the test unless the application is built and listening within 5 s.
    let (app, demo, _database) = app_with_redis(format!("redis://127.0.0.1:{port}")).await;
    let (status, ready) = app.readiness().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ready["redis"]["status"], "degraded", "{ready}");
    assert_eq!(ready["redis"]["reason"], "connection refused", "{ready}");
    let home = app.get(&browser(), "/").await;
    assert_eq!(home.status(), StatusCode::OK);

    let _redis = RedisServer::start_on(port);
    let password = password_of(&demo, "maya");
    let maya = browser();
    let signed_in = eventually(RECOVERY, || async {
        app.sign_in(&maya, "maya", &password).await == StatusCode::SEE_OTHER
    })
    .await;
    assert!(signed_in, "sign-in works within 10 s of Redis appearing");
    assert_eq!(
        app.get(&maya, "/c/riverton/me").await.status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_accepts_connections_but_never_answers_delays_nothing() {
    let silent = SilentListener::start();
    let (app, demo, _database) = app_with_redis(format!("redis://127.0.0.1:{}", silent.port)).await;
    let visitor = browser();
    // A session cookie of some earlier sign-in makes the app ask Redis on every page.
    let cookie = format!("lanyard_session={}", "a".repeat(43));
    let home = crate::support::promptly(
        "GET / with a session cookie",
        visitor.get(app.url("/")).header("cookie", cookie).send(),
    )
    .await
    .expect("GET /");
    assert_eq!(home.status(), StatusCode::OK);
    let attempt = app
        .sign_in(&browser(), "maya", &password_of(&demo, "maya"))
        .await;
    assert_eq!(attempt, StatusCode::SERVICE_UNAVAILABLE);
    let page = app.get(&browser(), "/c/riverton/me").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    let (status, ready) = app.readiness().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ready["redis"]["status"], "degraded", "{ready}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lanyard_serve_listens_within_seconds_without_redis_says_why_and_picks_it_up_later() {
    let database = TestDatabase::create();
    let db = Db::connect(&database.url, 1).expect("database");
    lanyard::demo::seed(&db).expect("demo seed");
    let redis_port = crate::support::spare_port();
    let port = crate::support::spare_port();
    let master_key = lanyard::signing::master::MasterKey::generate_base64();
    let mut env = Lanyard::env(&database.url, &master_key, port);
    env.push((
        "LANYARD__REDIS__URL".into(),
        format!("redis://127.0.0.1:{redis_port}"),
    ));
    let mut server = Lanyard::spawn(&[], &env);
    // Generous for a loaded machine; without the fix it took minutes.
    server.wait_listening(Duration::from_secs(20));
    let log = server.log();
    assert!(
        log.contains("Redis unreachable at start-up"),
        "the log says why it started without Redis:\n{log}"
    );
    let readyz = format!("http://127.0.0.1:{port}/readyz");
    let ready: serde_json::Value = promptly("GET /readyz", browser().get(&readyz).send())
        .await
        .expect("GET /readyz")
        .json()
        .await
        .expect("JSON");
    assert_eq!(ready["redis"]["status"], "degraded", "{ready}");
    assert!(
        !ready.to_string().contains(&redis_port.to_string()),
        "no address in the readiness answer: {ready}"
    );

    let _redis = RedisServer::start_on(redis_port);
    let connected = eventually(RECOVERY, || async {
        let Ok(response) = browser().get(&readyz).send().await else {
            return false;
        };
        let ready: serde_json::Value = response.json().await.unwrap_or_default();
        ready["redis"]["status"] == "ok"
    })
    .await;
    assert!(connected, "Redis is picked up within 10 s of appearing");
    assert!(
        server.log().contains("reconnected to Redis"),
        "{}",
        server.log()
    );
}
