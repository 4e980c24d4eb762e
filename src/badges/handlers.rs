//! Org admins create badges and their staff edit them (designed, uploaded or a designed
//! default image; each saved change a new version); anyone sees a badge's page.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use base64::Engine;
use chrono::Utc;
use diesel::Connection;
use futures_util::TryStreamExt;
use serde::Deserialize;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityAccess, OrgAdmin, OrgStaff};
use crate::auth::store as auth_store;
use crate::badges::content::{parse_alignment_url, parse_tags};
use crate::badges::design::{self, Design, DesignForm, Shape};
use crate::badges::image::{self, BadgeImage, MAX_IMAGE_BYTES};
use crate::badges::pages::{
    translation_fields, AlignmentForm, BadgeForm, BadgePage, EditBadgePage, FormView, NewBadgePage,
    TranslationForm, ALIGNMENT_FIELDS, MAX_ALIGNMENTS,
};
use crate::badges::store::{self, NewBadge};
use crate::badges::{Alignment, Badge, BadgeContent, BadgeType, EarnedBy, Translation};
use crate::db::is_unique_violation;
use crate::error::AppError;
use crate::fields::{self, Slug};
use crate::ids::ActivityId;
use crate::state::AppState;
use crate::tenancy::{City, CurrentCity};
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
    let form = BadgeForm::blank(&city);
    page(&NewBadgePage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        activities,
        view: FormView::new(form, FormErrors::default(), None),
    })
}

/// The largest text field; a carried upload (`upload_data`, base64) may be larger.
const MAX_TEXT_FIELD: usize = 16 * 1024;
const MAX_CARRIED_UPLOAD: usize = MAX_IMAGE_BYTES / 3 * 4 + 8;

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
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES + 1
                && !(name == "upload_data" && bytes.len() + chunk.len() <= MAX_CARRIED_UPLOAD)
            {
                return Err(AppError::BadRequest("error.too_large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file && name == "image" {
            if !bytes.is_empty() {
                file = Some(bytes);
            }
        } else if bytes.len() <= MAX_TEXT_FIELD
            || (name == "upload_data" && bytes.len() <= MAX_CARRIED_UPLOAD)
        {
            texts.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        } else {
            return Err(AppError::BadRequest("error.too_large"));
        }
    }
    Ok((texts, file))
}

/// The form as typed, for `city`'s languages (the first is the original).
fn form_from(texts: &HashMap<String, String>, city: &City, original: &str) -> BadgeForm {
    let get = |k: &str| texts.get(k).cloned().unwrap_or_default();
    let alignments = ALIGNMENT_FIELDS
        .iter()
        .map(|(name, url, framework)| AlignmentForm {
            name: get(name),
            url: get(url),
            framework: get(framework),
        })
        .filter(|a| !(a.name.is_empty() && a.url.is_empty() && a.framework.is_empty()))
        .collect::<Vec<_>>();
    let rows = alignments.len();
    let mut alignments = alignments;
    alignments.resize(
        (rows + 1).clamp(3, MAX_ALIGNMENTS),
        AlignmentForm::default(),
    );
    let translations = city
        .languages
        .iter()
        .filter(|l| **l != original)
        .map(|l| {
            let (name, description, criteria) = translation_fields(l);
            TranslationForm {
                locale: (*l).into(),
                name: get(name),
                description: get(description),
                criteria: get(criteria),
            }
        })
        .collect();
    let or = |k: &str, default: &str| {
        let v = get(k);
        if v.is_empty() {
            default.to_string()
        } else {
            v
        }
    };
    BadgeForm {
        name: get("name"),
        slug: get("slug"),
        description: get("description"),
        criteria: get("criteria"),
        activity: get("activity"),
        valid_days: get("valid_days"),
        tags: get("tags"),
        badge_type: or("badge_type", BadgeType::Participation.as_str()),
        earned_by: or("earned_by", EarnedBy::Code.as_str()),
        rubric: get("rubric"),
        alignments,
        translations,
        image_source: get("image_source"),
        design: DesignForm {
            shape: get("shape"),
            primary: get("primary"),
            secondary: get("secondary"),
            icon: get("icon"),
            label: get("label"),
        },
        crop: get("crop"),
        upload_data: get("upload_data"),
    }
}

