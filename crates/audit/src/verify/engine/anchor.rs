//! The anchor: a checkpoint exported earlier, which the files must reach
//! back to, or be linked to through stored consistency proofs.

use std::path::PathBuf;

use super::super::FindingKind;
use super::super::follow::Pos;
use super::Engine;
use crate::checkpoint::Checkpoint;
use crate::merkle::consistency;
use crate::proofs::{Link, read_links};

fn anchor_pos() -> Pos {
    Pos {
        file: PathBuf::from("<anchor>"),
        line: 0,
    }
}

impl Engine<'_> {
    pub(super) fn capture_anchor(&mut self) {
        if let Some(a) = &self.opts.anchor
            && a.size == self.merkle.size()
            && self.anchor_seen.is_none()
        {
            self.anchor_seen = Some((self.merkle.root(), self.head));
        }
    }

    pub(super) fn check_anchor(&mut self) {
        let Some(anchor) = &self.opts.anchor else {
            return;
        };
        if let Some(pk) = &self.opts.public_key
            && anchor.verify(pk).is_err()
        {
            self.finding(
                FindingKind::BadSignature,
                anchor_pos(),
                None,
                format!("the anchor is not signed by {}", pk.name()),
            );
            return;
        }
        self.report.anchor_checked = true;
        let last = self.prev_pos.map_or_else(anchor_pos, |(i, l)| Pos {
            file: self.files[i].clone(),
            line: l,
        });
        if anchor.size > self.next_seq {
            self.finding(
                FindingKind::Truncated,
                last,
                Some(self.next_seq),
                format!("the anchor covers {} records but the log ends after {}: records {}..{} were cut", anchor.size, self.next_seq, self.next_seq, anchor.size - 1),
            );
            return;
        }
        let rewritten = format!(
            "the first {} records differ from the anchor (history rewritten)",
            anchor.size
        );
        let seq = Some(anchor.size.saturating_sub(1));
        match (self.anchor_seen, self.base.clone()) {
            (Some((root, head)), _) if root == anchor.root && head == anchor.head => {}
            (Some(_), _) => self.finding(FindingKind::Modified, last, seq, rewritten),
            (None, Some(base)) if base.size == anchor.size => {
                if (base.root, base.head) != (anchor.root, anchor.head) {
                    self.finding(FindingKind::Modified, last, seq, rewritten);
                }
            }
            (None, Some(base)) if anchor.size < base.size => self.link_anchor(anchor, &base),
            (None, _) => self.finding(
                FindingKind::Unlinked,
                anchor_pos(),
                None,
                format!("the anchor ({} records) precedes the files given, and they are bound to no checkpoint that extends it", anchor.size),
            ),
        }
    }

    /// Walks stored links back from `base` (the checkpoint the first file
    /// is bound to) to `anchor`: each step a signed checkpoint and a
    /// consistency proof from the one before it.
    fn link_anchor(&mut self, anchor: &Checkpoint, base: &Checkpoint) {
        let links = match self.opts.proofs.as_deref().map(read_links).transpose() {
            Ok(found) => found.map(|(links, _)| links).unwrap_or_default(),
            Err(e) => {
                self.report
                    .notes
                    .push(format!("proof file unreadable: {e}"));
                Default::default()
            }
        };
        let key = self.opts.public_key.as_ref();
        let signed = |cp: &Checkpoint| key.is_none_or(|k| cp.verify(k).is_ok());
        let mut cur = base.clone();
        let mut steps = 0u32;
        while cur.size > anchor.size {
            let step = |link: &Link| -> Option<Checkpoint> {
                if link.checkpoint != cur || link.from < anchor.size || link.from >= cur.size {
                    return None;
                }
                let older = if link.from == anchor.size {
                    Some(anchor.clone())
                } else {
                    links
                        .get(&link.from)?
                        .iter()
                        .map(|l| &l.checkpoint)
                        .find(|c| signed(c))
                        .cloned()
                }?;
                consistency::verify(link.from, cur.size, &older.root, &cur.root, &link.proof)
                    .then_some(older)
            };
            let next = links.get(&cur.size).and_then(|ls| ls.iter().find_map(step));
            let Some(older) = next else {
                self.finding(
                    FindingKind::Unlinked,
                    anchor_pos(),
                    None,
                    format!("the anchor ({} records) precedes the files given, and no stored, valid consistency proof links the checkpoint of {} records back to it", anchor.size, cur.size),
                );
                return;
            };
            cur = older;
            steps += 1;
        }
        self.report.notes.push(format!(
            "the anchor ({} records) precedes the files given; linked to them through {steps} stored consistency proof(s)",
            anchor.size
        ));
    }
}
