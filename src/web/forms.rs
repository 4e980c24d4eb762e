//! Forms: CSRF-checked extraction and the field errors a page shows next to each input.

use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{AppError, FieldError};
use crate::web::context::request_context;

/// A url-encoded form whose `csrf_token` matched the visitor's CSRF cookie.
pub struct CsrfForm<T>(pub T);

/// The body of a form that is only a button (its CSRF token aside).
#[derive(serde::Deserialize, Default)]
pub struct NoFields {}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// Whether two secrets are equal, compared in constant time; an empty secret never matches.
pub fn constant_time_eq(expected: &str, submitted: &str) -> bool {
    !expected.is_empty()
        && expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Compares the submitted token with the cookie's.
pub fn check_csrf(expected: &str, submitted: &str) -> Result<(), AppError> {
    if constant_time_eq(expected, submitted) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let expected = request_context(req).csrf;
        Box::pin(async move {
            let body = body
                .await
                .map_err(|_| AppError::BadRequest("error.form_unreadable"))?;
            let token: CsrfField = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::BadRequest("error.form_unreadable"))?;
            check_csrf(&expected, &token.csrf_token)?;
            let form = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::BadRequest("error.form_unreadable"))?;
            Ok(CsrfForm(form))
        })
    }
}

/// The field errors of one form submission.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: &'static str) {
        self.0.push(FieldError { field, message });
    }

    /// The catalog key of the message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message)
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no field failed.
    pub fn into_result<T>(self, value: T) -> Result<T, FormErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<FormErrors> for AppError {
    fn from(errors: FormErrors) -> Self {
        AppError::Invalid(errors.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csrf_token_must_match_exactly() {
        assert!(check_csrf("abc", "abc").is_ok());
        assert!(check_csrf("abc", "abd").is_err());
        assert!(check_csrf("abc", "ab").is_err());
        assert!(check_csrf("", "").is_err());
    }
}
