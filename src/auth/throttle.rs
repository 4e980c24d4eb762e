//! Limits on what an anonymous visitor or a youth can repeat: named counters (sign-in failures,
//! claim-code failures, sign-ups …), each keyed by an account, an address or both, counted in a
//! fixed window. Counted in Redis when configured (shared by every instance), else in memory; if
//! Redis goes away, counting falls back to memory.
//!
//! Counting is race-free: an attempt is counted before it is tried (`attempt`), and a caller that
//! counts failures only gives a successful attempt back (`give_back`). Keys are hashed, so no
//! account name reaches Redis or a log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::kv::Kv;
use crate::settings::LimitsSettings;

/// How many attempts one key may make in one window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub fn new(max: u32, window_seconds: u64) -> Limit {
        Limit {
            max: max.max(1),
            window: Duration::from_secs(window_seconds.max(1)),
        }
    }
}

/// The named counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counter {
    /// Failed sign-ins of one account name from one address.
    SignInPair,
    /// Failed sign-ins of one account name from anywhere (looser).
    SignInAccount,
    /// Failed sign-ins from one address, whatever the account (password spraying).
    SignInAddress,
    /// Failed claim-code redemptions of one account.
    ClaimAccount,
    /// Failed claim-code redemptions from one address.
    ClaimAddress,
    /// Sign-up attempts from one address.
    SignUpAddress,
    /// Unknown tokens of e-mailed links tried from one address (guessing `/join/…`,
    /// `/consent/…`, `/reset/…` or `/verify-email/…` links, or a teen's link code).
    LinkGuessAddress,
    /// Refused submissions of work (bad files, bad links) of one account: each costs decoding.
    SubmissionAccount,
    /// Wrong link codes typed by one parent account (guessing a teen's code).
    LinkCodeAccount,
    /// Password-reset e-mails asked from one address.
    RecoveryAddress,
    /// Password-reset e-mails asked for one account (so nobody's inbox is flooded).
    RecoveryAccount,
    /// Requests of one youth to take over their account (each hashes a password).
    HandoffAccount,
    /// Temporary passwords one staff member sets for youth.
    StaffResetAccount,
    /// Data exports one account downloads (each signs and bakes every award).
    ExportAccount,
    /// Sign-ins through an OpenID provider started from one address (each calls the provider).
    OidcStartAddress,
    /// Failed returns from an OpenID provider to one address (forged states, refused tokens).
    OidcFailureAddress,
}

impl Counter {
    fn name(self) -> &'static str {
        match self {
            Counter::SignInPair => "signin-pair",
            Counter::SignInAccount => "signin-account",
            Counter::SignInAddress => "signin-address",
            Counter::ClaimAccount => "claim-account",
            Counter::ClaimAddress => "claim-address",
            Counter::SignUpAddress => "signup-address",
            Counter::LinkGuessAddress => "link-guess-address",
            Counter::SubmissionAccount => "submission-account",
            Counter::LinkCodeAccount => "link-code-account",
            Counter::RecoveryAddress => "recovery-address",
            Counter::RecoveryAccount => "recovery-account",
            Counter::HandoffAccount => "handoff-account",
            Counter::StaffResetAccount => "staff-reset-account",
            Counter::ExportAccount => "export-account",
            Counter::OidcStartAddress => "oidc-start-address",
            Counter::OidcFailureAddress => "oidc-failure-address",
        }
    }
}

/// The limit of every counter, from the settings.
#[derive(Clone, Debug)]
pub struct Limits {
    sign_in_pair: Limit,
    sign_in_account: Limit,
    sign_in_address: Limit,
    claim_account: Limit,
    claim_address: Limit,
    sign_up_address: Limit,
    link_guess_address: Limit,
    submission_account: Limit,
    link_code_account: Limit,
    recovery_address: Limit,
    recovery_account: Limit,
    handoff_account: Limit,
    staff_reset_account: Limit,
    export_account: Limit,
    oidc_start_address: Limit,
    oidc_failure_address: Limit,
}

