//! An organization's public issuer documents: its Open Badges 3.0 issuer profile with every key
//! it has signed with (current and retired, as `Multikey`s controlled by the issuer id), its
//! OB 2.0 Issuer, and its revocation lists (`1EdTechRevocationList` and signed
//! `BitstringStatusListCredential`s).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use ed25519_dalek::VerifyingKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::awards;
use crate::awards::documents::VC_MEDIA_TYPE;
use crate::credentials::multikey;
use crate::error::AppError;
use crate::ids::OrgId;
use crate::orgs::{store, Org};
use crate::signing::keys::{self, Issuer};
use crate::signing::ob3::{Urls, OB_CONTEXT, VC_CONTEXT};
use crate::signing::service::SignRequest;
use crate::signing::{ob2, status};
use crate::state::AppState;
use crate::tenancy::{City, CurrentCity};

pub const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
pub const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";

async fn find_org(state: &AppState, city: &City, slug: String) -> Result<Org, AppError> {
    let city_id = city.id;
    state
        .db
        .run(move |conn| store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound))
        .await
}

fn json(status: StatusCode, media_type: &str, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(media_type.to_string())
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .body(body.to_string())
}

/// Who an issuer profile describes.
pub struct Profile {
    pub id: String,
    pub name: String,
    pub url: String,
    pub description: String,
}

impl Profile {
    /// The profile of `org`: its own, or the city's when it is the city's issuer.
    pub fn of(base: &str, city: &City, org: &Org) -> Profile {
        if org.is_city() {
            return Profile::of_city(base, city);
        }
        let urls = Urls {
            base,
            city: &city.slug,
        };
        Profile {
            id: urls.issuer(Some(&org.slug)),
            name: org.name.clone(),
            url: if org.website.is_empty() {
                format!("{base}/c/{}", city.slug)
            } else {
                org.website.clone()
            },
            description: org.description.clone(),
        }
    }

    /// The city as the issuer of its own badges.
    pub fn of_city(base: &str, city: &City) -> Profile {
        let urls = Urls {
            base,
            city: &city.slug,
        };
        Profile {
            id: urls.issuer(None),
            name: city.name.clone(),
            url: format!("{base}/c/{}", city.slug),
            description: city.tagline.clone(),
        }
    }
}

/// The issuer's key: the city's for the city's issuer, else the organization's.
pub fn signing_issuer(city: &City, org: &Org) -> Issuer {
    if org.is_city() {
        Issuer::City(city.id)
    } else {
        Issuer::Org(city.id, org.id)
    }
}

