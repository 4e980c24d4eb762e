//! The one way an award is made. Every path (a claim code, the partner API, and the ways still
//! to come) calls [`issue`] in its own transaction: it checks that the recipient may receive
//! the badge, writes the award, records it in the audit trail and queues the e-mail that tells
//! the youth (or, under 13, their parents), all or nothing. [`sign`] then signs the credential
//! through the signing service, after the commit (so a signer that is slow or down never holds
//! a transaction open; an unsigned award is signed on its first request instead).

use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store, CityRole};
use crate::awards::store::{self, NewAward};
use crate::awards::AwardMethod;
use crate::db::schema::{badges, organizations, parent_links, users};
use crate::db::{is_unique_violation, DbConnection};
use crate::error::AppError;
use crate::ids::{BadgeId, ClaimCodeId, OrgId, UserId};
use crate::notify::{self, EmailFrame, Mail};
use crate::state::AppState;
use crate::tenancy::City;

/// One award to make.
pub struct Issue<'a> {
    pub city: &'a City,
    pub org: OrgId,
    pub badge: BadgeId,
    pub recipient: UserId,
    pub method: AwardMethod,
    pub claim_code: Option<ClaimCodeId>,
    /// The OB 3.0 `evidence` of the credential (a JSON array), when the award has any.
    pub evidence: Option<String>,
    pub actor: &'a Actor,
    /// The site's address, for the link in the e-mail.
    pub base_url: &'a str,
    /// The demo's seeded history, or a re-issue that the event causing it records (the custody
    /// handoff at 13, `family::handoff`): the award is written as any other, but no audit event
    /// of its own is recorded, no e-mail is sent and it completes no pathway.
    pub seeded: bool,
    pub now: NaiveDateTime,
}

/// Why an award was not made.
#[derive(Debug)]
pub enum IssueError {
    /// The recipient is not an active youth of the city (or waits for a parent's consent).
    NotEligible,
    /// The recipient holds the badge already (a revoked award does not count).
    AlreadyHeld,
    /// The badge is not one of this organization in this city.
    UnknownBadge,
    Database(diesel::result::Error),
    Mail(AppError),
}

impl From<diesel::result::Error> for IssueError {
    fn from(e: diesel::result::Error) -> Self {
        IssueError::Database(e)
    }
}

impl From<IssueError> for AppError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::NotEligible => AppError::Conflict("error.not_eligible"),
            IssueError::AlreadyHeld => AppError::Conflict("error.already_awarded"),
            IssueError::UnknownBadge => AppError::NotFound,
            IssueError::Database(e) => e.into(),
            IssueError::Mail(e) => e,
        }
    }
}

/// What was made.
#[derive(Debug, Clone)]
pub struct Issued {
    pub public_id: String,
    pub badge_slug: String,
    pub badge_name: String,
}

