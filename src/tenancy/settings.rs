//! `/c/{city}/settings`: a city's coordinators edit its name, languages, season, brand colors
//! and its lists of neighborhoods and categories; `/c/{city}/brand.css` and `/c/{city}/logo`
//! serve the brand to every page of the city.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, Utc};
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent, ClientAddress};
use crate::auth::access::Coordinator;
use crate::color::{self, readable_on_white};
use crate::error::AppError;
use crate::state::AppState;
use crate::tenancy::logo;
use crate::tenancy::store::{self, NameList};
use crate::tenancy::{City, CurrentCity};
use crate::web::forms::{check_csrf, CsrfForm, FormErrors};
use crate::web::{redirect_with, render, Chrome, Flash};

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub name: String,
    pub tagline: String,
    pub lang_en: Option<String>,
    pub lang_es: Option<String>,
    pub season_starts_on: String,
    pub season_ends_on: String,
    pub brand_primary: String,
    pub brand_secondary: String,
    pub neighborhoods: String,
    pub categories: String,
}

impl SettingsForm {
    fn of(city: &City, neighborhoods: &[String], categories: &[String]) -> SettingsForm {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let on = |l: &str| city.languages.contains(&l).then(|| "on".to_string());
        SettingsForm {
            name: city.name.clone(),
            tagline: city.tagline.clone(),
            lang_en: on("en"),
            lang_es: on("es"),
            season_starts_on: date(city.season_starts_on),
            season_ends_on: date(city.season_ends_on),
            brand_primary: city.brand_primary.clone(),
            brand_secondary: city.brand_secondary.clone(),
            neighborhoods: neighborhoods.join("\n"),
            categories: categories.join("\n"),
        }
    }
}

/// What saving the settings did that the coordinator should know.
#[derive(Default)]
pub struct Saved {
    /// The colors (field name, new value) that were darkened to keep white text readable.
    pub darkened: Vec<(&'static str, String)>,
    /// Activities (and organizations) that lost a removed neighborhood or category.
    pub cleared: usize,
}

#[derive(Template)]
#[template(path = "tenancy/settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub city: City,
    pub form: SettingsForm,
    pub errors: FormErrors,
    pub saved: Option<Saved>,
    /// Changes the preview's address at every visit, so a new logo shows at once.
    pub logo_version: i64,
}

impl SettingsPage {
    /// The catalog key of a color field's label.
    pub fn label(&self, field: &str) -> &'static str {
        if field == "brand_primary" {
            "settings.brand_primary"
        } else {
            "settings.brand_secondary"
        }
    }
}

/// A name's slug: lower-case ASCII letters and digits joined by dashes.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// One name a line: (slug, name), without blanks and repeats; `None` when a name has no slug
/// or is too long.
fn name_lines(text: &str) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let slug = slug_of(line);
        if slug.is_empty() || line.chars().count() > 80 {
            return None;
        }
        if !out.iter().any(|(s, _)| *s == slug) {
            out.push((slug, line.to_string()));
        }
    }
    Some(out)
}

/// The checked settings, ready to store.
pub struct Settings {
    pub name: String,
    pub tagline: String,
    pub languages: String,
    pub season: (Option<NaiveDate>, Option<NaiveDate>),
    pub brand: (String, String),
    pub darkened: Vec<(&'static str, String)>,
    pub neighborhoods: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
}

pub fn validate(form: &SettingsForm) -> Result<Settings, FormErrors> {
    let mut errors = FormErrors::default();
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add("name", "settings.error.name");
    }
    let tagline = form.tagline.trim().to_string();
    if tagline.chars().count() > 200 {
        errors.add("tagline", "settings.error.tagline");
    }
    let mut languages = Vec::new();
    if form.lang_en.is_some() {
        languages.push("en");
    }
    if form.lang_es.is_some() {
        languages.push("es");
    }
    if languages.is_empty() {
        errors.add("languages", "settings.error.languages");
    }
    let date = |field: &'static str, text: &str, errors: &mut FormErrors| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.add(field, "settings.error.date");
        }
        parsed
    };
    let starts = date("season_starts_on", &form.season_starts_on, &mut errors);
    let ends = date("season_ends_on", &form.season_ends_on, &mut errors);
    if let (Some(a), Some(b)) = (starts, ends) {
        if b < a {
            errors.add("season_ends_on", "settings.error.season_order");
        }
    }
    let mut darkened = Vec::new();
    let mut color =
        |field: &'static str, text: &str, errors: &mut FormErrors| match color::parse(text) {
            Some(rgb) => {
                let (rgb, changed) = readable_on_white(rgb);
                if changed {
                    darkened.push((field, color::hex(rgb)));
                }
                color::hex(rgb)
            }
            None => {
                errors.add(field, "settings.error.color");
                String::new()
            }
        };
    let primary = color("brand_primary", &form.brand_primary, &mut errors);
    let secondary = color("brand_secondary", &form.brand_secondary, &mut errors);
    let neighborhoods = name_lines(&form.neighborhoods).unwrap_or_else(|| {
        errors.add("neighborhoods", "settings.error.names");
        Vec::new()
    });
    let categories = name_lines(&form.categories).unwrap_or_else(|| {
        errors.add("categories", "settings.error.names");
        Vec::new()
    });
    errors.into_result(Settings {
        name,
        tagline,
        languages: languages.join(","),
        season: (starts, ends),
        brand: (primary, secondary),
        darkened,
        neighborhoods,
        categories,
    })
}

