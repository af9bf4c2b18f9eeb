//! The live-order journal: every order is written down (and fsynced)
//! before its bytes go to the exchange, and its end after, so a restart
//! after a crash knows which orders may exist without an answer
//! ([`Pending`]).
//!
//! The format is one line per record, fields split by single spaces:
//!
//! ```text
//! send <client order id> <symbol> <BUY|SELL> <quantity|-> <price|-> <sent at, Unix ms>
//! end <client order id> <how it ended>
//! ```
//!
//! A last line without its newline is a write the crash cut short: its order
//! was not sent yet (the send waits for the fsync), so it is ignored. Any other
//! line that does not parse is refused with its line number: the gate does not
//! open on a journal it cannot read.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use supreme_core::files;
use supreme_order_guard::{ClientOrderId, Price, Quantity, Side, Symbol};

/// The largest journal read at start (a compacted journal holds only the
/// orders still live, a few lines each).
const MAX_JOURNAL_BYTES: usize = 64 << 20;

/// An order the journal says was sent, with no end recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// Its client order id (what the exchange knows it by).
    pub client_order_id: ClientOrderId,
    /// Its symbol.
    pub symbol: Symbol,
    /// Its side.
    pub side: Side,
    /// Its quantity, if it had one.
    pub quantity: Option<Quantity>,
    /// Its limit price, if it had one.
    pub price: Option<Price>,
    /// When it was sent, Unix ms (local clock).
    pub sent_at_ms: u64,
}

/// Why the journal cannot be kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Opening, reading or writing it failed, or the file policy refused it.
    #[error("order journal: {0}")]
    File(#[from] files::Error),
    /// A line that is not a record.
    #[error("order journal {path} line {line}: {reason}")]
    Corrupt {
        /// The journal.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads a journal's text: the orders sent and not ended, oldest send first.
///
/// ```
/// let text = "send bot-1 BTCUSDT BUY 0.1 25000 1700000000000\n\
///             send bot-2 BTCUSDT SELL 0.2 - 1700000000001\n\
///             end bot-1 FILLED\n\
///             send bot-3 BTC";
/// let pending = supreme_gate::parse_journal("orders.journal".as_ref(), text.as_bytes())?;
/// assert_eq!(pending.len(), 1); // bot-1 ended; the torn last line was never sent
/// assert_eq!(pending[0].client_order_id.as_str(), "bot-2");
/// assert_eq!(pending[0].price, None);
///
/// let bad = supreme_gate::parse_journal("j".as_ref(), b"send bot-1 BTCUSDT UP 1 - 1\n").unwrap_err();
/// assert_eq!(bad.to_string(), "order journal j line 1: side \"UP\" is not BUY or SELL");
/// # Ok::<(), supreme_gate::JournalError>(())
/// ```
pub fn parse_journal(path: &Path, bytes: &[u8]) -> Result<Vec<Pending>, JournalError> {
    let corrupt = |line: usize, reason: String| JournalError::Corrupt {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..=end],
        None => &[][..],
    };
    let text = std::str::from_utf8(complete).map_err(|e| {
        let line = complete[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        corrupt(line + 1, "not UTF-8".into())
    })?;
    let mut order: Vec<ClientOrderId> = Vec::new();
    let mut open: HashMap<ClientOrderId, Pending> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let fields: Vec<&str> = line.split(' ').collect();
        match fields.as_slice() {
            ["send", id, symbol, side, qty, price, at] => {
                let p = Pending {
                    client_order_id: ClientOrderId::new(id)
                        .map_err(|e| corrupt(n, format!("client order id: {e}")))?,
                    symbol: Symbol::new(symbol).map_err(|e| corrupt(n, format!("symbol: {e}")))?,
                    side: match *side {
                        "BUY" => Side::Buy,
                        "SELL" => Side::Sell,
                        other => {
                            return Err(corrupt(n, format!("side {other:?} is not BUY or SELL")));
                        }
                    },
                    quantity: amount(qty).map_err(|e| corrupt(n, format!("quantity: {e}")))?,
                    price: amount(price).map_err(|e| corrupt(n, format!("price: {e}")))?,
                    sent_at_ms: at
                        .parse()
                        .map_err(|_| corrupt(n, format!("time {at:?} is not Unix ms")))?,
                };
                if open.insert(p.client_order_id, p).is_none() {
                    order.push(p.client_order_id);
                }
            }
            ["end", id, how] if !how.is_empty() => {
                let id = ClientOrderId::new(id)
                    .map_err(|e| corrupt(n, format!("client order id: {e}")))?;
                open.remove(&id);
            }
            _ => return Err(corrupt(n, "not a send or end record".into())),
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| open.remove(&id))
        .collect())
}

fn amount<T: std::str::FromStr>(s: &str) -> Result<Option<T>, String>
where
    T::Err: std::fmt::Display,
{
    if s == "-" {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|e| format!("{s:?}: {e}"))
}

fn dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The open journal: appends are written and fsynced one record at a time.
/// Its lock is held while it is open, so a second gate (another bot, or a
/// second copy of this one) on the same journal is refused instead of
/// writing to a file the first one's compaction replaced.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    _lock: files::FileLock,
}

impl Journal {
    /// Opens the journal at `path` (a missing one is empty), returns the
    /// orders of the last run that have no end, and compacts the file to
    /// those orders (an atomic rewrite).
    pub(crate) fn open(path: &Path) -> Result<(Self, Vec<Pending>), JournalError> {
        let lock = files::FileLock::acquire(
            &files::FileLock::path_for(path),
            files::FileLock::DEFAULT_WAIT,
        )?;
        let pending = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            _ => parse_journal(path, &files::read_private(path, MAX_JOURNAL_BYTES)?)?,
        };
        let compact: String = pending.iter().map(send_line).collect();
        files::write_atomic(path, compact.as_bytes())?;
        let file = files::open_append_private(path)?;
        let journal = Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            _lock: lock,
        };
        Ok((journal, pending))
    }

    /// Records that `p` is about to be sent (durable when this returns).
    pub(crate) fn sent(&self, p: &Pending) -> Result<(), JournalError> {
        self.append(&send_line(p))
    }

    /// Records that the order ended (`how`: its final status).
    pub(crate) fn ended(&self, id: &ClientOrderId, how: &str) -> Result<(), JournalError> {
        self.append(&format!("end {id} {how}\n"))
    }

    fn append(&self, line: &str) -> Result<(), JournalError> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let io = |op, source| files::Error::Io {
            op,
            path: self.path.clone(),
            source,
        };
        file.write_all(line.as_bytes())
            .map_err(|e| io("write", e))?;
        file.sync_data().map_err(|e| io("fsync", e))?;
        Ok(())
    }
}

fn send_line(p: &Pending) -> String {
    let side = match p.side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    };
    format!(
        "send {} {} {side} {} {} {}\n",
        p.client_order_id,
        p.symbol,
        dash(p.quantity),
        dash(p.price),
        p.sent_at_ms
    )
}

#[cfg(test)]
mod tests;
