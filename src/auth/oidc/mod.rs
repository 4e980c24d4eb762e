//! Sign-in with OpenID Connect: the platform's provider (settings) and each city's own (its
//! settings page), the authorization code flow with PKCE (S256), and how a provider's person
//! becomes a Lanyard account.
//!
//! The flow: `GET /signin/oidc` stores a sign-in under way (state, nonce, PKCE verifier; only the
//! state's SHA-256 as its key), puts the state in a short cookie and sends the browser to the
//! provider. `GET /signin/oidc/callback` takes that row once (it must match the cookie), redeems
//! the code with the verifier and checks the ID token against the keys the provider publishes
//! (signature, issuer, audience, expiry, nonce). Every call to a provider is bounded by
//! `oidc.timeout_ms`. Any failure ends on a page that says what happened, with a 4xx status, and
//! neither creates nor links an account; failures are counted per address like other guesses.
//!
//! Accounts, in order:
//! 1. an identity (issuer, subject) already linked signs its account in;
//! 2. otherwise, an e-mail the provider says is verified and that is an account's e-mail links
//!    that account (and confirms its address there); an account whose address had not been
//!    confirmed is first signed out everywhere, so whoever made it with someone else's address
//!    loses it;
//! 3. otherwise nothing is created: the page points to the city's sign-up, where the age and
//!    consent rules of `auth::signup` apply (a provider says nothing of a person's age, so no
//!    account, youth or adult, is made from it). After signing up with the same address, the
//!    button links the account.
//!
//! A city may require its staff (coordinators, staff of its organizations) to sign in through
//! its provider: their password sign-in is refused, and so is a sign-in through another
//! provider. The platform operator is exempt, so a provider that is down never locks the
//! platform out.

pub mod client;
pub mod handlers;
pub mod pages;
pub mod settings;
pub mod store;

use crate::ids::CityId;
use crate::signing::master::MasterKey;

/// Which provider a sign-in goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderKey {
    Platform,
    City(CityId),
}

impl ProviderKey {
    /// The value kept with a sign-in under way and posted by a button: `platform` or `city:{id}`.
    pub fn tag(self) -> String {
        match self {
            ProviderKey::Platform => "platform".to_string(),
            ProviderKey::City(city) => format!("city:{}", city.0),
        }
    }

    pub fn parse(tag: &str) -> Option<ProviderKey> {
        if tag == "platform" {
            return Some(ProviderKey::Platform);
        }
        let id = tag.strip_prefix("city:")?.parse().ok()?;
        Some(ProviderKey::City(CityId(id)))
    }
}

/// A provider as a sign-in needs it: where it is and this deployment's client there.
#[derive(Clone)]
pub struct Provider {
    pub key: ProviderKey,
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("key", &self.key)
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Why a sign-in through a provider ended without signing anyone in. Each has a sentence of
/// its own on the page; none creates or links an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No such provider (removed meanwhile, or a made-up button).
    UnknownProvider,
    /// The state came back unknown, used, expired or from another browser.
    State,
    /// The provider did not answer in time, or answered with an error page.
    Unreachable,
    /// The provider sent the person back with an error (cancelled, or a client it refuses).
    Refused,
    /// The answer names another issuer than the one the sign-in went to.
    Issuer,
    /// The token endpoint refused the code: expired, used, or not ours.
    Code,
    /// The ID token is not signed by any key the provider publishes.
    Signature,
    /// The ID token's nonce is not this sign-in's.
    Nonce,
    /// Another claim is wrong (issuer, audience, expiry) or there is no ID token.
    Claims,
    /// No account is linked and the provider does not vouch for the e-mail address.
    EmailUnverified,
    /// No account is linked or uses the (verified) address.
    NoAccount,
    /// The account is staff of a city that asks its staff to use its own provider.
    StaffMustUseCity,
}

impl Failure {
    /// The catalogue key of the sentence that says what happened and what to do.
    pub fn message(self) -> &'static str {
        match self {
            Failure::UnknownProvider => "oidc.failure.unknown_provider",
            Failure::State => "oidc.failure.state",
            Failure::Unreachable => "oidc.failure.unreachable",
            Failure::Refused => "oidc.failure.refused",
            Failure::Issuer => "oidc.failure.issuer",
            Failure::Code => "oidc.failure.code",
            Failure::Signature => "oidc.failure.signature",
            Failure::Nonce => "oidc.failure.nonce",
            Failure::Claims => "oidc.failure.claims",
            Failure::EmailUnverified => "oidc.failure.email_unverified",
            Failure::NoAccount => "oidc.failure.no_account",
            Failure::StaffMustUseCity => "oidc.failure.staff_must_use_city",
        }
    }

    /// A short name for the log.
    pub fn name(self) -> &'static str {
        match self {
            Failure::UnknownProvider => "unknown_provider",
            Failure::State => "state",
            Failure::Unreachable => "unreachable",
            Failure::Refused => "refused",
            Failure::Issuer => "issuer",
            Failure::Code => "code",
            Failure::Signature => "signature",
            Failure::Nonce => "nonce",
            Failure::Claims => "claims",
            Failure::EmailUnverified => "email_unverified",
            Failure::NoAccount => "no_account",
            Failure::StaffMustUseCity => "staff_must_use_city",
        }
    }
}

