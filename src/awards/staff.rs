//! `/c/{city}/orgs/{org}/awards`: the awards an organization issued, searchable (to find one to
//! revoke), and staff awards from the web (`…/awards/new`): pick youth from a search or give a
//! roster, see the preview, then award.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::activities::upload;
use crate::audit::{Actor, ClientAddress};
use crate::auth::access::OrgStaff;
use crate::awards::roster::{self, RowCheck};
use crate::awards::{store, AwardView};
use crate::badges::{self, Badge};
use crate::error::AppError;
use crate::orgs::Org;
use crate::state::AppState;
use crate::tenancy::City;
use crate::web::forms::{check_csrf, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

/// The most awards the list shows at once; a search narrows it.
pub const LIST_LIMIT: i64 = 100;

/// The largest roster file accepted, in bytes.
pub const MAX_ROSTER_BYTES: usize = 256 * 1024;

#[derive(Template)]
#[template(path = "awards/issued.html")]
pub struct IssuedPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub q: String,
    pub awards: Vec<AwardView>,
    pub limited: bool,
}

impl IssuedPage {
    pub fn day(&self, award: &AwardView) -> String {
        award.awarded_day(self.chrome.locale)
    }
}

#[derive(Template)]
#[template(path = "awards/roster.html")]
pub struct RosterPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub badges: Vec<Badge>,
    pub badge: String,
    pub q: String,
    /// Youth the search found: (username, display name), and whether they are picked.
    pub found: Vec<(String, String, bool)>,
    pub roster: String,
    /// The preview: each line and what it comes to.
    pub preview: Option<Vec<(String, RowCheck)>>,
    pub errors: FormErrors,
}

impl RosterPage {
    pub fn ready(&self) -> usize {
        self.preview
            .as_ref()
            .map(|rows| rows.iter().filter(|(_, r)| r.is_ready()).count())
            .unwrap_or(0)
    }

    pub fn not_ready(&self) -> usize {
        self.preview.as_ref().map(Vec::len).unwrap_or(0) - self.ready()
    }

    /// The lines the award step carries over from the preview.
    pub fn preview_lines(&self) -> String {
        self.preview
            .as_ref()
            .map(|rows| {
                rows.iter()
                    .map(|(l, _)| l.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    badge: String,
}

pub async fn issued(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q: String = query.q.chars().take(100).collect();
    let (org_id, search) = (staff.org.id, q.clone());
    let awards = state
        .db
        .run(move |conn| Ok(store::issued_by(conn, org_id, &search, LIST_LIMIT + 1)?))
        .await?;
    let limited = awards.len() as i64 > LIST_LIMIT;
    let city = staff.access.city;
    page(&IssuedPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        q,
        awards: awards.into_iter().take(LIST_LIMIT as usize).collect(),
        limited,
    })
}

struct Form {
    badge: String,
    q: String,
    roster: String,
    picked: Vec<String>,
}

async fn roster_page(
    state: &AppState,
    chrome: Chrome,
    staff: OrgStaff,
    status: StatusCode,
    form: Form,
    preview: Option<Vec<(String, RowCheck)>>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id, q) = (staff.access.city.id, staff.org.id, form.q.clone());
    let (badges, found) = state
        .db
        .run(move |conn| {
            Ok((
                badges::store::list(conn, city_id, Some(org_id))?,
                store::youth_matching(conn, city_id, &q)?,
            ))
        })
        .await?;
    let mut found: Vec<(String, String, bool)> = found
        .into_iter()
        .map(|(u, d)| {
            let picked = form.picked.contains(&u);
            (u, d, picked)
        })
        .collect();
    // Youth picked from an earlier search stay picked.
    for username in &form.picked {
        if !found.iter().any(|(u, _, _)| u == username) {
            found.push((username.clone(), String::new(), true));
        }
    }
    let city = staff.access.city;
    render(
        status,
        &RosterPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            org: staff.org,
            badges,
            badge: form.badge,
            q: form.q,
            found,
            roster: form.roster,
            preview,
            errors,
        },
    )
}

pub async fn new_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let form = Form {
        badge: query.badge.clone(),
        q: query.q.chars().take(100).collect(),
        roster: String::new(),
        picked: Vec::new(),
    };
    roster_page(
        &state,
        chrome,
        staff,
        StatusCode::OK,
        form,
        None,
        FormErrors::default(),
    )
    .await
}

/// `POST …/awards`: `action=preview` checks the picked youth and the roster; `action=award`
/// awards every ready row and goes to the list of awards.
pub async fn submit(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let sent =
        upload::read_with_text_limit(payload, "file", MAX_ROSTER_BYTES, MAX_ROSTER_BYTES).await?;
    check_csrf(&chrome.csrf, &sent.get("csrf_token"))?;
    let picked: Vec<String> = sent
        .fields
        .iter()
        .filter(|(n, v)| n == "youth" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .collect();
    let form = Form {
        badge: sent.get("badge"),
        q: sent.get("q"),
        roster: sent.get("roster"),
        picked,
    };
    let mut errors = FormErrors::default();
    if sent.file_too_large {
        errors.add("file", "roster.file_too_large");
    }
    let mut logins = form.picked.clone();
    logins.extend(roster::logins(&form.roster));
    if let Some(file) = &sent.file {
        match std::str::from_utf8(file) {
            Ok(text) => logins.extend(roster::logins(text)),
            Err(_) => errors.add("file", "roster.file_unreadable"),
        }
    }
    if logins.is_empty() && errors.is_empty() {
        errors.add("roster", "roster.empty");
    }
    if logins.len() > roster::MAX_ROWS {
        errors.add("roster", "roster.too_long");
    }
    let (city, org_id, slug) = (staff.access.city.clone(), staff.org.id, form.badge.clone());
    let badge = state
        .db
        .run(move |conn| {
            Ok(badges::store::find_by_slug(conn, city.id, &slug)?.filter(|b| b.org_id == org_id))
        })
        .await?;
    if badge.is_none() {
        errors.add("badge", "roster.badge_unknown");
    }
    let (Some(badge), true) = (badge, errors.is_empty()) else {
        return roster_page(
            &state,
            chrome,
            staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            None,
            errors,
        )
        .await;
    };
    let (city, badge_id) = (staff.access.city.clone(), badge.id);
    let checked = state
        .db
        .run(move |conn| roster::check(conn, &city, badge_id, &logins))
        .await?;
    if sent.get("action") != "award" {
        return roster_page(
            &state,
            chrome,
            staff,
            StatusCode::OK,
            form,
            Some(checked),
            errors,
        )
        .await;
    }
    let actor = Actor::user(&staff.access.user, &address);
    let (city, org, base) = (staff.access.city.clone(), staff.org.id, state.base_url());
    let done = state
        .db
        .run(move |conn| {
            roster::award(
                conn,
                &city,
                org,
                badge_id,
                &checked,
                &actor,
                &base,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    let unsigned = crate::awards::issuance::sign_all(
        &state.db,
        &state.signer,
        &state.base_url(),
        &staff.access.city,
        &done.public_ids,
    )
    .await;
    tracing::info!(org.slug = %staff.org.slug, badge.slug = %badge.slug, awarded = done.awarded, skipped = done.skipped, unsigned, "staff awards");
    Ok(redirect_with(
        &format!(
            "/c/{}/orgs/{}/awards?q={}",
            staff.access.city.slug,
            staff.org.slug,
            urlencoding_of(&badge.name)
        ),
        Flash::success(
            "flash.roster_awarded",
            &format!("{} · {}", done.awarded, badge.name),
        ),
    ))
}

/// `text` for a query string.
fn urlencoding_of(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
