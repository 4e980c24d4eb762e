//! The organization's staff (mentors and admins) create, edit, publish, archive and reopen
//! activities, and import them from CSV.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::activities::command::{ActivityCommand, ActivityInput, Choices, WEEKDAYS};
use crate::activities::editing::{self, TransitionRefused};
use crate::activities::editor_pages::{EditActivityPage, Editing, ImportPage};
use crate::activities::image::{self, ActivityImage, MAX_UPLOAD_BYTES};
use crate::activities::{import, store, upload};
use crate::audit::{Actor, ClientAddress};
use crate::auth::access::OrgStaff;
use crate::error::AppError;
use crate::ids::{ActivityId, CityId, OrgId};
use crate::state::AppState;
use crate::web::forms::{check_csrf, CsrfForm, FormErrors};
use crate::web::{redirect_with, render, Chrome, Flash};

/// The activity id of the path (`/orgs/{org}/activities/{activity}/…`); anything else is 404.
fn activity_of(path: &(String, String, String)) -> Result<ActivityId, AppError> {
    path.2
        .parse::<i64>()
        .map(ActivityId)
        .map_err(|_| AppError::NotFound)
}

async fn load_choices(state: &AppState, staff: &OrgStaff) -> Result<(Choices, bool), AppError> {
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let languages = staff.access.city.languages.clone();
    state
        .db
        .run(move |conn| {
            Ok((
                store::choices(conn, city_id, org_id, languages)?,
                crate::orgs::may_publish(conn, city_id, org_id)? == Some(true),
            ))
        })
        .await
}

fn editor_page(
    chrome: Chrome,
    staff: OrgStaff,
    editing: Option<Editing>,
    form: ActivityInput,
    (choices, may_publish): (Choices, bool),
    errors: FormErrors,
) -> EditActivityPage {
    let city = staff.access.city;
    EditActivityPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        editing,
        form,
        choices,
        errors,
        may_publish,
    }
}

pub async fn new_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
) -> Result<HttpResponse, AppError> {
    let loaded = load_choices(&state, &staff).await?;
    let form = ActivityInput {
        cost: "free".into(),
        ..ActivityInput::default()
    };
    render(
        StatusCode::OK,
        &editor_page(chrome, staff, None, form, loaded, FormErrors::default()),
    )
}

/// The form's fields as typed: checkboxes are `weekday_mon`, `lang_es`, `badge_<slug>`.
fn input_of(submitted: &upload::Submitted, choices: &Choices) -> ActivityInput {
    let get = |name: &str| submitted.get(name);
    ActivityInput {
        title: get("title"),
        description: get("description"),
        category: get("category"),
        age_min: get("age_min"),
        age_max: get("age_max"),
        starts_on: get("starts_on"),
        ends_on: get("ends_on"),
        weekdays: WEEKDAYS
            .iter()
            .filter(|d| submitted.is_checked(&format!("weekday_{d}")))
            .map(|d| d.to_string())
            .collect(),
        time_from: get("time_from"),
        time_to: get("time_to"),
        online: submitted.is_checked("online"),
        address: get("address"),
        neighborhood: get("neighborhood"),
        cost: get("cost"),
        price: get("price"),
        capacity: get("capacity"),
        registration_url: get("registration_url"),
        accessibility: get("accessibility"),
        languages: crate::i18n::LOCALES
            .iter()
            .filter(|l| submitted.is_checked(&format!("lang_{l}")))
            .map(|l| l.to_string())
            .collect(),
        // Only badges of this organization can be named; a forged name is an unknown badge.
        badges: submitted
            .fields
            .iter()
            .filter_map(|(n, v)| n.strip_prefix("badge_").filter(|_| !v.is_empty()))
            .map(str::to_string)
            .collect(),
        translations: choices
            .translation_locales()
            .into_iter()
            .map(|l| {
                (
                    l.to_string(),
                    get(crate::activities::command::translation_field(l, "title")),
                    get(crate::activities::command::translation_field(
                        l,
                        "description",
                    )),
                )
            })
            .collect(),
    }
}

