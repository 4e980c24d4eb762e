//! Staff generate and print claim codes; youth redeem them at `/c/{city}/claim`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityMember, OrgStaff};
use crate::auth::store::CityRole;
use crate::auth::throttle;
use crate::badges;
use crate::earning::codes;
use crate::earning::pages::{ClaimPage, CodesPage};
use crate::earning::store::{self, RedeemError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

/// The most codes one request may make.
pub const MAX_CODES_PER_BATCH: usize = 500;

async fn codes_page(
    state: &AppState,
    chrome: Chrome,
    staff: OrgStaff,
    badge_slug: String,
    status: StatusCode,
    count: String,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let (badge, codes) = state
        .db
        .run(move |conn| {
            let badge = badges::store::find_by_slug(conn, city_id, &badge_slug)?
                .filter(|b| b.org_id == org_id)
                .ok_or(AppError::NotFound)?;
            let codes = store::list_for_badge(conn, badge.id)?;
            Ok((badge, codes))
        })
        .await?;
    let city = staff.access.city;
    render(
        status,
        &CodesPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            org: staff.org,
            badge,
            codes,
            count,
            errors,
        },
    )
}

pub async fn list_codes(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, badge) = path.into_inner();
    codes_page(
        &state,
        chrome,
        staff,
        badge,
        StatusCode::OK,
        "10".into(),
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GenerateForm {
    count: String,
}

pub async fn generate_codes(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<GenerateForm>,
) -> Result<HttpResponse, AppError> {
    let (_, _, badge_slug) = path.into_inner();
    let count = match form.count.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CODES_PER_BATCH).contains(&n) => n,
        _ => {
            let mut errors = FormErrors::default();
            errors.add("count", "field.count_range");
            return codes_page(
                &state,
                chrome,
                staff,
                badge_slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.count,
                errors,
            )
            .await;
        }
    };
    let (city_id, org_id, user) = (staff.access.city.id, staff.org.id, staff.access.user.id);
    let slug = badge_slug.clone();
    state
        .db
        .run(move |conn| {
            let badge = badges::store::find_by_slug(conn, city_id, &slug)?
                .filter(|b| b.org_id == org_id)
                .ok_or(AppError::NotFound)?;
            Ok(store::generate(
                conn,
                city_id,
                badge.id,
                user,
                count,
                Utc::now().naive_utc(),
            )?)
        })
        .await?;
    Ok(redirect_with(
        &format!(
            "/c/{}/orgs/{}/badges/{}/codes",
            staff.access.city.slug, staff.org.slug, badge_slug
        ),
        Flash::success("flash.codes_created", &count.to_string()),
    ))
}

fn may_redeem(member: &CityMember) -> Result<bool, AppError> {
    if !member.0.has_city_role(CityRole::Youth) {
        return Err(AppError::Forbidden);
    }
    Ok(!member.0.user.awaiting_consent())
}

pub async fn claim_form(chrome: Chrome, member: CityMember) -> Result<HttpResponse, AppError> {
    let active = may_redeem(&member)?;
    let city = member.0.city;
    page(&ClaimPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        code: String::new(),
        errors: FormErrors::default(),
        awaiting_consent: !active,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClaimForm {
    code: String,
}

pub async fn claim(
    state: web::Data<AppState>,
    chrome: Chrome,
    member: CityMember,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<ClaimForm>,
) -> Result<HttpResponse, AppError> {
    let active = may_redeem(&member)?;
    let actor = Actor::user(&member.0.user, &address);
    let city = member.0.city;
    let youth = member.0.user.id;
    let mut errors = FormErrors::default();
    let outcome = match (active, codes::normalize(&form.code)) {
        (false, _) => {
            errors.add("code", "field.awaiting_consent");
            None
        }
        (true, None) => {
            errors.add(
                "code",
                if form.code.trim().is_empty() {
                    "field.required"
                } else {
                    "field.code_format"
                },
            );
            None
        }
        (true, Some(code)) => {
            // Every try counts (an earned badge too, or it would confirm a code for free);
            // only a redemption is given back.
            let attempt = throttle::claim_keys(&youth.to_string(), &address);
            if let Err(AppError::TooManyRequests { retry_after_secs }) =
                state.throttle.attempt(&attempt).await
            {
                // Said on the claim page itself, in words a child understands.
                errors.add("code", "field.code_too_many_tries");
                let mut page = render(
                    StatusCode::TOO_MANY_REQUESTS,
                    &ClaimPage {
                        chrome: chrome.in_city(&city.slug, &city.name),
                        city,
                        code: form.code,
                        errors,
                        awaiting_consent: false,
                    },
                )?;
                page.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from(retry_after_secs),
                );
                return Ok(page);
            }
            let (for_redeem, base) = (city.clone(), state.base_url());
            let result = state
                .db
                .run(move |conn| {
                    Ok(store::redeem(
                        conn,
                        &for_redeem,
                        &code,
                        youth,
                        &actor,
                        &base,
                        Utc::now().naive_utc(),
                    ))
                })
                .await;
            if matches!(result, Ok(Ok(_)) | Err(_)) {
                state.throttle.give_back(&attempt).await;
            }
            match result? {
                Ok(redeemed) => Some(redeemed),
                Err(RedeemError::Unknown) => {
                    errors.add("code", "field.code_unknown");
                    None
                }
                Err(RedeemError::AlreadyUsed) => {
                    errors.add("code", "field.code_used");
                    None
                }
                Err(RedeemError::AlreadyEarned) => {
                    errors.add("code", "field.code_already_earned");
                    None
                }
                Err(RedeemError::NotEligible) => {
                    errors.add("code", "field.awaiting_consent");
                    None
                }
                Err(RedeemError::Database(e)) => return Err(e.into()),
                Err(RedeemError::Failed(e)) => return Err(e),
            }
        }
    };
    match outcome {
        Some(redeemed) => {
            tracing::info!(city.slug = %city.slug, award.public_id = %redeemed.award_public_id, "claim code redeemed");
            crate::awards::issuance::sign(&state, &city, &redeemed.award_public_id).await;
            Ok(redirect_with(
                &format!("/c/{}/me", city.slug),
                Flash::success("flash.badge_earned", &redeemed.badge_name),
            ))
        }
        None => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ClaimPage {
                chrome: chrome.in_city(&city.slug, &city.name),
                city,
                code: form.code,
                errors,
                awaiting_consent: !active,
            },
        ),
    }
}
