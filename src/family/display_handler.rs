//! `POST /c/{city}/me/children/{child}/awards/{award}/display`: a parent lets a badge of a
//! child under 13 show on its public page, or keeps it private (a child of 13 or over decides
//! for themself: 403; someone else's child or badge: 404).

use actix_web::{web, HttpResponse};

use crate::auth::access::CityMember;
use crate::error::AppError;
use crate::family::display;
use crate::state::AppState;
use crate::web::forms::CsrfForm;
use crate::web::{redirect_with, Flash};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DisplayForm {
    public: String,
}

pub async fn set(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    path: web::Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<DisplayForm>,
) -> Result<HttpResponse, AppError> {
    let (_, child, award) = path.into_inner();
    let (parent, public) = (access.user.id, form.public == "1");
    let city_id = access.city.id;
    let now = state.clock.now();
    let outcome = state
        .db
        .run(move |conn| {
            let youth = match crate::family::young_child_of(conn, parent, &child, now.date()) {
                Ok(youth) => youth,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let found = crate::awards::store::find_by_public_id(conn, city_id, &award)?;
            let Some(found) = found.filter(|a| a.recipient_id == youth.id) else {
                return Ok(Err(AppError::NotFound));
            };
            display::set(conn, found.id, parent, public, now)?;
            Ok(Ok(found.badge_name))
        })
        .await?;
    let badge = outcome?;
    Ok(redirect_with(
        &format!("/c/{}/me#children", access.city.slug),
        Flash::success(
            if public {
                "flash.badge_shown"
            } else {
                "flash.badge_private"
            },
            &badge,
        ),
    ))
}
