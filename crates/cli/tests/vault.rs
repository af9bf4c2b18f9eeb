//! `supreme vault ...`, run as a real process on real files.

mod vault_support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use vault_support::*;

#[test]
fn binance_vector_through_the_cli() {
    let e = Env::new();
    assert_ok(&e.put_hmac("binance", &[]));
    // `echo PAYLOAD |` adds a newline: not part of the payload.
    let out = e.run(&["sign", "binance"], &[], &format!("{PAYLOAD}\n"));
    assert_ok(&out);
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
    let out = e.run(&["sign", "binance"], &[], PAYLOAD);
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
    // Two newlines: only one is stripped, so the signature differs.
    let out = e.run(&["sign", "binance"], &[], &format!("{PAYLOAD}\n\n"));
    assert_ne!(stdout(&out).trim_end(), SIGNATURE);
}

#[test]
fn list_and_get_reveal() {
    let e = Env::new();
    assert_ok(&e.put_hmac("binance", &["--expires", "2030-01-01T00:00:00Z"]));
    assert_ok(&e.run(
        &["put", "config"],
        &[],
        "{\"db\":\"postgres://u:p@h/db\"}\n",
    ));
    let out = e.run(&["list"], &[], "");
    assert_ok(&out);
    assert_eq!(
        stdout(&out),
        "binance\thmac\tv1\texpires 2030-01-01T00:00:00Z\nconfig\ttext\tv1\texpires never\n"
    );
    let out = e.run(&["list", "--json"], &[], "");
    assert!(stdout(&out).contains("\"kind\":\"hmac\""));
    let out = e.run(&["get", "binance"], &[], "");
    assert_eq!(code(&out), 2, "get without --reveal is refused as usage");
    let out = e.run(&["get", "binance", "--reveal"], &[], "");
    assert_ok(&out);
    assert_eq!(stdout(&out), format!("{KEY_ID}\n{SECRET}\n"));
    let out = e.run(&["get", "config", "--reveal"], &[], "");
    assert_eq!(stdout(&out), "{\"db\":\"postgres://u:p@h/db\"}\n");
    assert_eq!(code(&e.run(&["get", "nope", "--reveal"], &[], "")), 2);
    assert_eq!(code(&e.put_hmac("binance", &[])), 2, "exists");
    assert_ok(&e.put_hmac("binance", &["--replace"]));
    assert_ok(&e.run(&["remove", "config"], &[], ""));
    assert!(!stdout(&e.run(&["list"], &[], "")).contains("config"));
}

#[test]
fn ed25519_from_pem_signs_verifiably() {
    let e = Env::new();
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend(1u8..=32);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n");
    assert_ok(&e.run(&["put", "ed", "--kind", "ed25519"], &[], &pem));
    let out = e.run(&["sign", "ed"], &[], &format!("{PAYLOAD}\n"));
    assert_ok(&out);
    let sig = base64::engine::general_purpose::STANDARD
        .decode(stdout(&out).trim_end())
        .expect("base64");
    let pair = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).expect("key");
    use ring::signature::KeyPair as _;
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, pair.public_key().as_ref())
        .verify(PAYLOAD.as_bytes(), &sig)
        .expect("signature verifies");
    let out = e.run(&["get", "ed", "--reveal"], &[], "");
    assert_eq!(stdout(&out), pem);
    assert_eq!(
        code(&e.run(&["put", "bad", "--kind", "ed25519"], &[], "not a key")),
        1
    );
}

#[test]
fn refusals_exit_1() {
    let e = Env::new();
    assert_ok(&e.put_hmac("old", &["--expires", "2001-01-01T00:00:00Z"]));
    let out = e.run(&["sign", "old"], &[], PAYLOAD);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
    let out = e.run(&["list"], &[("SUPREME_VAULT_PASSPHRASE", "wrong")], "");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("wrong passphrase"));
    // Placeholders are refused.
    let out = e.run(
        &["put", "p", "--kind", "hmac", "--key-id", KEY_ID],
        &[],
        "your_api_secret\n",
    );
    assert_eq!(code(&out), 1);
    // Tampering: flip one byte.
    let mut bytes = fs::read(&e.path).expect("read");
    let last = bytes.len() - 40;
    bytes[last] ^= 1;
    fs::write(&e.path, &bytes).expect("write");
    let out = e.run(&["verify"], &[], "");
    assert_eq!(code(&out), 1);
}

