//! Verifying one credential: the checks in order, each resolving what it needs in-process
//! (this site's documents from the database, a `did:key` from the key itself) and never over
//! the network, then the verdict.

use chrono::Utc;
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use crate::credentials::{didkey, proof};
use crate::error::AppError;
use crate::state::AppState;
use crate::verify::checks::{self, issuer_id, strings};
use crate::verify::resolve::{self, host_of, SiteDocument};
use crate::verify::{Check, Input, IssuerStanding, Message, Outcome, Rejection, Report, Verdict};

/// Verifies `input` for a site whose public base URL is `base`. The inner error is an input
/// that cannot be verified at all (an address of another host, or of no credential).
pub async fn verify(
    state: &AppState,
    base: &str,
    input: Input,
) -> Result<Result<Report, Rejection>, AppError> {
    let credential = match input {
        Input::Credential(credential) => credential,
        Input::Url(url) => {
            if resolve::path_on_site(base, &url).is_none() {
                return Ok(Err(Rejection::new("url", "verify.error_other_host")));
            }
            let is_credential = |d: &SiteDocument| matches!(d, SiteDocument::Credential { .. });
            match resolve::document_at(state, base, &url, is_credential).await? {
                Some(credential) => credential,
                None => return Ok(Err(Rejection::new("url", "verify.error_unknown_url"))),
            }
        }
    };
    Ok(Ok(check(state, base, credential).await?))
}

/// Runs every check on `credential`.
pub async fn check(state: &AppState, base: &str, credential: Value) -> Result<Report, AppError> {
    let well_formed = checks::well_formed(&credential);
    let (key, issuer_key, listed_here) = issuer_key(state, base, &credential).await?;
    let document = credential.clone();
    // Canonicalization is CPU work: keep it off the async workers.
    let proven = actix_web::web::block(move || {
        proof::verify(&document, |_| key.ok_or("the key was not found"))
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("verifying a proof: {e}")))?;
    let proof = checks::proof(proven);
    let dates = checks::dates(&credential, Utc::now());
    let revocation = revocation(state, base, &credential).await?;
    let issuer = IssuerStanding::of(&proof, &issuer_key, listed_here);
    // Whom it was issued to is said only of a proven credential of this site.
    let issued_to = match (proof.passed(), credential.get("id").and_then(Value::as_str)) {
        (Some(true), Some(id)) => resolve::recipient_of(state, base, id).await?,
        _ => None,
    };
    let checks = vec![well_formed, proof, issuer_key, dates, revocation];
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(Report {
        verdict: Verdict::of(&checks),
        checks,
        name: text(credential.get("name")),
        issuer_name: text(credential.get("issuer").and_then(|i| i.get("name"))),
        issuer_id: issuer_id(&credential).unwrap_or_default().to_string(),
        issuer,
        issued_on: text(
            credential
                .get("validFrom")
                .or_else(|| credential.get("issuanceDate")),
        )
        .chars()
        .take(10)
        .collect(),
        issued_to,
    })
}

/// The name and address an issuer document of this site gives its organization.
type ListedIssuer = Option<(String, String)>;

/// The key the proof names, and whether it is the issuer's: a `did:key` must be the issuer's
/// own DID; any other key must be listed for assertions in the issuer's document on this site,
/// whose organization's name and address come back too.
async fn issuer_key(
    state: &AppState,
    base: &str,
    credential: &Value,
) -> Result<(Option<VerifyingKey>, Check, ListedIssuer), AppError> {
    let (key, check, listed) = issuer_key_and_document(state, base, credential).await?;
    let listed = listed.and_then(|document| {
        let text = |name| document.get(name).and_then(Value::as_str).map(String::from);
        Some((text("name")?, text("url").unwrap_or_default()))
    });
    Ok((key, check, listed))
}

async fn issuer_key_and_document(
    state: &AppState,
    base: &str,
    credential: &Value,
) -> Result<(Option<VerifyingKey>, Check, Option<Value>), AppError> {
    let check = |outcome, message| Check::new("issuer_key", outcome, message);
    let Ok(method) = proof::verification_method_of(credential) else {
        let message = Message::new("verify.issuer_key_no_proof");
        return Ok((None, check(Outcome::NotChecked, message), None));
    };
    let issuer = issuer_id(credential);
    let named = |key| Message::new(key).with("method", method);
    if method.starts_with("did:key:") {
        let Ok(key) = didkey::resolve(method) else {
            return Ok((
                None,
                check(Outcome::Failed, named("verify.issuer_key_unreadable")),
                None,
            ));
        };
        let did = method.split('#').next().unwrap_or_default();
        return Ok(if issuer == Some(did) {
            (
                Some(key),
                check(Outcome::Passed, named("verify.issuer_key_did_key")),
                None,
            )
        } else {
            (
                Some(key),
                check(Outcome::Failed, named("verify.issuer_key_not_issuers")),
                None,
            )
        });
    }
    if method.starts_with("did:") {
        let message = named("verify.issuer_key_unsupported_did");
        return Ok((None, check(Outcome::Failed, message), None));
    }
    if resolve::path_on_site(base, method).is_none() {
        let message = Message::new("verify.issuer_key_other_host").with("host", host_of(method));
        return Ok((None, check(Outcome::Failed, message), None));
    }
    let is_issuer = |d: &SiteDocument| matches!(d, SiteDocument::Issuer { .. });
    match resolve::document_at(state, base, method, is_issuer).await? {
        Some(document) => {
            let (key, check) = checks::key_in_issuer_document(&document, method, issuer);
            Ok((key, check, Some(document)))
        }
        None => Ok((
            None,
            check(Outcome::Failed, named("verify.issuer_key_unknown")),
            None,
        )),
    }
}

