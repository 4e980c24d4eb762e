//! The operator's pages: `/admin` (what they look after) and `/admin/cities` (every city, and a
//! form that creates one and invites its first coordinator).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::Operator;
use crate::error::AppError;
use crate::state::AppState;
use crate::tenancy::create::{self, CreateRefused, NewCity, NewCityForm};
use crate::tenancy::{store, City};
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

#[derive(Template)]
#[template(path = "tenancy/admin_home.html")]
pub struct AdminHomePage {
    pub chrome: Chrome,
    pub city_count: usize,
}

#[derive(Template)]
#[template(path = "tenancy/admin_cities.html")]
pub struct AdminCitiesPage {
    pub chrome: Chrome,
    pub cities: Vec<City>,
    pub form: NewCityForm,
    pub errors: FormErrors,
}

impl AdminCitiesPage {
    pub fn offers(&self, language: &str) -> bool {
        self.form.languages().contains(&language)
    }
}

pub async fn home(
    state: web::Data<AppState>,
    chrome: Chrome,
    _operator: Operator,
) -> Result<HttpResponse, AppError> {
    let city_count = state.db.run(|conn| Ok(store::list(conn)?.len())).await?;
    page(&AdminHomePage { chrome, city_count })
}

async fn all_cities(state: &AppState) -> Result<Vec<City>, AppError> {
    state.db.run(|conn| Ok(store::list(conn)?)).await
}

pub async fn cities(
    state: web::Data<AppState>,
    chrome: Chrome,
    _operator: Operator,
) -> Result<HttpResponse, AppError> {
    page(&AdminCitiesPage {
        chrome,
        cities: all_cities(&state).await?,
        form: NewCityForm {
            lang_en: "on".into(),
            ..NewCityForm::default()
        },
        errors: FormErrors::default(),
    })
}

pub async fn create_city(
    state: web::Data<AppState>,
    chrome: Chrome,
    Operator(operator): Operator,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<NewCityForm>,
) -> Result<HttpResponse, AppError> {
    let invalid = |chrome: Chrome, cities: Vec<City>, form: NewCityForm, errors: FormErrors| {
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AdminCitiesPage {
                chrome,
                cities,
                form,
                errors,
            },
        )
    };
    let new = match NewCity::try_from(&form) {
        Ok(new) => new,
        Err(errors) => return invalid(chrome, all_cities(&state).await?, form, errors),
    };
    let actor = Actor::user(&operator, &address);
    let (base_url, inviter) = (state.base_url(), operator.id);
    let outcome = state
        .db
        .run(move |conn| {
            create::create_city(
                conn,
                &new,
                Some(inviter),
                &actor,
                &base_url,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    match outcome {
        Ok((city, _)) => {
            tracing::info!(city.slug = %city.slug, "city created");
            Ok(redirect_with(
                "/admin/cities",
                Flash::success("city_admin.created", &city.name),
            ))
        }
        Err(CreateRefused::SlugTaken) | Err(CreateRefused::NoOperator) => {
            let mut errors = FormErrors::default();
            errors.add("slug", "city_admin.slug_taken");
            invalid(chrome, all_cities(&state).await?, form, errors)
        }
    }
}