/// What the badge will say, or the problem of each field.
fn check_content(
    form: &BadgeForm,
    original_locale: &str,
    errors: &mut FormErrors,
) -> Option<BadgeContent> {
    let name = fields::line(&form.name, 80)
        .map_err(|e| errors.add("name", e))
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
    let tags = parse_tags(&form.tags)
        .map_err(|e| errors.add("tags", e))
        .ok();
    let badge_type = BadgeType::parse(&form.badge_type);
    if badge_type.is_none() {
        errors.add("badge_type", "badge_form.type_unknown");
    }
    let earned_by = EarnedBy::parse(&form.earned_by);
    if earned_by.is_none() {
        errors.add("earned_by", "badge_form.earned_by_unknown");
    }
    let rubric = parse_rubric(&form.rubric)
        .map_err(|e| errors.add("rubric", e))
        .ok();
    let mut alignments = Vec::new();
    for (row, (name_f, url_f, _)) in form.alignments.iter().zip(ALIGNMENT_FIELDS) {
        if row.name.trim().is_empty()
            && row.url.trim().is_empty()
            && row.framework.trim().is_empty()
        {
            continue;
        }
        let name = fields::line(&row.name, 120)
            .map_err(|e| errors.add(name_f, e))
            .ok();
        let url = parse_alignment_url(&row.url)
            .map_err(|e| errors.add(url_f, e))
            .ok();
        let framework = match row.framework.trim() {
            "" => Some(String::new()),
            f => fields::line(f, 120).map_err(|e| errors.add(url_f, e)).ok(),
        };
        if let (Some(name), Some(url), Some(framework)) = (name, url, framework) {
            alignments.push(Alignment {
                name,
                url,
                framework,
            });
        }
    }
    let mut translations = Vec::new();
    for tr in &form.translations {
        let (name_f, description_f, criteria_f) = tr.fields();
        let name = match tr.name.trim() {
            "" => Some(String::new()),
            n => fields::line(n, 80).map_err(|e| errors.add(name_f, e)).ok(),
        };
        let description = fields::text(&tr.description, 2000, false)
            .map_err(|e| errors.add(description_f, e))
            .ok();
        let criteria = fields::text(&tr.criteria, 4000, false)
            .map_err(|e| errors.add(criteria_f, e))
            .ok();
        if let (Some(name), Some(description), Some(criteria)) = (name, description, criteria) {
            if !(name.is_empty() && description.is_empty() && criteria.is_empty()) {
                translations.push(Translation {
                    locale: tr.locale.clone(),
                    name,
                    description,
                    criteria,
                });
            }
        }
    }
    Some(BadgeContent {
        name: name?,
        description: description?,
        criteria: criteria?,
        tags: tags?,
        alignments,
        badge_type: badge_type?.as_str().into(),
        earned_by: earned_by?.as_str().into(),
        rubric: rubric?,
        valid_days: valid_days?,
        original_locale: original_locale.into(),
        translations,
    })
}

/// The most rubric items a badge defines.
pub const MAX_RUBRIC_ITEMS: usize = 12;

/// A rubric written one item per line (blank lines skipped).
fn parse_rubric(text: &str) -> Result<Vec<String>, &'static str> {
    let items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| fields::line(l, 200))
        .collect::<Result<_, _>>()?;
    if items.len() > MAX_RUBRIC_ITEMS {
        return Err("badge_form.rubric_too_long");
    }
    Ok(items)
}

/// Problems of fields: (field, catalog key).
type Problems = Vec<(&'static str, &'static str)>;

/// The image a saved form gives the badge.
#[derive(Clone)]
enum ImageChoice {
    /// A new image, with the design that made it (stored so that the edit form reopens it).
    New(BadgeImage, Design),
    /// The badge keeps its image and design.
    Keep,
}

