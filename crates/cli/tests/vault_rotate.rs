//! The fault: `supreme vault rotate` used to drop every older data-key
//! version, so every `sv1:` value and stream sealed before it was refused,
//! without a warning. Replayed with real files and the real `supreme`
//! binary: rotate keeps older versions readable and says so; `reseal`
//! moves entries, values and streams to the newest version; `retire
//! --below N` drops what is older, only once no entry needs it, and never
//! the newest.

mod vault_support;

use std::fs;
use std::path::Path;
use std::process::Output;

use vault_support::{Env, PASS, SECRET, assert_ok, code, stderr, stdout};

const LABEL: &str = "BINANCE_API_SECRET";

fn seal(e: &Env) -> String {
    let out = e.run(&["seal", LABEL], &[], &format!("{SECRET}\n"));
    assert_ok(&out);
    stdout(&out)
}

fn unseal(e: &Env, sealed: &str) -> Output {
    e.run(&["unseal", LABEL, "--reveal"], &[], sealed)
}

/// 200 KiB of varied bytes: four chunks, the last one partial.
fn plain_file(e: &Env) -> (std::path::PathBuf, Vec<u8>) {
    let data: Vec<u8> = (0..200 * 1024u32)
        .map(|i| u8::try_from(i % 251).expect("byte"))
        .collect();
    let path = e.dir.path().join("trades.db");
    fs::write(&path, &data).expect("write plaintext");
    (path, data)
}

fn stream(e: &Env, cmd: &str, input: &Path, output: &Path) -> Output {
    let (i, o) = (
        input.to_str().expect("utf-8"),
        output.to_str().expect("utf-8"),
    );
    e.run(&[cmd, "--in", i, "--out", o], &[], "")
}

fn held(e: &Env) -> String {
    let out = e.run(&["verify"], &[], "");
    assert_ok(&out);
    let text = stdout(&out);
    let start = text.find("(held: ").expect("held versions");
    let end = text[start..].find(')').expect("closing paren") + start;
    text[start + 7..end].to_owned()
}

#[test]
fn rotate_keeps_values_and_streams_sealed_before_readable_and_says_so() {
    let e = Env::new();
    assert_ok(&e.put_hmac("binance", &[]));
    let sealed = seal(&e);
    let (plain, data) = plain_file(&e);
    let enc = e.dir.path().join("trades.db.enc");
    assert_ok(&stream(&e, "encrypt", &plain, &enc));

    let out = e.run(&["rotate"], &[], "");
    assert_ok(&out);
    let said = stderr(&out);
    assert!(said.contains("data key version 2"), "{said}");
    assert!(
        said.contains("version 1 still decrypts values and streams sealed before"),
        "{said}"
    );
    assert!(
        said.contains(&format!("supreme vault retire {} --below 2", e.p())),
        "{said}"
    );

    let out = unseal(&e, &sealed);
    assert_ok(&out);
    assert_eq!(stdout(&out), format!("{SECRET}\n"));
    let back = e.dir.path().join("trades.back");
    assert_ok(&stream(&e, "decrypt", &enc, &back));
    assert_eq!(fs::read(&back).expect("decrypted"), data);
    assert!(stdout(&e.run(&["list"], &[], "")).contains("binance\thmac\tv2\t"));
    assert_eq!(held(&e), "1, 2");
}

#[test]
fn retire_refuses_while_an_entry_is_sealed_under_a_retired_version() {
    let e = Env::new();
    assert_ok(&e.put_hmac("binance", &[]));
    // passwd starts version 2 and leaves the entry sealed under version 1.
    assert_ok(&e.run(&["passwd"], &[("SUPREME_VAULT_NEW_PASSPHRASE", PASS)], ""));
    let before = fs::read(&e.path).expect("read");
    let out = e.run(&["retire", "--below", "2"], &[], "");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("entry \"binance\" is still sealed under key version 1"),
        "{said}"
    );
    assert!(
        said.contains(&format!("supreme vault reseal {}", e.p())),
        "{said}"
    );
    assert_eq!(fs::read(&e.path).expect("read"), before, "file unchanged");
    assert_eq!(held(&e), "1, 2");

    let out = e.run(&["reseal"], &[], "");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("resealed 1 entry under key version 2"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&e.run(&["list"], &[], "")).contains("binance\thmac\tv2\t"));
    assert_ok(&e.run(&["retire", "--below", "2"], &[], ""));
    assert_eq!(held(&e), "2");
}

