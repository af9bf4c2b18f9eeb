//! SPKI pinning in OkHttp's form (`sha256/<base64>`), with a backup pin required.
//!
//! A pin is the SHA-256 of a certificate's DER SubjectPublicKeyInfo. A host's
//! pins match if a certificate of the path webpki *verified* (end entity,
//! the intermediates it used, the trust anchor's key) has one of them; the
//! extra certificates a server sends do not count (OkHttp CVE-2016-2402). A
//! pin set needs at least two pins (the live key and a backup), so a key
//! rotation never bricks the bot.

use base64::Engine as _;

use crate::Error;

/// One pin: SHA-256 of a SubjectPublicKeyInfo.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pin([u8; 32]);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_string())
    }
}

impl std::fmt::Display for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sha256/{}",
            base64::engine::general_purpose::STANDARD.encode(self.0)
        )
    }
}

impl std::str::FromStr for Pin {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidPin { pin: s.to_string() };
        let b64 = s.strip_prefix("sha256/").ok_or_else(bad)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| bad())?;
        Ok(Self(bytes.try_into().map_err(|_| bad())?))
    }
}

impl Pin {
    /// The pin of a DER SubjectPublicKeyInfo.
    pub fn of_spki(spki_der: &[u8]) -> Self {
        let d = ring::digest::digest(&ring::digest::SHA256, spki_der);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }

    /// The pin of a DER certificate, if its SPKI can be found.
    pub fn of_cert(cert_der: &[u8]) -> Option<Self> {
        spki_of_cert(cert_der).map(Self::of_spki)
    }
}

/// Pins for one host: at least two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinSet {
    host: String,
    pins: Vec<Pin>,
}

impl PinSet {
    /// Pins for `host` (normalized like the allowlist); at least one backup required.
    pub fn new(host: &str, pins: &[&str]) -> Result<Self, Error> {
        let host = crate::policy::normalize_name(host)?;
        let pins = pins
            .iter()
            .map(|p| p.parse())
            .collect::<Result<Vec<Pin>, _>>()?;
        let mut unique = pins.clone();
        unique.sort_unstable_by_key(|p| p.0);
        unique.dedup();
        if unique.len() < 2 {
            return Err(Error::NoBackupPin { host });
        }
        Ok(Self { host, pins })
    }

    /// The host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The pins.
    pub fn pins(&self) -> &[Pin] {
        &self.pins
    }

    /// Checks a chain (leaf first): `Ok` if any certificate has a listed pin;
    /// otherwise the error lists the chain's actual pins.
    ///
    /// Give it only a path that was verified (as the client's verifier
    /// does, through webpki's built path), never the certificates a server
    /// sent: anyone can send a copy of the pinned certificate.
    pub fn check_chain<'a>(&self, chain: impl IntoIterator<Item = &'a [u8]>) -> Result<(), Error> {
        let mut actual = Vec::new();
        for cert in chain {
            let pin = Pin::of_cert(cert);
            if pin.is_some_and(|p| self.pins.contains(&p)) {
                return Ok(());
            }
            actual.push(pin.map_or_else(|| "unparsable certificate".into(), |p| p.to_string()));
        }
        Err(Error::PinMismatch {
            host: self.host.clone(),
            expected: self.pins.iter().map(Pin::to_string).collect(),
            actual,
        })
    }
}

/// One DER TLV: (tag, header length, content length).
fn tlv(der: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *der.first()?;
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for b in der.get(2..2 + n)? {
        len = (len << 8) | usize::from(*b);
    }
    Some((tag, 2 + n, len))
}

/// The content of the SEQUENCE at the start of `der`.
fn inner_seq(der: &[u8]) -> Option<&[u8]> {
    let (tag, h, l) = tlv(der)?;
    (tag == 0x30).then_some(())?;
    der.get(h..h.checked_add(l)?)
}

/// The whole element at the start of `der` and what follows it.
fn split_elem(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, h, l) = tlv(der)?;
    let end = h.checked_add(l)?;
    Some((der.get(..end)?, der.get(end..)?))
}

/// The DER SubjectPublicKeyInfo of an X.509 certificate.
pub fn spki_of_cert(cert: &[u8]) -> Option<&[u8]> {
    let mut tbs = inner_seq(inner_seq(cert)?)?;
    if tbs.first() == Some(&0xa0) {
        tbs = split_elem(tbs)?.1; // [0] version
    }
    // serialNumber, signature, issuer, validity, subject
    for _ in 0..5 {
        tbs = split_elem(tbs)?.1;
    }
    let (spki, _) = split_elem(tbs)?;
    (spki.first() == Some(&0x30)).then_some(spki)
}

mod path;
pub(crate) use path::check_verified_path;

#[cfg(test)]
mod tests;
