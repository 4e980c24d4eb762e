//! One error type for the whole application.
//!
//! Policy: handlers return `AppError`; it decides the status. A missing row (diesel `NotFound`)
//! and any object of another city or organization answer 404; a signed-in user without the role
//! gets 403; an anonymous visitor of a protected page is redirected to sign in; a lost database
//! or Redis answers 503; anything else unexpected is a 500. The cause of a 5xx is logged once,
//! here, and never shown to the user. The body is rendered later by `web::errors`, as an HTML
//! page or, under `/api/`, as an RFC 9457 problem document.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

/// A field that failed validation, with the catalog key of the message that says what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("the form's CSRF token did not match")]
    CsrfRejected,
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Too much work at once (password hashing is saturated): come back shortly.
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(anyhow::Error),
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}

/// What the error renderer needs to know about an error: carried in the response's extensions.
#[derive(Clone, Debug)]
pub struct ErrorDetail {
    /// Catalog key of a sentence for the person who sees it.
    pub message: &'static str,
    pub fields: Vec<FieldError>,
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(err: r2d2::Error) -> Self {
        AppError::Unavailable(err.into())
    }
}

impl From<redis::RedisError> for AppError {
    fn from(err: redis::RedisError) -> Self {
        AppError::Unavailable(err.into())
    }
}

impl AppError {
    fn message(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::CsrfRejected => "error.csrf",
            AppError::SignInRequired { .. } => "error.sign_in_required",
            AppError::BadRequest(key) | AppError::Unauthorized(key) | AppError::Conflict(key) => {
                key
            }
            AppError::Invalid(_) => "error.invalid",
            AppError::TooManyRequests { .. } => "error.too_many_requests",
            AppError::Busy { .. } => "error.busy",
            AppError::Unavailable(_) => "error.unavailable",
            AppError::Internal(_) => "error.internal",
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy { .. } | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Unavailable(cause) | AppError::Internal(cause) => {
                tracing::error!(error.cause_chain = ?cause, "request failed");
            }
            _ => {}
        }
        let mut builder = HttpResponse::build(self.status_code());
        match self {
            AppError::SignInRequired { next } => {
                let target = format!("/signin?next={}", crate::web::url_encode(next));
                builder.insert_header((header::LOCATION, target));
            }
            AppError::Unauthorized(_) => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::TooManyRequests { retry_after_secs }
            | AppError::Busy { retry_after_secs } => {
                builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        let mut response = builder.finish();
        let fields = match self {
            AppError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        };
        response.extensions_mut().insert(ErrorDetail {
            message: self.message(),
            fields,
        });
        response
    }
}
