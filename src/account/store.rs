//! All SQL of a person's data as a whole: reading it out for an export, and erasing it when the
//! account is deleted.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::AccountStatus;
use crate::db::schema::{
    account_tokens, awards, badges, cities, city_members, claim_redemptions, consent_requests,
    email_invitations, link_codes, org_invitations, org_members, organizations, outbox,
    parent_links, parental_consents, submission_files, submissions, users,
};
use crate::db::DbConnection;
use crate::ids::{CityId, UserId};

/// The account's own row, as the export writes it.
#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub birth_date: Option<NaiveDate>,
    pub kind: String,
    pub status: String,
    pub locale: Option<String>,
    pub created_at: NaiveDateTime,
    /// Whether the display name shows on public pages.
    pub shows_name: bool,
    pub notifications_off: bool,
}

pub fn account(conn: &mut DbConnection, user: UserId) -> QueryResult<AccountRow> {
    users::table
        .find(user.0)
        .select((
            users::username,
            users::display_name,
            users::email,
            users::email_verified_at,
            users::birth_date,
            users::kind,
            users::status,
            users::locale,
            users::created_at,
            users::show_name,
            users::notifications_off,
        ))
        .first(conn)
}

/// A role in a city.
#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct CityRoleRow {
    pub city: String,
    pub city_name: String,
    pub role: String,
    pub since: NaiveDateTime,
}

pub fn city_roles(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<CityRoleRow>> {
    city_members::table
        .inner_join(cities::table)
        .filter(city_members::user_id.eq(user.0))
        .order(city_members::id)
        .select((
            cities::slug,
            cities::name,
            city_members::role,
            city_members::created_at,
        ))
        .load(conn)
}

/// A role in an organization.
#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct OrgRoleRow {
    pub city: String,
    pub organization: String,
    pub organization_name: String,
    pub role: String,
    pub since: NaiveDateTime,
}

pub fn org_roles(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<OrgRoleRow>> {
    org_members::table
        .inner_join(organizations::table.inner_join(cities::table))
        .filter(org_members::user_id.eq(user.0))
        .order(org_members::id)
        .select((
            cities::slug,
            organizations::slug,
            organizations::name,
            org_members::role,
            org_members::created_at,
        ))
        .load(conn)
}

/// The cities `user` holds awards in, in the order of their first award there.
pub fn award_cities(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<CityId>> {
    let ids: Vec<i64> = awards::table
        .filter(awards::recipient_id.eq(user.0))
        .order(awards::id)
        .select(awards::city_id)
        .load(conn)?;
    let mut seen = std::collections::HashSet::new();
    Ok(ids
        .into_iter()
        .filter(|id| seen.insert(*id))
        .map(CityId)
        .collect())
}

/// One submission of work, with what was written and the names of its files.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SubmissionRow {
    pub id: String,
    pub city: String,
    pub badge: String,
    pub badge_name: String,
    pub organization_name: String,
    pub status: String,
    pub reflection: String,
    pub links: Vec<String>,
    pub public: bool,
    pub feedback: String,
    pub submitted_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub award: Option<String>,
    pub files: Vec<FileRow>,
}

/// A file of a submission: its name, type and size (the export does not carry the bytes).
#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct FileRow {
    pub file_name: String,
    pub content_type: String,
    pub bytes: i64,
}

