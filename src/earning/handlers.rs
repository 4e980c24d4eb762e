//! Staff generate and print claim codes; youth redeem them at `/c/{city}/claim`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use crate::audit::handlers::csv_cell;
use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityMember, OrgStaff};
use crate::auth::store::CityRole;
use crate::auth::throttle;
use crate::badges;
use crate::earning::codes;
use crate::earning::pages::{
    qr_svg, BatchForm, BatchPage, BatchView, ClaimPage, CodesPage, PrintPage, Slip,
};
use crate::earning::store::{self, BatchSummary, CodeKind, CodeUse, NewBatch, RedeemError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

/// The badge of the path, when it is one of this organization's.
fn badge_of(
    conn: &mut crate::db::DbConnection,
    (city, org): (crate::ids::CityId, crate::ids::OrgId),
    slug: &str,
) -> Result<badges::Badge, AppError> {
    badges::store::find_by_slug(conn, city, slug)?
        .filter(|b| b.org_id == org)
        .ok_or(AppError::NotFound)
}

async fn codes_page(
    state: &AppState,
    chrome: Chrome,
    staff: OrgStaff,
    badge_slug: String,
    status: StatusCode,
    form: BatchForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let for_db = (city_id, org_id);
    let (badge, batches, legacy, activities) = state
        .db
        .run(move |conn| {
            let badge = badge_of(conn, for_db, &badge_slug)?;
            let mut batches = Vec::new();
            for summary in store::batches_of(conn, badge.id)? {
                // Only an event code can be shared too widely: single-use codes are not read.
                let flagged = summary.kind == CodeKind::Event
                    && store::is_flagged(summary.kind, &store::codes_of_batch(conn, summary.id)?);
                batches.push(BatchView { summary, flagged });
            }
            let legacy = store::list_for_badge(conn, badge.id)?;
            let activities = crate::activities::store::list(conn, city_id, Some(org_id))?
                .into_iter()
                .map(|a| (a.id.0, a.title))
                .collect();
            Ok((badge, batches, legacy, activities))
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
            batches,
            legacy,
            activities,
            form,
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
        BatchForm::fresh(),
        FormErrors::default(),
    )
    .await
}

/// The most single-use codes one batch may hold, and the most youth one event code may serve.
pub const MAX_CODES_PER_BATCH: i32 = 500;
pub const MAX_EVENT_USES: i32 = 1000;

/// The batch the form asks for, or what is wrong with it (the activity is checked apart).
pub fn check_batch(form: &BatchForm) -> Result<(NewBatch, Option<i64>), FormErrors> {
    let mut errors = FormErrors::default();
    // A form without the choice (an older page) asks for single-use codes.
    let kind_text = match form.kind.trim() {
        "" => "single",
        text => text,
    };
    let kind = CodeKind::parse(kind_text).unwrap_or_else(|| {
        errors.add("kind", "field.code_kind");
        CodeKind::Single
    });
    let count = match kind {
        CodeKind::Single => match form.count.trim().parse::<i32>() {
            Ok(n) if (1..=MAX_CODES_PER_BATCH).contains(&n) => n,
            _ => {
                errors.add("count", "field.count_range");
                0
            }
        },
        CodeKind::Event => match form.use_limit.trim().parse::<i32>() {
            Ok(n) if (1..=MAX_EVENT_USES).contains(&n) => n,
            _ => {
                errors.add("use_limit", "field.use_limit_range");
                0
            }
        },
    };
    let date = |field: &'static str, text: &str, errors: &mut FormErrors| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.add(field, "field.date_invalid");
        }
        parsed
    };
    let from = date("valid_from", &form.valid_from, &mut errors);
    let until = date("valid_until", &form.valid_until, &mut errors);
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            errors.add("valid_until", "field.window_order");
        }
    }
    let session_on = date("session_on", &form.session_on, &mut errors);
    let site = form.site.trim().to_string();
    if site.chars().count() > 120 {
        errors.add("site", "field.site_too_long");
    }
    let activity = match form.activity.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("activity", "field.activity_unknown");
                None
            }
        },
    };
    let midnight = chrono::NaiveTime::MIN;
    errors.into_result((
        NewBatch {
            kind,
            count,
            valid_from: from.map(|d| d.and_time(midnight)),
            // Valid through the whole of its last day.
            valid_until: until
                .and_then(|d| d.succ_opt())
                .map(|d| d.and_time(midnight)),
            activity,
            session_on,
            site,
        },
        activity,
    ))
}

