//! The custody handoff at 13. A child who signed up under 13 was in their guardians' custody
//! (a parent consented, and is linked to them). From their 13th birthday (by the app's clock)
//! the youth may ask to take the account over, with a password of their own and, if they like,
//! an e-mail; a linked guardian consents or declines. Only with both does the handoff happen,
//! in one transaction:
//! - the youth's new password replaces the old one (which the guardian may know), the address
//!   they gave becomes theirs (a verification link is sent), and every session of the youth ends;
//! - each award the youth holds is re-issued to a fresh opaque identifier of their own, through
//!   the one issuance path (`awards::issuance`), keeping the day it was earned and the badge's
//!   version; the guardian-era copy is revoked with a reason that says so;
//! - the guardians stop managing the account (its password, its public display); they stay
//!   linked as followers only when the youth chose so, and are unlinked otherwise;
//! - the handoff is logged in the audit trail with both parties, by id only.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store as auth_store;
use crate::auth::CurrentUser;
use crate::awards::issuance::{self, Issue};
use crate::awards::recipient;
use crate::awards::{AwardMethod, AwardView};
use crate::db::schema::{
    awards, claim_redemptions, custody_handoffs, custody_reissues, parent_links, parental_consents,
    submissions, users,
};
use crate::db::{is_unique_violation, DbConnection};
use crate::error::AppError;
use crate::ids::{CityId, UserId};
use crate::tenancy::City;

const PENDING: &str = "pending";
const COMPLETED: &str = "completed";
const DECLINED: &str = "declined";

/// Where a youth stands, as their own page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YouthHandoff {
    /// 13 or over and still in their guardians' custody: "Take over your account" is offered.
    pub offered: bool,
    /// Asked, and waiting for a guardian: since when.
    pub waiting_since: Option<NaiveDateTime>,
    /// The last request was declined: when.
    pub declined_at: Option<NaiveDateTime>,
    /// The account was handed over: when.
    pub handed_over_at: Option<NaiveDateTime>,
}

/// A child as their guardian's page shows the handoff.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChildCustody {
    /// The child asks to take over their account: since when, and whether they let their
    /// guardians go on following them.
    pub asked_at: Option<NaiveDateTime>,
    pub guardians_follow: bool,
    /// The child took their account over: the guardian follows only.
    pub handed_over_at: Option<NaiveDateTime>,
}

impl YouthHandoff {
    /// A day of this handoff, as people write it in `locale`.
    pub fn day(&self, locale: &str, at: &Option<NaiveDateTime>) -> String {
        at.map(|at| crate::i18n::dates::full(locale, at.date()))
            .unwrap_or_default()
    }
}

impl ChildCustody {
    /// The day the child asked, as people write it in `locale`.
    pub fn asked_day(&self, locale: &str) -> String {
        self.asked_at
            .map(|at| crate::i18n::dates::full(locale, at.date()))
            .unwrap_or_default()
    }

    /// Whether the guardian still manages the account (its password).
    pub fn manages(&self) -> bool {
        self.handed_over_at.is_none()
    }
}

/// What a youth asks with.
pub struct Ask {
    pub email: Option<String>,
    pub password_hash: String,
    pub guardians_follow: bool,
}

/// Why a request is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AskRefused {
    /// Under 13 by the clock: nothing to take over yet.
    TooYoung,
    /// Never in guardians' custody (signed up at 13 or over), or already handed over.
    NotInCustody,
    /// A request waits for a guardian already.
    AlreadyWaiting,
    /// The e-mail belongs to another account.
    EmailTaken,
}

/// What a guardian decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Consent,
    Decline,
}

/// Why a decision is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecideRefused {
    /// Not this guardian's child, or no request waits: answered 404.
    NothingToDecide,
    /// The child's chosen e-mail was taken by another account since they asked (nothing is
    /// changed; the child asks again with another).
    EmailTaken,
}

/// What a decision did.
#[derive(Clone, Debug)]
pub enum Decided {
    HandedOver {
        /// Each city of re-issued awards with the new public ids, to sign once committed.
        reissued: Vec<(City, Vec<String>)>,
    },
    Declined,
}

/// Whether `youth` was put in guardians' custody (a parent consented for them under 13), is
/// still linked to a guardian, and has not taken the account over.
pub fn in_custody(conn: &mut DbConnection, youth: UserId) -> QueryResult<bool> {
    Ok(given_into_custody(conn, youth)? && handed_over_at(conn, youth)?.is_none())
}

