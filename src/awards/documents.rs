//! The published forms of an award: the OB 3.0 credential (JSON for machines, the award page
//! for people), baked PNG and SVG images, and the OB 2.0 hosted assertion.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::awards::credential;
use crate::badges;
use crate::error::AppError;
use crate::signing::baking;
use crate::signing::ob2::{self, AssertionInput};
use crate::signing::ob3::Urls;
use crate::state::AppState;
use crate::tenancy::{City, CurrentCity};

pub const VC_MEDIA_TYPE: &str = "application/vc+ld+json";

/// Whether the client asked for the credential itself rather than a page.
pub fn wants_credential(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let html = accept.find("text/html");
    let json = [
        "application/vc+ld+json",
        "application/ld+json",
        "application/json",
    ]
    .iter()
    .filter_map(|t| accept.find(t))
    .min();
    match (json, html) {
        (Some(j), Some(h)) => j < h,
        (Some(_), None) => true,
        _ => false,
    }
}

fn json_response(status: StatusCode, media_type: &'static str, body: String) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(media_type)))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(body);
    // A 410 for a revoked assertion is the document itself, not an error page.
    response.extensions_mut().insert(crate::web::Rendered);
    response
}

/// The credential as `application/vc+ld+json`.
pub async fn credential_json(
    state: &AppState,
    city: &City,
    public_id: &str,
) -> Result<HttpResponse, AppError> {
    let (credential, _) = credential::ensure(state, &state.base_url(), city, public_id).await?;
    Ok(json_response(
        StatusCode::OK,
        VC_MEDIA_TYPE,
        credential.to_string(),
    ))
}

pub async fn download_json(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    let mut response = credential_json(&state, &city, &public_id).await?;
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{public_id}.json\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The format a baked image is made from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Png,
    Svg,
}

/// The badge image in `format`, converted from whichever was uploaded: an SVG is rasterized
/// for PNG (a generated image if it cannot be drawn), a PNG is wrapped in an SVG.
async fn badge_image(
    state: &AppState,
    city: &City,
    source: &crate::awards::store::CredentialSource,
    format: Format,
) -> Result<Vec<u8>, AppError> {
    let name = &source.badge_name;
    // Baked images are made from the checked image, never from the stored bytes as such; the
    // image is the one of the badge's version the award was made with.
    let shown = badges::image::load_for_display(
        state,
        city.id,
        source.badge_slug.clone(),
        Some(source.badge_version),
    )
    .await?;
    let (is_png, bytes) = (shown.mime == "image/png", shown.bytes);
    match (format, is_png) {
        (Format::Png, true) | (Format::Svg, false) => Ok(bytes),
        (Format::Svg, true) => Ok(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"256\" height=\"256\" viewBox=\"0 0 256 256\"><image width=\"256\" height=\"256\" href=\"data:image/png;base64,{}\"/></svg>",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        )
        .into_bytes()),
        (Format::Png, false) => {
            let name = name.to_string();
            actix_web::web::block(move || {
                badges::raster::svg_to_png(&bytes).unwrap_or_else(|| {
                    let fallback = badges::image::default_image(&name);
                    badges::raster::svg_to_png(&fallback.bytes).unwrap_or_default()
                })
            })
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("rasterizing: {e}")))
        }
    }
}

fn image_response(mime: &'static str, filename: &str, body: Vec<u8>) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ))
        .body(body);
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The award's badge image as a PNG with its signed OB 3.0 `credential` baked in (what
/// `badge.png` serves, and what a data export carries).
pub async fn baked_ob3_png(
    state: &AppState,
    city: &City,
    credential: &serde_json::Value,
    source: &crate::awards::store::CredentialSource,
) -> Result<Vec<u8>, AppError> {
    let png = badge_image(state, city, source, Format::Png).await?;
    baking::bake_png(&png, baking::OB3_PNG_KEYWORD, &credential.to_string())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the badge PNG could not be baked")))
}

pub async fn baked_png(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    let (credential, source) =
        credential::ensure(&state, &state.base_url(), &city, &public_id).await?;
    let baked = baked_ob3_png(&state, &city, &credential, &source).await?;
    Ok(image_response(
        "image/png",
        &format!("{}.png", source.badge_slug),
        baked,
    ))
}

pub async fn baked_svg(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    let (credential, source) =
        credential::ensure(&state, &state.base_url(), &city, &public_id).await?;
    let svg = badge_image(&state, &city, &source, Format::Svg).await?;
    let baked = baking::bake_svg_ob3(&String::from_utf8_lossy(&svg), &credential.to_string())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the badge SVG could not be baked")))?;
    Ok(image_response(
        "image/svg+xml",
        &format!("{}.svg", source.badge_slug),
        baked.into_bytes(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssertionQuery {
    bake: String,
}

/// The OB 2.0 hosted assertion (410 once revoked), or with `?bake=png|svg` a baked image.
pub async fn assertion(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
    query: web::Query<AssertionQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    let base = state.base_url();
    let city_id = city.id;
    let id = public_id.clone();
    let source = state
        .db
        .run(move |conn| {
            crate::awards::store::credential_source(conn, city_id, &id)?.ok_or(AppError::NotFound)
        })
        .await?;
    let urls = Urls {
        base: &base,
        city: &city.slug,
    };
    let recipient = source.recipient.identifier(&city.slug);
    let document = ob2::assertion(&AssertionInput {
        urls,
        award_id: &source.public_id,
        badge_slug: &source.badge_slug,
        badge_version: source.badge_version,
        recipient: &recipient,
        salt: &source.salt,
        issued_on: source.awarded_at,
        revoked: source
            .revoked
            .then(|| source.revocation_reason.as_deref().unwrap_or_default()),
    });
    if source.revoked {
        let body = json!({
            "@context": ob2::OB2_CONTEXT,
            "id": document["id"],
            "revoked": true,
            "revocationReason": source.revocation_reason,
        });
        return Ok(json_response(
            StatusCode::GONE,
            "application/ld+json",
            body.to_string(),
        ));
    }
    let text = document.to_string();
    match query.bake.as_str() {
        "png" => {
            let png = badge_image(&state, &city, &source, Format::Png).await?;
            let baked =
                baking::bake_png(&png, baking::OB2_PNG_KEYWORD, &text).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("the badge PNG could not be baked"))
                })?;
            Ok(image_response(
                "image/png",
                &format!("{}-ob2.png", source.badge_slug),
                baked,
            ))
        }
        "svg" => {
            let svg = badge_image(&state, &city, &source, Format::Svg).await?;
            let url = urls.assertion(&source.public_id);
            let baked = baking::bake_svg_ob2(&String::from_utf8_lossy(&svg), &url, &text)
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("the badge SVG could not be baked"))
                })?;
            Ok(image_response(
                "image/svg+xml",
                &format!("{}-ob2.svg", source.badge_slug),
                baked.into_bytes(),
            ))
        }
        "" => Ok(json_response(StatusCode::OK, "application/ld+json", text)),
        _ => Err(AppError::BadRequest("error.bad_request")),
    }
}
