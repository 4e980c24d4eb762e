//! What every request shares.

use std::sync::Mutex;

use crate::auth::password::PasswordHashing;
use crate::auth::session::SessionStore;
use crate::auth::throttle::Throttle;
use crate::db::Db;
use crate::kv::Kv;
use crate::settings::Settings;
use crate::signing::service::SigningService;
use crate::web::assets::Assets;
use crate::web::client_address::{self, TrustedProxies};

pub struct AppState {
    pub db: Db,
    pub sessions: SessionStore,
    pub throttle: Throttle,
    /// Redis, when configured (sessions and counters use it; `/readyz` reports on it).
    pub kv: Option<Kv>,
    /// Bounds how many password hashes are computed at once.
    pub passwords: PasswordHashing,
    /// The proxies whose `X-Forwarded-For` hops are believed (`server.trusted_proxies`).
    pub trusted_proxies: TrustedProxies,
    pub settings: Settings,
    /// The one-time code that unlocks first-run setup; `None` once the platform is set up.
    pub setup_code: Mutex<Option<String>>,
    pub assets: Assets,
    pub signer: SigningService,
    /// Where the files of submissions are kept (`storage.evidence_dir`).
    pub evidence: std::sync::Arc<dyn crate::review::storage::Storage>,
    /// The time age checks and the custody handoff go by: the real time, unless a test moves
    /// it (`testing.clock`; see `clock`).
    pub clock: std::sync::Arc<crate::clock::Clock>,
    /// Sign-in through OpenID providers: the HTTP client, the platform's provider, the key of
    /// cities' client secrets.
    pub oidc: crate::auth::oidc::Oidc,
}

impl AppState {
    /// The public base URL, without a trailing slash. It is fixed at start-up (see
    /// `startup::public_base_url`), never taken from a request's Host header: credentials are
    /// signed under it, and a forged Host must not end up in a signed document.
    pub fn base_url(&self) -> String {
        self.settings
            .server
            .public_base_url
            .trim_end_matches('/')
            .to_string()
    }

    /// The address attempts are counted against: the peer or, when `server.trust_forwarded_for`
    /// is on and the peer is a trusted proxy, the right-most `X-Forwarded-For` hop that is not a
    /// trusted proxy (see `web::client_address`).
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        let peer = req
            .peer_addr()
            .map(|socket| socket.ip().to_string())
            .unwrap_or_else(|| "unknown".to_string());
        if !self.settings.server.trust_forwarded_for {
            return peer;
        }
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .collect();
        client_address::client_address(&peer, &forwarded, &self.trusted_proxies)
    }
}
