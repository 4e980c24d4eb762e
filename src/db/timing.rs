//! How long each query takes: every query at `debug` (target `lanyard::db::timing`), and a
//! query slower than [`SLOW`] as a warning, with its SQL. The values bound to a query are
//! never logged (they hold people's names, addresses and tokens), and a long statement (a
//! bulk insert's) is cut to [`SHOWN`] characters.

use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::Connection;

use crate::db::DbConnection;

/// A query slower than this is logged as a warning.
pub const SLOW: Duration = Duration::from_millis(250);

/// The same for a bulk load's statements (the demo city's), which are slow by design.
pub const BULK: Duration = Duration::from_secs(30);

/// The most characters of a statement logged.
pub const SHOWN: usize = 2_000;

/// The SQL of a query as diesel shows it (`SQL -- binds: [...]`), without its bound values,
/// cut to [`SHOWN`] characters. The SQL comes first and holds no input, so the first
/// separator is diesel's.
fn statement(query: &str) -> &str {
    let sql = query
        .split_once(" -- binds: ")
        .map_or(query, |(sql, _)| sql);
    match sql.char_indices().nth(SHOWN) {
        Some((end, _)) => &sql[..end],
        None => sql,
    }
}

/// The instrumentation of one connection: when its query started, and from how long a query
/// is slow.
pub struct QueryTimer {
    started: Option<Instant>,
    slow: Duration,
}

impl QueryTimer {
    pub fn new(slow: Duration) -> QueryTimer {
        QueryTimer {
            started: None,
            slow,
        }
    }
}

impl Default for QueryTimer {
    fn default() -> QueryTimer {
        QueryTimer::new(SLOW)
    }
}

/// Times the queries of `conn` with `slow` as their threshold from now on.
pub fn set_slow(conn: &mut DbConnection, slow: Duration) {
    match conn {
        DbConnection::Sqlite(c) => c.set_instrumentation(QueryTimer::new(slow)),
        DbConnection::Postgresql(c) => c.set_instrumentation(QueryTimer::new(slow)),
    }
}

impl Instrumentation for QueryTimer {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let Some(started) = self.started.take() else {
                    return;
                };
                let elapsed = started.elapsed();
                let ms = elapsed.as_secs_f64() * 1000.0;
                let failed = error.is_some();
                // The statement is written out only when it is logged.
                if elapsed >= self.slow {
                    let query = query.to_string();
                    tracing::warn!(ms, failed, query = statement(&query), "slow query");
                } else if tracing::enabled!(tracing::Level::DEBUG) {
                    let query = query.to_string();
                    tracing::debug!(ms, failed, query = statement(&query), "query");
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_is_logged_without_its_values_and_cut_when_long() {
        assert_eq!(
            statement("SELECT 1 FROM users WHERE email = ? -- binds: [\"a@b.c\"]"),
            "SELECT 1 FROM users WHERE email = ?"
        );
        assert_eq!(statement("SELECT 1"), "SELECT 1");
        let long = format!("INSERT INTO t VALUES {}", "(?), ".repeat(2_000));
        assert_eq!(statement(&long).chars().count(), SHOWN);
        assert!(long.starts_with(statement(&long)));
    }
}
