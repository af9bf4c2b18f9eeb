//! Field names split into segments and matched against markers.
//!
//! A name is split into segments on every byte that is not an ASCII letter
//! or digit (`-`, `_`, `.`, spaces, non-ASCII) and on camelCase boundaries
//! (`apiKey` is `api` `key`, `APIKey` is `api` `key`); segments compare
//! case-insensitively. A marker is either
//!
//! - a *word*, found anywhere inside one segment (`secret` in
//!   `clientsecret`, `token` in `accessToken`), for words long enough to be
//!   unambiguous; or
//! - a *sequence* of whole segments (`auth`, `pwd`, `session`, `api key`,
//!   `private key`), for short words that are also the start of harmless
//!   ones (`author`, `pwdx`) or that are secret only together (`private key`
//!   but not `public key`).
//!
//! A match is *evidence, not a secret* when the segment right after it is
//! one of a short list of suffixes that describe the secret without holding
//! it (`session_start`, `tokens_used`, `password_changed`, `api_key_fingerprint`).
//! Every other match makes the name secret. `id` is on purpose not such a
//! suffix: an exchange's API key *is* its key id.

use std::ops::Range;

use super::grams::Grams;

/// Words matched inside a segment.
pub(super) const WORDS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "passphrase",
    "apikey",
    "privatekey",
    "listenkey",
    "accesskey",
    "secretkey",
    "credential",
    "authorization",
    "signature",
    "bearer",
    "cookie",
    "token",
    "mnemonic",
];

/// Sequences of whole segments.
pub(super) const SEQUENCES: &[&str] = &[
    "api key",
    "private key",
    "listen key",
    "access key",
    "signing key",
    "auth",
    "oauth",
    "pwd",
    "pass",
    "session",
    "sessionid",
    "sig",
    "seed",
    "jwt",
    "otp",
    "totp",
];

/// Segments that, right after a match, make it evidence about the secret.
pub(super) const EVIDENCE: &[&str] = &[
    "start",
    "started",
    "end",
    "ended",
    "used",
    "count",
    "len",
    "length",
    "age",
    "ttl",
    "expiry",
    "expires",
    "expired",
    "expiration",
    "version",
    "created",
    "changed",
    "rotated",
    "type",
    "scheme",
    "algorithm",
    "fingerprint",
    "valid",
    "verified",
    "checked",
];

/// The segments of a name, as byte ranges, in order.
pub(super) struct Segments<'a> {
    name: &'a [u8],
    pos: usize,
}

impl<'a> Segments<'a> {
    /// The segments of `name` from byte `pos`, which must start a segment
    /// or a separator (0, or the end of an earlier segment).
    pub(super) fn new(name: &'a [u8], pos: usize) -> Self {
        Self { name, pos }
    }
}

impl Iterator for Segments<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let name = self.name;
        let start = self.pos
            + name
                .get(self.pos..)?
                .iter()
                .position(u8::is_ascii_alphanumeric)?;
        let mut i = start + 1;
        while let Some(&b) = name.get(i) {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            if b.is_ascii_uppercase() {
                let prev = name[i - 1];
                let next_lower = name.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                // lower->Upper ("apiKey"), or the last capital of an
                // acronym before a lower-case letter ("APIKey").
                if prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower) {
                    break;
                }
            }
            i += 1;
        }
        self.pos = i;
        Some(start..i)
    }
}

/// Whether a segment starts at byte `p` (see [`Segments`]).
fn starts_segment(name: &[u8], p: usize) -> bool {
    let b = name[p];
    if !b.is_ascii_alphanumeric() {
        return false;
    }
    let Some(&prev) = p.checked_sub(1).and_then(|i| name.get(i)) else {
        return true;
    };
    let next_lower = name.get(p + 1).is_some_and(u8::is_ascii_lowercase);
    !prev.is_ascii_alphanumeric()
        || (b.is_ascii_uppercase()
            && (prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower)))
}

/// The segments of `name`, as byte ranges.
pub(super) fn segments(name: &[u8], each: impl FnMut(Range<usize>)) {
    Segments::new(name, 0).for_each(each);
}

/// Markers and evidence suffixes, indexed by first byte so most bytes of a
/// name are passed over with one lookup.
#[derive(Clone)]
pub(super) struct Matcher {
    /// Words by their first byte (lower-case).
    words: Box<[Vec<Box<[u8]>>; 256]>,
    /// Whether some word starts with this byte (either ASCII case).
    word_starts: Box<[bool; 256]>,
    /// Sequences (lower-case segments) by the first byte of their first segment.
    sequences: Box<[Vec<Sequence>; 256]>,
    /// Whether some sequence starts with this byte (either ASCII case).
    sequence_starts: Box<[bool; 256]>,
    evidence: Vec<Box<[u8]>>,
    /// The starts of the words and of the sequences' first segments.
    grams: Grams,
    empty: bool,
}

/// A sequence marker: lower-case segments in a row.
type Sequence = Box<[Box<[u8]>]>;

fn lower(s: &[u8]) -> Box<[u8]> {
    s.to_ascii_lowercase().into_boxed_slice()
}

