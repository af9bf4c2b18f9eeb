use std::io::{Cursor, Read};

use super::*;
use crate::VaultError;
use crate::test_support::*;

fn encrypt(v: &Vault, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let n = v
        .encrypt_stream(&mut Cursor::new(data), &mut out)
        .expect("encrypt");
    assert_eq!(n, data.len() as u64);
    out
}

fn decrypt(v: &Vault, data: &[u8]) -> Result<Vec<u8>, VaultError> {
    let mut out = Vec::new();
    v.decrypt_stream(&mut Cursor::new(data), &mut out)
        .map(|_| out)
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from(i * 31 % 251).expect("< 251"))
        .collect()
}

#[test]
fn round_trips_at_chunk_boundaries() {
    let v = new_vault();
    for len in [
        0,
        1,
        CHUNK_SIZE - 1,
        CHUNK_SIZE,
        CHUNK_SIZE + 1,
        3 * CHUNK_SIZE,
        3 * CHUNK_SIZE + 7,
    ] {
        let data = pattern(len);
        let enc = encrypt(&v, &data);
        assert_eq!(enc.len(), HEADER_LEN + len + (len / CHUNK_SIZE + 1) * TAG);
        assert_eq!(decrypt(&v, &enc).expect("decrypt"), data, "len {len}");
    }
}

#[test]
fn truncation_reorder_drop_and_duplicate_detected() {
    let v = new_vault();
    let data = pattern(3 * CHUNK_SIZE + 100);
    let enc = encrypt(&v, &data);
    let c = CHUNK_SIZE + TAG;
    let chunk = |i: usize| &enc[HEADER_LEN + i * c..(HEADER_LEN + (i + 1) * c).min(enc.len())];
    let header = &enc[..HEADER_LEN];
    // Truncated at a chunk boundary (the short final chunk dropped).
    let at_boundary = [header, chunk(0), chunk(1), chunk(2)].concat();
    assert!(decrypt(&v, &at_boundary).is_err());
    // Inside a chunk, and at every cut in the last few hundred bytes.
    for cut in (enc.len() - 300..enc.len()).chain([HEADER_LEN, HEADER_LEN + 5, HEADER_LEN + c + 1])
    {
        assert!(decrypt(&v, &enc[..cut]).is_err(), "cut at {cut}");
    }
    // Reordered, dropped, duplicated chunks.
    for bad in [
        [header, chunk(1), chunk(0), chunk(2), chunk(3)].concat(),
        [header, chunk(0), chunk(2), chunk(3)].concat(),
        [header, chunk(0), chunk(0), chunk(1), chunk(2), chunk(3)].concat(),
        [header, chunk(0), chunk(1), chunk(2), chunk(3), chunk(3)].concat(),
    ] {
        assert!(decrypt(&v, &bad).is_err());
    }
    // A flipped byte anywhere in a small stream.
    let small = encrypt(&v, b"hello stream");
    for i in 0..small.len() {
        let mut bad = small.clone();
        bad[i] ^= 0x40;
        assert!(decrypt(&v, &bad).is_err(), "flip at {i}");
    }
}

#[test]
fn other_vault_and_old_key_version_refused() {
    let mut v = new_vault();
    let enc = encrypt(&v, b"data");
    assert!(matches!(
        decrypt(&new_vault(), &enc),
        Err(VaultError::Stream(_))
    ));
    v.rotate().expect("rotate");
    assert!(matches!(
        decrypt(&v, &enc),
        Err(VaultError::StaleKeyVersion {
            found: 1,
            current: 2
        })
    ));
}

/// A reader of `len` bytes generated on the fly: nothing is held in memory.
struct Generated {
    left: u64,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = usize::try_from(self.left.min(buf.len() as u64)).expect("fits");
        buf[..n].fill(0x5a);
        self.left -= n as u64;
        Ok(n)
    }
}

/// Counts bytes and keeps only a running checksum.
#[derive(Default)]
struct Sink {
    bytes: u64,
    sum: u64,
}

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len() as u64;
        self.sum = buf.iter().fold(self.sum, |s, &b| {
            s.wrapping_mul(31).wrapping_add(u64::from(b))
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn large_stream_in_flat_memory() {
    // 32 MiB through a fixed buffer; the file never exists in memory.
    let v = new_vault();
    let len = 32 * 1024 * 1024u64;
    let mut file = tempfile::tempfile().expect("tempfile");
    v.encrypt_stream(&mut Generated { left: len }, &mut file)
        .expect("encrypt");
    std::io::Seek::rewind(&mut file).expect("rewind");
    let mut sink = Sink::default();
    assert_eq!(
        v.decrypt_stream(&mut file, &mut sink).expect("decrypt"),
        len
    );
    assert_eq!(sink.bytes, len);
}
