//! The delivery worker: claims due messages of the outbox one at a time under a lease, sends
//! each through SMTP (or, with no SMTP configured, marks it delivered to the mail viewer), and
//! records the outcome. A failed attempt waits with exponential backoff; after
//! `mail.max_attempts` the message is given up as failed.
//!
//! Sent once: a message is claimed by one conditional update (see `store::claim_next`), its
//! lease outlasts the longest delivery (`mail.timeout_ms` bounds each one), and it is marked
//! sent right after the server accepts it. Only a crash between the two repeats a message, and
//! then with the same `Message-ID`.

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use tokio::sync::watch;

use crate::db::Db;
use crate::error::AppError;
use crate::notify::smtp::{Attempt, Smtp};
use crate::notify::store::{self, OutboxRow};
use crate::settings::MailSettings;

/// Where messages go.
enum Route {
    Smtp(Box<Smtp>),
    /// No SMTP configured: the mail viewer is the only reader.
    ViewerOnly,
}

/// Whether delivery works, as last seen by this worker; logged once when it changes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Health {
    Unknown,
    Delivering,
    Failing,
}

pub struct Worker {
    db: Db,
    route: Route,
    poll: Duration,
    lease: chrono::Duration,
    max_attempts: i32,
    retry_base_ms: u64,
    retry_cap_ms: u64,
    health: Health,
    /// The site's address, when this worker also queues the mentors' daily review digests.
    digests: Option<String>,
    last_digest_round: Option<std::time::Instant>,
    /// The clock the consent sweep goes by (see `clock`).
    clock: std::sync::Arc<crate::clock::Clock>,
}

/// How often the worker looks for review digests due.
const DIGEST_ROUND: Duration = Duration::from_secs(60);

/// A running worker: [`WorkerHandle::stop`] lets it finish the message at hand and return.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::warn!(error = %e, "mail worker ended abnormally");
        }
    }
}

/// The wait after the `attempts`-th failure: `base`, doubled each time, at most `cap`.
pub fn backoff(attempts: i32, base_ms: u64, cap_ms: u64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 40)).unwrap_or(0);
    let ms = base_ms.saturating_mul(2u64.saturating_pow(doublings));
    Duration::from_millis(ms.min(cap_ms))
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

impl Worker {
    pub fn new(db: Db, settings: &MailSettings) -> anyhow::Result<Worker> {
        let route = if settings.uses_smtp() {
            Route::Smtp(Box::new(Smtp::new(settings)?))
        } else {
            Route::ViewerOnly
        };
        let timeout_ms = i64::try_from(settings.timeout_ms).unwrap_or(i64::MAX / 4);
        Ok(Worker {
            db,
            route,
            poll: Duration::from_millis(settings.poll_interval_ms.max(10)),
            // Long enough that no delivery outlives its lease, however slow the server.
            lease: chrono::Duration::milliseconds(timeout_ms.saturating_mul(3))
                + chrono::Duration::seconds(30),
            max_attempts: settings.max_attempts.max(1),
            retry_base_ms: settings.retry_base_ms,
            retry_cap_ms: settings.retry_cap_ms.max(settings.retry_base_ms),
            health: Health::Unknown,
            digests: None,
            last_digest_round: None,
            clock: std::sync::Arc::new(crate::clock::Clock::real()),
        })
    }

    /// Also queues the mentors' daily review digests (linking to `base_url`).
    pub fn with_digests(mut self, base_url: String) -> Worker {
        self.digests = Some(base_url);
        self
    }

    /// Sweeps consent requests by `clock` (a test's clock moved forward) instead of the real time.
    pub fn with_clock(mut self, clock: std::sync::Arc<crate::clock::Clock>) -> Worker {
        self.clock = clock;
        self
    }