impl Limits {
    pub fn from_settings(s: &LimitsSettings) -> Limits {
        Limits {
            sign_in_pair: Limit::new(
                s.signin_failures_per_account_and_address,
                s.signin_window_seconds,
            ),
            sign_in_account: Limit::new(s.signin_failures_per_account, s.signin_window_seconds),
            sign_in_address: Limit::new(s.signin_failures_per_address, s.signin_window_seconds),
            claim_account: Limit::new(s.claim_failures_per_account, s.claim_window_seconds),
            claim_address: Limit::new(s.claim_failures_per_address, s.claim_window_seconds),
            sign_up_address: Limit::new(s.signups_per_address, s.signup_window_seconds),
            link_guess_address: Limit::new(LINK_GUESSES_PER_ADDRESS, LINK_GUESS_WINDOW_SECONDS),
            submission_account: Limit::new(
                SUBMISSION_FAILURES_PER_ACCOUNT,
                SUBMISSION_FAILURE_WINDOW_SECONDS,
            ),
            link_code_account: Limit::new(LINK_CODE_FAILURES_PER_ACCOUNT, HOUR_SECONDS),
            recovery_address: Limit::new(RECOVERY_MAILS_PER_ADDRESS, HOUR_SECONDS),
            recovery_account: Limit::new(RECOVERY_MAILS_PER_ACCOUNT, HOUR_SECONDS),
            handoff_account: Limit::new(HANDOFF_REQUESTS_PER_ACCOUNT, DAY_SECONDS),
            staff_reset_account: Limit::new(STAFF_RESETS_PER_ACCOUNT, HOUR_SECONDS),
            export_account: Limit::new(EXPORTS_PER_ACCOUNT, HOUR_SECONDS),
            oidc_start_address: Limit::new(OIDC_STARTS_PER_ADDRESS, LINK_GUESS_WINDOW_SECONDS),
            oidc_failure_address: Limit::new(OIDC_FAILURES_PER_ADDRESS, LINK_GUESS_WINDOW_SECONDS),
        }
    }

    fn of(&self, counter: Counter) -> Limit {
        match counter {
            Counter::SignInPair => self.sign_in_pair,
            Counter::SignInAccount => self.sign_in_account,
            Counter::SignInAddress => self.sign_in_address,
            Counter::ClaimAccount => self.claim_account,
            Counter::ClaimAddress => self.claim_address,
            Counter::SignUpAddress => self.sign_up_address,
            Counter::LinkGuessAddress => self.link_guess_address,
            Counter::SubmissionAccount => self.submission_account,
            Counter::LinkCodeAccount => self.link_code_account,
            Counter::RecoveryAddress => self.recovery_address,
            Counter::RecoveryAccount => self.recovery_account,
            Counter::HandoffAccount => self.handoff_account,
            Counter::StaffResetAccount => self.staff_reset_account,
            Counter::ExportAccount => self.export_account,
            Counter::OidcStartAddress => self.oidc_start_address,
            Counter::OidcFailureAddress => self.oidc_failure_address,
        }
    }
}

/// One counter's key: which counter, and the account, address or pair it counts.
#[derive(Clone, Debug)]
pub struct Key {
    counter: Counter,
    digest: String,
}

impl Key {
    pub fn new(counter: Counter, parts: &[&str]) -> Key {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        Key {
            counter,
            digest: hex::encode(&hasher.finalize()[..16]),
        }
    }

    fn name(&self) -> String {
        format!("{}:{}", self.counter.name(), self.digest)
    }
}

/// A counter's value and how long until its window ends.
#[derive(Clone, Copy, Debug)]
struct Count {
    value: u32,
    resets_in: Duration,
}

/// In memory: a fixed window per key. Expired keys are swept once the map has doubled since the
/// last sweep (so sweeping costs O(1) per call however many keys are live), and the map never
/// holds more than [`MAX_KEYS`]: past it, new keys of a counter share one overflow key, so a
/// flood of made-up names is still counted (together) and memory stays bounded.
#[derive(Default)]
struct Memory {
    windows: HashMap<String, (u32, Instant)>,
    next_sweep: usize,
}

const SWEEP_AT: usize = 10_000;
const MAX_KEYS: usize = 200_000;

