//! Server-side sessions. The cookie holds a random token; the server keeps only its SHA-256,
//! in the database by default or in Redis when configured. If Redis is lost, visitors appear
//! signed out (logged as a warning) rather than seeing errors, and starting a session answers
//! 503 at once (every Redis call is bounded, see `kv`).

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use chrono::Utc;

use crate::auth::{store, CurrentUser};
use crate::db::Db;
use crate::error::AppError;
use crate::ids::UserId;
use crate::kv::Kv;
use crate::secrets::{random_token, token_hash};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "lanyard_session";

/// Where sessions live.
#[derive(Clone)]
pub enum SessionStore {
    Database(Db),
    Redis { kv: Kv, db: Db },
}

impl SessionStore {
    /// Starts a session for `user` and returns the token for the cookie.
    pub async fn start(&self, user: UserId, ttl_hours: i64) -> Result<String, AppError> {
        let token = random_token();
        let hash = token_hash(&token);
        match self {
            SessionStore::Database(db) => {
                db.run(move |conn| {
                    let now = Utc::now().naive_utc();
                    store::insert_session(conn, &hash, user, now, ttl_hours)?;
                    Ok(())
                })
                .await?
            }
            SessionStore::Redis { kv, .. } => {
                let ttl = ttl_hours.max(1) * 3600;
                let mut cmd = redis::cmd("SET");
                cmd.arg(kv.key(&format!("session:{hash}")))
                    .arg(user.0)
                    .arg("EX")
                    .arg(ttl);
                kv.query::<()>(cmd).await?;
                // Each user's sessions are also listed, so that a password reset can end them.
                let list = kv.key(&format!("user-sessions:{}", user.0));
                let mut add = redis::cmd("SADD");
                add.arg(&list).arg(&hash);
                kv.query::<()>(add).await?;
                let mut expire = redis::cmd("EXPIRE");
                expire.arg(&list).arg(ttl);
                kv.query::<()>(expire).await?;
            }
        }
        Ok(token)
    }

    /// The user a session token belongs to, if the session is live.
    pub async fn user(&self, token: &str) -> Result<Option<CurrentUser>, AppError> {
        let hash = token_hash(token);
        match self {
            SessionStore::Database(db) => {
                db.run(move |conn| Ok(store::user_by_session(conn, &hash, Utc::now().naive_utc())?))
                    .await
            }
            SessionStore::Redis { kv, db } => {
                let mut cmd = redis::cmd("GET");
                cmd.arg(kv.key(&format!("session:{hash}")));
                let id = match kv.query::<Option<i64>>(cmd).await {
                    Ok(id) => id,
                    Err(e) => {
                        tracing::warn!(error = %e, "session store unreachable; treating visitor as signed out");
                        None
                    }
                };
                match id {
                    Some(id) => {
                        db.run(move |conn| Ok(store::find_user(conn, UserId(id))?))
                            .await
                    }
                    None => Ok(None),
                }
            }
        }
    }

    /// Ends every session of `user` but the one of `keep` (a password reset signs out every
    /// other device).
    pub async fn end_all_of(&self, user: UserId, keep: Option<&str>) -> Result<(), AppError> {
        let keep = keep.map(token_hash);
        match self {
            SessionStore::Database(db) => {
                db.run(move |conn| Ok(store::delete_sessions_of(conn, user, keep.as_deref())?))
                    .await
            }
            SessionStore::Redis { kv, .. } => {
                let list = kv.key(&format!("user-sessions:{}", user.0));
                let mut members = redis::cmd("SMEMBERS");
                members.arg(&list);
                let hashes: Vec<String> = kv.query(members).await?;
                for hash in hashes.iter().filter(|h| Some(*h) != keep.as_ref()) {
                    let mut del = redis::cmd("DEL");
                    del.arg(kv.key(&format!("session:{hash}")));
                    kv.query::<()>(del).await?;
                    let mut rem = redis::cmd("SREM");
                    rem.arg(&list).arg(hash);
                    kv.query::<()>(rem).await?;
                }
                Ok(())
            }
        }
    }

    /// Ends the session of `token`.
    pub async fn end(&self, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        match self {
            SessionStore::Database(db) => {
                db.run(move |conn| Ok(store::delete_session(conn, &hash)?))
                    .await
            }
            SessionStore::Redis { kv, .. } => {
                let mut cmd = redis::cmd("DEL");
                cmd.arg(kv.key(&format!("session:{hash}")));
                kv.query::<()>(cmd).await?;
                Ok(())
            }
        }
    }
}

/// The CSRF token of a session: a hash of its secret cookie value under a label of its own, so
/// it is unique to the session, is not the hash the server stores, and reveals nothing of it.
pub fn csrf_token_of_session(session_token: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"lanyard csrf token\0")
        .chain_update(session_token.as_bytes())
        .finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// The signed-in user of a session cookie value.
pub async fn current_user(state: &AppState, token: &str) -> Result<Option<CurrentUser>, AppError> {
    state.sessions.user(token).await
}

pub fn session_cookie(token: String, secure: bool, ttl_hours: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::hours(ttl_hours))
        .finish()
}

pub fn removal_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    cookie.set_max_age(CookieDuration::ZERO);
    cookie
}
