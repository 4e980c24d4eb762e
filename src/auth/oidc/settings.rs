//! `/c/{city}/settings/sign-in`: a city's coordinators set the city's own OpenID provider
//! (issuer, client id, client secret, the name on its button) and whether its staff must sign
//! in through it. The client secret is sealed under the OpenID key and never shown back.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use serde_json::json;

use crate::audit::{Actor, ClientAddress};
use crate::auth::access::Coordinator;
use crate::auth::oidc::handlers::callback_url;
use crate::auth::oidc::pages::{ProviderForm, ProviderSettingsPage};
use crate::auth::oidc::store::{self, CityProvider};
use crate::auth::oidc::{client, Failure};
use crate::error::AppError;
use crate::fields;
use crate::state::AppState;
use crate::tenancy::settings::record_city_change;
use crate::tenancy::City;
use crate::web::forms::{CsrfForm, FormErrors, NoFields};
use crate::web::{redirect_with, render, Chrome, Flash};

/// A provider form, checked: (name, issuer, client id, new secret if one was typed, staff rule).
struct Checked {
    display_name: String,
    issuer_url: String,
    client_id: String,
    client_secret: Option<String>,
    staff_must_use: bool,
}

fn check(form: &ProviderForm, has_secret: bool) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    let display_name = fields::line(&form.display_name, 60).unwrap_or_else(|e| {
        errors.add("display_name", e);
        String::new()
    });
    let issuer_url = store::issuer_url(&form.issuer_url).unwrap_or_else(|e| {
        errors.add("issuer_url", e);
        String::new()
    });
    let client_id = fields::line(&form.client_id, 200).unwrap_or_else(|e| {
        errors.add("client_id", e);
        String::new()
    });
    let secret = form.client_secret.trim();
    let client_secret = match secret {
        "" if has_secret => None,
        "" => {
            errors.add("client_secret", "field.required");
            None
        }
        s if s.len() > 500 || s.chars().any(char::is_control) => {
            errors.add("client_secret", "oidc.field.secret_invalid");
            None
        }
        s => Some(s.to_string()),
    };
    errors.into_result(Checked {
        display_name,
        issuer_url,
        client_id,
        client_secret,
        staff_must_use: form.staff_must_use.is_some(),
    })
}

async fn saved_form(state: &AppState, city: &City) -> Result<Option<ProviderForm>, AppError> {
    let id = city.id;
    let row = state
        .db
        .run(move |conn| Ok(store::city_provider(conn, id)?))
        .await?;
    Ok(row.map(|p| ProviderForm {
        display_name: p.display_name,
        issuer_url: p.issuer_url,
        client_id: p.client_id,
        client_secret: String::new(),
        staff_must_use: p.staff_must_use.then(|| "on".to_string()),
    }))
}

