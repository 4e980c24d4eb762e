//! How long each query takes: every query at `debug` (target `lanyard::db::timing`), and a
//! query slower than [`SLOW`] as a warning, with its SQL.

use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// A query slower than this is logged as a warning.
pub const SLOW: Duration = Duration::from_millis(250);

/// The instrumentation of one connection: when its query started.
#[derive(Default)]
pub struct QueryTimer {
    started: Option<Instant>,
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
                if elapsed >= SLOW {
                    tracing::warn!(ms, failed, %query, "slow query");
                } else {
                    tracing::debug!(ms, failed, %query, "query");
                }
            }
            _ => {}
        }
    }
}
