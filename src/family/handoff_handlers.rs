//! `/c/{city}/me/handoff`: a youth of 13 or over asks to take over their account; and
//! `/c/{city}/me/children/{child}/handoff`: their guardian consents or declines (see
//! `family::handoff`). Ages are read on the app's clock (`state.clock`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::CityMember;
use crate::auth::store::CityRole;
use crate::auth::throttle;
use crate::error::AppError;
use crate::family::handoff::{self, Ask, AskRefused, DecideRefused, Decided, Decision};
use crate::family::pages::{DecidedPage, HandoffForm, HandoffPage};
use crate::fields;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{redirect_with, render, Chrome, Flash};

/// Under 13: a page that says when the youth can take over (403).
fn too_young(chrome: Chrome, city_slug: &str) -> Result<HttpResponse, AppError> {
    let page = DecidedPage {
        heading: chrome.t("handoff.too_young_h"),
        message: chrome.t("handoff.too_young_body"),
        next_href: format!("/c/{city_slug}/me"),
        next_label: chrome.t("link.back_to_me"),
        chrome,
    };
    render(StatusCode::FORBIDDEN, &page)
}

/// Whether this youth may ask now; the answer to give when not.
async fn refusal(
    state: &AppState,
    chrome: &Chrome,
    access: &crate::auth::access::CityAccess,
) -> Result<Option<HttpResponse>, AppError> {
    if !access.has_city_role(CityRole::Youth) {
        return Err(AppError::Forbidden);
    }
    let (youth, today) = (access.user.id, state.clock.today());
    let allowed = state
        .db
        .run(move |conn| Ok(handoff::may_ask(conn, youth, today)?))
        .await?;
    let slug = &access.city.slug;
    match allowed {
        Ok(()) => Ok(None),
        Err(AskRefused::TooYoung) => too_young(chrome.clone(), slug).map(Some),
        // Signed up at 13 or over, or handed over already: the account is theirs.
        Err(AskRefused::NotInCustody) => Ok(Some(redirect_with(
            &format!("/c/{slug}/me"),
            Flash::error("flash.handoff_nothing", ""),
        ))),
        Err(AskRefused::AlreadyWaiting | AskRefused::EmailTaken) => Ok(Some(redirect_with(
            &format!("/c/{slug}/me#handoff"),
            Flash::error("flash.handoff_waiting", ""),
        ))),
    }
}

/// `GET /c/{city}/me/handoff`: what taking over means, and the form.
pub async fn form(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let chrome = chrome.in_city(&city.slug, &city.name);
    if let Some(refused) = refusal(&state, &chrome, &access).await? {
        return Ok(refused);
    }
    render(
        StatusCode::OK,
        &HandoffPage {
            chrome,
            city_slug: city.slug,
            form: HandoffForm {
                follow: "1".into(),
                ..HandoffForm::default()
            },
            errors: FormErrors::default(),
        },
    )
}

