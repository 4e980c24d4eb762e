//! What every page shares: the per-request context (locale, signed-in user, CSRF token, flash),
//! the page chrome handed to templates, rendering, embedded static files and error pages.

pub mod assets;
pub mod client_address;
pub mod context;
pub mod errors;
pub mod forms;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;

use crate::error::AppError;

pub use context::{Chrome, Flash, RequestContext};

/// Marks a response whose body is final, so the error-page renderer leaves it alone.
#[derive(Clone, Copy, Debug)]
pub struct Rendered;

/// Renders an askama page with the given status.
pub fn render<T: askama::Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body);
    response.extensions_mut().insert(Rendered);
    Ok(response)
}

/// Renders a page with 200 OK.
pub fn page<T: askama::Template>(page: &T) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

/// A 303 redirect after a successful form, optionally with a flash message for the next page.
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

/// A redirect that shows `flash` on the next page.
pub fn redirect_with(to: &str, flash: Flash) -> HttpResponse {
    let mut response = redirect(to);
    // A cookie that cannot be built is only a lost flash message, never an error.
    let _ = response.add_cookie(&flash.cookie());
    response
}

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A local path to return to after a form, or `/` if `next` could lead off-site.
pub fn safe_next(next: &str) -> String {
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if is_local {
        next.to_string()
    } else {
        "/".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_path_never_leads_to_another_site() {
        assert_eq!(safe_next("/c/riverton/me"), "/c/riverton/me");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
    }

    #[test]
    fn url_encoding_keeps_paths_readable() {
        assert_eq!(url_encode("/c/x?y=1&z"), "/c/x%3Fy%3D1%26z");
    }
}
