//! Pathways in the database: defined by an organization (its own badges) or by the city (any
//! organization's badges; its badge is the city's own), and completed for a youth as soon as
//! an award makes them hold enough of the pathway's badges.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::Actor;
use crate::awards::issuance::{self, Issue, IssueError, Issued};
use crate::awards::AwardMethod;
use crate::db::schema::{awards, badges, organizations, pathway_badges, pathways};
use crate::db::DbConnection;
use crate::ids::{BadgeId, CityId, OrgId, UserId};
use crate::pathways::Rule;
use crate::tenancy::City;

/// A pathway as its pages show it.
#[derive(Clone, Debug)]
pub struct Pathway {
    pub id: i64,
    pub org_id: OrgId,
    pub badge_id: BadgeId,
    pub badge_slug: String,
    pub badge_name: String,
    pub rule: Rule,
    pub required: i32,
    /// The badges it takes: (id, slug, name, organization's name).
    pub sources: Vec<(BadgeId, String, String, String)>,
}

impl Pathway {
    /// How many of its badges complete it.
    pub fn needed(&self) -> usize {
        match self.rule {
            Rule::All => self.sources.len(),
            Rule::Any => 1,
            Rule::Count => usize::try_from(self.required).unwrap_or(0),
        }
    }
}

/// Why a pathway was not made (the catalog key of the form's message, and its field).
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal(pub &'static str, pub &'static str);

/// A pathway to make.
pub struct NewPathway<'a> {
    pub city: &'a City,
    /// The owner: an organization, or the city's issuer organization for a city pathway.
    pub org: OrgId,
    pub owner_is_city: bool,
    pub badge: &'a str,
    pub rule: Rule,
    pub required: i32,
    pub sources: &'a [String],
    /// The demo's seeded history: those who complete it at once get its badge with no audit
    /// event and no e-mail.
    pub seeded: bool,
}

