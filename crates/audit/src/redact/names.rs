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

/// Up to this many segments are split without allocating.
const INLINE: usize = 16;

/// The segments of `name`, as byte ranges.
pub(super) fn segments(name: &[u8], mut each: impl FnMut(Range<usize>)) {
    let mut start = None::<usize>;
    for (i, &b) in name.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                each(s..i);
            }
            continue;
        }
        if let Some(s) = start {
            let prev = name[i - 1];
            let next_lower = name.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            // lower->Upper ("apiKey"), or the last capital of an acronym
            // before a lower-case letter ("APIKey").
            let boundary = b.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower));
            if boundary {
                each(s..i);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        each(s..name.len());
    }
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
    evidence: Vec<Box<[u8]>>,
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
            evidence: Vec::new(),
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
        self.sequences[usize::from(first)].push(parts.into_boxed_slice());
        self.empty = false;
        true
    }

    pub(super) fn add_evidence(&mut self, suffix: &str) {
        self.evidence.push(lower(suffix.as_bytes()));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.empty
    }

    /// Whether `name` is secret (see the module docs).
    pub(super) fn is_secret(&self, name: &[u8]) -> bool {
        if self.empty {
            return false;
        }
        let mut inline: [Range<usize>; INLINE] = std::array::from_fn(|_| 0..0);
        let mut spill = Vec::new();
        let mut n = 0;
        segments(name, |r| {
            if n < INLINE {
                inline[n] = r;
            } else {
                if n == INLINE {
                    spill.extend_from_slice(&inline);
                }
                spill.push(r);
            }
            n += 1;
        });
        let segs = if n > INLINE { &spill[..] } else { &inline[..n] };
        (0..segs.len()).any(|i| {
            let seg = &name[segs[i].clone()];
            (self.has_word(seg) && !self.is_evidence(name, segs, i + 1))
                || self.sequences[usize::from(seg[0].to_ascii_lowercase())]
                    .iter()
                    .any(|parts| {
                        let end = i + parts.len();
                        segs.get(i..end).is_some_and(|run| {
                            run.iter()
                                .zip(parts.iter())
                                .all(|(r, p)| name[r.clone()].eq_ignore_ascii_case(p))
                        }) && !self.is_evidence(name, segs, end)
                    })
        })
    }

    fn has_word(&self, seg: &[u8]) -> bool {
        (0..seg.len()).any(|p| {
            self.word_starts[usize::from(seg[p])]
                && self.words[usize::from(seg[p].to_ascii_lowercase())]
                    .iter()
                    .any(|w| {
                        seg.get(p..p + w.len())
                            .is_some_and(|win| win.eq_ignore_ascii_case(w))
                    })
        })
    }

    fn is_evidence(&self, name: &[u8], segs: &[Range<usize>], at: usize) -> bool {
        segs.get(at).is_some_and(|r| {
            self.evidence
                .iter()
                .any(|e| name[r.clone()].eq_ignore_ascii_case(e))
        })
    }
}