#[test]
fn unsafe_files_refused_with_fix() {
    let e = Env::new();
    fs::set_permissions(&e.path, fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = e.run(&["list"], &[], "");
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains(&format!("chmod 600 {}", e.p())),
        "{}",
        stderr(&out)
    );
    fs::set_permissions(&e.path, fs::Permissions::from_mode(0o600)).expect("chmod");
    let link = e.dir.path().join("link.vault");
    symlink(&e.path, &link).expect("symlink");
    let out = run_raw(&["vault", "list", link.to_str().expect("utf-8")], &[], b"");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("Symlink"));
}

#[test]
fn passphrase_sources() {
    let e = Env::new();
    let file = e.dir.path().join("pass.txt");
    fs::write(&file, format!("{PASS}\n")).expect("write");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).expect("chmod");
    let f = file.to_str().expect("utf-8");
    let env = [
        ("SUPREME_VAULT_PASSPHRASE", ""),
        ("SUPREME_VAULT_PASSPHRASE_FILE", f),
    ];
    assert_ok(&e.run(&["verify"], &env, ""));
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).expect("chmod");
    assert_eq!(code(&e.run(&["verify"], &env, "")), 1);
    // Neither set, no terminal: a usage error, not a hang.
    let out = e.run(&["verify"], &[("SUPREME_VAULT_PASSPHRASE", "")], "");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("SUPREME_VAULT_PASSPHRASE"));
}

#[test]
fn rotate_and_passwd() {
    let e = Env::new();
    assert_ok(&e.put_hmac("binance", &[]));
    let out = e.run(&["seal", "BINANCE_API_SECRET"], &[], &format!("{SECRET}\n"));
    assert_ok(&out);
    let sealed = stdout(&out);
    assert!(sealed.starts_with("sv1:"));
    let out = e.run(&["unseal", "BINANCE_API_SECRET", "--reveal"], &[], &sealed);
    assert_eq!(stdout(&out), format!("{SECRET}\n"));
    assert_eq!(
        code(&e.run(&["unseal", "OTHER", "--reveal"], &[], &sealed)),
        1
    );

    assert_ok(&e.run(&["rotate"], &[], ""));
    assert!(stdout(&e.run(&["list"], &[], "")).contains("\tv2\t"));
    assert_eq!(
        stdout(&e.run(&["sign", "binance"], &[], PAYLOAD)).trim_end(),
        SIGNATURE
    );
    let out = e.run(&["unseal", "BINANCE_API_SECRET", "--reveal"], &[], &sealed);
    assert_eq!(
        stdout(&out),
        format!("{SECRET}\n"),
        "sealed before rotation: kept"
    );
    assert_ok(&e.run(&["retire", "--below", "2"], &[], ""));
    let out = e.run(&["unseal", "BINANCE_API_SECRET", "--reveal"], &[], &sealed);
    assert_eq!(code(&out), 1, "sealed under a retired version: refused");
    assert!(stderr(&out).contains("stale key version"));

    assert_ok(&e.run(
        &["passwd"],
        &[("SUPREME_VAULT_NEW_PASSPHRASE", "brand new passphrase")],
        "",
    ));
    assert_eq!(code(&e.run(&["list"], &[], "")), 1);
    let out = e.run(
        &["sign", "binance"],
        &[("SUPREME_VAULT_PASSPHRASE", "brand new passphrase")],
        PAYLOAD,
    );
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
}

#[test]
fn verify_rollback_floor() {
    let e = Env::new();
    let old = fs::read(&e.path).expect("read");
    assert_ok(&e.put_hmac("binance", &[]));
    let out = e.run(&["verify", "--min-generation", "2"], &[], "");
    assert_ok(&out);
    assert!(stdout(&out).contains("generation 2"));
    fs::write(&e.path, old).expect("roll back");
    assert_eq!(
        code(&e.run(&["verify", "--min-generation", "2"], &[], "")),
        1
    );
}

fn encrypt_file(e: &Env, input: &Path, output: &Path) -> Output {
    e.run(
        &[
            "encrypt",
            "--in",
            input.to_str().expect("p"),
            "--out",
            output.to_str().expect("p"),
        ],
        &[],
        "",
    )
}