pub fn submissions_of(conn: &mut DbConnection, youth: UserId) -> QueryResult<Vec<SubmissionRow>> {
    type Row = (
        (i64, String, String, String, String, String),
        (String, String, String, bool, String),
        (NaiveDateTime, Option<NaiveDateTime>, Option<String>),
    );
    let rows: Vec<Row> = submissions::table
        .inner_join(badges::table)
        .inner_join(organizations::table.inner_join(cities::table))
        .filter(submissions::youth_id.eq(youth.0))
        .order(submissions::id)
        .select((
            (
                submissions::id,
                submissions::public_id,
                cities::slug,
                badges::slug,
                badges::name,
                organizations::name,
            ),
            (
                submissions::status,
                submissions::reflection,
                submissions::links,
                submissions::evidence_public,
                submissions::feedback,
            ),
            (
                submissions::submitted_at,
                submissions::decided_at,
                submissions::award_public_id,
            ),
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (
        (id, public_id, city, badge, badge_name, organization_name),
        (status, reflection, links, public, feedback),
        (submitted_at, decided_at, award),
    ) in rows
    {
        let files = submission_files::table
            .filter(submission_files::submission_id.eq(id))
            .order(submission_files::position)
            .select((
                submission_files::file_name,
                submission_files::content_type,
                submission_files::bytes,
            ))
            .load(conn)?;
        out.push(SubmissionRow {
            id: public_id,
            city,
            badge,
            badge_name,
            organization_name,
            status,
            reflection,
            links: links
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            public,
            feedback,
            submitted_at,
            decided_at,
            award,
            files,
        });
    }
    Ok(out)
}

/// A recorded parental consent, naming the other side by user name.
#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct ConsentRow {
    /// The parent (for a consent received) or the child (for one given); `None` when the
    /// account is gone.
    pub who: Option<String>,
    pub method: String,
    pub text_version: String,
    pub locale: String,
    pub consented_at: NaiveDateTime,
}

pub fn consents_received(conn: &mut DbConnection, youth: UserId) -> QueryResult<Vec<ConsentRow>> {
    parental_consents::table
        .left_join(users::table.on(parental_consents::parent_id.eq(users::id.nullable())))
        .filter(parental_consents::youth_id.eq(youth.0))
        .order(parental_consents::id)
        .select((
            users::username.nullable(),
            parental_consents::method,
            parental_consents::text_version,
            parental_consents::locale,
            parental_consents::consented_at,
        ))
        .load(conn)
}

pub fn consents_given(conn: &mut DbConnection, parent: UserId) -> QueryResult<Vec<ConsentRow>> {
    parental_consents::table
        .inner_join(users::table.on(parental_consents::youth_id.eq(users::id)))
        .filter(parental_consents::parent_id.eq(parent.0))
        .order(parental_consents::id)
        .select((
            users::username.nullable(),
            parental_consents::method,
            parental_consents::text_version,
            parental_consents::locale,
            parental_consents::consented_at,
        ))
        .load(conn)
}

/// The user names of `user`'s parents and of their children.
pub fn family_of(conn: &mut DbConnection, user: UserId) -> QueryResult<(Vec<String>, Vec<String>)> {
    let parents = parent_links::table
        .inner_join(users::table.on(users::id.eq(parent_links::parent_id)))
        .filter(parent_links::youth_id.eq(user.0))
        .order(users::username)
        .select(users::username)
        .load(conn)?;
    let children = parent_links::table
        .inner_join(users::table.on(users::id.eq(parent_links::youth_id)))
        .filter(parent_links::parent_id.eq(user.0))
        .order(users::username)
        .select(users::username)
        .load(conn)?;
    Ok((parents, children))
}

/// The organizations `user` is the only admin of (their names): deleting the account would
/// leave them without one. Takes each of their organizations' staff lock
/// (`orgs::store::lock_for_staff_change`) before counting its admins.
pub fn sole_admin_of(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<String>> {
    let theirs: Vec<(i64, String)> = org_members::table
        .inner_join(organizations::table)
        .filter(org_members::user_id.eq(user.0))
        .filter(org_members::role.eq("admin"))
        .select((organizations::id, organizations::name))
        .load(conn)?;
    let mut alone = Vec::new();
    for (org, name) in theirs {
        // As every last-admin check does: inside the deletion's transaction, the count stays
        // true until it ends.
        let org = crate::ids::OrgId(org);
        crate::orgs::store::lock_for_staff_change(conn, org)?;
        if crate::orgs::store::admin_count(conn, org)? <= 1 {
            alone.push(name);
        }
    }
    Ok(alone)
}

/// The cities `user` is the only coordinator of (their names).
pub fn sole_coordinator_of(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<String>> {
    let theirs: Vec<(i64, String)> = city_members::table
        .inner_join(cities::table)
        .filter(city_members::user_id.eq(user.0))
        .filter(city_members::role.eq("coordinator"))
        .select((cities::id, cities::name))
        .load(conn)?;
    let mut alone = Vec::new();
    for (city, name) in theirs {
        let coordinators: i64 = city_members::table
            .filter(city_members::city_id.eq(city))
            .filter(city_members::role.eq("coordinator"))
            .count()
            .get_result(conn)?;
        if coordinators <= 1 {
            alone.push(name);
        }
    }
    Ok(alone)
}

/// How many live awards `user` holds.
pub fn live_award_count(conn: &mut DbConnection, user: UserId) -> QueryResult<i64> {
    awards::table
        .filter(awards::recipient_id.eq(user.0))
        .filter(awards::revoked_at.is_null())
        .count()
        .get_result(conn)
}

/// The live awards of `user`, with their city: what a deletion that revokes revokes.
pub fn live_awards_of(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<(CityId, String)>> {
    awards::table
        .filter(awards::recipient_id.eq(user.0))
        .filter(awards::revoked_at.is_null())
        .order(awards::id)
        .select((awards::city_id, awards::public_id))
        .load::<(i64, String)>(conn)
        .map(|rows| rows.into_iter().map(|(c, id)| (CityId(c), id)).collect())
}

/// Gives awards signed before opaque identifiers the identifier their credential hashes (one
/// made of the account name, see `awards::recipient`) for good, so that renaming the account
/// does not change what their hosted assertion says.
pub fn pin_legacy_identifiers(
    conn: &mut DbConnection,
    user: UserId,
    username: &str,
) -> QueryResult<()> {
    let legacy: Vec<(i64, String)> = awards::table
        .inner_join(cities::table.on(cities::id.eq(awards::city_id)))
        .filter(awards::recipient_id.eq(user.0))
        .filter(awards::recipient_identifier.is_null())
        .filter(awards::credential.is_not_null())
        .select((awards::id, cities::slug))
        .load(conn)?;
    for (award, city) in legacy {
        let identifier = crate::awards::recipient::RecipientIdentity::Legacy {
            username: username.to_string(),
        }
        .identifier(&city);
        diesel::update(awards::table.find(award))
            .set(awards::recipient_identifier.eq(identifier))
            .execute(conn)?;
    }
    Ok(())
}

/// The storage keys of the files of `youth`'s submissions.
pub fn evidence_keys_of(conn: &mut DbConnection, youth: UserId) -> QueryResult<Vec<String>> {
    submission_files::table
        .inner_join(submissions::table)
        .filter(submissions::youth_id.eq(youth.0))
        .select(submission_files::storage_key)
        .load(conn)
}

/// Erases what the account holds of its person, in the caller's transaction: the row keeps
/// only its id, a new meaningless name, its kind and its opaque recipient identifier (awards
/// and the audit trail point at it); memberships, family links, sessions, links, consent
/// requests, submissions (with their files' rows and events) and mail to the address go.
/// Awards stay, so that every count and list that includes them stays right.
pub fn erase(
    conn: &mut DbConnection,
    user: UserId,
    tombstone: &str,
    email: Option<&str>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user.0))
        .set((
            users::username.eq(tombstone),
            users::display_name.eq(tombstone),
            users::email.eq(None::<String>),
            users::email_verified_at.eq(None::<NaiveDateTime>),
            users::password_hash.eq(""),
            users::birth_date.eq(None::<NaiveDate>),
            users::status.eq(AccountStatus::Deleted.as_str()),
            users::locale.eq(None::<String>),
            users::show_name.eq(false),
            users::notifications_off.eq(true),
        ))
        .execute(conn)?;
    // The awards stay counted; the age band they count in goes with the birth date.
    crate::dashboard::rollups::youth_changed(conn, user)?;
    crate::auth::store::delete_sessions_of(conn, user, None)?;
    diesel::delete(account_tokens::table.filter(account_tokens::user_id.eq(user.0)))
        .execute(conn)?;
    diesel::delete(link_codes::table.filter(link_codes::youth_id.eq(user.0))).execute(conn)?;
    diesel::delete(consent_requests::table.filter(consent_requests::youth_id.eq(user.0)))
        .execute(conn)?;
    diesel::delete(
        parent_links::table.filter(
            parent_links::parent_id
                .eq(user.0)
                .or(parent_links::youth_id.eq(user.0)),
        ),
    )
    .execute(conn)?;
    diesel::delete(city_members::table.filter(city_members::user_id.eq(user.0))).execute(conn)?;
    diesel::delete(org_members::table.filter(org_members::user_id.eq(user.0))).execute(conn)?;
    diesel::delete(org_invitations::table.filter(org_invitations::user_id.eq(user.0)))
        .execute(conn)?;
    // Submissions go with their files' rows and events (ON DELETE CASCADE); the files
    // themselves are removed by the caller once this commits.
    diesel::delete(submissions::table.filter(submissions::youth_id.eq(user.0))).execute(conn)?;
    // The narrative an award was made with is the youth's own words.
    diesel::update(awards::table.filter(awards::recipient_id.eq(user.0)))
        .set(awards::evidence.eq(None::<String>))
        .execute(conn)?;
    // Code redemptions stay counted; the address they came from goes.
    diesel::update(claim_redemptions::table.filter(claim_redemptions::youth_id.eq(user.0)))
        .set(claim_redemptions::address.eq(""))
        .execute(conn)?;
    // Invitations they took keep that they were taken, not the address; those still open to
    // the address go, with every mail to it.
    diesel::update(email_invitations::table.filter(email_invitations::accepted_by.eq(user.0)))
        .set(email_invitations::email.eq(""))
        .execute(conn)?;
    if let Some(email) = email {
        diesel::delete(
            email_invitations::table
                .filter(email_invitations::email.eq(email))
                .filter(email_invitations::accepted_at.is_null()),
        )
        .execute(conn)?;
        diesel::delete(outbox::table.filter(outbox::to_address.eq(email))).execute(conn)?;
    }
    Ok(())
}
