//! Turns every 4xx/5xx response that is not already a page into one: an HTML error page in the
//! visitor's language, or under `/api/` an RFC 9457 problem document.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::HttpResponse;
use askama::Template;
use serde_json::json;

use crate::error::ErrorDetail;
use crate::i18n;
use crate::web::{Chrome, Rendered};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    message: &'static str,
}

fn title_key(status: u16) -> &'static str {
    match status {
        400 => "error.title_400",
        401 => "error.title_401",
        403 => "error.title_403",
        404 => "error.title_404",
        405 => "error.title_405",
        409 => "error.title_409",
        413 => "error.title_413",
        422 => "error.title_422",
        429 => "error.title_429",
        503 => "error.title_503",
        s if s >= 500 => "error.title_500",
        _ => "error.title_400",
    }
}

fn default_message(status: u16) -> &'static str {
    match status {
        404 => "error.not_found",
        405 => "error.method_not_allowed",
        413 => "error.too_large",
        s if s >= 500 => "error.internal",
        _ => "error.bad_request",
    }
}

pub fn render_error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.response().extensions().get::<Rendered>().is_some() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res.response().extensions().get::<ErrorDetail>().cloned();
    let message = detail
        .as_ref()
        .map(|d| d.message)
        .unwrap_or_else(|| default_message(status.as_u16()));
    let kept_headers: Vec<_> = [
        header::RETRY_AFTER,
        header::WWW_AUTHENTICATE,
        header::SET_COOKIE,
    ]
    .iter()
    .flat_map(|name| {
        res.headers()
            .get_all(name)
            .map(|v| (name.clone(), v.clone()))
            .collect::<Vec<_>>()
    })
    .collect();
    let req = res.request().clone();
    let mut builder = HttpResponse::build(status);
    for (name, value) in kept_headers {
        builder.append_header((name, value));
    }
    let mut response: HttpResponse<BoxBody> = if req.path().starts_with("/api/") {
        let errors: Vec<_> = detail
            .map(|d| d.fields)
            .unwrap_or_default()
            .into_iter()
            .map(|f| json!({"field": f.field, "detail": i18n::t("en", f.message)}))
            .collect();
        let mut body = json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": i18n::t("en", message),
        });
        if !errors.is_empty() {
            body["errors"] = serde_json::Value::Array(errors);
        }
        builder
            .content_type("application/problem+json")
            .body(body.to_string())
    } else {
        let page = ErrorPage {
            chrome: Chrome::from_request(&req),
            status: status.as_u16(),
            title: title_key(status.as_u16()),
            message,
        };
        match page.render() {
            Ok(html) => builder.content_type("text/html; charset=utf-8").body(html),
            Err(_) => builder
                .content_type("text/plain; charset=utf-8")
                .body(i18n::t("en", message)),
        }
    };
    response.extensions_mut().insert(Rendered);
    Ok(ErrorHandlerResponse::Response(
        res.into_response(response).map_into_right_body(),
    ))
}