/// A button of the sign-in page.
#[derive(Clone, Debug)]
pub struct ProviderButton {
    /// The `provider` value the button posts.
    pub tag: String,
    pub display_name: String,
}

/// What every request shares about OpenID Connect.
pub struct Oidc {
    pub http: openidconnect::reqwest::Client,
    /// The platform's provider, when configured.
    pub platform: Option<Provider>,
    /// Seals cities' client secrets; `None` when no key is configured (then cities cannot save
    /// a provider).
    pub sealer: Option<MasterKey>,
}

impl Oidc {
    pub fn from_settings(settings: &crate::settings::OidcSettings) -> anyhow::Result<Oidc> {
        let timeout = std::time::Duration::from_millis(settings.timeout_ms.max(1));
        let http = openidconnect::reqwest::Client::builder()
            // Following redirects would let a provider's answer send us anywhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()?;
        let platform = match settings.issuer_url.trim() {
            "" => None,
            issuer => {
                let issuer = store::issuer_url(issuer).map_err(|_| {
                    anyhow::anyhow!(
                        "oidc.issuer_url must be an https URL (http only for localhost)"
                    )
                })?;
                if settings.client_id.trim().is_empty() || settings.client_secret.is_empty() {
                    anyhow::bail!(
                        "with LANYARD__OIDC__ISSUER_URL set, LANYARD__OIDC__CLIENT_ID and LANYARD__OIDC__CLIENT_SECRET are needed too"
                    );
                }
                let name = settings.display_name.trim();
                Some(Provider {
                    key: ProviderKey::Platform,
                    display_name: if name.is_empty() {
                        issuer.clone()
                    } else {
                        name.to_string()
                    },
                    issuer_url: issuer,
                    client_id: settings.client_id.trim().to_string(),
                    client_secret: settings.client_secret.clone(),
                })
            }
        };
        Ok(Oidc {
            http,
            platform,
            sealer: sealer(settings)?,
        })
    }
}

/// The key that seals cities' client secrets: the setting, else the file; a new file when
/// generation is on; none at all otherwise (platform sign-in still works).
fn sealer(settings: &crate::settings::OidcSettings) -> anyhow::Result<Option<MasterKey>> {
    let Some((key, source)) = MasterKey::load_from(
        &settings.secret_key,
        &settings.secret_key_file,
        settings.generate_secret_key,
    )
    .map_err(|e| anyhow::anyhow!("oidc.secret_key: {e}"))?
    else {
        return Ok(None);
    };
    if let crate::signing::master::MasterKeySource::Generated(path) = source {
        tracing::warn!(
            oidc.secret_key_file = %path,
            "generated a new key for cities' OpenID client secrets (development only; production needs LANYARD__OIDC__SECRET_KEY)"
        );
    }
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_key_reads_back_what_it_wrote() {
        for key in [ProviderKey::Platform, ProviderKey::City(CityId(42))] {
            assert_eq!(ProviderKey::parse(&key.tag()), Some(key));
        }
        assert_eq!(ProviderKey::parse("city:x"), None);
        assert_eq!(ProviderKey::parse("other"), None);
    }

    #[test]
    fn without_a_key_or_generation_no_city_secret_can_be_sealed() {
        let settings = crate::settings::OidcSettings::default();
        assert!(sealer(&settings).unwrap().is_none());
        let with_key = crate::settings::OidcSettings {
            secret_key: MasterKey::generate_base64(),
            ..crate::settings::OidcSettings::default()
        };
        assert!(sealer(&with_key).unwrap().is_some());
    }

    #[test]
    fn a_platform_issuer_needs_its_client_and_https() {
        let mut settings = crate::settings::OidcSettings {
            issuer_url: "https://id.example.org".into(),
            ..crate::settings::OidcSettings::default()
        };
        assert!(Oidc::from_settings(&settings).is_err());
        settings.client_id = "lanyard".into();
        settings.client_secret = "s3cret".into();
        let oidc = Oidc::from_settings(&settings).unwrap();
        assert_eq!(
            oidc.platform.unwrap().display_name,
            "https://id.example.org"
        );
        settings.issuer_url = "http://id.example.org".into();
        assert!(Oidc::from_settings(&settings).is_err());
    }
}
