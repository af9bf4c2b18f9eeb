//! Pins matched against the path webpki verified, never against the
//! certificates the server merely sent (the flaw of OkHttp CVE-2016-2402).
//!
//! A server may send any extra certificate it likes: a man in the middle
//! with a mis-issued leaf appends the real, public, pinned leaf or
//! intermediate. Only the certificates webpki chained from the end entity to
//! a trust anchor, and that anchor's key, count.

use std::cell::RefCell;

use rustls::pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};

use super::{Pin, PinSet};
use crate::Error;

/// Builds the path from `end_entity` to one of `anchors` as webpki does, and
/// accepts it only if one of its certificates (end entity, intermediates
/// used, or the anchor's key) has one of the pins. Other valid paths are
/// tried when the first lacks a pin (a cross-signed chain).
pub(crate) fn check_verified_path(
    pins: &PinSet,
    anchors: &[TrustAnchor<'_>],
    algs: &[&dyn SignatureVerificationAlgorithm],
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    now: UnixTime,
) -> Result<(), Error> {
    let mismatch = |actual: Vec<String>| Error::PinMismatch {
        host: pins.host().to_string(),
        expected: pins.pins().iter().map(Pin::to_string).collect(),
        actual,
    };
    let cert = webpki::EndEntityCert::try_from(end_entity)
        .map_err(|e| mismatch(vec![format!("unparsable end entity: {e}")]))?;
    // The pins of the first verified path refused, for the error.
    let refused: RefCell<Option<Vec<String>>> = RefCell::new(None);
    let pinned = |path: &webpki::VerifiedPath<'_>| {
        let spkis = path_pins(path);
        if spkis.iter().any(|p| pins.pins().contains(p)) {
            return Ok(());
        }
        refused
            .borrow_mut()
            .get_or_insert_with(|| spkis.iter().map(Pin::to_string).collect());
        Err(webpki::Error::UnknownIssuer)
    };
    match cert.verify_for_usage(
        algs,
        anchors,
        intermediates,
        now,
        webpki::KeyUsage::server_auth(),
        None,
        Some(&pinned),
    ) {
        Ok(_) => Ok(()),
        Err(e) => Err(mismatch(
            refused
                .into_inner()
                .unwrap_or_else(|| vec![format!("no verified path: {e}")]),
        )),
    }
}

/// The pins of a verified path: end entity, intermediates, anchor.
fn path_pins(path: &webpki::VerifiedPath<'_>) -> Vec<Pin> {
    let mut out = vec![Pin::of_spki(&path.end_entity().subject_public_key_info())];
    out.extend(
        path.intermediate_certificates()
            .map(|c| Pin::of_spki(&c.subject_public_key_info())),
    );
    out.push(Pin::of_spki(&webpki::spki_for_anchor(path.anchor())));
    out
}
