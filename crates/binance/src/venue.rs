//! The kill switch's [`Venue`] on Binance spot: cancel everything, list
//! holdings as positions, and close them with orders that pass the filters.

use std::sync::Arc;

use rust_decimal::Decimal;
use supreme_kill_switch::{CloseOrder, OpenOrder, Position, Side as KsSide, Venue, VenueError};
use supreme_order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, OrderType, Price, Quantity, ReferencePrice,
    Side, Symbol, SymbolStatus, TimeInForce, Validator,
};

use crate::{BinanceClient, BinanceError, Params};

/// Binance spot as a kill-switch venue. Spot holdings of each asset that
/// trades against `quote_asset` are the positions; dust below the symbol's
/// minimum quantity or notional cannot be sold and is not reported.
#[derive(Debug)]
pub struct BinanceVenue {
    client: Arc<BinanceClient>,
    rules: Arc<ExchangeInfo>,
    quote_asset: String,
}

impl BinanceVenue {
    /// A venue over `client`, with `rules` and positions valued in `quote_asset`.
    pub fn new(client: Arc<BinanceClient>, rules: Arc<ExchangeInfo>, quote_asset: &str) -> Self {
        Self {
            client,
            rules,
            quote_asset: quote_asset.to_string(),
        }
    }

    fn price(&self, symbol: &Symbol) -> Result<Price, BinanceError> {
        let v = self.client.public(
            "GET",
            "/api/v3/ticker/price",
            &Params::new().with("symbol", symbol),
        )?;
        v["price"]
            .as_str()
            .and_then(|p| p.parse().ok())
            .ok_or(BinanceError::Malformed {
                path: "/api/v3/ticker/price",
                reason: "no price".into(),
            })
    }

    fn symbol_for(&self, asset: &str) -> Option<Symbol> {
        let symbol = Symbol::new(&format!("{asset}{}", self.quote_asset)).ok()?;
        let rules = self.rules.symbol(&symbol)?;
        (rules.status == SymbolStatus::Trading && *rules.base_asset == *asset).then_some(symbol)
    }

    /// A LIMIT IOC order closing `quantity` at no worse than `limit`, moved
    /// onto the grid and validated.
    fn close_order(
        &self,
        symbol: Symbol,
        side: Side,
        quantity: Quantity,
        limit: Price,
    ) -> Result<Order, VenueError> {
        let mut order = Order::limit(symbol, side, quantity, limit);
        order.time_in_force = Some(TimeInForce::Ioc);
        let now = self.client.now_ms();
        let open = self
            .client
            .open_orders(Some(&symbol))
            .map_err(venue_error)?
            .len();
        let counts = OpenOrderCounts {
            all: u32::try_from(open).unwrap_or(u32::MAX),
            ..Default::default()
        };
        let reference = self.price(&symbol).map_err(venue_error)?;
        let ctx = OrderContext::new(now)
            .with_reference(ReferencePrice {
                price: reference,
                observed_at_ms: now,
            })
            .with_open_orders(counts, counts)
            .with_base_position(Quantity::ZERO);
        Validator::default()
            .normalize(&self.rules, &order, &ctx)
            .map(|n| n.order)
            .map_err(|v| VenueError::new(format!("no valid close order for {symbol}: {v}")))
    }
}

fn venue_error(e: BinanceError) -> VenueError {
    VenueError::new(e.to_string())
}

fn decimal_to<T: TryFrom<Decimal>>(d: Decimal, what: &str) -> Result<T, VenueError> {
    T::try_from(d).map_err(|_| VenueError::new(format!("{what} {d} is not an exchange amount")))
}

impl Venue for BinanceVenue {
    fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> {
        let list = self.client.open_orders(None).map_err(venue_error)?;
        Ok(list
            .into_iter()
            .map(|o| OpenOrder {
                symbol: o.symbol,
                order_id: o.client_order_id,
            })
            .collect())
    }

    fn cancel_all(&self, symbol: &str) -> Result<(), VenueError> {
        let symbol =
            Symbol::new(symbol).map_err(|e| VenueError::new(format!("symbol {symbol:?}: {e}")))?;
        self.client
            .cancel_open_orders(&symbol)
            .map(|_| ())
            .map_err(venue_error)
    }

    fn positions(&self) -> Result<Vec<Position>, VenueError> {
        let mut out = Vec::new();
        for b in self.client.balances().map_err(venue_error)? {
            let Some(symbol) = self.symbol_for(&b.asset) else {
                continue;
            };
            let quantity = Quantity::from_units(b.free.units().saturating_add(b.locked.units()));
            let mark = self.price(&symbol).map_err(venue_error)?;
            if self
                .close_order(symbol, Side::Sell, quantity, mark)
                .is_err()
            {
                continue; // dust: no order can sell it
            }
            out.push(Position {
                symbol: symbol.to_string(),
                quantity: quantity.to_decimal(),
                mark_price: mark.to_decimal(),
            });
        }
        Ok(out)
    }

    fn close_position(&self, order: &CloseOrder) -> Result<(), VenueError> {
        let symbol =
            Symbol::new(&order.symbol).map_err(|e| VenueError::new(format!("symbol: {e}")))?;
        let side = match order.side {
            KsSide::Buy => Side::Buy,
            KsSide::Sell => Side::Sell,
        };
        let quantity: Quantity = decimal_to(order.quantity, "quantity")?;
        let limit: Price = decimal_to(order.limit_price, "limit price")?;
        let close = self.close_order(symbol, side, quantity, limit)?;
        debug_assert_eq!(close.order_type, OrderType::Limit);
        self.client
            .place_order(&close)
            .map(|_| ())
            .map_err(venue_error)
    }
}
