//! Builds the application from settings: the same start-up for `lanyard serve`, the demo and
//! the tests (which bind port 0 and read the port back).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpServer};

use crate::auth::password::PasswordHashing;
use crate::auth::session::SessionStore;
use crate::auth::store as auth_store;
use crate::auth::throttle::{Limits, Throttle};
use crate::db::Db;
use crate::kv::Kv;
use crate::settings::Settings;
use crate::signing::keys::Keyring;
use crate::signing::master::{MasterKey, MasterKeySource};
use crate::signing::remote::RemoteSigner;
use crate::signing::service::SigningService;
use crate::state::AppState;
use crate::web::assets::Assets;
use crate::web::client_address::TrustedProxies;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Browsers that have seen the site over https never try it over plain http again (a year).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// HSTS is sent when the deployment is served over https: secure cookies or an https base URL.
fn sends_hsts(settings: &Settings) -> bool {
    settings.session.secure_cookies || settings.server.public_base_url.starts_with("https://")
}

pub struct Application {
    port: u16,
    server: Server,
    setup_code: Option<String>,
    /// The in-process mail worker (`mail.worker`), stopped after the server.
    mail_worker: Option<crate::notify::worker::WorkerHandle>,
}

/// The signing service the settings ask for: in-process with the master key, or the remote
/// `lanyard signer` (then this process holds no private key).
pub fn signing_service(settings: &Settings) -> anyhow::Result<SigningService> {
    match settings.signing.mode.as_str() {
        "remote" => Ok(SigningService::Remote(RemoteSigner::new(
            &settings.signing.signer_url,
            &settings.signing.signer_secret,
        )?)),
        "in-process" | "" => Ok(SigningService::InProcess(Arc::new(keyring(settings)?))),
        other => anyhow::bail!("signing.mode must be in-process or remote, not {other:?}"),
    }
}

/// The keyring under the configured master key, saying where the key came from.
pub fn keyring(settings: &Settings) -> anyhow::Result<Keyring> {
    let (master, source) = MasterKey::load(&settings.signing)?;
    if let MasterKeySource::Generated(path) = source {
        tracing::warn!(
            master_key.file = %path,
            "generated a new master key for issuer keys (development only; production needs LANYARD__SIGNING__MASTER_KEY)"
        );
    }
    Ok(Keyring::new(master))
}

/// The base URL credentials are issued under: the configured one, else the listener's own
/// address. A server listening on every interface must be told its public name.
pub fn public_base_url(settings: &Settings, port: u16) -> anyhow::Result<String> {
    let configured = settings.server.public_base_url.trim().trim_end_matches('/');
    if !configured.is_empty() {
        if !(configured.starts_with("https://") || configured.starts_with("http://")) {
            anyhow::bail!("server.public_base_url must start with https:// or http://");
        }
        return Ok(configured.to_string());
    }
    let host = settings.server.host.trim();
    let unspecified = host
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified());
    if unspecified {
        anyhow::bail!(
            "listening on {host}: set LANYARD__SERVER__PUBLIC_BASE_URL (e.g. https://badges.example.org), \
             the address credentials are issued under"
        );
    }
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Ok(format!("http://{host}:{port}"))
}

