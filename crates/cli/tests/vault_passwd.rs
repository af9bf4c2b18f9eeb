//! The attack on `supreme vault passwd`: someone kept a copy of the vault
//! file and knows the old passphrase (a leaked backup, a former operator).
//! After the change they must open nothing sealed or stored afterwards.

mod vault_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use vault_support::*;

const NEW_PASS: &str = "the passphrase after the change";

/// `supreme vault CMD VAULT ARGS...` with the passphrase `pass`.
fn on(vault: &Path, pass: &str, args: &[&str], stdin: &[u8]) -> Output {
    on_host(vault, pass, STATE_DIR, args, stdin)
}

/// The same, with the rollback memory in `state`: the attacker works on
/// their own machine, where no newer generation was ever seen.
fn on_host(vault: &Path, pass: &str, state: &str, args: &[&str], stdin: &[u8]) -> Output {
    let (cmd, rest) = args.split_first().expect("a subcommand");
    let mut full = vec!["vault", cmd, vault.to_str().expect("utf-8")];
    full.extend_from_slice(rest);
    let env = [
        ("SUPREME_VAULT_PASSPHRASE", pass),
        ("SUPREME_VAULT_STATE_DIR", state),
    ];
    run_raw(&full, &env, stdin)
}

#[test]
fn old_copy_with_old_passphrase_opens_nothing_sealed_or_stored_after_passwd() {
    let e = Env::new();
    assert_ok(&e.put_hmac("before", &[]));
    let sealed_before = on(&e.path, PASS, &["seal", "LABEL"], b"sealed before\n");
    assert_ok(&sealed_before);
    let old_copy = e.dir.path().join("stolen-copy.vault");
    fs::copy(&e.path, &old_copy).expect("copy");
    fs::set_permissions(&old_copy, fs::Permissions::from_mode(0o600)).expect("chmod");

    // The change, through the real CLI; passphrases only in the environment.
    let out = e.run(
        &["passwd"],
        &[("SUPREME_VAULT_NEW_PASSPHRASE", NEW_PASS)],
        "",
    );
    assert_ok(&out);
    assert!(
        stderr(&out).contains("new data key version 2"),
        "{}",
        stderr(&out)
    );

    // New secrets after the change.
    assert_ok(&on(
        &e.path,
        NEW_PASS,
        &["put", "after"],
        b"stored after passwd\n",
    ));
    let sealed = on(
        &e.path,
        NEW_PASS,
        &["seal", "LABEL"],
        b"sealed after passwd\n",
    );
    assert_ok(&sealed);
    let stream = on(&e.path, NEW_PASS, &["encrypt"], b"streamed after passwd");
    assert_ok(&stream);

    // On this host the rollback memory already refuses the old copy.
    let out = on(&old_copy, PASS, &["list"], b"");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("older copy"), "{}", stderr(&out));

    // The attacker, on their own machine: the old copy, the old passphrase.
    let elsewhere = e.dir.path().join("attacker-state");
    let elsewhere = elsewhere.to_str().expect("utf-8");
    let attacker = |args: &[&str], stdin: &[u8]| on_host(&old_copy, PASS, elsewhere, args, stdin);
    assert_ok(&attacker(&["list"], b""));
    let out = attacker(&["unseal", "LABEL", "--reveal"], &sealed.stdout);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!stdout(&out).contains("sealed after passwd"));
    assert!(
        stderr(&out).contains("newer than this vault's newest (1)"),
        "{}",
        stderr(&out)
    );
    let out = attacker(&["decrypt"], &stream.stdout);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "no plaintext before authentication");
    assert!(stderr(&out).contains("older copy of the vault cannot open it"));
    let out = attacker(&["get", "after", "--reveal"], b"");
    assert_ne!(code(&out), 0);
    assert!(!stdout(&out).contains("stored after passwd"));
    // Nor the new file with the old passphrase.
    let out = on(&e.path, PASS, &["list"], b"");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("wrong passphrase"));

    // The new file opens everything with the new passphrase.
    let out = on(&e.path, NEW_PASS, &["get", "after", "--reveal"], b"");
    assert_eq!(stdout(&out), "stored after passwd\n");
    for (value, plain) in [
        (&sealed_before.stdout, "sealed before\n"),
        (&sealed.stdout, "sealed after passwd\n"),
    ] {
        let out = on(&e.path, NEW_PASS, &["unseal", "LABEL", "--reveal"], value);
        assert_eq!(stdout(&out), plain, "{}", stderr(&out));
    }
    let out = on(&e.path, NEW_PASS, &["decrypt"], &stream.stdout);
    assert_eq!(out.stdout, b"streamed after passwd");
    let out = on(&e.path, NEW_PASS, &["sign", "before"], PAYLOAD.as_bytes());
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
    let out = on(&e.path, NEW_PASS, &["list"], b"");
    assert_eq!(
        stdout(&out),
        "after\ttext\tv2\texpires never\nbefore\thmac\tv1\texpires never\n"
    );
    let out = on(&e.path, NEW_PASS, &["verify"], b"");
    assert_ok(&out);
    assert!(
        stdout(&out).contains("key version 2 (held: 1, 2)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rotate_after_passwd_keeps_every_value_sealed_before_until_retired() {
    let e = Env::new();
    let first = on(&e.path, PASS, &["seal", "L"], b"one\n");
    assert_ok(&e.run(
        &["passwd"],
        &[("SUPREME_VAULT_NEW_PASSPHRASE", NEW_PASS)],
        "",
    ));
    let second = on(&e.path, NEW_PASS, &["seal", "L"], b"two\n");
    let out = on(&e.path, NEW_PASS, &["rotate"], b"");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("versions 1..2 still decrypt values and streams sealed before"),
        "{}",
        stderr(&out)
    );
    for (old, plain) in [(&first, "one\n"), (&second, "two\n")] {
        let out = on(&e.path, NEW_PASS, &["unseal", "L", "--reveal"], &old.stdout);
        assert_eq!(stdout(&out), plain);
    }
    assert_ok(&on(&e.path, NEW_PASS, &["retire", "--below", "3"], b""));
    for old in [&first, &second] {
        let out = on(&e.path, NEW_PASS, &["unseal", "L", "--reveal"], &old.stdout);
        assert_eq!(code(&out), 1);
        assert!(
            stderr(&out).contains("stale key version"),
            "{}",
            stderr(&out)
        );
    }
    let out = on(&e.path, NEW_PASS, &["verify"], b"");
    assert!(
        stdout(&out).contains("key version 3 (held: 3)"),
        "{}",
        stdout(&out)
    );
}
