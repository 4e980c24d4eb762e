//! Layered settings: the embedded `config/base.toml` < `config/{profile}.toml` (read from the
//! working directory when present) < `LANYARD__SECTION__KEY` environment variables.
//! The profile comes from `LANYARD_PROFILE` (default `development`).

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

const BASE: &str = include_str!("../config/base.toml");

#[derive(Clone, Debug, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub session: SessionSettings,
    pub limits: LimitsSettings,
    pub signing: SigningSettings,
    pub mail: MailSettings,
    pub storage: StorageSettings,
    #[serde(default)]
    pub testing: TestingSettings,
    #[serde(default)]
    pub oidc: OidcSettings,
}

/// What only tests may turn on. Refused under the production profile.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TestingSettings {
    /// `LANYARD__TESTING__CLOCK`: lets `POST /__test/clock` move the server's clock forward (a
    /// test reaches a child's 13th birthday without sleeping; see `clock`). For tests only:
    /// the production profile refuses to start with it.
    pub clock: bool,
}

/// Sign-in with OpenID Connect (see `auth::oidc`): the platform's own provider, offered on every
/// sign-in page, and the key that seals the client secrets of the cities' providers. Secrets
/// never reach `Debug` output.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct OidcSettings {
    /// `LANYARD__OIDC__ISSUER_URL`: the platform provider's issuer (its discovery document is at
    /// `{issuer}/.well-known/openid-configuration`); empty offers no platform provider.
    pub issuer_url: String,
    /// `LANYARD__OIDC__CLIENT_ID` and `LANYARD__OIDC__CLIENT_SECRET`: this deployment's client at
    /// that provider, registered with the redirect URI `{public_base_url}/signin/oidc/callback`.
    pub client_id: String,
    pub client_secret: String,
    /// `LANYARD__OIDC__DISPLAY_NAME`: the provider's name on its button ("Sign in with …").
    pub display_name: String,
    /// `LANYARD__OIDC__TIMEOUT_MS`: the longest one call to a provider (discovery, keys, token)
    /// may take; a provider that does not answer ends the sign-in with a message, never a hang.
    pub timeout_ms: u64,
    /// `LANYARD__OIDC__SECRET_KEY`: 32 bytes in base64 that seal the client secrets coordinators
    /// give for their city's provider …
    pub secret_key: String,
    /// `LANYARD__OIDC__SECRET_KEY_FILE`: … or a file holding that key.
    pub secret_key_file: String,
    /// `LANYARD__OIDC__GENERATE_SECRET_KEY`: write a new key to the file when there is none
    /// (development and demo; off in production, where cities' providers then wait for a key).
    pub generate_secret_key: bool,
}

impl Default for OidcSettings {
    fn default() -> Self {
        OidcSettings {
            issuer_url: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            display_name: String::new(),
            timeout_ms: 5000,
            secret_key: String::new(),
            secret_key_file: String::new(),
            generate_secret_key: false,
        }
    }
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field("display_name", &self.display_name)
            .field("timeout_ms", &self.timeout_ms)
            .field("secret_key_file", &self.secret_key_file)
            .finish_non_exhaustive()
    }
}

