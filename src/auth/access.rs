//! The role extractors. A protected route names one of these in its signature, and the check is
//! done before the handler runs: anonymous visitors are sent to sign in, users with no place in
//! the city or organization get 404 (its existence is not theirs to learn), and users who belong
//! but lack the role get 403.

use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::auth::store::{self, CityRole, OrgRole};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::ids::OrgId;
use crate::orgs::{self, Org};
use crate::state::AppState;
use crate::tenancy::{resolve_city, City};
use crate::web::context::request_context;

/// Any signed-in user.
pub struct SignedIn(pub CurrentUser);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let ctx = request_context(req);
        std::future::ready(match ctx.user {
            Some(user) => Ok(SignedIn(user)),
            None => Err(AppError::SignInRequired { next: ctx.path }),
        })
    }
}

/// A signed-in user and what they are in the city of the path.
#[derive(Clone, Debug)]
pub struct CityAccess {
    pub city: City,
    pub user: CurrentUser,
    pub city_roles: Vec<CityRole>,
    pub org_roles: Vec<(OrgId, OrgRole)>,
}

impl CityAccess {
    pub fn belongs(&self) -> bool {
        self.user.is_operator || !self.city_roles.is_empty() || !self.org_roles.is_empty()
    }

    pub fn is_coordinator(&self) -> bool {
        self.user.is_operator || self.city_roles.contains(&CityRole::Coordinator)
    }

    pub fn has_city_role(&self, role: CityRole) -> bool {
        self.city_roles.contains(&role)
    }

    /// Admins of `org` (and coordinators) pass; mentors get 403, anyone else 404.
    pub fn require_org_admin(&self, org: OrgId) -> Result<(), AppError> {
        match self.org_role(org) {
            Some(OrgRole::Admin) => Ok(()),
            Some(OrgRole::Mentor) => Err(AppError::Forbidden),
            None => Err(AppError::NotFound),
        }
    }

    /// The role in `org`; coordinators act as its admins.
    pub fn org_role(&self, org: OrgId) -> Option<OrgRole> {
        if self.is_coordinator() {
            return Some(OrgRole::Admin);
        }
        self.org_roles
            .iter()
            .find(|(id, _)| *id == org)
            .map(|(_, role)| *role)
    }
}

async fn load_city_access(req: HttpRequest) -> Result<CityAccess, AppError> {
    let ctx = request_context(&req);
    let user = ctx
        .user
        .ok_or(AppError::SignInRequired { next: ctx.path })?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(AppError::NotFound)?;
    let city = resolve_city(&state, req.match_info().get("city").map(str::to_string)).await?;
    let (city_id, user_id) = (city.id, user.id);
    let (city_roles, org_roles) = state
        .db
        .run(move |conn| Ok(store::roles_in_city(conn, city_id, user_id)?))
        .await?;
    let access = CityAccess {
        city,
        user,
        city_roles,
        org_roles,
    };
    if access.belongs() {
        Ok(access)
    } else {
        Err(AppError::NotFound)
    }
}

macro_rules! async_extractor {
    ($name:ident, $body:expr) => {
        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
                Box::pin($body(req.clone()))
            }
        }
    };
}

/// Anyone with a place in the city: coordinators, staff of its organizations, youth, parents.
pub struct CityMember(pub CityAccess);
async_extractor!(CityMember, |req| async move {
    load_city_access(req).await.map(CityMember)
});

/// A coordinator of the city (or the platform operator).
pub struct Coordinator(pub CityAccess);
async_extractor!(Coordinator, |req| async move {
    let access = load_city_access(req).await?;
    if access.is_coordinator() {
        Ok(Coordinator(access))
    } else {
        Err(AppError::Forbidden)
    }
});

/// A member of the organization of the path (`{org}`), admin or mentor.
pub struct OrgStaff {
    pub access: CityAccess,
    pub org: Org,
    pub role: OrgRole,
}

async fn load_org_staff(req: HttpRequest) -> Result<OrgStaff, AppError> {
    let access = load_city_access(req.clone()).await?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(AppError::NotFound)?;
    let slug = req
        .match_info()
        .get("org")
        .map(str::to_string)
        .ok_or(AppError::NotFound)?;
    let city_id = access.city.id;
    let org = state
        .db
        .run(move |conn| orgs::store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound))
        .await?;
    let role = access.org_role(org.id).ok_or(AppError::NotFound)?;
    Ok(OrgStaff { access, org, role })
}

async_extractor!(OrgStaff, load_org_staff);

/// An admin of the organization of the path (coordinators count as admins).
pub struct OrgAdmin(pub OrgStaff);
async_extractor!(OrgAdmin, |req| async move {
    let staff = load_org_staff(req).await?;
    if staff.role == OrgRole::Admin {
        Ok(OrgAdmin(staff))
    } else {
        Err(AppError::Forbidden)
    }
});

/// The platform operator.
pub struct Operator(pub CurrentUser);
async_extractor!(Operator, |req: HttpRequest| async move {
    let SignedIn(user) = SignedIn::extract(&req).await?;
    if user.is_operator {
        Ok(Operator(user))
    } else {
        Err(AppError::Forbidden)
    }
});
