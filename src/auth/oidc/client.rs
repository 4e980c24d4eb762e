//! The calls to a provider: discovery (its endpoints and published keys), the authorization
//! URL with PKCE, the code's redemption and the ID token's checks. No database, no HTTP types
//! of our own; every call is bounded by the client's timeout (`Oidc::http`).

use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse,
};

use crate::auth::oidc::{Failure, Provider};

/// Where to send the browser, and what to keep until it comes back.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in, from an ID token whose signature and claims were checked.
#[derive(Clone, Debug)]
pub struct VerifiedPerson {
    pub issuer: String,
    pub subject: String,
    /// Lower-case.
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// The provider's discovery document and published keys.
pub async fn discover(
    http: &openidconnect::reqwest::Client,
    issuer: &str,
) -> Result<CoreProviderMetadata, Failure> {
    let issuer = IssuerUrl::new(issuer.to_string()).map_err(|_| Failure::Unreachable)?;
    CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID provider discovery failed");
            Failure::Unreachable
        })
}

fn redirect_url(redirect_uri: &str) -> Result<RedirectUrl, Failure> {
    RedirectUrl::new(redirect_uri.to_string()).map_err(|_| Failure::Unreachable)
}

/// A provider's client once discovered: its endpoints and published keys known, and
/// `redirect_uri` set.
pub type ProviderClient = openidconnect::core::CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Discovers `provider` and builds its client, returning to `redirect_uri`.
async fn client_for(
    http: &openidconnect::reqwest::Client,
    provider: &Provider,
    redirect_uri: &str,
) -> Result<ProviderClient, Failure> {
    let metadata = discover(http, &provider.issuer_url).await?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.clone())),
    )
    .set_redirect_uri(redirect_url(redirect_uri)?))
}

/// The authorization request: code flow, `openid email profile`, a random state and nonce,
/// and a PKCE challenge (S256).
pub async fn authorize(
    http: &openidconnect::reqwest::Client,
    provider: &Provider,
    redirect_uri: &str,
) -> Result<Authorization, Failure> {
    let client = client_for(http, provider, redirect_uri).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_string()))
        .add_scope(Scope::new("profile".to_string()))
        .set_pkce_challenge(challenge)
        .url();
    Ok(Authorization {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Redeems `code` with the PKCE verifier and checks the ID token against the provider's
/// published keys: signature, issuer, audience, expiry and `nonce`.
pub async fn redeem(
    http: &openidconnect::reqwest::Client,
    provider: &Provider,
    redirect_uri: &str,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> Result<VerifiedPerson, Failure> {
    let client = client_for(http, provider, redirect_uri).await?;
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|_| Failure::Unreachable)?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
        .request_async(http)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(answer) => {
                tracing::info!(oidc.error = %answer.error(), "the provider refused the code");
                Failure::Code
            }
            other => {
                tracing::warn!(error = %other, "OpenID token request failed");
                Failure::Unreachable
            }
        })?;
    let id_token = response.id_token().ok_or(Failure::Claims)?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_string()))
        .map_err(|e| {
            tracing::info!(error = %e, "an ID token was refused");
            match e {
                ClaimsVerificationError::SignatureVerification(_) => Failure::Signature,
                ClaimsVerificationError::InvalidNonce(_) => Failure::Nonce,
                _ => Failure::Claims,
            }
        })?;
    Ok(VerifiedPerson {
        issuer: claims.issuer().as_str().to_string(),
        subject: claims.subject().as_str().to_string(),
        email: claims
            .email()
            .map(|e| e.as_str().trim().to_ascii_lowercase()),
        email_verified: claims.email_verified() == Some(true),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string()),
    })
}
