//! Settling the gate's live orders from the exchange: one order whose
//! outcome is unknown ([`BinanceClient::reconcile_order`]), or at start-up
//! every order the journal says the last run sent without an answer
//! ([`BinanceClient::recover`]).

use supreme_gate::{Gate, LiveOrder, LiveStatus, RateCheck, RiskCheck};

use crate::{BinanceClient, Error, OrderState, Reconciled};

/// What start-up recovery did with each order of the last run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Found on the exchange and already ended (filled, cancelled,
    /// expired): applied to the registry.
    pub ended: Vec<OrderState>,
    /// Found still resting: cancelled (a restarted bot does not adopt an
    /// order it has no reservation for), then applied.
    pub cancelled: Vec<OrderState>,
    /// Never reached the exchange.
    pub not_found: Vec<String>,
}

impl BinanceClient {
    /// Settles a live order of `gate` whose outcome is unknown (or any live
    /// order): asks the exchange by its client order id
    /// ([`reconcile`](Self::reconcile), never re-sending it) and reports the
    /// answer to the gate: found, its fills are committed and, if it ended,
    /// its reservation released; not found once its `recvWindow` has passed,
    /// released.
    pub async fn reconcile_order<R: RiskCheck, L: RateCheck>(
        &self,
        gate: &Gate<R, L>,
        order: &LiveOrder,
    ) -> Result<Reconciled, Error> {
        let id = order.client_order_id;
        let found = self.reconcile(&order.symbol, id.as_str()).await?;
        match &found {
            Reconciled::Found(state) => {
                gate.report(&id, state.report())?;
            }
            Reconciled::NotFound => gate.not_found(&id)?,
        }
        Ok(found)
    }

    /// Start-up recovery: every order the gate's journal says the last run
    /// sent without an answer is looked up on the exchange; one still
    /// resting is cancelled; each is then applied to the gate. The gate stays
    /// closed: load balances and positions into the risk stage, then call
    /// [`Gate::mark_reconciled`].
    pub async fn recover<R: RiskCheck, L: RateCheck>(
        &self,
        gate: &Gate<R, L>,
    ) -> Result<Recovery, Error> {
        let mut done = Recovery::default();
        for order in gate.pending() {
            debug_assert_eq!(order.status, LiveStatus::Unknown);
            let id = order.client_order_id;
            match self.reconcile(&order.symbol, id.as_str()).await? {
                Reconciled::Found(state) if state.is_open() => {
                    let after = match self.cancel_order(&order.symbol, id.as_str()).await {
                        Ok(after) => after,
                        // It ended between the look-up and the cancel.
                        Err(Error::Api { code: -2011, .. }) => self
                            .query_order(&order.symbol, id.as_str())
                            .await?
                            .unwrap_or(state),
                        Err(e) => return Err(e),
                    };
                    gate.report(&id, after.report())?;
                    done.cancelled.push(after);
                }
                Reconciled::Found(state) => {
                    gate.report(&id, state.report())?;
                    done.ended.push(state);
                }
                Reconciled::NotFound => {
                    gate.not_found(&id)?;
                    done.not_found.push(id.to_string());
                }
            }
        }
        Ok(done)
    }
}
