//! What every request shares.

use std::sync::Mutex;

use crate::auth::session::SessionStore;
use crate::auth::throttle::Throttle;
use crate::db::Db;
use crate::kv::Kv;
use crate::settings::Settings;
use crate::signing::service::SigningService;
use crate::web::assets::Assets;

pub struct AppState {
    pub db: Db,
    pub sessions: SessionStore,
    pub throttle: Throttle,
    /// Redis, when configured (sessions and counters use it; `/readyz` reports on it).
    pub kv: Option<Kv>,
    pub settings: Settings,
    /// The one-time code that unlocks first-run setup; `None` once the platform is set up.
    pub setup_code: Mutex<Option<String>>,
    pub assets: Assets,
    pub signer: SigningService,
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

    /// The address sign-in attempts are counted against: the peer, or the first
    /// `X-Forwarded-For` hop when `server.trust_forwarded_for` says a proxy sets it.
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        let info = req.connection_info();
        let address = if self.settings.server.trust_forwarded_for {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        address.unwrap_or("unknown").to_string()
    }
}