async fn load_form(state: &AppState, city: &City) -> Result<SettingsForm, AppError> {
    let id = city.id;
    let (neighborhoods, categories) = state
        .db
        .run(move |conn| {
            Ok((
                store::names(conn, id, NameList::Neighborhoods)?,
                store::names(conn, id, NameList::Categories)?,
            ))
        })
        .await?;
    Ok(SettingsForm::of(city, &neighborhoods, &categories))
}

fn page(
    status: StatusCode,
    chrome: Chrome,
    city: City,
    form: SettingsForm,
    errors: FormErrors,
    saved: Option<Saved>,
) -> Result<HttpResponse, AppError> {
    render(
        status,
        &SettingsPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            form,
            errors,
            saved,
            logo_version: Utc::now().timestamp_millis(),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    let form = load_form(&state, &access.city).await?;
    page(
        StatusCode::OK,
        chrome,
        access.city,
        form,
        FormErrors::default(),
        None,
    )
}

pub async fn save(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let settings = match validate(&form) {
        Ok(settings) => settings,
        Err(errors) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                chrome,
                access.city,
                form,
                errors,
                None,
            )
        }
    };
    let actor = Actor::user(&access.user, &address);
    let city_id = access.city.id;
    let slug = access.city.slug.clone();
    let (city, cleared, settings) = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                store::set_name(conn, city_id, &settings.name, &settings.tagline)?;
                store::set_profile(
                    conn,
                    city_id,
                    &settings.languages,
                    settings.season,
                    (&settings.brand.0, &settings.brand.1),
                )?;
                let cleared = store::replace_names(
                    conn,
                    city_id,
                    NameList::Neighborhoods,
                    &settings.neighborhoods,
                )? + store::replace_names(
                    conn,
                    city_id,
                    NameList::Categories,
                    &settings.categories,
                )?;
                let now = Utc::now().naive_utc();
                record_city_change(
                    conn,
                    &actor,
                    city_id,
                    &slug,
                    json!({
                        "name": settings.name,
                        "languages": settings.languages,
                        "brand": [settings.brand.0, settings.brand.1],
                        "neighborhoods": settings.neighborhoods.len(),
                        "categories": settings.categories.len(),
                        "cleared": cleared,
                    }),
                    now,
                )?;
                Ok::<_, AppError>((store::find(conn, city_id)?, cleared, settings))
            })
        })
        .await?;
    tracing::info!(city.slug = %city.slug, cleared, "city settings saved");
    let form = load_form(&state, &city).await?;
    page(
        StatusCode::OK,
        chrome,
        city,
        form,
        FormErrors::default(),
        Some(Saved {
            darkened: settings.darkened,
            cleared,
        }),
    )
}

/// The logo form sent nothing to change: only its CSRF token.
#[derive(Default, serde::Deserialize)]
pub struct NoFields {}