/// Whether a parent consented for `youth` under 13 and a guardian is still linked to them
/// (whether the account was handed over since is [`handed_over_at`]'s to say).
fn given_into_custody(conn: &mut DbConnection, youth: UserId) -> QueryResult<bool> {
    let consented: bool = diesel::select(diesel::dsl::exists(
        parental_consents::table.filter(parental_consents::youth_id.eq(youth.0)),
    ))
    .get_result(conn)?;
    Ok(consented && auth_store::has_parent(conn, youth)?)
}

/// When `youth` took their account over, if they did.
pub fn handed_over_at(
    conn: &mut DbConnection,
    youth: UserId,
) -> QueryResult<Option<NaiveDateTime>> {
    custody_handoffs::table
        .filter(custody_handoffs::youth_id.eq(youth.0))
        .filter(custody_handoffs::outcome.eq(COMPLETED))
        .select(custody_handoffs::decided_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Whether `parent` manages `youth`'s account: linked to them, and the youth has not taken it
/// over (after a handoff a guardian may follow, never manage).
pub fn manages(conn: &mut DbConnection, parent: UserId, youth: UserId) -> QueryResult<bool> {
    Ok(auth_store::is_parent_of(conn, parent, youth)? && handed_over_at(conn, youth)?.is_none())
}

/// The latest request of `youth`: (id, outcome, requested at, decided at, guardians follow).
type RequestRow = (i64, String, NaiveDateTime, Option<NaiveDateTime>, bool);

fn latest_request(conn: &mut DbConnection, youth: UserId) -> QueryResult<Option<RequestRow>> {
    custody_handoffs::table
        .filter(custody_handoffs::youth_id.eq(youth.0))
        .order(custody_handoffs::id.desc())
        .select((
            custody_handoffs::id,
            custody_handoffs::outcome,
            custody_handoffs::requested_at,
            custody_handoffs::decided_at,
            custody_handoffs::guardians_follow,
        ))
        .first(conn)
        .optional()
}

/// What the youth's own page says of the handoff on `today`.
pub fn for_youth(
    conn: &mut DbConnection,
    youth: UserId,
    today: NaiveDate,
) -> QueryResult<YouthHandoff> {
    if let Some(at) = handed_over_at(conn, youth)? {
        return Ok(YouthHandoff {
            handed_over_at: Some(at),
            ..YouthHandoff::default()
        });
    }
    if auth_store::is_under_13(conn, youth, today)? || !given_into_custody(conn, youth)? {
        return Ok(YouthHandoff::default());
    }
    let latest = latest_request(conn, youth)?;
    Ok(match latest {
        Some((_, outcome, at, _, _)) if outcome == PENDING => YouthHandoff {
            waiting_since: Some(at),
            ..YouthHandoff::default()
        },
        Some((_, outcome, _, decided, _)) if outcome == DECLINED => YouthHandoff {
            offered: true,
            declined_at: decided,
            ..YouthHandoff::default()
        },
        _ => YouthHandoff {
            offered: true,
            ..YouthHandoff::default()
        },
    })
}

/// What `parent`'s page says of the handoff of `child` (one of theirs).
pub fn for_guardian(conn: &mut DbConnection, child: UserId) -> QueryResult<ChildCustody> {
    Ok(match latest_request(conn, child)? {
        // A completed request is the latest: once the account is theirs, `may_ask` refuses
        // the youth any other.
        Some((_, outcome, _, Some(at), _)) if outcome == COMPLETED => ChildCustody {
            handed_over_at: Some(at),
            guardians_follow: true,
            ..ChildCustody::default()
        },
        Some((_, outcome, at, _, follow)) if outcome == PENDING => ChildCustody {
            asked_at: Some(at),
            guardians_follow: follow,
            handed_over_at: None,
        },
        _ => ChildCustody::default(),
    })
}

/// Whether the youth may ask on `today`, and why not.
pub fn may_ask(
    conn: &mut DbConnection,
    youth: UserId,
    today: NaiveDate,
) -> QueryResult<Result<(), AskRefused>> {
    if !in_custody(conn, youth)? {
        return Ok(Err(AskRefused::NotInCustody));
    }
    if auth_store::is_under_13(conn, youth, today)? {
        return Ok(Err(AskRefused::TooYoung));
    }
    if matches!(latest_request(conn, youth)?, Some((_, outcome, ..)) if outcome == PENDING) {
        return Ok(Err(AskRefused::AlreadyWaiting));
    }
    Ok(Ok(()))
}

/// The youth asks to take over their account; their guardians see it on their page, and each
/// with an e-mail (and notifications on) is told.
#[allow(clippy::too_many_arguments)]
pub fn ask(
    conn: &mut DbConnection,
    city: &City,
    base_url: &str,
    youth: &CurrentUser,
    ask: &Ask,
    actor: &Actor,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Result<(), AskRefused>, AppError> {
    conn.transaction(|conn| {
        if let Err(why) = may_ask(conn, youth.id, today)? {
            return Ok(Err(why));
        }
        if let Some(email) = &ask.email {
            if email_used_by_another(conn, email, youth.id)? {
                return Ok(Err(AskRefused::EmailTaken));
            }
        }
        let inserted = diesel::insert_into(custody_handoffs::table)
            .values((
                custody_handoffs::youth_id.eq(youth.id.0),
                custody_handoffs::city_id.eq(city.id.0),
                custody_handoffs::requested_at.eq(now),
                custody_handoffs::guardians_follow.eq(ask.guardians_follow),
                custody_handoffs::new_email.eq(&ask.email),
                custody_handoffs::new_password_hash.eq(&ask.password_hash),
                custody_handoffs::outcome.eq(PENDING),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => {}
            // Asked at the same moment from another tab: the first one stands.
            Err(e) if is_unique_violation(&e) => return Ok(Err(AskRefused::AlreadyWaiting)),
            Err(e) => return Err(e.into()),
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city.id),
                org: None,
                action: AuditAction::CustodyHandoffAsked,
                target: format!("user:{}", youth.id),
                detail: json!({ "youth": youth.id.0, "guardians_follow": ask.guardians_follow }),
                at: now,
            },
        )?;
        tell_guardians(conn, city, base_url, youth, now)?;
        Ok(Ok(()))
    })
}

/// Queues, to each guardian of `youth` with an e-mail and notifications on, word of the
/// request and a link to their page, where they decide.
fn tell_guardians(
    conn: &mut DbConnection,
    city: &City,
    base_url: &str,
    youth: &CurrentUser,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let guardians: Vec<(Option<String>, Option<String>)> = parent_links::table
        .inner_join(users::table.on(users::id.eq(parent_links::parent_id)))
        .filter(parent_links::youth_id.eq(youth.id.0))
        .filter(users::notifications_off.eq(false))
        .select((users::email, users::locale))
        .load(conn)?;
    for (email, locale) in guardians {
        let Some(email) = email else { continue };
        let locale = city.locale_for(locale.as_deref());
        let t = |key: &str| crate::i18n::t(locale, key).replace("%{name}", &youth.display_name);
        let words = crate::notify::link::LinkWords {
            subject: t("handoff.mail.subject"),
            before: vec![t("handoff.mail.intro"), t("handoff.mail.what")],
            action: t("handoff.mail.action"),
            link: format!("{base_url}/c/{}/me#children", city.slug),
            after: vec![t("handoff.mail.not_yet")],
        };
        let mail = crate::notify::link::compose(
            Some(city.id),
            "family.handoff_asked",
            &email,
            crate::notify::EmailFrame::new(&city.name, &city.brand_primary, locale),
            &words,
        )?;
        crate::notify::enqueue(conn, &mail, now)?;
    }
    Ok(())
}

fn email_used_by_another(conn: &mut DbConnection, email: &str, youth: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::email.eq(email))
            .filter(users::id.ne(youth.0)),
    ))
    .get_result(conn)
}

