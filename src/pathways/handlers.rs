//! `/c/{city}/pathways` (coordinators: the city's pathways, across organizations, with badges
//! the city issues) and `/c/{city}/orgs/{org}/pathways` (an organization's admins: pathways of
//! its own badges).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityAccess, Coordinator, OrgAdmin};
use crate::badges::{self, Badge};
use crate::error::AppError;
use crate::orgs::{self, Org};
use crate::pathways::store::{self, NewPathway, Pathway};
use crate::pathways::Rule;
use crate::state::AppState;
use crate::tenancy::City;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{redirect, redirect_with, render, Chrome, Flash};

#[derive(Template)]
#[template(path = "pathways/manage.html")]
pub struct PathwaysPage {
    pub chrome: Chrome,
    pub city: City,
    /// The owner: an organization, or the city's issuer organization.
    pub org: Org,
    pub pathways: Vec<Pathway>,
    /// The owner's badges, of which one becomes a pathway's badge.
    pub own_badges: Vec<Badge>,
    /// The badges a pathway may take.
    pub candidates: Vec<Badge>,
    pub form: PathwayForm,
    pub errors: FormErrors,
}

impl PathwaysPage {
    pub fn rules(&self) -> [Rule; 3] {
        Rule::ALL
    }

    pub fn action(&self) -> String {
        if self.org.is_city() {
            format!("/c/{}/pathways", self.city.slug)
        } else {
            format!("/c/{}/orgs/{}/pathways", self.city.slug, self.org.slug)
        }
    }

    pub fn picked(&self, slug: &str) -> bool {
        self.form.sources.iter().any(|s| s == slug)
    }

    /// How a pathway is completed, in words.
    pub fn rule_text(&self, p: &Pathway) -> String {
        match p.rule {
            Rule::All => self.chrome.t("pathway.needs_all"),
            Rule::Any => self.chrome.t("pathway.needs_any"),
            Rule::Count => self
                .chrome
                .t1("pathway.needs_count", "n", p.required.to_string()),
        }
    }
}

/// What the form sent.
#[derive(Clone, Debug, Default)]
pub struct PathwayForm {
    pub badge: String,
    pub rule: String,
    pub required: String,
    pub sources: Vec<String>,
}

impl PathwayForm {
    fn from_pairs(pairs: &[(String, String)]) -> PathwayForm {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        PathwayForm {
            badge: get("badge"),
            rule: get("rule"),
            required: get("required"),
            sources: pairs
                .iter()
                .filter(|(n, _)| n == "source")
                .map(|(_, v)| v.trim().to_string())
                .take(200)
                .collect(),
        }
    }
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    city: City,
    org: Org,
    form: PathwayForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id, of_city) = (city.id, org.id, org.is_city());
    let (pathways, own_badges, candidates) = state
        .db
        .run(move |conn| {
            let own = badges::store::list(conn, city_id, Some(org_id))?;
            let candidates = if of_city {
                badges::store::list(conn, city_id, None)?
                    .into_iter()
                    .filter(|b| b.org_id != org_id)
                    .collect()
            } else {
                own.clone()
            };
            Ok((store::list(conn, city_id, Some(org_id))?, own, candidates))
        })
        .await?;
    render(
        status,
        &PathwaysPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            org,
            pathways,
            own_badges,
            candidates,
            form,
            errors,
        },
    )
}

async fn city_issuer(state: &AppState, city: &City) -> Result<Org, AppError> {
    let of_city = city.clone();
    state
        .db
        .run(move |conn| Ok(orgs::store::city_issuer(conn, &of_city)?))
        .await
}

/// `GET /c/{city}/pathways`.
pub async fn city_list(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    let org = city_issuer(&state, &access.city).await?;
    page(
        &state,
        chrome,
        access.city,
        org,
        PathwayForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /c/{city}/pathways`.
pub async fn city_create(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = city_issuer(&state, &access.city).await?;
    create(&state, chrome, access, org, &address, pairs).await
}

/// `GET /c/{city}/orgs/{org}/pathways`.
pub async fn org_list(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
) -> Result<HttpResponse, AppError> {
    if staff.org.is_city() {
        return Ok(redirect(&format!("/c/{}/pathways", staff.access.city.slug)));
    }
    page(
        &state,
        chrome,
        staff.access.city,
        staff.org,
        PathwayForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /c/{city}/orgs/{org}/pathways`.
pub async fn org_create(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    create(&state, chrome, staff.access, staff.org, &address, pairs).await
}

async fn create(
    state: &AppState,
    chrome: Chrome,
    access: CityAccess,
    org: Org,
    address: &str,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let form = PathwayForm::from_pairs(&pairs);
    let mut errors = FormErrors::default();
    let rule = Rule::parse(&form.rule);
    if rule.is_none() {
        errors.add("rule", "pathway.rule_unknown");
    }
    let required = match (rule, form.required.parse::<i32>()) {
        (Some(Rule::Count), Ok(n)) => n,
        (Some(Rule::Count), Err(_)) => {
            errors.add("required", "pathway.required_range");
            0
        }
        _ => 0,
    };
    let (Some(rule), true) = (rule, errors.is_empty()) else {
        return page(
            state,
            chrome,
            access.city,
            org,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = Actor::user(&access.user, address);
    let (city, org_id, of_city, base) =
        (access.city.clone(), org.id, org.is_city(), state.base_url());
    let sent = form.clone();
    let made = state
        .db
        .run(move |conn| {
            Ok(store::create(
                conn,
                &NewPathway {
                    city: &city,
                    org: org_id,
                    owner_is_city: of_city,
                    badge: &sent.badge,
                    rule,
                    required,
                    sources: &sent.sources,
                    seeded: false,
                },
                &actor,
                &base,
                Utc::now().naive_utc(),
            )?)
        })
        .await?;
    match made {
        Ok(issued) => {
            for award in &issued {
                crate::awards::issuance::sign(state, &access.city, &award.public_id).await;
            }
            tracing::info!(org.slug = %org.slug, badge.slug = %form.badge, completed = issued.len(), "pathway created");
            let to = if org.is_city() {
                format!("/c/{}/pathways", access.city.slug)
            } else {
                format!("/c/{}/orgs/{}/pathways", access.city.slug, org.slug)
            };
            Ok(redirect_with(
                &to,
                Flash::success("flash.pathway_created", &issued.len().to_string()),
            ))
        }
        Err(store::Refusal(field, message)) => {
            errors.add(field, message);
            page(
                state,
                chrome,
                access.city,
                org,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
