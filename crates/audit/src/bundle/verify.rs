//! Checking a bundle against a public key the verifier trusts.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use supreme_core::operator::OperatorPublicKey;

use super::build::copy_hashed;
use super::manifest::{
    MANIFEST, MAX_MANIFEST, MAX_SIGNATURE, Manifest, SIGNATURE, check_signature,
};
use super::ustar::{self, BLOCK, Header, read_full};
use crate::error::{Error, Result};

/// What is wrong with a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The archive is not in the one form bundles are written in (a header,
    /// the padding or the end marker differs), or lacks its manifest.
    Malformed(String),
    /// The archive ends early.
    Truncated,
    /// Bytes follow the end marker.
    TrailingData,
    /// The signature does not verify under the trusted key.
    BadSignature(String),
    /// The manifest does not parse.
    BadManifest(String),
    /// A listed file's bytes differ from the manifest.
    Changed {
        /// The file.
        path: String,
    },
    /// A file the manifest does not list (or lists once, and is there twice).
    Added {
        /// The file.
        path: String,
    },
    /// A file the manifest lists is not there.
    Removed {
        /// The file.
        path: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "malformed archive: {why}"),
            Self::Truncated => f.write_str("truncated: the archive ends early"),
            Self::TrailingData => f.write_str("bytes after the end of the archive"),
            Self::BadSignature(why) => write!(f, "bad signature: {why}"),
            Self::BadManifest(why) => write!(f, "bad manifest: {why}"),
            Self::Changed { path } => write!(f, "changed: {path}"),
            Self::Added { path } => write!(f, "added: {path} (not in the manifest)"),
            Self::Removed { path } => write!(f, "removed: {path} (in the manifest)"),
        }
    }
}

/// The result of [`verify_bundle`].
#[derive(Debug, Clone, Default)]
pub struct BundleReport {
    /// The manifest, when it parsed (trust it only if [`is_intact`](Self::is_intact)).
    pub manifest: Option<Manifest>,
    /// Files whose bytes matched the manifest.
    pub matched: usize,
    /// Everything wrong, in archive order.
    pub problems: Vec<Problem>,
}

impl BundleReport {
    /// Signed by the trusted key, every listed file present and unchanged,
    /// nothing added, every byte of the archive in canonical form.
    pub fn is_intact(&self) -> bool {
        self.manifest.is_some() && self.problems.is_empty()
    }
}

/// Verifies the bundle at `path` against `trusted` (see [`verify_reader`]);
/// `Err` only when the file cannot be opened or read.
pub fn verify_bundle(path: &Path, trusted: &OperatorPublicKey) -> Result<BundleReport> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    verify_reader(BufReader::new(file), trusted).map_err(|e| match e {
        Error::Io { op, source, .. } => Error::Io {
            op,
            path: path.to_owned(),
            source,
        },
        e => e,
    })
}

/// Verifies a bundle read from `input` against `trusted`, a key the caller
/// holds (never one the bundle carries). What is wrong is in the report;
/// `Err` only for a read error other than the input ending.
///
/// ```
/// use supreme_audit::bundle::{Problem, verify_reader};
/// let key = supreme_core::operator::OperatorKey::generate()?.public_key();
/// let report = verify_reader(&b"not a bundle"[..], &key)?;
/// assert_eq!(report.problems, [Problem::Truncated]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_reader(mut input: impl Read, trusted: &OperatorPublicKey) -> Result<BundleReport> {
    let mut report = BundleReport::default();
    match check(&mut input, trusted, &mut report) {
        Ok(()) => Ok(report),
        Err(Stop::Io(e)) => Err(Error::io("read", "bundle", e)),
        Err(Stop::Problem(p)) => {
            report.problems.push(p);
            Ok(report)
        }
    }
}

enum Stop {
    Io(std::io::Error),
    Problem(Problem),
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Self::Problem(Problem::Truncated)
        } else {
            Self::Io(e)
        }
    }
}

fn next_header(input: &mut impl Read) -> std::result::Result<Header, Stop> {
    let mut block = [0u8; BLOCK];
    if !read_full(input, &mut block)? {
        return Err(Stop::Problem(Problem::Truncated));
    }
    ustar::parse_header(&block).map_err(|why| Stop::Problem(Problem::Malformed(why)))
}

fn padding(input: &mut impl Read, size: u64, name: &str) -> std::result::Result<(), Stop> {
    let mut pad = [0u8; BLOCK];
    let pad = &mut pad[..ustar::padding(size)];
    if !read_full(input, pad)? {
        return Err(Stop::Problem(Problem::Truncated));
    }
    if pad.iter().any(|b| *b != 0) {
        return Err(Stop::Problem(Problem::Malformed(format!(
            "{name}: padding is not zero"
        ))));
    }
    Ok(())
}

/// Reads the small entry `want` (at most `max` bytes) whole.
fn small_entry(input: &mut impl Read, want: &str, max: u64) -> std::result::Result<Vec<u8>, Stop> {
    let (name, size) = match next_header(input)? {
        Header::Entry { name, size } => (name, size),
        Header::End => (String::new(), 0),
    };
    if name != want || size > max {
        return Err(Stop::Problem(Problem::Malformed(format!(
            "expected {want} (at most {max} bytes) here, found {name:?} of {size} bytes"
        ))));
    }
    let mut bytes = Vec::new();
    copy_hashed(input, size, &mut bytes)?;
    padding(input, size, want)?;
    Ok(bytes)
}

fn check(
    input: &mut impl Read,
    trusted: &OperatorPublicKey,
    report: &mut BundleReport,
) -> std::result::Result<(), Stop> {
    let manifest_bytes = small_entry(input, MANIFEST, MAX_MANIFEST)?;
    let signature = small_entry(input, SIGNATURE, MAX_SIGNATURE)?;
    if let Err(why) = check_signature(&manifest_bytes, &signature, trusted) {
        report.problems.push(Problem::BadSignature(why));
    }
    let manifest =
        Manifest::parse(&manifest_bytes).map_err(|why| Stop::Problem(Problem::BadManifest(why)))?;
    let files = manifest.files.clone();
    report.manifest = Some(manifest);
    let mut next = 0;
    while let Header::Entry { name, size } = next_header(input)? {
        let digest = copy_hashed(input, size, &mut std::io::sink())?;
        padding(input, size, &name)?;
        match files[next..].iter().position(|f| f.path == name) {
            Some(skip) => {
                for f in &files[next..next + skip] {
                    report.problems.push(Problem::Removed {
                        path: f.path.clone(),
                    });
                }
                let f = &files[next + skip];
                next += skip + 1;
                if f.size == size && digest.to_hex() == f.sha256 {
                    report.matched += 1;
                } else {
                    report.problems.push(Problem::Changed { path: name });
                }
            }
            None => report.problems.push(Problem::Added { path: name }),
        }
    }
    for f in &files[next..] {
        report.problems.push(Problem::Removed {
            path: f.path.clone(),
        });
    }
    let mut block = [0u8; BLOCK];
    if !read_full(input, &mut block)? {
        return Err(Stop::Problem(Problem::Truncated));
    }
    if block.iter().any(|b| *b != 0) {
        return Err(Stop::Problem(Problem::Malformed(
            "the end marker is not two zero blocks".into(),
        )));
    }
    let mut one = [0u8; 1];
    if read_full(input, &mut one)? {
        return Err(Stop::Problem(Problem::TrailingData));
    }
    Ok(())
}
