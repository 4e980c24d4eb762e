//! Coordinators add organizations; org admins manage staff and API tokens.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{Coordinator, OrgAdmin, OrgStaff};
use crate::auth::store::{self as auth_store, OrgRole};
use crate::db::is_unique_violation;
use crate::error::AppError;
use crate::fields::{self, Slug};
use crate::orgs::membership::{self, GrantRefused, StaffGrant};
use crate::orgs::pages::{MemberForm, NewOrgForm, OrgListPage, OrgPage, ProfileChoices, TokenForm};
use crate::orgs::profile::{neighborhoods_of, OrgProfile, ProfileRules};
use crate::orgs::staff_invites::InviteForm;
use crate::orgs::store::{self, NewOrg};
use crate::orgs::tokens;
use crate::state::AppState;
use crate::tenancy::store::{named_list, NameList};
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};
use crate::{activities, badges};

pub async fn list(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    let city = access.city;
    let city_id = city.id;
    let (orgs, neighborhoods) = state
        .db
        .run(move |conn| {
            Ok((
                store::list_in_city(conn, city_id)?,
                named_list(conn, city_id, NameList::Neighborhoods)?,
            ))
        })
        .await?;
    page(&OrgListPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        orgs,
        form: NewOrgForm::default(),
        errors: FormErrors::default(),
        choices: ProfileChoices::new(&neighborhoods),
    })
}

pub async fn create(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<NewOrgForm>,
) -> Result<HttpResponse, AppError> {
    let city = access.city;
    let city_id = city.id;
    let neighborhoods = neighborhoods_of(&state, city_id).await?;
    let (profile, mut errors) = match OrgProfile::parse(
        &form.profile(),
        &neighborhoods,
        ProfileRules { complete: false },
    ) {
        Ok(profile) => (Some(profile), FormErrors::default()),
        Err(errors) => (None, errors),
    };
    let slug = if form.slug.trim().is_empty() {
        profile
            .as_ref()
            .and_then(|p| Slug::from_name(&p.name))
            .ok_or("field.slug_invalid")
    } else {
        Slug::parse(&form.slug)
    }
    .map_err(|e| errors.add("slug", e))
    .ok();
    let admin_login = form.admin.trim().to_ascii_lowercase();
    if admin_login.is_empty() {
        errors.add("admin", "field.required");
    }
    let actor = Actor::user(&access.user, &address);
    let outcome = state
        .db
        .run(move |conn| {
            let admin = auth_store::find_user_by_login(conn, &admin_login)?;
            // No account, a youth's or a parent's: one answer, which tells nothing about it.
            if admin.is_none() && !admin_login.is_empty() {
                errors.add("admin", "field.member_not_addable");
            }
            if let Some(slug) = &slug {
                if store::find_by_slug(conn, city_id, slug.as_str())?.is_some() {
                    errors.add("slug", "field.slug_taken");
                }
            }
            let (Some(profile), Some(slug), Some((admin, _)), true) =
                (profile, slug, admin, errors.is_empty())
            else {
                return Ok(Err(errors));
            };
            let created = conn.transaction(|conn| {
                let created = membership::create_org(
                    conn,
                    city_id,
                    &NewOrg {
                        slug: slug.as_str(),
                        name: &profile.name,
                        description: &profile.description,
                        website: &profile.website,
                    },
                    &admin,
                    &actor,
                    Utc::now().naive_utc(),
                )?;
                if let Ok((id, _)) = &created {
                    store::set_profile(conn, city_id, *id, &profile)?;
                }
                Ok::<_, diesel::result::Error>(created)
            });
            let name = profile.name.clone();
            match created {
                Ok(Ok((_, grant))) => Ok(Ok((slug, name, grant))),
                Ok(Err(_refused)) => {
                    let mut errors = FormErrors::default();
                    errors.add("admin", "field.member_not_addable");
                    Ok(Err(errors))
                }
                Err(e) if is_unique_violation(&e) => {
                    let mut errors = FormErrors::default();
                    errors.add("slug", "field.slug_taken");
                    Ok(Err(errors))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok((slug, name, grant)) => Ok(redirect_with(
            &format!("/c/{}/orgs/{}", city.slug, slug.as_str()),
            Flash::success(
                match grant {
                    StaffGrant::Added => "flash.org_created",
                    StaffGrant::Invited => "flash.org_created_admin_invited",
                },
                &name,
            ),
        )),
        Err(errors) => {
            let orgs = state
                .db
                .run(move |conn| Ok(store::list_in_city(conn, city_id)?))
                .await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &OrgListPage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    orgs,
                    form,
                    errors,
                    choices: ProfileChoices::new(&neighborhoods),
                },
            )
        }
    }
}

/// The staff page of an organization, optionally with a form's result.
pub(crate) async fn org_page(
    state: &AppState,
    chrome: Chrome,
    staff: OrgStaff,
    status: StatusCode,
    edit: impl FnOnce(&mut OrgPage),
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let org_slug = staff.org.slug.clone();
    let (
        activities,
        badges,
        (members, invited),
        tokens,
        decision_message,
        (email_invitations, waiting_reviews),
    ) = state
        .db
        .run(move |conn| {
            Ok((
                activities::store::list_for_org(conn, city_id, org_id)?,
                badges::store::list(conn, city_id, Some(org_id))?,
                (store::members(conn, org_id)?, store::invited(conn, org_id)?),
                store::tokens(conn, org_id)?,
                store::application(conn, city_id, &org_slug)?
                    .map(|a| a.decision_message)
                    .unwrap_or_default(),
                (
                    crate::invitations::pending(
                        conn,
                        city_id,
                        Some(org_id),
                        Utc::now().naive_utc(),
                    )?,
                    crate::review::store::waiting_count(conn, org_id)?,
                ),
            ))
        })
        .await?;
    let city = staff.access.city;
    let mut page = OrgPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        decision_message,
        is_admin: staff.role == OrgRole::Admin,
        waiting_reviews,
        activities,
        badges,
        admins: members
            .iter()
            .filter(|(_, _, role)| role == "admin")
            .count(),
        members,
        invited,
        tokens,
        new_token: None,
        member_form: MemberForm::default(),
        member_errors: FormErrors::default(),
        token_form: TokenForm::default(),
        token_errors: FormErrors::default(),
        email_invitations,
        invite_form: InviteForm::default(),
        invite_errors: FormErrors::default(),
    };
    edit(&mut page);
    render(status, &page)
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
) -> Result<HttpResponse, AppError> {
    org_page(&state, chrome, staff, StatusCode::OK, |_| {}).await
}

