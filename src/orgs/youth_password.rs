//! `/c/{city}/orgs/{org}/youth/{youth}/password`: staff of an organization set a temporary
//! password for a youth of theirs who has no e-mail to reset with (see `auth::temporary`). A
//! youth is "of" an organization when it awarded them a badge (held or revoked) or they sent it
//! work to review; any other youth, or a youth of another organization, is 404. A youth with an
//! e-mail is pointed to the e-mail reset instead. Every session of the youth ends; the reset is
//! in the audit trail; each staff member may set a limited number an hour.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use diesel::prelude::*;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::OrgStaff;
use crate::auth::store as auth_store;
use crate::auth::{recovery, temporary, throttle, AccountKind, CurrentUser};
use crate::db::schema::{awards, submissions};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{CityId, OrgId};
use crate::state::AppState;
use crate::web::forms::{CsrfForm, NoFields};
use crate::web::{render, Chrome};

/// The youth `login` of `org`, and whether they have an e-mail; `None` when no such youth
/// earned from or submitted to it.
pub fn youth_of_org(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    login: &str,
) -> QueryResult<Option<(CurrentUser, bool)>> {
    let Some((youth, _)) = auth_store::find_user_by_login(conn, login)? else {
        return Ok(None);
    };
    if youth.kind != AccountKind::Youth {
        return Ok(None);
    }
    let earned: bool = diesel::select(diesel::dsl::exists(
        awards::table
            .filter(awards::city_id.eq(city.0))
            .filter(awards::org_id.eq(org.0))
            .filter(awards::recipient_id.eq(youth.id.0)),
    ))
    .get_result(conn)?;
    let submitted: bool = earned
        || diesel::select(diesel::dsl::exists(
            submissions::table
                .filter(submissions::city_id.eq(city.0))
                .filter(submissions::org_id.eq(org.0))
                .filter(submissions::youth_id.eq(youth.id.0)),
        ))
        .get_result(conn)?;
    if !submitted {
        return Ok(None);
    }
    let has_email = auth_store::email_of(conn, youth.id)?.0.is_some();
    Ok(Some((youth, has_email)))
}

#[derive(Template)]
#[template(path = "orgs/youth_password.html")]
pub struct YouthPasswordPage {
    pub chrome: Chrome,
    pub city_slug: String,
    pub org_slug: String,
    pub org_name: String,
    pub youth: CurrentUser,
    pub has_email: bool,
    /// The temporary password just set, shown once.
    pub temporary: Option<String>,
    pub until: String,
}

async fn find(
    state: &AppState,
    staff: &OrgStaff,
    login: String,
) -> Result<(CurrentUser, bool), AppError> {
    let (city, org) = (staff.access.city.id, staff.org.id);
    state
        .db
        .run(move |conn| youth_of_org(conn, city, org, &login)?.ok_or(AppError::NotFound))
        .await
}

fn page_of(
    chrome: Chrome,
    staff: &OrgStaff,
    youth: CurrentUser,
    has_email: bool,
) -> YouthPasswordPage {
    let city = &staff.access.city;
    YouthPasswordPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city_slug: city.slug.clone(),
        org_slug: staff.org.slug.clone(),
        org_name: staff.org.name.clone(),
        youth,
        has_email,
        temporary: None,
        until: String::new(),
    }
}

/// `GET …/youth/{youth}/password`: what a temporary password does, and the button.
pub async fn form(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, login) = path.into_inner();
    let (youth, has_email) = find(&state, &staff, login).await?;
    render(StatusCode::OK, &page_of(chrome, &staff, youth, has_email))
}

/// `POST …/youth/{youth}/password`: sets a temporary password and shows it once.
pub async fn set(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (_, _, login) = path.into_inner();
    let (youth, has_email) = find(&state, &staff, login).await?;
    if has_email {
        // Their own address is the safer way: the e-mailed link reaches only them.
        return render(StatusCode::CONFLICT, &page_of(chrome, &staff, youth, true));
    }
    state
        .throttle
        .attempt(&throttle::staff_reset_keys(
            &staff.access.user.id.to_string(),
        ))
        .await?;
    let temporary = temporary::generate();
    let hash = state.passwords.hash(temporary.clone()).await?;
    let (actor, target, now) = (
        Actor::user(&staff.access.user, &address),
        youth.clone(),
        Utc::now().naive_utc(),
    );
    state
        .db
        .run(move |conn| {
            use diesel::Connection;
            conn.transaction(|conn| {
                recovery::set_by_adult(conn, &target, &hash, &actor, "staff", now)?;
                temporary::mark(conn, target.id, now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    state.sessions.end_all_of(youth.id, None).await?;
    tracing::info!(user.id = %youth.id, org.slug = %staff.org.slug, "temporary password set by staff");
    let mut shown = page_of(chrome, &staff, youth, false);
    shown.until = shown.chrome.t1(
        "staff_reset.until",
        "date",
        crate::i18n::dates::moment(shown.chrome.locale, now + temporary::lifetime()),
    );
    shown.temporary = Some(temporary);
    let mut response = render(StatusCode::OK, &shown)?;
    // Shown once: no cache may keep it.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
