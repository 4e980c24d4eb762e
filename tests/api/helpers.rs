//! The test harness: the real application on port 0 with a fresh database of its own (SQLite by
//! default; PostgreSQL when `LANYARD_TEST_DATABASE_URL` is set), and one HTTP client per person.

use std::sync::OnceLock;

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use lanyard::auth::store::{self as auth_store, CityRole, NewUser};
use lanyard::auth::{password, AccountKind, AccountStatus};
use lanyard::db::Db;
use lanyard::demo::DemoData;
use lanyard::ids::UserId;
use lanyard::settings::Settings;
use lanyard::startup::Application;
use lanyard::{badges, earning, orgs, tenancy};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

pub use crate::common::{database_url, hidden_value, location};

pub struct TestApp {
    pub address: String,
    pub db: Db,
    /// The database's URL, for a test that needs connections of its own.
    pub database_url: String,
    pub setup_code: Option<String>,
    postgres: Option<(String, String)>,
    server: actix_web::dev::ServerHandle,
    /// The app whose database this one shares (kept alive, dropped after this one).
    _shares: Option<Box<TestApp>>,
}

/// A person of the seeded world and their password.
#[derive(Clone, Debug)]
pub struct Person {
    pub username: String,
    pub password: String,
}

/// The demo city `riverton`, plus a second city `elmstead` with people of its own.
pub struct World {
    pub demo: DemoData,
    pub other_coordinator: Person,
    pub other_admin: Person,
    pub other_youth: Person,
    /// A claim code of Elmstead's badge `trail-blazer` (org `parks`).
    pub other_code: String,
    pub other_token: String,
}

impl World {
    pub fn person(&self, role: &str) -> Person {
        let account = self
            .demo
            .accounts
            .iter()
            .find(|a| a.role == role)
            .unwrap_or_else(|| panic!("no demo account with role {role}"));
        Person {
            username: account.username.clone(),
            password: account.password.clone(),
        }
    }

    /// The printed demo account named `username`.
    pub fn account(&self, username: &str) -> Person {
        let account = self
            .demo
            .accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("the demo has {username}"));
        Person {
            username: account.username.clone(),
            password: account.password.clone(),
        }
    }

    pub fn curator(&self) -> Person {
        self.account("curator")
    }

    /// An unused claim code of a demo badge.
    pub fn code_for(&self, badge: &str, nth: usize) -> String {
        self.demo
            .claim_codes
            .iter()
            .filter(|c| c.badge == badge)
            .nth(nth)
            .map(|c| c.code.clone())
            .unwrap_or_else(|| panic!("no code {nth} for {badge}"))
    }

    pub fn token_of(&self, org: &str) -> String {
        self.demo
            .orgs
            .iter()
            .find(|o| o.slug == org)
            .map(|o| o.api_token.clone())
            .expect("the org has a token")
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("LANYARD_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var("TEST_LOG").is_ok() {
            lanyard::telemetry::init();
        }
    });
}

pub fn test_settings() -> Settings {
    let mut settings = Settings::load_profile("test").expect("settings load");
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.server.public_base_url = String::new();
    settings.database.pool_size = 4;
    settings.redis.url = String::new();
    settings.signing.mode = "in-process".into();
    settings.signing.master_key = lanyard::signing::master::MasterKey::generate_base64();
    settings.signing.generate_master_key = false;
    settings.oidc.secret_key = lanyard::signing::master::MasterKey::generate_base64();
    settings.storage.evidence_dir = std::env::temp_dir()
        .join("lanyard-tests")
        .join(format!("evidence-{}", uuid::Uuid::new_v4().simple()))
        .display()
        .to_string();
    settings
}

/// Starts the application on an empty database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings()).await
}

pub async fn spawn_app_with(mut settings: Settings) -> TestApp {
    init_logging();
    let name = format!("lanyard_test_{}", uuid::Uuid::new_v4().simple());
    let postgres = postgres_admin_url().map(|admin| {
        let mut conn = diesel::pg::PgConnection::establish(&admin).expect("connect to PostgreSQL");
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        (admin, name.clone())
    });
    settings.database.url = match &postgres {
        Some((admin, name)) => database_url(admin, name, None),
        None => {
            let dir = std::env::temp_dir().join("lanyard-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
    };
    let db = Db::connect(&settings.database.url, settings.database.pool_size).expect("database");
    let database_url = settings.database.url.clone();
    let app = Application::build_with_db(settings, db.clone())
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let setup_code = app.setup_code().map(str::to_string);
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        database_url,
        setup_code,
        postgres,
        server,
        _shares: None,
    }
}

/// A second application on the database of `owner` (as several instances share one database).
pub async fn spawn_app_sharing(settings: Settings, owner: TestApp) -> TestApp {
    let app = Application::build_with_db(settings, owner.db.clone())
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db: owner.db.clone(),
        database_url: owner.database_url.clone(),
        setup_code: None,
        postgres: None,
        server,
        _shares: Some(Box::new(owner)),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The stop command is sent at once; its workers then close their connections, so no
        // server outlives its test.
        let _stopping = self.server.stop(false);
        if let Some((admin, name)) = self.postgres.take() {
            // Dropped on a plain thread: the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                if let Ok(mut conn) = diesel::pg::PgConnection::establish(&admin) {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            })
            .join();
        }
    }
}

