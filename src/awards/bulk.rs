//! Bulk issuance (`lanyard award --csv FILE`): rows of `badge,recipient` awarded by one
//! organization. Each chunk of rows is one transaction: recipients and existing awards are read
//! in one query each, status-list positions are reserved at once, every credential is signed
//! in-process, and awards and signature-log rows are written with one statement each.
//! Rows that cannot be awarded are reported, not fatal.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::Utc;
use diesel::Connection;

use crate::auth::store as auth_store;
use crate::awards::recipient::RecipientIdentity;
use crate::awards::store::{self, CredentialSource, SignedAward};
use crate::awards::AwardMethod;
use crate::badges::{self, Badge};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::AwardId;
use crate::orgs::Org;
use crate::signing::keys::{Issuer, Keyring};
use crate::signing::log::{self, LogRow, LoggedSignature};
use crate::signing::ob3::Urls;
use crate::tenancy::City;

/// One row of the CSV file.
#[derive(Debug, serde::Deserialize)]
pub struct Row {
    pub badge: String,
    pub recipient: String,
}

/// The rows of a CSV file with the header `badge,recipient`; the error says which line is wrong.
pub fn read_rows(input: impl std::io::Read) -> Result<Vec<Row>, csv::Error> {
    csv::Reader::from_reader(input).deserialize().collect()
}

/// What a bulk run did.
#[derive(Debug, Default)]
pub struct Report {
    pub awarded: usize,
    pub skipped: Vec<(usize, String)>,
    pub seconds: f64,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.awarded as f64 / self.seconds
        } else {
            0.0
        }
    }
}

const CHUNK: usize = 500;