/// Makes the award of `issue`, in a transaction of its own (a savepoint inside the caller's).
pub fn issue(conn: &mut DbConnection, issue: &Issue<'_>) -> Result<Issued, IssueError> {
    conn.transaction(|conn| {
        // A write first: on SQLite a transaction that reads before it writes cannot wait for
        // another writer (it fails as busy at once), and on PostgreSQL the row lock makes one
        // organization's awards wait for each other between the check and the insert.
        diesel::update(organizations::table.filter(organizations::id.eq(issue.org.0)))
            .set(organizations::next_status_index.eq(organizations::next_status_index))
            .execute(conn)?;
        let badge: Option<(String, String)> = badges::table
            .filter(badges::id.eq(issue.badge.0))
            .filter(badges::city_id.eq(issue.city.id.0))
            .filter(badges::org_id.eq(issue.org.0))
            .select((badges::slug, badges::name))
            .first(conn)
            .optional()?;
        let (badge_slug, badge_name) = badge.ok_or(IssueError::UnknownBadge)?;
        let recipient =
            auth_store::find_user(conn, issue.recipient)?.ok_or(IssueError::NotEligible)?;
        let is_youth = auth_store::roles_in_city(conn, issue.city.id, recipient.id)?
            .0
            .contains(&CityRole::Youth);
        if !is_youth || recipient.awaiting_consent() {
            return Err(IssueError::NotEligible);
        }
        if store::has_badge(conn, issue.badge, recipient.id)? {
            return Err(IssueError::AlreadyHeld);
        }
        let public_id = store::insert(
            conn,
            &NewAward {
                city: issue.city.id,
                org: issue.org,
                badge: issue.badge,
                recipient: recipient.id,
                method: issue.method,
                claim_code: issue.claim_code,
                evidence: issue.evidence.clone(),
            },
            issue.now,
        )
        .map_err(|e| {
            // The same badge given to the same youth at the same moment: the other one won.
            if is_unique_violation(&e) {
                IssueError::AlreadyHeld
            } else {
                IssueError::Database(e)
            }
        })?;
        if issue.seeded {
            return Ok(Issued {
                public_id,
                badge_slug,
                badge_name,
            });
        }
        audit::record(
            conn,
            &AuditEvent {
                actor: issue.actor,
                city: Some(issue.city.id),
                org: Some(issue.org),
                action: AuditAction::AwardIssued,
                target: public_id.clone(),
                detail: json!({
                    "badge": badge_slug,
                    "recipient": recipient.username,
                    "method": issue.method.as_str(),
                }),
                at: issue.now,
            },
        )?;
        let url = format!(
            "{}/c/{}/awards/{public_id}",
            issue.base_url, issue.city.slug
        );
        tell(
            conn,
            issue.city,
            &recipient,
            &Notice::Earned {
                badge_name: &badge_name,
                url: &url,
            },
            issue.now,
        )
        .map_err(IssueError::Mail)?;
        // The pathways this award completes give their badges now (signed on first request).
        if issue.method != AwardMethod::Pathway {
            crate::pathways::store::complete(
                conn,
                issue.city,
                recipient.id,
                Some(issue.badge),
                issue.actor,
                issue.base_url,
                false,
                issue.now,
            )?;
        }
        Ok(Issued {
            public_id,
            badge_slug,
            badge_name,
        })
    })
}

/// Signs the award's credential through the signing service, now that the award is committed.
/// A failure is logged, not returned: the award stands and is signed on its first request.
pub async fn sign(state: &AppState, city: &City, public_id: &str) {
    let base = state.base_url();
    if let Err(e) = crate::awards::credential::ensure(state, &base, city, public_id).await {
        tracing::warn!(error = %e, award.public_id = %public_id, "credential not signed yet");
    }
}

/// Signs many committed awards through the signing service, a few at once; answers how many
/// could not be signed now (each is signed on its first request instead).
pub async fn sign_all(
    db: &crate::db::Db,
    signer: &crate::signing::service::SigningService,
    base: &str,
    city: &City,
    public_ids: &[String],
) -> usize {
    use futures_util::StreamExt;
    futures_util::stream::iter(public_ids)
        .map(|public_id| async move {
            crate::awards::credential::ensure_with(db, signer, base, city, public_id)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, award.public_id = %public_id, "credential not signed yet")
                })
                .is_err()
        })
        .buffer_unordered(4)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await
}

/// Who is told of a youth's award: the youth at their own address from 13 on; under 13 (or
/// with no address of their own), each linked parent with one. Whoever turned notifications
/// off is told nothing. (address, locale, to a parent?)
fn told_of(
    conn: &mut DbConnection,
    city: &City,
    youth: UserId,
    today: NaiveDate,
) -> QueryResult<Vec<(String, &'static str, bool)>> {
    type Row = (Option<String>, Option<NaiveDate>, Option<String>, bool);
    let (email, birth_date, locale, quiet): Row = users::table
        .filter(users::id.eq(youth.0))
        .select((
            users::email,
            users::birth_date,
            users::locale,
            users::notifications_off,
        ))
        .first(conn)?;
    let under_13 = birth_date.is_some_and(|born| crate::fields::age_on(born, today) < 13);
    let locale_of = |l: Option<String>| city.locale_for(l.as_deref());
    if let (Some(email), false) = (email, under_13) {
        if quiet {
            return Ok(Vec::new());
        }
        return Ok(vec![(email, locale_of(locale), false)]);
    }
    Ok(parents_told(conn, city, youth)?
        .into_iter()
        .map(|(email, locale)| (email, locale, true))
        .collect())
}

/// Each linked parent of `youth` with an address who has not turned notifications off:
/// (address, locale).
pub fn parents_told(
    conn: &mut DbConnection,
    city: &City,
    youth: UserId,
) -> QueryResult<Vec<(String, &'static str)>> {
    let parents: Vec<(Option<String>, Option<String>)> = parent_links::table
        .inner_join(users::table.on(users::id.eq(parent_links::parent_id)))
        .filter(parent_links::youth_id.eq(youth.0))
        .filter(users::notifications_off.eq(false))
        .select((users::email, users::locale))
        .load(conn)?;
    Ok(parents
        .into_iter()
        .filter_map(|(email, locale)| email.map(|e| (e, city.locale_for(locale.as_deref()))))
        .collect())
}

