//! Blocking wrappers for bots that are not async, like `reqwest::blocking`.
//!
//! [`BinanceClient`] holds the async [`crate::BinanceClient`] and runs each
//! call to completion on ONE runtime shared by every wrapper in the process:
//! a multi-thread tokio runtime with one worker thread
//! (`supreme-binance-blocking`), built on first use and never dropped. The
//! worker drives connections, timers and the resolver; each call's future
//! runs on its caller's thread, so many threads call at once.
//!
//! Called from inside a tokio runtime (a task, `#[tokio::main]`), every
//! blocking method refuses with [`Error::InsideRuntime`] naming the call,
//! instead of blocking (or panicking in) that runtime: nothing is sent, and
//! an [`Approval`] handed to [`place_order`](BinanceClient::place_order)
//! is dropped unsent (its reservation given back). Use the async client's
//! method with `.await` there.
//!
//! ```
//! use supreme_binance::{Error, blocking};
//! # use supreme_binance::{Request, Response, Transport, TransportError};
//! # use supreme_vault::{EntrySecret, KdfParams, Vault};
//! # use secrecy::SecretString;
//! # struct Answer;
//! # impl Transport for Answer {
//! #     async fn send(&self, _: &Request) -> Result<Response, TransportError> {
//! #         Ok(Response { status: 200, headers: vec![], body: r#"{"serverTime":1}"#.into() })
//! #     }
//! # }
//! # let mut vault = Vault::create(&SecretString::from("p"), KdfParams::dangerous().insecure_for_tests())?;
//! # vault.put("binance", &EntrySecret::Hmac { key_id: "sim-api-key-0001".into(), secret: SecretString::from("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP") }, None)?;
//! let async_client = supreme_binance::BinanceClient::new(Answer, "sim-api-key-0001", vault.signer("binance")?);
//! let client = blocking::BinanceClient::new(async_client);
//! client.sync_time()?; // outside any runtime: runs on the shared one
//!
//! let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! let inside = rt.block_on(async { client.sync_time() });
//! assert!(matches!(inside, Err(Error::InsideRuntime { call: "sync_time" })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::future::Future;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use supreme_gate::{Approval, Gate, LiveOrder, RateCheck, RiskCheck};
use supreme_kill_switch::CloseOrder;
use supreme_order_guard::{ExchangeInfo, Symbol};

use crate::{
    AssetBalance, Error, KeyPolicy, OrderState, Params, Prepaid, Reconciled, Recovery, Usage,
};

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// The shared runtime, built on first use.
fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("supreme-binance-blocking")
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(e.to_string()))?;
    // A racing first call built one too: the loser's is dropped here,
    // outside any runtime.
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Runs `fut` to completion on the shared runtime, or refuses with
/// [`Error::InsideRuntime`] (naming `call`) when called inside a runtime:
/// the wrappers' runner, for the other async parts a blocking bot calls
/// (such as [`GuardedTransport::check_url`](crate::GuardedTransport::check_url)).
///
/// ```
/// use supreme_binance::{Error, blocking};
/// assert_eq!(blocking::block_on("add", async { 1 + 1 })?, 2);
/// let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// let inside = rt.block_on(async { blocking::block_on("add", async { 1 + 1 }) });
/// assert!(matches!(inside, Err(Error::InsideRuntime { call: "add" })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn block_on<F: Future>(call: &'static str, fut: F) -> Result<F::Output, Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::InsideRuntime { call });
    }
    Ok(runtime()?.block_on(fut))
}

/// [`crate::BinanceClient`] with blocking methods (see the module docs).
#[derive(Debug, Clone)]
pub struct BinanceClient {
    inner: Arc<crate::BinanceClient>,
}

impl From<Arc<crate::BinanceClient>> for BinanceClient {
    fn from(inner: Arc<crate::BinanceClient>) -> Self {
        Self { inner }
    }
}

impl BinanceClient {
    /// Wraps `client` (configure it first: clock, events, `recvWindow`).
    pub fn new(client: crate::BinanceClient) -> Self {
        Arc::new(client).into()
    }

    /// The async client inside (shared, for the parts of a bot that are async).
    pub fn async_client(&self) -> &Arc<crate::BinanceClient> {
        &self.inner
    }

    /// [`crate::BinanceClient::usage`].
    pub fn usage(&self) -> Usage {
        self.inner.usage()
    }