    /// Queues the review digests due and sweeps the consent requests, at most once per
    /// [`DIGEST_ROUND`].
    async fn queue_digests(&mut self) {
        let Some(base) = self.digests.clone() else {
            return;
        };
        if self
            .last_digest_round
            .is_some_and(|at| at.elapsed() < DIGEST_ROUND)
        {
            return;
        }
        self.last_digest_round = Some(std::time::Instant::now());
        let link_base = base.clone();
        let swept_at = self.clock.now();
        match self
            .db
            .run(move |conn| crate::review::digest::queue_due(conn, &base, now()))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(digests = n, "review digests queued"),
            Err(e) => tracing::warn!(error = %e, "review digests not queued this round"),
        }
        // The parents' weekly digest.
        let family_base = link_base.clone();
        match self
            .db
            .run(move |conn| crate::family::digest::queue_due(conn, &family_base, now()))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(digests = n, "family digests queued"),
            Err(e) => tracing::warn!(error = %e, "family digests not queued this round"),
        }
        // Parents' consent: reminders on the way, and accounts whose ten days are over.
        match self
            .db
            .run(move |conn| crate::family::consent::sweep(conn, &link_base, swept_at))
            .await
        {
            Ok(swept) if swept == Default::default() => {}
            Ok(swept) => tracing::info!(
                consent.reminded = swept.reminded,
                consent.expired = swept.expired,
                "consent requests swept"
            ),
            Err(e) => tracing::warn!(error = %e, "consent requests not swept this round"),
        }
    }

    /// Starts the worker on the current runtime.
    pub fn spawn(self) -> WorkerHandle {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(stopped));
        WorkerHandle { stop, task }
    }

    /// Delivers until told to stop.
    pub async fn run(mut self, mut stopped: watch::Receiver<bool>) {
        tracing::info!(
            mail.route = match self.route {
                Route::Smtp(_) => "smtp",
                Route::ViewerOnly => "viewer only (no SMTP configured)",
            },
            "mail worker started"
        );
        loop {
            self.queue_digests().await;
            if let Err(e) = self.deliver_due(&stopped).await {
                // The database is away; the next round tries again.
                tracing::debug!(error = %e, "mail worker: no database this round");
            }
            tokio::select! {
                _ = stopped.changed() => break,
                _ = tokio::time::sleep(self.poll) => {}
            }
            if *stopped.borrow() {
                break;
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Delivers every due message, one at a time, until none is due, a delivery fails (the
    /// server is likely down: the rest wait for the next round, their attempts untouched) or
    /// the worker is told to stop.
    pub async fn deliver_due(&mut self, stopped: &watch::Receiver<bool>) -> Result<(), AppError> {
        while !*stopped.borrow() {
            let lease = self.lease;
            let claimed = self
                .db
                .run(move |conn| {
                    let now = now();
                    Ok(store::claim_next(conn, now, now + lease)?)
                })
                .await?;
            let Some(message) = claimed else {
                return Ok(());
            };
            if !self.deliver(message).await? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Delivers one claimed message and records the outcome; `false` when it failed.
    async fn deliver(&mut self, message: OutboxRow) -> Result<bool, AppError> {
        let id = message.id;
        let attempt = match &self.route {
            Route::ViewerOnly => Attempt::KeptForViewer,
            Route::Smtp(smtp) => smtp.send(&message).await,
        };
        match attempt {
            Attempt::Sent | Attempt::KeptForViewer => {
                let status = if matches!(attempt, Attempt::Sent) {
                    "sent"
                } else {
                    "delivered"
                };
                self.db
                    .run(move |conn| Ok(store::mark_delivered(conn, id, status, now())?))
                    .await?;
                tracing::debug!(mail.id = id, mail.status = status, "mail delivered");
                self.set_health(Health::Delivering, "");
                Ok(true)
            }
            Attempt::Retry(error) => {
                let attempts = message.attempts + 1;
                let next = (attempts < self.max_attempts).then(|| {
                    let wait = backoff(attempts, self.retry_base_ms, self.retry_cap_ms);
                    now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
                });
                self.record_failure(&message, &error, next).await?;
                self.set_health(Health::Failing, &error);
                Ok(false)
            }
            Attempt::Refused(error) => {
                // The server (or the address) says no for good: retrying would not help.
                self.record_failure(&message, &error, None).await?;
                Ok(true)
            }
        }
    }

    async fn record_failure(
        &self,
        message: &OutboxRow,
        error: &str,
        next: Option<NaiveDateTime>,
    ) -> Result<(), AppError> {
        let id = message.id;
        let stored: String = error.chars().take(500).collect();
        self.db
            .run(move |conn| Ok(store::mark_attempt_failed(conn, id, &stored, next)?))
            .await?;
        if next.is_none() {
            tracing::warn!(
                mail.id = id,
                mail.kind = %message.kind,
                mail.attempts = message.attempts + 1,
                error = %error,
                "mail given up as failed"
            );
        }
        Ok(())
    }

    fn set_health(&mut self, health: Health, error: &str) {
        if self.health == health {
            return;
        }
        match health {
            Health::Failing => {
                tracing::warn!(error = %error, "mail delivery is failing; messages wait and are retried")
            }
            Health::Delivering if self.health == Health::Failing => {
                tracing::info!("mail delivery works again")
            }
            _ => {}
        }
        self.health = health;
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_the_cap() {
        assert_eq!(backoff(1, 1000, 60_000), Duration::from_secs(1));
        assert_eq!(backoff(2, 1000, 60_000), Duration::from_secs(2));
        assert_eq!(backoff(4, 1000, 60_000), Duration::from_secs(8));
        assert_eq!(backoff(30, 1000, 60_000), Duration::from_secs(60));
        assert_eq!(backoff(i32::MAX, 1000, 60_000), Duration::from_secs(60));
    }
}