/// What one status entry of this site says.
enum Status {
    Active,
    Revoked(String),
    Problem(Message),
}

/// The credential's revocation entries published by this site: `1EdTechRevocationList` (with
/// the reason) and `BitstringStatusListEntry` (purpose `revocation`).
async fn revocation(state: &AppState, base: &str, credential: &Value) -> Result<Check, AppError> {
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        Some(Value::Array(many)) => many.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut statuses = Vec::new();
    let mut other_hosts = Vec::new();
    for entry in &entries {
        let types = strings(entry.get("type"));
        let list_url = if types.contains(&"1EdTechRevocationList") {
            entry.get("id")
        } else if types.contains(&"BitstringStatusListEntry")
            && entry.get("statusPurpose").and_then(Value::as_str) == Some("revocation")
        {
            entry.get("statusListCredential")
        } else {
            continue;
        };
        let Some(url) = list_url.and_then(Value::as_str) else {
            statuses.push(Status::Problem(Message::new(
                "verify.revocation_entry_malformed",
            )));
            continue;
        };
        if resolve::path_on_site(base, url).is_none() {
            other_hosts.push(host_of(url));
            continue;
        }
        statuses.push(status_at(state, base, credential, entry, url).await?);
    }
    let check = |outcome, message| Check::new("revocation", outcome, message);
    if let Some(reason) = statuses.iter().find_map(|s| match s {
        Status::Revoked(reason) if !reason.is_empty() => Some(reason.clone()),
        _ => None,
    }) {
        let message = Message::new("verify.revocation_revoked").with("reason", reason);
        return Ok(check(Outcome::Revoked, message));
    }
    if statuses.iter().any(|s| matches!(s, Status::Revoked(_))) {
        let message = Message::new("verify.revocation_revoked_no_reason");
        return Ok(check(Outcome::Revoked, message));
    }
    if let Some(Status::Problem(message)) =
        statuses.iter().find(|s| matches!(s, Status::Problem(_)))
    {
        return Ok(check(Outcome::Failed, message.clone()));
    }
    Ok(if !statuses.is_empty() {
        check(
            Outcome::Passed,
            Message::new("verify.revocation_not_revoked"),
        )
    } else if let Some(host) = other_hosts.first() {
        let message = Message::new("verify.revocation_other_host").with("host", host.clone());
        check(Outcome::NotChecked, message)
    } else {
        check(Outcome::NotChecked, Message::new("verify.revocation_none"))
    })
}

/// The status of the credential in the list of this site at `url`.
async fn status_at(
    state: &AppState,
    base: &str,
    credential: &Value,
    entry: &Value,
    url: &str,
) -> Result<Status, AppError> {
    let missing =
        || Status::Problem(Message::new("verify.revocation_list_missing").with("url", url));
    let is_bitstring = entry.get("statusListCredential").is_some()
        && strings(entry.get("type")).contains(&"BitstringStatusListEntry");
    if is_bitstring {
        let index = match entry.get("statusListIndex") {
            Some(Value::String(text)) => text.parse::<u64>().ok(),
            Some(Value::Number(number)) => number.as_u64(),
            _ => None,
        };
        let Some(index) = index else {
            return Ok(Status::Problem(Message::new(
                "verify.revocation_entry_malformed",
            )));
        };
        let is_list = |d: &SiteDocument| matches!(d, SiteDocument::StatusList { .. });
        let Some(list) = resolve::document_at(state, base, url, is_list).await? else {
            return Ok(missing());
        };
        let encoded = list["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap_or_default();
        return Ok(match checks::status_bit(encoded, index) {
            Some(true) => Status::Revoked(String::new()),
            Some(false) => Status::Active,
            None => Status::Problem(Message::new("verify.revocation_entry_malformed")),
        });
    }
    let is_list = |d: &SiteDocument| matches!(d, SiteDocument::RevocationList { .. });
    let Some(list) = resolve::document_at(state, base, url, is_list).await? else {
        return Ok(missing());
    };
    let id = credential.get("id").and_then(Value::as_str);
    let revoked = list
        .get("revokedCredentials")
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|r| id.is_some() && r.get("id").and_then(Value::as_str) == id)
        });
    Ok(match revoked {
        Some(entry) => Status::Revoked(
            entry
                .get("revocationReason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        ),
        None => Status::Active,
    })
}
