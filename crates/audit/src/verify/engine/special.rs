//! The log's own records: the first record (where the files start) and
//! CHECKPOINT and SEGMENT_START records in chain position.

use super::super::{Finding, FindingKind};
use super::{At, Engine};
use crate::binding::{consistency_of, segment_base};
use crate::digest::empty_root;
use crate::merkle::consistency;
use crate::record::{Head, Record};
use crate::state::checkpoint_of;

impl Engine<'_> {
    /// The first record: seq 0, or a SEGMENT_START bound to a signed
    /// checkpoint (the files before it were not given, or retention deleted
    /// them). Its tree state is taken only from that checkpoint.
    pub(super) fn start(
        &mut self,
        hd: Head<'_>,
        record: Option<&Record>,
        at: At,
    ) -> Option<Finding> {
        self.started = true;
        self.report.first_seq = hd.seq;
        self.next_seq = hd.seq;
        if hd.seq == 0 {
            self.proven = Some((0, empty_root()));
            self.capture_anchor();
            return None;
        }
        let Some(r) = record.filter(|r| r.event_type == crate::EventType::SegmentStart) else {
            return self.make(
                FindingKind::Deleted,
                at,
                Some(hd.seq),
                format!(
                    "records 0..{} are missing: the log's beginning was cut",
                    hd.seq - 1
                ),
            );
        };
        let base = match segment_base(r) {
            Ok(b) => b,
            Err(e) => return self.make(FindingKind::Modified, at, Some(r.seq), e),
        };
        let cp = base.checkpoint;
        if let Some(pk) = &self.opts.public_key
            && cp.verify(pk).is_err()
        {
            return self.make(
                FindingKind::BadSignature,
                at,
                Some(r.seq),
                format!(
                    "the checkpoint of {} records this file starts from is not signed by {}",
                    cp.size,
                    pk.name()
                ),
            );
        }
        self.merkle = base.tree;
        self.next_seq = r.seq;
        self.head = r.prev;
        self.proven = Some((cp.size, cp.root));
        self.report.covered = cp.size;
        self.report.notes.push(format!(
            "starts at seq {} (a rotated file, bound to the signed checkpoint of {} records; the records before it are not in the files given)",
            r.seq, cp.size
        ));
        self.last_checkpoint = Some(cp.clone());
        self.base = Some(cp);
        self.capture_anchor();
        None
    }

    /// CHECKPOINT and SEGMENT_START records in chain position.
    pub(super) fn special(&mut self, r: &Record, at: At) -> Option<Finding> {
        match r.event_type {
            crate::EventType::Checkpoint => self.checkpoint(r, at),
            crate::EventType::SegmentStart if r.seq != self.report.first_seq => {
                let bound = segment_base(r).ok().filter(|b| {
                    b.tree == self.merkle && self.last_checkpoint.as_ref() == Some(&b.checkpoint)
                });
                match bound {
                    Some(_) => None,
                    None => self.make(
                        FindingKind::Modified,
                        at,
                        Some(r.seq),
                        "SEGMENT_START is not bound to the last checkpoint and tree before it"
                            .into(),
                    ),
                }
            }
            _ => None,
        }
    }

    fn checkpoint(&mut self, r: &Record, at: At) -> Option<Finding> {
        let cp = match checkpoint_of(r) {
            Ok(cp) => cp,
            Err(e) => return self.make(FindingKind::Modified, at, Some(r.seq), e.to_string()),
        };
        if let Some(pk) = &self.opts.public_key
            && cp.verify(pk).is_err()
        {
            return self.make(
                FindingKind::BadSignature,
                at,
                Some(r.seq),
                format!(
                    "checkpoint of {} records is not signed by {}",
                    cp.size,
                    pk.name()
                ),
            );
        }
        if cp.size != r.seq || cp.head != self.head || cp.root != self.merkle.root() {
            let since = self.report.covered;
            return self.make(
                FindingKind::Modified,
                at,
                Some(r.seq),
                format!("signed checkpoint of {} records does not match the records before it: records after seq {since} were rewritten", cp.size),
            );
        }
        let proven = consistency_of(r).is_some_and(|(from, proof)| {
            self.proven.is_none_or(|(m, root)| {
                from == m && consistency::verify(m, cp.size, &root, &cp.root, &proof)
            })
        });
        if !proven {
            return self.make(
                FindingKind::Modified,
                at,
                Some(r.seq),
                "the checkpoint's consistency proof from the checkpoint before it is missing or does not verify".into(),
            );
        }
        self.proven = Some((cp.size, cp.root));
        self.report.checkpoints += 1;
        self.report.covered = cp.size;
        self.last_checkpoint = Some(cp);
        None
    }
}
