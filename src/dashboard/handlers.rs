//! `/c/{city}/dashboard` (the city's coordinators) and `/c/{city}/orgs/{org}/dashboard` (the
//! organization's staff, and coordinators), each view a GET URL whose query string is its
//! filter, and each table of it as CSV under `…/dashboard/csv/{table}` with the same query.
//! A filter that does not parse, or names nothing of the city, is a 400 page that says so.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use crate::auth::access::{Coordinator, OrgStaff};
use crate::dashboard::filter::{self, AgeBand, DashFilter, DashQuery, NeighborhoodPick, Picked};
use crate::dashboard::pages::DashboardPage;
use crate::dashboard::season::Season;
use crate::dashboard::store::{self, Options};
use crate::dashboard::tables::{href, View};
use crate::dashboard::{cache, Figures, Scope};
use crate::error::AppError;
use crate::state::AppState;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::{render, Chrome};

/// The view of `query`, or what is wrong with it.
pub fn parse(
    query: &DashQuery,
    city: &City,
    scope: &Scope,
    options: &Options,
    today: chrono::NaiveDate,
) -> Result<DashFilter, FormErrors> {
    let mut errors = FormErrors::default();
    let default = filter::default_range((city.season_starts_on, city.season_ends_on), today);
    let range = filter::parse_range(query, default)
        .map_err(|(field, message)| errors.add(field, message))
        .ok();
    let find = |list: &[Picked], value: &str| list.iter().find(|p| p.slug == value).cloned();
    let org = match query.org.trim() {
        "" => None,
        // An organization's own dashboard is of that organization only.
        _ if *scope != Scope::City => None,
        slug => find(&options.orgs, slug).or_else(|| {
            errors.add("org", "dashboard.unknown_org");
            None
        }),
    };
    let category = match query.category.trim() {
        "" => None,
        "none" => Some(Picked {
            id: 0,
            slug: "none".into(),
            name: String::new(),
        }),
        slug => find(&options.categories, slug).or_else(|| {
            errors.add("category", "dashboard.unknown_category");
            None
        }),
    };
    let neighborhood = match query.neighborhood.trim() {
        "" => None,
        "none" => Some(NeighborhoodPick::NotGiven),
        slug => match find(&options.neighborhoods, slug) {
            Some(p) => Some(NeighborhoodPick::Of {
                id: p.id,
                slug: p.slug,
                name: p.name,
            }),
            None => {
                errors.add("neighborhood", "dashboard.unknown_neighborhood");
                None
            }
        },
    };
    let age = match query.age.trim() {
        "" => None,
        value => AgeBand::parse(value).or_else(|| {
            errors.add("age", "dashboard.unknown_age");
            None
        }),
    };
    match range {
        Some((first_week, last_week)) if errors.is_empty() => Ok(DashFilter {
            first_week,
            last_week,
            org,
            category,
            neighborhood,
            age,
            age_on: Season::of(city.season_starts_on, city.season_ends_on)
                .filter(|s| s.holds(first_week) && s.holds(last_week))
                .map_or(first_week, |s| s.age_on()),
        }),
        _ => Err(errors),
    }
}

/// The path of a scope's dashboard.
fn base_of(city: &City, scope: &Scope) -> String {
    match scope {
        Scope::City => format!("/c/{}/dashboard", city.slug),
        Scope::Org { slug, .. } => format!("/c/{}/orgs/{slug}/dashboard", city.slug),
    }
}

/// The filter options and, when the query is good, its filter and figures.
async fn load(
    state: &AppState,
    city: &City,
    scope: &Scope,
    query: &DashQuery,
) -> Result<(Options, Result<(DashFilter, Figures), FormErrors>), AppError> {
    let city_id = city.id;
    let options = state
        .db
        .run(move |conn| Ok(store::options(conn, city_id)?))
        .await?;
    let filter = match parse(query, city, scope, &options, state.clock.today()) {
        Ok(filter) => filter,
        Err(errors) => return Ok((options, Err(errors))),
    };
    let figures = cache::figures(state, city_id, scope, &filter, &options).await?;
    Ok((options, Ok((filter, figures))))
}

async fn show(
    state: &AppState,
    chrome: Chrome,
    city: City,
    scope: Scope,
    query: DashQuery,
) -> Result<HttpResponse, AppError> {
    let (options, loaded) = load(state, &city, &scope, &query).await?;
    let base = base_of(&city, &scope);
    let (status, view, errors) = match loaded {
        Ok(view) => (StatusCode::OK, Some(view), FormErrors::default()),
        Err(errors) => (StatusCode::BAD_REQUEST, None, errors),
    };
    let chrome = chrome.in_city(&city.slug, &city.name);
    let page = DashboardPage::new(chrome, city, scope, base, query, options, errors, view);
    render(status, &page)
}

async fn csv(
    state: &AppState,
    locale: &'static str,
    city: City,
    scope: Scope,
    table: &str,
    query: DashQuery,
) -> Result<HttpResponse, AppError> {
    let (_, loaded) = load(state, &city, &scope, &query).await?;
    let (filter, figures) = loaded.map_err(|_| AppError::BadRequest("dashboard.bad_filter"))?;
    let base = base_of(&city, &scope);
    let view = View {
        locale,
        base: &base,
        filter: &filter,
        scope: &scope,
        figures: &figures,
    };
    let table = view.table(table).ok_or(AppError::NotFound)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in table.csv_records() {
        writer
            .write_record(record.iter().map(|c| crate::audit::handlers::csv_cell(c)))
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    let owner = match &scope {
        Scope::City => city.slug.clone(),
        Scope::Org { slug, .. } => slug.clone(),
    };
    let name = format!(
        "{owner}-{}-{}-{}.csv",
        table.id,
        filter.first_week,
        filter.last_week + chrono::Duration::days(6)
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}

fn org_scope(staff: &OrgStaff) -> Scope {
    Scope::Org {
        id: staff.org.id.0,
        slug: staff.org.slug.clone(),
        name: staff.org.name.clone(),
    }
}

/// `GET /c/{city}/dashboard`.
pub async fn city(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    query: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    show(&state, chrome, access.city, Scope::City, query.into_inner()).await
}

/// `GET /c/{city}/dashboard/csv/{table}`.
pub async fn city_csv(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    path: web::Path<(String, String)>,
    query: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, table) = path.into_inner();
    csv(
        &state,
        chrome.locale,
        access.city,
        Scope::City,
        &table,
        query.into_inner(),
    )
    .await
}

/// `GET /c/{city}/orgs/{org}/dashboard`.
pub async fn org(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    query: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = org_scope(&staff);
    show(&state, chrome, staff.access.city, scope, query.into_inner()).await
}

/// `GET /c/{city}/orgs/{org}/dashboard/csv/{table}`.
pub async fn org_csv(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
    query: web::Query<DashQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, _, table) = path.into_inner();
    let scope = org_scope(&staff);
    csv(
        &state,
        chrome.locale,
        staff.access.city,
        scope,
        &table,
        query.into_inner(),
    )
    .await
}

/// The address of the CSV of `table` of a view.
pub fn csv_href(base: &str, table: &str, f: &DashFilter) -> String {
    href(&format!("{base}/csv/{table}"), f)
}
