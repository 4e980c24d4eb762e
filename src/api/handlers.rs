//! Handlers of `/api/v1`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::idempotency::{self, Seen};
use crate::api::ApiOrg;
use crate::audit::{Actor, ClientAddress};
use crate::auth::store as auth_store;
use crate::auth::store::CityRole;
use crate::awards::issuance::{self, Issue, IssueError};
use crate::awards::store as awards;
use crate::awards::{AwardMethod, AwardView};
use crate::badges;
use crate::db::is_unique_violation;
use crate::error::{AppError, FieldError};
use crate::state::AppState;
use crate::tenancy;

const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

fn award_json(base: &str, city: &str, award: &AwardView) -> Value {
    let urls = crate::signing::ob3::Urls { base, city };
    json!({
        "id": award.public_id,
        "city": city,
        "org": award.org_slug,
        "badge": {"slug": award.badge_slug, "name": award.badge_name},
        "recipient": {"username": award.recipient_username, "display_name": award.recipient_name},
        "method": award.method,
        "awarded_at": award.awarded_at.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "revoked": award.is_revoked(),
        "revoked_at": award.revoked_at.map(|at| at.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "revocation_reason": award.revocation_reason,
        "credential_url": urls.credential(&award.public_id),
        "assertion_url": urls.assertion(&award.public_id),
        "png_url": urls.baked_png(&award.public_id),
        "svg_url": urls.baked_svg(&award.public_id),
        "urls": {
            "award": urls.credential(&award.public_id),
            "badge": urls.achievement(&award.badge_slug),
            "api": format!("{base}/api/v1/awards/{}", award.public_id),
        }
    })
}

/// `{org}` of the path must be the token's organization.
fn check_org(org: &ApiOrg, slug: &str) -> Result<(), AppError> {
    if org.0.slug == slug {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn list_badges(
    state: web::Data<AppState>,
    org: ApiOrg,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    check_org(&org, &path)?;
    let base = state.base_url();
    let (city_id, org_id) = (org.0.city_id, org.0.id);
    let (city, list) = state
        .db
        .run(move |conn| {
            Ok((
                tenancy::store::find(conn, city_id)?,
                badges::store::list(conn, city_id, Some(org_id))?,
            ))
        })
        .await?;
    let items: Vec<Value> = list
        .iter()
        .map(|b| {
            json!({
                "slug": b.slug,
                "name": b.name,
                "description": b.description,
                "criteria": b.criteria,
                "image": format!("{base}/c/{}/badges/{}/image", city.slug, b.slug),
                "url": format!("{base}/c/{}/badges/{}", city.slug, b.slug),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "badges": items })))
}

#[derive(Deserialize)]
struct AwardRequest {
    badge: Option<Value>,
    recipient: Option<Value>,
}

fn required_string(
    value: Option<Value>,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> String {
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 254 => s.trim().to_string(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            errors.push(FieldError {
                field,
                message: "field.required",
            });
            String::new()
        }
        Some(_) => {
            errors.push(FieldError {
                field,
                message: "field.must_be_string",
            });
            String::new()
        }
    }
}

/// The answer to an award request: 201 with the award (also when a request with the same
/// `Idempotency-Key` made it before; `Idempotent-Replayed: true` then says so).
fn created(base: &str, city: &str, award: &AwardView, replayed: bool) -> HttpResponse {
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/awards/{}", award.public_id),
    ));
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.json(award_json(base, city, award))
}

/// The award an earlier request with the same key made, or `None` when the key is new; a key
/// used for another request is refused.
async fn earlier_answer(
    state: &AppState,
    org: crate::ids::OrgId,
    key: Option<(String, String)>,
) -> Result<Option<(tenancy::City, AwardView)>, AppError> {
    let Some((key, request_digest)) = key else {
        return Ok(None);
    };
    state
        .db
        .run(
            move |conn| match idempotency::seen(conn, org, &key, &request_digest)? {
                Seen::New => Ok(None),
                Seen::OtherRequest => Err(AppError::Invalid(vec![FieldError {
                    field: idempotency::HEADER,
                    message: "error.idempotency_key_reused",
                }])),
                Seen::Repeat(public_id) => {
                    let (city_id, award) = awards::find_any_by_public_id(conn, &public_id)?
                        .ok_or(AppError::NotFound)?;
                    Ok(Some((tenancy::store::find(conn, city_id)?, award)))
                }
            },
        )
        .await
}

pub async fn create_award(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    org: ApiOrg,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    check_org(&org, &path)?;
    let key = idempotency::key_of(&req)?.map(|k| (k, idempotency::digest(&body)));
    if let Some((city, award)) = earlier_answer(&state, org.0.id, key.clone()).await? {
        tracing::info!(award.public_id = %award.public_id, "an award request repeated with its idempotency key");
        return Ok(created(&state.base_url(), &city.slug, &award, true));
    }
    let malformed = |_| AppError::BadRequest("error.json_malformed");
    let value: Value = serde_json::from_slice(&body).map_err(malformed)?;
    if !value.is_object() {
        return Err(AppError::BadRequest("error.json_malformed"));
    }
    let request: AwardRequest = serde_json::from_value(value).map_err(malformed)?;
    let mut errors = Vec::new();
    let badge_slug = required_string(request.badge, "badge", &mut errors);
    let recipient = required_string(request.recipient, "recipient", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let base = state.base_url();
    let (city_id, org_id) = (org.0.city_id, org.0.id);
    let actor = Actor::api_token(&org.1, &address);
    let remembered = key.clone();
    let for_mail = base.clone();
    let made = state
        .db
        .run(move |conn| {
            let city = tenancy::store::find(conn, city_id)?;
            let mut errors = Vec::new();
            let badge = badges::store::find_by_slug(conn, city_id, &badge_slug)?
                .filter(|b| b.org_id == org_id);
            if badge.is_none() {
                errors.push(FieldError {
                    field: "badge",
                    message: "field.badge_unknown",
                });
            }
            // One answer for "no such account", "not a youth of this city" and "waiting for a
            // parent's consent": a token holder learns no more than that it cannot award.
            let youth = match auth_store::find_user_by_login(conn, &recipient)? {
                Some((user, _))
                    if !user.awaiting_consent()
                        && auth_store::roles_in_city(conn, city_id, user.id)?
                            .0
                            .contains(&CityRole::Youth) =>
                {
                    Some(user)
                }
                _ => {
                    errors.push(FieldError {
                        field: "recipient",
                        message: "field.recipient_unknown",
                    });
                    None
                }
            };
            let (Some(badge), Some(youth), true) = (badge, youth, errors.is_empty()) else {
                return Err(AppError::Invalid(errors));
            };
            let now = Utc::now().naive_utc();
            let public_id = conn
                .transaction(|conn| {
                    let issued = issuance::issue(
                        conn,
                        &Issue {
                            city: &city,
                            org: org_id,
                            badge: badge.id,
                            recipient: youth.id,
                            method: AwardMethod::Api,
                            claim_code: None,
                            evidence: None,
                            actor: &actor,
                            base_url: &for_mail,
                            seeded: false,
                            now,
                        },
                    )?;
                    if let Some((key, request_digest)) = &remembered {
                        idempotency::remember(
                            conn,
                            org_id,
                            key,
                            request_digest,
                            &issued.public_id,
                            now,
                        )?;
                    }
                    Ok::<_, IssueError>(issued.public_id)
                })
                .map_err(|e| match e {
                    // A racing request with the same Idempotency-Key wrote it first.
                    IssueError::Database(e) if is_unique_violation(&e) => {
                        AppError::Conflict("error.already_awarded")
                    }
                    e => e.into(),
                })?;
            let award =
                awards::find_by_public_id(conn, city_id, &public_id)?.ok_or(AppError::NotFound)?;
            Ok((city, award))
        })
        .await;
    let (city, award) = match made {
        Ok(made) => made,
        // A request with the same key that ran at the same moment made the award first.
        Err(AppError::Conflict(_)) if key.is_some() => {
            match earlier_answer(&state, org_id, key).await? {
                Some((city, award)) => {
                    return Ok(created(&base, &city.slug, &award, true));
                }
                None => return Err(AppError::Conflict("error.already_awarded")),
            }
        }
        Err(e) => return Err(e),
    };
    tracing::info!(award.public_id = %award.public_id, org.slug = %award.org_slug, "awarded through the API");
    // Signed now, so the credential is ready when the partner fetches it.
    crate::awards::credential::ensure(&state, &base, &city, &award.public_id).await?;
    Ok(created(&base, &city.slug, &award, false))
}

pub async fn show_award(
    state: web::Data<AppState>,
    org: ApiOrg,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let public_id = path.into_inner();
    let org_id = org.0.id;
    let (city, award) = state
        .db
        .run(move |conn| {
            let (city_id, award) =
                awards::find_any_by_public_id(conn, &public_id)?.ok_or(AppError::NotFound)?;
            if award.org_id != org_id {
                return Err(AppError::NotFound);
            }
            Ok((tenancy::store::find(conn, city_id)?, award))
        })
        .await?;
    Ok(HttpResponse::Ok().json(award_json(&state.base_url(), &city.slug, &award)))
}

#[derive(Deserialize)]
struct RevokeRequest {
    reason: Option<Value>,
}

pub async fn revoke_award(
    state: web::Data<AppState>,
    org: ApiOrg,
    ClientAddress(address): ClientAddress,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let public_id = path.into_inner();
    let malformed = |_| AppError::BadRequest("error.json_malformed");
    let value: Value = serde_json::from_slice(&body).map_err(malformed)?;
    if !value.is_object() {
        return Err(AppError::BadRequest("error.json_malformed"));
    }
    let request: RevokeRequest = serde_json::from_value(value).map_err(malformed)?;
    let mut errors = Vec::new();
    let reason = required_string(request.reason, "reason", &mut errors);
    let reason = if errors.is_empty() {
        crate::fields::text(&reason, 500, true).map_err(|message| {
            AppError::Invalid(vec![FieldError {
                field: "reason",
                message,
            }])
        })?
    } else {
        return Err(AppError::Invalid(errors));
    };
    let org_id = org.0.id;
    let actor = Actor::api_token(&org.1, &address);
    let base = state.base_url();
    let (city, award) = state
        .db
        .run(move |conn| {
            let (city_id, award) =
                awards::find_any_by_public_id(conn, &public_id)?.ok_or(AppError::NotFound)?;
            if award.org_id != org_id {
                return Err(AppError::NotFound);
            }
            let of_city = tenancy::store::find(conn, city_id)?;
            let revoked = crate::awards::revocation::revoke(
                conn,
                &of_city,
                &base,
                &award,
                &reason,
                &actor,
                Utc::now().naive_utc(),
            )?;
            if !revoked {
                return Err(AppError::Conflict("error.already_revoked"));
            }
            let award =
                awards::find_by_public_id(conn, city_id, &public_id)?.ok_or(AppError::NotFound)?;
            Ok((tenancy::store::find(conn, city_id)?, award))
        })
        .await?;
    tracing::info!(award.public_id = %award.public_id, "award revoked through the API");
    Ok(HttpResponse::Ok().json(award_json(&state.base_url(), &city.slug, &award)))
}