/// Where uploaded files are kept.
#[derive(Clone, Debug, Deserialize)]
pub struct StorageSettings {
    /// `LANYARD__STORAGE__EVIDENCE_DIR`: the folder of the evidence youth submit for review
    /// (photos and files), created when missing.
    pub evidence_dir: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ServerSettings {
    /// `LANYARD__SERVER__HOST`
    pub host: String,
    /// `LANYARD__SERVER__PORT`; 0 picks a free port.
    pub port: u16,
    /// `LANYARD__SERVER__PUBLIC_BASE_URL`; empty means `http://HOST:PORT` of the listener.
    pub public_base_url: String,
    /// `LANYARD__SERVER__WORKERS`; 0 means one per core.
    pub workers: usize,
    /// `LANYARD__SERVER__TRUST_FORWARDED_FOR`: a proxy in front appends to `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// `LANYARD__SERVER__TRUSTED_PROXIES`: the proxies' addresses or CIDR ranges, separated by
    /// commas (`127.0.0.1, 10.0.0.0/8`). With `trust_forwarded_for`, the client is the
    /// right-most `X-Forwarded-For` hop that is not one of them; what a client writes itself
    /// is never taken.
    pub trusted_proxies: String,
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `LANYARD__DATABASE__URL`: `sqlite://PATH` or `postgres://…`.
    pub url: String,
    /// `LANYARD__DATABASE__POOL_SIZE`
    pub pool_size: u32,
    /// `LANYARD__DATABASE__CHECKOUT_TIMEOUT_MS`: how long a request waits for a pooled
    /// connection (or a new one) before it answers 503; a lost database fails fast.
    pub checkout_timeout_ms: u64,
}

impl std::fmt::Debug for DatabaseSettings {
    // The URL may hold a password: keep it out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("backend", &self.url.split(':').next().unwrap_or(""))
            .field("pool_size", &self.pool_size)
            .field("checkout_timeout_ms", &self.checkout_timeout_ms)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
pub struct RedisSettings {
    /// `LANYARD__REDIS__URL`; empty keeps sessions in the database and counters in memory.
    pub url: String,
    /// `LANYARD__REDIS__PREFIX`: the prefix of every key, so instances can share a Redis.
    pub prefix: String,
    /// `LANYARD__REDIS__TIMEOUT_MS`: the longest any Redis call (or connection attempt) may
    /// take before the app carries on without Redis.
    pub timeout_ms: u64,
}

impl std::fmt::Debug for RedisSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSettings")
            .field("configured", &!self.url.is_empty())
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct SessionSettings {
    /// `LANYARD__SESSION__TTL_HOURS`
    pub ttl_hours: i64,
    /// `LANYARD__SESSION__SECURE_COOKIES`
    pub secure_cookies: bool,
}

/// Limits on what a visitor can repeat. Failures are counted, not successes (sign-ups are
/// counted whatever their outcome).
#[derive(Clone, Debug, Deserialize)]
pub struct LimitsSettings {
    /// `LANYARD__LIMITS__SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS`
    pub signin_failures_per_account_and_address: u32,
    /// `LANYARD__LIMITS__SIGNIN_FAILURES_PER_ACCOUNT`: across addresses; past it only addresses
    /// that already failed for the account are refused, so its owner can still sign in; past ten
    /// times it, every address is.
    pub signin_failures_per_account: u32,
    /// `LANYARD__LIMITS__SIGNIN_FAILURES_PER_ADDRESS`: whatever the account.
    pub signin_failures_per_address: u32,
    /// `LANYARD__LIMITS__SIGNIN_WINDOW_SECONDS`
    pub signin_window_seconds: u64,
    /// `LANYARD__LIMITS__CLAIM_FAILURES_PER_ACCOUNT`: wrong, used or already-earned codes.
    pub claim_failures_per_account: u32,
    /// `LANYARD__LIMITS__CLAIM_FAILURES_PER_ADDRESS`
    pub claim_failures_per_address: u32,
    /// `LANYARD__LIMITS__CLAIM_WINDOW_SECONDS`
    pub claim_window_seconds: u64,
    /// `LANYARD__LIMITS__SIGNUPS_PER_ADDRESS`: sign-up attempts, whatever their outcome.
    pub signups_per_address: u32,
    /// `LANYARD__LIMITS__SIGNUP_WINDOW_SECONDS`
    pub signup_window_seconds: u64,
    /// `LANYARD__LIMITS__PASSWORD_HASHES_AT_ONCE`: password hashes (about 19 MiB each) computed
    /// at the same time; 0 means one per core.
    pub password_hashes_at_once: usize,
    /// `LANYARD__LIMITS__PASSWORD_HASH_WAIT_MS`: how long a request waits for a hash slot, in
    /// milliseconds, before it is answered 503 with `Retry-After`.
    pub password_hash_wait_ms: u64,
}

/// The signing service. Secrets never reach `Debug` output.
#[derive(Clone, Deserialize, Default)]
#[serde(default)]
pub struct SigningSettings {
    /// `LANYARD__SIGNING__MODE`: `in-process` (default) or `remote` (a `lanyard signer`).
    pub mode: String,
    /// `LANYARD__SIGNING__MASTER_KEY`: 32 bytes in base64; encrypts issuer keys at rest.
    pub master_key: String,
    /// `LANYARD__SIGNING__MASTER_KEY_FILE`: a file holding the master key.
    pub master_key_file: String,
    /// `LANYARD__SIGNING__GENERATE_MASTER_KEY`: write a new key to the file when there is none
    /// (development and demo; off in production).
    pub generate_master_key: bool,
    /// `LANYARD__SIGNING__SIGNER_URL`: the `lanyard signer` to call in remote mode.
    pub signer_url: String,
    /// `LANYARD__SIGNING__SIGNER_SECRET`: the secret shared with the signer.
    pub signer_secret: String,
    /// `LANYARD__SIGNING__SIGNER_HOST` and `…_PORT`: where `lanyard signer` listens.
    pub signer_host: String,
    pub signer_port: u16,
}

impl std::fmt::Debug for SigningSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningSettings")
            .field("mode", &self.mode)
            .field("master_key_file", &self.master_key_file)
            .field("signer_url", &self.signer_url)
            .finish_non_exhaustive()
    }
}