pub async fn add_member(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<HttpResponse, AppError> {
    let role = OrgRole::parse(&form.role);
    let login = form.username.trim().to_ascii_lowercase();
    let org = staff.org.clone();
    let actor = Actor::user(&staff.access.user, &address);
    let added = state
        .db
        .run(move |conn| {
            let mut errors = FormErrors::default();
            if role.is_none() {
                errors.add("role", "field.role_invalid");
            }
            // No account and a youth's account get the same answer: the form must not tell
            // an admin which names exist or which belong to youth.
            let user = auth_store::find_user_by_login(conn, &login)?
                .filter(|(user, _)| user.kind != crate::auth::AccountKind::Youth);
            if user.is_none() {
                errors.add("username", "field.member_not_addable");
            }
            let (Some((user, _)), Some(role)) = (user, role) else {
                return Ok(Err(errors));
            };
            let now = Utc::now().naive_utc();
            match membership::give_staff_role(conn, &org, &user, role, &actor, now)? {
                Ok(grant) => Ok(Ok((user.display_name, grant))),
                // The last admin is the admin's own colleague: say so. Any other reason gets one
                // answer, so the admin learns nothing about the account.
                Err(GrantRefused::LastAdmin) => {
                    errors.add("username", "field.last_admin_stays");
                    Ok(Err(errors))
                }
                Err(_) => {
                    errors.add("username", "field.member_not_addable");
                    Ok(Err(errors))
                }
            }
        })
        .await?;
    match added {
        Ok((name, grant)) => Ok(redirect_with(
            &format!("/c/{}/orgs/{}", staff.access.city.slug, staff.org.slug),
            Flash::success(
                match grant {
                    StaffGrant::Added => "flash.member_added",
                    StaffGrant::Invited => "flash.member_invited",
                },
                &name,
            ),
        )),
        Err(errors) => {
            org_page(
                &state,
                chrome,
                staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                |p| {
                    p.member_form = form;
                    p.member_errors = errors;
                },
            )
            .await
        }
    }
}

pub async fn create_token(
    state: web::Data<AppState>,
    chrome: Chrome,
    OrgAdmin(staff): OrgAdmin,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let name = match fields::line(&form.name, 60) {
        Ok(name) => name,
        Err(e) => {
            let mut errors = FormErrors::default();
            errors.add("name", e);
            return org_page(
                &state,
                chrome,
                staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                |p| {
                    p.token_form = form;
                    p.token_errors = errors;
                },
            )
            .await;
        }
    };
    let (token, hash) = tokens::generate();
    let org = staff.org.clone();
    let actor = Actor::user(&staff.access.user, &address);
    state
        .db
        .run(move |conn| Ok(tokens::create(conn, &org, &name, &hash, &actor)?))
        .await?;
    org_page(&state, chrome, staff, StatusCode::OK, |p| {
        p.new_token = Some(token);
    })
    .await
}
