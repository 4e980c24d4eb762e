//! Bulk issuance (`lanyard award --csv FILE`): rows of `badge,recipient` awarded by one
//! organization, each signed in-process and stored with its credential, in transactions of a
//! few hundred awards. Rows that cannot be awarded are reported, not fatal.

use std::time::Instant;

use chrono::Utc;
use diesel::Connection;

use crate::auth::store::{self as auth_store, CityRole};
use crate::awards::store::{self, NewAward};
use crate::awards::AwardMethod;
use crate::badges;
use crate::db::{is_unique_violation, DbConnection};
use crate::error::AppError;
use crate::orgs::Org;
use crate::signing::keys::Keyring;
use crate::signing::ob3::Urls;
use crate::signing::service::{sign_in_process, SignRequest};
use crate::tenancy::City;

/// One row of the CSV file.
#[derive(Debug, serde::Deserialize)]
pub struct Row {
    pub badge: String,
    pub recipient: String,
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

const BATCH: usize = 250;

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
    let mut badges_by_slug = std::collections::HashMap::new();
    for badge in badges::store::list(conn, city.id, Some(org.id))? {
        badges_by_slug.insert(badge.slug.clone(), badge);
    }
    for (chunk_index, chunk) in rows.chunks(BATCH).enumerate() {
        conn.transaction(|conn| {
            for (offset, row) in chunk.iter().enumerate() {
                let line = chunk_index * BATCH + offset + 2;
                let Some(badge) = badges_by_slug.get(row.badge.trim()) else {
                    report
                        .skipped
                        .push((line, format!("no badge {:?} in {}", row.badge, org.slug)));
                    continue;
                };
                let youth = match auth_store::find_user_by_login(conn, &row.recipient)? {
                    Some((user, _))
                        if !user.awaiting_consent()
                            && auth_store::roles_in_city(conn, city.id, user.id)?
                                .0
                                .contains(&CityRole::Youth) =>
                    {
                        user
                    }
                    _ => {
                        report.skipped.push((
                            line,
                            format!(
                                "{:?} is not an active youth of {}",
                                row.recipient, city.slug
                            ),
                        ));
                        continue;
                    }
                };
                let now = Utc::now().naive_utc();
                let award = NewAward {
                    city: city.id,
                    org: org.id,
                    badge: badge.id,
                    recipient: youth.id,
                    method: AwardMethod::Api,
                    claim_code: None,
                };
                let public_id = match store::insert(conn, &award, now) {
                    Ok(id) => id,
                    Err(e) if is_unique_violation(&e) => {
                        report
                            .skipped
                            .push((line, format!("{} already has {}", row.recipient, row.badge)));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                let source = store::credential_source(conn, city.id, &public_id)?
                    .ok_or(AppError::NotFound)?;
                let urls = Urls {
                    base,
                    city: &city.slug,
                };
                let signed = sign_in_process(
                    conn,
                    keyring,
                    &SignRequest {
                        request_id: format!("award:{public_id}"),
                        city: city.id.0,
                        org: Some(org.id.0),
                        issuer_id: urls.issuer(Some(&org.slug)),
                        subject: format!("credential:{public_id}"),
                        recipient: public_id.clone(),
                        document: crate::awards::credential::unsigned(base, city, &source),
                    },
                    now,
                )?;
                store::store_credential(conn, source.id, &signed.to_string())?;
                report.awarded += 1;
            }
            Ok::<(), AppError>(())
        })?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