    /// [`crate::BinanceClient::clock_offset_ms`].
    pub fn clock_offset_ms(&self) -> i64 {
        self.inner.clock_offset_ms()
    }

    /// [`crate::BinanceClient::unrecorded_events`].
    pub fn unrecorded_events(&self) -> u64 {
        self.inner.unrecorded_events()
    }

    /// [`crate::BinanceClient::sync_time`], blocking.
    pub fn sync_time(&self) -> Result<i64, Error> {
        block_on("sync_time", self.inner.sync_time())?
    }

    /// [`crate::BinanceClient::public`], blocking.
    pub fn public(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
    ) -> Result<Value, Error> {
        block_on("public", self.inner.public(method, path, params))?
    }

    /// [`crate::BinanceClient::public_body`], blocking.
    pub fn public_body(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
    ) -> Result<String, Error> {
        block_on("public_body", self.inner.public_body(method, path, params))?
    }

    /// [`crate::BinanceClient::signed`], blocking.
    pub fn signed(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
    ) -> Result<Value, Error> {
        block_on("signed", self.inner.signed(method, path, params))?
    }

    /// [`crate::BinanceClient::place_order`], blocking. Inside a runtime the
    /// approval is dropped unsent.
    pub fn place_order<R, L>(&self, approval: Approval<R, L>) -> Result<OrderState, Error>
    where
        R: RiskCheck,
        L: RateCheck,
        L::Permit: Prepaid,
    {
        block_on("place_order", self.inner.place_order(approval))?
    }

    /// [`crate::BinanceClient::place_close_order`], blocking.
    pub fn place_close_order(
        &self,
        close: CloseOrder,
        rules: &ExchangeInfo,
    ) -> Result<OrderState, Error> {
        block_on(
            "place_close_order",
            self.inner.place_close_order(close, rules),
        )?
    }

    /// [`crate::BinanceClient::query_order`], blocking.
    pub fn query_order(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<Option<OrderState>, Error> {
        block_on(
            "query_order",
            self.inner.query_order(symbol, client_order_id),
        )?
    }

    /// [`crate::BinanceClient::cancel_order`], blocking.
    pub fn cancel_order(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<OrderState, Error> {
        block_on(
            "cancel_order",
            self.inner.cancel_order(symbol, client_order_id),
        )?
    }

    /// [`crate::BinanceClient::open_orders`], blocking.
    pub fn open_orders(&self, symbol: Option<&Symbol>) -> Result<Vec<OrderState>, Error> {
        block_on("open_orders", self.inner.open_orders(symbol))?
    }

    /// [`crate::BinanceClient::cancel_open_orders`], blocking.
    pub fn cancel_open_orders(&self, symbol: &Symbol) -> Result<usize, Error> {
        block_on("cancel_open_orders", self.inner.cancel_open_orders(symbol))?
    }

    /// [`crate::BinanceClient::balances`], blocking.
    pub fn balances(&self) -> Result<Vec<AssetBalance>, Error> {
        block_on("balances", self.inner.balances())?
    }

    /// [`crate::BinanceClient::exchange_info`], blocking.
    pub fn exchange_info(&self) -> Result<ExchangeInfo, Error> {
        block_on("exchange_info", self.inner.exchange_info())?
    }

    /// [`crate::BinanceClient::check_key_privileges`], blocking.
    pub fn check_key_privileges(&self, policy: KeyPolicy) -> Result<Vec<String>, Error> {
        block_on(
            "check_key_privileges",
            self.inner.check_key_privileges(policy),
        )?
    }

    /// [`crate::BinanceClient::reconcile`], blocking.
    pub fn reconcile(&self, symbol: &Symbol, client_order_id: &str) -> Result<Reconciled, Error> {
        block_on("reconcile", self.inner.reconcile(symbol, client_order_id))?
    }

    /// [`crate::BinanceClient::reconcile_order`], blocking.
    pub fn reconcile_order<R: RiskCheck, L: RateCheck>(
        &self,
        gate: &Gate<R, L>,
        order: &LiveOrder,
    ) -> Result<Reconciled, Error> {
        block_on("reconcile_order", self.inner.reconcile_order(gate, order))?
    }

    /// [`crate::BinanceClient::recover`], blocking.
    pub fn recover<R: RiskCheck, L: RateCheck>(
        &self,
        gate: &Gate<R, L>,
    ) -> Result<Recovery, Error> {
        block_on("recover", self.inner.recover(gate))?
    }
}
