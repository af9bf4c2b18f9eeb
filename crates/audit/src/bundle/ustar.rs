//! The one tar form a bundle is written in, and a strict reader of it.
//!
//! Every entry is a POSIX ustar regular file whose 512-byte header is a
//! function of its name and size alone (mode 0600, owner 0, mtime 0, no
//! prefix, no link, no user or group name); contents are padded with zero
//! bytes to a 512-byte boundary; two zero blocks end the archive and nothing
//! follows them. The reader rebuilds the header it expects from the name and
//! size it read and compares all 512 bytes, and requires the padding and the
//! end to be zero and the file to end there: no byte of a bundle escapes
//! the check (unlike a general tar reader, which ignores mtime, padding and
//! anything after the end marker). The output is an ordinary tar file
//! (`tar -tvf BUNDLE` lists it).

use std::io::{self, Read, Write};

/// The tar block size.
pub(crate) const BLOCK: usize = 512;
/// The largest entry size the 11 octal digits of a ustar header can hold.
pub(crate) const MAX_SIZE: u64 = 0o77_777_777_777;
/// The longest entry name (ustar's name field, no prefix).
pub(crate) const MAX_NAME: usize = 100;

/// Whether `name` may name an entry: 1 to 100 bytes of `A-Z a-z 0-9 . _ -`
/// in `/`-separated components, none empty, `.` or `..`.
pub(crate) fn valid_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(text.as_bytes());
    field[digits] = 0;
}

/// The header of an entry `name` of `size` bytes (`name` valid, `size` at
/// most [`MAX_SIZE`]).
pub(crate) fn header(name: &str, size: u64) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], 0o600);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size.min(MAX_SIZE));
    octal(&mut h[136..148], 0);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    octal(&mut h[329..337], 0);
    octal(&mut h[337..345], 0);
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    octal(&mut h[148..155], u64::from(sum));
    h[155] = b' ';
    h
}

/// Zero bytes that pad `size` bytes of content to a block boundary.
pub(crate) fn padding(size: u64) -> usize {
    let rest = usize::try_from(size % BLOCK as u64).unwrap_or(0);
    if rest == 0 { 0 } else { BLOCK - rest }
}

/// Writes the end of an archive: two zero blocks.
pub(crate) fn write_end(out: &mut impl Write) -> io::Result<()> {
    out.write_all(&[0u8; 2 * BLOCK])
}

/// What a header block says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Header {
    /// An entry of this name and size, its header canonical.
    Entry { name: String, size: u64 },
    /// A zero block: the end marker begins.
    End,
}

/// Reads exactly `buf.len()` bytes; `Ok(false)` when the input ends first.
pub(crate) fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut done = 0;
    while done < buf.len() {
        match input.read(&mut buf[done..]) {
            Ok(0) => return Ok(false),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Parses one header block, which must be the canonical one for its name and
/// size, or a zero block; `Err` says why it is not.
pub(crate) fn parse_header(h: &[u8; BLOCK]) -> Result<Header, String> {
    if h.iter().all(|b| *b == 0) {
        return Ok(Header::End);
    }
    let len = h[..MAX_NAME]
        .iter()
        .position(|b| *b == 0)
        .unwrap_or(MAX_NAME);
    let name = std::str::from_utf8(&h[..len])
        .ok()
        .filter(|n| valid_name(n))
        .ok_or_else(|| "entry name is not a valid bundle path".to_owned())?;
    let size_field = &h[124..135];
    let size = std::str::from_utf8(size_field)
        .ok()
        .filter(|s| s.bytes().all(|b| (b'0'..=b'7').contains(&b)))
        .and_then(|s| u64::from_str_radix(s, 8).ok())
        .ok_or_else(|| format!("{name}: size field is not 11 octal digits"))?;
    if header(name, size) != *h {
        return Err(format!("{name}: header is not the one this format writes"));
    }
    Ok(Header::Entry {
        name: name.to_owned(),
        size,
    })
}