/// E-mail delivery (see `notify::worker`). With no SMTP host, the worker marks each message
/// delivered to the mail viewer (`/admin/mail`) without any network call. Secrets never reach
/// `Debug` output.
#[derive(Clone, Deserialize)]
pub struct MailSettings {
    /// `LANYARD__MAIL__SMTP_URL`: `smtp://user:pass@host:port` (STARTTLS required),
    /// `smtps://…` (TLS from the first byte) or `smtp://…?tls=none`; when set it replaces the
    /// host, port, TLS and credentials below.
    pub smtp_url: String,
    /// `LANYARD__MAIL__SMTP_HOST`: empty (the default) delivers to the mail viewer only.
    pub smtp_host: String,
    /// `LANYARD__MAIL__SMTP_PORT`: 587 for STARTTLS, 465 for TLS, 25 or a test port for none.
    pub smtp_port: u16,
    /// `LANYARD__MAIL__TLS`: `starttls` (default), `tls`, or `none` (tests and a local relay).
    pub tls: String,
    /// `LANYARD__MAIL__SMTP_USERNAME` and `LANYARD__MAIL__SMTP_PASSWORD`: empty sends no
    /// authentication.
    pub smtp_username: String,
    pub smtp_password: String,
    /// `LANYARD__MAIL__FROM`: the sender, `Name <address>` or a bare address.
    pub from: String,
    /// `LANYARD__MAIL__WORKER`: run the delivery worker inside `serve` and `demo`; turn it off
    /// where a separate `lanyard worker` delivers.
    pub worker: bool,
    /// `LANYARD__MAIL__POLL_INTERVAL_MS`: how often the worker looks for due messages.
    pub poll_interval_ms: u64,
    /// `LANYARD__MAIL__MAX_ATTEMPTS`: failed attempts after which a message is marked failed.
    pub max_attempts: i32,
    /// `LANYARD__MAIL__RETRY_BASE_MS` and `LANYARD__MAIL__RETRY_CAP_MS`: the wait after the
    /// first failure, doubled after each further one, never longer than the cap.
    pub retry_base_ms: u64,
    pub retry_cap_ms: u64,
    /// `LANYARD__MAIL__TIMEOUT_MS`: the longest one delivery (connect, send, quit) may take.
    pub timeout_ms: u64,
}

