//! How an organization joins a city: a staff member applies (the organization is created
//! `pending`, with the applicant as its admin, and the city's coordinators are e-mailed); a
//! coordinator approves or declines it once, with a message that is e-mailed to the contact
//! address and the applicant. Each step is one transaction with its audit record and its mail.

use askama::Template;
use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::OrgRole;
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::fields::Slug;
use crate::notify::{self, EmailFrame, Mail};
use crate::orgs::membership::may_hold_staff_role;
use crate::orgs::profile::OrgProfile;
use crate::orgs::store::{self, Application, NewOrg};
use crate::orgs::{Org, OrgStatus};
use crate::tenancy::City;

/// Why an application cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyRefused {
    /// Only staff accounts run organizations (not youth or parents).
    NotAStaffAccount,
}

/// A coordinator's answer to an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Decline,
}

impl Decision {
    pub fn status(self) -> OrgStatus {
        match self {
            Decision::Approve => OrgStatus::Approved,
            Decision::Decline => OrgStatus::Declined,
        }
    }
}

/// Why a decision cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionRefused {
    /// The application was decided already (or the organization never applied): its status.
    NotPending(OrgStatus),
}

/// A slug for `name` that no organization of the city has yet (`museum`, `museum-2`, …).
fn free_slug(conn: &mut DbConnection, city: &City, name: &str) -> Result<Slug, AppError> {
    let base = Slug::from_name(name)
        .map(|s| s.as_str().chars().take(36).collect::<String>())
        .map(|s| s.trim_end_matches('-').to_string())
        .filter(|s| s.len() >= 2)
        // `/partners/apply` is the application form, not an organization.
        .filter(|s| s != "apply")
        .unwrap_or_else(|| "partner".to_string());
    for n in 1..=50 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let slug =
            Slug::parse(&candidate).map_err(|_| AppError::BadRequest("error.bad_request"))?;
        if store::slug_free(conn, city.id, slug.as_str())? {
            return Ok(slug);
        }
    }
    Err(AppError::Conflict("partners.slug_exhausted"))
}

/// Creates organization `profile` in `city` as an application of `applicant`, who becomes its
/// admin; the city's coordinators are told by e-mail. One transaction.
pub fn apply(
    conn: &mut DbConnection,
    city: &City,
    profile: &OrgProfile,
    applicant: &CurrentUser,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Result<Org, ApplyRefused>, AppError> {
    if may_hold_staff_role(applicant.kind).is_err() {
        return Ok(Err(ApplyRefused::NotAStaffAccount));
    }
    conn.transaction(|conn| {
        let slug = free_slug(conn, city, &profile.name)?;
        let id = store::insert(
            conn,
            city.id,
            &NewOrg {
                slug: slug.as_str(),
                name: &profile.name,
                description: &profile.description,
                website: &profile.website,
            },
            now,
        )?;
        store::set_profile(conn, city.id, id, profile)?;
        store::mark_applied(conn, id, applicant.id)?;
        store::add_member(conn, city.id, id, applicant.id, OrgRole::Admin, now)?;
        let org = store::find(conn, id)?;
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city.id),
                org: Some(id),
                action: AuditAction::OrgApplied,
                target: org.slug.clone(),
                detail: json!({
                    "name": org.name,
                    "kind": org.kind.as_str(),
                    "applicant": applicant.username,
                }),
                at: now,
            },
        )?;
        let review = format!("{base_url}/c/{}/partners/{}", city.slug, org.slug);
        for (to, locale) in store::coordinator_contacts(conn, city.id)? {
            let locale = city.locale_for(locale.as_deref());
            let mail = ApplicationMail {
                locale,
                org_name: &org.name,
                kind: crate::i18n::t(locale, org.kind.label_key()),
                city_name: &city.name,
                applicant: &applicant.display_name,
                url: &review,
            };
            let text = ApplicationText { m: &mail };
            let html = ApplicationHtml {
                m: &mail,
                frame: EmailFrame::new(&city.name, &city.brand_primary, locale),
            };
            let subject =
                crate::i18n::t_with(locale, "partners.mail_waiting_subject", "org", &org.name);
            let composed = Mail::compose(
                Some(city.id),
                "org.applied",
                &to,
                locale,
                subject,
                &text,
                &html,
            )?;
            notify::enqueue(conn, &composed, now)?;
        }
        Ok(Ok(org))
    })
}

