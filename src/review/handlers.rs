//! Handlers of review: a youth submits work for a badge and follows it; a mentor works the
//! queue. Each extracts, calls a function of `review::store` and renders.

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::activities::upload::{self, Submitted};
use crate::audit::{Actor, ClientAddress};
use crate::auth::access::{CityAccess, CityMember, OrgStaff};
use crate::auth::store::CityRole;
use crate::auth::throttle;
use crate::badges;
use crate::error::AppError;
use crate::fields;
use crate::ids::ActivityId;
use crate::review::files::{self, EvidenceFile};
use crate::review::pages::{
    DraftForm, EvidencePage, QueuePage, ReviewPage, SubmissionPage, SubmitPage,
};
use crate::review::store::{
    self, DecideError, Decision, Draft, Hold, QueueFilter, StoredFile, Submission, Verdict,
};
use crate::review::{AgeBand, Status};
use crate::state::AppState;
use crate::tenancy::{City, CurrentCity};
use crate::web::forms::{check_csrf, CsrfForm, FormErrors};
use crate::web::{page, redirect_with, render, Chrome, Flash};

/// Only youth submit work: anyone else of the city gets 403.
fn youth_of(member: &CityMember) -> Result<(), AppError> {
    if member.0.has_city_role(CityRole::Youth) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A badge of the city that youth earn by review, or 404.
async fn review_badge(
    state: &AppState,
    city: &City,
    slug: String,
) -> Result<(badges::Badge, badges::BadgeContent), AppError> {
    let city_id = city.id;
    state
        .db
        .run(move |conn| {
            let badge =
                badges::store::find_by_slug(conn, city_id, &slug)?.ok_or(AppError::NotFound)?;
            let content = badges::store::content(conn, badge.id)?;
            if !store::by_review(&content.earned_by) {
                return Err(AppError::NotFound);
            }
            Ok((badge, content))
        })
        .await
}

/// `GET /c/{city}/badges/{badge}/submit`: the form, or the work already sent.
pub async fn submit_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    member: CityMember,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    youth_of(&member)?;
    let city = member.0.city.clone();
    let (badge, content) = review_badge(&state, &city, path.into_inner().1).await?;
    let (badge_id, youth) = (badge.id, member.0.user.id);
    let open = state
        .db
        .run(move |conn| Ok(store::open_for(conn, badge_id, youth)?))
        .await?;
    if let Some(open) = open {
        return Ok(crate::web::redirect(&format!(
            "/c/{}/submissions/{open}",
            city.slug
        )));
    }
    let localized = content.localized(chrome.locale);
    page(&SubmitPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        badge,
        criteria: localized.criteria,
        rubric: content.rubric,
        form: DraftForm::default(),
        errors: FormErrors::default(),
    })
}

/// The draft of a sent form, checked, with its files prepared (not stored yet).
struct Checked {
    form: DraftForm,
    reflection: String,
    links: Vec<String>,
    files: Vec<EvidenceFile>,
}

fn check_draft(sent: &Submitted, errors: &mut FormErrors) -> Option<Checked> {
    let form = DraftForm {
        reflection: sent.get("reflection"),
        links: sent.get("links"),
        evidence_public: sent.is_checked("evidence_public"),
    };
    let reflection = fields::text(&form.reflection, store::MAX_REFLECTION, true)
        .map_err(|e| errors.add("reflection", e))
        .ok();
    let links = store::parse_links(&form.links)
        .map_err(|e| errors.add("links", e))
        .ok();
    let sent_files: Vec<&(String, String, Vec<u8>)> =
        sent.files.iter().filter(|(f, _, _)| f == "files").collect();
    let mut files = Vec::new();
    if sent_files.len() > files::MAX_FILES {
        errors.add("files", "review.too_many_files");
    } else {
        for (_, name, bytes) in sent_files {
            if bytes.is_empty() {
                errors.add("files", "review.file_too_large");
                break;
            }
            match files::prepare(name, bytes) {
                Ok(file) => files.push(file),
                Err(key) => {
                    errors.add("files", key);
                    break;
                }
            }
        }
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Checked {
        form,
        reflection: reflection?,
        links: links?,
        files,
    })
}