/// The image of the form: a design, an upload (new or carried from a preview) cropped to the
/// chosen shape, or (without either) the designed default on creation and the kept image on an
/// edit. Problems are (field, catalog key). CPU work: run it off the async workers.
fn check_image(
    form: &BadgeForm,
    upload: Option<Vec<u8>>,
    existing: Option<&Badge>,
) -> Result<(ImageChoice, Option<BadgeImage>), Problems> {
    let carried = if upload.is_none() && !form.upload_data.trim().is_empty() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(form.upload_data.trim())
            .map_err(|_| vec![("image", "field.image_unreadable")])?;
        Some(bytes)
    } else {
        None
    };
    let upload = upload.or(carried);
    let design = Design::parse(&form.design);
    let crop = match form.crop.trim() {
        "" | "none" => None,
        shape => Some(Shape::parse(shape).ok_or(vec![("crop", "badge_design.shape_unknown")])?),
    };
    let wants_upload =
        form.image_source == "upload" || (form.image_source.is_empty() && upload.is_some());
    if wants_upload {
        let Some(bytes) = upload else {
            // An edit keeps its uploaded image, unless a new crop needs the original again.
            if let Some(badge) = existing {
                let stored = badge.design.as_deref().and_then(Design::from_json);
                let same_crop = match &stored {
                    Some(d) if d.upload => Some(d.shape.as_str()) == crop.map(Shape::as_str),
                    Some(_) => false,
                    None => crop.is_none(),
                };
                if same_crop {
                    return Ok((ImageChoice::Keep, None));
                }
                return Err(vec![("image", "badge_design.upload_again")]);
            }
            return Err(vec![("image", "badge_design.upload_missing")]);
        };
        let checked = image::check_upload(bytes).map_err(|e| vec![("image", e)])?;
        let shown = match crop {
            Some(shape) => design::crop_upload(shape, &checked).map_err(|e| vec![("image", e)])?,
            None => checked.clone(),
        };
        let mut stored = design.unwrap_or_else(|_| Design::default_for(&form.name));
        stored.shape = crop.map_or("none", Shape::as_str).into();
        stored.upload = true;
        return Ok((ImageChoice::New(shown, stored), Some(checked)));
    }
    if form.image_source == "design" {
        let design = design?;
        return Ok((ImageChoice::New(design.image(), design), None));
    }
    match existing {
        Some(_) => Ok((ImageChoice::Keep, None)),
        None => {
            let design = Design::default_for(form.name.trim());
            Ok((ImageChoice::New(design.image(), design), None))
        }
    }
}

/// The design JSON kept with the badge; none for an upload kept as it is (uncropped), which
/// the edit form reopens as such.
fn stored_design(design: &Design) -> Option<String> {
    (!(design.upload && design.shape == "none")).then(|| design.to_json())
}

/// The image the form page shows: the designer's preview, the cropped upload (as a data: URI,
/// which the pages' CSP allows for images) or the badge's current image.
fn preview_of(
    choice: &ImageChoice,
    form: &BadgeForm,
    city: &str,
    org: &str,
    slug: Option<&str>,
) -> Option<String> {
    match choice {
        ImageChoice::New(image, design) if !design.upload => {
            let _ = image;
            Some(form.preview_url(city, org))
        }
        ImageChoice::New(image, _) => Some(format!(
            "data:{};base64,{}",
            image.mime,
            base64::engine::general_purpose::STANDARD.encode(&image.bytes)
        )),
        ImageChoice::Keep => slug.map(|s| format!("/c/{city}/badges/{s}/image")),
    }
}

