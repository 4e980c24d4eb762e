//! Bulk issuance (`lanyard award --csv FILE`): rows of `badge,recipient` awarded by one
//! organization through the one issuance path, [`issuance::issue`] (eligibility, the award,
//! the audit trail, the e-mail and the pathways it completes), a chunk of rows per
//! transaction; once a chunk is committed its credentials are signed through the
//! `SigningService`, so a separate signer (`lanyard signer`) signs bulk awards too. Rows that
//! cannot be awarded are reported, not fatal.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::Utc;
use diesel::Connection;

use crate::audit::{Actor, AuditAction, AuditEvent};
use crate::auth::store as auth_store;
use crate::awards::issuance::{self, Issue, IssueError};
use crate::awards::AwardMethod;
use crate::badges::{self, Badge};
use crate::db::Db;
use crate::error::AppError;
use crate::orgs::Org;
use crate::signing::service::SigningService;
use crate::tenancy::City;

/// One row of the CSV file.
#[derive(Clone, Debug, serde::Deserialize)]
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
    /// Awards whose credential could not be signed yet (signed on their first request).
    pub unsigned: usize,
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
pub async fn issue(
    db: &Db,
    signer: &SigningService,
    base: &str,
    city: &City,
    org: &Org,
    rows: &[Row],
) -> Result<Report, AppError> {
    let started = Instant::now();
    let mut report = Report::default();
    let (city_id, org_id) = (city.id, org.id);
    let badges: HashMap<String, Badge> = db
        .run(move |conn| Ok(badges::store::list(conn, city_id, Some(org_id))?))
        .await?
        .into_iter()
        .map(|b| (b.slug.clone(), b))
        .collect();
    let mut seen = HashSet::new();
    for (chunk_index, chunk) in rows.chunks(CHUNK).enumerate() {
        let (of_city, of_org, known, rows, base_url) = (
            city.clone(),
            org.clone(),
            badges.clone(),
            chunk.to_vec(),
            base.to_string(),
        );
        let mut chunk_seen = std::mem::take(&mut seen);
        let (issued, skipped, chunk_seen) = db
            .run(move |conn| {
                let (issued, skipped) = conn.transaction(|conn| {
                    issue_chunk(
                        conn,
                        &of_city,
                        &of_org,
                        &known,
                        &rows,
                        chunk_index * CHUNK + 2,
                        &mut chunk_seen,
                        &base_url,
                    )
                })?;
                Ok((issued, skipped, chunk_seen))
            })
            .await?;
        seen = chunk_seen;
        report.awarded += issued.len();
        report.skipped.extend(skipped);
        // Signed after the commit, a few at once, through the signing service.
        report.unsigned += issuance::sign_all(db, signer, base, city, &issued).await;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The public ids of a chunk's awards, and each skipped line with why.
type ChunkDone = (Vec<String>, Vec<(usize, String)>);

/// The rows of one chunk through [`issuance::issue`], in the caller's transaction: the public
/// ids of the awards made, and each skipped line with why.
#[allow(clippy::too_many_arguments)]
fn issue_chunk(
    conn: &mut crate::db::DbConnection,
    city: &City,
    org: &Org,
    badges: &HashMap<String, Badge>,
    rows: &[Row],
    first_line: usize,
    seen: &mut HashSet<(i64, i64)>,
    base_url: &str,
) -> Result<ChunkDone, AppError> {
    let logins: Vec<String> = rows
        .iter()
        .map(|r| r.recipient.trim().to_ascii_lowercase())
        .collect();
    let youth = auth_store::active_youth_by_login(conn, city.id, &logins)?;
    let actor = Actor::command_line();
    let now = Utc::now().naive_utc();
    let mut issued = Vec::new();
    let mut skipped = Vec::new();
    for (offset, (row, login)) in rows.iter().zip(&logins).enumerate() {
        let line = first_line + offset;
        let Some(badge) = badges.get(row.badge.trim()) else {
            skipped.push((line, format!("no badge {:?} in {}", row.badge, org.slug)));
            continue;
        };
        let not_youth = || {
            format!(
                "{:?} is not an active youth of {}",
                row.recipient, city.slug
            )
        };
        let Some((user, _)) = youth.get(login) else {
            skipped.push((line, not_youth()));
            continue;
        };
        let held = || format!("{} already has {}", row.recipient, row.badge);
        if !seen.insert((badge.id.0, user.0)) {
            skipped.push((line, held()));
            continue;
        }
        match issuance::issue(
            conn,
            &Issue {
                city,
                org: org.id,
                badge: badge.id,
                recipient: *user,
                method: AwardMethod::Csv,
                claim_code: None,
                evidence: None,
                actor: &actor,
                base_url,
                seeded: false,
                now,
            },
        ) {
            Ok(award) => issued.push(award.public_id),
            Err(IssueError::AlreadyHeld) => skipped.push((line, held())),
            Err(IssueError::NotEligible) => skipped.push((line, not_youth())),
            Err(IssueError::UnknownBadge) => {
                skipped.push((line, format!("no badge {:?} in {}", row.badge, org.slug)))
            }
            Err(IssueError::Database(e)) => return Err(e.into()),
            Err(IssueError::Mail(e)) => return Err(e),
        }
    }
    if !issued.is_empty() {
        // One record per chunk besides each award's own.
        crate::audit::record(
            conn,
            &AuditEvent {
                actor: &actor,
                city: Some(city.id),
                org: Some(org.id),
                action: AuditAction::AwardsImported,
                target: org.slug.clone(),
                detail: serde_json::json!({
                    "count": issued.len(),
                    "first_line": first_line,
                    "rows": rows.len(),
                }),
                at: now,
            },
        )?;
    }
    Ok((issued, skipped))
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
