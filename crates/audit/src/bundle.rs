//! Evidence bundles: everything an incident review needs, in one signed
//! archive.
//!
//! At a trip (a kill-switch hook can call [`BundleBuilder::write`]) or on
//! demand (`supreme incident bundle`), a bundle gathers the kill-switch
//! latch, the risk state, the audit segments since the last exported anchor
//! with that anchor and the consistency proofs, the configuration, a venue
//! snapshot and the versions of every part. The archive is a strict ustar
//! file (see below) whose first entry, `MANIFEST`, lists every other entry
//! with its size and SHA-256, and whose second, `MANIFEST.sig`, is an
//! Ed25519 signature over it by an operator key ([`OperatorKey`], read
//! through core's private-file policy), under its own signing domain.
//!
//! [`verify_bundle`] checks a bundle against a public key the verifier
//! brings: the key the signature line names is compared with it, never
//! trusted. It reports every changed, added and removed file, a bad
//! signature or manifest, and any byte out of the canonical form: each
//! header must be the one written for its name and size, padding and the
//! end marker zero, nothing after it. So every byte of the archive is
//! covered, not only the listed contents (a general tar reader ignores
//! mtime, padding and trailing bytes; that is why this module reads its
//! own form rather than using the `tar` crate).
//!
//! ```
//! use supreme_audit::bundle::{BundleBuilder, Problem, verify_bundle};
//! use supreme_core::operator::OperatorKey;
//!
//! let dir = tempfile::tempdir()?;
//! let operator = OperatorKey::generate()?;
//! let out = dir.path().join("bundle.tar");
//! let mut b = BundleBuilder::new("on demand");
//! b.bytes("config/supreme.toml", b"[exchange]\n".to_vec())?;
//! b.write(&out, &operator)?;
//! assert!(verify_bundle(&out, &operator.public_key())?.is_intact());
//!
//! // Another operator's key does not verify it.
//! let other = OperatorKey::generate()?.public_key();
//! let report = verify_bundle(&out, &other)?;
//! assert!(matches!(report.problems[..], [Problem::BadSignature(_)]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`OperatorKey`]: supreme_core::operator::OperatorKey

mod build;
mod manifest;
mod ustar;
mod verify;

pub use build::BundleBuilder;
pub(crate) use build::copy_hashed;
pub use manifest::{FORMAT, MANIFEST, Manifest, ManifestFile, Missing, SIGNATURE};
pub use verify::{BundleReport, Problem, verify_bundle, verify_reader};

#[cfg(test)]
mod tests;
