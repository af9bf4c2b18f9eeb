//! The anchor comparison and the closing notes of a report.

use std::path::PathBuf;

use super::super::FindingKind;
use super::super::follow::Pos;
use super::Engine;

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
        let anchor_pos = || Pos {
            file: PathBuf::from("<anchor>"),
            line: 0,
        };
        if let Some(pk) = &self.opts.public_key {
            if anchor.verify(pk).is_err() {
                self.finding(
                    FindingKind::BadSignature,
                    anchor_pos(),
                    None,
                    format!("the anchor is not signed by {}", pk.name()),
                );
                return;
            }
        } else {
            self.report
                .notes
                .push("the anchor's signature was not checked (no public key)".into());
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
        match self.anchor_seen {
            Some((root, head)) if root == anchor.root && head == anchor.head => {}
            Some(_) => self.finding(
                FindingKind::Modified,
                last,
                Some(anchor.size.saturating_sub(1)),
                format!(
                    "the first {} records differ from the anchor (history rewritten)",
                    anchor.size
                ),
            ),
            None => {
                self.report.anchor_checked = false;
                self.report.notes.push(format!(
                    "the anchor ({} records) precedes the files given; not compared",
                    anchor.size
                ));
            }
        }
    }

    pub(super) fn tail_notes(&mut self) {
        let uncovered = self
            .next_seq
            .saturating_sub(self.report.covered.max(self.report.first_seq));
        if self.report.checkpoints == 0 && self.next_seq > self.report.first_seq {
            self.report.notes.push("no checkpoint in the files given: a cut tail would not be noticed without an anchor".into());
        } else if uncovered > 1 {
            self.report.notes.push(format!(
                "{} records after the last checkpoint are not yet sealed",
                uncovered - 1
            ));
        }
        if !self.report.signatures_checked && self.report.checkpoints > 0 {
            self.report
                .notes
                .push("checkpoint signatures not checked (no public key)".into());
        }
    }
}