/// Records a change of the city `city` (`slug`) in the audit trail: its settings, logo or
/// sign-in provider, `detail` saying what changed.
pub(crate) fn record_city_change(
    conn: &mut crate::db::DbConnection,
    actor: &Actor,
    city: crate::ids::CityId,
    slug: &str,
    detail: serde_json::Value,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    audit::record(
        conn,
        &AuditEvent {
            actor,
            city: Some(city),
            org: None,
            action: AuditAction::CityUpdated,
            target: slug.to_string(),
            detail,
            at,
        },
    )?;
    Ok(())
}

/// Records a change of the city's logo (`uploaded` or `removed`) in the audit trail.
fn record_logo(
    conn: &mut crate::db::DbConnection,
    actor: &Actor,
    city: &City,
    change: &str,
    bytes: usize,
) -> Result<(), AppError> {
    record_city_change(
        conn,
        actor,
        city.id,
        &city.slug,
        json!({ "logo": change, "bytes": bytes }),
        Utc::now().naive_utc(),
    )
}

/// `POST /c/{city}/settings/logo`: a PNG, JPEG or SVG, checked and re-encoded, becomes the
/// city's logo; a bad file is named next to the logo field and changes nothing.
pub async fn upload_logo(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let submitted = crate::activities::upload::read(payload, "logo", logo::MAX_LOGO_BYTES).await?;
    check_csrf(&chrome.csrf, &submitted.get("csrf_token"))?;
    let prepared = match (submitted.file, submitted.file_too_large) {
        (_, true) => Err("settings.error.logo_too_large"),
        (None, false) => Err("settings.error.logo_missing"),
        (Some(bytes), false) => web::block(move || logo::prepare(&bytes))
            .await
            .map_err(|e| AppError::Internal(e.into()))?,
    };
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(key) => {
            let mut errors = FormErrors::default();
            errors.add("logo", key);
            let form = load_form(&state, &access.city).await?;
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                chrome,
                access.city,
                form,
                errors,
                None,
            );
        }
    };
    let actor = Actor::user(&access.user, &address);
    let city = access.city.clone();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                store::set_logo(conn, city.id, Some((prepared.mime, &prepared.bytes)))?;
                record_logo(conn, &actor, &city, "uploaded", prepared.bytes.len())
            })
        })
        .await?;
    tracing::info!(city.slug = %access.city.slug, "city logo uploaded");
    Ok(redirect_with(
        &format!("/c/{}/settings", access.city.slug),
        Flash::success("flash.logo_saved", &access.city.name),
    ))
}

/// `POST /c/{city}/settings/logo/remove`: the city goes back to its name alone.
pub async fn remove_logo(
    state: web::Data<AppState>,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = Actor::user(&access.user, &address);
    let city = access.city.clone();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                store::set_logo(conn, city.id, None)?;
                record_logo(conn, &actor, &city, "removed", 0)
            })
        })
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/settings", access.city.slug),
        Flash::success("flash.logo_removed", &access.city.name),
    ))
}

/// `:root` custom properties of the city's brand colors (validated `#rrggbb` when stored).
pub fn brand_css(city: &City) -> String {
    let safe = |c: &str, fallback: &'static str| {
        if color::parse(c).is_some() {
            c.to_string()
        } else {
            fallback.to_string()
        }
    };
    let mut css = format!(
        ":root {{ --brand: {}; --accent: {}; }}\n",
        safe(&city.brand_primary, "#1f5f8b"),
        safe(&city.brand_secondary, "#b45309"),
    );
    if city.has_logo {
        // The slug is `[a-z0-9-]` (checked when the city is made), so it needs no escaping.
        css.push_str(&format!(
            ".site-header .brand::before {{ content: \"\"; display: inline-block; width: 40px; \
             height: 40px; border-radius: .35rem; background: #fff url(\"/c/{}/logo\") \
             center / contain no-repeat; border: 2px solid #fff; flex: none; }}\n",
            city.slug
        ));
    }
    css
}

pub async fn brand_stylesheet(CurrentCity(city): CurrentCity) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(brand_css(&city))
}

pub async fn logo(
    state: web::Data<AppState>,
    CurrentCity(city): CurrentCity,
) -> Result<HttpResponse, AppError> {
    let id = city.id;
    let (mime, data) = state
        .db
        .run(move |conn| store::logo(conn, id)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_ascii_with_dashes() {
        assert_eq!(slug_of("  Arts & Crafts "), "arts-crafts");
        assert_eq!(slug_of("Música"), "musica");
    }
}
