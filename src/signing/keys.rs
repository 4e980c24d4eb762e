//! Issuer keys: one Ed25519 key pair per issuer profile (each partner organization, and each
//! city for its own badges), the private half sealed under the master key. Rotation retires the
//! current key (it never signs again) and makes the next one; retired public keys stay published.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ed25519_dalek::SigningKey;

use crate::db::schema::issuer_keys;
use crate::db::{is_unique_violation, DbConnection};
use crate::ids::{CityId, OrgId};
use crate::signing::master::MasterKey;

/// Who signs: a partner organization of a city, or the city itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Issuer {
    City(CityId),
    Org(CityId, OrgId),
}

impl Issuer {
    pub fn city(self) -> CityId {
        match self {
            Issuer::City(city) | Issuer::Org(city, _) => city,
        }
    }

    /// The `issuer` column: `city` or `org:{id}`.
    pub fn tag(self) -> String {
        match self {
            Issuer::City(_) => "city".to_string(),
            Issuer::Org(_, org) => format!("org:{}", org.0),
        }
    }

    /// The associated data that binds a sealed key to its row.
    fn identity(self, key_number: i32) -> String {
        format!(
            "lanyard-issuer-key:{}:{}:{key_number}",
            self.city().0,
            self.tag()
        )
    }
}

