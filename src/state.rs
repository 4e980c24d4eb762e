//! What every request shares.

use std::sync::Mutex;

use crate::auth::session::SessionStore;
use crate::auth::throttle::Throttle;
use crate::db::Db;
use crate::settings::Settings;
use crate::signing::service::SigningService;
use crate::web::assets::Assets;

pub struct AppState {
    pub db: Db,
    pub sessions: SessionStore,
    pub throttle: Throttle,
    pub settings: Settings,
    /// The one-time code that unlocks first-run setup; `None` once the platform is set up.
    pub setup_code: Mutex<Option<String>>,
    pub assets: Assets,
    pub signer: SigningService,
}

impl AppState {
    /// The public base URL, without a trailing slash: the configured one, else the request's.
    pub fn base_url(&self, req: &actix_web::HttpRequest) -> String {
        let configured = self.settings.server.public_base_url.trim_end_matches('/');
        if !configured.is_empty() {
            return configured.to_string();
        }
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    }
}
