//! Org admins create badges (with an uploaded or generated image); anyone sees a badge's page.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use futures_util::TryStreamExt;

use crate::auth::access::OrgAdmin;
use crate::badges::image::{self, MAX_IMAGE_BYTES};
use crate::badges::pages::{BadgeForm, BadgePage, NewBadgePage};
use crate::badges::store::{self, NewBadge};
use crate::db::is_unique_violation;
use crate::error::AppError;
use crate::fields::{self, Slug};
use crate::ids::ActivityId;
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::forms::{check_csrf, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};
use crate::{activities, awards};

pub async fn new_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let activities = state
        .db
        .run(move |conn| Ok(activities::store::list(conn, city_id, Some(org_id))?))
        .await?;
    let city = staff.access.city;
    page(&NewBadgePage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        activities,
        form: BadgeForm::default(),
        errors: FormErrors::default(),
    })
}

/// The text fields and the uploaded file (if any) of a multipart form.
async fn read_multipart(
    mut payload: Multipart,
) -> Result<(HashMap<String, String>, Option<Vec<u8>>), AppError> {
    let unreadable = |_| AppError::BadRequest("error.form_unreadable");
    let mut texts = HashMap::new();
    let mut file = None;
    while let Some(mut field) = payload.try_next().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .is_some();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES + 1 {
                return Err(AppError::BadRequest("error.too_large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file && name == "image" {
            if !bytes.is_empty() {
                file = Some(bytes);
            }
        } else if bytes.len() <= 16 * 1024 {
            texts.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        } else {
            return Err(AppError::BadRequest("error.too_large"));
        }
    }
    Ok((texts, file))
}

pub async fn create(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let (texts, upload) = read_multipart(payload).await?;
    let get = |k: &str| texts.get(k).cloned().unwrap_or_default();
    check_csrf(&chrome.csrf, &get("csrf_token"))?;
    let form = BadgeForm {
        name: get("name"),
        slug: get("slug"),
        description: get("description"),
        criteria: get("criteria"),
        activity: get("activity"),
        valid_days: get("valid_days"),
    };
    let mut errors = FormErrors::default();
    let name = fields::line(&form.name, 80)
        .map_err(|e| errors.add("name", e))
        .ok();
    let slug = if form.slug.trim().is_empty() {
        name.as_deref()
            .and_then(Slug::from_name)
            .ok_or("field.slug_invalid")
    } else {
        Slug::parse(&form.slug)
    }
    .map_err(|e| errors.add("slug", e))
    .ok();
    let description = fields::text(&form.description, 2000, true)
        .map_err(|e| errors.add("description", e))
        .ok();
    let criteria = fields::text(&form.criteria, 4000, true)
        .map_err(|e| errors.add("criteria", e))
        .ok();
    let valid_days = match form.valid_days.trim() {
        "" => Some(None),
        days => match days.parse::<i32>() {
            Ok(n) if (1..=3650).contains(&n) => Some(Some(n)),
            _ => {
                errors.add("valid_days", "field.valid_days_range");
                None
            }
        },
    };
    let activity = match form.activity.trim() {
        "" => Ok(None),
        id => id
            .parse::<i64>()
            .map(|id| Some(ActivityId(id)))
            .map_err(|_| ()),
    };
    let image = match upload {
        // Decoding and parsing are CPU work (a crafted SVG can take seconds): off the workers.
        Some(bytes) => web::block(move || image::check_upload(bytes))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("checking an upload: {e}")))?
            .map_err(|e| errors.add("image", e))
            .ok(),
        None => name.as_deref().map(image::default_image),
    };
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let outcome = state
        .db
        .run(move |conn| {
            let activity = match activity {
                Ok(Some(a)) if activities::store::belongs_to(conn, a, org_id)? => Some(a),
                Ok(None) => None,
                _ => {
                    errors.add("activity", "field.activity_unknown");
                    None
                }
            };
            if let Some(slug) = &slug {
                if store::find_by_slug(conn, city_id, slug.as_str())?.is_some() {
                    errors.add("slug", "field.slug_taken");
                }
            }
            let (
                Some(name),
                Some(slug),
                Some(description),
                Some(criteria),
                Some(image),
                Some(valid_days),
                true,
            ) = (
                name,
                slug,
                description,
                criteria,
                image,
                valid_days,
                errors.is_empty(),
            )
            else {
                return Ok(Err(errors));
            };
            let inserted = store::insert(
                conn,
                city_id,
                org_id,
                &NewBadge {
                    slug: slug.as_str(),
                    name: &name,
                    description: &description,
                    criteria: &criteria,
                    activity,
                    image_mime: image.mime,
                    image_data: &image.bytes,
                    valid_days,
                },
                Utc::now().naive_utc(),
            );
            match inserted {
                Ok(_) => Ok(Ok(name)),
                Err(e) if is_unique_violation(&e) => {
                    let mut errors = FormErrors::default();
                    errors.add("slug", "field.slug_taken");
                    Ok(Err(errors))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let city = staff.access.city;
    match outcome {
        Ok(name) => Ok(redirect_with(
            &format!("/c/{}/orgs/{}", city.slug, staff.org.slug),
            Flash::success("flash.badge_created", &name),
        )),
        Err(errors) => {
            let activities = state
                .db
                .run(move |conn| Ok(activities::store::list(conn, city_id, Some(org_id))?))
                .await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewBadgePage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    org: staff.org,
                    activities,
                    form,
                    errors,
                },
            )
        }
    }
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let city_id = city.id;
    let viewer = chrome.user.as_ref().map(|u| u.id);
    let locale = chrome.locale;
    let (badge, earners, my_award, leading) = state
        .db
        .run(move |conn| {
            let badge = store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound)?;
            let earners = store::earner_count(conn, badge.id)?;
            let mine = match viewer {
                Some(user) => awards::store::find_for_recipient(conn, badge.id, user)?,
                None => None,
            };
            let leading = activities::store::published_leading_to(conn, city_id, badge.id, locale)?;
            Ok((badge, earners, mine, leading))
        })
        .await?;
    page(&BadgePage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        badge,
        earners,
        my_award,
        activities: leading,
    })
}

pub async fn image(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let shown = image::load_for_display(&state, city.id, slug).await?;
    Ok(HttpResponse::Ok()
        .content_type(shown.mime)
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        // An uploaded SVG opened on its own must not run anything.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(shown.bytes))
}

/// The OB 2.0 BadgeClass of a badge.
pub async fn badge_class(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let city_id = city.id;
    let badge = state
        .db
        .run(move |conn| store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound))
        .await?;
    let base = state.base_url();
    let document = crate::signing::ob2::badge_class(&crate::signing::ob2::BadgeClassInput {
        urls: crate::signing::ob3::Urls {
            base: &base,
            city: &city.slug,
        },
        badge_slug: &badge.slug,
        name: &badge.name,
        description: &badge.description,
        criteria: &badge.criteria,
        issuer_org: Some(&badge.org_slug),
    });
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .body(document.to_string()))
}
