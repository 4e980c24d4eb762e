//! What the fault tests share: a fresh PostgreSQL database, a private `redis-server`, a TCP
//! proxy that can cut the database off, the application on port 0, and bounded waits.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use lanyard::db::Db;
use lanyard::settings::Settings;
use lanyard::startup::Application;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

pub use crate::common::{database_url, hidden_value, location};

/// The bound on any single answer in these tests: generous, but far below a hang.
pub const PROMPTLY: Duration = Duration::from_secs(5);

/// The PostgreSQL server the suite runs against (an admin URL whose database can be replaced).
pub fn admin_url() -> String {
    std::env::var("LANYARD_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".into())
}

/// The `host:port` of a PostgreSQL URL.
pub fn host_port(url: &str) -> String {
    let rest = url.strip_prefix("postgres://").unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let hp = authority.rsplit('@').next().unwrap_or(authority);
    if hp.contains(':') {
        hp.to_string()
    } else {
        format!("{hp}:5432")
    }
}

/// A database of one test's own, dropped with it.
pub struct TestDatabase {
    admin: String,
    pub name: String,
    /// Its URL, straight to PostgreSQL.
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        let admin = admin_url();
        let name = format!("lanyard_fault_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::pg::PgConnection::establish(&admin).expect("connect to PostgreSQL");
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        let url = database_url(&admin, &name, None);
        TestDatabase { admin, name, url }
    }

    /// Its URL through `proxy` instead.
    pub fn url_through(&self, proxy: &Proxy) -> String {
        database_url(&self.admin, &self.name, Some(&proxy.address()))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            if let Ok(mut conn) = diesel::pg::PgConnection::establish(&admin) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}

/// A port nothing listens on (just now).
pub fn spare_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a spare port")
}

/// A child process killed (SIGKILL) and reaped when dropped.
pub struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    pub fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn id(&self) -> Option<u32> {
        self.0.as_ref().map(Child::id)
    }

    /// Whether the process has ended on its own.
    pub fn has_exited(&mut self) -> bool {
        self.0
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(Some(_))))
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `redis-server` of the test's own, without persistence.
pub struct RedisServer {
    pub port: u16,
    child: ChildGuard,
}

impl RedisServer {
    pub fn start_on(port: u16) -> RedisServer {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts (is it installed?)");
        let server = RedisServer {
            port,
            child: ChildGuard(Some(child)),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !server.answers_ping() {
            assert!(
                Instant::now() < deadline,
                "redis-server on {port} answers within 10 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn start() -> RedisServer {
        Self::start_on(spare_port())
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut buf = [0u8; 16];
        stream.write_all(b"PING\r\n").is_ok()
            && stream
                .read(&mut buf)
                .is_ok_and(|n| buf[..n].starts_with(b"+PONG"))
    }

    /// Kills the server at once, as a crash would.
    pub fn kill(&mut self) {
        self.child.kill();
    }
}

/// A TCP listener that accepts connections and never answers (a host that has gone silent).
pub struct SilentListener {
    pub port: u16,
    _stop: std::sync::mpsc::Sender<()>,
}

impl SilentListener {
    pub fn start() -> SilentListener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while let Err(std::sync::mpsc::TryRecvError::Empty) = stopped.try_recv() {
                if let Ok((stream, _)) = listener.accept() {
                    held.push(stream);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        SilentListener { port, _stop: stop }
    }
}

/// How the proxy treats the database's traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ProxyMode {
    /// Forwards everything.
    Up = 0,
    /// Cuts every open connection and accepts new ones only to hold them unanswered, as a
    /// database host that has dropped off the network.
    Silent = 1,
}

/// A TCP proxy in front of PostgreSQL, on a thread and runtime of its own so that blocking
/// work in the test never stalls it.
pub struct Proxy {
    port: u16,
    mode: Arc<AtomicU8>,
    generation: tokio::sync::watch::Sender<u64>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl Proxy {
    pub fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("address").port();
        let mode = Arc::new(AtomicU8::new(ProxyMode::Up as u8));
        let (generation, watcher) = tokio::sync::watch::channel(0u64);
        let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let proxy_mode = mode.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("proxy runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let accepting = async {
                    let mut held = Vec::new();
                    loop {
                        let Ok((client, _)) = listener.accept().await else {
                            continue;
                        };
                        if proxy_mode.load(Ordering::SeqCst) != ProxyMode::Up as u8 {
                            held.push(client);
                            continue;
                        }
                        held.clear();
                        let upstream = upstream.clone();
                        let mut cut = watcher.clone();
                        // Only a cut from now on ends this connection.
                        cut.borrow_and_update();
                        tokio::spawn(async move {
                            let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await
                            else {
                                return;
                            };
                            let mut client = client;
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = cut.changed() => {}
                            }
                        });
                    }
                };
                tokio::select! {
                    _ = accepting => {}
                    _ = shutdown_rx => {}
                }
            });
        });
        Proxy {
            port,
            mode,
            generation,
            _shutdown: shutdown,
        }
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn set(&self, mode: ProxyMode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
        if mode != ProxyMode::Up {
            self.generation.send_modify(|g| *g += 1);
        }
    }
}