/// A checked draft with its stored files, owned, to move into a database closure.
struct Sent {
    reflection: String,
    links: Vec<String>,
    files: Vec<StoredFile>,
    evidence_public: bool,
}

impl Sent {
    fn draft(&self) -> Draft<'_> {
        Draft {
            reflection: &self.reflection,
            links: &self.links,
            files: &self.files,
            evidence_public: self.evidence_public,
        }
    }
}

/// Stores the prepared files under `city/submission/…`; on any failure removes what it wrote.
async fn store_files(
    state: &AppState,
    city: &City,
    submission: &str,
    files: Vec<EvidenceFile>,
) -> Result<Vec<StoredFile>, AppError> {
    let storage = state.evidence.clone();
    let prefix = format!("{}/{submission}", city.id);
    web::block(move || {
        let mut stored: Vec<StoredFile> = Vec::new();
        for file in files {
            let key = format!(
                "{prefix}/{}.{}",
                uuid::Uuid::new_v4().simple(),
                file.extension
            );
            if let Err(e) = storage.put(&key, &file.bytes) {
                for done in &stored {
                    let _ = storage.delete(&done.key);
                }
                return Err(AppError::Internal(anyhow::anyhow!("evidence storage: {e}")));
            }
            stored.push(StoredFile {
                key,
                content_type: file.content_type.to_string(),
                file_name: file.file_name,
                bytes: file.bytes.len() as i64,
            });
        }
        Ok(stored)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence storage: {e}")))?
}

/// Removes stored files (after a refused write, or once replaced), logging what fails.
pub(crate) async fn remove_files(state: &AppState, keys: Vec<String>) {
    let storage = state.evidence.clone();
    let _ = web::block(move || {
        for key in keys {
            if let Err(e) = storage.delete(&key) {
                tracing::warn!(error = %e, storage.key = %key, "evidence file not removed");
            }
        }
    })
    .await;
}

/// `POST /c/{city}/badges/{badge}/submit` (multipart).
pub async fn submit(
    state: web::Data<AppState>,
    chrome: Chrome,
    member: CityMember,
    path: web::Path<(String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    youth_of(&member)?;
    let city = member.0.city.clone();
    let (badge, content) = review_badge(&state, &city, path.into_inner().1).await?;
    let attempt = throttle::submission_keys(&member.0.user.id.to_string());
    state.throttle.attempt(&attempt).await?;
    let sent = upload::read(payload, "files", files::MAX_FILE_BYTES).await?;
    check_csrf(&chrome.csrf, &sent.get("csrf_token"))?;
    let mut errors = FormErrors::default();
    let checked = prepare(sent, &mut errors).await?;
    let refused = |form: DraftForm, errors: FormErrors, chrome: Chrome| {
        let localized = content.localized(chrome.locale);
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SubmitPage {
                chrome: chrome.in_city(&city.slug, &city.name),
                city: city.clone(),
                badge: badge.clone(),
                criteria: localized.criteria,
                rubric: content.rubric.clone(),
                form,
                errors,
            },
        )
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(form) => return refused(form, errors, chrome),
    };
    let public_id = store::new_public_id();
    let stored = store_files(&state, &city, &public_id, checked.files).await?;
    let (of_city, slug, youth, id) = (
        city.clone(),
        badge.slug.clone(),
        member.0.user.id,
        public_id.clone(),
    );
    let base = state.base_url().to_string();
    let now = state.clock.now();
    let sent = Sent {
        reflection: checked.reflection,
        links: checked.links,
        files: stored.clone(),
        evidence_public: checked.form.evidence_public,
    };
    let taken = state
        .db
        .run(move |conn| {
            let draft = sent.draft();
            Ok(store::submit(
                conn, &of_city, &slug, youth, &draft, &id, &base, now,
            ))
        })
        .await?;
    match taken {
        Ok(status) => {
            state.throttle.give_back(&attempt).await;
            tracing::info!(submission = %public_id, badge.slug = %badge.slug, "work submitted");
            Ok(redirect_with(
                &format!("/c/{}/submissions/{public_id}", city.slug),
                Flash::success(sent_key(status), &badge.name),
            ))
        }
        Err(store::SubmitError::Database(e)) => {
            remove_files(&state, stored.into_iter().map(|f| f.key).collect()).await;
            Err(e.into())
        }
        Err(store::SubmitError::Internal(e)) => {
            remove_files(&state, stored.into_iter().map(|f| f.key).collect()).await;
            Err(e)
        }
        Err(store::SubmitError::AlreadyOpen(open)) => {
            remove_files(&state, stored.into_iter().map(|f| f.key).collect()).await;
            Ok(redirect_with(
                &format!("/c/{}/submissions/{open}", city.slug),
                Flash::error("review.already_open", &badge.name),
            ))
        }
        Err(refusal) => {
            remove_files(&state, stored.into_iter().map(|f| f.key).collect()).await;
            errors.add("reflection", refusal.message_key());
            refused(checked.form, errors, chrome)
        }
    }
}

/// Checks the sent draft (decoding photos off the async threads): the checked draft, or the
/// form to show again with `errors` filled in.
async fn prepare(
    sent: Submitted,
    errors: &mut FormErrors,
) -> Result<Result<Checked, DraftForm>, AppError> {
    let form = DraftForm {
        reflection: sent.get("reflection"),
        links: sent.get("links"),
        evidence_public: sent.is_checked("evidence_public"),
    };
    if sent.file_too_large {
        errors.add("files", "review.file_too_large");
        return Ok(Err(form));
    }
    let (checked, found) = web::block(move || {
        let mut found = FormErrors::default();
        let checked = check_draft(&sent, &mut found);
        (checked, found)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("checking files: {e}")))?;
    errors.0.extend(found.0);
    match checked {
        Some(checked) if errors.is_empty() => Ok(Ok(checked)),
        _ => Ok(Err(form)),
    }
}

/// The submission `public_id` of the city, with who may see it: `(submission, is the youth,
/// is family (the youth or a linked parent), is staff of its organization)`.
pub(super) async fn load_submission(
    state: &AppState,
    city: &City,
    viewer: Option<&CityAccess>,
    public_id: String,
) -> Result<(Submission, bool, bool, bool), AppError> {
    let city_id = city.id;
    let viewer_id = viewer.map(|v| v.user.id);
    let (s, family) = state
        .db
        .run(move |conn| {
            let s = store::find(conn, city_id, &public_id)?.ok_or(AppError::NotFound)?;
            let family = match viewer_id {
                Some(v) => store::is_family(conn, s.youth_id, v)?,
                None => false,
            };
            Ok((s, family))
        })
        .await?;
    let owner = viewer.is_some_and(|v| v.user.id == s.youth_id);
    // Work waiting for a parent's yes is not the organization's yet.
    let staff = s.status != Status::AwaitingParent
        && viewer.is_some_and(|v| v.org_role(s.org_id).is_some());
    Ok((s, owner, family, staff))
}

/// The flash of work sent: to a parent first, or to the mentors.
fn sent_key(status: Status) -> &'static str {
    if status == Status::AwaitingParent {
        "flash.work_sent_to_parent"
    } else {
        "flash.work_sent"
    }
}

/// Only the youth changes their work: their parents and the organization's staff get 403,
/// anyone else 404.
fn only_the_youth(owner: bool, family: bool, staff: bool) -> Result<(), AppError> {
    match (owner, family || staff) {
        (true, _) => Ok(()),
        (false, true) => Err(AppError::Forbidden),
        (false, false) => Err(AppError::NotFound),
    }
}

/// `GET /c/{city}/submissions/{id}`: the youth's (or their parent's) view of the work.
pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let (s, owner, family, staff) =
        load_submission(&state, &city, Some(&access), path.into_inner().1).await?;
    if !family {
        if staff {
            return Ok(crate::web::redirect(&format!(
                "/c/{}/orgs/{}/reviews/{}",
                city.slug, s.org_slug, s.public_id
            )));
        }
        return Err(AppError::NotFound);
    }
    let form = DraftForm {
        reflection: s.reflection.clone(),
        links: s.links.join("\n"),
        evidence_public: s.evidence_public,
    };
    page(&SubmissionPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        s,
        is_owner: owner,
        is_parent: family && !owner,
        note: String::new(),
        form,
        errors: FormErrors::default(),
    })
}

