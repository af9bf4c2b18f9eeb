//! vault: each path beside its raw primitive, measured in the same run.
//!
//! - `sign/vault_hmac` vs `sign/raw_ring_hmac` (+ `raw_ring_hmac_hex`): the
//!   Binance example payload; target ≤ 1.3x raw.
//! - `open_entry/vault_reveal` vs `open_entry/raw_hchacha_ring_open` (the
//!   XChaCha20-Poly1305 construction the vault uses, bare) and
//!   `raw_rustcrypto_xchacha_decrypt` (the portable crate): one entry of an
//!   open vault; target ≤ 5 µs.
//! - `stream/vault_encrypt` vs `stream/raw_ring_chacha20poly1305`: 16 MiB in
//!   64 KiB chunks; target ≥ 0.8x raw and ≥ 8x Python Fernet (~110 MB/s).
//! - `kdf/vault_open_calibrated` vs `kdf/raw_argon2id`: opening a vault with
//!   the default (calibrated) Argon2id parameters; target 0.25 to 1 s.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::hmac;
use supreme_security::vault::secrecy::SecretString;
use supreme_security::vault::{EntrySecret, KdfParams, OpenOptions, Vault};

const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const KEY_ID: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const PAYLOAD: &[u8] =
    b"symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";

fn vault() -> Vault {
    let pass = SecretString::from("bench");
    let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests()).unwrap();
    let secret = EntrySecret::Hmac {
        key_id: KEY_ID.into(),
        secret: SecretString::from(SECRET),
    };
    v.put("binance", &secret, Some(4_000_000_000)).unwrap();
    v
}

fn sign(c: &mut Criterion) {
    let v = vault();
    let signer = v.signer("binance").unwrap();
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());
    let mut plain = vault();
    plain
        .put(
            "no_expiry",
            &EntrySecret::Hmac {
                key_id: KEY_ID.into(),
                secret: SecretString::from(SECRET),
            },
            None,
        )
        .unwrap();
    let no_expiry = plain.signer("no_expiry").unwrap();
    let mut g = c.benchmark_group("sign");
    g.bench_function("vault_hmac", |b| {
        b.iter(|| signer.sign(black_box(PAYLOAD)).unwrap())
    });
    g.bench_function("vault_hmac_no_expiry", |b| {
        b.iter(|| no_expiry.sign(black_box(PAYLOAD)).unwrap())
    });
    g.bench_function("raw_ring_hmac", |b| {
        b.iter(|| hmac::sign(&key, black_box(PAYLOAD)))
    });
    g.bench_function("raw_ring_hmac_hex", |b| {
        b.iter(|| {
            let tag = hmac::sign(&key, black_box(PAYLOAD));
            let mut out = [0u8; 64];
            for (i, byte) in tag.as_ref().iter().enumerate() {
                out[2 * i] = b"0123456789abcdef"[usize::from(byte >> 4)];
                out[2 * i + 1] = b"0123456789abcdef"[usize::from(byte & 15)];
            }
            out
        })
    });
    g.finish();
}

fn open_entry(c: &mut Criterion) {
    let v = vault();
    let cipher = XChaCha20Poly1305::new(&[7u8; 32].into());
    let nonce = XNonce::from([9u8; 24]);
    let aad = [0u8; 64];
    let plain = [1u8; 130];
    let ct = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: &plain,
                aad: &aad,
            },
        )
        .unwrap();
    let mut g = c.benchmark_group("open_entry");
    g.bench_function("vault_reveal", |b| {
        b.iter(|| v.reveal(black_box("binance")).unwrap())
    });
    g.bench_function("raw_hchacha_ring_open", |b| {
        b.iter(|| {
            let sub = chacha20::hchacha::<chacha20::R20>(&[7u8; 32].into(), (&[9u8; 16]).into());
            let key =
                LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, sub.as_slice()).unwrap());
            let mut buf = black_box(&ct).clone();
            let n = Nonce::assume_unique_for_key([0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9]);
            key.open_in_place(n, Aad::from(&aad), &mut buf)
                .unwrap()
                .len()
        })
    });
    g.bench_function("raw_rustcrypto_xchacha_decrypt", |b| {
        b.iter(|| {
            cipher
                .decrypt(
                    &nonce,
                    Payload {
                        msg: black_box(&ct),
                        aad: &aad,
                    },
                )
                .unwrap()
        })
    });
    g.finish();
}

fn stream(c: &mut Criterion) {
    const LEN: usize = 16 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    let v = vault();
    let data = vec![0x5au8; LEN];
    let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &[3u8; 32]).unwrap());
    let mut buf = vec![0u8; CHUNK];
    let mut g = c.benchmark_group("stream");
    g.throughput(Throughput::Bytes(LEN as u64));
    g.sample_size(20);
    g.bench_function("vault_encrypt", |b| {
        b.iter(|| {
            v.encrypt_stream(&mut black_box(&data[..]), &mut std::io::sink())
                .unwrap()
        })
    });
    g.bench_function("raw_ring_chacha20poly1305", |b| {
        b.iter(|| {
            for (i, chunk) in data.chunks(CHUNK).enumerate() {
                buf.copy_from_slice(chunk);
                let mut n = [0u8; 12];
                n[4..].copy_from_slice(&(i as u64).to_be_bytes());
                let tag = key.seal_in_place_separate_tag(
                    Nonce::assume_unique_for_key(n),
                    Aad::empty(),
                    &mut buf,
                );
                let _: ring::aead::Tag = black_box(tag.unwrap());
            }
        })
    });
    g.finish();
}

fn kdf(c: &mut Criterion) {
    let pass = SecretString::from("bench");
    let calibrated = KdfParams::default();
    let bytes = Vault::create(&pass, calibrated)
        .unwrap()
        .to_bytes()
        .unwrap();
    println!(
        "kdf: calibrated Argon2id m = {} KiB, t = {}, p = {}",
        calibrated.memory_kib(),
        calibrated.passes(),
        calibrated.lanes()
    );
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(
            calibrated.memory_kib(),
            calibrated.passes(),
            calibrated.lanes(),
            Some(32),
        )
        .unwrap(),
    );
    let mut g = c.benchmark_group("kdf");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(6));
    g.bench_function("vault_open_calibrated", |b| {
        b.iter(|| Vault::from_bytes(black_box(&bytes), &pass, &OpenOptions::default()).unwrap())
    });
    g.bench_function("raw_argon2id", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            argon
                .hash_password_into(b"bench", &[1u8; 16], &mut out)
                .unwrap();
            out
        })
    });
    g.finish();
}

criterion_group!(benches, sign, open_entry, stream, kdf);
criterion_main!(benches);
