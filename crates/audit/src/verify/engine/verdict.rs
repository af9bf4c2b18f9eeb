//! The verdict beyond tampering: what is covered by a signature, and
//! whether the report is authenticated.

use super::Engine;

impl Engine<'_> {
    /// Records after the last checkpoint record (or all, without one).
    fn tail(&self) -> u64 {
        match &self.last_checkpoint {
            Some(cp) => self.next_seq.saturating_sub(cp.size.saturating_add(1)),
            None => self.next_seq.saturating_sub(self.report.first_seq),
        }
    }

    pub(super) fn tail_notes(&mut self) {
        let tail = self.tail();
        if self.last_checkpoint.is_none() && tail > 0 {
            self.report.notes.push("no checkpoint in the files given: a cut tail would not be noticed without an anchor".into());
        } else if tail > 0 {
            self.report.notes.push(format!(
                "{tail} record(s) after the last checkpoint are not yet sealed (the uncovered tail)"
            ));
        }
        if !self.report.signatures_checked && self.report.checkpoints > 0 {
            self.report
                .notes
                .push("checkpoint signatures not checked (no public key)".into());
        }
    }

    /// Authenticated: every signature checked against a key the caller
    /// trusts, a checkpoint in the files covering them from their first
    /// record, and (strict) no uncovered tail.
    pub(super) fn verdict(&mut self) {
        let tail = self.tail();
        self.report.uncovered_tail = tail;
        let mut why = Vec::new();
        if self.report.records == 0 {
            why.push("the log has no records".to_owned());
        }
        match &self.opts.public_key {
            None => why.push("no public key: no signature was checked".to_owned()),
            Some(_) if self.opts.untrusted_key => why.push(
                "signatures were checked only against a key that is not trusted (one found beside the log can be replaced by whoever can write the log)".to_owned(),
            ),
            Some(_) => {}
        }
        if self.report.checkpoints == 0 || self.report.covered <= self.report.first_seq {
            why.push(format!(
                "no signed checkpoint in the files covers the log from its first record (seq {})",
                self.report.first_seq
            ));
        }
        if self.opts.strict && tail > 0 {
            why.push(format!(
                "{tail} record(s) after the last checkpoint are covered by no signature (strict allows none)"
            ));
        }
        self.report.unauthenticated = why;
    }
}
