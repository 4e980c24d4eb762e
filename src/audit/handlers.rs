//! `/c/{city}/audit` (the city's coordinators) and `/admin/audit` (the operator), each with a
//! CSV export of exactly the rows the page shows.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use crate::audit::pages::{AuditPage, AuditQuery};
use crate::audit::store::{self, AuditFilter, AuditRow};
use crate::audit::AuditAction;
use crate::auth::access::{Coordinator, Operator};
use crate::error::AppError;
use crate::fields;
use crate::ids::CityId;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{render, Chrome};

impl TryFrom<&AuditQuery> for AuditFilter {
    type Error = FormErrors;

    fn try_from(query: &AuditQuery) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::default();
        let action = match query.action.trim() {
            "" => None,
            value => AuditAction::parse(value).or_else(|| {
                errors.add("action", "audit.action_invalid");
                None
            }),
        };
        let actor = match query.actor.trim() {
            "" => None,
            value if value.chars().count() <= 120 => Some(value.to_string()),
            _ => {
                errors.add("actor", "field.line_invalid");
                None
            }
        };
        let from = fields::optional_date(&query.from)
            .map_err(|e| errors.add("from", e))
            .ok()
            .flatten();
        let to = fields::optional_date(&query.to)
            .map_err(|e| errors.add("to", e))
            .ok()
            .flatten();
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                errors.add("to", "audit.range_invalid");
            }
        }
        errors.into_result(AuditFilter {
            action,
            actor,
            from,
            to,
        })
    }
}

async fn load(
    state: &AppState,
    city: Option<CityId>,
    query: &AuditQuery,
) -> Result<Result<Vec<AuditRow>, FormErrors>, AppError> {
    let filter = match AuditFilter::try_from(query) {
        Ok(filter) => filter,
        Err(errors) => return Ok(Err(errors)),
    };
    let rows = state
        .db
        .run(move |conn| Ok(store::list(conn, city, &filter)?))
        .await?;
    Ok(Ok(rows))
}

async fn show(
    state: &AppState,
    chrome: Chrome,
    city: Option<CityId>,
    city_name: Option<String>,
    base_path: String,
    query: AuditQuery,
) -> Result<HttpResponse, AppError> {
    let (status, rows, errors) = match load(state, city, &query).await? {
        Ok(rows) => (StatusCode::OK, rows, FormErrors::default()),
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), errors),
    };
    render(
        status,
        &AuditPage {
            chrome,
            base_path,
            city_name,
            query,
            errors,
            rows,
        },
    )
}

/// A cell that a spreadsheet would run as a formula is prefixed with `'`.
/// A cell a spreadsheet will not run as a formula.
pub fn csv_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

async fn export(
    state: &AppState,
    city: Option<CityId>,
    query: &AuditQuery,
    file_name: &str,
) -> Result<HttpResponse, AppError> {
    let rows = load(state, city, query).await?.map_err(AppError::from)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| AppError::Internal(e.into());
    writer
        .write_record([
            "at", "actor", "city", "action", "target", "address", "detail",
        ])
        .map_err(csv_error)?;
    for row in &rows {
        writer
            .write_record([
                row.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                csv_cell(&row.actor_name),
                row.city_slug.clone().unwrap_or_default(),
                row.action.clone(),
                csv_cell(&row.target),
                csv_cell(&row.address),
                csv_cell(&row.detail),
            ])
            .map_err(csv_error)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body))
}

pub async fn city_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let city = access.city;
    show(
        &state,
        chrome.in_city(&city.slug, &city.name),
        Some(city.id),
        Some(city.name.clone()),
        format!("/c/{}/audit", city.slug),
        query.into_inner(),
    )
    .await
}

pub async fn city_csv(
    state: web::Data<AppState>,
    Coordinator(access): Coordinator,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let name = format!("audit-{}.csv", access.city.slug);
    export(&state, Some(access.city.id), &query, &name).await
}

pub async fn admin_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    _operator: Operator,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    show(
        &state,
        chrome,
        None,
        None,
        "/admin/audit".into(),
        query.into_inner(),
    )
    .await
}

pub async fn admin_csv(
    state: web::Data<AppState>,
    _operator: Operator,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    export(&state, None, &query, "audit-all-cities.csv").await
}
