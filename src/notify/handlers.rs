//! `/admin/mail` (the operator's mail viewer), `/admin/mail/{id}` and its HTML part.

use actix_web::{web, HttpResponse};

use crate::auth::access::Operator;
use crate::error::AppError;
use crate::notify::pages::{self, MailFilter, MailListPage, MailPage, MailQuery, PER_PAGE};
use crate::notify::store;
use crate::state::AppState;
use crate::web::{page, Chrome};

/// The policy of a message's HTML part: no script, no form, no request to anywhere but inline
/// styles and images, and framed only by the viewer's own pages.
pub const MAIL_HTML_POLICY: &str = "sandbox; default-src 'none'; img-src data: https:; \
     style-src 'unsafe-inline'; frame-ancestors 'self'";

pub async fn list(
    _operator: Operator,
    state: web::Data<AppState>,
    chrome: Chrome,
    query: web::Query<MailQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = MailFilter::try_from(&query)?;
    let offset = (filter.page - 1) * PER_PAGE;
    let to = filter.to.clone();
    let (rows, total) = state
        .db
        .run(move |conn| Ok(store::list(conn, to.as_deref(), offset, PER_PAGE)?))
        .await?;
    if rows.is_empty() && filter.page > 1 {
        return Err(AppError::NotFound);
    }
    page(&MailListPage {
        chrome,
        query,
        rows,
        total,
        page: filter.page,
    })
}

async fn load(state: &AppState, id: &str) -> Result<store::OutboxRow, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .db
        .run(move |conn| store::find(conn, id)?.ok_or(AppError::NotFound))
        .await
}

pub async fn show(
    _operator: Operator,
    state: web::Data<AppState>,
    chrome: Chrome,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mail = load(&state, &path.into_inner()).await?;
    let links = pages::links(&mail.text_body, &mail.html_body);
    page(&MailPage {
        chrome,
        mail,
        links,
    })
}

/// The HTML part as it was sent, for the sandboxed frame of the message's page.
pub async fn html_part(
    _operator: Operator,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mail = load(&state, &path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", MAIL_HTML_POLICY))
        .insert_header(("X-Frame-Options", "SAMEORIGIN"))
        .insert_header(("Cache-Control", "no-store"))
        .body(mail.html_body))
}