/// Makes a pathway after checking it: its badge is the owner's and in no other pathway, its
/// badges are the owner's (or, for the city, of any organization of the city), it does not
/// take its own badge, and the number fits. Youth who already complete it get its badge.
pub fn create(
    conn: &mut DbConnection,
    new: &NewPathway<'_>,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> QueryResult<Result<Vec<Issued>, Refusal>> {
    conn.transaction(|conn| {
        let badge: Option<(i64, i64)> = badges::table
            .filter(badges::city_id.eq(new.city.id.0))
            .filter(badges::slug.eq(new.badge))
            .select((badges::id, badges::org_id))
            .first(conn)
            .optional()?;
        let Some((badge_id, badge_org)) = badge.filter(|(_, org)| *org == new.org.0) else {
            return Ok(Err(Refusal("badge", "pathway.badge_unknown")));
        };
        let _ = badge_org;
        let taken: bool = diesel::select(diesel::dsl::exists(
            pathways::table.filter(pathways::badge_id.eq(badge_id)),
        ))
        .get_result(conn)?;
        if taken {
            return Ok(Err(Refusal("badge", "pathway.badge_taken")));
        }
        let mut slugs: Vec<&str> = new.sources.iter().map(|s| s.trim()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        if slugs.is_empty() {
            return Ok(Err(Refusal("sources", "pathway.sources_empty")));
        }
        let found: Vec<(i64, i64)> = badges::table
            .filter(badges::city_id.eq(new.city.id.0))
            .filter(badges::slug.eq_any(&slugs))
            .select((badges::id, badges::org_id))
            .load(conn)?;
        if found.len() != slugs.len()
            || (!new.owner_is_city && found.iter().any(|(_, org)| *org != new.org.0))
        {
            return Ok(Err(Refusal("sources", "pathway.source_foreign")));
        }
        if found.iter().any(|(id, _)| *id == badge_id) {
            return Ok(Err(Refusal("sources", "pathway.source_itself")));
        }
        let required = match new.rule {
            Rule::All => found.len() as i32,
            Rule::Any => 1,
            Rule::Count => new.required,
        };
        if required < 1 || required as usize > found.len() {
            return Ok(Err(Refusal("required", "pathway.required_range")));
        }
        let id: i64 = diesel::insert_into(pathways::table)
            .values((
                pathways::city_id.eq(new.city.id.0),
                pathways::org_id.eq(new.org.0),
                pathways::badge_id.eq(badge_id),
                pathways::rule.eq(new.rule.as_str()),
                pathways::required.eq(required),
                pathways::created_at.eq(now),
            ))
            .returning(pathways::id)
            .get_result(conn)?;
        for (source, _) in &found {
            diesel::insert_into(pathway_badges::table)
                .values((
                    pathway_badges::pathway_id.eq(id),
                    pathway_badges::badge_id.eq(source),
                ))
                .execute(conn)?;
        }
        // Whoever already holds enough of its badges completes it now.
        let holders: Vec<i64> = awards::table
            .filter(awards::badge_id.eq_any(found.iter().map(|(id, _)| *id)))
            .filter(awards::revoked_at.is_null())
            .select(awards::recipient_id)
            .distinct()
            .load(conn)?;
        let mut issued = Vec::new();
        for youth in holders {
            issued.extend(complete(
                conn,
                new.city,
                UserId(youth),
                None,
                actor,
                base_url,
                new.seeded,
                now,
            )?);
        }
        Ok(Ok(issued))
    })
}

/// Every pathway of `city` (or only those of `org`), with their badges.
pub fn list(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<OrgId>,
) -> QueryResult<Vec<Pathway>> {
    let mut query = pathways::table
        .inner_join(badges::table.on(badges::id.eq(pathways::badge_id)))
        .filter(pathways::city_id.eq(city.0))
        .into_boxed();
    if let Some(org) = org {
        query = query.filter(pathways::org_id.eq(org.0));
    }
    let rows: Vec<(i64, i64, i64, String, String, String, i32)> = query
        .order(pathways::id)
        .select((
            pathways::id,
            pathways::org_id,
            pathways::badge_id,
            badges::slug,
            badges::name,
            pathways::rule,
            pathways::required,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, org_id, badge_id, badge_slug, badge_name, rule, required) in rows {
        let sources = pathway_badges::table
            .inner_join(badges::table.inner_join(organizations::table))
            .filter(pathway_badges::pathway_id.eq(id))
            .order(badges::name)
            .select((badges::id, badges::slug, badges::name, organizations::name))
            .load::<(i64, String, String, String)>(conn)?
            .into_iter()
            .map(|(id, slug, name, org)| (BadgeId(id), slug, name, org))
            .collect();
        out.push(Pathway {
            id,
            org_id: OrgId(org_id),
            badge_id: BadgeId(badge_id),
            badge_slug,
            badge_name,
            rule: Rule::parse(&rule).unwrap_or(Rule::All),
            required,
            sources,
        });
    }
    Ok(out)
}

/// The pathway whose badge is `badge`, if it is one.
pub fn of_badge(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
) -> QueryResult<Option<Pathway>> {
    Ok(list(conn, city, None)?
        .into_iter()
        .find(|p| p.badge_id == badge))
}

/// The badges `youth` holds now (not revoked).
fn held_by(conn: &mut DbConnection, youth: UserId) -> QueryResult<Vec<BadgeId>> {
    Ok(awards::table
        .filter(awards::recipient_id.eq(youth.0))
        .filter(awards::revoked_at.is_null())
        .select(awards::badge_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(BadgeId)
        .collect())
}

/// A youth's progress toward one pathway.
#[derive(Clone, Debug)]
pub struct Progress {
    pub pathway: Pathway,
    /// Which of its badges they hold, in the order of `pathway.sources`.
    pub held: Vec<bool>,
    /// They hold its badge.
    pub complete: bool,
}

impl Progress {
    pub fn held_count(&self) -> usize {
        self.held.iter().filter(|h| **h).count()
    }

    /// Percent toward completion, for the bar.
    pub fn percent(&self) -> usize {
        if self.complete {
            return 100;
        }
        let needed = self.pathway.needed().max(1);
        (self.held_count().min(needed) * 100) / needed
    }
}

/// `youth`'s progress toward every pathway of `city`: those begun first, then the rest.
pub fn progress(
    conn: &mut DbConnection,
    city: CityId,
    youth: UserId,
) -> QueryResult<Vec<Progress>> {
    let held = held_by(conn, youth)?;
    let mut all: Vec<Progress> = list(conn, city, None)?
        .into_iter()
        .map(|pathway| Progress {
            held: pathway
                .sources
                .iter()
                .map(|(id, ..)| held.contains(id))
                .collect(),
            complete: held.contains(&pathway.badge_id),
            pathway,
        })
        .collect();
    all.sort_by_key(|p| (p.complete, std::cmp::Reverse(p.held_count())));
    Ok(all)
}

/// Awards `youth` the badge of each pathway of `city` they now complete and do not hold,
/// with the awards of its badges as evidence, in the caller's transaction. With `taking`,
/// only the pathways that take that badge (the one just awarded) are looked at: an award of
/// a badge in no pathway costs one query. A pathway's badge does not count toward another
/// pathway (no chains), so this never recurses.
#[allow(clippy::too_many_arguments)]
pub fn complete(
    conn: &mut DbConnection,
    city: &City,
    youth: UserId,
    taking: Option<BadgeId>,
    actor: &Actor,
    base_url: &str,
    seeded: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<Issued>> {
    let concerned: Option<Vec<i64>> = match taking {
        Some(badge) => Some(
            pathway_badges::table
                .filter(pathway_badges::badge_id.eq(badge.0))
                .select(pathway_badges::pathway_id)
                .load(conn)?,
        ),
        None => None,
    };
    if concerned.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let held = held_by(conn, youth)?;
    let mut issued = Vec::new();
    for pathway in list(conn, city.id, None)? {
        if concerned
            .as_ref()
            .is_some_and(|ids| !ids.contains(&pathway.id))
        {
            continue;
        }
        if held.contains(&pathway.badge_id) {
            continue;
        }
        let have: Vec<&(BadgeId, String, String, String)> = pathway
            .sources
            .iter()
            .filter(|(id, ..)| held.contains(id))
            .collect();
        if have.len() < pathway.needed() || have.is_empty() {
            continue;
        }
        let mut evidence = Vec::new();
        for (badge, _, name, _) in &have {
            let award: Option<String> = awards::table
                .filter(awards::badge_id.eq(badge.0))
                .filter(awards::recipient_id.eq(youth.0))
                .filter(awards::revoked_at.is_null())
                .select(awards::public_id)
                .first(conn)
                .optional()?;
            if let Some(award) = award {
                evidence.push(json!({
                    "id": format!("/c/{}/awards/{award}", city.slug),
                    "type": ["Evidence"],
                    "name": name,
                    "narrative": format!("Holds the badge “{name}”."),
                }));
            }
        }
        match issuance::issue(
            conn,
            &Issue {
                city,
                org: pathway.org_id,
                badge: pathway.badge_id,
                recipient: youth,
                method: AwardMethod::Pathway,
                claim_code: None,
                evidence: Some(serde_json::Value::Array(evidence).to_string()),
                actor,
                base_url,
                seeded,
                now,
            },
        ) {
            Ok(award) => issued.push(award),
            // Not a youth of the city, or awarded at this moment by another path: nothing to do.
            Err(IssueError::NotEligible | IssueError::AlreadyHeld | IssueError::UnknownBadge) => {}
            Err(IssueError::Database(e)) => return Err(e),
            Err(IssueError::Mail(e)) => {
                tracing::warn!(error = %e, "pathway award mail not queued");
                return Err(diesel::result::Error::RollbackTransaction);
            }
        }
    }
    Ok(issued)
}