#[test]
fn encrypt_decrypt_files_and_pipes() {
    let e = Env::new();
    let plain = e.dir.path().join("data.bin");
    let data: Vec<u8> = (0..200_000u32)
        .map(|i| u8::try_from(i % 251).expect("< 251"))
        .collect();
    fs::write(&plain, &data).expect("write");
    let enc = e.dir.path().join("data.enc");
    assert_ok(&encrypt_file(&e, &plain, &enc));
    assert_eq!(
        fs::metadata(&enc).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    let dec = e.dir.path().join("data.dec");
    let out = e.run(
        &[
            "decrypt",
            "--in",
            enc.to_str().expect("p"),
            "--out",
            dec.to_str().expect("p"),
        ],
        &[],
        "",
    );
    assert_ok(&out);
    assert_eq!(fs::read(&dec).expect("read"), data);
    // Through pipes.
    let out = e.run(&["encrypt"], &[], "hello pipe");
    assert_ok(&out);
    let mut c = Command::new(env!("CARGO_BIN_EXE_supreme"));
    c.args(["vault", "decrypt", e.p()])
        .env("SUPREME_VAULT_PASSPHRASE", PASS)
        .env("SUPREME_VAULT_STATE_DIR", STATE_DIR)
        .stderr(Stdio::null());
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&out.stdout)
        .expect("write");
    let back = child.wait_with_output().expect("wait");
    assert_eq!(back.stdout, b"hello pipe");
    // Truncated: refused, and no output file appears.
    let mut bytes = fs::read(&enc).expect("read");
    bytes.truncate(bytes.len() - 1000);
    let cut = e.dir.path().join("cut.enc");
    fs::write(&cut, &bytes).expect("write");
    let none = e.dir.path().join("none.dec");
    let out = e.run(
        &[
            "decrypt",
            "--in",
            cut.to_str().expect("p"),
            "--out",
            none.to_str().expect("p"),
        ],
        &[],
        "",
    );
    assert_eq!(code(&out), 1);
    assert!(!none.exists());
    assert_eq!(
        fs::read_dir(e.dir.path()).expect("dir").count(),
        5,
        "no partial files left"
    );
}

/// Waits until `needle` appears in what the reader thread collected.
fn wait_for(buf: &std::sync::Mutex<Vec<u8>>, needle: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if String::from_utf8_lossy(&buf.lock().expect("lock")).contains(needle) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {needle:?} in {:?}",
            buf.lock().expect("lock")
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A real terminal (a pty from `script`): the passphrase is prompted for
/// twice and never echoed.
#[test]
fn prompts_without_echo_on_a_terminal() {
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("prompted.vault");
    let secret = "zq-prompt-secret-77";
    let cmd = format!(
        "{} vault init {}",
        env!("CARGO_BIN_EXE_supreme"),
        path.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("SUPREME_VAULT_PASSPHRASE")
        .env_remove("SUPREME_VAULT_PASSPHRASE_FILE")
        .env("SUPREME_VAULT_INSECURE_TEST_KDF", "1")
        .env("SUPREME_VAULT_STATE_DIR", STATE_DIR)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script (util-linux)");
    let buf = Arc::new(Mutex::new(Vec::new()));
    let mut out = child.stdout.take().expect("stdout");
    let sink = Arc::clone(&buf);
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 256];
        while let Ok(n) = out.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().expect("lock").extend_from_slice(&chunk[..n]);
        }
    });
    let mut input = child.stdin.take().expect("stdin");
    wait_for(&buf, "Vault passphrase:");
    input
        .write_all(format!("{secret}\n").as_bytes())
        .expect("type");
    wait_for(&buf, "Repeat:");
    input
        .write_all(format!("{secret}\n").as_bytes())
        .expect("type");
    wait_for(&buf, "created");
    drop(input);
    let status = child.wait().expect("wait");
    reader.join().expect("reader");
    let shown = String::from_utf8_lossy(&buf.lock().expect("lock")).into_owned();
    assert!(status.success(), "{shown}");
    assert!(!shown.contains(secret), "passphrase echoed: {shown:?}");
    let out = run_raw(
        &["vault", "verify", path.to_str().expect("p")],
        &[("SUPREME_VAULT_PASSPHRASE", secret)],
        b"",
    );
    assert_ok(&out);
}

#[test]
fn binance_key_format_on_request() {
    let e = Env::new();
    assert_ok(&e.put_hmac("ok", &["--exchange", "binance"]));
    let short = &SECRET[..63];
    let args = [
        "put",
        "bad",
        "--kind",
        "hmac",
        "--key-id",
        KEY_ID,
        "--exchange",
        "binance",
    ];
    let out = e.run(&args, &[], &format!("{short}\n"));
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("64 letters and digits"),
        "{}",
        stderr(&out)
    );
    // Without --exchange the generic checks accept it.
    let args = ["put", "generic", "--kind", "hmac", "--key-id", KEY_ID];
    assert_ok(&e.run(&args, &[], &format!("{short}\n")));
}