fn page(
    state: &AppState,
    status: StatusCode,
    chrome: Chrome,
    city: City,
    mut form: ProviderForm,
    errors: FormErrors,
    saved: bool,
) -> Result<HttpResponse, AppError> {
    // The secret never goes back to the browser, typed or saved.
    form.client_secret.clear();
    render(
        status,
        &ProviderSettingsPage {
            chrome: chrome.in_city(&city.slug, &city.name),
            city,
            form,
            errors,
            saved,
            redirect_uri: callback_url(state),
            no_key: state.oidc.sealer.is_none(),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    let saved = saved_form(&state, &access.city).await?;
    let is_saved = saved.is_some();
    let form = saved.unwrap_or_else(|| ProviderForm {
        display_name: format!("{} staff", access.city.name),
        ..ProviderForm::default()
    });
    page(
        &state,
        StatusCode::OK,
        chrome,
        access.city,
        form,
        FormErrors::default(),
        is_saved,
    )
}

pub async fn save(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<ProviderForm>,
) -> Result<HttpResponse, AppError> {
    let city_id = access.city.id;
    let existing = state
        .db
        .run(move |conn| Ok(store::city_provider(conn, city_id)?))
        .await?;
    let invalid = |state: &AppState, chrome, city, form, errors| {
        page(
            state,
            StatusCode::UNPROCESSABLE_ENTITY,
            chrome,
            city,
            form,
            errors,
            existing.is_some(),
        )
    };
    let Some(sealer) = state.oidc.sealer.as_ref() else {
        let mut errors = FormErrors::default();
        errors.add("client_secret", "oidc.settings.no_key");
        return invalid(&state, chrome, access.city, form, errors);
    };
    let checked = match check(&form, existing.is_some()) {
        Ok(checked) => checked,
        Err(errors) => return invalid(&state, chrome, access.city, form, errors),
    };
    // A provider that cannot be found now would only fail every sign-in later.
    if let Err(failure) = client::discover(&state.oidc.http, &checked.issuer_url).await {
        debug_assert_eq!(failure, Failure::Unreachable);
        let mut errors = FormErrors::default();
        errors.add("issuer_url", "oidc.field.issuer_unreachable");
        return invalid(&state, chrome, access.city, form, errors);
    }
    let identity = store::secret_identity(city_id);
    let (secret_nonce, secret_sealed) = match (&checked.client_secret, &existing) {
        (Some(secret), _) => sealer
            .seal(secret.as_bytes(), &identity)
            .map_err(AppError::Internal)?,
        (None, Some(row)) => (row.secret_nonce.clone(), row.secret_sealed.clone()),
        (None, None) => return Err(AppError::BadRequest("error.bad_request")),
    };
    let provider = CityProvider {
        display_name: checked.display_name,
        issuer_url: checked.issuer_url,
        client_id: checked.client_id,
        secret_nonce,
        secret_sealed,
        staff_must_use: checked.staff_must_use,
    };
    let actor = Actor::user(&access.user, &address);
    let slug = access.city.slug.clone();
    let secret_changed = checked.client_secret.is_some();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now().naive_utc();
                store::save_city_provider(conn, city_id, &provider, now)?;
                record_city_change(
                    conn,
                    &actor,
                    city_id,
                    &slug,
                    json!({
                        "sign_in_provider": provider.issuer_url,
                        "client_id": provider.client_id,
                        "client_secret_changed": secret_changed,
                        "staff_must_use": provider.staff_must_use,
                    }),
                    now,
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    tracing::info!(city.slug = %access.city.slug, "a city's sign-in provider was saved");
    Ok(redirect_with(
        &format!("/c/{}/settings/sign-in", access.city.slug),
        Flash::success("flash.oidc_saved", ""),
    ))
}

pub async fn remove(
    state: web::Data<AppState>,
    Coordinator(access): Coordinator,
    ClientAddress(address): ClientAddress,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = Actor::user(&access.user, &address);
    let (city_id, slug) = (access.city.id, access.city.slug.clone());
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now().naive_utc();
                if store::remove_city_provider(conn, city_id)? {
                    record_city_change(
                        conn,
                        &actor,
                        city_id,
                        &slug,
                        json!({"sign_in_provider": null}),
                        now,
                    )?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(redirect_with(
        &format!("/c/{}/settings/sign-in", access.city.slug),
        Flash::success("flash.oidc_removed", ""),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProviderForm {
        ProviderForm {
            display_name: "Riverton staff".into(),
            issuer_url: "https://id.riverton.example".into(),
            client_id: "lanyard".into(),
            client_secret: "s3cret".into(),
            staff_must_use: None,
        }
    }

    #[test]
    fn a_first_provider_needs_its_secret_and_a_saved_one_keeps_it() {
        let mut f = form();
        f.client_secret.clear();
        assert!(check(&f, false).is_err());
        assert!(check(&f, true).unwrap().client_secret.is_none());
        assert_eq!(
            check(&form(), true).unwrap().client_secret.as_deref(),
            Some("s3cret")
        );
    }

    #[test]
    fn a_plain_http_issuer_elsewhere_than_this_machine_is_refused() {
        let mut f = form();
        f.issuer_url = "http://id.riverton.example".into();
        let errors = check(&f, true).err().unwrap();
        assert_eq!(errors.get("issuer_url"), Some("oidc.field.issuer_invalid"));
    }
}
