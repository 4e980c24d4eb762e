//! Storage: one connection enum over SQLite and PostgreSQL, chosen by the URL's scheme, an r2d2
//! pool over it, and the embedded migrations of both backends.
//!
//! A lost database must fail fast: a request waits at most the checkout timeout for a
//! connection, and a new PostgreSQL connection gives up after libpq's `connect_timeout`, so a
//! database that stops answering yields a prompt 503 rather than a queue of hanging requests.
//! The pool reconnects by itself once the database is back.

pub mod schema;
pub mod timing;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// `INSERT INTO $table VALUES` every row of `$rows` in one statement, on either backend (the
/// connection enum has no multi-row inserts of its own); the rows inserted.
#[macro_export]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql(c) => {
                ::diesel::insert_into($table).values($rows).execute(c)
            }
            $crate::db::DbConnection::Sqlite(c) => {
                ::diesel::insert_into($table).values($rows).execute(c)
            }
        }
    };
}

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a database URL names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A file path (or `:memory:`) for SQLite.
    Sqlite(String),
    /// The whole URL, for libpq.
    Postgres(String),
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, anyhow::Error> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            Ok(Backend::Sqlite(path.to_string()))
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            Ok(Backend::Sqlite(path.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.to_string()))
        } else {
            anyhow::bail!("the database URL must start with sqlite:// or postgres://")
        }
    }
}

/// Opens connections for the pool, setting SQLite's pragmas on each one.
pub struct ConnectionManager {
    backend: Backend,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match &self.backend {
            Backend::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(url).map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.set_instrumentation(timing::QueryTimer::default());
                Ok(DbConnection::Postgresql(conn))
            }
            Backend::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                conn.set_instrumentation(timing::QueryTimer::default());
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The checkout timeout of `Db::connect` (the `database.checkout_timeout_ms` default).
pub const DEFAULT_CHECKOUT_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

/// A PostgreSQL URL with libpq's `connect_timeout` (whole seconds, at least 2) unless it names
/// one already, so a connection attempt to a silent host ends.
fn with_connect_timeout(url: &str, checkout: std::time::Duration) -> String {
    let seconds = checkout.as_secs_f64().ceil().max(2.0).to_string();
    with_params(url, &[("connect_timeout", &seconds)])
}

/// A PostgreSQL URL whose open connections notice a host that went silent (TCP keepalives, and
/// a bound on unacknowledged data), so a query on a pooled connection fails within seconds
/// instead of the kernel's retransmission timeout of many minutes.
fn with_dead_peer_detection(url: &str) -> String {
    with_params(
        url,
        &[
            ("keepalives", "1"),
            ("keepalives_idle", "5"),
            ("keepalives_interval", "2"),
            ("keepalives_count", "3"),
            ("tcp_user_timeout", "10000"),
        ],
    )
}

/// `url` with each `name=value` query parameter it does not name already.
fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let mut url = url.to_string();
    for (name, value) in params {
        if !url.contains(&format!("{name}=")) {
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{separator}{name}={value}");
        }
    }
    url
}

/// The database handle shared by every request: runs blocking diesel work off the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// Opens the pool (creating the SQLite file's folder if needed) and runs pending migrations.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        Self::connect_with(url, pool_size, DEFAULT_CHECKOUT_TIMEOUT)
    }

    /// `connect` with the checkout timeout of the settings (`database.checkout_timeout_ms`).
    pub fn connect_with(
        url: &str,
        pool_size: u32,
        checkout_timeout: std::time::Duration,
    ) -> anyhow::Result<Db> {
        let checkout_timeout = checkout_timeout.max(std::time::Duration::from_millis(100));
        let backend = match Backend::from_url(url)? {
            Backend::Postgres(url) => Backend::Postgres(with_dead_peer_detection(
                &with_connect_timeout(&url, checkout_timeout),
            )),
            sqlite => sqlite,
        };
        if let Backend::Sqlite(path) = &backend {
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
        }
        // One connection at the start, more as they are asked for: building the pool waits
        // for its idle connections, and opening all of them at once on a loaded machine could
        // take longer than one checkout may wait.
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(checkout_timeout)
            .build(ConnectionManager { backend })?;
        let db = Db { pool };
        db.migrate()?;
        Ok(db)
    }

    /// Runs the embedded migrations of this backend.
    pub fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get()?;
        let applied = match &mut *conn {
            DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        }
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        for version in applied {
            tracing::info!(migration.version = %version, "applied migration");
        }
        let recounted = crate::dashboard::season::recount_stale(&mut conn)
            .map_err(|e| anyhow::anyhow!("counting the seasons' dashboard cells: {e}"))?;
        if recounted > 0 {
            tracing::info!(
                cities = recounted,
                "counted the seasons' dashboard cells again"
            );
        }
        Ok(())
    }

    /// A connection for blocking work outside a request (CLI commands, seeding).
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        self.pool
            .get()
            .map_err(|e| AppError::Unavailable(anyhow::anyhow!("database pool: {e}")))
    }

    /// Runs `work` on a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }
}

/// Runs an insert in a savepoint and treats a unique violation as "already there": for rows two
/// requests may add at once (memberships). The savepoint keeps a surrounding transaction usable
/// on PostgreSQL, where a failed statement would otherwise abort it.
pub fn insert_unless_present(
    conn: &mut DbConnection,
    insert: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<usize>,
) -> diesel::QueryResult<()> {
    match conn.transaction(insert) {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e),
    }
}

diesel::define_sql_function!(
    /// SQL `lower(text)`, for case-insensitive `LIKE` on both backends (PostgreSQL's `LIKE`
    /// minds case).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// A `LIKE` pattern (with `ESCAPE '\\'`) matching any text that contains `text` lower-cased.
pub fn like_containing(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Whether an error is a unique-constraint violation (a duplicate slug, username, …).
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_scheme_picks_the_backend() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").ok(),
            Some(Backend::Sqlite("data/x.db".into()))
        );
        assert!(matches!(
            Backend::from_url("postgres://u@h/db"),
            Ok(Backend::Postgres(_))
        ));
        assert!(Backend::from_url("mysql://x").is_err());
    }

    #[test]
    fn pooled_postgres_connections_notice_a_silent_host() {
        let url = with_dead_peer_detection("postgres://u@h/db?sslmode=disable");
        assert!(url.starts_with("postgres://u@h/db?sslmode=disable&keepalives=1&"));
        assert!(url.contains("&tcp_user_timeout=10000"));
        let own = with_dead_peer_detection("postgres://u@h/db?tcp_user_timeout=500");
        assert_eq!(own.matches("tcp_user_timeout").count(), 1);
    }

    #[test]
    fn a_postgres_connection_attempt_is_bounded_unless_the_url_says_otherwise() {
        let checkout = std::time::Duration::from_millis(1500);
        assert_eq!(
            with_connect_timeout("postgres://u@h/db", checkout),
            "postgres://u@h/db?connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?sslmode=disable", checkout),
            "postgres://u@h/db?sslmode=disable&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?connect_timeout=9", checkout),
            "postgres://u@h/db?connect_timeout=9"
        );
    }
}
