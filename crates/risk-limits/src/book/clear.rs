//! [`RiskBook::clear_breach`]: the signed clear of a live book.

use supreme_core::operator::{Policy, Request};

use super::{Events, RiskBook, market};
use crate::clear::{self, ClearRefusal};
use crate::persist::LatchRecord;
use crate::{Clock, Error, LimitKind, Scope};

impl<C: Clock> RiskBook<C> {
    /// Clears the breach latched at `scope`, authorized by operators' signed
    /// tokens ([`RiskClear`](crate::operator::RiskClear), for this scope and
    /// this breach, see [`breach_subject`](crate::breach_subject)) under
    /// `policy`, and returns it. The book must persist
    /// ([`persist_to`](Self::persist_to)): the tokens' nonces are spent in
    /// the file beside its state ([`clear_nonce_path`](crate::clear_nonce_path))
    /// before the breach is lifted, and a book with nowhere to record them
    /// refuses. A cleared drawdown restarts its high-water mark at today's
    /// equity. Persisted at once.
    pub fn clear_breach(
        &self,
        scope: Scope,
        policy: &Policy,
        reqs: &[Request],
    ) -> Result<LatchRecord, Error> {
        let path = {
            let store = self
                .store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            store.as_ref().map(|f| f.path().to_owned())
        };
        let path = path.ok_or_else(|| Error::ClearRefused {
            scope,
            refusal: ClearRefusal::NonceStore("the book persists to no state file".to_owned()),
        })?;
        let mut nonces = clear::open_store(&path, &scope)?;
        let now = self.clock.now_ms();
        let latch = {
            let mut st = self.lock();
            let latch = market::usage_mut(&mut st, &scope)?
                .latch
                .map(|l| LatchRecord {
                    kind: l.kind,
                    at_ms: l.at_ms,
                    observed: l.observed,
                })
                .ok_or(Error::ClearRefused {
                    scope,
                    refusal: ClearRefusal::NotLatched,
                })?;
            clear::authorize(policy, reqs, &scope, &latch, &mut nonces, now)?;
            let equity = market::equity_of(&st, &scope);
            let usage = market::usage_mut(&mut st, &scope)?;
            usage.latch = None;
            if let (LimitKind::Drawdown, Some(e)) = (latch.kind, equity) {
                usage.hwm = e;
            }
            latch
        };
        self.after(Events::default(), true);
        Ok(latch)
    }
}