impl Matcher {
    pub(super) fn new() -> Self {
        Self {
            words: Box::new(std::array::from_fn(|_| Vec::new())),
            word_starts: Box::new([false; 256]),
            sequences: Box::new(std::array::from_fn(|_| Vec::new())),
            sequence_starts: Box::new([false; 256]),
            evidence: Vec::new(),
            grams: Grams::new(),
            empty: true,
        }
    }

    /// Adds a word (its ASCII letters and digits); false if it has none.
    pub(super) fn add_word(&mut self, w: &str) -> bool {
        let w: Box<[u8]> = w
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
            .collect();
        let Some(&first) = w.first() else {
            return false;
        };
        self.word_starts[usize::from(first)] = true;
        self.word_starts[usize::from(first.to_ascii_uppercase())] = true;
        self.grams.add(&w);
        self.words[usize::from(first)].push(w);
        self.empty = false;
        true
    }

    /// Adds a sequence (`s` split into segments); false if it has none.
    pub(super) fn add_sequence(&mut self, s: &str) -> bool {
        let mut parts = Vec::new();
        segments(s.as_bytes(), |r| parts.push(lower(&s.as_bytes()[r])));
        let Some(&first) = parts.first().and_then(|p| p.first()) else {
            return false;
        };
        if let Some(head) = parts.first() {
            self.grams.add(head);
        }
        self.sequences[usize::from(first)].push(parts.into_boxed_slice());
        self.sequence_starts[usize::from(first)] = true;
        self.sequence_starts[usize::from(first.to_ascii_uppercase())] = true;
        self.empty = false;
        true
    }

    pub(super) fn add_evidence(&mut self, suffix: &str) {
        self.evidence.push(lower(suffix.as_bytes()));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.empty
    }

    /// Whether `name` is secret (see the module docs). Words are looked
    /// for over the whole name in one pass (a word has no separator in it,
    /// so it never spans two segments but across a camelCase boundary, as
    /// in `apiKey`), sequences segment by segment; the segments after a
    /// match are read only on a match.
    ///
    /// Names no marker can start in (most field names: `symbol`, `qty`)
    /// are passed over by the [`Grams`] pre-filter; the verdict is the same
    /// as [`is_secret_full`](Self::is_secret_full)'s.
    pub(super) fn is_secret(&self, name: &[u8]) -> bool {
        self.grams.may_match(name) && self.is_secret_full(name)
    }

    /// [`is_secret`](Self::is_secret) without the pre-filter: the reference.
    pub(super) fn is_secret_full(&self, name: &[u8]) -> bool {
        if self.empty {
            return false;
        }
        (0..name.len()).any(|p| self.word_at(name, p) || self.sequence_at_byte(name, p))
    }

    /// Whether a word starts at byte `p`.
    fn word_at(&self, name: &[u8], p: usize) -> bool {
        {
            self.word_starts[usize::from(name[p])]
                && self.words[usize::from(name[p].to_ascii_lowercase())]
                    .iter()
                    .any(|w| {
                        // Second bytes first: most candidates end there.
                        name.get(p..p + w.len()).is_some_and(|win| {
                            win.get(1).map(u8::to_ascii_lowercase) == w.get(1).copied()
                                && win.eq_ignore_ascii_case(w)
                        }) && !self.evidence_after_byte(name, p + w.len() - 1)
                    })
        }
    }

    /// Whether a sequence starts at byte `p`.
    fn sequence_at_byte(&self, name: &[u8], p: usize) -> bool {
        {
            self.sequence_starts[usize::from(name[p])] && {
                let second = name.get(p + 1).map(u8::to_ascii_lowercase);
                // Second bytes first: most candidates end there.
                self.sequences[usize::from(name[p].to_ascii_lowercase())]
                    .iter()
                    .any(|parts| {
                        parts[0].get(1).copied() == second
                            && starts_segment(name, p)
                            && self.sequence_at(name, p, parts)
                    })
            }
        }
    }

    /// Whether `parts` match the segments from byte `p` on (not followed by
    /// an evidence suffix).
    fn sequence_at(&self, name: &[u8], p: usize, parts: &[Box<[u8]>]) -> bool {
        let mut segs = Segments::new(name, p);
        let matched = segs
            .by_ref()
            .take(parts.len())
            .zip(parts)
            .filter(|(r, part)| name[r.clone()].eq_ignore_ascii_case(part))
            .count();
        matched == parts.len()
            && segs.next().is_none_or(|r| {
                !self
                    .evidence
                    .iter()
                    .any(|e| name[r.clone()].eq_ignore_ascii_case(e))
            })
    }

    /// Whether the segment after the one holding byte `at` is evidence.
    fn evidence_after_byte(&self, name: &[u8], at: usize) -> bool {
        Segments::new(name, 0)
            .find(|r| r.contains(&at))
            .is_some_and(|r| self.is_evidence(name, r.end, 0))
    }

    /// Whether the segment `skip` segments after byte `from` is evidence.
    fn is_evidence(&self, name: &[u8], from: usize, skip: usize) -> bool {
        Segments::new(name, from).nth(skip).is_some_and(|r| {
            self.evidence
                .iter()
                .any(|e| name[r.clone()].eq_ignore_ascii_case(e))
        })
    }
}
