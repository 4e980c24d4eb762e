//! `POST /c/{city}/me/family-digest`: a parent turns the weekly digest off (`off=1`) or on.

use actix_web::{web, HttpResponse};

use crate::auth::access::CityMember;
use crate::auth::store::CityRole;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::CsrfForm;
use crate::web::{redirect_with, Flash};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DigestForm {
    off: String,
}

pub async fn set(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    CsrfForm(form): CsrfForm<DigestForm>,
) -> Result<HttpResponse, AppError> {
    if !access.has_city_role(CityRole::Parent) {
        return Err(AppError::Forbidden);
    }
    let (parent, off) = (access.user.id, form.off == "1");
    state
        .db
        .run(move |conn| Ok(crate::family::digest::set_off(conn, parent, off)?))
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/me#family-digest", access.city.slug),
        Flash::success(
            if off {
                "flash.family_digest_off"
            } else {
                "flash.family_digest_on"
            },
            "",
        ),
    ))
}
