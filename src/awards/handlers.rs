//! An award's public page, and each person's own page in a city.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityAccess, CityMember};
use crate::auth::store::{self as auth_store, CityRole};
use crate::auth::CurrentUser;
use crate::awards::pages::{AwardPage, ChildBadges, MyPage, ShareLinks};
use crate::awards::revocation;
use crate::awards::{store, AwardView};
use crate::error::AppError;
use crate::fields;
use crate::ids::OrgId;
use crate::orgs;
use crate::state::AppState;
use crate::tenancy::{City, CurrentCity};
use crate::web::forms::{CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

/// The award, and when its credential expires (for badges that do).
async fn load_award(
    state: &AppState,
    city: &City,
    public_id: String,
) -> Result<(AwardView, Option<chrono::NaiveDateTime>), AppError> {
    let city_id = city.id;
    state
        .db
        .run(move |conn| {
            let award =
                store::find_by_public_id(conn, city_id, &public_id)?.ok_or(AppError::NotFound)?;
            let valid_until = store::valid_until(conn, &award)?;
            Ok((award, valid_until))
        })
        .await
}

/// Whether `viewer` may revoke awards of `org`: the rule `revoke` enforces.
async fn may_revoke(
    state: &AppState,
    city: &City,
    viewer: Option<CurrentUser>,
    org: OrgId,
) -> Result<bool, AppError> {
    let Some(user) = viewer else {
        return Ok(false);
    };
    let (city_id, user_id) = (city.id, user.id);
    let (city_roles, org_roles) = state
        .db
        .run(move |conn| Ok(auth_store::roles_in_city(conn, city_id, user_id)?))
        .await?;
    let access = CityAccess {
        city: city.clone(),
        user,
        city_roles,
        org_roles,
    };
    Ok(access.require_org_admin(org).is_ok())
}

pub async fn show(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    if crate::awards::documents::wants_credential(&req) {
        return crate::awards::documents::credential_json(&state, &city, &public_id).await;
    }
    let (award, valid_until) = load_award(&state, &city, public_id).await?;
    let can_revoke = may_revoke(&state, &city, chrome.user.clone(), award.org_id).await?;
    let links = ShareLinks::new(&state.base_url(), &city.slug, &award);
    // `?earned=1`, where a redemption lands: its youth is congratulated and shown what is next.
    let just_earned = req.query_string().split('&').any(|pair| pair == "earned=1");
    let is_theirs = chrome
        .user
        .as_ref()
        .is_some_and(|u| u.id == award.recipient_id);
    let celebrate = if just_earned && is_theirs && !award.is_revoked() {
        let (city_id, youth, locale) = (city.id, award.recipient_id, chrome.locale);
        Some(
            state
                .db
                .run(move |conn| {
                    let mut next = store::next_activities(conn, city_id, youth, 3)?;
                    let ids: Vec<i64> = next.iter().map(|(id, _, _)| *id).collect();
                    let mut titles = crate::catalog::store::titles_in(conn, &ids, locale)?;
                    for (id, title, _) in &mut next {
                        if let Some(translated) = titles.remove(id) {
                            *title = translated;
                        }
                    }
                    Ok(next)
                })
                .await?,
        )
    } else {
        None
    };
    let (of_city, id, viewer) = (
        city.clone(),
        award.public_id.clone(),
        chrome.user.as_ref().map(|u| u.id),
    );
    let shown = award.clone();
    let today = state.clock.today();
    let (evidence_page, (shows_name, family), public) = state
        .db
        .run(move |conn| {
            Ok((
                crate::review::store::evidence_page_of_award(conn, &of_city, &id, viewer)?,
                crate::awards::name_on_page(conn, &shown, viewer)?,
                crate::family::display::is_public(conn, shown.id, shown.recipient_id, today)?,
            ))
        })
        .await?;
    if !(public || family || can_revoke) {
        return render(
            StatusCode::NOT_FOUND,
            &crate::family::pages::PrivateAwardPage {
                chrome: chrome.in_city(&city.slug, &city.name),
                city,
                award,
            },
        );
    }
    let shown_name =
        crate::awards::public_name(&award, shows_name, family, chrome.locale, &city.name);
    page(&AwardPage {
        shown_name,
        evidence_page,
        celebrate,
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        award,
        can_revoke,
        links,
        valid_until,
        reason: String::new(),
        errors: FormErrors::default(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    reason: String,
}

pub async fn revoke(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id) = path.into_inner();
    let city = access.city.clone();
    let (award, valid_until) = load_award(&state, &city, public_id.clone()).await?;
    access.require_org_admin(award.org_id)?;
    let reason = match fields::text(&form.reason, 500, true) {
        Ok(reason) => reason,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("reason", message);
            let links = ShareLinks::new(&state.base_url(), &city.slug, &award);
            // Staff of its organization revoking it know whose it is.
            let shown_name = award.recipient_name.clone();
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AwardPage {
                    chrome: chrome.in_city(&city.slug, &city.name),
                    city,
                    award,
                    can_revoke: true,
                    links,
                    valid_until,
                    reason: form.reason,
                    errors,
                    celebrate: None,
                    evidence_page: None,
                    shown_name,
                },
            );
        }
    };
    let actor = Actor::user(&access.user, &address);
    let revoked = award.clone();
    let (of_city, base) = (city.clone(), state.base_url());
    state
        .db
        .run(move |conn| {
            revocation::revoke(
                conn,
                &of_city,
                &base,
                &revoked,
                &reason,
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    tracing::info!(award.public_id = %public_id, city.slug = %city.slug, "award revoked");
    Ok(redirect_with(
        &format!("/c/{}/awards/{public_id}", city.slug),
        Flash::success("flash.award_revoked", &award.badge_name),
    ))
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
    let (city_id, user_id, today) = (city.id, me.id, state.clock.today());
    let of_city = city.clone();
    let locale = chrome.locale;
    let (
        (awards, submissions, pathways, (shows_name, decides_name), summer, private_awards),
        children,
        staff_of,
        invitations,
        (applications, my_email, quiet, family_digest_off),
        (pending, link_code_until, handoff),
    ) = state
        .db
        .run(move |conn| {
            let mine = if is_youth {
                let listed = store::list_for_recipient(conn, city_id, user_id)?;
                let awards = crate::family::handoff::without_reissued(conn, listed)?;
                let under_13 = auth_store::is_under_13(conn, user_id, today)?;
                // Under 13, a badge's page is private until a parent's yes.
                let private_awards = if under_13 {
                    let shown = crate::family::display::approved_of(conn, user_id)?;
                    awards
                        .iter()
                        .map(|a| a.id.0)
                        .filter(|id| !shown.contains(id))
                        .collect()
                } else {
                    Vec::new()
                };
                (
                    awards,
                    crate::review::store::of_youth(conn, city_id, user_id)?,
                    crate::pathways::store::progress(conn, city_id, user_id)?,
                    (auth_store::shows_name(conn, user_id)?, !under_13),
                    Some(crate::awards::summer::of_youth(
                        conn, &of_city, user_id, today, locale,
                    )?),
                    private_awards,
                )
            } else {
                (
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    (false, false),
                    None,
                    Vec::new(),
                )
            };
            let mut children = Vec::new();
            if is_parent {
                for child in auth_store::children_of(conn, user_id)? {
                    let listed = store::list_for_recipient(conn, city_id, child.id)?;
                    let awards = crate::family::handoff::without_reissued(conn, listed)?;
                    let custody = crate::family::handoff::for_guardian(conn, child.id)?;
                    let submissions = crate::review::store::of_youth(conn, city_id, child.id)?;
                    let pathways = crate::pathways::store::progress(conn, city_id, child.id)?;
                    let under_13 = auth_store::is_under_13(conn, child.id, today)?;
                    let shows_name = auth_store::shows_name(conn, child.id)?;
                    let has_email = auth_store::email_of(conn, child.id)?.0.is_some();
                    let summer =
                        crate::awards::summer::of_youth(conn, &of_city, child.id, today, locale)?;
                    let public_awards = crate::family::display::approved_of(conn, child.id)?;
                    children.push(ChildBadges {
                        custody,
                        has_email,
                        summer,
                        public_awards,
                        child,
                        awards,
                        submissions,
                        pathways,
                        under_13,
                        shows_name,
                    });
                }
            }
            let staff_of = orgs::store::list_for_staff(conn, city_id, user_id)?;
            let invitations = orgs::store::invitations_for(conn, user_id)?;
            let partner = (
                orgs::store::applied_by(conn, city_id, user_id)?,
                auth_store::email_of(conn, user_id)?,
                auth_store::notifications_off(conn, user_id)?,
                is_parent && crate::family::digest::is_off(conn, user_id)?,
            );
            let family = if is_youth {
                let now = Utc::now().naive_utc();
                (
                    crate::family::consent::pending_of(conn, user_id)?,
                    crate::family::link_codes::live_until(conn, user_id, now)?,
                    crate::family::handoff::for_youth(conn, user_id, today)?,
                )
            } else {
                (None, None, Default::default())
            };
            Ok((mine, children, staff_of, invitations, partner, family))
        })
        .await?;
    page(&MyPage {
        family_digest_off,
        private_awards,
        chrome: chrome.in_city(&city.slug, &city.name),
        is_coordinator: access.is_coordinator(),
        city,
        me,
        is_youth,
        awards,
        submissions,
        pathways,
        children,
        summer,
        notifications_off: quiet,
        shows_name,
        decides_name,
        staff_of,
        invitations,
        applications,
        email_verified: my_email.1,
        my_email: my_email.0,
        pending,
        link_code_until,
        is_parent,
        handoff,
        share_base: state.base_url(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NotificationsForm {
    off: String,
}

/// `POST /c/{city}/me/notifications`: turns this person's e-mail off (`off=1`) or back on.
pub async fn notifications(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    CsrfForm(form): CsrfForm<NotificationsForm>,
) -> Result<HttpResponse, AppError> {
    let off = form.off == "1";
    let user = access.user.id;
    state
        .db
        .run(move |conn| Ok(auth_store::set_notifications_off(conn, user, off)?))
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/me#notifications", access.city.slug),
        Flash::success(
            if off {
                "flash.notifications_off"
            } else {
                "flash.notifications_on"
            },
            "",
        ),
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    show: String,
}

/// `POST /c/{city}/me/name`: a youth of 13 or over lets their name show on the public pages of
/// their badges (`show=1`) or hides it; under 13 a parent decides (403).
pub async fn name_display(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<HttpResponse, AppError> {
    if !access.has_city_role(CityRole::Youth) {
        return Err(AppError::Forbidden);
    }
    let (user, show, today) = (access.user.id, form.show == "1", state.clock.today());
    let allowed = state
        .db
        .run(move |conn| {
            if auth_store::is_under_13(conn, user, today)? {
                return Ok(false);
            }
            auth_store::set_shows_name(conn, user, show)?;
            Ok(true)
        })
        .await?;
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(redirect_with(
        &format!("/c/{}/me#name-display", access.city.slug),
        Flash::success(
            if show {
                "flash.name_shown"
            } else {
                "flash.name_hidden"
            },
            "",
        ),
    ))
}

/// `POST /c/{city}/me/children/{child}/name`: a parent decides for a child under 13 (a child
/// of 13 or over decides for themself: 403; someone else's child: 404).
pub async fn child_name_display(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<HttpResponse, AppError> {
    let (_, child) = path.into_inner();
    let (parent, show, today) = (access.user.id, form.show == "1", state.clock.today());
    let outcome = state
        .db
        .run(move |conn| {
            let youth = match crate::family::young_child_of(conn, parent, &child, today) {
                Ok(youth) => youth,
                Err(refusal) => return Ok(Err(refusal)),
            };
            auth_store::set_shows_name(conn, youth.id, show)?;
            Ok(Ok(youth.display_name))
        })
        .await?;
    let name = outcome?;
    Ok(redirect_with(
        &format!("/c/{}/me#children", access.city.slug),
        Flash::success(
            if show {
                "flash.child_name_shown"
            } else {
                "flash.child_name_hidden"
            },
            &name,
        ),
    ))
}