/// A guardian decides on the waiting request of `youth`, their child. Consenting hands the
/// account over; declining closes the request (the youth may ask again).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut DbConnection,
    parent: &CurrentUser,
    youth: &CurrentUser,
    decision: Decision,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Result<Decided, DecideRefused>, AppError> {
    conn.transaction(|conn| {
        if !manages(conn, parent.id, youth.id)? {
            return Ok(Err(DecideRefused::NothingToDecide));
        }
        type Pending = (i64, i64, bool, Option<String>, Option<String>);
        let pending: Option<Pending> = custody_handoffs::table
            .filter(custody_handoffs::youth_id.eq(youth.id.0))
            .filter(custody_handoffs::outcome.eq(PENDING))
            .select((
                custody_handoffs::id,
                custody_handoffs::city_id,
                custody_handoffs::guardians_follow,
                custody_handoffs::new_email,
                custody_handoffs::new_password_hash,
            ))
            .first(conn)
            .optional()?;
        let Some((request, city, follow, email, password_hash)) = pending else {
            return Ok(Err(DecideRefused::NothingToDecide));
        };
        if decision == Decision::Consent {
            if let Some(email) = &email {
                if email_used_by_another(conn, email, youth.id)? {
                    return Ok(Err(DecideRefused::EmailTaken));
                }
            }
        }
        // The request is closed first: of two guardians deciding at once, one decides.
        let outcome = match decision {
            Decision::Consent => COMPLETED,
            Decision::Decline => DECLINED,
        };
        let closed = diesel::update(
            custody_handoffs::table
                .find(request)
                .filter(custody_handoffs::outcome.eq(PENDING)),
        )
        .set((
            custody_handoffs::outcome.eq(outcome),
            custody_handoffs::decided_at.eq(now),
            custody_handoffs::decided_by.eq(parent.id.0),
            custody_handoffs::new_password_hash.eq(None::<String>),
        ))
        .execute(conn)?;
        if closed != 1 {
            return Ok(Err(DecideRefused::NothingToDecide));
        }
        let city = CityId(city);
        if decision == Decision::Decline {
            audit::record(
                conn,
                &AuditEvent {
                    actor,
                    city: Some(city),
                    org: None,
                    action: AuditAction::CustodyHandoffDeclined,
                    target: format!("user:{}", youth.id),
                    detail: json!({ "youth": youth.id.0, "guardian": parent.id.0 }),
                    at: now,
                },
            )?;
            return Ok(Ok(Decided::Declined));
        }
        let reissued = reissue_all(conn, request, youth, actor, base_url, now)?;
        let password_hash = password_hash.ok_or(AppError::NotFound)?;
        auth_store::set_password_hash(conn, youth.id, &password_hash)?;
        if let Some(email) = &email {
            diesel::update(users::table.find(youth.id.0))
                .set((
                    users::email.eq(email),
                    users::email_verified_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            crate::auth::recovery::send(
                conn,
                youth,
                email,
                crate::auth::recovery::Purpose::VerifyEmail,
                base_url,
                now,
            )?;
        }
        if !follow {
            diesel::delete(parent_links::table.filter(parent_links::youth_id.eq(youth.id.0)))
                .execute(conn)?;
        }
        let pairs: Vec<serde_json::Value> = reissued
            .iter()
            .map(|r| json!({ "old": r.old_public_id, "new": r.new_public_id }))
            .collect();
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city),
                org: None,
                action: AuditAction::CustodyHandedOver,
                target: format!("user:{}", youth.id),
                detail: json!({
                    "youth": youth.id.0,
                    "guardian": parent.id.0,
                    "guardians_follow": follow,
                    "reissued": pairs,
                }),
                at: now,
            },
        )?;
        let mut by_city: Vec<(City, Vec<String>)> = Vec::new();
        for r in reissued {
            match by_city.iter_mut().find(|(city, _)| city.id == r.city.id) {
                Some((_, ids)) => ids.push(r.new_public_id),
                None => by_city.push((r.city, vec![r.new_public_id])),
            }
        }
        Ok(Ok(Decided::HandedOver { reissued: by_city }))
    })
}