/// `POST /c/{city}/submissions/{id}` (multipart): the youth sends the work again.
pub async fn resubmit(
    state: web::Data<AppState>,
    chrome: Chrome,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let (s, owner, family, staff) =
        load_submission(&state, &city, Some(&access), path.into_inner().1).await?;
    only_the_youth(owner, family, staff)?;
    let attempt = throttle::submission_keys(&access.user.id.to_string());
    state.throttle.attempt(&attempt).await?;
    let sent = upload::read(payload, "files", files::MAX_FILE_BYTES).await?;
    check_csrf(&chrome.csrf, &sent.get("csrf_token"))?;
    let mut errors = FormErrors::default();
    if s.status != Status::ChangesRequested {
        errors.add("reflection", "review.not_open");
    }
    let checked = prepare(sent, &mut errors).await?;
    let checked = match checked {
        Ok(checked) if errors.is_empty() => checked,
        Ok(checked) => return resubmit_refused(&chrome, city, s, checked.form, errors),
        Err(form) => return resubmit_refused(&chrome, city, s, form, errors),
    };
    let stored = store_files(&state, &city, &s.public_id, checked.files).await?;
    let (of_city, id, youth) = (city.clone(), s.public_id.clone(), access.user.id);
    let base = state.base_url().to_string();
    let now = state.clock.now();
    let sent = Sent {
        reflection: checked.reflection,
        links: checked.links,
        files: stored.clone(),
        evidence_public: checked.form.evidence_public,
    };
    let taken = state
        .db
        .run(move |conn| {
            let draft = sent.draft();
            Ok(store::resubmit(
                conn, &of_city, &id, youth, &draft, &base, now,
            ))
        })
        .await?;
    match taken {
        Ok((replaced, status)) => {
            state.throttle.give_back(&attempt).await;
            remove_files(&state, replaced).await;
            Ok(redirect_with(
                &format!("/c/{}/submissions/{}", city.slug, s.public_id),
                Flash::success(sent_key(status), &s.badge_name),
            ))
        }
        Err(refusal) => {
            remove_files(&state, stored.into_iter().map(|f| f.key).collect()).await;
            match refusal {
                store::SubmitError::Database(e) => return Err(e.into()),
                store::SubmitError::Internal(e) => return Err(e),
                _ => {}
            }
            errors.add("reflection", refusal.message_key());
            resubmit_refused(&chrome, city, s, checked.form, errors)
        }
    }
}

