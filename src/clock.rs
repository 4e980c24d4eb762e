//! The time the application goes by: the real time, moved forward by an offset that only a
//! test can set. With `testing.clock` on (`LANYARD__TESTING__CLOCK=true`; for tests only, and
//! refused under the production profile, see `settings`), `POST /__test/clock` with
//! `{"days": N}` moves a running server's clock N days forward, so that a test reaches a
//! child's 13th birthday without sleeping. Otherwise the route answers 404 and the offset
//! stays zero.
//!
//! Age checks (`auth::store::is_under_13` through the pages that ask it), the custody handoff
//! at 13 and the mail worker's consent sweep read this clock; anything that must follow the
//! wall clock (sessions, rate limits, signatures) does not.

use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::{web, HttpResponse};
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};

use crate::error::AppError;
use crate::state::AppState;

/// The longest a test may move the clock in one step: a hundred years.
const MAX_DAYS: i64 = 36_600;

#[derive(Debug, Default)]
pub struct Clock {
    /// Seconds added to the real time.
    offset_seconds: AtomicI64,
    /// Whether a test may move it (`testing.clock`).
    adjustable: bool,
}

/// The clock cannot be moved: this server does not run with `testing.clock`, or the step is
/// not forward by at most [`MAX_DAYS`].
#[derive(Debug, PartialEq, Eq)]
pub enum NotMoved {
    NotAdjustable,
    OutOfRange,
}

impl Clock {
    /// The real time, never moved.
    pub fn real() -> Clock {
        Clock::default()
    }

    /// The real time until a test moves it forward.
    pub fn adjustable() -> Clock {
        Clock {
            offset_seconds: AtomicI64::new(0),
            adjustable: true,
        }
    }

    /// Now, in UTC.
    pub fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc() + Duration::seconds(self.offset_seconds.load(Ordering::Relaxed))
    }

    /// Today's date, in UTC.
    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    /// Moves the clock `days` forward (tests only).
    pub fn advance_days(&self, days: i64) -> Result<NaiveDateTime, NotMoved> {
        if !self.adjustable {
            return Err(NotMoved::NotAdjustable);
        }
        if !(0..=MAX_DAYS).contains(&days) {
            return Err(NotMoved::OutOfRange);
        }
        self.offset_seconds
            .fetch_add(days * 86_400, Ordering::Relaxed);
        Ok(self.now())
    }
}

#[derive(serde::Deserialize)]
pub struct AdvanceBody {
    days: i64,
}

/// `POST /__test/clock` `{"days": N}`: moves the clock forward; answers the new time. 404 unless
/// the server runs with `testing.clock`.
pub async fn advance(
    state: web::Data<AppState>,
    body: web::Json<AdvanceBody>,
) -> Result<HttpResponse, AppError> {
    match state.clock.advance_days(body.days) {
        Ok(now) => {
            tracing::info!(clock.days = body.days, clock.now = %now, "test clock moved");
            Ok(HttpResponse::Ok().json(serde_json::json!({
                "now": now.format("%Y-%m-%dT%H:%M:%S").to_string(),
                "today": now.date().to_string(),
            })))
        }
        Err(NotMoved::NotAdjustable) => Err(AppError::NotFound),
        Err(NotMoved::OutOfRange) => Err(AppError::BadRequest("error.bad_request")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_clock_cannot_be_moved() {
        let clock = Clock::real();
        assert_eq!(clock.advance_days(1), Err(NotMoved::NotAdjustable));
        assert!((clock.now() - Utc::now().naive_utc()).num_seconds().abs() < 5);
    }

    #[test]
    fn a_test_clock_moves_forward_only_and_by_whole_days() {
        let clock = Clock::adjustable();
        let before = clock.today();
        assert_eq!(clock.advance_days(-1), Err(NotMoved::OutOfRange));
        assert_eq!(clock.advance_days(MAX_DAYS + 1), Err(NotMoved::OutOfRange));
        let moved = clock.advance_days(3 * 365).map(|now| now.date());
        assert_eq!(moved, Ok(before + Duration::days(3 * 365)));
        assert_eq!(clock.today(), before + Duration::days(3 * 365));
    }
}
