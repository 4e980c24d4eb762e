//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes), run off the async
//! workers because it is deliberately slow. `PasswordHashing` bounds how many hashes run at once,
//! so that a burst of sign-ups or sign-ins cannot grow memory without bound: a request waits a
//! bounded time for a turn, then is asked to come back (503 with `Retry-After`).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// A PHC string for `password`.
pub fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing: {e}")))
}

/// Whether `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when an account does not exist so that a
/// wrong name takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("not a real password, only a decoy").unwrap_or_default())
}

type Job = Box<dyn FnOnce() + Send>;

/// At most N password hashes at once, shared by every request of this process. They run on N
/// threads of their own rather than on the shared blocking pool: each thread's allocator keeps
/// the 19 MiB it last used and reuses it, so the memory held stays at N hashes' worth instead of
/// growing with every blocking thread that ever hashed.
#[derive(Clone)]
pub struct PasswordHashing {
    turns: Arc<Semaphore>,
    wait: Duration,
    jobs: std::sync::mpsc::Sender<Job>,
}

impl PasswordHashing {
    /// `at_once` hashes at a time (0: one per core); a request waits at most `wait_ms`.
    /// The threads end when the last clone is dropped.
    pub fn new(at_once: usize, wait_ms: u64) -> PasswordHashing {
        let at_once = match at_once {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..at_once {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        PasswordHashing {
            turns: Arc::new(Semaphore::new(at_once)),
            wait: Duration::from_millis(wait_ms.max(1)),
            jobs,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let turn = match tokio::time::timeout(self.wait, self.turns.clone().acquire_owned()).await {
            Ok(Ok(turn)) => turn,
            Ok(Err(_)) | Err(_) => {
                tracing::warn!("password hashing saturated; asking the visitor to retry");
                return Err(AppError::Busy {
                    retry_after_secs: self.wait.as_secs().max(1),
                });
            }
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
            drop(turn);
        });
        let lost = || AppError::Internal(anyhow::anyhow!("password hashing thread gone"));
        self.jobs.send(job).map_err(|_| lost())?;
        result.await.map_err(|_| lost())
    }

    /// A PHC string for `password`, when a turn is free.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash(&password)).await?
    }

    /// Whether `password` matches `phc`, when a turn is free.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, AppError> {
        self.run(move || verify(&password, &phc)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("wrong horse battery", &phc));
        assert!(!verify("anything", "not a phc string"));
    }

    #[tokio::test]
    async fn a_saturated_hasher_answers_busy_instead_of_queueing_forever() {
        let hashing = PasswordHashing::new(1, 10);
        let held = hashing.turns.clone().acquire_owned().await.unwrap();
        let refused = hashing.hash("correct horse battery".into()).await;
        assert!(matches!(refused, Err(AppError::Busy { .. })));
        drop(held);
        assert!(hashing.hash("correct horse battery".into()).await.is_ok());
    }
}
