//! The public catalog and the form where org admins add activities.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use crate::activities::pages::{ActivityForm, CatalogPage, NewActivityPage};
use crate::activities::store::{self, NewActivity};
use crate::auth::access::OrgAdmin;
use crate::error::AppError;
use crate::fields;
use crate::orgs;
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CatalogQuery {
    org: String,
}

pub async fn catalog(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    query: web::Query<CatalogQuery>,
) -> Result<HttpResponse, AppError> {
    let city_id = city.id;
    let selected = query.into_inner().org;
    let wanted = selected.clone();
    let (orgs, activities, badges) = state
        .db
        .run(move |conn| {
            let orgs = orgs::store::list_in_city(conn, city_id)?;
            let filter = orgs.iter().find(|o| o.slug == wanted).map(|o| o.id);
            Ok((
                orgs,
                store::list(conn, city_id, filter)?,
                crate::badges::store::list(conn, city_id, filter)?,
            ))
        })
        .await?;
    page(&CatalogPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        orgs,
        selected_org: selected,
        activities,
        badges,
    })
}

pub async fn new_form(chrome: Chrome, OrgAdmin(staff): OrgAdmin) -> Result<HttpResponse, AppError> {
    let city = staff.access.city;
    page(&NewActivityPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        form: ActivityForm::default(),
        errors: FormErrors::default(),
    })
}

pub async fn create(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    CsrfForm(form): CsrfForm<ActivityForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FormErrors::default();
    let title = fields::line(&form.title, 120).map_err(|e| errors.add("title", e));
    let description =
        fields::text(&form.description, 4000, true).map_err(|e| errors.add("description", e));
    let location = fields::text(&form.location, 200, false).map_err(|e| errors.add("location", e));
    let starts_on = fields::optional_date(&form.starts_on).map_err(|e| errors.add("starts_on", e));
    let ends_on = fields::optional_date(&form.ends_on).map_err(|e| errors.add("ends_on", e));
    if let (Ok(Some(s)), Ok(Some(e))) = (&starts_on, &ends_on) {
        if e < s {
            errors.add("ends_on", "field.ends_before_start");
        }
    }
    let city = staff.access.city;
    let (Ok(title), Ok(description), Ok(location), Ok(starts_on), Ok(ends_on), true) = (
        title,
        description,
        location,
        starts_on,
        ends_on,
        errors.is_empty(),
    ) else {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewActivityPage {
                chrome: chrome.in_city(&city.slug, &city.name),
                city,
                org: staff.org,
                form,
                errors,
            },
        );
    };
    let (city_id, org_id) = (city.id, staff.org.id);
    let shown = title.clone();
    state
        .db
        .run(move |conn| {
            Ok(store::insert(
                conn,
                city_id,
                org_id,
                &NewActivity {
                    title: &title,
                    description: &description,
                    location: &location,
                    starts_on,
                    ends_on,
                },
                Utc::now().naive_utc(),
            )?)
        })
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/orgs/{}", city.slug, staff.org.slug),
        Flash::success("flash.activity_created", &shown),
    ))
}