/// Checks the whole form; the content, the image choice, and what the form should show again.
async fn check_form(
    form: &mut BadgeForm,
    upload: Option<Vec<u8>>,
    original_locale: &str,
    existing: Option<Badge>,
    errors: &mut FormErrors,
) -> Result<(Option<BadgeContent>, Option<ImageChoice>), AppError> {
    let content = check_content(form, original_locale, errors);
    let image_form = form.clone();
    let checked = web::block(move || check_image(&image_form, upload, existing.as_ref()))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("checking an image: {e}")))?;
    match checked {
        Ok((choice, carried)) => {
            // A preview carries the checked upload to the save, so it need not be chosen again.
            if let Some(upload) = carried {
                form.upload_data = base64::engine::general_purpose::STANDARD.encode(&upload.bytes);
            }
            Ok((content, Some(choice)))
        }
        Err(problems) => {
            for (field, key) in problems {
                errors.add(field, key);
            }
            Ok((content, None))
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let (texts, upload) = read_multipart(payload).await?;
    check_csrf(
        &chrome.csrf,
        texts
            .get("csrf_token")
            .map(String::as_str)
            .unwrap_or_default(),
    )?;
    let city = staff.access.city.clone();
    let original = city.languages.first().copied().unwrap_or("en");
    let mut form = form_from(&texts, &city, original);
    let preview_only = texts.get("action").is_some_and(|a| a == "preview");
    let mut errors = FormErrors::default();
    let slug = if form.slug.trim().is_empty() {
        Slug::from_name(form.name.trim()).ok_or("field.slug_invalid")
    } else {
        Slug::parse(&form.slug)
    }
    .map_err(|e| errors.add("slug", e))
    .ok();
    let activity = match form.activity.trim() {
        "" => Ok(None),
        id => id
            .parse::<i64>()
            .map(|id| Some(ActivityId(id)))
            .map_err(|_| ()),
    };
    let (content, choice) = check_form(&mut form, upload, original, None, &mut errors).await?;
    let (city_id, org_id) = (city.id, staff.org.id);
    let preview = choice
        .as_ref()
        .and_then(|c| preview_of(c, &form, &city.slug, &staff.org.slug, None));
    let actor = Actor::user(&staff.access.user, &address);
    let outcome = state
        .db
        .run(move |conn| {
            if crate::orgs::may_publish(conn, city_id, org_id)? == Some(false) {
                errors.add("form", "badge_form.org_not_approved");
            }
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
            let (Some(content), Some(slug), Some(ImageChoice::New(image, design)), true, false) =
                (content, slug, choice, errors.is_empty(), preview_only)
            else {
                return Ok(Err(errors));
            };
            let now = Utc::now().naive_utc();
            let inserted = conn.transaction(|conn| {
                let badge = store::insert(
                    conn,
                    city_id,
                    org_id,
                    &NewBadge {
                        slug: slug.as_str(),
                        name: &content.name,
                        description: &content.description,
                        criteria: &content.criteria,
                        activity,
                        image_mime: image.mime,
                        image_data: &image.bytes,
                        valid_days: content.valid_days,
                    },
                    now,
                )?;
                store::save_content(conn, badge, &content, stored_design(&design).as_deref())?;
                store::keep_current_version(conn, badge, now)?;
                crate::audit::record(
                    conn,
                    &crate::audit::AuditEvent {
                        actor: &actor,
                        city: Some(city_id),
                        org: Some(org_id),
                        action: crate::audit::AuditAction::BadgeCreated,
                        target: slug.as_str().to_string(),
                        detail: serde_json::json!({"version": 1}),
                        at: now,
                    },
                )?;
                Ok::<_, diesel::result::Error>(())
            });
            match inserted {
                Ok(()) => Ok(Ok(content.name)),
                Err(e) if is_unique_violation(&e) => {
                    let mut errors = FormErrors::default();
                    errors.add("slug", "field.slug_taken");
                    Ok(Err(errors))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
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
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render(
                status,
                &NewBadgePage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    org: staff.org,
                    activities,
                    view: FormView::new(form, errors, preview),
                },
            )
        }
    }
}

/// The badge of the path, of the organization of the path (another's answers 404).
async fn load_for_edit(
    state: &AppState,
    staff: &OrgStaff,
    slug: String,
) -> Result<(Badge, BadgeContent), AppError> {
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    state
        .db
        .run(move |conn| {
            let badge =
                store::find_in_org(conn, city_id, org_id, &slug)?.ok_or(AppError::NotFound)?;
            let content = store::content(conn, badge.id)?;
            Ok((badge, content))
        })
        .await
}

pub async fn edit_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, slug) = path.into_inner();
    let (badge, content) = load_for_edit(&state, &staff, slug).await?;
    let city = staff.access.city;
    let form = BadgeForm::of(&city, &badge, &content);
    let preview = Some(format!("/c/{}/badges/{}/image", city.slug, badge.slug));
    page(&EditBadgePage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        badge,
        view: FormView::new(form, FormErrors::default(), preview),
    })
}

