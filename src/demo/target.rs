//! Where the demo writes: a fresh SQLite file under `--data`, or a PostgreSQL database named
//! by `--database-url` that it empties first, so it refuses any database whose name does not
//! say it is a demo.

use diesel::connection::SimpleConnection;
use diesel::Connection;

/// The database name of a PostgreSQL URL (`dbname=` in its query wins, as with libpq).
pub fn database_name(url: &str) -> Option<String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if let Some(name) = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("dbname="))
    {
        return Some(name.to_string());
    }
    let rest = base
        .strip_prefix("postgres://")
        .or_else(|| base.strip_prefix("postgresql://"))?;
    let (_, path) = rest.split_once('/')?;
    Some(path.to_string()).filter(|name| !name.is_empty())
}

/// Checks that `url` names a PostgreSQL database that is a demo's: one whose name contains
/// "demo", since everything in it is dropped.
pub fn check_demo_database(url: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "--database-url must be a postgres:// URL (the SQLite demo lives under --data)"
    );
    match database_name(url) {
        Some(name) if name.to_ascii_lowercase().contains("demo") => Ok(()),
        Some(name) => anyhow::bail!(
            "the demo empties its database: {name:?} does not have \"demo\" in its name, so it is left alone"
        ),
        None => anyhow::bail!("--database-url names no database"),
    }
}

/// Drops everything in the demo database's `public` schema (the migrations then make it anew).
pub fn wipe_postgres(url: &str) -> anyhow::Result<()> {
    check_demo_database(url)?;
    let mut conn = diesel::pg::PgConnection::establish(url)?;
    conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_database_named_as_a_demo_is_emptied() {
        assert!(check_demo_database("postgres://u@h:5432/lanyard_demo?sslmode=disable").is_ok());
        assert!(check_demo_database("postgresql://h/DemoCity").is_ok());
        assert!(check_demo_database("postgres://u@h/lanyard").is_err());
        assert!(check_demo_database("postgres://u@h/").is_err());
        assert!(check_demo_database("postgres://u@h").is_err());
        assert!(check_demo_database("sqlite://demo.db").is_err());
        // libpq reads dbname= over the path.
        assert!(check_demo_database("postgres://u@h/demo?dbname=production").is_err());
        assert_eq!(
            database_name("postgres://h/x?dbname=my_demo").as_deref(),
            Some("my_demo")
        );
    }
}