impl MailSettings {
    /// Whether an SMTP server is configured at all.
    pub fn uses_smtp(&self) -> bool {
        !self.smtp_url.trim().is_empty() || !self.smtp_host.trim().is_empty()
    }
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp", &self.uses_smtp())
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("tls", &self.tls)
            .field("from", &self.from)
            .field("worker", &self.worker)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Loads the layers for the profile named by `LANYARD_PROFILE`.
    pub fn load() -> anyhow::Result<Settings> {
        let profile = std::env::var("LANYARD_PROFILE").unwrap_or_else(|_| "development".into());
        Self::load_profile(&profile)
    }

    pub fn load_profile(profile: &str) -> anyhow::Result<Settings> {
        let settings = Config::builder()
            .add_source(File::from_str(BASE, FileFormat::Toml))
            .add_source(File::with_name(&format!("config/{profile}")).required(false))
            .add_source(
                Environment::with_prefix("LANYARD")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize::<Settings>()?;
        refuse_tests_only(profile, &settings)?;
        Ok(settings)
    }
}

/// What is for tests only never starts under the production profile.
fn refuse_tests_only(profile: &str, settings: &Settings) -> anyhow::Result<()> {
    if profile == "production" && settings.testing.clock {
        anyhow::bail!(
            "testing.clock (LANYARD__TESTING__CLOCK) is for tests only; the production profile refuses it"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_base_layer_alone_is_a_complete_configuration() {
        let settings: Settings = Config::builder()
            .add_source(File::from_str(BASE, FileFormat::Toml))
            .build()
            .and_then(|c| c.try_deserialize())
            .unwrap_or_else(|e| panic!("base.toml must deserialize: {e}"));
        assert!(settings.database.url.starts_with("sqlite://"));
        assert_eq!(settings.server.port, 8080);
    }

    #[test]
    fn the_test_clock_is_off_by_default_and_refused_in_production() {
        let base: Settings = Config::builder()
            .add_source(File::from_str(BASE, FileFormat::Toml))
            .build()
            .and_then(|c| c.try_deserialize())
            .unwrap_or_else(|e| panic!("base.toml must deserialize: {e}"));
        assert!(!base.testing.clock);
        let mut testing = base;
        testing.testing.clock = true;
        assert!(refuse_tests_only("test", &testing).is_ok());
        let refused = refuse_tests_only("production", &testing)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(refused.contains("for tests only"), "{refused}");
    }

    #[test]
    fn debug_output_never_shows_the_database_url() {
        let db = DatabaseSettings {
            url: "postgres://user:secret@host/db".into(),
            pool_size: 1,
            checkout_timeout_ms: 1500,
        };
        assert!(!format!("{db:?}").contains("secret"));
    }

    #[test]
    fn by_default_mail_goes_to_the_viewer_and_its_password_never_reaches_debug_output() {
        let mut settings: Settings = Config::builder()
            .add_source(File::from_str(BASE, FileFormat::Toml))
            .build()
            .and_then(|c| c.try_deserialize())
            .unwrap_or_else(|e| panic!("base.toml must deserialize: {e}"));
        assert!(!settings.mail.uses_smtp());
        assert!(settings.mail.worker);
        settings.mail.smtp_password = "hunter2".into();
        settings.mail.smtp_url = "smtp://u:hunter2@mail.example".into();
        assert!(!format!("{:?}", settings.mail).contains("hunter2"));
    }

    #[test]
    fn no_platform_provider_by_default_and_its_secrets_never_reach_debug_output() {
        let mut settings: Settings = Config::builder()
            .add_source(File::from_str(BASE, FileFormat::Toml))
            .build()
            .and_then(|c| c.try_deserialize())
            .unwrap_or_else(|e| panic!("base.toml must deserialize: {e}"));
        assert!(settings.oidc.issuer_url.is_empty());
        assert!(settings.oidc.timeout_ms > 0 && settings.oidc.timeout_ms <= 10_000);
        settings.oidc.client_secret = "hunter2".into();
        settings.oidc.secret_key = "c2VjcmV0LWtleQ==".into();
        let shown = format!("{:?}", settings.oidc);
        assert!(!shown.contains("hunter2") && !shown.contains("c2VjcmV0"));
    }
}
