//! `lanyard demo --oidc`: the demo with a real OpenID provider of its own, set as Riverton's.
//!
//! It starts the provider the tests use (`tests/oidc/provider.mjs`, panva's `oidc-provider` on
//! Node.js), registers the demo as its client and the demo's staff and parent as its people, and
//! saves it as Riverton's sign-in provider, its client secret sealed like any city's. The
//! provider stops with the demo.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::oidc::store::{self as oidc_store, CityProvider};
use crate::db::Db;
use crate::settings::OidcSettings;
use crate::signing::master::MasterKey;

/// Where the provider lives, from the checkout's root (where `cargo run` starts).
const SCRIPT: &str = "tests/oidc/provider.mjs";
/// The name on Riverton's button.
pub const BUTTON: &str = "Riverton ID";
const CLIENT_ID: &str = "lanyard-demo";
/// The longest the provider may take to start, and any one call to its control API.
const START_WAIT: Duration = Duration::from_secs(20);
const CALL_WAIT: Duration = Duration::from_secs(5);

/// The demo's provider, for the printed accounts and the JSON.
#[derive(Serialize)]
pub struct DemoOidc {
    pub issuer: String,
    /// The button on Riverton's sign-in page.
    pub button: &'static str,
    /// Who can sign in at the provider (its sign-in form asks for one of these names): each has
    /// the e-mail of the demo account of the same name, except `newcomer`, who has no account.
    pub subjects: Vec<String>,
}

/// The running provider process; stopped when dropped.
pub struct ProviderProcess {
    child: Child,
    pub issuer: String,
    control: String,
}

impl Drop for ProviderProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Deserialize)]
struct Listening {
    issuer: String,
    control: String,
}

/// Starts the provider; a clear error when Node.js or its packages are missing.
pub fn start() -> anyhow::Result<ProviderProcess> {
    if !Path::new(SCRIPT).exists() {
        anyhow::bail!("--oidc runs {SCRIPT}: start the demo from the root of a Lanyard checkout");
    }
    if !Path::new("tests/oidc/node_modules/oidc-provider").exists() {
        anyhow::bail!(
            "--oidc needs the provider's packages: run `npm ci --prefix tests/oidc` once"
        );
    }
    let mut child = Command::new("node")
        .arg(SCRIPT)
        .args(["--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("--oidc needs Node.js (`node` on the PATH): {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("the OpenID provider has no output"))?;
    // The provider prints one line once it listens; a thread reads it so a silent provider
    // cannot hold the demo up.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
        let _ = tx.send(read);
    });
    let mut process = ProviderProcess {
        child,
        issuer: String::new(),
        control: String::new(),
    };
    let line = match rx.recv_timeout(START_WAIT) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => anyhow::bail!("reading the OpenID provider's address: {e}"),
        Err(_) => anyhow::bail!(
            "the OpenID provider did not start within {} s",
            START_WAIT.as_secs()
        ),
    };
    let listening: Listening = serde_json::from_str(line.trim())
        .map_err(|e| anyhow::anyhow!("the OpenID provider said {line:?}: {e}"))?;
    process.issuer = listening.issuer;
    process.control = listening.control;
    Ok(process)
}

/// One call to the provider's control API.
async fn post(
    http: &reqwest::Client,
    control: &str,
    path: &'static str,
    body: serde_json::Value,
) -> anyhow::Result<()> {
    let response = http
        .post(format!("{control}/{path}"))
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        anyhow::bail!("the OpenID provider refused {path}: {status} {text}");
    }
    Ok(())
}

/// The demo accounts the provider knows, by the names they sign in with there.
const SUBJECTS: [&str; 5] = ["coordinator", "librarian", "curator", "mentor", "parent"];

/// Registers the demo (at `base`) as the provider's client and the demo's people as its users,
/// then saves the provider as Riverton's, its secret sealed with the city secrets' key.
pub async fn connect(
    provider: &ProviderProcess,
    base: &str,
    db: &Db,
    settings: &OidcSettings,
) -> anyhow::Result<DemoOidc> {
    let http = reqwest::Client::builder().timeout(CALL_WAIT).build()?;
    let secret = crate::secrets::random_token();
    let call = |path: &'static str, body| post(&http, &provider.control, path, body);
    call(
        "clients",
        json!({
            "client_id": CLIENT_ID,
            "client_secret": secret,
            "redirect_uris": [format!("{base}/signin/oidc/callback")],
        }),
    )
    .await?;
    let mut subjects = Vec::new();
    for name in SUBJECTS.iter().chain(&["newcomer"]) {
        call(
            "users",
            json!({
                "sub": name,
                "email": format!("{name}@riverton.example"),
                "email_verified": true,
                "name": name,
            }),
        )
        .await?;
        subjects.push(name.to_string());
    }
    let (key, _) = MasterKey::load_from(&settings.secret_key, &settings.secret_key_file, false)?
        .ok_or_else(|| anyhow::anyhow!("the demo has no key for cities' client secrets"))?;
    let issuer = provider.issuer.clone();
    let mut conn = db.get()?;
    let city = crate::tenancy::store::find_by_slug(&mut conn, "riverton")?
        .ok_or_else(|| anyhow::anyhow!("the demo city is missing"))?;
    let (secret_nonce, secret_sealed) =
        key.seal(secret.as_bytes(), &oidc_store::secret_identity(city.id))?;
    oidc_store::save_city_provider(
        &mut conn,
        city.id,
        &CityProvider {
            display_name: BUTTON.into(),
            issuer_url: issuer.clone(),
            client_id: CLIENT_ID.into(),
            secret_nonce,
            secret_sealed,
            staff_must_use: false,
        },
        Utc::now().naive_utc(),
    )?;
    Ok(DemoOidc {
        issuer,
        button: BUTTON,
        subjects,
    })
}
