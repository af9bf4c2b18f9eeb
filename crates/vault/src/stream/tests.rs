use std::io::{Cursor, Read};

use super::*;
use crate::Error;
use crate::test_support::*;

fn encrypt(v: &Vault, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let n = v
        .encrypt_stream(&mut Cursor::new(data), &mut out)
        .expect("encrypt");
    assert_eq!(n, data.len() as u64);
    out
}

fn decrypt(v: &Vault, data: &[u8]) -> Result<Vec<u8>, Error> {
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
    assert!(matches!(decrypt(&new_vault(), &enc), Err(Error::Stream(_))));
    v.rotate().expect("rotate");
    assert_eq!(decrypt(&v, &enc).expect("kept after rotate"), b"data");
    v.retire_below(2).expect("retire");
    assert!(matches!(
        decrypt(&v, &enc),
        Err(Error::StaleKeyVersion {
            found: 1,
            current: 2
        })
    ));
}

fn reseal(v: &Vault, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    v.reseal_stream(&mut Cursor::new(data), &mut out)
        .map(|_| out)
}

#[test]
fn reseal_round_trips_at_chunk_boundaries_under_the_newest_version() {
    let mut v = new_vault();
    let lens = [0, 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 7];
    let old: Vec<Vec<u8>> = lens.iter().map(|&n| encrypt(&v, &pattern(n))).collect();
    v.rotate().expect("rotate");
    let new: Vec<Vec<u8>> = old.iter().map(|e| reseal(&v, e).expect("reseal")).collect();
    v.retire_below(2).expect("retire");
    for ((len, old), new) in lens.iter().zip(&old).zip(&new) {
        assert_eq!(new.len(), old.len(), "same layout, len {len}");
        assert_eq!(new[9..13], 2u32.to_be_bytes(), "header records version 2");
        assert_eq!(decrypt(&v, new).expect("decrypt"), pattern(*len));
        assert!(decrypt(&v, old).is_err());
    }
}

#[test]
fn reseal_refuses_truncated_altered_or_foreign_streams() {
    let v = new_vault();
    let enc = encrypt(&v, &pattern(2 * CHUNK_SIZE + 5));
    let chunk = CHUNK_SIZE + 16;
    for cut in [enc.len() - 1, 65 + chunk, 65 + 2 * chunk, 65, 10] {
        assert!(reseal(&v, &enc[..cut]).is_err(), "cut at {cut}");
    }
    let mut bad = enc.clone();
    bad[65 + chunk + 3] ^= 1;
    assert!(matches!(reseal(&v, &bad), Err(Error::Stream(_))));
    assert!(matches!(reseal(&new_vault(), &enc), Err(Error::Stream(_))));
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