fn resubmit_refused(
    chrome: &Chrome,
    city: City,
    s: Submission,
    form: DraftForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SubmissionPage {
            chrome: chrome.clone().in_city(&city.slug, &city.name),
            city,
            s,
            is_owner: true,
            is_parent: false,
            note: String::new(),
            form,
            errors,
        },
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct VisibilityForm {
    public: String,
}

/// `POST /c/{city}/submissions/{id}/visibility`: the youth shows or hides the evidence page.
pub async fn visibility(
    state: web::Data<AppState>,
    CityMember(access): CityMember,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<VisibilityForm>,
) -> Result<HttpResponse, AppError> {
    let city = access.city.clone();
    let (s, owner, family, staff) =
        load_submission(&state, &city, Some(&access), path.into_inner().1).await?;
    only_the_youth(owner, family, staff)?;
    let public = form.public == "1";
    let (id, youth) = (s.id, access.user.id);
    state
        .db
        .run(move |conn| Ok(store::set_visibility(conn, id, youth, public)?))
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/submissions/{}", city.slug, s.public_id),
        Flash::success(
            if public {
                "flash.evidence_public"
            } else {
                "flash.evidence_private"
            },
            &s.badge_name,
        ),
    ))
}

/// Whoever is signed in, as a member of the city (none for visitors and outsiders).
async fn viewer_of(
    state: &AppState,
    city: &City,
    chrome: &Chrome,
) -> Result<Option<CityAccess>, AppError> {
    let Some(user) = chrome.user.clone() else {
        return Ok(None);
    };
    let (city_id, user_id) = (city.id, user.id);
    let (city_roles, org_roles) = state
        .db
        .run(move |conn| Ok(crate::auth::store::roles_in_city(conn, city_id, user_id)?))
        .await?;
    Ok(Some(CityAccess {
        city: city.clone(),
        user,
        city_roles,
        org_roles,
    }))
}

