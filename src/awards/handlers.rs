//! An award's public page, and each person's own page in a city.

use actix_web::{web, HttpResponse};

use crate::auth::access::CityMember;
use crate::auth::store::{self as auth_store, CityRole};
use crate::awards::pages::{AwardPage, ChildBadges, MyPage};
use crate::awards::store;
use crate::error::AppError;
use crate::orgs;
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::{page, Chrome};

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    let city_id = city.id;
    let award = state
        .db
        .run(move |conn| {
            store::find_by_public_id(conn, city_id, &public_id)?.ok_or(AppError::NotFound)
        })
        .await?;
    page(&AwardPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        award,
    })
}

pub async fn me(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let me = access.user.clone();
    let is_youth = access.has_city_role(CityRole::Youth);
    let is_parent = access.has_city_role(CityRole::Parent);
    let (city_id, user_id) = (city.id, me.id);
    let (awards, children, staff_of) = state
        .db
        .run(move |conn| {
            let awards = if is_youth {
                store::list_for_recipient(conn, city_id, user_id)?
            } else {
                Vec::new()
            };
            let mut children = Vec::new();
            if is_parent {
                for child in auth_store::children_of(conn, user_id)? {
                    let awards = store::list_for_recipient(conn, city_id, child.id)?;
                    children.push(ChildBadges { child, awards });
                }
            }
            let staff_of = orgs::store::list_for_staff(conn, city_id, user_id)?;
            Ok((awards, children, staff_of))
        })
        .await?;
    page(&MyPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        is_coordinator: access.is_coordinator(),
        city,
        me,
        is_youth,
        awards,
        children,
        staff_of,
    })
}
