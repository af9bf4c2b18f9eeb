//! Making a bundle: gather files, hash them, sign the manifest, write the
//! archive atomically (never over an existing file).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use ring::signature::Ed25519KeyPair;
use secrecy::ExposeSecret;
use supreme_core::files::AtomicFile;
use supreme_core::operator::OperatorKey;

use super::manifest::{
    DOMAIN, FORMAT, MANIFEST, Manifest, ManifestFile, Missing, SIGNATURE, signature_line,
};
use super::ustar::{self, MAX_SIZE, valid_name};
use crate::error::{Error, Result};
use crate::segment::{exported_path, last_exported, list_segments};

#[derive(Debug)]
enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// Gathers the files of an evidence bundle and writes it, signed.
///
/// ```
/// use supreme_audit::bundle::{BundleBuilder, verify_bundle};
/// use supreme_core::operator::OperatorKey;
///
/// let dir = tempfile::tempdir()?;
/// let key = OperatorKey::generate()?;
/// let out = dir.path().join("incident.tar");
/// let mut b = BundleBuilder::new("kill switch tripped: drawdown");
/// b.bytes("venue/snapshot.json", br#"{"open_orders":[]}"#.to_vec())?;
/// b.file("latch/latch.json", &dir.path().join("no-such-latch"))?; // listed as missing
/// let manifest = b.write(&out, &key)?;
/// assert_eq!(manifest.missing.len(), 1);
/// assert!(verify_bundle(&out, &key.public_key())?.is_intact());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BundleBuilder {
    reason: String,
    created_ms: Option<u64>,
    entries: Vec<(String, Source)>,
    versions: BTreeMap<String, String>,
}

impl BundleBuilder {
    /// A bundle made for `reason` (a trip reason, "on demand"), with this
    /// crate's version and the format's already listed.
    pub fn new(reason: impl Into<String>) -> Self {
        let mut versions = BTreeMap::new();
        versions.insert("supreme-audit".into(), crate::VERSION.into());
        versions.insert("bundle-format".into(), FORMAT.into());
        Self {
            reason: reason.into(),
            created_ms: None,
            entries: Vec::new(),
            versions,
        }
    }

    fn add(&mut self, path: &str, source: Source) -> Result<&mut Self> {
        if !valid_name(path) || path == MANIFEST || path == SIGNATURE {
            return Err(Error::Bundle(format!(
                "{path:?} is not a bundle path (1-100 of A-Z a-z 0-9 . _ - in / components)"
            )));
        }
        if self.entries.iter().any(|(p, _)| p == path) {
            return Err(Error::Bundle(format!("{path:?} added twice")));
        }
        self.entries.push((path.to_owned(), source));
        Ok(self)
    }

    /// Adds `bytes` as `path`.
    pub fn bytes(&mut self, path: &str, bytes: Vec<u8>) -> Result<&mut Self> {
        self.add(path, Source::Bytes(bytes))
    }

    /// Adds the file at `file` as `path`, read when the bundle is written; a
    /// file that is missing or unreadable then is listed in the manifest's
    /// `missing` with the reason instead (a missing latch is evidence too).
    pub fn file(&mut self, path: &str, file: &Path) -> Result<&mut Self> {
        self.add(path, Source::File(file.to_owned()))
    }

    /// Adds the audit log at `active` under `dir/`: the rotated segments
    /// from the one holding the last exported anchor's last record on (all
    /// of them without an anchor), the active file, the exported anchor
    /// (`.exported`), the consistency proofs and the public key beside it.
    /// The signing key is never added.
    pub fn audit_log(&mut self, dir: &str, active: &Path) -> Result<&mut Self> {
        let anchored = last_exported(active)?.map_or(0, |c| c.size);
        let segments = list_segments(active)?;
        let mut files: Vec<PathBuf> = Vec::new();
        for (i, (_, path)) in segments.iter().enumerate() {
            let end = segments.get(i + 1).map_or(u64::MAX, |(s, _)| *s);
            if end >= anchored {
                files.push(path.clone());
            }
        }
        files.push(active.to_owned());
        let mut extra = vec![exported_path(active), crate::proofs_path(active)];
        extra.push(crate::public_path(&with_suffix(active, ".key")));
        files.extend(extra.into_iter().filter(|p| p.exists()));
        for f in files {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            self.file(&format!("{dir}/{name}"), &f)?;
        }
        Ok(self)
    }

    /// Records the version of a part (a crate, a file format).
    pub fn version(&mut self, part: impl Into<String>, version: impl Into<String>) -> &mut Self {
        self.versions.insert(part.into(), version.into());
        self
    }

