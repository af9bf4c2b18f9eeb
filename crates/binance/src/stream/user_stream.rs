//! User data through the WebSocket API subscription
//! (`userDataStream.subscribe.signature`, signed by the vault's signer):
//! executionReports settle the gate's live orders, a gap closes the gate
//! until the live orders and balances were reconciled over REST.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::SinkExt;
use supreme_core::ClientOrderId;
use supreme_gate::{Gate, LiveStatus, OrderStatus, RateCheck, Report, RiskCheck};
use supreme_net_guard::GuardedClient;
use tokio_tungstenite::tungstenite::Message;

use super::connect::{StreamConfig, WsStream, connect, mix};
use super::fills::FillLedger;
use super::frame::{ExecStatus, ExecutionReport, Frame, parse_frame};
use super::market_stream::{StreamTask, is_permanent};
use super::session::{Ended, Next, StreamStats, back_off, read_loop};
use crate::{BinanceClient, Error};

/// Binance's WebSocket API endpoint.
pub const WS_API_URL: &str = "wss://ws-api.binance.com:443/ws-api/v3";

/// Called with each balance event (`outboundAccountPosition`, `balanceUpdate`).
pub type CashFn = Arc<dyn Fn(&Frame) + Send + Sync>;

/// Counters and memory of a user-data stream, shared while it runs.
#[derive(Debug, Default)]
pub struct UserState {
    /// Connection counters.
    pub stats: StreamStats,
    /// Fills seen, by (orderId, tradeId).
    pub fills: FillLedger,
    /// executionReports applied to the gate.
    pub reports: AtomicU64,
    /// executionReports of orders the gate does not hold (another client's).
    pub foreign: AtomicU64,
    /// Fills seen a second time (not applied again).
    pub duplicate_fills: AtomicU64,
    /// Reconciliations finished.
    pub reconciliations: AtomicU64,
    /// Reports held for an order whose REST answer has not come yet.
    deferred: Mutex<HashMap<ClientOrderId, Report>>,
}