/// The settings of an application under test: port 0, one worker, a fresh master key.
pub fn settings() -> Settings {
    let mut settings = Settings::load_profile("test").expect("settings load");
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.server.public_base_url = String::new();
    settings.database.pool_size = 4;
    settings.redis.url = String::new();
    settings.redis.prefix = format!("lanyard-fault-{}", uuid::Uuid::new_v4().simple());
    settings.signing.mode = "in-process".into();
    settings.signing.master_key = lanyard::signing::master::MasterKey::generate_base64();
    settings.signing.generate_master_key = false;
    settings.storage.evidence_dir = std::env::temp_dir()
        .join("lanyard-tests")
        .join(format!("evidence-{}", uuid::Uuid::new_v4().simple()))
        .display()
        .to_string();
    settings
}

/// The application, running in this test, stopped when dropped.
pub struct App {
    pub address: String,
    server: actix_web::dev::ServerHandle,
}

impl App {
    /// Builds and starts the application on `db`; building must itself be prompt.
    pub async fn start(settings: Settings, db: Db) -> App {
        let app = tokio::time::timeout(PROMPTLY, Application::build_with_db(settings, db))
            .await
            .expect("the application builds within 5 s")
            .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let server = app.handle();
        tokio::spawn(app.run_until_stopped());
        App { address, server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GET `path`, which must answer promptly.
    pub async fn get(&self, client: &Client, path: &str) -> Response {
        promptly(path, client.get(self.url(path)).send())
            .await
            .expect("GET")
    }

    /// Signs `username` in with `client` (keeping the session cookie); the status of the answer.
    pub async fn sign_in(&self, client: &Client, username: &str, password: &str) -> StatusCode {
        let page = self
            .get(client, "/signin")
            .await
            .text()
            .await
            .expect("body");
        let csrf = hidden_value(&page, "csrf_token").unwrap_or_default();
        let form = [
            ("username", username),
            ("password", password),
            ("next", "/"),
            ("csrf_token", &csrf),
        ];
        promptly(
            "POST /signin",
            client.post(self.url("/signin")).form(&form).send(),
        )
        .await
        .expect("POST /signin")
        .status()
    }

    /// What `/readyz` says, with its status.
    pub async fn readiness(&self) -> (StatusCode, serde_json::Value) {
        let response = self.get(&browser(), "/readyz").await;
        let status = response.status();
        (status, response.json().await.expect("readiness JSON"))
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _stopping = self.server.stop(false);
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// Awaits `work`, failing the test if it takes longer than `PROMPTLY` (a hang, not a slow answer).
pub async fn promptly<T>(what: &str, work: impl Future<Output = T>) -> T {
    match tokio::time::timeout(PROMPTLY, work).await {
        Ok(value) => value,
        Err(_) => panic!("{what} did not answer within {} s", PROMPTLY.as_secs()),
    }
}

/// Retries `check` for up to `limit` until it holds; whether it did.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The text of the page's first `h1`.
pub fn heading(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let h1 = scraper::Selector::parse("h1").expect("selector");
    doc.select(&h1)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .unwrap_or_default()
}

/// A demo account's password.
pub fn password_of(demo: &lanyard::demo::DemoData, username: &str) -> String {
    demo.accounts
        .iter()
        .find(|a| a.username == username)
        .map(|a| a.password.clone())
        .unwrap_or_else(|| panic!("no demo account {username}"))
}

/// `lanyard serve` (or another subcommand) as a child process on a database of the test's,
/// its stderr in a file the test can read.
pub struct Lanyard {
    pub child: ChildGuard,
    log: std::path::PathBuf,
}

impl Lanyard {
    /// The environment of a `lanyard` process on `database_url` with `master_key`, listening
    /// on `port` (its public base URL stays the same across restarts).
    pub fn env(database_url: &str, master_key: &str, port: u16) -> Vec<(String, String)> {
        [
            ("LANYARD_PROFILE", "test"),
            ("LANYARD__DATABASE__URL", database_url),
            ("LANYARD__SERVER__HOST", "127.0.0.1"),
            ("LANYARD__SERVER__PORT", &port.to_string()),
            ("LANYARD__SERVER__WORKERS", "2"),
            ("LANYARD__SIGNING__MASTER_KEY", master_key),
            ("LANYARD__SIGNING__GENERATE_MASTER_KEY", "false"),
            ("LANYARD__REDIS__URL", ""),
            ("RUST_LOG", "info"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    pub fn spawn(args: &[&str], env: &[(String, String)]) -> Lanyard {
        let log = std::env::temp_dir().join(format!(
            "lanyard-fault-{}.log",
            uuid::Uuid::new_v4().simple()
        ));
        let file = std::fs::File::create(&log).expect("log file");
        // `LANYARD_BIN` may name another build of the binary (the one cargo built by default).
        let binary =
            std::env::var("LANYARD_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_lanyard").into());
        let child = Command::new(binary)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(file))
            .spawn()
            .expect("the lanyard binary starts");
        Lanyard {
            child: ChildGuard(Some(child)),
            log,
        }
    }

    /// What the process has written to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `lanyard serve` says it listens; the time it took.
    pub fn wait_listening(&mut self, limit: Duration) -> Duration {
        let started = Instant::now();
        while !self.log().contains("Lanyard is listening on") {
            assert!(
                !self.child.has_exited(),
                "lanyard exited early:\n{}",
                self.log()
            );
            assert!(
                started.elapsed() < limit,
                "lanyard did not listen within {} s:\n{}",
                limit.as_secs(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        started.elapsed()
    }

    /// `kill -9`.
    pub fn kill_9(&mut self) {
        let pid = self.child.id().expect("running");
        let status = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        self.child.kill();
    }
}

impl Drop for Lanyard {
    fn drop(&mut self) {
        self.child.kill();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Adds `count` active youth (`youth-0` …) to the demo city, sharing one password hash.
pub fn seed_youth(db: &Db, count: usize) -> Vec<String> {
    let hash = lanyard::auth::password::hash("youth-password").expect("hash");
    let mut conn = db.get().expect("connection");
    let city = lanyard::tenancy::store::find_by_slug(&mut conn, "riverton")
        .expect("query")
        .expect("the demo city");
    let usernames: Vec<String> = (0..count).map(|i| format!("youth-{i}")).collect();
    lanyard::demo::add_youth(&mut conn, city.id, &usernames, &hash, None).expect("youth");
    usernames
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct PublicId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    public_id: String,
}

/// What the database holds of awards, read straight from PostgreSQL.
pub struct AwardCounts {
    pub total: i64,
    /// (badge, recipient) pairs awarded more than once.
    pub duplicated_pairs: i64,
    pub public_ids: Vec<String>,
}

pub fn award_counts(database_url: &str) -> AwardCounts {
    use diesel::RunQueryDsl;
    let mut conn = diesel::pg::PgConnection::establish(database_url).expect("connect");
    let total = diesel::sql_query("SELECT COUNT(*) AS n FROM awards")
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n;
    let duplicated_pairs = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT badge_id, recipient_id FROM awards \
         GROUP BY badge_id, recipient_id HAVING COUNT(*) > 1) AS d",
    )
    .get_result::<Count>(&mut conn)
    .expect("duplicates")
    .n;
    let public_ids = diesel::sql_query("SELECT public_id FROM awards ORDER BY id")
        .load::<PublicId>(&mut conn)
        .expect("ids")
        .into_iter()
        .map(|r| r.public_id)
        .collect();
    AwardCounts {
        total,
        duplicated_pairs,
        public_ids,
    }
}