impl Memory {
    fn add(&mut self, key: &str, delta: i64, window: Duration, now: Instant) -> Count {
        if self.windows.len() >= self.next_sweep.max(SWEEP_AT) {
            self.windows.retain(|_, (_, ends)| *ends > now);
            self.next_sweep = (self.windows.len() * 2).max(SWEEP_AT);
        }
        let key = if self.windows.len() >= MAX_KEYS && !self.windows.contains_key(key) {
            let counter = key.split(':').next().unwrap_or_default();
            format!("{counter}:overflow")
        } else {
            key.to_string()
        };
        let entry = self.windows.entry(key).or_insert((0, now + window));
        if entry.1 <= now {
            *entry = (0, now + window);
        }
        entry.0 = if delta >= 0 {
            entry
                .0
                .saturating_add(u32::try_from(delta).unwrap_or(u32::MAX))
        } else {
            entry
                .0
                .saturating_sub(u32::try_from(-delta).unwrap_or(u32::MAX))
        };
        Count {
            value: entry.0,
            resets_in: entry.1.saturating_duration_since(now),
        }
    }
}

/// The address a limit counts: IPv4 addresses as they are, IPv6 ones by their /64, since one
/// host or household holds a whole /64 and could otherwise count as billions of addresses.
fn limit_bucket(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_string(),
    }
}

impl Counter {
    /// Counters of an address (checked first: past them nothing else is counted).
    fn of_address(self) -> bool {
        matches!(
            self,
            Counter::SignInAddress
                | Counter::ClaimAddress
                | Counter::SignUpAddress
                | Counter::LinkGuessAddress
                | Counter::OidcStartAddress
                | Counter::OidcFailureAddress
        )
    }
}

/// Past this many times its limit, an account's sign-in failures are refused from every
/// address, even from one that has not failed before.
const ACCOUNT_HARD_LIMIT_FACTOR: u32 = 10;

/// `KEYS[1]` less `ARGV[1]`, floored at zero, only if the key exists; answers `{value, ttl}`.
const GIVE_BACK_SCRIPT: &str = "if redis.call('EXISTS', KEYS[1]) == 0 then return {0, -2} end \
    local v = redis.call('DECRBY', KEYS[1], ARGV[1]) \
    if v < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') v = 0 end \
    return {v, redis.call('TTL', KEYS[1])}";

fn refusal(keys: usize, wait: Duration) -> AppError {
    tracing::info!(limit.keys = keys, "attempt refused by a limit");
    AppError::TooManyRequests {
        retry_after_secs: wait.as_secs().max(1),
    }
}

#[derive(Clone)]
pub struct Throttle {
    limits: Limits,
    memory: Arc<Mutex<Memory>>,
    redis: Option<Kv>,
}

/// Sign-in keys of `account` from `address`: the pair, the account, the address.
pub fn sign_in_keys(account: &str, address: &str) -> [Key; 3] {
    let address = limit_bucket(address);
    let address = address.as_str();
    [
        Key::new(Counter::SignInPair, &[account, address]),
        Key::new(Counter::SignInAccount, &[account]),
        Key::new(Counter::SignInAddress, &[address]),
    ]
}

/// Claim-code keys of one youth from `address`.
pub fn claim_keys(account: &str, address: &str) -> [Key; 2] {
    let address = limit_bucket(address);
    let address = address.as_str();
    [
        Key::new(Counter::ClaimAccount, &[account]),
        Key::new(Counter::ClaimAddress, &[address]),
    ]
}

/// Unknown link tokens an address may try in one window: a person who mistypes a link a few
/// times is never refused, a script guessing tokens soon is.
pub const LINK_GUESSES_PER_ADDRESS: u32 = 10;
pub const LINK_GUESS_WINDOW_SECONDS: u64 = 900;

/// The link-guess key of `address` (only unknown tokens count: give the attempt back when the
/// token is known; [`Throttle::counting_guesses`] does both).
pub fn link_guess_keys(address: &str) -> [Key; 1] {
    let address = limit_bucket(address);
    [Key::new(Counter::LinkGuessAddress, &[address.as_str()])]
}

/// Refused submissions of work one youth may make in one window (a file of the wrong type, a
/// bad link): a child correcting a form is never stopped, a script re-sending large files is.
pub const SUBMISSION_FAILURES_PER_ACCOUNT: u32 = 30;
pub const SUBMISSION_FAILURE_WINDOW_SECONDS: u64 = 3600;