/// `POST /c/{city}/me/handoff`: the youth asks; their guardians see it on their page.
pub async fn ask(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<HandoffForm>,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let chrome = chrome.in_city(&city.slug, &city.name);
    state
        .throttle
        .attempt(&throttle::handoff_keys(&access.user.id.to_string()))
        .await?;
    if let Some(refused) = refusal(&state, &chrome, &access).await? {
        return Ok(refused);
    }
    let mut errors = FormErrors::default();
    let email = match form.email.trim() {
        "" => None,
        given => match fields::email(given) {
            Ok(email) => Some(email),
            Err(message) => {
                errors.add("email", message);
                None
            }
        },
    };
    let password = match fields::new_password(&form.password) {
        Ok(password) => Some(password),
        Err(message) => {
            errors.add("password", message);
            None
        }
    };
    let invalid = |chrome: Chrome, mut form: HandoffForm, errors: FormErrors| {
        form.password.clear();
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &HandoffPage {
                chrome,
                city_slug: city.slug.clone(),
                form,
                errors,
            },
        )
    };
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return invalid(chrome, form, errors);
    };
    let password_hash = state.passwords.hash(password).await?;
    let asked = Ask {
        email,
        password_hash,
        guardians_follow: form.follow == "1",
    };
    let (of_city, base, youth, today, now) = (
        city.clone(),
        state.base_url(),
        access.user.clone(),
        state.clock.today(),
        state.clock.now(),
    );
    let actor = Actor::user(&access.user, &address);
    let outcome = state
        .db
        .run(move |conn| handoff::ask(conn, &of_city, &base, &youth, &asked, &actor, today, now))
        .await?;
    let back = format!("/c/{}/me#handoff", city.slug);
    match outcome {
        Ok(()) => {
            tracing::info!(user.id = %access.user.id, city.slug = %city.slug, "custody handoff asked");
            Ok(redirect_with(
                &back,
                Flash::success("flash.handoff_asked", ""),
            ))
        }
        Err(AskRefused::EmailTaken) => {
            let mut errors = FormErrors::default();
            errors.add("email", "handoff.email_taken");
            invalid(chrome, form, errors)
        }
        Err(AskRefused::AlreadyWaiting) => Ok(redirect_with(
            &back,
            Flash::error("flash.handoff_waiting", ""),
        )),
        Err(AskRefused::TooYoung) => too_young(chrome, &city.slug),
        Err(AskRefused::NotInCustody) => Ok(redirect_with(
            &format!("/c/{}/me", city.slug),
            Flash::error("flash.handoff_nothing", ""),
        )),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    /// `consent` or `decline`.
    decision: String,
    /// The box "I understand what changes", ticked (`1`), needed to consent.
    understood: String,
}

/// `POST /c/{city}/me/children/{child}/handoff`: a guardian consents (the account is handed
/// over at once) or declines. Someone else's child, or no request: 404.
pub async fn decide(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let back = format!("/c/{}/me#children", access.city.slug);
    // Someone else's child (or one the parent only follows) is not found, whatever the form.
    let parent = access.user.id;
    let theirs = state
        .db
        .run(move |conn| {
            let Some((youth, _)) = crate::auth::store::find_user_by_login(conn, &child)? else {
                return Ok(None);
            };
            Ok(handoff::manages(conn, parent, youth.id)?.then_some(youth))
        })
        .await?;
    let Some(youth) = theirs else {
        return Err(AppError::NotFound);
    };
    let decision = match form.decision.as_str() {
        "consent" => Decision::Consent,
        "decline" => Decision::Decline,
        _ => return Err(AppError::BadRequest("error.bad_request")),
    };
    if decision == Decision::Consent && form.understood != "1" {
        return Ok(redirect_with(
            &back,
            Flash::error("flash.handoff_understood_needed", ""),
        ));
    }
    let (parent, child, base, now) = (
        access.user.clone(),
        youth.clone(),
        state.base_url(),
        state.clock.now(),
    );
    let actor = Actor::user(&access.user, &address);
    let outcome = state
        .db
        .run(move |conn| handoff::decide(conn, &parent, &child, decision, &actor, &base, now))
        .await?;
    match outcome {
        Ok(Decided::HandedOver { reissued }) => {
            tracing::info!(
                user.id = %youth.id,
                awards = reissued.iter().map(|(_, ids)| ids.len()).sum::<usize>(),
                "custody handed over; awards re-issued"
            );
            // Whoever was signed in as the youth (a guardian on a shared device, say) is
            // signed out.
            state.sessions.end_all_of(youth.id, None).await?;
            // Each new copy is signed through the signing service now (or on its first request).
            let base = state.base_url();
            for (city, public_ids) in &reissued {
                crate::awards::issuance::sign_all(
                    &state.db,
                    &state.signer,
                    &base,
                    city,
                    public_ids,
                )
                .await;
            }
            Ok(redirect_with(
                &back,
                Flash::success("flash.handoff_done", &youth.display_name),
            ))
        }
        Ok(Decided::Declined) => Ok(redirect_with(
            &back,
            Flash::success("flash.handoff_declined", &youth.display_name),
        )),
        Err(DecideRefused::EmailTaken) => Ok(redirect_with(
            &back,
            Flash::error("flash.handoff_email_taken", ""),
        )),
        Err(DecideRefused::NothingToDecide) => Err(AppError::NotFound),
    }
}