/// The form parsed, its upload checked: the command and image, or the errors to show.
async fn parse_submission(
    chrome: &Chrome,
    submitted: upload::Submitted,
    choices: &Choices,
) -> Result<
    (
        ActivityInput,
        Result<(ActivityCommand, Option<ActivityImage>), FormErrors>,
    ),
    AppError,
> {
    check_csrf(&chrome.csrf, &submitted.get("csrf_token"))?;
    let form = input_of(&submitted, choices);
    let mut errors = match ActivityCommand::try_from((&form, choices)) {
        Ok(command) => {
            let mut ok = FormErrors::default();
            let image = check_image(submitted.file, submitted.file_too_large, &mut ok).await?;
            return Ok((
                form,
                if ok.is_empty() {
                    Ok((command, image))
                } else {
                    Err(ok)
                },
            ));
        }
        Err(errors) => errors,
    };
    check_image(submitted.file, submitted.file_too_large, &mut errors).await?;
    Ok((form, Err(errors)))
}

async fn check_image(
    file: Option<Vec<u8>>,
    too_large: bool,
    errors: &mut FormErrors,
) -> Result<Option<ActivityImage>, AppError> {
    if too_large {
        errors.add("image", "activity_error.image_too_large");
        return Ok(None);
    }
    let Some(bytes) = file else {
        return Ok(None);
    };
    // Decoding is CPU work: off the async workers.
    let prepared = web::block(move || image::prepare(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("checking an image: {e}")))?;
    Ok(prepared.map_err(|e| errors.add("image", e)).ok())
}

fn editor_url(city: &str, org: &str, id: ActivityId) -> String {
    format!("/c/{city}/orgs/{org}/activities/{id}/edit")
}

