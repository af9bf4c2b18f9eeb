//! `supreme incident bundle` and `verify` through the real binary, and the
//! attacks on a bundle: every listed file changed at sampled positions (over
//! 1,000 in all), a file added, a file removed, a manifest signed by another
//! key, a cut archive.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod incident_support;

use incident_support::{code, entries, scene, supreme, text};

fn verify(s: &incident_support::Scene, bundle: &std::path::Path) -> i32 {
    let o = supreme(
        s.path(),
        &[
            "incident",
            "verify",
            bundle.to_str().unwrap(),
            "--public-key",
            &s.public_key,
        ],
    );
    code(&o)
}

#[test]
fn a_bundle_of_everything_verifies_and_holds_no_secret_key() {
    let s = scene();
    let b = s.bundle("incident.tar");
    let out = s.run(
        0,
        &[
            "incident",
            "verify",
            "incident.tar",
            "--public-key",
            &s.public_key,
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["intact"], true);
    let paths: Vec<&str> = v["manifest"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for want in [
        "latch/latch.json",
        "risk/risk.state",
        "audit/audit.log",
        "audit/audit.log.exported",
        "audit/audit.log.key.pub",
        "config/supreme.toml",
        "venue/snapshot.json",
    ] {
        assert!(paths.contains(&want), "{want} not in {paths:?}");
    }
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with(".key") || p.contains("risk.key")),
        "{paths:?}"
    );
    assert_eq!(v["manifest"]["reason"], "drawdown trip");
    assert_eq!(
        v["manifest"]["versions"]["supreme-cli"],
        env!("CARGO_PKG_VERSION")
    );
    // The public key also from a file.
    std::fs::write(s.path().join("op.pub"), format!("{}\n", s.public_key)).unwrap();
    s.run(
        0,
        &[
            "incident",
            "verify",
            b.to_str().unwrap(),
            "--public-key",
            "op.pub",
        ],
    );
    // Never over an existing bundle.
    let o = supreme(
        s.path(),
        &[
            "incident",
            "bundle",
            "--out",
            "incident.tar",
            "--key",
            "op.key",
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
}

#[test]
fn a_byte_changed_in_any_listed_file_is_tampered() {
    let s = scene();
    let b = s.bundle("incident.tar");
    let bytes = std::fs::read(&b).unwrap();
    let files = entries(&bytes);
    assert!(files.len() >= 9, "{files:?}");
    let mut tried = 0;
    // Files sorted small first, each taking its share of what is left
    // (small ones every byte), so over 1,000 positions are tried in all.
    let mut files = files;
    files.sort_by_key(|f| f.2);
    let mut left = 1100usize;
    for (i, (name, start, size)) in files.iter().enumerate() {
        let quota = left.div_ceil(files.len() - i);
        let step = (*size / quota.max(1)).max(1);
        left = left.saturating_sub((*size).min(quota) + 1);
        let mut positions: Vec<usize> = (0..*size).step_by(step).collect();
        if *size > 0 {
            positions.push(size - 1);
        }
        for p in positions {
            let mut bad = bytes.clone();
            bad[start + p] ^= 0x20;
            std::fs::write(&b, &bad).unwrap();
            assert_eq!(verify(&s, &b), 1, "{name} byte {p}");
            tried += 1;
        }
    }
    assert!(tried >= 1000, "{tried}");
    std::fs::write(&b, &bytes).unwrap();
    assert_eq!(verify(&s, &b), 0);
}

#[test]
fn added_removed_resigned_and_cut_bundles_are_tampered() {
    let s = scene();
    let b = s.bundle("incident.tar");
    let bytes = std::fs::read(&b).unwrap();
    let files = entries(&bytes);
    let last = files.last().unwrap();
    let end = last.1 + last.2.div_ceil(512) * 512;
    // Added: a copy of the last entry under another name.
    let mut added = bytes[..end].to_vec();
    let mut header = bytes[last.1 - 512..last.1].to_vec();
    header[..100].fill(0);
    header[..10].copy_from_slice(b"extra/evil");
    header[148..156].fill(b' ');
    let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    added.extend_from_slice(&header);
    added.extend_from_slice(&bytes[last.1..end]);
    added.extend_from_slice(&bytes[end..]);
    std::fs::write(s.path().join("added.tar"), &added).unwrap();
    let o = supreme(
        s.path(),
        &[
            "incident",
            "verify",
            "added.tar",
            "--public-key",
            &s.public_key,
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("added: extra/evil"), "{}", text(&o));
    // Removed: the latch.
    let latch = files.iter().find(|f| f.0 == "latch/latch.json").unwrap();
    let mut removed = bytes[..latch.1 - 512].to_vec();
    removed.extend_from_slice(&bytes[latch.1 + latch.2.div_ceil(512) * 512..]);
    std::fs::write(s.path().join("removed.tar"), &removed).unwrap();
    let o = supreme(
        s.path(),
        &[
            "incident",
            "verify",
            "removed.tar",
            "--public-key",
            &s.public_key,
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains("removed: latch/latch.json"),
        "{}",
        text(&o)
    );
    // Re-signed by another operator: the trusted key refuses it; its own
    // key is not trusted because the bundle names it.
    s.run(0, &["kill-switch", "keygen", "--out", "mallory.key"]);
    s.run(
        0,
        &[
            "incident",
            "bundle",
            "--out",
            "mallory.tar",
            "--key",
            "mallory.key",
            "--latch",
            "latch.json",
        ],
    );
    let o = supreme(
        s.path(),
        &[
            "incident",
            "verify",
            "mallory.tar",
            "--public-key",
            &s.public_key,
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("bad signature"), "{}", text(&o));
    let forged = std::fs::read(s.path().join("mallory.tar")).unwrap();
    let mf = entries(&forged);
    let sig_end = mf[1].1 + mf[1].2.div_ceil(512) * 512;
    let mut swapped = forged[..sig_end].to_vec();
    swapped.extend_from_slice(&bytes[files[2].1 - 512..]);
    std::fs::write(s.path().join("swapped.tar"), &swapped).unwrap();
    assert_eq!(verify(&s, &s.path().join("swapped.tar")), 1);
    // Cut: at entry boundaries and inside entries.
    for cut in [
        bytes.len() - 1,
        bytes.len() - 1024,
        end - 1,
        files[3].1,
        100,
        0,
    ] {
        std::fs::write(s.path().join("cut.tar"), &bytes[..cut]).unwrap();
        assert_eq!(verify(&s, &s.path().join("cut.tar")), 1, "cut at {cut}");
    }
}

#[test]
fn unreadable_bundles_and_keys_exit_2() {
    let s = scene();
    s.bundle("incident.tar");
    let o = supreme(
        s.path(),
        &[
            "incident",
            "verify",
            "nope.tar",
            "--public-key",
            &s.public_key,
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    let o = supreme(
        s.path(),
        &[
            "incident",
            "verify",
            "incident.tar",
            "--public-key",
            "no-such-key",
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    // An operator key others can read is refused, and nothing is written.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        s.path().join("op.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let o = supreme(
        s.path(),
        &["incident", "bundle", "--out", "b2.tar", "--key", "op.key"],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(!s.path().join("b2.tar").exists());
}

#[test]
fn missing_inputs_are_recorded_and_an_invalid_config_is_not_gathered() {
    let s = scene();
    let out = s.run(
        0,
        &[
            "incident",
            "bundle",
            "--out",
            "b.tar",
            "--key",
            "op.key",
            "--latch",
            "gone.json",
        ],
    );
    assert!(out.contains("missing: latch/gone.json"), "{out}");
    s.run(
        0,
        &["incident", "verify", "b.tar", "--public-key", &s.public_key],
    );
    std::fs::write(
        s.path().join("bad.toml"),
        "[exchange]\napi_secret = \"hunter2\"\n",
    )
    .unwrap();
    let o = supreme(
        s.path(),
        &[
            "incident",
            "bundle",
            "--out",
            "c.tar",
            "--key",
            "op.key",
            "--config-file",
            "bad.toml",
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(!s.path().join("c.tar").exists());
}
