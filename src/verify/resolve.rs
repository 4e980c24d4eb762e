//! Documents of this site, resolved in-process from the database exactly as their URLs serve
//! them: credentials of awards, issuer profiles, revocation lists and status lists. No URL is
//! ever fetched over the network; an address of another host resolves to nothing.

use serde_json::Value;

use crate::awards;
use crate::error::AppError;
use crate::orgs::issuer;
use crate::state::AppState;
use crate::tenancy::{self, City};

/// A document this site publishes, named by its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiteDocument {
    Credential {
        city: String,
        award: String,
    },
    /// An organization's issuer profile, or (with no organization) the city's own.
    Issuer {
        city: String,
        org: Option<String>,
    },
    RevocationList {
        city: String,
        org: String,
    },
    StatusList {
        city: String,
        org: String,
        list: i64,
    },
}

impl SiteDocument {
    /// The document at `path` (as [`path_on_site`] returns it), if this site publishes one there.
    pub fn parse(path: &str) -> Option<SiteDocument> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        let owned = |s: &&str| s.to_string();
        match segments.as_slice() {
            ["c", city, "awards", award] => Some(SiteDocument::Credential {
                city: owned(city),
                award: owned(award),
            }),
            ["c", city, "awards", award, download] if is_download(download) => {
                Some(SiteDocument::Credential {
                    city: owned(city),
                    award: owned(award),
                })
            }
            ["c", city, "orgs", org, "issuer"] => Some(SiteDocument::Issuer {
                city: owned(city),
                org: Some(owned(org)),
            }),
            ["c", city, "issuer"] => Some(SiteDocument::Issuer {
                city: owned(city),
                org: None,
            }),
            ["c", city, "orgs", org, "revocations"] => Some(SiteDocument::RevocationList {
                city: owned(city),
                org: owned(org),
            }),
            ["c", city, "orgs", org, "status", list] => Some(SiteDocument::StatusList {
                city: owned(city),
                org: owned(org),
                list: list.parse().ok().filter(|n: &i64| *n >= 0)?,
            }),
            _ => None,
        }
    }

    fn city(&self) -> &str {
        match self {
            SiteDocument::Credential { city, .. }
            | SiteDocument::Issuer { city, .. }
            | SiteDocument::RevocationList { city, .. }
            | SiteDocument::StatusList { city, .. } => city,
        }
    }
}

/// The award's downloads that carry its credential: `credential.json`, `badge.png`, `badge.svg`.
fn is_download(file: &str) -> bool {
    matches!(
        file.rsplit_once('.'),
        Some(("credential", "json") | ("badge", "png" | "svg"))
    )
}

/// The path of `url` (without query or fragment) when `url` is on this site, whose public base
/// URL is `base` (no trailing slash); `None` for any other host, port or scheme.
pub fn path_on_site<'a>(base: &str, url: &'a str) -> Option<&'a str> {
    let prefix = url.get(..base.len())?;
    if base.is_empty() || !prefix.eq_ignore_ascii_case(base) {
        return None;
    }
    let rest = &url[base.len()..];
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    (path.is_empty() || path.starts_with('/')).then_some(path)
}

/// The host (and port) of a URL, to name it in a message.
pub fn host_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    host.chars().take(100).collect()
}

