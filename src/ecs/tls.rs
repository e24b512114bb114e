//! TLS for the ECS server and its clients (docs/ecs-protocol.md): PEM certificate chains and
//! private keys (as `setup ecs ssl` stores them) turned into rustls configurations, and the
//! checks `setup ecs ssl` runs before storing anything. Errors never quote key material.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("no certificate found (expected a PEM \"CERTIFICATE\" block)")]
    NoCertificate,
    #[error("the certificate PEM cannot be read: {0}")]
    CertPem(String),
    #[error("the first certificate is not valid X.509: {0}")]
    NotX509(String),
    #[error("no private key found (expected a PEM \"PRIVATE KEY\" block, PKCS#8)")]
    NoKey,
    #[error("the private key does not belong to the certificate, or is unusable: {0}")]
    Mismatch(String),
    #[error("TLS set-up failed: {0}")]
    Setup(String),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Every certificate in `pem`, in order; at least one.
pub fn parse_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::CertPem(e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    Ok(certs)
}

/// The first private key in `pem` (PKCS#8; PKCS#1 and SEC1 are accepted too).
pub fn parse_private_key(pem: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    // The PEM error could carry a fragment of the input: name no details.
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|_| TlsError::NoKey)
}

/// `setup ecs ssl`'s certificate check: PEM, and the first block parses as X.509.
pub fn check_certificate(pem: &str) -> Result<(), TlsError> {
    let certs = parse_certificates(pem)?;
    // Making it a trust anchor parses the certificate's structure (webpki).
    RootCertStore::empty()
        .add(certs[0].clone())
        .map_err(|e| TlsError::NotX509(e.to_string()))
}

/// The server's configuration: the chain (leaf first) and its key. Fails when they don't
/// match, so `setup ecs ssl` can refuse a pair the server could not use.
pub fn server_config(cert_pem: &str, key_pem: &str) -> Result<Arc<ServerConfig>, TlsError> {
    check_certificate(cert_pem)?;
    let certs = parse_certificates(cert_pem)?;
    let key = parse_private_key(key_pem)?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Mismatch(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The clients' configuration: the system's roots plus the server's own certificate chain
/// (`extra_pem`, from the secure store), so a self-signed server certificate is trusted.
pub fn client_config(extra_pem: Option<&str>) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for e in &native.errors {
        tracing::debug!("system certificate store: {e}");
    }
    roots.add_parsable_certificates(native.certs);
    if let Some(pem) = extra_pem {
        for cert in parse_certificates(pem)? {
            roots
                .add(cert)
                .map_err(|e| TlsError::NotX509(e.to_string()))?;
        }
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_without_quoting_it() {
        assert!(matches!(
            check_certificate("hello"),
            Err(TlsError::NoCertificate)
        ));
        let fake = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let err = check_certificate(fake).unwrap_err();
        assert!(matches!(err, TlsError::NotX509(_)), "{err}");
        let key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleQ==\n-----END PRIVATE KEY-----\n";
        // Parses as PEM, but is no key: the server config refuses it, naming no bytes.
        let err = server_config(fake, key).unwrap_err().to_string();
        assert!(!err.contains("c2VjcmV0"), "{err}");
        assert!(matches!(parse_private_key("nothing"), Err(TlsError::NoKey)));
    }

    #[test]
    fn client_config_builds_with_system_roots_only() {
        client_config(None).unwrap();
    }
}
