//! Sign-in throttling: at most N attempts per account name and 4N per client address in one
//! window. Counted in Redis when configured (shared by every instance), else in memory.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;
use crate::kv::Kv;

#[derive(Clone)]
pub struct Throttle {
    accounts: Arc<DefaultKeyedRateLimiter<String>>,
    clients: Arc<DefaultKeyedRateLimiter<String>>,
    redis: Option<Kv>,
    attempts: u32,
    window: Duration,
}

impl Throttle {
    pub fn new(attempts: u32, window_seconds: u64, redis: Option<Kv>) -> Throttle {
        let attempts = attempts.max(1);
        let window = Duration::from_secs(window_seconds.max(1));
        let quota = |n: u32| {
            Quota::with_period(window / n)
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
        };
        Throttle {
            accounts: Arc::new(RateLimiter::keyed(quota(attempts))),
            clients: Arc::new(RateLimiter::keyed(quota(attempts * 4))),
            redis,
            attempts,
            window,
        }
    }

    /// Counts one sign-in attempt for `account` from `client`; refuses once either is over.
    pub async fn sign_in_attempt(&self, account: &str, client: &str) -> Result<(), AppError> {
        self.hit(&self.accounts, &format!("account:{account}"), self.attempts)
            .await?;
        self.hit(
            &self.clients,
            &format!("client:{client}"),
            self.attempts * 4,
        )
        .await
    }

    async fn hit(
        &self,
        memory: &DefaultKeyedRateLimiter<String>,
        key: &str,
        limit: u32,
    ) -> Result<(), AppError> {
        let retry_after_secs = (self.window.as_secs() / u64::from(self.attempts)).max(1);
        if let Some(kv) = &self.redis {
            let redis_key = kv.key(&format!("throttle:{key}"));
            let mut pipe = redis::pipe();
            pipe.atomic()
                .cmd("INCR")
                .arg(&redis_key)
                .cmd("EXPIRE")
                .arg(&redis_key)
                .arg(self.window.as_secs())
                .arg("NX")
                .ignore()
                .cmd("TTL")
                .arg(&redis_key);
            let counted = kv.query_pipeline::<(u32, i64)>(pipe).await;
            match counted {
                Ok((count, ttl)) if count > limit => {
                    return Err(AppError::TooManyRequests {
                        retry_after_secs: u64::try_from(ttl).unwrap_or(retry_after_secs),
                    })
                }
                Ok(_) => return Ok(()),
                Err(e) => {
                    tracing::warn!(error = %e, "throttle store unreachable; counting in memory");
                }
            }
        }
        match memory.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(_) => Err(AppError::TooManyRequests { retry_after_secs }),
        }
    }
}