/// Approves or declines the application of organization `slug` of `city` with `message`
/// (404 when the city has no such organization). Refused unless it is pending; the decision,
/// its record and its e-mails are one transaction.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut DbConnection,
    city: &City,
    slug: &str,
    decision: Decision,
    message: &str,
    decider: &CurrentUser,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Result<Application, DecisionRefused>, AppError> {
    conn.transaction(|conn| {
        let found = store::application(conn, city.id, slug)?.ok_or(AppError::NotFound)?;
        if found.org.status != OrgStatus::Pending {
            return Ok(Err(DecisionRefused::NotPending(found.org.status)));
        }
        let status = decision.status();
        let changed = store::set_decision(
            conn,
            city.id,
            found.org.id,
            status,
            message,
            decider.id,
            now,
        )?;
        if changed == 0 {
            // Decided by another coordinator between our read and our write.
            let now_status =
                store::status_of(conn, city.id, found.org.id)?.unwrap_or(OrgStatus::Pending);
            return Ok(Err(DecisionRefused::NotPending(now_status)));
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city.id),
                org: Some(found.org.id),
                action: match decision {
                    Decision::Approve => AuditAction::OrgApproved,
                    Decision::Decline => AuditAction::OrgDeclined,
                },
                target: found.org.slug.clone(),
                detail: json!({"name": found.org.name, "message": message}),
                at: now,
            },
        )?;
        mail_decision(conn, city, &found, decision, message, base_url, now)?;
        let decided = store::application(conn, city.id, slug)?.ok_or(AppError::NotFound)?;
        Ok(Ok(decided))
    })
}

/// Tells the organization's contact address and its applicant (once when they are the same
/// address) what was decided. The contact address has no language of its own: it gets the
/// applicant's, who filled in the application.
fn mail_decision(
    conn: &mut DbConnection,
    city: &City,
    application: &Application,
    decision: Decision,
    message: &str,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let applicant_locale = city.locale_for(application.applicant_locale.as_deref());
    let mut recipients: Vec<(String, &'static str)> = Vec::new();
    if let Some((_, Some(email))) = &application.applicant {
        recipients.push((email.clone(), applicant_locale));
    }
    let contact = application.org.contact_email.trim();
    if !contact.is_empty()
        && !recipients
            .iter()
            .any(|(e, _)| e.eq_ignore_ascii_case(contact))
    {
        recipients.push((contact.to_string(), applicant_locale));
    }
    let org = &application.org;
    let url = match decision {
        Decision::Approve => format!("{base_url}/c/{}/orgs/{}", city.slug, org.slug),
        Decision::Decline => format!("{base_url}/c/{}/partners/apply", city.slug),
    };
    for (to, locale) in recipients {
        let mail = DecisionMail {
            locale,
            org_name: &org.name,
            city_name: &city.name,
            message,
            url: &url,
        };
        let mail = match decision {
            Decision::Approve => Mail::compose(
                Some(city.id),
                "org.approved",
                &to,
                locale,
                crate::i18n::t_with(locale, "partners.mail_approved_subject", "org", &org.name),
                &ApprovedText { m: &mail },
                &ApprovedHtml {
                    m: &mail,
                    frame: EmailFrame::new(&city.name, &city.brand_primary, locale),
                },
            )?,
            Decision::Decline => Mail::compose(
                Some(city.id),
                "org.declined",
                &to,
                locale,
                crate::i18n::t_with(locale, "partners.mail_declined_subject", "org", &org.name),
                &DeclinedText { m: &mail },
                &DeclinedHtml {
                    m: &mail,
                    frame: EmailFrame::new(&city.name, &city.brand_primary, locale),
                },
            )?,
        };
        notify::enqueue(conn, &mail, now)?;
    }
    Ok(())
}

/// What the coordinators' mail about a new application says.
pub struct ApplicationMail<'a> {
    pub locale: &'static str,
    pub org_name: &'a str,
    pub kind: String,
    pub city_name: &'a str,
    pub applicant: &'a str,
    pub url: &'a str,
}

impl ApplicationMail<'_> {
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(self.locale, key)
    }
}

#[derive(Template)]
#[template(path = "email/org_application/body.txt")]
struct ApplicationText<'a> {
    m: &'a ApplicationMail<'a>,
}

#[derive(Template)]
#[template(path = "email/org_application/body.html")]
struct ApplicationHtml<'a> {
    m: &'a ApplicationMail<'a>,
    frame: EmailFrame,
}

/// What the mail about a decision says.
pub struct DecisionMail<'a> {
    pub locale: &'static str,
    pub org_name: &'a str,
    pub city_name: &'a str,
    pub message: &'a str,
    pub url: &'a str,
}

impl DecisionMail<'_> {
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(self.locale, key)
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        crate::i18n::t_with(self.locale, key, name, value)
    }
}

#[derive(Template)]
#[template(path = "email/org_approved/body.txt")]
struct ApprovedText<'a> {
    m: &'a DecisionMail<'a>,
}

#[derive(Template)]
#[template(path = "email/org_approved/body.html")]
struct ApprovedHtml<'a> {
    m: &'a DecisionMail<'a>,
    frame: EmailFrame,
}

#[derive(Template)]
#[template(path = "email/org_declined/body.txt")]
struct DeclinedText<'a> {
    m: &'a DecisionMail<'a>,
}

#[derive(Template)]
#[template(path = "email/org_declined/body.html")]
struct DeclinedHtml<'a> {
    m: &'a DecisionMail<'a>,
    frame: EmailFrame,
}
