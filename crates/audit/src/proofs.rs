//! The proof file beside a log, `<log>.proofs`: one JSON line per signed
//! checkpoint with the consistency proof from the checkpoint before it.
//!
//! Retention deletes rotated files, and with them the CHECKPOINT records
//! that hold these proofs; this file keeps them (a few hundred bytes per
//! checkpoint), so an anchor older than the files still on disk verifies
//! through a chain of signed checkpoints, each proven to extend the one
//! before. Nothing in it needs to be trusted: each checkpoint is signed and
//! each proof is checked against two signed roots.
//!
//! ```text
//! {"checkpoint":"<checkpoint text>","from":<size>,"proof":["<64 hex>",...]}
//! ```

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::checkpoint::Checkpoint;
use crate::digest::Digest;
use crate::error::{Error, Result};

const MAX_LINE: usize = 64 * 1024;

/// Where the log at `active` keeps its consistency proofs.
///
/// ```
/// use std::path::Path;
/// let p = supreme_audit::proofs_path(Path::new("/var/log/bot/audit.log"));
/// assert_eq!(p, Path::new("/var/log/bot/audit.log.proofs"));
/// ```
pub fn proofs_path(active: &Path) -> PathBuf {
    let mut s = active.as_os_str().to_owned();
    s.push(".proofs");
    PathBuf::from(s)
}

/// One stored link: `checkpoint` extends the checkpoint of `from` records.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) checkpoint: Checkpoint,
    pub(crate) from: u64,
    pub(crate) proof: Vec<Digest>,
}

/// The line written for a link (with its newline).
pub(crate) fn link_line(cp: &Checkpoint, from: u64, proof: &[Digest]) -> Vec<u8> {
    let proof: Vec<String> = proof.iter().map(Digest::to_hex).collect();
    let mut line = json!({"checkpoint": cp.to_text(), "from": from, "proof": proof})
        .to_string()
        .into_bytes();
    line.push(b'\n');
    line
}

fn parse_link(line: &[u8]) -> Option<Link> {
    if line.len() > MAX_LINE {
        return None;
    }
    let v: Value = serde_json::from_slice(line).ok()?;
    let checkpoint = Checkpoint::parse(v.get("checkpoint")?.as_str()?).ok()?;
    let from = v.get("from")?.as_u64()?;
    let proof = v
        .get("proof")?
        .as_array()?
        .iter()
        .map(|d| Digest::from_hex(d.as_str()?.as_bytes()))
        .collect::<Option<Vec<_>>>()?;
    Some(Link {
        checkpoint,
        from,
        proof,
    })
}

/// The links in a proof file by checkpoint size (several for one size are
/// kept: the verifier tries each), and how many lines were unreadable
/// (skipped: a missing link fails verification, it never passes it). A
/// missing file has no links.
pub(crate) fn read_links(path: &Path) -> Result<(HashMap<u64, Vec<Link>>, usize)> {
    let data = match fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((HashMap::new(), 0)),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let mut links: HashMap<u64, Vec<Link>> = HashMap::new();
    let mut bad = 0;
    for line in data.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        match parse_link(line) {
            Some(link) => links.entry(link.checkpoint.size).or_default().push(link),
            None => bad += 1,
        }
    }
    Ok((links, bad))
}

#[cfg(test)]
mod tests;