/// Awards and signs every row; returns what was done.
pub fn issue(
    conn: &mut DbConnection,
    keyring: &Keyring,
    base: &str,
    city: &City,
    org: &Org,
    rows: &[Row],
) -> Result<Report, AppError> {
    let started = Instant::now();
    let mut report = Report::default();
    let badges: HashMap<String, Badge> = badges::store::list(conn, city.id, Some(org.id))?
        .into_iter()
        .map(|b| (b.slug.clone(), b))
        .collect();
    let mut seen = HashSet::new();
    for (chunk_index, chunk) in rows.chunks(CHUNK).enumerate() {
        conn.transaction(|conn| {
            issue_chunk(
                conn,
                keyring,
                base,
                city,
                org,
                &badges,
                chunk,
                chunk_index * CHUNK + 2,
                &mut seen,
                &mut report,
            )
        })?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn issue_chunk(
    conn: &mut DbConnection,
    keyring: &Keyring,
    base: &str,
    city: &City,
    org: &Org,
    badges: &HashMap<String, Badge>,
    rows: &[Row],
    first_line: usize,
    seen: &mut HashSet<(i64, i64)>,
    report: &mut Report,
) -> Result<(), AppError> {
    let logins: Vec<String> = rows
        .iter()
        .map(|r| r.recipient.trim().to_ascii_lowercase())
        .collect();
    let youth = auth_store::active_youth_by_login(conn, city.id, &logins)?;
    let ids: Vec<i64> = youth.values().map(|(id, _)| id.0).collect();
    seen.extend(store::existing_pairs(conn, org.id, &ids)?);

    // Which rows become awards. A youth's identifier is read (or made) once per chunk: it is
    // written in the chunk's transaction, so it is not remembered across chunks.
    let mut accepted = Vec::new();
    let mut identifiers: HashMap<crate::ids::UserId, String> = HashMap::new();
    for (offset, (row, login)) in rows.iter().zip(&logins).enumerate() {
        let line = first_line + offset;
        let Some(badge) = badges.get(row.badge.trim()) else {
            report
                .skipped
                .push((line, format!("no badge {:?} in {}", row.badge, org.slug)));
            continue;
        };
        let Some((user, _)) = youth.get(login) else {
            report.skipped.push((
                line,
                format!(
                    "{:?} is not an active youth of {}",
                    row.recipient, city.slug
                ),
            ));
            continue;
        };
        if !seen.insert((badge.id.0, user.0)) {
            report
                .skipped
                .push((line, format!("{} already has {}", row.recipient, row.badge)));
            continue;
        }
        let identifier = match identifiers.get(user) {
            Some(identifier) => identifier.clone(),
            None => {
                let identifier = store::recipient_identifier_of(conn, *user)?;
                identifiers.insert(*user, identifier.clone());
                identifier
            }
        };
        accepted.push((badge, *user, identifier));
    }
    if accepted.is_empty() {
        return Ok(());
    }

    let now = Utc::now().naive_utc();
    let issuer = Issuer::Org(city.id, org.id);
    let (key_number, key) = keyring
        .current_key(conn, issuer, now)
        .map_err(AppError::Internal)?;
    let first_index = store::reserve_status_indexes(conn, org.id, accepted.len() as i64)?;
    let urls = Urls {
        base,
        city: &city.slug,
    };
    let method = format!("{}#key-{key_number}", urls.issuer(Some(&org.slug)));
    let mut awards = Vec::with_capacity(accepted.len());
    let mut signatures = Vec::with_capacity(accepted.len());
    // Each badge as it is now, read once per chunk, in the chunk's transaction.
    let mut contents: HashMap<i64, (i32, badges::BadgeContent)> = HashMap::new();
    for (i, (badge, user, identifier)) in accepted.into_iter().enumerate() {
        let (badge_version, content) = match contents.get(&badge.id.0) {
            Some(known) => known.clone(),
            None => {
                let known = (
                    badges::store::current_version(conn, badge.id)?,
                    badges::store::content(conn, badge.id)?,
                );
                contents.insert(badge.id.0, known.clone());
                known
            }
        };
        let public_id = uuid::Uuid::new_v4().to_string();
        let source = CredentialSource {
            id: AwardId(0),
            public_id: public_id.clone(),
            org_id: org.id,
            org_slug: org.slug.clone(),
            org_name: org.name.clone(),
            org_website: org.website.clone(),
            org_is_city: org.is_city(),
            badge_slug: badge.slug.clone(),
            badge_name: content.name.clone(),
            badge_description: content.description.clone(),
            criteria: content.criteria.clone(),
            valid_days: content.valid_days,
            badge_version,
            badge: content,
            recipient: RecipientIdentity::Opaque(identifier.clone()),
            awarded_at: now,
            salt: store::new_salt(),
            status_index: first_index + i as i64,
            credential: None,
            revocation_reason: None,
            revoked: false,
            evidence: None,
        };
        let document = crate::awards::credential::unsigned(base, city, &source);
        let signed = crate::credentials::proof::sign(&document, &key, &method, now.and_utc())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("signing failed: {e}")))?
            .to_string();
        signatures.push(LogRow::new(
            &LoggedSignature {
                request_id: &format!("award:{public_id}"),
                issuer,
                key_number,
                subject: &format!("credential:{public_id}"),
                recipient: &public_id,
                signed_document: &signed,
            },
            now,
        ));
        awards.push(SignedAward {
            public_id,
            city_id: city.id.0,
            org_id: org.id.0,
            badge_id: badge.id.0,
            recipient_id: user.0,
            method: AwardMethod::Api.as_str(),
            awarded_at: now,
            salt: source.salt,
            status_index: source.status_index,
            credential: signed,
            recipient_identifier: Some(identifier),
            badge_version: Some(badge_version),
        });
    }
    store::insert_signed(conn, &awards)?;
    log::append_all(conn, &signatures)?;
    // One record per batch, in the batch's transaction.
    crate::audit::record(
        conn,
        &crate::audit::AuditEvent {
            actor: &crate::audit::Actor::command_line(),
            city: Some(city.id),
            org: Some(org.id),
            action: crate::audit::AuditAction::AwardsImported,
            target: org.slug.clone(),
            detail: serde_json::json!({
                "count": awards.len(),
                "first_line": first_line,
                "rows": rows.len(),
            }),
            at: now,
        },
    )?;
    report.awarded += awards.len();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_their_header_names() {
        let rows = read_rows("recipient,badge\nmaya,reading-explorer\n".as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].badge.as_str(), rows[0].recipient.as_str()),
            ("reading-explorer", "maya")
        );
        assert!(read_rows("badge\nx\n".as_bytes()).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic_the_csv_reader(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = read_rows(bytes.as_slice());
            let mut with_header = b"badge,recipient\n".to_vec();
            with_header.extend_from_slice(&bytes);
            let _ = read_rows(with_header.as_slice());
        }

        #[test]
        fn rows_written_as_csv_read_back_unchanged(pairs in proptest::collection::vec(("\\PC{1,20}", "\\PC{1,20}"), 0..20)) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(["badge", "recipient"]).unwrap();
            for (badge, recipient) in &pairs {
                writer.write_record([badge, recipient]).unwrap();
            }
            let bytes = writer.into_inner().unwrap();
            let rows = read_rows(bytes.as_slice()).unwrap();
            let read: Vec<(String, String)> = rows.into_iter().map(|r| (r.badge, r.recipient)).collect();
            proptest::prop_assert_eq!(read, pairs);
        }
    }
}
