//! Storage: one connection enum over SQLite and PostgreSQL, chosen by the URL's scheme, an r2d2
//! pool over it, and the embedded migrations of both backends.

pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

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
            Backend::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
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

/// The database handle shared by every request: runs blocking diesel work off the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// Opens the pool (creating the SQLite file's folder if needed) and runs pending migrations.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let backend = Backend::from_url(url)?;
        if let Backend::Sqlite(path) = &backend {
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(std::time::Duration::from_secs(10))
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
}