pub async fn create(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let submitted = upload::read(payload, "image", MAX_UPLOAD_BYTES).await?;
    let loaded = load_choices(&state, &staff).await?;
    let (form, parsed) = parse_submission(&chrome, submitted, &loaded.0).await?;
    let (command, image) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &editor_page(chrome, staff, None, form, loaded, errors),
            )
        }
    };
    let actor = Actor::user(&staff.access.user, &address);
    let (city_id, org_id): (CityId, OrgId) = (staff.access.city.id, staff.org.id);
    let title = command.title.clone();
    let id = state
        .db
        .run(move |conn| {
            editing::create_activity(
                conn,
                city_id,
                org_id,
                &command,
                image.as_ref(),
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    Ok(redirect_with(
        &editor_url(&staff.access.city.slug, &staff.org.slug, id),
        Flash::success("flash.activity_created", &title),
    ))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let id = activity_of(&path)?;
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let detail = state
        .db
        .run(move |conn| Ok(store::find_detail(conn, city_id, id)?))
        .await?
        .filter(|d| d.org_id == org_id)
        .ok_or(AppError::NotFound)?;
    let loaded = load_choices(&state, &staff).await?;
    let editing = Editing {
        id,
        status: detail.status,
        has_image: detail.has_image,
    };
    render(
        StatusCode::OK,
        &editor_page(
            chrome,
            staff,
            Some(editing),
            detail.as_input(),
            loaded,
            FormErrors::default(),
        ),
    )
}

pub async fn update(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = activity_of(&path)?;
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let detail = state
        .db
        .run(move |conn| Ok(store::find_detail(conn, city_id, id)?))
        .await?
        .filter(|d| d.org_id == org_id)
        .ok_or(AppError::NotFound)?;
    let submitted = upload::read(payload, "image", MAX_UPLOAD_BYTES).await?;
    let loaded = load_choices(&state, &staff).await?;
    let (form, parsed) = parse_submission(&chrome, submitted, &loaded.0).await?;
    let (command, image) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            let editing = Editing {
                id,
                status: detail.status,
                has_image: detail.has_image,
            };
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &editor_page(chrome, staff, Some(editing), form, loaded, errors),
            );
        }
    };
    let actor = Actor::user(&staff.access.user, &address);
    let title = command.title.clone();
    let found = state
        .db
        .run(move |conn| {
            editing::edit_activity(
                conn,
                (city_id, org_id),
                id,
                &command,
                image.as_ref(),
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with(
        &editor_url(&staff.access.city.slug, &staff.org.slug, id),
        Flash::success("flash.activity_saved", &title),
    ))
}

/// A status change's form carries only its CSRF token.
#[derive(serde::Deserialize)]
pub struct NoFields {}

type Transition = fn(
    &mut crate::db::DbConnection,
    CityId,
    OrgId,
    ActivityId,
    &Actor,
    chrono::NaiveDateTime,
) -> Result<Result<(), TransitionRefused>, AppError>;

async fn change_status(
    state: web::Data<AppState>,
    staff: OrgStaff,
    address: String,
    path: web::Path<(String, String, String)>,
    change: Transition,
    done: &'static str,
) -> Result<HttpResponse, AppError> {
    let id = activity_of(&path)?;
    let (city_id, org_id) = (staff.access.city.id, staff.org.id);
    let actor = Actor::user(&staff.access.user, &address);
    let outcome = state
        .db
        .run(move |conn| change(conn, city_id, org_id, id, &actor, Utc::now().naive_utc()))
        .await?;
    let to = editor_url(&staff.access.city.slug, &staff.org.slug, id);
    match outcome {
        Ok(()) => Ok(redirect_with(&to, Flash::success(done, ""))),
        Err(TransitionRefused::NotFound) => Err(AppError::NotFound),
        Err(refused) => Ok(redirect_with(&to, Flash::error(refused.message_key(), ""))),
    }
}

pub async fn publish(
    state: web::Data<AppState>,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_status(
        state,
        staff,
        address,
        path,
        editing::publish_activity,
        "flash.activity_published",
    )
    .await
}

pub async fn archive(
    state: web::Data<AppState>,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_status(
        state,
        staff,
        address,
        path,
        editing::archive_activity,
        "flash.activity_archived",
    )
    .await
}

pub async fn reopen(
    state: web::Data<AppState>,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    path: web::Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_status(
        state,
        staff,
        address,
        path,
        editing::reopen_activity,
        "flash.activity_reopened",
    )
    .await
}

fn import_page(
    chrome: Chrome,
    staff: OrgStaff,
    report: Option<import::ImportReport>,
    may_publish: bool,
) -> ImportPage {
    let city = staff.access.city;
    ImportPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org: staff.org,
        report,
        may_publish,
    }
}

pub async fn import_form(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
) -> Result<HttpResponse, AppError> {
    let (_, may_publish) = load_choices(&state, &staff).await?;
    render(
        StatusCode::OK,
        &import_page(chrome, staff, None, may_publish),
    )
}

pub async fn import_upload(
    state: web::Data<AppState>,
    chrome: Chrome,
    staff: OrgStaff,
    ClientAddress(address): ClientAddress,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let submitted = upload::read(payload, "file", import::MAX_BYTES).await?;
    check_csrf(&chrome.csrf, &submitted.get("csrf_token"))?;
    let (_, may_publish) = load_choices(&state, &staff).await?;
    let report = if submitted.file_too_large {
        import::ImportReport {
            problems: vec![import::RowProblem {
                row: 0,
                column: String::new(),
                message: "activity_import.file_too_large",
            }],
            ..Default::default()
        }
    } else if let Some(csv) = submitted.file {
        let city = staff.access.city.clone();
        let (org_id, actor) = (staff.org.id, Actor::user(&staff.access.user, &address));
        state
            .db
            .run(move |conn| {
                import::import_activities(
                    conn,
                    &city,
                    org_id,
                    &csv,
                    &actor,
                    Utc::now().naive_utc(),
                    &mut |_, _| {},
                )
            })
            .await?
    } else {
        import::ImportReport {
            problems: vec![import::RowProblem {
                row: 0,
                column: String::new(),
                message: "activity_import.file_missing",
            }],
            ..Default::default()
        }
    };
    let status = if report.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &import_page(chrome, staff, Some(report), may_publish),
    )
}
