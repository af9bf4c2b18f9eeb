//! The rustls client configuration: ring provider, webpki-roots, TLS 1.2 or
//! later, and a verifier that checks SPKI pins after normal verification,
//! against the path webpki verified (never the extra certificates sent).

use std::collections::HashMap;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};

use crate::danger::ExtraRoots;
use crate::pin::{PinSet, check_verified_path};
use crate::{EgressPolicy, Error};

/// Normal webpki verification, then the host's pins if it has any, matched
/// against the path webpki builds from the end entity to a trust anchor.
#[derive(Debug)]
struct PinningVerifier {
    inner: Arc<WebPkiServerVerifier>,
    roots: Arc<RootCertStore>,
    algs: WebPkiSupportedAlgorithms,
    pins: HashMap<String, PinSet>,
    /// For the HTTP client: an IP-literal host is refused here, in the
    /// handshake, unless the policy lists it (reqwest does not resolve a
    /// literal, so no resolver hook sees it). `None` for the resolver's
    /// DNS-over-TLS connections.
    literals: Option<Arc<EgressPolicy>>,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let (ServerName::IpAddress(ip), Some(policy)) = (server_name, &self.literals) {
            let addr = std::net::IpAddr::from(*ip);
            if !policy.allows_literal(addr) {
                return Err(ours(Error::IpLiteralNotAllowed { addr }));
            }
        }
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if let ServerName::DnsName(name) = server_name
            && let Some(set) = self.pins.get(name.as_ref())
        {
            check_verified_path(
                set,
                &self.roots.roots,
                self.algs.all,
                end_entity,
                intermediates,
                now,
            )
            .map_err(ours)?;
        }
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Our error as a certificate error, found again by [`find_our_error`].
fn ours(e: Error) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(e))))
}

/// A client config: ring, TLS 1.3 and 1.2, webpki-roots plus `extra`, pins;
/// with `literals`, IP-literal hosts the policy does not list are refused.
pub(crate) fn client_config(
    pins: &[PinSet],
    extra: &ExtraRoots,
    literals: Option<Arc<EgressPolicy>>,
) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = pinning_verifier(&provider, pins, extra, literals)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| Error::Config(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn pinning_verifier(
    provider: &Arc<rustls::crypto::CryptoProvider>,
    pins: &[PinSet],
    extra: &ExtraRoots,
    literals: Option<Arc<EgressPolicy>>,
) -> Result<PinningVerifier, Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for ca in &extra.certs {
        roots
            .add(ca.clone())
            .map_err(|e| Error::Config(format!("extra root: {e}")))?;
    }
    let roots = Arc::new(roots);
    let inner = WebPkiServerVerifier::builder_with_provider(roots.clone(), provider.clone())
        .build()
        .map_err(|e| Error::Config(e.to_string()))?;
    Ok(PinningVerifier {
        inner,
        roots,
        algs: provider.signature_verification_algorithms,
        pins: pins
            .iter()
            .map(|p| (p.host().to_string(), p.clone()))
            .collect(),
        literals,
    })
}

/// Finds our own error (a pin mismatch) inside a reqwest/hyper/rustls error
/// chain, looking inside `io::Error`s too (their `source` skips the payload).
pub(crate) fn find_our_error(err: &(dyn std::error::Error + 'static)) -> Option<Error> {
    find_depth(err, 0)
}

fn find_depth(e: &(dyn std::error::Error + 'static), depth: u8) -> Option<Error> {
    if depth > 16 {
        return None;
    }
    if let Some(ours) = e.downcast_ref::<Error>() {
        return Some(ours.clone());
    }
    if let Some(rustls::Error::InvalidCertificate(CertificateError::Other(other))) =
        e.downcast_ref::<rustls::Error>()
        && let Some(ours) = other.0.downcast_ref::<Error>()
    {
        return Some(ours.clone());
    }
    if let Some(inner) = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        && let Some(found) = find_depth(inner, depth + 1)
    {
        return Some(found);
    }
    e.source().and_then(|s| find_depth(s, depth + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTTP client's verifier refuses an unlisted IP-literal host before
    /// looking at the certificate; a listed one goes on to normal
    /// verification (which this empty certificate then fails).
    #[test]
    fn unlisted_ip_literals_are_refused_in_the_handshake() {
        let listed: std::net::IpAddr = "8.8.4.4".parse().unwrap_or(std::net::IpAddr::from([0; 4]));
        let policy = Arc::new(EgressPolicy::builder().allow_ip_literal(listed).build());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let Ok(verifier) = pinning_verifier(&provider, &[], &ExtraRoots::default(), Some(policy))
        else {
            panic!("verifier");
        };
        let cert = CertificateDer::from(Vec::new());
        let verify = |ip: [u8; 4]| {
            let name = ServerName::IpAddress(std::net::IpAddr::from(ip).into());
            verifier.verify_server_cert(&cert, &[], &name, &[], UnixTime::now())
        };
        let refused = verify([8, 8, 8, 8]).err().and_then(|e| find_our_error(&e));
        assert_eq!(
            refused,
            Some(Error::IpLiteralNotAllowed {
                addr: std::net::IpAddr::from([8, 8, 8, 8])
            })
        );
        let other = verify([8, 8, 4, 4]).err().and_then(|e| find_our_error(&e));
        assert_eq!(other, None, "a listed literal is verified as usual");
        assert!(verify([8, 8, 4, 4]).is_err());
    }
}
