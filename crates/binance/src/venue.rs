//! The kill switch's [`Venue`] on Binance spot: cancel everything, list
//! holdings as positions, and close them with orders that pass the filters.
//!
//! Fail closed: every error from the exchange (balances, ticker, open
//! orders, a close order refused) propagates, so the halt returns
//! `HaltIncomplete` and says NOT VERIFIED instead of "clean". Only the
//! assets given to [`BinanceVenue::new`] are flattened; every other holding
//! (the fee asset, unrelated coins) is left and listed in the halt report,
//! as is dust (below the symbol's `minQty` or minimum notional), with its
//! amounts. A holding above `LOT_SIZE` `maxQty` (or the notional cap) is
//! closed in several orders.
//!
//! The kill switch's [`Venue`] is async, and [`BinanceVenue`] implements
//! it directly with the async [`BinanceClient`]. The halt polls it on its
//! own thread and its own runtime (see
//! [`KillSwitch::halt`](supreme_kill_switch::KillSwitch::halt)), so a stalled
//! application runtime cannot delay the cancels, provided the venue's client
//! is its own: see [`BinanceVenue::new`].

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use supreme_core::{Asset, Notional, Price, Quantity, Side, Symbol};
use supreme_kill_switch::{CloseOrder, LeftHolding, OpenOrder, Position, Venue, VenueError};
use supreme_order_guard::{ExchangeInfo, SymbolRules, SymbolStatus};

use crate::{BinanceClient, Error};

/// Binance spot as a kill-switch venue. Spot holdings of the assets to
/// flatten, each traded against `quote_asset`, are the positions.
#[derive(Debug)]
pub struct BinanceVenue {
    client: Arc<BinanceClient>,
    rules: Arc<ExchangeInfo>,
    quote_asset: Asset,
    flatten: BTreeSet<Asset>,
    left: Mutex<Vec<LeftHolding>>,
}

impl BinanceVenue {
    /// A venue over `client`, with `rules`, positions valued in
    /// `quote_asset`, flattening only the assets in `flatten` (the bases of
    /// the symbols the bot trades, or a configured allowlist).
    ///
    /// The assets are core's validated [`Asset`]s, so a misspelt one
    /// (`"btc"`) is refused where it is written instead of matching no
    /// balance and leaving the position open.
    ///
    /// # Give the halt its own client
    ///
    /// Build `client` for the venue alone, over its own
    /// [`GuardedTransport`](crate::GuardedTransport) and its own
    /// [`GuardedClient`](supreme_net_guard::GuardedClient) (a second
    /// `build()`, not a clone: clones share one connection pool). A pooled
    /// connection is driven by the runtime that opened it, so a venue that
    /// shares the application's client may send its cancels over a
    /// connection that only the (stalled) application runtime can move. The
    /// exchange's limiter is shared: the weights are the account's and the
    /// IP's, whoever spends them.
    ///
    /// ```no_run
    /// # fn halt_venue(
    /// #     policy: supreme_net_guard::EgressPolicy,
    /// #     signer: supreme_vault::Signer,
    /// #     limiter: std::sync::Arc<supreme_net_guard::ratelimit::ExchangeLimiter<supreme_net_guard::SystemClock>>,
    /// #     rules: std::sync::Arc<supreme_order_guard::ExchangeInfo>,
    /// # ) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use supreme_binance::{BinanceClient, BinanceVenue, GuardedTransport};
    /// use supreme_core::Asset;
    /// use supreme_net_guard::GuardedClient;
    /// // The halt's own HTTP client and pool, built outside any runtime.
    /// let http = GuardedClient::builder(policy).build()?;
    /// let transport = GuardedTransport::new(http, "https://api.binance.com", limiter)?;
    /// let client = Arc::new(BinanceClient::new(transport, "api-key-id", signer));
    /// let venue = BinanceVenue::new(client, rules, Asset::new("USDT")?, [Asset::new("BTC")?]);
    /// # Ok(()) }
    /// ```
    ///
    /// ```no_run
    /// # fn venue(client: std::sync::Arc<supreme_binance::BinanceClient>,
    /// #          rules: std::sync::Arc<supreme_order_guard::ExchangeInfo>)
    /// #          -> Result<(), supreme_core::NameError> {
    /// use supreme_binance::BinanceVenue;
    /// use supreme_core::Asset;
    /// // BNB (the fee asset) and anything else stay where they are.
    /// let (btc, eth) = (Asset::new("BTC")?, Asset::new("ETH")?);
    /// let venue = BinanceVenue::new(client, rules, Asset::new("USDT")?, [btc, eth]);
    /// # Ok(()) }
    /// ```
    pub fn new(
        client: Arc<BinanceClient>,
        rules: Arc<ExchangeInfo>,
        quote_asset: Asset,
        flatten: impl IntoIterator<Item = Asset>,
    ) -> Self {
        Self {
            client,
            rules,
            quote_asset,
            flatten: flatten.into_iter().collect(),
            left: Mutex::new(Vec::new()),
        }
    }

    fn symbol_for(&self, asset: Asset) -> Option<(Symbol, &SymbolRules)> {
        let symbol = Symbol::new(&format!("{asset}{}", self.quote_asset)).ok()?;
        let rules = self.rules.symbol(&symbol)?;
        (rules.status == SymbolStatus::Trading && *rules.base_asset == *asset.as_str())
            .then_some((symbol, rules))
    }
}

fn venue_error(e: Error) -> VenueError {
    VenueError::new(e.to_string())
}