#[test]
fn reseal_then_retire_refuses_the_old_value_and_stream_and_opens_the_resealed() {
    let e = Env::new();
    assert_ok(&e.put_hmac("binance", &[]));
    let old_value = seal(&e);
    let (plain, data) = plain_file(&e);
    let old_stream = e.dir.path().join("trades.db.enc");
    assert_ok(&stream(&e, "encrypt", &plain, &old_stream));
    assert_ok(&e.run(&["rotate"], &[], ""));

    let out = e.run(&["reseal", "--value", LABEL], &[], &old_value);
    assert_ok(&out);
    let new_value = stdout(&out);
    assert!(new_value.starts_with("sv1:") && new_value != old_value);
    let new_stream = e.dir.path().join("trades.db.enc2");
    let (i, o) = (
        old_stream.to_str().expect("utf-8"),
        new_stream.to_str().expect("utf-8"),
    );
    assert_ok(&e.run(&["reseal", "--stream", "--in", i, "--out", o], &[], ""));
    // In place: the output replaces the input only once all of it is re-sealed.
    let in_place = e.dir.path().join("in-place.enc");
    fs::copy(&old_stream, &in_place).expect("copy");
    let p = in_place.to_str().expect("utf-8");
    assert_ok(&e.run(&["reseal", "--stream", "--in", p, "--out", p], &[], ""));
    // Entries: rotate already moved them; reseal says so and changes nothing.
    let out = e.run(&["reseal"], &[], "");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("every entry is already sealed under key version 2"),
        "{}",
        stderr(&out)
    );

    let out = e.run(&["retire", "--below", "2"], &[], "");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("retired version 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(held(&e), "2");

    let out = unseal(&e, &old_value);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("stale key version 1"),
        "{}",
        stderr(&out)
    );
    let out = unseal(&e, &new_value);
    assert_ok(&out);
    assert_eq!(stdout(&out), format!("{SECRET}\n"));

    let back = e.dir.path().join("trades.back");
    let out = stream(&e, "decrypt", &old_stream, &back);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("stale key version 1"),
        "{}",
        stderr(&out)
    );
    assert!(!back.exists(), "nothing written from a refused stream");
    for resealed in [&new_stream, &in_place] {
        fs::remove_file(&back).ok();
        assert_ok(&stream(&e, "decrypt", resealed, &back));
        assert_eq!(fs::read(&back).expect("decrypted"), data);
    }
}

#[test]
fn reseal_of_a_tampered_value_or_stream_is_refused_and_writes_nothing() {
    let e = Env::new();
    let mut value = seal(&e).trim_end().to_owned();
    value.pop();
    value.push(if value.ends_with('A') { 'B' } else { 'A' });
    let out = e.run(&["reseal", "--value", LABEL], &[], &value);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let (plain, _) = plain_file(&e);
    let enc = e.dir.path().join("trades.db.enc");
    assert_ok(&stream(&e, "encrypt", &plain, &enc));
    let mut bytes = fs::read(&enc).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&enc, &bytes).expect("tamper");
    let out_path = e.dir.path().join("resealed.enc");
    let (i, o) = (
        enc.to_str().expect("utf-8"),
        out_path.to_str().expect("utf-8"),
    );
    let out = e.run(&["reseal", "--stream", "--in", i, "--out", o], &[], "");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        !out_path.exists(),
        "no output from a stream that fails authentication"
    );
}

#[test]
fn retire_never_drops_the_newest_version() {
    let e = Env::new();
    assert_ok(&e.run(&["rotate"], &[], ""));
    let before = fs::read(&e.path).expect("read");
    for below in ["3", "99", "4294967295"] {
        let out = e.run(&["retire", "--below", below], &[], "");
        assert_eq!(code(&out), 2, "--below {below}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("version 2 is the newest"),
            "{}",
            stderr(&out)
        );
    }
    let out = e.run(&["retire", "--below", "1"], &[], "");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("nothing to retire"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&e.path).expect("read"), before, "file unchanged");
    assert_eq!(held(&e), "1, 2");
    let out = e.run(&["retire", "--below", "-1"], &[], "");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("key version must not be negative (got -1)"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("unexpected argument"));
}

#[test]
fn copy_from_before_retire_is_refused_as_a_rollback() {
    let e = Env::new();
    let old_value = seal(&e);
    assert_ok(&e.run(&["rotate"], &[], ""));
    let before_retire = fs::read(&e.path).expect("read");
    assert_ok(&e.run(&["retire", "--below", "2"], &[], ""));
    // Putting back the copy that still holds version 1 does not bring it back.
    fs::write(&e.path, before_retire).expect("restore old copy");
    let out = unseal(&e, &old_value);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("rolled back"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn verify_min_generation_with_a_leading_minus_is_refused_naming_the_field() {
    let e = Env::new();
    let out = e.run(&["verify", "--min-generation", "-5"], &[], "");
    assert_eq!(code(&out), 2);
    let said = stderr(&out);
    assert!(
        said.contains("min generation must not be negative (got -5)"),
        "{said}"
    );
    assert!(!said.contains("unexpected argument"), "{said}");
    let out = e.run(&["verify", "--min-generation", "x"], &[], "");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("min generation \"x\" is not a whole number"));
}