/// A one-time setup code such as `7KQ4-M2XD-9PHT`.
fn new_setup_code() -> String {
    let parts: Vec<String> = (0..3)
        .map(|_| crate::earning::codes::generate()[..4].to_string())
        .collect();
    parts.join("-")
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = Db::connect_with(
            &settings.database.url,
            settings.database.pool_size,
            std::time::Duration::from_millis(settings.database.checkout_timeout_ms),
        )?;
        Self::build_with_db(settings, db).await
    }

    pub async fn build_with_db(settings: Settings, db: Db) -> anyhow::Result<Application> {
        let signer = signing_service(&settings)?;
        let evidence: std::sync::Arc<dyn crate::review::storage::Storage> = std::sync::Arc::new(
            crate::review::storage::LocalDirectory::new(&settings.storage.evidence_dir).map_err(
                |e| {
                    anyhow::anyhow!(
                        "storage.evidence_dir {:?} cannot be used: {e}",
                        settings.storage.evidence_dir
                    )
                },
            )?,
        );
        // Bounded: an unreachable Redis is logged and retried in the background, never waited on.
        let kv = Kv::start(
            &settings.redis.url,
            &settings.redis.prefix,
            std::time::Duration::from_millis(settings.redis.timeout_ms),
        )
        .await;
        let sessions = match &kv {
            Some(kv) => SessionStore::Redis {
                kv: kv.clone(),
                db: db.clone(),
            },
            None => SessionStore::Database(db.clone()),
        };
        let throttle = Throttle::new(Limits::from_settings(&settings.limits), kv.clone());
        let passwords = PasswordHashing::new(
            settings.limits.password_hashes_at_once,
            settings.limits.password_hash_wait_ms,
        );
        let oidc = crate::auth::oidc::Oidc::from_settings(&settings.oidc)?;
        let trusted_proxies = TrustedProxies::parse(&settings.server.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("server.trusted_proxies: {e}"))?;
        let set_up = {
            let mut conn = db.get()?;
            // Activities written before the catalog's index get their search text.
            crate::catalog::index::fill_missing(&mut conn)?;
            auth_store::is_set_up(&mut conn)?
        };
        let setup_code = (!set_up).then(new_setup_code);

        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))?;
        let port = listener.local_addr()?.port();
        let mut settings = settings;
        settings.server.public_base_url = public_base_url(&settings, port)?;
        let workers = match settings.server.workers {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let clock = Arc::new(if settings.testing.clock {
            tracing::warn!("the test clock is on (testing.clock): POST /__test/clock moves it");
            crate::clock::Clock::adjustable()
        } else {
            crate::clock::Clock::real()
        });
        let state = web::Data::new(AppState {
            db,
            sessions,
            throttle,
            kv,
            passwords,
            trusted_proxies,
            settings,
            setup_code: Mutex::new(setup_code.clone()),
            assets: Assets::new(),
            signer,
            evidence,
            clock,
            oidc,
        });
        // Built before the server so that bad mail settings stop the start; spawned last.
        let mail_worker = match state.settings.mail.worker {
            true => Some(
                crate::notify::worker::Worker::new(state.db.clone(), &state.settings.mail)?
                    .with_digests(state.base_url())
                    .with_clock(state.clock.clone()),
            ),
            false => None,
        };
        let hsts = sends_hsts(&state.settings);
        let server = HttpServer::new(move || {
            let mut headers = DefaultHeaders::new()
                .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("Referrer-Policy", "same-origin"))
                .add(("X-Frame-Options", "DENY"));
            if hsts {
                headers = headers.add(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY));
            }
            App::new()
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(64 * 1024))
                .app_data(web::PayloadConfig::default().limit(64 * 1024))
                .app_data(crate::api::json_config())
                .configure(crate::routes::configure)
                .wrap(from_fn(crate::web::context::load_context))
                .wrap(ErrorHandlers::new().default_handler(crate::web::errors::render_error_page))
                .wrap(headers)
                .wrap(tracing_actix_web::TracingLogger::default())
        })
        .workers(workers)
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            setup_code,
            mail_worker: mail_worker.map(crate::notify::worker::Worker::spawn),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server (tests stop theirs when they end).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The code the first visitor must enter at `/setup`, while the platform is not set up.
    pub fn setup_code(&self) -> Option<&str> {
        self.setup_code.as_deref()
    }

    /// Serves until the server is stopped (a signal, or its handle), then stops the mail
    /// worker, which finishes the message at hand.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(worker) = self.mail_worker {
            worker.stop().await;
        }
        served
    }
}