pub async fn update(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let (_, _, slug) = path.into_inner();
    // Another organization's badge answers 404 before its form is read.
    let (badge, current) = load_for_edit(&state, &staff, slug).await?;
    let (texts, upload) = read_multipart(payload).await?;
    check_csrf(
        &chrome.csrf,
        texts
            .get("csrf_token")
            .map(String::as_str)
            .unwrap_or_default(),
    )?;
    let city = staff.access.city.clone();
    let mut form = form_from(&texts, &city, &current.original_locale);
    form.slug = badge.slug.clone();
    let preview_only = texts.get("action").is_some_and(|a| a == "preview");
    let mut errors = FormErrors::default();
    let (content, choice) = check_form(
        &mut form,
        upload,
        &current.original_locale,
        Some(badge.clone()),
        &mut errors,
    )
    .await?;
    let preview = choice
        .as_ref()
        .and_then(|c| preview_of(c, &form, &city.slug, &staff.org.slug, Some(&badge.slug)));
    let saved = match (content, choice, errors.is_empty(), preview_only) {
        (Some(content), Some(choice), true, false) => {
            let (city_id, badge_id, org_id) = (city.id, badge.id, staff.org.id);
            let actor = Actor::user(&staff.access.user, &address);
            let target = badge.slug.clone();
            let kept_design = badge.design.clone();
            let version = state
                .db
                .run(move |conn| {
                    conn.transaction(|conn| {
                        let now = Utc::now().naive_utc();
                        let (image, design) = match &choice {
                            ImageChoice::New(image, design) => (
                                (image.mime.to_string(), image.bytes.clone()),
                                stored_design(design),
                            ),
                            ImageChoice::Keep => {
                                let stored = store::image(conn, city_id, &target, None)?
                                    .ok_or(diesel::result::Error::NotFound)?;
                                ((stored.mime, stored.bytes), kept_design.clone())
                            }
                        };
                        let version = store::update(
                            conn,
                            city_id,
                            badge_id,
                            &content,
                            (&image.0, &image.1),
                            design.as_deref(),
                            now,
                        )?;
                        crate::audit::record(
                            conn,
                            &crate::audit::AuditEvent {
                                actor: &actor,
                                city: Some(city_id),
                                org: Some(org_id),
                                action: crate::audit::AuditAction::BadgeEdited,
                                target: target.clone(),
                                detail: serde_json::json!({"version": version}),
                                at: now,
                            },
                        )?;
                        Ok::<_, diesel::result::Error>(version)
                    })
                    .map_err(AppError::from)
                })
                .await?;
            Some(version)
        }
        _ => None,
    };
    if saved.is_some() {
        return Ok(redirect_with(
            &format!("/c/{}/badges/{}", city.slug, badge.slug),
            Flash::success("flash.badge_updated", &form.name),
        ));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &EditBadgePage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            org: staff.org,
            badge,
            view: FormView::new(form, errors, preview),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PreviewQuery {
    shape: String,
    primary: String,
    secondary: String,
    icon: String,
    label: String,
}

/// The designer's drawing of the query, for staff, written nowhere (400 for a bad design).
pub async fn preview(
    _staff: OrgStaff,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let design = Design::parse(&DesignForm {
        shape: q.shape,
        primary: q.primary,
        secondary: q.secondary,
        icon: q.icon,
        label: q.label,
    })
    .map_err(|_| AppError::BadRequest("badge_design.preview_invalid"))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "private, max-age=60"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(design.svg()))
}

/// Whether the viewer is staff of `org` (or a coordinator): who may edit its badges.
async fn may_edit(
    state: &AppState,
    city: &City,
    viewer: Option<crate::auth::CurrentUser>,
    org: crate::ids::OrgId,
) -> Result<bool, AppError> {
    let Some(user) = viewer else {
        return Ok(false);
    };
    let (city_id, user_id) = (city.id, user.id);
    let (city_roles, org_roles) = state
        .db
        .run(move |conn| Ok(auth_store::roles_in_city(conn, city_id, user_id)?))
        .await?;
    let access = CityAccess {
        city: city.clone(),
        user,
        city_roles,
        org_roles,
    };
    Ok(access.org_role(org).is_some())
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
    let (badge, content, earners, my_award, leading, ((may_submit, open_submission), pathway)) =
        state
            .db
            .run(move |conn| {
                let badge = store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound)?;
                let content = store::content(conn, badge.id)?;
                let earners = store::earner_count(conn, badge.id)?;
                let mine = match viewer {
                    Some(user) => awards::store::find_for_recipient(conn, badge.id, user)?,
                    None => None,
                };
                let leading =
                    activities::store::published_leading_to(conn, city_id, badge.id, locale)?;
                let mut submitting = (false, None);
                if let (Some(user), true) =
                    (viewer, crate::review::store::by_review(&content.earned_by))
                {
                    let is_youth = crate::auth::store::roles_in_city(conn, city_id, user)?
                        .0
                        .contains(&crate::auth::store::CityRole::Youth);
                    let holds = mine.as_ref().is_some_and(|a| !a.is_revoked());
                    if is_youth && !holds {
                        let open = crate::review::store::open_for(conn, badge.id, user)?;
                        submitting = (open.is_none(), open);
                    }
                }
                let pathway = crate::pathways::store::of_badge(conn, city_id, badge.id)?;
                Ok((
                    badge,
                    content,
                    earners,
                    mine,
                    leading,
                    (submitting, pathway),
                ))
            })
            .await?;
    let can_edit = may_edit(&state, &city, chrome.user.clone(), badge.org_id).await?;
    let text = content.localized(chrome.locale);
    page(&BadgePage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        badge,
        content,
        text,
        earners,
        my_award,
        activities: leading,
        can_edit,
        may_submit,
        open_submission,
        pathway,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: Option<i32>,
}

pub async fn image(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
    query: web::Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let shown = image::load_for_display(&state, city.id, slug, query.version).await?;
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

/// The OB 2.0 BadgeClass of a badge, now or (`?version=N`) as it was at a version.
pub async fn badge_class(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
    query: web::Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let city_id = city.id;
    let version = query.version;
    let (badge, content) = state
        .db
        .run(move |conn| {
            let badge = store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound)?;
            let content = match version {
                None => store::content(conn, badge.id)?,
                Some(v) if v == badge.version => store::content(conn, badge.id)?,
                Some(v) => match store::content_at(conn, badge.id, Some(v))? {
                    Some(content) => content,
                    // Version 1 of a badge never edited is the badge as it is.
                    None if v == 1 && badge.version == 1 => store::content(conn, badge.id)?,
                    None => return Err(AppError::NotFound),
                },
            };
            Ok((badge, content))
        })
        .await?;
    let base = state.base_url();
    let document = crate::signing::ob2::badge_class(&crate::signing::ob2::BadgeClassInput {
        urls: crate::signing::ob3::Urls {
            base: &base,
            city: &city.slug,
        },
        badge_slug: &badge.slug,
        name: &content.name,
        description: &content.description,
        criteria: &content.criteria,
        issuer_org: Some(&badge.org_slug),
        version,
        tags: &content.tags,
        alignments: &content.alignments,
    });
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .body(document.to_string()))
}
