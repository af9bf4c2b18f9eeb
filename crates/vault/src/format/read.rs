//! Strict parsing, before any cryptography.

use super::{
    Header, MAC_LEN, MAGIC, MAX_CIPHERTEXT, MAX_ENTRIES, MAX_FILE, MAX_KEY_VERSIONS, Parsed,
    SealedEntry, VERSION, VERSION_1, WrappedKey, check_name,
};
use crate::entry::EntryKind;
use crate::error::Error;
use crate::kdf::{KdfLimits, KdfParams};

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(Error::Malformed("length overflow"))?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(Error::Malformed("truncated"))?;
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    fn i64(&mut self) -> Result<i64, Error> {
        Ok(i64::from_be_bytes(self.array()?))
    }
}

/// Parses a whole file. KDF parameters are checked against `limits` here,
/// so nothing expensive happens for a hostile header.
pub(crate) fn parse<'a>(bytes: &'a [u8], limits: &KdfLimits) -> Result<Parsed<'a>, Error> {
    if bytes.len() > MAX_FILE {
        return Err(Error::Limit("vault file over 64 MiB"));
    }
    let body_len = bytes
        .len()
        .checked_sub(MAC_LEN)
        .ok_or(Error::Malformed("truncated"))?;
    let (authenticated, mac) = bytes.split_at(body_len);
    let mac: &[u8; MAC_LEN] = mac.try_into().map_err(|_| Error::Malformed("truncated"))?;
    let mut c = Cursor {
        buf: authenticated,
        pos: 0,
    };
    if c.take(8)? != MAGIC {
        return Err(Error::Malformed("bad magic"));
    }
    let format = c.u16()?;
    if format != VERSION && format != VERSION_1 {
        return Err(Error::UnsupportedVersion(format));
    }
    let header = parse_header(&mut c, format, limits)?;
    let count = usize::try_from(c.u32()?).map_err(|_| Error::Limit("too many entries"))?;
    if count > MAX_ENTRIES {
        return Err(Error::Limit("too many entries"));
    }
    let mut entries: Vec<SealedEntry> = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let e = parse_entry(&mut c)?;
        if let Some(prev) = entries.last()
            && prev.name.as_str() >= e.name.as_str()
        {
            return Err(Error::Malformed("entry names not strictly ascending"));
        }
        entries.push(e);
    }
    if c.pos != authenticated.len() {
        return Err(Error::Malformed("trailing bytes"));
    }
    Ok(Parsed {
        header,
        entries,
        authenticated,
        mac,
    })
}

fn parse_header(c: &mut Cursor<'_>, format: u16, limits: &KdfLimits) -> Result<Header, Error> {
    let vault_id = c.array()?;
    let generation = c.u64()?;
    if c.u8()? != 1 {
        return Err(Error::Malformed("unknown key-derivation algorithm"));
    }
    let (m, t, p) = (c.u32()?, c.u32()?, c.u32()?);
    let kdf = KdfParams::unchecked(m, t, p)?;
    limits.check(&kdf)?;
    let salt = c.array()?;
    let keys = if format == VERSION_1 {
        vec![parse_wrapped(c)?]
    } else {
        parse_ring(c)?
    };
    Ok(Header {
        format,
        vault_id,
        generation,
        kdf,
        salt,
        keys,
    })
}

fn parse_wrapped(c: &mut Cursor<'_>) -> Result<WrappedKey, Error> {
    Ok(WrappedKey {
        version: c.u32()?,
        nonce: c.array()?,
        wrapped: c.array()?,
    })
}

/// The version 2 key ring: 1..=MAX_KEY_VERSIONS keys, versions >= 1 and
/// strictly ascending.
fn parse_ring(c: &mut Cursor<'_>) -> Result<Vec<WrappedKey>, Error> {
    let count = usize::from(c.u16()?);
    if count == 0 {
        return Err(Error::Malformed("empty key ring"));
    }
    if count > MAX_KEY_VERSIONS {
        return Err(Error::Limit("too many key versions"));
    }
    let mut keys: Vec<WrappedKey> = Vec::with_capacity(count);
    for _ in 0..count {
        let k = parse_wrapped(c)?;
        let floor = keys.last().map_or(0, |prev| prev.version);
        if k.version <= floor {
            return Err(Error::Malformed("key versions not strictly ascending"));
        }
        keys.push(k);
    }
    Ok(keys)
}

fn parse_entry(c: &mut Cursor<'_>) -> Result<SealedEntry, Error> {
    let name_len = usize::from(c.u16()?);
    let name = std::str::from_utf8(c.take(name_len)?)
        .map_err(|_| Error::Malformed("entry name not UTF-8"))?
        .to_owned();
    check_name(&name).map_err(|_| Error::Malformed("bad entry name"))?;
    let kind = EntryKind::from_code(c.u8()?).ok_or(Error::Malformed("unknown entry kind"))?;
    let key_version = c.u32()?;
    let has_expiry = c.u8()?;
    let raw_expiry = c.i64()?;
    let expires = match (has_expiry, raw_expiry) {
        (0, 0) => None,
        (1, t) => Some(t),
        _ => return Err(Error::Malformed("bad expiry encoding")),
    };
    let nonce = c.array()?;
    let ct_len = usize::try_from(c.u32()?).map_err(|_| Error::Limit("entry too large"))?;
    if ct_len > MAX_CIPHERTEXT {
        return Err(Error::Limit("entry too large"));
    }
    if ct_len < 16 {
        return Err(Error::Malformed("ciphertext shorter than its tag"));
    }
    let ciphertext = c.take(ct_len)?.to_vec();
    Ok(SealedEntry {
        name,
        kind,
        key_version,
        expires,
        nonce,
        ciphertext,
    })
}
