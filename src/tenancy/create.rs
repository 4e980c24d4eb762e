//! The operator creates a city: its row, languages and tagline, and an e-mail invitation to its
//! first coordinator, in one transaction with its audit record. The web form (`/admin/cities`)
//! and `lanyard city create` both come here.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::db::{is_unique_violation, DbConnection};
use crate::error::AppError;
use crate::fields::{self, Slug};
use crate::ids::UserId;
use crate::invitations::{self, InvitationId, InvitedRole};
use crate::tenancy::{store, City};
use crate::web::forms::FormErrors;

/// What the create form sends.
#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NewCityForm {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// Checkboxes of the languages offered: `lang_en`, `lang_es` (any value is checked).
    pub lang_en: String,
    pub lang_es: String,
    pub coordinator_email: String,
}

impl NewCityForm {
    /// The checked languages, English first.
    pub fn languages(&self) -> Vec<&'static str> {
        [("en", &self.lang_en), ("es", &self.lang_es)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(l, _)| l)
            .collect()
    }
}

/// A new city, parsed.
#[derive(Clone, Debug)]
pub struct NewCity {
    pub slug: Slug,
    pub name: String,
    pub tagline: String,
    pub languages: Vec<&'static str>,
    pub coordinator_email: String,
}

impl TryFrom<&NewCityForm> for NewCity {
    type Error = FormErrors;

    fn try_from(form: &NewCityForm) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::default();
        let slug = Slug::parse(&form.slug).map_err(|e| errors.add("slug", e));
        let name = fields::line(&form.name, 80).map_err(|e| errors.add("name", e));
        let tagline = fields::text(&form.tagline, 160, false).map_err(|e| errors.add("tagline", e));
        let languages = form.languages();
        if languages.is_empty() {
            errors.add("languages", "city_admin.languages_required");
        }
        let email =
            fields::email(&form.coordinator_email).map_err(|e| errors.add("coordinator_email", e));
        match (slug, name, tagline, email) {
            (Ok(slug), Ok(name), Ok(tagline), Ok(coordinator_email)) if errors.is_empty() => {
                Ok(NewCity {
                    slug,
                    name,
                    tagline,
                    languages,
                    coordinator_email,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Why a city was not created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateRefused {
    SlugTaken,
    /// The command line signs the invitation as the operator, and there is none yet.
    NoOperator,
}

/// Creates `new` and invites its coordinator by e-mail, signed by `inviter` (the operator's
/// account when `None`). One transaction.
pub fn create_city(
    conn: &mut DbConnection,
    new: &NewCity,
    inviter: Option<UserId>,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Result<(City, InvitationId), CreateRefused>, AppError> {
    let inviter = match inviter {
        Some(id) => id,
        None => match store::first_operator(conn)? {
            Some(id) => id,
            None => return Ok(Err(CreateRefused::NoOperator)),
        },
    };
    if store::find_by_slug(conn, new.slug.as_str())?.is_some() {
        return Ok(Err(CreateRefused::SlugTaken));
    }
    conn.transaction(|conn| {
        // In a savepoint: a slug taken meanwhile must leave the transaction usable on PostgreSQL.
        let inserted =
            conn.transaction(|c| store::insert(c, new.slug.as_str(), &new.name, &new.tagline, now));
        let id = match inserted {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Ok(Err(CreateRefused::SlugTaken)),
            Err(e) => return Err(AppError::from(e)),
        };
        store::set_languages(conn, id, &new.languages.join(","))?;
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(id),
                org: None,
                action: AuditAction::CityCreated,
                target: new.slug.as_str().to_string(),
                detail: json!({
                    "name": new.name,
                    "languages": new.languages,
                    "coordinator": new.coordinator_email,
                }),
                at: now,
            },
        )?;
        let city = store::find(conn, id)?;
        let invitation = invitations::invite(
            conn,
            &city,
            None,
            InvitedRole::Coordinator,
            &new.coordinator_email,
            inviter,
            base_url,
            now,
        )?;
        Ok(Ok((city, invitation)))
    })
}

/// `lanyard city create`: the same as the operator's form, printing what it did.
pub fn run_cli(action: crate::cli::CityCommand) -> anyhow::Result<()> {
    let crate::cli::CityCommand::Create {
        slug,
        name,
        tagline,
        languages,
        coordinator_email,
    } = action;
    let form = NewCityForm {
        slug,
        name,
        tagline,
        lang_en: if languages.split(',').any(|l| l.trim() == "en") {
            "on".into()
        } else {
            String::new()
        },
        lang_es: if languages.split(',').any(|l| l.trim() == "es") {
            "on".into()
        } else {
            String::new()
        },
        coordinator_email,
    };
    let new = NewCity::try_from(&form).map_err(|errors| {
        let lines: Vec<String> = errors
            .0
            .iter()
            .map(|e| {
                format!(
                    "--{}: {}",
                    e.field.replace('_', "-"),
                    crate::i18n::t("en", e.message)
                )
            })
            .collect();
        anyhow::anyhow!("the city was not created:\n{}", lines.join("\n"))
    })?;
    let settings = crate::settings::Settings::load()?;
    let db = crate::db::Db::connect(&settings.database.url, 1)?;
    let mut conn = db.get()?;
    // The same address the server signs under, so that the e-mailed link is absolute.
    let base_url = crate::startup::public_base_url(&settings, settings.server.port)?;
    let outcome = create_city(
        &mut conn,
        &new,
        None,
        &Actor::command_line(),
        &base_url,
        chrono::Utc::now().naive_utc(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    match outcome {
        Ok((city, invitation)) => {
            println!(
                "created city {} ({}) at {base_url}/c/{}",
                city.name, city.slug, city.slug
            );
            println!("languages: {}", city.languages.join(", "));
            println!(
                "invited {} to coordinate it (invitation {invitation}; the e-mail is in the outbox)",
                new.coordinator_email
            );
            Ok(())
        }
        Err(CreateRefused::SlugTaken) => {
            anyhow::bail!("a city already uses the slug {}", new.slug.as_str())
        }
        Err(CreateRefused::NoOperator) => {
            anyhow::bail!(
                "the platform is not set up yet: run the server and complete /setup first"
            )
        }
    }
}
