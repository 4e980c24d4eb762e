//! `POST /c/{city}/submissions/{id}/parent`: a parent of a child under 13 sends the child's
//! work on to the mentors, or back to the child with a note.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::auth::access::CityMember;
use crate::error::AppError;
use crate::review::guardian::{self, ParentVerdict};
use crate::review::handlers::load_submission;
use crate::review::pages::{DraftForm, SubmissionPage};
use crate::review::Status;
use crate::state::AppState;
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{redirect_with, render, Chrome, Flash};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ParentForm {
    verdict: String,
    note: String,
}

pub async fn decide(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<ParentForm>,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let (s, owner, family, staff) =
        load_submission(&state, &city, Some(&access), path.into_inner().1).await?;
    // The youth themself and the organization's staff do not decide for a parent.
    match (family && !owner, owner || staff) {
        (true, _) => {}
        (false, true) => return Err(AppError::Forbidden),
        (false, false) => return Err(AppError::NotFound),
    }
    let back = format!("/c/{}/submissions/{}", city.slug, s.public_id);
    if s.status != Status::AwaitingParent {
        return Ok(redirect_with(
            &back,
            Flash::error("flash.parent_already_decided", &s.badge_name),
        ));
    }
    let verdict = match ParentVerdict::parse(&form.verdict, &form.note) {
        Ok(verdict) => verdict,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("note", message);
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SubmissionPage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    form: DraftForm::default(),
                    is_owner: false,
                    is_parent: true,
                    note: form.note,
                    errors,
                    s,
                },
            );
        }
    };
    let (id, parent) = (s.id, access.user.id);
    let approve = verdict == ParentVerdict::Approve;
    let now = state.clock.now();
    let decided = state
        .db
        .run(move |conn| Ok(guardian::decide(conn, id, parent, &verdict, now)?))
        .await?;
    let flash = match (decided, approve) {
        (false, _) => Flash::error("flash.parent_already_decided", &s.badge_name),
        (true, true) => Flash::success("flash.parent_approved", &s.badge_name),
        (true, false) => Flash::success("flash.parent_returned", &s.badge_name),
    };
    tracing::info!(submission = %s.public_id, approved = approve, "parent decided on work");
    Ok(redirect_with(&back, flash))
}
