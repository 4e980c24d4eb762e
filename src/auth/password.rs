//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes), run off the async
//! workers because it is deliberately slow. `PasswordHashing` bounds how many hashes run at once,
//! so that a burst of sign-ups or sign-ins cannot grow memory without bound: a request waits a
//! bounded time for a turn, then is asked to come back (503 with `Retry-After`), and the hashing
//! threads reuse one buffer each instead of allocating 19 MiB per hash.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

thread_local! {
    /// The hashing threads' own argon2 memory, allocated once and reused by every hash, so the
    /// allocator never sees a 19 MiB allocation come and go (glibc keeps such memory and lets
    /// small allocations split it, growing the process with every hash). `None` on any other
    /// thread, which allocates for each hash as the crate does.
    static HASH_MEMORY: RefCell<Option<Vec<Block>>> = const { RefCell::new(None) };
}

/// The most memory a reused buffer grows to (4× the default cost); larger costs allocate.
const MAX_REUSED_BLOCKS: usize = 4 * Params::DEFAULT_M_COST as usize;

fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    HASH_MEMORY.with(|slot| {
        let mut slot = match slot.try_borrow_mut() {
            Ok(slot) => slot,
            Err(_) => return work(&mut vec![Block::default(); blocks]),
        };
        match slot.as_mut() {
            Some(memory) if blocks <= MAX_REUSED_BLOCKS => {
                if memory.len() < blocks {
                    memory.resize(blocks, Block::default());
                }
                work(&mut memory[..blocks])
            }
            _ => work(&mut vec![Block::default(); blocks]),
        }
    })
}

/// The argon2 output for `password` and `salt` under `argon`'s parameters.
fn compute(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &Salt<'_>,
    output_len: usize,
) -> argon2::password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let blocks = argon.params().block_count();
    Output::init_with(output_len, |out| {
        with_memory(blocks, |memory| {
            argon.hash_password_into_with_memory(password, salt, out, memory)
        })
        .map_err(Into::into)
    })
}

/// A PHC string for `password` (argon2id, the crate's default cost).
pub fn hash(password: &str) -> Result<String, AppError> {
    let failed = |e: argon2::password_hash::Error| {
        AppError::Internal(anyhow::anyhow!("password hashing: {e}"))
    };
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::default();
    let output = compute(
        &argon,
        password.as_bytes(),
        &salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
    )
    .map_err(failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string (compared in constant time). A malformed
/// hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    compute(&argon, password.as_bytes(), &salt, expected.len()).is_ok_and(|out| out == expected)
}

/// A hash of a random password, verified against when an account does not exist so that a
/// wrong name takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("not a real password, only a decoy").unwrap_or_default())
}

type Job = Box<dyn FnOnce() + Send>;

/// At most N password hashes at once, shared by every request of this process. They run on N
/// threads of their own, each with one argon2 buffer it reuses (`HASH_MEMORY`), so the memory
/// held for hashing is N × 19 MiB however many requests come.
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
                    HASH_MEMORY.with(|slot| {
                        if let Ok(mut slot) = slot.try_borrow_mut() {
                            slot.get_or_insert_with(Vec::new);
                        }
                    });
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
    /// Whether `password` matches `phc`; without one (no such account), checks it against the
    /// decoy so that the answer takes as long and is `false`. The decoy is made on a hashing
    /// thread, never on an async worker.
    pub async fn verify_or_decoy(
        &self,
        password: String,
        phc: Option<String>,
    ) -> Result<bool, AppError> {
        self.run(move || match phc {
            Some(phc) => verify(&password, &phc),
            None => {
                verify(&password, decoy_hash());
                false
            }
        })
        .await
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

    #[test]
    fn hashes_agree_with_the_argon2_crate_both_ways() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let ours = hash("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(verify("correct horse battery", &theirs));
        assert!(!verify("wrong horse battery", &theirs));
        // Another cost and variant, as older accounts may carry.
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, None).unwrap(),
        )
        .hash_password(b"older password", &salt)
        .unwrap()
        .to_string();
        assert!(verify("older password", &argon2i));
    }

    #[tokio::test]
    async fn the_hashing_threads_reuse_their_memory() {
        let hashing = PasswordHashing::new(1, 10_000);
        let phc = hashing.hash("correct horse battery".into()).await.unwrap();
        assert!(hashing
            .verify_or_decoy("correct horse battery".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!hashing
            .verify_or_decoy("wrong".into(), Some(phc))
            .await
            .unwrap());
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
