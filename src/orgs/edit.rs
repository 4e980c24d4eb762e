//! `GET|POST /c/{city}/orgs/{org}/edit`: an organization's admins (and the city's coordinators)
//! edit its profile. Mentors get 403, anyone of another organization 404 (the `OrgAdmin` guard).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::OrgAdmin;
use crate::error::AppError;
use crate::orgs::pages::{OrgEditPage, ProfileChoices};
use crate::orgs::profile::{self, neighborhoods_of, OrgProfile, ProfileForm, ProfileRules};
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

pub async fn edit_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
) -> Result<HttpResponse, AppError> {
    let neighborhoods = neighborhoods_of(&state, staff.access.city.id).await?;
    let city = staff.access.city;
    page(&OrgEditPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        form: ProfileForm::of(&staff.org),
        org: staff.org,
        errors: FormErrors::default(),
        choices: ProfileChoices::new(&neighborhoods),
    })
}

pub async fn update(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let neighborhoods = neighborhoods_of(&state, staff.access.city.id).await?;
    let profile = match OrgProfile::parse(&form, &neighborhoods, ProfileRules { complete: true }) {
        Ok(profile) => profile,
        Err(errors) => {
            let city = staff.access.city;
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &OrgEditPage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    org: staff.org,
                    form,
                    errors,
                    choices: ProfileChoices::new(&neighborhoods),
                },
            );
        }
    };
    let org = staff.org.clone();
    let actor = Actor::user(&staff.access.user, &address);
    let name = profile.name.clone();
    state
        .db
        .run(move |conn| {
            profile::update_profile(conn, &org, &profile, &actor, Utc::now().naive_utc())
        })
        .await?;
    tracing::info!(org.slug = %staff.org.slug, "organization profile updated");
    Ok(redirect_with(
        &format!("/c/{}/orgs/{}", staff.access.city.slug, staff.org.slug),
        Flash::success("flash.partners_profile_saved", &name),
    ))
}