/// The submission key of one youth (give the attempt back when the submission is taken).
pub fn submission_keys(account: &str) -> [Key; 1] {
    [Key::new(Counter::SubmissionAccount, &[account])]
}

const HOUR_SECONDS: u64 = 3600;
/// Wrong link codes one parent account may type in an hour: enough for typos, far too few to
/// find a live code among 32^8.
pub const LINK_CODE_FAILURES_PER_ACCOUNT: u32 = 10;
/// Password-reset e-mails one address may ask for in an hour, and one account may be sent.
pub const RECOVERY_MAILS_PER_ADDRESS: u32 = 10;
pub const RECOVERY_MAILS_PER_ACCOUNT: u32 = 3;

/// The link-code keys of one parent (give the attempt back when the code works).
pub fn link_code_keys(account: &str, address: &str) -> [Key; 2] {
    [
        Key::new(Counter::LinkCodeAccount, &[account]),
        link_guess_keys(address)[0].clone(),
    ]
}

/// The keys a password-reset request counts against: every request counts, since each sends
/// an e-mail.
pub fn recovery_keys(login: &str, address: &str) -> [Key; 2] {
    [
        Key::new(Counter::RecoveryAddress, &[limit_bucket(address).as_str()]),
        Key::new(Counter::RecoveryAccount, &[login]),
    ]
}

const DAY_SECONDS: u64 = 86_400;
/// Requests to take over an account one youth may send in a day (a declined one may be asked
/// again, not hammered).
pub const HANDOFF_REQUESTS_PER_ACCOUNT: u32 = 5;
/// Temporary passwords one staff member may set in an hour: a class's worth, not a sweep.
pub const STAFF_RESETS_PER_ACCOUNT: u32 = 30;

/// The key of one youth's requests to take over their account (every attempt counts).
pub fn handoff_keys(account: &str) -> [Key; 1] {
    [Key::new(Counter::HandoffAccount, &[account])]
}

/// The key of one staff member's temporary passwords (every one set counts).
pub fn staff_reset_keys(account: &str) -> [Key; 1] {
    [Key::new(Counter::StaffResetAccount, &[account])]
}

/// Data exports one account may download in an hour: a family keeping a copy needs one or
/// two, and each costs a signature check and a baked image per award.
pub const EXPORTS_PER_ACCOUNT: u32 = 3;

/// The export key of the account that downloads (a parent's downloads of their children's
/// data count as theirs). Every download counts.
pub fn export_keys(account: &str) -> [Key; 1] {
    [Key::new(Counter::ExportAccount, &[account])]
}

/// Sign-ins through a provider one address may start in one window (a school's shared address
/// included), and failed returns it may bring back: a person who retries a few times is never
/// stopped, a script forging states soon is.
pub const OIDC_STARTS_PER_ADDRESS: u32 = 60;
pub const OIDC_FAILURES_PER_ADDRESS: u32 = 10;

/// The key every sign-in started through a provider counts against.
pub fn oidc_start_keys(address: &str) -> [Key; 1] {
    [Key::new(
        Counter::OidcStartAddress,
        &[limit_bucket(address).as_str()],
    )]
}

/// The key a failed return from a provider counts against (give it back on success).
pub fn oidc_failure_keys(address: &str) -> [Key; 1] {
    [Key::new(
        Counter::OidcFailureAddress,
        &[limit_bucket(address).as_str()],
    )]
}

/// The sign-up key of `address`.
pub fn sign_up_keys(address: &str) -> [Key; 1] {
    let address = limit_bucket(address);
    let address = address.as_str();
    [Key::new(Counter::SignUpAddress, &[address])]
}

impl Throttle {
    pub fn new(limits: Limits, redis: Option<Kv>) -> Throttle {
        Throttle {
            limits,
            memory: Arc::new(Mutex::new(Memory::default())),
            redis,
        }
    }