    /// Sets the creation time (default: now).
    pub fn created_ms(&mut self, ms: u64) -> &mut Self {
        self.created_ms = Some(ms);
        self
    }

    /// Hashes every file, signs the manifest with `key` and writes the
    /// archive to `out` (which must not exist), atomically. A file that
    /// changes other than by growing between the hash and the copy fails
    /// the write (only the length first measured is copied).
    pub fn write(self, out: &Path, key: &OperatorKey) -> Result<super::Manifest> {
        let mut files = Vec::new();
        let mut missing = Vec::new();
        let mut sources = Vec::new();
        for (path, source) in self.entries {
            match measure(&source) {
                Ok((size, digest)) => {
                    files.push(ManifestFile {
                        path,
                        size,
                        sha256: digest.to_hex(),
                    });
                    sources.push(source);
                }
                Err(reason) => missing.push(Missing { path, reason }),
            }
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            created_ms: self.created_ms.unwrap_or_else(now_ms),
            reason: self.reason,
            signer: key.public_key().to_hex(),
            versions: self.versions,
            files,
            missing,
        };
        let mut text = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| Error::Bundle(format!("manifest: {e}")))?;
        text.push(b'\n');
        let pair = Ed25519KeyPair::from_pkcs8(key.pkcs8().expose_secret())
            .map_err(|e| Error::Bundle(format!("operator key: {e}")))?;
        let mut message = DOMAIN.to_vec();
        message.extend_from_slice(&text);
        let sig = signature_line(&key.public_key(), pair.sign(&message).as_ref());

        let io = |e: std::io::Error| Error::io("write", out, e);
        let mut w = BufWriter::new(AtomicFile::create(out)?);
        put(&mut w, MANIFEST, &text).map_err(io)?;
        put(&mut w, SIGNATURE, sig.as_bytes()).map_err(io)?;
        for (f, source) in manifest.files.iter().zip(&sources) {
            w.write_all(&ustar::header(&f.path, f.size)).map_err(io)?;
            let digest = copy(source, f.size, &mut w).map_err(io)?;
            if digest.to_hex() != f.sha256 {
                return Err(Error::Bundle(format!(
                    "{}: changed while the bundle was written",
                    f.path
                )));
            }
            w.write_all(&[0u8; ustar::BLOCK][..ustar::padding(f.size)])
                .map_err(io)?;
        }
        ustar::write_end(&mut w).map_err(io)?;
        let file = w.into_inner().map_err(|e| io(e.into_error()))?;
        file.commit_new()?;
        Ok(manifest)
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn now_ms() -> u64 {
    use supreme_core::Clock;
    supreme_core::SystemClock.now_ms()
}

fn put(w: &mut impl Write, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    w.write_all(&ustar::header(name, bytes.len() as u64))?;
    w.write_all(bytes)?;
    w.write_all(&[0u8; ustar::BLOCK][..ustar::padding(bytes.len() as u64)])
}

/// The size and SHA-256 of a source (a file's length when opened).
fn measure(source: &Source) -> std::result::Result<(u64, crate::Digest), String> {
    let (size, digest) = match source {
        Source::Bytes(b) => (b.len() as u64, hash(&mut b.as_slice(), b.len() as u64)),
        Source::File(p) => {
            let meta = std::fs::symlink_metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
            if !meta.is_file() {
                return Err(format!("{}: not a regular file", p.display()));
            }
            let mut f = File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            (meta.len(), hash(&mut f, meta.len()))
        }
    };
    if size > MAX_SIZE {
        return Err(format!("{size} bytes: larger than a bundle entry can be"));
    }
    Ok((size, digest.map_err(|e| e.to_string())?))
}

fn hash(r: &mut impl Read, size: u64) -> std::io::Result<crate::Digest> {
    copy_hashed(r, size, &mut std::io::sink())
}

fn copy(source: &Source, size: u64, w: &mut impl Write) -> std::io::Result<crate::Digest> {
    match source {
        Source::Bytes(b) => copy_hashed(&mut b.as_slice(), size, w),
        Source::File(p) => copy_hashed(&mut File::open(p)?, size, w),
    }
}

/// Copies exactly `size` bytes from `r` to `w`, returning their SHA-256.
pub(crate) fn copy_hashed(
    r: &mut impl Read,
    size: u64,
    w: &mut impl Write,
) -> std::io::Result<crate::Digest> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let n = r.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        ctx.update(&buf[..n]);
        w.write_all(&buf[..n])?;
        left -= n as u64;
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    Ok(crate::Digest(out))
}