/// The issuer profile with its keys.
pub fn issuer_document(profile: &Profile, published: &[keys::PublishedKey]) -> Value {
    let id = &profile.id;
    let methods: Vec<Value> = published
        .iter()
        .filter_map(|key| {
            let public = VerifyingKey::from_bytes(&key.public_key).ok()?;
            Some(json!({
                "id": format!("{id}#key-{}", key.key_number),
                "type": "Multikey",
                "controller": id,
                "publicKeyMultibase": multikey::encode_public_key(&public),
            }))
        })
        .collect();
    let assertion: Vec<Value> = methods.iter().map(|m| m["id"].clone()).collect();
    json!({
        "@context": [VC_CONTEXT, OB_CONTEXT, DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": id,
        "type": ["Profile"],
        "name": profile.name,
        "url": profile.url,
        "description": profile.description,
        "verificationMethod": methods,
        "assertionMethod": assertion,
    })
}

/// The issuer profile of the organization `org_slug` of `city` (or, with none, of the city
/// itself), as its issuer URL serves it. The city's own issuer organization has no profile of
/// its own: its badges name the city's.
pub async fn profile_document(
    state: &AppState,
    base: &str,
    city: &City,
    org_slug: Option<&str>,
) -> Result<Value, AppError> {
    let (profile, issuer) = match org_slug {
        Some(slug) => {
            let org = find_org(state, city, slug.to_string()).await?;
            if org.is_city() {
                return Err(AppError::NotFound);
            }
            (Profile::of(base, city, &org), Issuer::Org(city.id, org.id))
        }
        None => (Profile::of_city(base, city), Issuer::City(city.id)),
    };
    let published = state
        .db
        .run(move |conn| Ok(keys::published_keys(conn, issuer)?))
        .await?;
    Ok(issuer_document(&profile, &published))
}

pub async fn profile(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let document = profile_document(&state, &state.base_url(), &city, Some(&slug)).await?;
    Ok(json(StatusCode::OK, "application/ld+json", &document))
}

/// `/c/{city}/issuer`: the city as the issuer of its own badges (city pathways), with its keys.
pub async fn city_profile(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
) -> Result<HttpResponse, AppError> {
    let document = profile_document(&state, &state.base_url(), &city, None).await?;
    Ok(json(StatusCode::OK, "application/ld+json", &document))
}

pub async fn profile_ob2(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let org = find_org(&state, &city, slug).await?;
    let org_id = org.id;
    let email = state
        .db
        .run(move |conn| Ok(store::contact_email(conn, org_id)?))
        .await?;
    let base = state.base_url();
    let urls = Urls {
        base: &base,
        city: &city.slug,
    };
    let url = if org.website.is_empty() {
        format!("{base}/c/{}", city.slug)
    } else {
        org.website.clone()
    };
    let document = ob2::issuer(
        &urls,
        Some(&org.slug),
        &org.name,
        &url,
        &email.unwrap_or_default(),
    );
    Ok(json(StatusCode::OK, "application/ld+json", &document))
}

async fn revoked(
    state: &AppState,
    org: OrgId,
) -> Result<Vec<(String, Option<i64>, String)>, AppError> {
    state
        .db
        .run(move |conn| Ok(awards::store::revoked_in_org(conn, org)?))
        .await
}

/// The `1EdTechRevocationList` of the organization `org_slug` of `city`, as served.
pub async fn revocation_list_document(
    state: &AppState,
    base: &str,
    city: &City,
    org_slug: &str,
) -> Result<Value, AppError> {
    let org = find_org(state, city, org_slug.to_string()).await?;
    let urls = Urls {
        base,
        city: &city.slug,
    };
    let list: Vec<(String, String)> = revoked(state, org.id)
        .await?
        .into_iter()
        .map(|(id, _, reason)| (urls.credential(&id), reason))
        .collect();
    Ok(status::revocation_list(
        &urls,
        &org.slug,
        &Profile::of(base, city, &org).id,
        &list,
    ))
}

pub async fn revocation_list(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let document = revocation_list_document(&state, &state.base_url(), &city, &slug).await?;
    Ok(json(StatusCode::OK, "application/json", &document))
}

/// The status list `list` of the organization `org_slug` of `city`, before it is signed, and
/// the organization.
pub async fn unsigned_status_list(
    state: &AppState,
    base: &str,
    city: &City,
    org_slug: &str,
    list: i64,
) -> Result<(Org, Value), AppError> {
    if list < 0 {
        return Err(AppError::NotFound);
    }
    let org = find_org(state, city, org_slug.to_string()).await?;
    let urls = Urls {
        base,
        city: &city.slug,
    };
    let positions: Vec<i64> = revoked(state, org.id)
        .await?
        .into_iter()
        .filter_map(|(_, index, _)| index)
        .filter(|index| index / status::LIST_LENGTH == list)
        .map(|index| index % status::LIST_LENGTH)
        .collect();
    let now = Utc::now().naive_utc();
    let issuer_id = Profile::of(base, city, &org).id;
    let document =
        status::status_list_credential(&urls, &org.slug, list, &issuer_id, &positions, now);
    Ok((org, document))
}

/// A signed status list of the organization; re-signed when revocations change, and daily.
pub async fn status_list(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug, list) = path.into_inner();
    let base = state.base_url();
    let (org, document) = unsigned_status_list(&state, &base, &city, &slug, list).await?;
    let issuer_id = Profile::of(&base, &city, &org).id;
    let fingerprint = hex::encode(Sha256::digest(document.to_string().as_bytes()));
    let signed = state
        .signer
        .sign(
            &state.db,
            SignRequest {
                request_id: format!("status:{}:{list}:{fingerprint}", org.id),
                city: city.id.0,
                org: (!org.is_city()).then_some(org.id.0),
                issuer_id,
                subject: format!("status-list:{list}"),
                recipient: "public".into(),
                document,
            },
        )
        .await?;
    Ok(json(StatusCode::OK, VC_MEDIA_TYPE, &signed))
}
