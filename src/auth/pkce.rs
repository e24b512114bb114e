//! The authorization-code flow with PKCE (the default workflow; docs/auth.md, "Authorization code with PKCE"): bind the loopback
//! listener, open `/authorize` in the browser, receive the code on the redirect, and trade it
//! (with the verifier) for a token.

use std::io::Write;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::config::UrlAction;
use crate::store::RegisterClientData;

use super::error::{AuthError, SdkFailure, classify};
use super::loopback::Loopback;
use super::registration::{GRANT_AUTHORIZATION_CODE, SCOPE};
use super::{AccessToken, Authenticator};

/// base64url without padding of `n` random bytes (48 → a 64-character verifier).
pub(crate) fn random_b64(n: usize) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new(vec![0u8; n]);
    rand::rng().fill_bytes(&mut bytes);
    Zeroizing::new(URL_SAFE_NO_PAD.encode(&*bytes))
}

/// The S256 code challenge: base64url-nopad(SHA-256(verifier)) (RFC 7636 §4.2).
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Where `/authorize` lives: the registration's `authorizationEndpoint` (with `/authorize`
/// added when missing), else `<fallback_base>/authorize`.
pub fn authorize_endpoint(reg: &RegisterClientData, fallback_base: &str) -> String {
    let base = reg
        .authorization_endpoint
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .unwrap_or(fallback_base)
        .trim_end_matches('/');
    if base.ends_with("/authorize") {
        base.to_owned()
    } else {
        format!("{base}/authorize")
    }
}

/// The browser URL: `endpoint?client_id&code_challenge&code_challenge_method=S256&
/// redirect_uri&response_type=code&scopes=sso:account:access&state`.
pub fn authorize_url(
    endpoint: &str,
    client_id: &str,
    challenge: &str,
    redirect_uri: &str,
    state: &str,
) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scopes", SCOPE)
        .append_pair("state", state)
        .finish();
    format!("{endpoint}?{query}")
}

impl Authenticator {
    /// Run the PKCE flow with registration `reg`; saves and returns the new token.
    pub(crate) async fn pkce_login(
        &self,
        reg: &RegisterClientData,
        action: UrlAction,
        out: &mut (dyn Write + Send),
    ) -> Result<AccessToken, AuthError> {
        // Bind first: the browser may come back before we would otherwise be listening.
        let loopback = Loopback::bind().await?;
        let redirect_uri = loopback.redirect_uri();
        let verifier = random_b64(48);
        let state = random_b64(24);
        let endpoint = authorize_endpoint(reg, &self.endpoints.authorize_base);
        let url = authorize_url(
            &endpoint,
            &reg.client_id,
            &code_challenge(&verifier),
            &redirect_uri,
            &state,
        );
        self.show_url(action, &url, out);
        tracing::debug!("Waiting for SSO authentication...");
        let code = loopback.wait(&state, self.settings.pkce_timeout).await?;

        let started = Instant::now();
        let sent = self
            .clients
            .oidc
            .create_token()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .grant_type(GRANT_AUTHORIZATION_CODE)
            .code(code.as_str())
            .code_verifier(verifier.as_str())
            .redirect_uri(&redirect_uri)
            .send()
            .await;
        let reply = sent.map_err(
            |e| match classify("CreateToken", &self.endpoints.oidc, &e) {
                SdkFailure::Service { code, .. } if code == "AccessDeniedException" => {
                    AuthError::LoginDenied
                }
                SdkFailure::Service { code, message } => AuthError::Service {
                    operation: "CreateToken",
                    code,
                    message,
                },
                SdkFailure::Other(e) => e,
            },
        )?;
        let token = self.save_token(&reply, None).await?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "PKCE login: token obtained and saved after the browser step"
        );
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_state_and_challenge_have_the_rfc_shapes() {
        let v = random_b64(48);
        assert_eq!(v.len(), 64);
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(random_b64(24).len(), 32);
        assert_ne!(*random_b64(48), *v);
        // RFC 7636 Appendix B.
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn authorize_endpoint_prefers_the_registration() {
        let mut reg = RegisterClientData::default();
        let aws = "https://oidc.eu-west-1.amazonaws.com";
        assert_eq!(authorize_endpoint(&reg, aws), format!("{aws}/authorize"));
        reg.authorization_endpoint = Some("http://127.0.0.1:9/".into());
        assert_eq!(
            authorize_endpoint(&reg, aws),
            "http://127.0.0.1:9/authorize"
        );
        reg.authorization_endpoint = Some("http://127.0.0.1:9/authorize".into());
        assert_eq!(
            authorize_endpoint(&reg, aws),
            "http://127.0.0.1:9/authorize"
        );
    }

    #[test]
    fn authorize_url_lists_parameters_alphabetically() {
        let u = authorize_url(
            "https://o/authorize",
            "cid",
            "ch",
            "http://127.0.0.1:5",
            "st",
        );
        assert_eq!(
            u,
            "https://o/authorize?client_id=cid&code_challenge=ch&code_challenge_method=S256&\
             redirect_uri=http%3A%2F%2F127.0.0.1%3A5&response_type=code&scopes=sso%3Aaccount%3Aaccess&state=st"
        );
    }
}
