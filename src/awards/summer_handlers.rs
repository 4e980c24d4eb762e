//! `POST /c/{city}/me/neighborhood`: a youth names their neighborhood (or none), for the
//! activities suggested to them.

use actix_web::{web, HttpResponse};

use crate::auth::access::CityMember;
use crate::auth::store::CityRole;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::CsrfForm;
use crate::web::{redirect_with, Flash};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NeighborhoodForm {
    neighborhood: String,
}

pub async fn neighborhood(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    CsrfForm(form): CsrfForm<NeighborhoodForm>,
) -> Result<HttpResponse, AppError> {
    if !access.has_city_role(CityRole::Youth) {
        return Err(AppError::Forbidden);
    }
    let back = format!("/c/{}/me#next-up", access.city.slug);
    let chosen = match form.neighborhood.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                return Ok(redirect_with(
                    &back,
                    Flash::error("flash.neighborhood_unknown", ""),
                ))
            }
        },
    };
    let (city, youth) = (access.city.id, access.user.id);
    let saved = state
        .db
        .run(move |conn| {
            Ok(crate::awards::summer::set_neighborhood(
                conn, city, youth, chosen,
            )?)
        })
        .await?;
    let flash = if saved {
        Flash::success("flash.neighborhood_saved", "")
    } else {
        Flash::error("flash.neighborhood_unknown", "")
    };
    Ok(redirect_with(&back, flash))
}