/// `Ok(None)` for a document that does not exist; other errors stay errors.
fn found<T>(result: Result<T, AppError>) -> Result<Option<T>, AppError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(AppError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The award of this site a credential's `id` names, if it is one: its city and public id.
pub fn award_of(base: &str, credential_id: &str) -> Option<(String, String)> {
    match SiteDocument::parse(path_on_site(base, credential_id)?)? {
        SiteDocument::Credential { city, award } => Some((city, award)),
        _ => None,
    }
}

/// Who a credential of this site was issued to, as its award page names them to anyone: the
/// youth's display name only if they let it show, else a learner of the city.
pub async fn recipient_of(
    state: &AppState,
    base: &str,
    credential_id: &str,
) -> Result<Option<crate::verify::Recipient>, AppError> {
    let Some((slug, award)) = award_of(base, credential_id) else {
        return Ok(None);
    };
    let Some(city) = city(state, &slug).await? else {
        return Ok(None);
    };
    let city_id = city.id;
    let found = state
        .db
        .run(move |conn| {
            let Some(award) = crate::awards::store::find_by_public_id(conn, city_id, &award)?
            else {
                return Ok(None);
            };
            let (shows, _) = crate::awards::name_on_page(conn, &award, None)?;
            Ok(Some((award.recipient_name, shows)))
        })
        .await?;
    Ok(found.map(|(name, shows)| {
        if shows {
            crate::verify::Recipient::Named(name)
        } else {
            crate::verify::Recipient::LearnerOf(city.name.clone())
        }
    }))
}

async fn city(state: &AppState, slug: &str) -> Result<Option<City>, AppError> {
    found(tenancy::resolve_city(state, Some(slug.to_string())).await)
}

/// The document as its URL on this site serves it (a status list unsigned: it comes from this
/// site's own database, so there is no signature to check), or `None` if there is none.
pub async fn document(
    state: &AppState,
    base: &str,
    document: &SiteDocument,
) -> Result<Option<Value>, AppError> {
    let Some(city) = city(state, document.city()).await? else {
        return Ok(None);
    };
    let result = match document {
        SiteDocument::Credential { award, .. } => {
            awards::credential::ensure(state, base, &city, award)
                .await
                .map(|(credential, _)| credential)
        }
        SiteDocument::Issuer { org, .. } => {
            issuer::profile_document(state, base, &city, org.as_deref()).await
        }
        SiteDocument::RevocationList { org, .. } => {
            issuer::revocation_list_document(state, base, &city, org).await
        }
        SiteDocument::StatusList { org, list, .. } => {
            issuer::unsigned_status_list(state, base, &city, org, *list)
                .await
                .map(|(_, list)| list)
        }
    };
    found(result)
}

/// The document at `url` if it is on this site and of the kind `wanted` accepts.
pub async fn document_at(
    state: &AppState,
    base: &str,
    url: &str,
    wanted: fn(&SiteDocument) -> bool,
) -> Result<Option<Value>, AppError> {
    let target = path_on_site(base, url)
        .and_then(SiteDocument::parse)
        .filter(wanted);
    match target {
        Some(target) => document(state, base, &target).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://lanyard.example";

    #[test]
    fn only_urls_of_this_base_are_on_this_site() {
        assert_eq!(
            path_on_site(BASE, "https://lanyard.example/c/x/awards/1#frag"),
            Some("/c/x/awards/1")
        );
        assert_eq!(
            path_on_site(BASE, "HTTPS://Lanyard.example/c/x?y"),
            Some("/c/x")
        );
        for other in [
            "https://lanyard.example.evil.org/c/x",
            "https://lanyard.example@evil.org/c/x",
            "https://lanyard.example:8443/c/x",
            "http://lanyard.example/c/x",
            "https://evil.org/https://lanyard.example/c/x",
            "https://lanyard.exampl",
        ] {
            assert_eq!(path_on_site(BASE, other), None, "{other}");
        }
        assert_eq!(path_on_site("", "https://evil.org/"), None);
    }

    #[test]
    fn the_documents_of_this_site_are_recognised_by_path() {
        assert_eq!(
            SiteDocument::parse("/c/riverton/awards/abc/badge.png"),
            Some(SiteDocument::Credential {
                city: "riverton".into(),
                award: "abc".into()
            })
        );
        assert_eq!(
            SiteDocument::parse("/c/riverton/orgs/library/status/0"),
            Some(SiteDocument::StatusList {
                city: "riverton".into(),
                org: "library".into(),
                list: 0
            })
        );
        assert_eq!(
            SiteDocument::parse("/c/riverton/orgs/library/status/-1"),
            None
        );
        assert_eq!(SiteDocument::parse("/c/riverton/badges/x"), None);
        assert_eq!(SiteDocument::parse("/c//awards/x"), None);
        assert_eq!(host_of("https://user@evil.org:444/path"), "evil.org:444");
    }
}