/// A public key as the issuer document lists it.
#[derive(Clone, Debug)]
pub struct PublishedKey {
    pub key_number: i32,
    pub public_key: [u8; 32],
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

/// Every key of an issuer, current and retired, oldest first.
pub fn published_keys(conn: &mut DbConnection, issuer: Issuer) -> QueryResult<Vec<PublishedKey>> {
    let rows: Vec<(i32, Vec<u8>, NaiveDateTime, Option<NaiveDateTime>)> = issuer_keys::table
        .filter(issuer_keys::city_id.eq(issuer.city().0))
        .filter(issuer_keys::issuer.eq(issuer.tag()))
        .order(issuer_keys::key_number)
        .select((
            issuer_keys::key_number,
            issuer_keys::public_key,
            issuer_keys::created_at,
            issuer_keys::retired_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(key_number, public, created_at, retired_at)| {
            let public_key: [u8; 32] = public.try_into().ok()?;
            Some(PublishedKey {
                key_number,
                public_key,
                created_at,
                retired_at,
            })
        })
        .collect())
}

type SealedRow = (i32, Vec<u8>, Vec<u8>);

fn active_row(conn: &mut DbConnection, issuer: Issuer) -> QueryResult<Option<SealedRow>> {
    issuer_keys::table
        .filter(issuer_keys::city_id.eq(issuer.city().0))
        .filter(issuer_keys::issuer.eq(issuer.tag()))
        .filter(issuer_keys::retired_at.is_null())
        .order(issuer_keys::key_number.desc())
        .select((
            issuer_keys::key_number,
            issuer_keys::secret_nonce,
            issuer_keys::secret_sealed,
        ))
        .first(conn)
        .optional()
}

fn insert_new_key(
    conn: &mut DbConnection,
    master: &MasterKey,
    issuer: Issuer,
    key_number: i32,
    now: NaiveDateTime,
) -> anyhow::Result<SigningKey> {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let (nonce, sealed) = master.seal(key.as_bytes(), &issuer.identity(key_number))?;
    diesel::insert_into(issuer_keys::table)
        .values((
            issuer_keys::city_id.eq(issuer.city().0),
            issuer_keys::issuer.eq(issuer.tag()),
            issuer_keys::key_number.eq(key_number),
            issuer_keys::public_key.eq(key.verifying_key().as_bytes().to_vec()),
            issuer_keys::secret_nonce.eq(nonce),
            issuer_keys::secret_sealed.eq(sealed),
            issuer_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(key)
}

/// Holds the master key and the opened keys, so a burst of awards opens each key once.
pub struct Keyring {
    master: MasterKey,
    opened: Mutex<HashMap<(Issuer, i32), SigningKey>>,
}

impl Keyring {
    pub fn new(master: MasterKey) -> Keyring {
        Keyring {
            master,
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The issuer's current key (made on first use): its number and the key. The current
    /// number is read from the database every time, so a key retired by another process is
    /// never used again here.
    pub fn current_key(
        &self,
        conn: &mut DbConnection,
        issuer: Issuer,
        now: NaiveDateTime,
    ) -> anyhow::Result<(i32, SigningKey)> {
        let row = match active_row(conn, issuer)? {
            Some(row) => row,
            None => match insert_new_key(conn, &self.master, issuer, 1, now) {
                Ok(key) => return Ok((1, key)),
                // Another request made the first key at the same moment: use it.
                Err(e) if e.downcast_ref().is_some_and(is_unique_violation) => {
                    active_row(conn, issuer)?
                        .ok_or_else(|| anyhow::anyhow!("the issuer's key vanished"))?
                }
                Err(e) => return Err(e),
            },
        };
        let (key_number, nonce, sealed) = row;
        if let Ok(opened) = self.opened.lock() {
            if let Some(key) = opened.get(&(issuer, key_number)) {
                return Ok((key_number, key.clone()));
            }
        }
        let secret = self
            .master
            .open(&nonce, &sealed, &issuer.identity(key_number))?;
        let bytes: [u8; 32] = secret
            .as_slice()
            .try_into()
            .map_err(|_| anyhow::anyhow!("a sealed key has the wrong length"))?;
        let key = SigningKey::from_bytes(&bytes);
        if let Ok(mut opened) = self.opened.lock() {
            opened.insert((issuer, key_number), key.clone());
        }
        Ok((key_number, key))
    }

    /// [`Keyring::rotate`], recorded in the audit trail as done by `actor`, in one transaction.
    pub fn rotate_recorded(
        &self,
        conn: &mut DbConnection,
        issuer: Issuer,
        actor: &crate::audit::Actor,
        now: NaiveDateTime,
    ) -> anyhow::Result<i32> {
        use crate::audit::{self, AuditAction, AuditEvent};
        conn.transaction(|conn| {
            let number = self.rotate(conn, issuer, now)?;
            let org = match issuer {
                Issuer::Org(_, org) => Some(org),
                Issuer::City(_) => None,
            };
            audit::record(
                conn,
                &AuditEvent {
                    actor,
                    city: Some(issuer.city()),
                    org,
                    action: AuditAction::KeyRotated,
                    target: issuer.tag(),
                    detail: serde_json::json!({"key_number": number}),
                    at: now,
                },
            )?;
            Ok(number)
        })
    }

    /// Retires the issuer's current key and makes the next one; returns the new key's number.
    pub fn rotate(
        &self,
        conn: &mut DbConnection,
        issuer: Issuer,
        now: NaiveDateTime,
    ) -> anyhow::Result<i32> {
        conn.transaction(|conn| {
            let current = active_row(conn, issuer)?.map(|(n, _, _)| n);
            let latest: Option<i32> = issuer_keys::table
                .filter(issuer_keys::city_id.eq(issuer.city().0))
                .filter(issuer_keys::issuer.eq(issuer.tag()))
                .select(diesel::dsl::max(issuer_keys::key_number))
                .first(conn)?;
            if let Some(number) = current {
                diesel::update(
                    issuer_keys::table
                        .filter(issuer_keys::city_id.eq(issuer.city().0))
                        .filter(issuer_keys::issuer.eq(issuer.tag()))
                        .filter(issuer_keys::key_number.eq(number)),
                )
                .set(issuer_keys::retired_at.eq(now))
                .execute(conn)?;
            }
            let next = latest.unwrap_or(0) + 1;
            insert_new_key(conn, &self.master, issuer, next, now)?;
            if let Ok(mut opened) = self.opened.lock() {
                opened.retain(|(i, _), _| *i != issuer);
            }
            Ok(next)
        })
    }
}