/// `GET /c/{city}/evidence/{id}`: the evidence an award's credential links to. Shown to all
/// when its youth made it public, else to the youth, their parents and the organization's
/// staff; to anyone else the page says it is kept private.
pub async fn evidence(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let viewer = viewer_of(&state, &city, &chrome).await?;
    let (s, _, family, staff) =
        load_submission(&state, &city, viewer.as_ref(), path.into_inner().1).await?;
    if s.status != Status::Approved && !(family || staff) {
        return Err(AppError::NotFound);
    }
    let shown = s.evidence_public || family || staff;
    page(&EvidencePage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        s,
        shown,
    })
}

/// `GET /c/{city}/submissions/{id}/files/{n}`: one file, to whoever may see the evidence.
pub async fn file(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String, i32)>,
) -> Result<HttpResponse, AppError> {
    let (_, public_id, position) = path.into_inner();
    let viewer = viewer_of(&state, &city, &chrome).await?;
    let (s, _, family, staff) = load_submission(&state, &city, viewer.as_ref(), public_id).await?;
    let public = s.evidence_public && s.status == Status::Approved;
    if !(public || family || staff) {
        return Err(AppError::NotFound);
    }
    let file = s
        .files
        .iter()
        .find(|f| f.position == position)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let storage = state.evidence.clone();
    let key = file.key.clone();
    let bytes = web::block(move || storage.get(&key))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence storage: {e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence storage: {e}")))?
        .ok_or(AppError::NotFound)?;
    let mut response = HttpResponse::Ok();
    response
        .content_type(file.content_type.as_str())
        .insert_header((
            header::CACHE_CONTROL,
            if public {
                "public, max-age=300"
            } else {
                "private, no-store"
            },
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ));
    if !file.is_image() {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.file_name),
        ));
    }
    Ok(response.body(bytes))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    activity: String,
    badge: String,
    age: String,
}

