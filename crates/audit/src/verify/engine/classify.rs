//! Naming the first break: which record, and whether it was modified,
//! deleted, inserted or reordered (only on the failure path).

use super::super::follow::{Pos, next_line, scan_after};
use super::super::{Finding, FindingKind};
use super::{At, Engine};
use crate::digest::Digest;
use crate::record::{Head, Record, scan_head};

impl Engine<'_> {
    pub(super) fn unparseable(&mut self, line: &[u8], at: At) -> Option<Finding> {
        let e = self.next_seq;
        if self.started
            && let Some(next) = next_line(self.files, at.idx, at.end)
                .as_deref()
                .and_then(scan_head)
            && next.seq == e
            && next.prev == self.head
        {
            return self.make(
                FindingKind::Inserted,
                at,
                None,
                format!(
                    "a line that is not a record sits between seq {} and seq {e}",
                    e.wrapping_sub(1)
                ),
            );
        }
        let why = Record::parse(line)
            .err()
            .map_or_else(|| "not in canonical layout".to_owned(), |e| e.to_string());
        self.make(
            FindingKind::Modified,
            at,
            Some(e),
            format!("not a valid record: {why}"),
        )
    }

    pub(super) fn classify(&mut self, mine: Digest, hd: Head<'_>, at: At) -> Option<Finding> {
        let e = self.next_seq;
        let here = Some(hd.seq);
        if hd.seq == e {
            // Right number, wrong parent.
            if e == 0 {
                return self.make(
                    FindingKind::Modified,
                    at,
                    here,
                    "the first record's prev must be all zeros".into(),
                );
            }
            if let Some(next) = next_line(self.files, at.idx, at.end)
                .as_deref()
                .and_then(scan_head)
                && next.seq == e
                && next.prev == self.head
            {
                return self.make(
                    FindingKind::Inserted,
                    at,
                    here,
                    format!(
                        "seq {e} here does not follow seq {}, but the next record does",
                        e - 1
                    ),
                );
            }
            let pos = self.prev_pos.map_or_else(
                || self.pos(at),
                |(i, l)| Pos {
                    file: self.files[i].clone(),
                    line: l,
                },
            );
            self.finding(
                FindingKind::Modified,
                pos,
                Some(e - 1),
                format!("its hash no longer matches the prev field of seq {e}"),
            );
            return self.report.finding.take();
        }
        if hd.seq > e {
            let mut where_e = None;
            let found = scan_after(self.files, at.idx, at.end, at.line, &mut |_, h| {
                let hit = h.is_some_and(|h| h.seq == e);
                if hit {
                    where_e = Some(());
                }
                hit
            });
            return match found {
                Some(p) => self.make(
                    FindingKind::Reordered,
                    at,
                    here,
                    format!(
                        "seq {} where seq {e} was expected; seq {e} is at {}:{}",
                        hd.seq,
                        p.file.display(),
                        p.line
                    ),
                ),
                None => {
                    let range = if hd.seq - e == 1 {
                        format!("record {e} is")
                    } else {
                        format!("records {e}..{} are", hd.seq - 1)
                    };
                    self.make(
                        FindingKind::Deleted,
                        at,
                        here,
                        format!("{range} missing before this line"),
                    )
                }
            };
        }
        // hd.seq < e: a number already used.
        if mine == self.head {
            return self.make(
                FindingKind::Inserted,
                at,
                here,
                "a duplicate of the record before it".into(),
            );
        }
        if hd.seq + 1 == e && hd.prev == self.prev_prev {
            // Two records claim the same place; the one the chain continues from is genuine.
            let next_follows_me = next_line(self.files, at.idx, at.end)
                .as_deref()
                .and_then(scan_head)
                .is_some_and(|n| n.prev == mine);
            if next_follows_me {
                let pos = self.prev_pos.map_or_else(
                    || self.pos(at),
                    |(i, l)| Pos {
                        file: self.files[i].clone(),
                        line: l,
                    },
                );
                self.finding(FindingKind::Inserted, pos, here, format!("two records claim seq {}; the chain continues from the other one, so this one was inserted", hd.seq));
                return self.report.finding.take();
            }
            return self.make(
                FindingKind::Inserted,
                at,
                here,
                format!("a second record claiming seq {}", hd.seq),
            );
        }
        self.make(
            FindingKind::Inserted,
            at,
            here,
            format!("seq {} was already seen; expected seq {e}", hd.seq),
        )
    }
}
