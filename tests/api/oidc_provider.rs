//! The real OpenID provider of `tests/oidc` (panva's oidc-provider on Node.js), one process per
//! test, stopped when dropped. Missing Node.js or missing `tests/oidc/node_modules` fails the
//! test with what to do (`scripts/test` installs both); nothing is skipped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

pub struct TestProvider {
    child: Child,
    pub issuer: String,
    control: String,
    http: reqwest::Client,
}

impl TestProvider {
    /// Starts `node provider.mjs --port 0` and reads the line it prints once it listens.
    pub fn start() -> TestProvider {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "tests/oidc/node_modules is missing: run `npm ci` in tests/oidc (scripts/test does)"
        );
        let stderr = if std::env::var("TEST_LOG").is_ok() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new("node")
            .args(["provider.mjs", "--port", "0"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("Node.js is needed for the OpenID tests (apt-get install nodejs): {e}")
            });
        let stdout = child.stdout.take().expect("the provider's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if !line.trim().is_empty() => line,
            other => {
                let _ = child.kill();
                panic!("the OpenID provider did not start: {other:?}");
            }
        };
        let started: Value = serde_json::from_str(line.trim()).expect("the provider's JSON line");
        TestProvider {
            child,
            issuer: started["issuer"].as_str().expect("issuer").to_string(),
            control: started["control"].as_str().expect("control").to_string(),
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, body: Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.control))
            .json(&body)
            .send()
            .await
            .expect("the provider's control API");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.text().await.unwrap_or_default()
        );
    }

    /// Registers a client whose one redirect URI is `redirect_uri`.
    pub async fn client(&self, id: &str, secret: &str, redirect_uri: &str) {
        self.post(
            "/clients",
            json!({"client_id": id, "client_secret": secret, "redirect_uris": [redirect_uri]}),
        )
        .await;
    }

    /// Registers (or replaces) a person of the provider.
    pub async fn user(&self, sub: &str, email: &str, email_verified: bool) {
        self.post(
            "/users",
            json!({"sub": sub, "email": email, "email_verified": email_verified, "name": sub}),
        )
        .await;
    }

    /// `normal`, `foreign_key`, `wrong_nonce`, `expired_code`, `unverified_email` or `down`.
    pub async fn mode(&self, mode: &str) {
        self.post("/mode", json!({ "mode": mode })).await;
    }
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
