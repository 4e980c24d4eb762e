//! The one Redis connection of a process, for sessions and counters.
//!
//! Redis is optional and may go away at any time, so nothing here ever waits for it for long:
//! every call is bounded by `redis.timeout_ms`; a failed call marks the store down and starts one
//! background task that reconnects with a short, capped backoff; while the store is down calls
//! fail at once (`KvError::Down`) and callers degrade (visitors look signed out, counters fall
//! back to memory). Start-up makes one bounded attempt and then leaves the rest to that task, so
//! an unreachable Redis never delays the listener.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue};

use crate::error::AppError;

/// The longest pause between two reconnection attempts: Redis back means whole again within it.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Why a call to the store did not answer.
#[derive(Debug, thiserror::Error)]
pub enum KvError {
    /// The store is known to be unreachable; nothing was sent.
    #[error("redis is down")]
    Down,
    /// No answer within the configured timeout.
    #[error("redis did not answer in time")]
    Timeout,
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

impl From<KvError> for AppError {
    fn from(err: KvError) -> Self {
        AppError::Unavailable(err.into())
    }
}

/// What the store can say about itself (for `/readyz` and the logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvHealth {
    Up,
    /// Unreachable, with a short reason fit to show (no address, no credentials).
    Down(&'static str),
}

/// A cheap handle to the shared connection.
#[derive(Clone)]
pub struct Kv {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    prefix: String,
    timeout: Duration,
    connection: RwLock<Option<MultiplexedConnection>>,
    /// Why the store is down, while it is.
    down_reason: RwLock<&'static str>,
    reconnecting: AtomicBool,
    /// Where the reconnection task runs: the runtime that built the application.
    runtime: tokio::runtime::Handle,
}

impl Kv {
    /// The store for `url`, or `None` when Redis is not configured or its URL is unusable.
    /// Makes one attempt bounded by `timeout`; if it fails, the application starts degraded and
    /// keeps trying in the background.
    pub async fn start(url: &str, prefix: &str, timeout: Duration) -> Option<Kv> {
        if url.is_empty() {
            return None;
        }
        let client = match redis::Client::open(url) {
            Ok(client) => client,
            Err(e) => {
                tracing::warn!(error = %e, "invalid Redis URL; continuing without Redis");
                return None;
            }
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(
                "Redis needs an async runtime to reconnect in; continuing without Redis"
            );
            return None;
        };
        let kv = Kv {
            inner: Arc::new(Inner {
                client,
                prefix: prefix.to_string(),
                timeout: timeout.max(Duration::from_millis(10)),
                connection: RwLock::new(None),
                down_reason: RwLock::new("not connected yet"),
                reconnecting: AtomicBool::new(false),
                runtime,
            }),
        };
        match kv.connect().await {
            Ok(()) => tracing::info!("connected to Redis"),
            Err(reason) => {
                tracing::warn!(
                    redis.reason = reason,
                    "Redis unreachable at start-up; starting without it (visitors look signed out, counters in memory) and reconnecting in the background"
                );
                kv.mark_down(reason);
            }
        }
        Some(kv)
    }

    /// The key `PREFIX:name`, so several deployments can share one Redis.
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.inner.prefix)
    }

    /// Up or down, as of the last call; asking while down makes sure a reconnection is under way.
    pub fn health(&self) -> KvHealth {
        if self.current().is_some() {
            KvHealth::Up
        } else {
            self.reconnect_in_background();
            KvHealth::Down(self.reason())
        }
    }

    /// Runs one command, bounded by the timeout.
    pub async fn query<T: FromRedisValue + Send>(&self, cmd: redis::Cmd) -> Result<T, KvError> {
        self.call(|mut conn| async move { cmd.query_async::<T>(&mut conn).await })
            .await
    }

    /// Runs one pipeline, bounded by the timeout.
    pub async fn query_pipeline<T: FromRedisValue + Send>(
        &self,
        pipe: redis::Pipeline,
    ) -> Result<T, KvError> {
        self.call(|mut conn| async move { pipe.query_async::<T>(&mut conn).await })
            .await
    }

    async fn call<T, F, Fut>(&self, work: F) -> Result<T, KvError>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let Some(conn) = self.current() else {
            self.reconnect_in_background();
            return Err(KvError::Down);
        };
        match tokio::time::timeout(self.inner.timeout, work(conn)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                if breaks_connection(&e) {
                    tracing::warn!(error = %e, "lost the connection to Redis; reconnecting in the background");
                    self.mark_down("connection lost");
                }
                Err(KvError::Redis(e))
            }
            Err(_) => {
                tracing::warn!(
                    redis.timeout_ms = self.inner.timeout.as_millis(),
                    "Redis did not answer in time; reconnecting in the background"
                );
                self.mark_down("no answer in time");
                Err(KvError::Timeout)
            }
        }
    }

    fn current(&self) -> Option<MultiplexedConnection> {
        self.inner
            .connection
            .read()
            .ok()
            .and_then(|guard| guard.clone())
    }

    fn reason(&self) -> &'static str {
        self.inner
            .down_reason
            .read()
            .map(|r| *r)
            .unwrap_or("unknown")
    }

    /// One bounded connection attempt; on success the store is up again.
    async fn connect(&self) -> Result<(), &'static str> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(self.inner.timeout)
            .set_response_timeout(self.inner.timeout);
        let attempt = self
            .inner
            .client
            .get_multiplexed_async_connection_with_config(&config);
        // The outer bound covers the handshake too, whatever the client does with its own.
        match tokio::time::timeout(self.inner.timeout * 2, attempt).await {
            Ok(Ok(conn)) => {
                if let Ok(mut slot) = self.inner.connection.write() {
                    *slot = Some(conn);
                }
                Ok(())
            }
            Ok(Err(e)) if e.is_connection_refusal() => Err("connection refused"),
            Ok(Err(e)) if e.is_timeout() => Err("no answer in time"),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "Redis connection attempt failed");
                Err("connection failed")
            }
            Err(_) => Err("no answer in time"),
        }
    }

    fn mark_down(&self, reason: &'static str) {
        if let Ok(mut slot) = self.inner.connection.write() {
            *slot = None;
        }
        if let Ok(mut why) = self.inner.down_reason.write() {
            *why = reason;
        }
        self.reconnect_in_background();
    }

    /// Starts the reconnection task unless one is already running.
    fn reconnect_in_background(&self) {
        if self.inner.reconnecting.swap(true, Ordering::AcqRel) {
            return;
        }
        let kv = self.clone();
        self.inner.runtime.spawn(async move {
            let mut backoff = Duration::from_millis(100);
            let mut attempts: u32 = 0;
            loop {
                match kv.connect().await {
                    Ok(()) => {
                        tracing::info!(redis.attempts = attempts + 1, "reconnected to Redis");
                        break;
                    }
                    Err(reason) => {
                        if let Ok(mut why) = kv.inner.down_reason.write() {
                            *why = reason;
                        }
                        attempts = attempts.saturating_add(1);
                        // Say so now and then, not on every attempt.
                        if attempts.is_power_of_two() {
                            tracing::warn!(
                                redis.reason = reason,
                                redis.attempts = attempts,
                                "Redis still unreachable; retrying"
                            );
                        }
                    }
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            kv.inner.reconnecting.store(false, Ordering::Release);
        });
    }
}

/// Whether an error means the connection itself is gone (as opposed to a refused command).
fn breaks_connection(err: &redis::RedisError) -> bool {
    err.is_io_error()
        || err.is_connection_dropped()
        || err.is_connection_refusal()
        || err.is_timeout()
        || err.is_unrecoverable_error()
}