struct Reissued {
    city: City,
    old_public_id: String,
    new_public_id: String,
}

/// An award the youth holds, as it is re-issued.
#[derive(Queryable)]
struct Held {
    id: i64,
    public_id: String,
    city_id: i64,
    org_id: i64,
    badge_id: i64,
    method: String,
    claim_code_id: Option<i64>,
    awarded_at: NaiveDateTime,
    badge_version: Option<i32>,
    evidence: Option<String>,
}

/// Re-issues every award `youth` holds to a fresh identifier of theirs; the guardian-era copies
/// are revoked, and keep the identifier they were signed (or are to be signed) with.
fn reissue_all(
    conn: &mut DbConnection,
    request: i64,
    youth: &CurrentUser,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Vec<Reissued>, AppError> {
    let old_identifier = crate::awards::store::recipient_identifier_of(conn, youth.id)?;
    // Copies not signed yet are signed, on their first request, for the guardian era.
    diesel::update(
        awards::table
            .filter(awards::recipient_id.eq(youth.id.0))
            .filter(awards::recipient_identifier.is_null())
            .filter(awards::credential.is_null()),
    )
    .set(awards::recipient_identifier.eq(&old_identifier))
    .execute(conn)?;
    let new_identifier = recipient::new_identifier();
    diesel::update(users::table.find(youth.id.0))
        .set(users::recipient_identifier.eq(&new_identifier))
        .execute(conn)?;
    let mut held: Vec<Held> = awards::table
        .filter(awards::recipient_id.eq(youth.id.0))
        .filter(awards::revoked_at.is_null())
        .order(awards::id.asc())
        .select((
            awards::id,
            awards::public_id,
            awards::city_id,
            awards::org_id,
            awards::badge_id,
            awards::method,
            awards::claim_code_id,
            awards::awarded_at,
            awards::badge_version,
            awards::evidence,
        ))
        .load(conn)?;
    // Pathway badges last: their evidence names the badges that completed them, whose new
    // copies then exist. (A re-issue completes no pathway anew: it is written like the
    // demo's history, without the consequences of an award just earned.)
    held.sort_by_key(|h| h.method == AwardMethod::Pathway.as_str());
    // Each city of the awards, with the reason its revoked copies give (in its language).
    let mut cities: HashMap<i64, (City, String)> = HashMap::new();
    let mut done = Vec::with_capacity(held.len());
    for mut award in held {
        if let Some(evidence) = award.evidence.as_mut() {
            for earlier in &done {
                let earlier: &Reissued = earlier;
                *evidence = evidence.replace(&earlier.old_public_id, &earlier.new_public_id);
            }
        }
        let (city, reason) = match cities.get(&award.city_id) {
            Some(known) => known.clone(),
            None => {
                let city = crate::tenancy::store::find(conn, CityId(award.city_id))?;
                let reason = crate::i18n::t(city.locale_for(None), "handoff.reissue_reason");
                cities.insert(award.city_id, (city.clone(), reason.clone()));
                (city, reason)
            }
        };
        crate::awards::store::revoke(conn, city.id, &award.public_id, &reason, now)?;
        let issued = issuance::issue(
            conn,
            &Issue {
                city: &city,
                org: crate::ids::OrgId(award.org_id),
                badge: crate::ids::BadgeId(award.badge_id),
                recipient: youth.id,
                method: AwardMethod::from_stored(&award.method),
                claim_code: award.claim_code_id.map(crate::ids::ClaimCodeId),
                evidence: award.evidence.clone(),
                actor,
                base_url,
                // The handoff's own audit event names every re-issue, and no "you earned"
                // mail is sent for a badge earned long ago.
                seeded: true,
                now,
            },
        )
        .map_err(AppError::from)?;
        // The learner's copy says what the guardian's said: earned that day, that version
        // (so it counts in the dashboard's week of then, not of today).
        crate::dashboard::rollups::award_counted(conn, &issued.public_id, -1)?;
        let new_id = diesel::update(awards::table.filter(awards::public_id.eq(&issued.public_id)))
            .set((
                awards::awarded_at.eq(award.awarded_at),
                awards::badge_version.eq(award.badge_version),
                awards::recipient_identifier.eq(&new_identifier),
            ))
            .returning(awards::id)
            .get_result::<i64>(conn)?;
        crate::dashboard::rollups::award_counted(conn, &issued.public_id, 1)?;
        diesel::insert_into(custody_reissues::table)
            .values((
                custody_reissues::handoff_id.eq(request),
                custody_reissues::old_award_id.eq(award.id),
                custody_reissues::new_award_id.eq(new_id),
            ))
            .execute(conn)?;
        // The work and the code it was earned with now lead to the learner's copy.
        diesel::update(
            submissions::table.filter(submissions::award_public_id.eq(&award.public_id)),
        )
        .set(submissions::award_public_id.eq(&issued.public_id))
        .execute(conn)?;
        diesel::update(
            claim_redemptions::table
                .filter(claim_redemptions::award_public_id.eq(&award.public_id)),
        )
        .set(claim_redemptions::award_public_id.eq(&issued.public_id))
        .execute(conn)?;
        done.push(Reissued {
            city,
            old_public_id: award.public_id,
            new_public_id: issued.public_id,
        });
    }
    Ok(done)
}

/// `awards` without the guardian-era copies that were re-issued (their new copy is in the
/// list): a badge shows once on the youth's and the guardian's pages.
pub fn without_reissued(
    conn: &mut DbConnection,
    awards: Vec<AwardView>,
) -> QueryResult<Vec<AwardView>> {
    let ids: Vec<i64> = awards.iter().map(|a| a.id.0).collect();
    if ids.is_empty() {
        return Ok(awards);
    }
    let superseded: HashSet<i64> = custody_reissues::table
        .filter(custody_reissues::old_award_id.eq_any(&ids))
        .select(custody_reissues::old_award_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    Ok(awards
        .into_iter()
        .filter(|a| !superseded.contains(&a.id.0))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guardian_manages_until_the_handoff() {
        assert!(ChildCustody::default().manages());
        let after = ChildCustody {
            handed_over_at: chrono::DateTime::from_timestamp(0, 0).map(|t| t.naive_utc()),
            ..ChildCustody::default()
        };
        assert!(!after.manages());
    }
}