/// What a youth (or their parents) is told of.
pub enum Notice<'a> {
    Earned {
        badge_name: &'a str,
        url: &'a str,
    },
    Revoked {
        badge_name: &'a str,
        reason: &'a str,
        url: &'a str,
    },
    /// A mentor asked for changes to the work submitted for the badge.
    ChangesRequested {
        badge_name: &'a str,
        feedback: &'a str,
        url: &'a str,
    },
    /// A mentor declined the work submitted for the badge.
    Declined {
        badge_name: &'a str,
        feedback: &'a str,
        url: &'a str,
    },
}

/// Queues the e-mail of `notice` to whoever is told of `youth`'s awards (see [`told_of`]), in
/// the caller's transaction.
pub fn tell(
    conn: &mut DbConnection,
    city: &City,
    youth: &crate::auth::CurrentUser,
    notice: &Notice<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (kind, badge_name, reason, url) = match notice {
        Notice::Earned { badge_name, url } => ("awards.earned", *badge_name, "", *url),
        Notice::Revoked {
            badge_name,
            reason,
            url,
        } => ("awards.revoked", *badge_name, *reason, *url),
        Notice::ChangesRequested {
            badge_name,
            feedback,
            url,
        } => ("reviews.changes_requested", *badge_name, *feedback, *url),
        Notice::Declined {
            badge_name,
            feedback,
            url,
        } => ("reviews.declined", *badge_name, *feedback, *url),
    };
    for (to, locale, for_parent) in told_of(conn, city, youth.id, now.date())? {
        let mail = NoticeMail {
            locale,
            kind,
            badge_name,
            child_name: &youth.display_name,
            for_parent,
            reason,
            url,
        };
        let composed = Mail::compose(
            Some(city.id),
            kind,
            &to,
            locale,
            mail.subject(),
            &NoticeText { m: &mail },
            &NoticeHtml {
                m: &mail,
                frame: EmailFrame::new(&city.name, &city.brand_primary, locale),
            },
        )?;
        notify::enqueue(conn, &composed, now)?;
    }
    Ok(())
}

/// What an award e-mail says.
pub struct NoticeMail<'a> {
    pub locale: &'static str,
    /// `awards.earned`, `awards.revoked`, `reviews.changes_requested` or `reviews.declined`
    /// (what the mail viewer shows).
    pub kind: &'static str,
    pub badge_name: &'a str,
    pub child_name: &'a str,
    pub for_parent: bool,
    pub reason: &'a str,
    pub url: &'a str,
}

impl NoticeMail<'_> {
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(self.locale, key)
    }

    /// `award_mail.{earned|revoked|changes|declined}_{part}`, or `…_parent_{part}` to a parent.
    fn text(&self, part: &str) -> String {
        let who = if self.for_parent { "parent_" } else { "" };
        let which = match self.kind {
            "reviews.changes_requested" => "changes",
            "reviews.declined" => "declined",
            kind => kind.trim_start_matches("awards."),
        };
        let key = format!("award_mail.{which}_{who}{part}");
        crate::i18n::t_with(self.locale, &key, "badge", self.badge_name)
            .replace("%{child}", self.child_name)
    }

    pub fn subject(&self) -> String {
        self.text("subject")
    }

    /// The opening line: to the youth, or to a parent naming their child.
    pub fn intro(&self) -> String {
        self.text("intro")
    }

    /// The reason of a revocation (or a mentor's feedback), introduced.
    pub fn reason_line(&self) -> String {
        let key = if self.kind.starts_with("reviews.") {
            "award_mail.feedback"
        } else {
            "award.revoked_reason"
        };
        crate::i18n::t_with(self.locale, key, "reason", self.reason)
    }

    /// What the button of the mail says.
    pub fn action(&self) -> String {
        self.t(if self.kind.starts_with("reviews.") {
            "award_mail.open_submission"
        } else {
            "award.mail_action"
        })
    }
}

#[derive(Template)]
#[template(path = "email/award_notice/body.txt")]
struct NoticeText<'a> {
    m: &'a NoticeMail<'a>,
}

#[derive(Template)]
#[template(path = "email/award_notice/body.html")]
struct NoticeHtml<'a> {
    m: &'a NoticeMail<'a>,
    frame: EmailFrame,
}