pub async fn generate_codes(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<BatchForm>,
) -> Result<HttpResponse, AppError> {
    let (_, _, badge_slug) = path.into_inner();
    let (city_id, org_id, user) = (staff.access.city.id, staff.org.id, staff.access.user.id);
    let (slug, for_db) = (badge_slug.clone(), (city_id, org_id));
    let made = match check_batch(&form) {
        Err(errors) => Err(errors),
        Ok((batch, activity)) => {
            state
                .db
                .run(move |conn| {
                    let badge = badge_of(conn, for_db, &slug)?;
                    if let Some(activity) = activity {
                        let ours = crate::activities::store::belongs_to(
                            conn,
                            crate::ids::ActivityId(activity),
                            org_id,
                        )?;
                        if !ours {
                            let mut errors = FormErrors::default();
                            errors.add("activity", "field.activity_unknown");
                            return Ok(Err(errors));
                        }
                    }
                    Ok(Ok(store::create_batch(
                        conn,
                        city_id,
                        badge.id,
                        user,
                        &batch,
                        Utc::now().naive_utc(),
                    )?))
                })
                .await?
        }
    };
    let batch_id = match made {
        Ok(id) => id,
        Err(errors) => {
            return codes_page(
                &state,
                chrome,
                staff,
                badge_slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await;
        }
    };
    Ok(redirect_with(
        &format!(
            "/c/{}/orgs/{}/badges/{}/codes/batches/{batch_id}",
            staff.access.city.slug, staff.org.slug, badge_slug
        ),
        Flash::success("flash.batch_created", &badge_slug),
    ))
}

/// The batch of the path, with its codes and who redeemed them.
async fn load_batch(
    state: &AppState,
    staff: &OrgStaff,
    badge_slug: String,
    batch: i64,
) -> Result<(badges::Badge, BatchSummary, Vec<CodeUse>), AppError> {
    let for_db = (staff.access.city.id, staff.org.id);
    state
        .db
        .run(move |conn| {
            let badge = badge_of(conn, for_db, &badge_slug)?;
            let summary = store::batch_of(conn, badge.id, batch)?.ok_or(AppError::NotFound)?;
            let codes = store::codes_of_batch(conn, batch)?;
            Ok((badge, summary, codes))
        })
        .await
}

pub async fn show_batch(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, badge_slug, batch) = path.into_inner();
    let (badge, batch, codes) = load_batch(&state, &staff, badge_slug, batch).await?;
    let flagged = store::is_flagged(batch.kind, &codes);
    let city = staff.access.city;
    page(&BatchPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        badge,
        batch,
        codes,
        flagged,
    })
}

pub async fn print_batch(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, badge_slug, batch) = path.into_inner();
    let (badge, batch, codes) = load_batch(&state, &staff, badge_slug, batch).await?;
    let city = staff.access.city;
    let claim_address = format!("{}/c/{}/claim", state.base_url(), city.slug);
    let slips = codes
        .into_iter()
        .filter(|c| batch.kind == CodeKind::Event || c.redeemed.is_empty())
        .map(|c| {
            let url = format!("{claim_address}?code={}", c.code);
            Slip {
                qr_svg: qr_svg(&url, 120).unwrap_or_default(),
                code: c.code,
            }
        })
        .collect();
    page(&PrintPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        badge,
        batch,
        claim_address,
        slips,
    })
}

pub async fn batch_csv(
    state: web::Data<AppState>,
    staff: OrgStaff,
    path: web::Path<(String, String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, badge_slug, batch_id) = path.into_inner();
    let (badge, batch, codes) = load_batch(&state, &staff, badge_slug, batch_id).await?;
    let csv_error = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "code",
            "badge",
            "kind",
            "valid_from",
            "valid_until",
            "session_on",
            "site",
            "redeemed_by",
            "redeemed_at",
        ])
        .map_err(csv_error)?;
    let day = |at: Option<chrono::NaiveDateTime>| {
        at.map(|a| a.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    for code in &codes {
        let common = [
            code.code.clone(),
            badge.slug.clone(),
            batch.kind.as_str().to_string(),
            day(batch.valid_from),
            day(batch.valid_until),
            batch.session_on.map(|d| d.to_string()).unwrap_or_default(),
            csv_cell(&batch.site),
        ];
        let uses: Vec<(String, String)> = if code.redeemed.is_empty() {
            vec![(String::new(), String::new())]
        } else {
            code.redeemed
                .iter()
                .map(|(who, at, _)| (csv_cell(who), day(Some(*at))))
                .collect()
        };
        for (who, at) in uses {
            let mut record = common.to_vec();
            record.push(who);
            record.push(at);
            writer.write_record(&record).map_err(csv_error)?;
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-codes-{batch_id}.csv\"",
                badge.slug
            ),
        ))
        .body(body))
}

fn may_redeem(member: &CityMember) -> Result<bool, AppError> {
    if !member.0.has_city_role(CityRole::Youth) {
        return Err(AppError::Forbidden);
    }
    Ok(!member.0.user.awaiting_consent())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClaimQuery {
    code: String,
}

/// `/c/{city}/claim`, with `?code=` filled in when a printed slip's QR code opened it.
pub async fn claim_form(
    chrome: Chrome,
    member: CityMember,
    query: web::Query<ClaimQuery>,
) -> Result<HttpResponse, AppError> {
    let active = may_redeem(&member)?;
    let city = member.0.city;
    let code = codes::normalize(&query.code).unwrap_or_default();
    page(&ClaimPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        code,
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
            let (for_redeem, base, from) = (city.clone(), state.base_url(), address.clone());
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
                        &from,
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
                Err(RedeemError::Full) => {
                    errors.add("code", "field.code_full");
                    None
                }
                Err(RedeemError::NotYetValid) => {
                    errors.add("code", "field.code_not_yet_valid");
                    None
                }
                Err(RedeemError::Expired) => {
                    errors.add("code", "field.code_expired");
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
                &format!(
                    "/c/{}/awards/{}?earned=1",
                    city.slug, redeemed.award_public_id
                ),
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
