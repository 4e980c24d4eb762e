//! A person's data in one zip: `data.json` (the account, its roles, awards, work, pathways,
//! consents, family and settings) and, for each award, its signed OB 3.0 credential
//! (`credentials/<award>.json`) and the badge image with it baked in (`credentials/<award>.png`),
//! made by the same code that serves them (`awards::credential`, `awards::documents`).

use std::io::Write;

use chrono::{NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::account::store::{self, AccountRow, CityRoleRow, ConsentRow, OrgRoleRow, SubmissionRow};
use crate::awards::AwardView;
use crate::error::AppError;
use crate::ids::UserId;
use crate::state::AppState;
use crate::tenancy::City;

/// What `data.json` says. Its `format` names this shape, so a reader can tell later ones.
#[derive(Serialize)]
pub struct DataFile {
    pub format: &'static str,
    pub exported_at: NaiveDateTime,
    pub account: AccountRow,
    pub city_roles: Vec<CityRoleRow>,
    pub organization_roles: Vec<OrgRoleRow>,
    pub awards: Vec<AwardEntry>,
    pub submissions: Vec<SubmissionRow>,
    pub pathways: Vec<PathwayEntry>,
    pub consents_received: Vec<ConsentRow>,
    pub consents_given: Vec<ConsentRow>,
    pub parents: Vec<String>,
    pub children: Vec<String>,
}

/// One award, and where its files are in the zip.
#[derive(Serialize)]
pub struct AwardEntry {
    pub id: String,
    pub city: String,
    pub badge: String,
    pub badge_name: String,
    pub issuer: String,
    pub method: String,
    pub awarded_at: NaiveDateTime,
    /// `active` or `revoked`.
    pub status: &'static str,
    pub revoked_at: Option<NaiveDateTime>,
    pub revocation_reason: Option<String>,
    pub page: String,
    pub credential_file: String,
    pub image_file: String,
}

/// Progress toward one pathway of a city.
#[derive(Serialize)]
pub struct PathwayEntry {
    pub city: String,
    pub badge: String,
    pub badge_name: String,
    pub held: usize,
    pub needed: usize,
    pub complete: bool,
}

pub const FORMAT: &str = "lanyard-export/1";

/// The zip of everything Lanyard holds about `user`.
pub async fn build(state: &AppState, user: UserId) -> Result<Vec<u8>, AppError> {
    let (data, awards) = state
        .db
        .run(move |conn| {
            let account = store::account(conn, user)?;
            let mut awards: Vec<(City, AwardView)> = Vec::new();
            for city_id in store::award_cities(conn, user)? {
                let city = crate::tenancy::store::find(conn, city_id)?;
                for award in crate::awards::store::list_for_recipient(conn, city_id, user)? {
                    awards.push((city.clone(), award));
                }
            }
            let city_roles = store::city_roles(conn, user)?;
            let mut pathways = Vec::new();
            let youth_cities: Vec<String> = city_roles
                .iter()
                .filter(|r| r.role == crate::auth::store::CityRole::Youth.as_str())
                .map(|r| r.city.clone())
                .collect();
            for slug in youth_cities {
                let Some(city) = crate::tenancy::store::find_by_slug(conn, &slug)? else {
                    continue;
                };
                for p in crate::pathways::store::progress(conn, city.id, user)? {
                    pathways.push(PathwayEntry {
                        city: slug.clone(),
                        badge: p.pathway.badge_slug.clone(),
                        badge_name: p.pathway.badge_name.clone(),
                        held: p.held_count(),
                        needed: p.pathway.needed(),
                        complete: p.complete,
                    });
                }
            }
            let (parents, children) = store::family_of(conn, user)?;
            let data = DataFile {
                format: FORMAT,
                exported_at: Utc::now().naive_utc(),
                account,
                city_roles,
                organization_roles: store::org_roles(conn, user)?,
                awards: Vec::new(),
                submissions: store::submissions_of(conn, user)?,
                pathways,
                consents_received: store::consents_received(conn, user)?,
                consents_given: store::consents_given(conn, user)?,
                parents,
                children,
            };
            Ok((data, awards))
        })
        .await?;
    let base = state.base_url();
    let mut data = data;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (city, award) in awards {
        let (credential, source) =
            crate::awards::credential::ensure(state, &base, &city, &award.public_id).await?;
        let png =
            crate::awards::documents::baked_ob3_png(state, &city, &credential, &source).await?;
        let stem = format!("credentials/{}", award.public_id);
        files.push((format!("{stem}.json"), pretty(&credential)?));
        files.push((format!("{stem}.png"), png));
        data.awards.push(AwardEntry {
            page: crate::signing::ob3::Urls {
                base: &base,
                city: &city.slug,
            }
            .credential(&award.public_id),
            credential_file: format!("{stem}.json"),
            image_file: format!("{stem}.png"),
            status: if award.is_revoked() {
                "revoked"
            } else {
                "active"
            },
            id: award.public_id,
            city: city.slug,
            badge: award.badge_slug,
            badge_name: award.badge_name,
            issuer: award.org_name,
            method: award.method,
            awarded_at: award.awarded_at,
            revoked_at: award.revoked_at,
            revocation_reason: award.revocation_reason,
        });
    }
    let json = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.into()))?;
    files.insert(0, ("data.json".to_string(), json));
    actix_web::web::block(move || zip(&files))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("zipping: {e}")))?
}

fn pretty(value: &Value) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec_pretty(value).map_err(|e| AppError::Internal(e.into()))
}

/// `files` in one zip, each deflated.
pub fn zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, AppError> {
    let fail = |e: zip::result::ZipError| AppError::Internal(anyhow::anyhow!("zip: {e}"));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer.start_file(name.as_str(), options).map_err(fail)?;
        writer
            .write_all(bytes)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(writer.finish().map_err(fail)?.into_inner())
}

/// The file name a download is offered under: the account's name and the day.
pub fn file_name(username: &str) -> String {
    let safe: String = username
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("lanyard-{safe}-{}.zip", Utc::now().format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_zip_holds_each_file_under_its_name_with_its_bytes() {
        let files = vec![
            ("data.json".to_string(), b"{\"a\":1}".to_vec()),
            ("credentials/x.png".to_string(), vec![0u8, 1, 2, 3]),
        ];
        let bytes = zip(&files).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        archive
            .by_name("data.json")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "{\"a\":1}");
    }

    #[test]
    fn the_file_name_keeps_only_safe_characters() {
        assert!(file_name("maya\"/../x").starts_with("lanyard-mayax-"));
    }
}