    /// Counts one attempt on every key and refuses it (429 with `Retry-After`) when any key is
    /// over its limit.
    ///
    /// Sign-in failures have one exception, so that a targeted account's owner can still sign
    /// in: past the looser per-account limit, only an address that has already failed for this
    /// account in the window is refused.
    pub async fn attempt(&self, keys: &[Key]) -> Result<(), AppError> {
        let mut counts = Vec::with_capacity(keys.len());
        // The address first: once it is over, nothing else is counted (no new key per made-up
        // account name from an address that is already refused).
        let ordered = keys
            .iter()
            .filter(|k| k.counter.of_address())
            .chain(keys.iter().filter(|k| !k.counter.of_address()));
        for key in ordered {
            let count = self.add(key, 1).await;
            if key.counter.of_address() && count.value > self.limits.of(key.counter).max {
                return Err(refusal(keys.len(), count.resets_in));
            }
            counts.push((key, count));
        }
        let pair_failed_before = counts
            .iter()
            .any(|(key, count)| key.counter == Counter::SignInPair && count.value > 1);
        let over = counts.iter().filter(|(key, count)| {
            let limit = self.limits.of(key.counter);
            let hard = limit.max.saturating_mul(ACCOUNT_HARD_LIMIT_FACTOR);
            count.value > limit.max
                && (key.counter != Counter::SignInAccount
                    || pair_failed_before
                    || count.value > hard)
        });
        match over.map(|(_, count)| count.resets_in).max() {
            Some(wait) => Err(refusal(keys.len(), wait)),
            None => Ok(()),
        }
    }

    /// Runs `lookup` (the token of an e-mailed link, say) as an attempt on `keys`, counting it
    /// as a guess unless it found what it looked for (`unknown` says which refusals count:
    /// "no such link"). A lookup that could not be tried is given back too.
    pub async fn counting_guesses<T, U>(
        &self,
        keys: &[Key],
        lookup: impl std::future::Future<Output = Result<Result<T, U>, AppError>>,
        unknown: impl Fn(&U) -> bool,
    ) -> Result<Result<T, U>, AppError> {
        self.attempt(keys).await?;
        let found = lookup.await;
        if !matches!(&found, Ok(Err(why)) if unknown(why)) {
            self.give_back(keys).await;
        }
        found
    }

    /// Gives back the attempt counted on every key: it succeeded (only failures count), or it
    /// could not be tried.
    pub async fn give_back(&self, keys: &[Key]) {
        for key in keys {
            self.add(key, -1).await;
        }
    }

    /// Adds `delta` to a key's counter (starting its window if new); answers the new count.
    async fn add(&self, key: &Key, delta: i64) -> Count {
        let limit = self.limits.of(key.counter);
        let name = key.name();
        if let Some(kv) = &self.redis {
            let redis_key = kv.key(&format!("limit:{name}"));
            let mut pipe = redis::pipe();
            if delta < 0 {
                // Give back only into a window that still exists, and never below zero: a
                // give-back after the window ended must not open the next one in credit.
                pipe.cmd("EVAL")
                    .arg(GIVE_BACK_SCRIPT)
                    .arg(1)
                    .arg(&redis_key)
                    .arg(-delta);
                if let Some(((value, ttl),)) = self.query_redis::<((i64, i64),)>(pipe).await {
                    return Count {
                        value: u32::try_from(value.max(0)).unwrap_or(u32::MAX),
                        resets_in: Duration::from_secs(u64::try_from(ttl).unwrap_or(1)),
                    };
                }
                return self.add_in_memory(&name, delta, limit.window);
            }
            pipe.atomic()
                .cmd("INCRBY")
                .arg(&redis_key)
                .arg(delta)
                .cmd("EXPIRE")
                .arg(&redis_key)
                .arg(limit.window.as_secs())
                .arg("NX")
                .ignore()
                .cmd("TTL")
                .arg(&redis_key);
            if let Some((value, ttl)) = self.query_redis::<(i64, i64)>(pipe).await {
                return Count {
                    value: u32::try_from(value.max(0)).unwrap_or(u32::MAX),
                    resets_in: Duration::from_secs(u64::try_from(ttl).unwrap_or(1)),
                };
            }
        }
        self.add_in_memory(&name, delta, limit.window)
    }

    fn add_in_memory(&self, name: &str, delta: i64, window: Duration) -> Count {
        // A poisoned lock only means another request panicked mid-count: the counts are whole.
        let mut memory = self
            .memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        memory.add(name, delta, window, Instant::now())
    }

