//! Pages of partner applications: `/c/{city}/partners/apply` (a staff member applies for their
//! organization), and the coordinators' review at `/c/{city}/partners` and
//! `/c/{city}/partners/{org}` with its approve and decline forms.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{Coordinator, SignedIn};
use crate::auth::{AccountKind, CurrentUser};
use crate::error::AppError;
use crate::fields;
use crate::orgs::applications::{self, ApplyRefused, Decision, DecisionRefused};
use crate::orgs::pages::{
    Applicant, ApplicationPage, ApplyPage, DecisionForm, PartnersPage, ProfileChoices,
};
use crate::orgs::profile::{neighborhoods_of, OrgProfile, ProfileForm, ProfileRules};
use crate::orgs::{store, OrgStatus};
use crate::state::AppState;
use crate::tenancy::{City, CurrentCity};
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

fn applicant_of(user: Option<&CurrentUser>) -> Applicant {
    match user.map(|u| u.kind) {
        None => Applicant::SignedOut,
        Some(AccountKind::Staff | AccountKind::Operator) => Applicant::Staff,
        Some(AccountKind::Youth | AccountKind::Parent) => Applicant::NotStaff,
    }
}

pub async fn apply_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
) -> Result<HttpResponse, AppError> {
    let neighborhoods = neighborhoods_of(&state, city.id).await?;
    page(&ApplyPage {
        applicant: applicant_of(chrome.user.as_ref()),
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        form: ProfileForm::default(),
        errors: FormErrors::default(),
        choices: ProfileChoices::new(&neighborhoods),
    })
}

pub async fn apply(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    SignedIn(user): SignedIn,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    if applicant_of(Some(&user)) != Applicant::Staff {
        return Err(AppError::Forbidden);
    }
    let neighborhoods = neighborhoods_of(&state, city.id).await?;
    let profile = match OrgProfile::parse(&form, &neighborhoods, ProfileRules { complete: true }) {
        Ok(profile) => profile,
        Err(errors) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ApplyPage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    applicant: Applicant::Staff,
                    form,
                    errors,
                    choices: ProfileChoices::new(&neighborhoods),
                },
            )
        }
    };
    let actor = Actor::user(&user, &address);
    let base_url = state.base_url();
    let in_city = city.clone();
    let applied = state
        .db
        .run(move |conn| {
            applications::apply(
                conn,
                &in_city,
                &profile,
                &user,
                &actor,
                &base_url,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    match applied {
        Ok(org) => {
            tracing::info!(city.slug = %city.slug, org.slug = %org.slug, "organization applied");
            Ok(redirect_with(
                &format!("/c/{}/orgs/{}", city.slug, org.slug),
                Flash::success("flash.partners_applied", &org.name),
            ))
        }
        Err(ApplyRefused::NotAStaffAccount) => Err(AppError::Forbidden),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    let city = access.city;
    let city_id = city.id;
    let all = state
        .db
        .run(move |conn| Ok(store::applications(conn, city_id)?))
        .await?;
    let (mut pending, mut approved, mut declined) = (Vec::new(), Vec::new(), Vec::new());
    for application in all {
        match application.org.status {
            OrgStatus::Pending => pending.push(application),
            OrgStatus::Approved => approved.push(application),
            OrgStatus::Declined => declined.push(application),
        }
    }
    // Decided ones: the latest decision first.
    approved.sort_by_key(|a| std::cmp::Reverse(a.decided_at));
    declined.sort_by_key(|a| std::cmp::Reverse(a.decided_at));
    page(&PartnersPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        pending,
        approved,
        declined,
    })
}

/// The review page of application `slug`, with what a form left to show.
async fn application_page(
    state: &AppState,
    chrome: Chrome,
    city: City,
    slug: String,
    status: StatusCode,
    edit: impl FnOnce(&mut ApplicationPage),
) -> Result<HttpResponse, AppError> {
    let city_id = city.id;
    let (application, neighborhood) = state
        .db
        .run(move |conn| {
            let application =
                store::application(conn, city_id, &slug)?.ok_or(AppError::NotFound)?;
            let neighborhood = match application.org.neighborhood_id {
                Some(id) => store::neighborhood_name(conn, city_id, id)?,
                None => None,
            };
            Ok((application, neighborhood))
        })
        .await?;
    let mut page = ApplicationPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        application,
        neighborhood,
        failed_form: String::new(),
        form: DecisionForm::default(),
        errors: FormErrors::default(),
        refusal: None,
    };
    edit(&mut page);
    render(status, &page)
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    application_page(&state, chrome, access.city, slug, StatusCode::OK, |_| {}).await
}

async fn decide(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    address: String,
    slug: String,
    form: DecisionForm,
    decision: Decision,
) -> Result<HttpResponse, AppError> {
    let which = match decision {
        Decision::Approve => "approve",
        Decision::Decline => "decline",
    };
    // A decline says why; an approval may say a word of welcome.
    let message = fields::text(&form.message, 2000, decision == Decision::Decline);
    let message = match message {
        Ok(message) => message,
        Err(e) => {
            let mut errors = FormErrors::default();
            errors.add("message", e);
            return application_page(
                &state,
                chrome,
                access.city,
                slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                |p| {
                    p.failed_form = which.to_string();
                    p.form = form;
                    p.errors = errors;
                },
            )
            .await;
        }
    };
    let city = access.city.clone();
    let user = access.user.clone();
    let actor = Actor::user(&user, &address);
    let base_url = state.base_url();
    let target = slug.clone();
    let decided = state
        .db
        .run(move |conn| {
            applications::decide(
                conn,
                &city,
                &target,
                decision,
                &message,
                &user,
                &actor,
                &base_url,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    let city = access.city;
    match decided {
        Ok(application) => {
            tracing::info!(city.slug = %city.slug, org.slug = %application.org.slug,
                org.status = application.org.status.as_str(), "application decided");
            Ok(redirect_with(
                &format!("/c/{}/partners/{}", city.slug, application.org.slug),
                Flash::success(
                    match decision {
                        Decision::Approve => "flash.partners_approved",
                        Decision::Decline => "flash.partners_declined",
                    },
                    &application.org.name,
                ),
            ))
        }
        Err(DecisionRefused::NotPending(status)) => {
            application_page(&state, chrome, city, slug, StatusCode::CONFLICT, |p| {
                p.refusal = Some(match status {
                    OrgStatus::Approved => "partners.already_approved",
                    OrgStatus::Declined => "partners.already_declined",
                    OrgStatus::Pending => "partners.decided_meanwhile",
                });
            })
            .await
        }
    }
}

pub async fn approve(
    state: web::Data<AppState>,
    chrome: Chrome,
    coordinator: Coordinator,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    decide(
        state,
        chrome,
        coordinator,
        address,
        slug,
        form,
        Decision::Approve,
    )
    .await
}

pub async fn decline(
    state: web::Data<AppState>,
    chrome: Chrome,
    coordinator: Coordinator,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    decide(
        state,
        chrome,
        coordinator,
        address,
        slug,
        form,
        Decision::Decline,
    )
    .await
}
