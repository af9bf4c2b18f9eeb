//! Any bytes as an audit log, and as its proof file behind an anchor older
//! than the log: the verifier, the record parser and the proof-chain walk
//! never panic, and a line the strict parser accepts re-serializes to the
//! same bytes. The verifier joins its reader thread before returning, so no
//! thread of it is running when the process exits.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use supreme_audit::{Checkpoint, Digest, Record, SigningKey, VerifyOptions, verify_files};

/// A signed anchor of one record, made once.
fn anchor() -> &'static Checkpoint {
    static ANCHOR: OnceLock<Checkpoint> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        let key = SigningKey::generate("fuzz").expect("key").0;
        Checkpoint::sign("fuzz", 1, Digest([0; 32]), Digest([0; 32]), &key).expect("sign")
    })
}

fuzz_target!(|data: &[u8]| {
    for line in data.split(|b| *b == b'\n') {
        if let Ok(r) = Record::parse(line) {
            assert_eq!(r.to_line(), line);
        }
    }
    let dir = std::env::temp_dir();
    let path = dir.join(format!("supreme-fuzz-audit-{}.log", std::process::id()));
    let proofs = dir.join(format!(
        "supreme-fuzz-audit-{}.log.proofs",
        std::process::id()
    ));
    std::fs::write(&path, data).expect("write temp log");
    std::fs::write(&proofs, data).expect("write temp proofs");
    for strict in [false, true] {
        for anchor in [None, Some(anchor().clone())] {
            let opts = VerifyOptions {
                strict,
                anchor,
                proofs: Some(proofs.clone()),
                ..VerifyOptions::default()
            };
            let _ = verify_files(std::slice::from_ref(&path), &opts, &mut |_, _| {});
        }
    }
});