    /// The one place that talks to Redis. `None` when it cannot be reached (logged).
    async fn query_redis<T: redis::FromRedisValue + Send>(
        &self,
        pipe: redis::Pipeline,
    ) -> Option<T> {
        let kv = self.redis.as_ref()?;
        match kv.query_pipeline::<T>(pipe).await {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::warn!(error = %e, "throttle store unreachable; counting in memory");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_up_and_down_and_starts_over_when_it_ends() {
        let mut memory = Memory::default();
        let start = Instant::now();
        let window = Duration::from_secs(60);
        assert_eq!(memory.add("k", 1, window, start).value, 1);
        assert_eq!(memory.add("k", 1, window, start).value, 2);
        assert_eq!(memory.add("k", -1, window, start).value, 1);
        assert_eq!(memory.add("k", -5, window, start).value, 0);
        let later = start + Duration::from_secs(61);
        assert_eq!(memory.add("k", 1, window, later).value, 1);
    }

    #[test]
    fn keys_hash_their_parts_so_no_name_is_stored() {
        let key = Key::new(Counter::SignInPair, &["maya", "10.0.0.1"]);
        assert!(!key.name().contains("maya"));
        let shifted = Key::new(Counter::SignInPair, &["maya1", "0.0.0.1"]);
        assert_ne!(key.name(), shifted.name());
    }

    #[test]
    fn a_flood_of_live_keys_stays_bounded_and_is_still_counted() {
        let mut memory = Memory::default();
        let now = Instant::now();
        let window = Duration::from_secs(600);
        for n in 0..MAX_KEYS + 500 {
            memory.add(&format!("signin-account:{n}"), 1, window, now);
        }
        assert!(memory.windows.len() <= MAX_KEYS + 1);
        // The names past the bound share one counter, so they are refused together.
        assert_eq!(memory.windows["signin-account:overflow"].0, 500);
        // Known keys still count on their own.
        assert_eq!(memory.add("signin-account:7", 1, window, now).value, 2);
    }

    #[test]
    fn ipv6_addresses_are_counted_by_their_slash_64() {
        assert_eq!(limit_bucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            limit_bucket("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            limit_bucket("2001:db8:1:2::9")
        );
        assert_ne!(
            limit_bucket("2001:db8:1:2::1"),
            limit_bucket("2001:db8:1:3::1")
        );
        assert_eq!(limit_bucket("203.0.113.9"), "203.0.113.9");
        assert_eq!(limit_bucket("::ffff:203.0.113.9"), "::ffff:203.0.113.9");
    }

    fn tight_limits() -> Limits {
        Limits::from_settings(&LimitsSettings {
            signin_failures_per_account_and_address: 100,
            signin_failures_per_account: 2,
            signin_failures_per_address: 3,
            signin_window_seconds: 600,
            claim_failures_per_account: 20,
            claim_failures_per_address: 60,
            claim_window_seconds: 600,
            signups_per_address: 20,
            signup_window_seconds: 600,
            password_hashes_at_once: 1,
            password_hash_wait_ms: 100,
        })
    }

    #[tokio::test]
    async fn an_address_over_its_limit_adds_no_new_keys() {
        let throttle = Throttle::new(tight_limits(), None);
        for n in 0..3 {
            let keys = sign_in_keys(&format!("name-{n}"), "198.51.100.7");
            assert!(throttle.attempt(&keys).await.is_ok());
        }
        let before = throttle.memory.lock().map(|m| m.windows.len()).unwrap();
        for n in 3..50 {
            let keys = sign_in_keys(&format!("name-{n}"), "198.51.100.7");
            assert!(throttle.attempt(&keys).await.is_err());
        }
        let after = throttle.memory.lock().map(|m| m.windows.len()).unwrap();
        assert_eq!(before, after);
    }

    #[tokio::test]
    async fn past_ten_times_its_limit_an_account_is_refused_from_new_addresses_too() {
        let throttle = Throttle::new(tight_limits(), None);
        // A limit of 2 per account: addresses that never failed still pass up to 20.
        for n in 0..20 {
            let keys = sign_in_keys("maya", &format!("198.51.100.{n}"));
            assert!(throttle.attempt(&keys).await.is_ok(), "attempt {n}");
        }
        let keys = sign_in_keys("maya", "203.0.113.200");
        assert!(throttle.attempt(&keys).await.is_err());
    }
}