/// Starts the application with the demo city and a second city.
pub async fn spawn_world() -> (TestApp, World) {
    let app = spawn_app().await;
    let world = app.seed_world();
    (app, world)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn seed_world(&self) -> World {
        let demo = lanyard::demo::seed(&self.db).expect("demo seed");
        let mut conn = self.db.get().expect("connection");
        conn.transaction(|conn| {
            let now = Utc::now().naive_utc();
            let city = tenancy::store::insert(conn, "elmstead", "Elmstead", "", now)?;
            let make = |conn: &mut lanyard::db::DbConnection,
                        username: &str,
                        kind: AccountKind,
                        role: CityRole| {
                let password = format!("{username}-password");
                let hash = password::hash(&password).expect("hash");
                let id = auth_store::insert_user(
                    conn,
                    &NewUser {
                        username,
                        email: Some(&format!("{username}@elmstead.example")),
                        display_name: username,
                        password_hash: &hash,
                        kind,
                        birth_date: (kind == AccountKind::Youth)
                            .then(|| chrono::NaiveDate::from_ymd_opt(2010, 1, 1).expect("date")),
                        status: AccountStatus::Active,
                        is_operator: false,
                        locale: None,
                    },
                    now,
                )?;
                auth_store::add_city_member(conn, city, id, role, now)?;
                Ok::<(UserId, Person), anyhow::Error>((
                    id,
                    Person {
                        username: username.to_string(),
                        password,
                    },
                ))
            };
            let (_, other_coordinator) = make(
                conn,
                "elm-coordinator",
                AccountKind::Staff,
                CityRole::Coordinator,
            )?;
            let (admin_id, other_admin) =
                make(conn, "elm-admin", AccountKind::Staff, CityRole::Staff)?;
            let (_, other_youth) = make(conn, "elm-youth", AccountKind::Youth, CityRole::Youth)?;
            let org = orgs::store::insert_with_admin(
                conn,
                city,
                &orgs::store::NewOrg {
                    slug: "parks",
                    name: "Elmstead Parks",
                    description: "",
                    website: "",
                },
                admin_id,
                now,
            )?;
            let image = badges::image::default_image("Trail Blazer");
            let badge = badges::store::insert(
                conn,
                city,
                org,
                &badges::store::NewBadge {
                    slug: "trail-blazer",
                    name: "Trail Blazer",
                    description: "Hiked every trail.",
                    criteria: "Hike all trails.",
                    activity: None,
                    image_mime: image.mime,
                    image_data: &image.bytes,
                    valid_days: None,
                },
                now,
            )?;
            let codes = earning::store::generate(conn, city, badge, admin_id, 1, now)?;
            let (other_token, hash) = orgs::tokens::generate();
            orgs::store::insert_token(conn, org, "test", &hash, now)?;
            Ok::<World, anyhow::Error>(World {
                demo,
                other_coordinator,
                other_admin,
                other_youth,
                other_code: codes[0].clone(),
                other_token,
            })
        })
        .expect("second city seed")
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("GET")
    }

    /// The CSRF token of this client (its cookie is set on the first page it sees).
    pub async fn csrf(&self, client: &Client) -> String {
        let html = self
            .get(client, "/signin")
            .await
            .text()
            .await
            .expect("body");
        hidden_value(&html, "csrf_token").expect("the page has a CSRF field")
    }

    /// Posts a form with this client's CSRF token added.
    pub async fn post_form(
        &self,
        client: &Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf(client).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// Sends Riverton's sign-up form with `fields` through `client`, which is then signed in as
    /// the new account.
    pub async fn signs_up(&self, client: &Client, fields: &[(&str, &str)]) {
        let response = self.post_form(client, "/c/riverton/signup", fields).await;
        let username = fields.iter().find(|(name, _)| *name == "username");
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{:?} signs up",
            username.map(|(_, value)| value)
        );
    }

    /// A client signed in as `person`.
    pub async fn signed_in(&self, person: &Person) -> Client {
        let client = self.client();
        let response = self
            .post_form(
                &client,
                "/signin",
                &[
                    ("username", &person.username),
                    ("password", &person.password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{} signs in",
            person.username
        );
        client
    }
}

impl TestApp {
    /// Awards `badge` of `org` to `recipient` through the partner API; the award as answered.
    pub async fn award_through_api(
        &self,
        token: &str,
        org: &str,
        badge: &str,
        recipient: &str,
    ) -> serde_json::Value {
        let response = self
            .client()
            .post(self.url(&format!("/api/v1/orgs/{org}/awards")))
            .bearer_auth(token)
            .json(&serde_json::json!({"badge": badge, "recipient": recipient}))
            .send()
            .await
            .expect("POST award");
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "awarding {badge} to {recipient}"
        );
        response.json().await.expect("award JSON")
    }

    /// Moves the server's clock `days` forward (the test profile runs with `testing.clock`), as
    /// a browser test does with `POST /__test/clock`.
    pub async fn move_clock(&self, days: i64) -> serde_json::Value {
        let response = self
            .client()
            .post(self.url("/__test/clock"))
            .json(&serde_json::json!({ "days": days }))
            .send()
            .await
            .expect("POST /__test/clock");
        assert_eq!(response.status(), StatusCode::OK, "the clock moves");
        response.json().await.expect("clock JSON")
    }

    /// The signed credential at `url`, as a wallet fetches it.
    pub async fn credential_at(&self, url: &str) -> serde_json::Value {
        self.client()
            .get(url)
            .header("accept", "application/vc+ld+json")
            .send()
            .await
            .expect("GET credential")
            .json()
            .await
            .expect("credential JSON")
    }
}

/// Asserts a redirect to the sign-in page.
pub fn assert_sign_in_redirect(response: &Response) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(response).starts_with("/signin?next="),
        "{}",
        location(response)
    );
}