/// `GET /c/{city}/orgs/{org}/reviews`: the waiting work, oldest first, with filters.
pub async fn queue(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    queue_page(
        &state,
        chrome,
        staff,
        query.into_inner(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn queue_page(
    state: &AppState,
    chrome: Chrome,
    staff: OrgStaff,
    query: QueueQuery,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (city_id, org_id, viewer) = (staff.access.city.id, staff.org.id, staff.access.user.id);
    let age = AgeBand::parse(&query.age);
    let activity = query.activity.parse::<i64>().ok().map(ActivityId);
    let badge_slug = query.badge.clone();
    let (rows, counts, review_badges, activities) = state
        .db
        .run(move |conn| {
            let all_badges = badges::store::list(conn, city_id, Some(org_id))?;
            let mut review_badges = Vec::new();
            for b in all_badges {
                if store::by_review(&badges::store::content(conn, b.id)?.earned_by) {
                    review_badges.push(b);
                }
            }
            let badge = review_badges
                .iter()
                .find(|b| b.slug == badge_slug)
                .map(|b| b.id);
            let activities: Vec<(i64, String)> =
                crate::activities::store::list(conn, city_id, Some(org_id))?
                    .into_iter()
                    .map(|a| (a.id.0, a.title))
                    .collect();
            let filter = QueueFilter {
                activity: activity.filter(|a| activities.iter().any(|(id, _)| *id == a.0)),
                badge,
                age,
            };
            let (rows, counts) =
                store::queue(conn, org_id, filter, viewer, Utc::now().naive_utc())?;
            Ok((rows, counts, review_badges, activities))
        })
        .await?;
    let city = staff.access.city;
    render(
        status,
        &QueuePage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            org: staff.org,
            rows,
            counts,
            badges: review_badges,
            activities,
            filter_badge: query.badge,
            filter_activity: query.activity,
            filter_age: age.map(|a| a.as_str().to_string()).unwrap_or_default(),
            errors,
        },
    )
}

/// `POST /c/{city}/orgs/{org}/reviews` (multipart): approve every picked submission that no
/// other mentor holds, each with every rubric item met.
pub async fn bulk(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let sent = upload::read(payload, "none", 0).await?;
    check_csrf(&chrome.csrf, &sent.get("csrf_token"))?;
    let picked: Vec<String> = sent
        .fields
        .iter()
        .filter(|(n, _)| n == "pick")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .take(200)
        .collect();
    if picked.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("pick", "review.pick_some");
        return queue_page(
            &state,
            chrome,
            staff,
            QueueQuery::default(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let actor = Actor::user(&staff.access.user, &address);
    let (city, org, mentor, base) = (
        staff.access.city.clone(),
        staff.org.id,
        staff.access.user.id,
        state.base_url(),
    );
    let (approved, issued) = state
        .db
        .run(move |conn| {
            let mut approved = 0usize;
            let mut issued = Vec::new();
            for public_id in &picked {
                let Some(s) = store::find(conn, city.id, public_id)? else {
                    continue;
                };
                if s.org_id != org {
                    continue;
                }
                let met: Vec<usize> = (0..s.rubric.len()).collect();
                let now = Utc::now().naive_utc();
                match store::decide(
                    conn,
                    &Decision {
                        city: &city,
                        org,
                        public_id,
                        mentor,
                        actor: &actor,
                        verdict: Verdict::Approve,
                        rubric_met: &met,
                        feedback: "",
                        base_url: &base,
                        seeded: false,
                        now,
                    },
                ) {
                    Ok(Some(award)) => {
                        approved += 1;
                        issued.push(award.public_id);
                    }
                    Ok(None) => {}
                    Err(DecideError::Database(e)) => return Err(e.into()),
                    Err(DecideError::Mail(e)) => return Err(e),
                    Err(e) => {
                        tracing::info!(submission = %public_id, reason = e.message_key(), "not approved in bulk")
                    }
                }
            }
            Ok((approved, issued))
        })
        .await?;
    for award in &issued {
        crate::awards::issuance::sign(&state, &staff.access.city, award).await;
    }
    Ok(redirect_with(
        &format!(
            "/c/{}/orgs/{}/reviews",
            staff.access.city.slug, staff.org.slug
        ),
        Flash::success("flash.bulk_approved", &approved.to_string()),
    ))
}

/// `GET /c/{city}/orgs/{org}/reviews/{id}`: opens a submission, holding it for this mentor.
pub async fn open(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, public_id) = path.into_inner();
    let city = staff.access.city.clone();
    let (s, _, _, is_staff) =
        load_submission(&state, &city, Some(&staff.access), public_id).await?;
    if s.org_id != staff.org.id || !is_staff {
        return Err(AppError::NotFound);
    }
    let (id, mentor) = (s.id, staff.access.user.id);
    let hold = state
        .db
        .run(move |conn| Ok(store::hold(conn, id, mentor, Utc::now().naive_utc())?))
        .await?;
    review_page(
        chrome,
        staff,
        s,
        hold,
        String::new(),
        FormErrors::default(),
        StatusCode::OK,
    )
}

fn review_page(
    chrome: Chrome,
    staff: OrgStaff,
    s: Submission,
    hold: Hold,
    feedback: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (held_until, held_by_other) = match hold {
        Hold::Mine(until) => (Some(until), None),
        Hold::Other(name, until) => (None, Some((name, until))),
        Hold::NotWaiting => (None, None),
    };
    let city = staff.access.city;
    render(
        status,
        &ReviewPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            org: staff.org,
            s,
            held_until,
            held_by_other,
            feedback,
            errors,
        },
    )
}

/// `POST /c/{city}/orgs/{org}/reviews/{id}`: approve, ask for changes, or decline.
pub async fn decide(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (_, _, public_id) = path.into_inner();
    let city = staff.access.city.clone();
    let (s, _, _, is_staff) =
        load_submission(&state, &city, Some(&staff.access), public_id).await?;
    if s.org_id != staff.org.id || !is_staff {
        return Err(AppError::NotFound);
    }
    let get = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let met: Vec<usize> = form
        .iter()
        .filter(|(n, _)| n == "met")
        .filter_map(|(_, v)| v.parse::<usize>().ok())
        .filter(|i| *i < s.rubric.len())
        .collect();
    let feedback_text = get("feedback");
    let mut errors = FormErrors::default();
    let verdict = Verdict::parse(&get("verdict"));
    if verdict.is_none() {
        errors.add("verdict", "review.verdict_unknown");
    }
    let needs_feedback = matches!(verdict, Some(Verdict::RequestChanges | Verdict::Decline));
    let feedback = match fields::text(&feedback_text, store::MAX_FEEDBACK, needs_feedback) {
        Ok(f) => f,
        Err(e) => {
            errors.add(
                "feedback",
                if e == "field.required" {
                    "review.feedback_required"
                } else {
                    e
                },
            );
            String::new()
        }
    };
    let now = Utc::now().naive_utc();
    let mine = Hold::Mine(s.held_until.unwrap_or(now));
    let (Some(verdict), true) = (verdict, errors.is_empty()) else {
        let mut s = s;
        s.rubric_met = met;
        return review_page(
            chrome,
            staff,
            s,
            mine,
            feedback_text,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let actor = Actor::user(&staff.access.user, &address);
    let (of_city, org, mentor, base, id) = (
        city.clone(),
        staff.org.id,
        staff.access.user.id,
        state.base_url(),
        s.public_id.clone(),
    );
    let decided_met = met.clone();
    let decided_feedback = feedback.clone();
    let outcome = state
        .db
        .run(move |conn| {
            Ok(store::decide(
                conn,
                &Decision {
                    city: &of_city,
                    org,
                    public_id: &id,
                    mentor,
                    actor: &actor,
                    verdict,
                    rubric_met: &decided_met,
                    feedback: &decided_feedback,
                    base_url: &base,
                    seeded: false,
                    now,
                },
            ))
        })
        .await?;
    match outcome {
        Ok(issued) => {
            if let Some(award) = &issued {
                crate::awards::issuance::sign(&state, &city, &award.public_id).await;
            }
            tracing::info!(submission = %s.public_id, decision = ?verdict, "submission decided");
            Ok(redirect_with(
                &format!("/c/{}/orgs/{}/reviews", city.slug, staff.org.slug),
                Flash::success(
                    match verdict {
                        Verdict::Approve => "flash.review_approved",
                        Verdict::RequestChanges => "flash.review_changes",
                        Verdict::Decline => "flash.review_declined",
                    },
                    &s.youth_username,
                ),
            ))
        }
        Err(DecideError::Database(e)) => Err(e.into()),
        Err(DecideError::Mail(e)) => Err(e),
        Err(refusal) => {
            errors.add("verdict", refusal.message_key());
            let hold = match &refusal {
                DecideError::HeldByOther(name) => {
                    Hold::Other(name.clone(), s.held_until.unwrap_or(now))
                }
                _ => Hold::NotWaiting,
            };
            let mut s = s;
            s.rubric_met = met;
            review_page(
                chrome,
                staff,
                s,
                hold,
                feedback_text,
                errors,
                StatusCode::CONFLICT,
            )
        }
    }
}
