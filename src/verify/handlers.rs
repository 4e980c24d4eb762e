//! The public verification page (`/verify`: GET, with `?url=` verifying at once, and a
//! multipart POST) and its JSON twin, `POST /api/v1/verify`. Neither needs an account.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{AppError, FieldError};
use crate::state::AppState;
use crate::verify::input::{parse_pasted, parse_upload, parse_url};
use crate::verify::pages::{VerifyForm, VerifyPage};
use crate::verify::{service, Input, Rejection, Report, MAX_INPUT_BYTES};
use crate::web::forms::{check_csrf, FormErrors};
use crate::web::{page, render, Chrome};

/// Past this a submission is not read any further (three inputs at their limit, and more).
const MAX_BODY_BYTES: usize = 4 * MAX_INPUT_BYTES;
/// The limit of the small fields (the address, the CSRF token).
const MAX_SMALL_FIELD_BYTES: usize = 4096;

#[derive(Deserialize, Default)]
#[serde(default)]
struct UrlQuery {
    url: String,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    // A malformed query string is only an empty form, never an error.
    let query: UrlQuery = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let url = query.url.trim();
    if url.is_empty() {
        return page(&VerifyPage {
            chrome,
            form: VerifyForm::default(),
            errors: FormErrors::default(),
            report: None,
        });
    }
    let form = VerifyForm {
        url: url.to_string(),
        ..VerifyForm::default()
    };
    answer(&state, chrome, form, parse_url(url)).await
}

pub async fn submit(
    state: web::Data<AppState>,
    chrome: Chrome,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let submission = read_submission(payload).await?;
    check_csrf(&chrome.csrf, &submission.text("csrf_token"))?;
    let form = VerifyForm {
        credential: submission.text("credential"),
        url: submission.text("url"),
    };
    let input = submission.input();
    answer(&state, chrome, form, input).await
}

/// The page with the report, or with the field to fix (422).
async fn answer(
    state: &AppState,
    chrome: Chrome,
    form: VerifyForm,
    input: Result<Input, Rejection>,
) -> Result<HttpResponse, AppError> {
    let outcome = match input {
        Ok(input) => service::verify(state, &state.base_url(), input).await?,
        Err(rejection) => Err(rejection),
    };
    match outcome {
        Ok(report) => {
            log(&report);
            page(&VerifyPage {
                chrome,
                form,
                errors: FormErrors::default(),
                report: Some(report),
            })
        }
        Err(rejection) => {
            let mut errors = FormErrors::default();
            errors.add(rejection.field, rejection.message);
            let page = VerifyPage {
                chrome,
                form,
                errors,
                report: None,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

fn log(report: &Report) {
    tracing::info!(
        verify.verdict = report.verdict.as_str(),
        verify.issuer = %report.issuer_id,
        verify.issuer_standing = report.issuer_standing(),
        "credential verified"
    );
}

/// The fields of the page's form; a field over its limit is remembered, not kept.
#[derive(Default)]
struct Submission {
    texts: HashMap<String, String>,
    file: Option<Vec<u8>>,
    oversized: Option<&'static str>,
}

impl Submission {
    fn text(&self, name: &str) -> String {
        self.texts.get(name).cloned().unwrap_or_default()
    }

    /// Exactly one of the three ways, parsed.
    fn input(&self) -> Result<Input, Rejection> {
        if let Some(field) = self.oversized {
            return Err(Rejection::new(field, "verify.error_too_large"));
        }
        let pasted = self.text("credential");
        let url = self.text("url");
        let given = [
            !pasted.trim().is_empty(),
            self.file.is_some(),
            !url.trim().is_empty(),
        ];
        match given.iter().filter(|g| **g).count() {
            0 => return Err(Rejection::new("input", "verify.error_nothing_given")),
            1 => {}
            _ => return Err(Rejection::new("input", "verify.error_several_given")),
        }
        match &self.file {
            _ if given[0] => parse_pasted(&pasted, "credential"),
            Some(bytes) => parse_upload(bytes),
            None => parse_url(&url),
        }
    }
}

fn field_of(name: &str) -> &'static str {
    match name {
        "credential" => "credential",
        "file" => "file",
        "url" => "url",
        _ => "input",
    }
}

async fn read_submission(mut payload: Multipart) -> Result<Submission, AppError> {
    let unreadable = |_| AppError::BadRequest("error.form_unreadable");
    let mut submission = Submission::default();
    let mut total = 0usize;
    while let Some(mut field) = payload.try_next().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let limit = match name.as_str() {
            "credential" | "file" => MAX_INPUT_BYTES,
            _ => MAX_SMALL_FIELD_BYTES,
        };
        let mut bytes = Vec::new();
        let mut oversized = false;
        // An oversized field is read to its end (so the answer reaches the browser) but kept
        // only up to its limit; a body past every limit is cut off.
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            total += chunk.len();
            if total > MAX_BODY_BYTES {
                return Err(AppError::BadRequest("error.too_large"));
            }
            if oversized || bytes.len() + chunk.len() > limit {
                oversized = true;
                bytes.clear();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if oversized {
            submission.oversized.get_or_insert(field_of(&name));
        } else if name == "file" {
            submission.file = (!bytes.is_empty()).then_some(bytes);
        } else {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            submission.texts.insert(name, text);
        }
    }
    Ok(submission)
}

/// `POST /api/v1/verify`: `{"credential": {…}}` or `{"url": "…"}`, answered with the verdict
/// and every check, in English.
pub async fn api(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let malformed = || AppError::BadRequest("error.json_malformed");
    let Value::Object(mut request) = serde_json::from_slice(&body).map_err(|_| malformed())? else {
        return Err(malformed());
    };
    let credential = request.remove("credential").filter(|v| !v.is_null());
    let url = request.remove("url").filter(|v| !v.is_null());
    let input = match (credential, url) {
        (Some(_), Some(_)) => Err(Rejection::new("url", "verify.error_api_both_given")),
        (Some(credential @ Value::Object(_)), None) => Ok(Input::Credential(credential)),
        (Some(Value::String(text)), None) => parse_pasted(&text, "credential"),
        (Some(_), None) => Err(Rejection::new("credential", "verify.error_not_credential")),
        (None, Some(Value::String(url))) => parse_url(&url),
        (None, Some(_)) => Err(Rejection::new("url", "verify.error_not_a_url")),
        (None, None) => Err(Rejection::new(
            "credential",
            "verify.error_api_nothing_given",
        )),
    };
    let invalid = |r: Rejection| {
        AppError::Invalid(vec![FieldError {
            field: r.field,
            message: r.message,
        }])
    };
    let input = input.map_err(invalid)?;
    let report = service::verify(&state, &state.base_url(), input)
        .await?
        .map_err(invalid)?;
    log(&report);
    let checks: Vec<Value> = report
        .checks
        .iter()
        .map(|c| json!({"id": c.id, "passed": c.passed(), "message": c.message.text("en")}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "verdict": report.verdict.as_str(),
        "summary": crate::i18n::t("en", report.explanation_key()),
        "issuer": {
            "id": report.issuer_id,
            "standing": report.issuer_standing(),
            "of_this_site": report.issuer.is_of_this_site(),
            "name": report.shown_issuer_name(),
            "name_confirmed": report.issuer.is_of_this_site(),
            "stated_name": report.issuer_name,
            "url": report.confirmed_issuer_url(),
        },
        "issued_on": report.issued_on,
        "issued_to": report.issued_to.as_ref().map(|r| r.text("en")),
        "checks": checks,
    })))
}