impl UserState {
    fn deferred(&self) -> std::sync::MutexGuard<'_, HashMap<ClientOrderId, Report>> {
        self.deferred.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The gate's reading of an executionReport: status and cumulative amounts.
pub fn report_of(r: &ExecutionReport) -> Report {
    let status = match r.status {
        ExecStatus::Filled => OrderStatus::Filled,
        ExecStatus::PendingNew
        | ExecStatus::New
        | ExecStatus::PartiallyFilled
        | ExecStatus::PendingCancel => OrderStatus::Open,
        ExecStatus::Canceled
        | ExecStatus::Rejected
        | ExecStatus::Expired
        | ExecStatus::ExpiredInMatch => OrderStatus::Ended,
    };
    Report {
        status,
        executed: r.cumulative_qty,
        cumulative_quote: r.cumulative_quote,
    }
}

/// The user-data stream of one account.
pub struct UserStream<R: RiskCheck, L: RateCheck> {
    client: GuardedClient,
    url: String,
    rest: Arc<BinanceClient>,
    gate: Gate<R, L>,
    config: StreamConfig,
    state: Arc<UserState>,
    on_cash: Option<CashFn>,
}

impl<R: RiskCheck, L: RateCheck> std::fmt::Debug for UserStream<R, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserStream")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl<R, L> UserStream<R, L>
where
    R: RiskCheck + Send + Sync + 'static,
    L: RateCheck + Send + Sync + 'static,
    R::Reservation: Send,
    L::Permit: Send,
{
    /// A stream of the WebSocket API at `url` ([`WS_API_URL`]) through
    /// `client`, subscribed with `rest`'s key and vault signer, settling
    /// `gate`'s live orders; `rest` also reconciles after every gap. The
    /// gate is closed from now until the first reconciliation.
    pub fn new(
        client: GuardedClient,
        url: impl Into<String>,
        rest: Arc<BinanceClient>,
        gate: Gate<R, L>,
    ) -> Self {
        gate.require_reconciliation();
        Self {
            client,
            url: url.into(),
            rest,
            gate,
            config: StreamConfig::default(),
            state: Arc::default(),
            on_cash: None,
        }
    }

    /// Timeouts and back-off.
    pub fn config(mut self, config: StreamConfig) -> Self {
        self.config = config;
        self
    }

    /// Calls `f` with each balance event (the risk book's cash).
    pub fn on_cash(mut self, f: CashFn) -> Self {
        self.on_cash = Some(f);
        self
    }

    /// Its counters and fill ledger.
    pub fn state(&self) -> Arc<UserState> {
        self.state.clone()
    }

    /// Runs until a refusal retrying cannot cure (returned): the gate is
    /// closed ([`Gate::require_reconciliation`]) from the start and after
    /// every gap, and opened once the subscription is live and the live
    /// orders and balances were reconciled over REST.
    pub async fn run(self) -> Error {
        let mut failures = 0u32;
        let mut attempt = 0u64;
        loop {
            self.gate.require_reconciliation();
            attempt += 1;
            match self.session().await {
                Err(e) if is_permanent(&e) || matches!(e, Error::StreamApi { .. }) => return e,
                Err(_) => {
                    self.state
                        .stats
                        .connect_failures
                        .fetch_add(1, Ordering::Relaxed);
                    back_off(&self.config, failures, mix(attempt)).await;
                    failures = failures.saturating_add(1);
                }
                Ok(ended) => {
                    failures = 0;
                    self.gate.require_reconciliation();
                    self.state.stats.disconnects.fetch_add(1, Ordering::Relaxed);
                    if ended != Ended::Closed && ended != Ended::Stopped {
                        back_off(&self.config, 0, mix(attempt)).await;
                    }
                }
            }
        }
    }

    /// Runs on the current tokio runtime; stops when the handle is dropped.
    pub fn spawn(self) -> StreamTask {
        StreamTask::new(tokio::spawn(async move {
            let _ = self.run().await;
        }))
    }

    /// One connection: subscribe, reconcile, then apply events until it ends.
    async fn session(&self) -> Result<Ended, Error> {
        let mut ws = connect(&self.client, &self.url, &self.config).await?;
        self.state.stats.connects.fetch_add(1, Ordering::Relaxed);
        self.subscribe(&mut ws).await?;
        self.reconcile().await?;
        let ended = read_loop(&mut ws, &self.config, |text| {
            if let Some(text) = text {
                self.state.stats.frames.fetch_add(1, Ordering::Relaxed);
                match parse_frame(text) {
                    Ok(Frame::StreamTerminated { .. }) => return Next::Stop,
                    Ok(frame) => self.apply(&frame),
                    Err(_) => {
                        self.state.stats.bad_frames.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            self.retry_deferred();
            Next::Continue
        })
        .await;
        Ok(ended)
    }

    async fn subscribe(&self, ws: &mut WsStream) -> Result<(), Error> {
        let id = "supreme-user-data";
        let req = serde_json::json!({
            "id": id,
            "method": "userDataStream.subscribe.signature",
            "params": self.rest.ws_signed_params()?,
        });
        ws.send(Message::text(req.to_string()))
            .await
            .map_err(|e| Error::Stream(e.to_string()))?;
        let mut answer = None;
        let ended = read_loop(ws, &self.config, |text| match text.map(parse_frame) {
            Some(Ok(Frame::Answer(a))) if a.id == id => {
                answer = Some(a);
                Next::Stop
            }
            _ => Next::Continue,
        })
        .await;
        match answer {
            Some(a) if a.status == 200 => Ok(()),
            Some(a) => {
                let (code, msg) = a.error.unwrap_or((0, String::new()));
                Err(Error::StreamApi {
                    status: a.status,
                    code,
                    msg,
                })
            }
            None => Err(Error::Stream(format!("no subscription answer: {ended:?}"))),
        }
    }

    /// After a gap: every live order looked up over REST (never re-sent),
    /// the balances read, then the gate opened.
    async fn reconcile(&self) -> Result<(), Error> {
        for order in self.gate.live_orders() {
            let id = order.client_order_id;
            match order.status {
                // Its REST answer is on its way and will settle it.
                LiveStatus::Sending => {}
                LiveStatus::Unknown => {
                    self.rest.reconcile_order(&self.gate, &order).await?;
                }
                LiveStatus::Open => {
                    match self.rest.query_order(&order.symbol, id.as_str()).await? {
                        Some(state) => {
                            self.gate.report(&id, state.report())?;
                        }
                        None => self.gate.not_found(&id)?,
                    }
                }
            }
        }
        let _balances = self.rest.balances().await?;
        self.gate.mark_reconciled().map_err(Error::Gate)?;
        self.state.reconciliations.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn apply(&self, frame: &Frame) {
        match frame {
            Frame::ExecutionReport(r) => self.execution(r),
            Frame::AccountPosition(_) | Frame::BalanceUpdate(_) => {
                if let Some(f) = &self.on_cash {
                    f(frame);
                }
            }
            _ => {}
        }
    }

    fn execution(&self, r: &ExecutionReport) {
        if let Some(trade) = r.trade_id
            && !self.state.fills.record(r.order_id, trade)
        {
            self.state.duplicate_fills.fetch_add(1, Ordering::Relaxed);
        }
        let Some(id) = r.client_order_id else {
            self.state.foreign.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let report = report_of(r);
        match self.gate.live_order(&id).map(|o| o.status) {
            None => {
                self.state.foreign.fetch_add(1, Ordering::Relaxed);
            }
            Some(LiveStatus::Sending) => {
                // The reservation travels with the REST answer: apply after it.
                self.state.deferred().insert(id, report);
            }
            Some(_) => {
                if self.gate.report(&id, report).is_ok() {
                    self.state.reports.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Reports held for orders whose REST answer has come since: applied
    /// (once: the gate applies cumulative amounts); an order that already
    /// ended is dropped.
    fn retry_deferred(&self) {
        let mut deferred = self.state.deferred();
        if deferred.is_empty() {
            return;
        }
        deferred.retain(
            |id, report| match self.gate.live_order(id).map(|o| o.status) {
                Some(LiveStatus::Sending) => true,
                None => false,
                Some(_) => {
                    if self.gate.report(id, *report).is_ok() {
                        self.state.reports.fetch_add(1, Ordering::Relaxed);
                    }
                    false
                }
            },
        );
    }
}