impl Venue for BinanceVenue {
    async fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> {
        let list = self.client.open_orders(None).await.map_err(venue_error)?;
        // Fail closed: an open order whose symbol cannot be named cannot be
        // cancelled, so the listing is an error, not a shorter list.
        list.into_iter()
            .map(|o| {
                let symbol = Symbol::new(&o.symbol).map_err(|e| {
                    VenueError::new(format!("open order {}: {e}", o.client_order_id))
                })?;
                Ok(OpenOrder {
                    symbol,
                    order_id: o.client_order_id,
                })
            })
            .collect()
    }

    async fn cancel_all(&self, symbol: &Symbol) -> Result<(), VenueError> {
        self.client
            .cancel_open_orders(symbol)
            .await
            .map(|_| ())
            .map_err(venue_error)
    }

    async fn positions(&self) -> Result<Vec<Position>, VenueError> {
        let mut out = Vec::new();
        let mut left = Vec::new();
        for b in self.client.balances().await.map_err(venue_error)? {
            // Every asset the bot trades is a valid Asset; a balance named
            // otherwise (none on Binance spot today) cannot be one of them.
            let Ok(asset) = Asset::new(&b.asset) else {
                continue;
            };
            if asset == self.quote_asset {
                continue; // the cash positions are valued in
            }
            let quantity = Quantity::from_units(b.free.units().saturating_add(b.locked.units()));
            let leave = |reason: String| LeftHolding {
                asset,
                quantity,
                reason,
            };
            if !self.flatten.contains(&asset) {
                left.push(leave("not traded by the bot".into()));
                continue;
            }
            let Some((symbol, rules)) = self.symbol_for(asset) else {
                // Fail closed: an asset to flatten that cannot be sold here
                // is a position the halt cannot close.
                return Err(VenueError::new(format!(
                    "{asset} {quantity} must be flattened but {asset}{} is not TRADING",
                    self.quote_asset
                )));
            };
            let mark = self
                .client
                .ticker_price(&symbol)
                .await
                .map_err(venue_error)?;
            if let Some(why) = dust(rules, quantity, mark) {
                left.push(leave(why));
                continue;
            }
            // A spot holding is long: closing it sells.
            out.push(Position {
                symbol,
                side: Side::Buy,
                quantity,
                mark_price: mark,
            });
        }
        *self.left.lock().unwrap_or_else(PoisonError::into_inner) = left;
        Ok(out)
    }

    async fn close_position(&self, order: CloseOrder) -> Result<(), VenueError> {
        let (symbol, limit) = (order.symbol(), order.limit_price());
        let rules = self
            .rules
            .symbol(&symbol)
            .ok_or_else(|| VenueError::new(format!("no rules for {symbol}")))?;
        // Pieces on the step, so only the last one is rounded down.
        let chunk = match chunk_size(rules, limit).map(|c| on_step(rules, c)) {
            Some(0) => {
                return Err(VenueError::new(format!(
                    "no {symbol} close order fits the caps at limit {limit}"
                )));
            }
            chunk => chunk.map_or(Quantity::ZERO, Quantity::from_units),
        };
        let mut next = Some(order);
        while let Some(order) = next.take() {
            let (piece, rest) = order.split(chunk);
            if dust(rules, piece.quantity(), limit).is_some() {
                break; // what is left cannot be sold: the next listing reports it
            }
            self.client
                .place_close_order(piece, &self.rules)
                .await
                .map_err(venue_error)?;
            next = rest;
        }
        Ok(())
    }

    fn left_alone(&self) -> Vec<LeftHolding> {
        self.left
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Why `quantity` at `mark` cannot be sold on this symbol (below `minQty`,
/// or below the minimum notional), with the amounts; `None` if it can.
fn dust(rules: &SymbolRules, quantity: Quantity, mark: Price) -> Option<String> {
    if let Some(lot) = &rules.lot_size {
        let sellable = quantity.units() - quantity.units() % lot.step_size.units().max(1);
        if sellable < lot.min_qty.units() || sellable == 0 {
            return Some(format!("dust: {quantity} below minQty {}", lot.min_qty));
        }
    }
    let min = rules
        .notional
        .map(|n| n.min_notional)
        .into_iter()
        .chain(rules.min_notional.map(|n| n.min_notional))
        .max()?;
    let value = Notional::of(mark, quantity);
    (value < Notional::from_quote(min)).then(|| {
        format!(
            "dust: {quantity} at {mark} is {} {}, below minNotional {min}",
            value.to_decimal().unwrap_or_default(),
            rules.quote_asset
        )
    })
}

/// `units` rounded down to the symbol's `LOT_SIZE` step.
fn on_step(rules: &SymbolRules, units: u64) -> u64 {
    let step = rules.lot_size.map_or(1, |l| l.step_size.units().max(1));
    units - units % step
}

/// The largest quantity one close order may carry at `limit`: `LOT_SIZE`
/// `maxQty` and the `NOTIONAL` cap, in 10⁻⁸ units (`None`: no cap).
fn chunk_size(rules: &SymbolRules, limit: Price) -> Option<u64> {
    let by_lot = rules.lot_size.map(|l| l.max_qty.units()).filter(|&m| m > 0);
    let by_notional = rules
        .notional
        .map(|n| n.max_notional)
        .filter(|m| !m.is_zero() && !limit.is_zero())
        .and_then(|m| {
            // max_notional / limit in 10⁻⁸ units, rounded down.
            let units =
                u128::from(m.units()) * u128::from(supreme_core::ONE) / u128::from(limit.units());
            u64::try_from(units).ok()
        });
    match (by_lot, by_notional) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
