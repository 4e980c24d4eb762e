//! `POST /c/{city}/orgs/{org}/members/{member}/remove`: an admin (or coordinator) ends a staff
//! member's role. The last admin of an organization stays.

use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::OrgAdmin;
use crate::error::AppError;
use crate::orgs::membership::{self, RemovalRefused};
use crate::state::AppState;
use crate::web::forms::{CsrfForm, NoFields};
use crate::web::{redirect_with, Flash};

pub async fn remove_member(
    state: web::Data<AppState>,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (_, _, member) = path.into_inner();
    let org = staff.org.clone();
    let actor = Actor::user(&staff.access.user, &address);
    let login = member.clone();
    let removed = state
        .db
        .run(move |conn| {
            membership::remove_staff(conn, &org, &login, &actor, Utc::now().naive_utc())
        })
        .await?;
    let to = format!("/c/{}/orgs/{}", staff.access.city.slug, staff.org.slug);
    Ok(match removed {
        Ok(()) => {
            tracing::info!(org.slug = %staff.org.slug, "staff member removed");
            redirect_with(&to, Flash::success("flash.member_removed", &member))
        }
        Err(RemovalRefused::LastAdmin) => {
            redirect_with(&to, Flash::error("flash.last_admin_stays", &member))
        }
    })
}
