//! The event objects, field by field (Binance's one-letter names).

use serde::Deserialize;
use supreme_core::{Asset, ClientOrderId, Price, Quantity, Side, Symbol};

use super::frame::{
    AccountPosition, AvgPrice, BalanceUpdate, ExecStatus, ExecType, ExecutionReport, Frame,
    ListStatus, Trade, malformed,
};
use crate::Error;

#[derive(Deserialize)]
struct RawTrade {
    #[serde(rename = "s")]
    symbol: Symbol,
    #[serde(rename = "t", default)]
    t: Option<u64>,
    #[serde(rename = "a", default)]
    a: Option<u64>,
    #[serde(rename = "p")]
    price: Price,
    #[serde(rename = "q")]
    qty: Quantity,
    #[serde(rename = "E")]
    event_ms: u64,
    #[serde(rename = "T")]
    trade_ms: u64,
}

pub(super) fn trade(text: &str, aggregated: bool) -> Result<Frame, Error> {
    let r: RawTrade = serde_json::from_str(text).map_err(malformed)?;
    let id = if aggregated { r.a } else { r.t };
    let trade_id = id.ok_or_else(|| malformed("trade without its id"))?;
    Ok(Frame::Trade(Trade {
        symbol: r.symbol,
        trade_id,
        price: r.price,
        qty: r.qty,
        event_ms: r.event_ms,
        trade_ms: r.trade_ms,
        aggregated,
    }))
}

#[derive(Deserialize)]
struct RawAvg {
    #[serde(rename = "s")]
    symbol: Symbol,
    #[serde(rename = "w")]
    price: Price,
    #[serde(rename = "E")]
    event_ms: u64,
}

pub(super) fn avg_price(text: &str) -> Result<Frame, Error> {
    let r: RawAvg = serde_json::from_str(text).map_err(malformed)?;
    Ok(Frame::AvgPrice(AvgPrice {
        symbol: r.symbol,
        price: r.price,
        event_ms: r.event_ms,
    }))
}

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(rename = "s")]
    symbol: Symbol,
    #[serde(rename = "c", borrow)]
    client: std::borrow::Cow<'a, str>,
    #[serde(rename = "C", borrow, default)]
    orig_client: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "S")]
    side: Side,
    #[serde(rename = "x")]
    execution_type: ExecType,
    #[serde(rename = "X")]
    status: ExecStatus,
    #[serde(rename = "i")]
    order_id: u64,
    #[serde(rename = "l")]
    last_qty: Quantity,
    #[serde(rename = "L")]
    last_price: Price,
    #[serde(rename = "Y", default)]
    last_quote: Option<Quantity>,
    #[serde(rename = "z")]
    cumulative_qty: Quantity,
    #[serde(rename = "Z")]
    cumulative_quote: Quantity,
    #[serde(rename = "t")]
    trade_id: i64,
    #[serde(rename = "n", default)]
    commission: Option<Quantity>,
    #[serde(rename = "N", default)]
    commission_asset: Option<Asset>,
    #[serde(rename = "E")]
    event_ms: u64,
    #[serde(rename = "T")]
    transaction_ms: u64,
}

pub(super) fn execution_report(text: &str) -> Result<Frame, Error> {
    let r: RawReport<'_> = serde_json::from_str(text).map_err(malformed)?;
    let own = match r.orig_client.as_deref() {
        Some(orig) if !orig.is_empty() => orig,
        _ => r.client.as_ref(),
    };
    let trade_id = match r.trade_id {
        -1 => None,
        t => Some(u64::try_from(t).map_err(|_| malformed("negative trade id"))?),
    };
    if trade_id.is_some() != (r.execution_type == ExecType::Trade) {
        return Err(malformed(
            "a trade id without a trade, or a trade without one",
        ));
    }
    if r.last_qty > r.cumulative_qty {
        return Err(malformed("last fill larger than the cumulative quantity"));
    }
    Ok(Frame::ExecutionReport(Box::new(ExecutionReport {
        symbol: r.symbol,
        client_order_id: ClientOrderId::new(own).ok(),
        order_id: r.order_id,
        side: r.side,
        execution_type: r.execution_type,
        status: r.status,
        last_qty: r.last_qty,
        last_price: r.last_price,
        last_quote: r.last_quote.unwrap_or(Quantity::ZERO),
        cumulative_qty: r.cumulative_qty,
        cumulative_quote: r.cumulative_quote,
        trade_id,
        commission: r.commission.unwrap_or(Quantity::ZERO),
        commission_asset: r.commission_asset,
        event_ms: r.event_ms,
        transaction_ms: r.transaction_ms,
    })))
}

#[derive(Deserialize)]
struct RawBalance {
    #[serde(rename = "a")]
    asset: Asset,
    #[serde(rename = "f")]
    free: Quantity,
    #[serde(rename = "l")]
    locked: Quantity,
}

#[derive(Deserialize)]
struct RawPosition {
    #[serde(rename = "E")]
    event_ms: u64,
    #[serde(rename = "B")]
    balances: Vec<RawBalance>,
}

pub(super) fn account_position(text: &str) -> Result<Frame, Error> {
    let r: RawPosition = serde_json::from_str(text).map_err(malformed)?;
    Ok(Frame::AccountPosition(AccountPosition {
        event_ms: r.event_ms,
        balances: r
            .balances
            .into_iter()
            .map(|b| (b.asset, b.free, b.locked))
            .collect(),
    }))
}

#[derive(Deserialize)]
struct RawBalanceUpdate<'a> {
    #[serde(rename = "a")]
    asset: Asset,
    #[serde(rename = "d", borrow)]
    delta: std::borrow::Cow<'a, str>,
    #[serde(rename = "E")]
    event_ms: u64,
}

pub(super) fn balance_update(text: &str) -> Result<Frame, Error> {
    let r: RawBalanceUpdate<'_> = serde_json::from_str(text).map_err(malformed)?;
    let (negative, digits) = match r.delta.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, r.delta.as_ref()),
    };
    let delta: Quantity = digits.parse().map_err(malformed)?;
    Ok(Frame::BalanceUpdate(BalanceUpdate {
        asset: r.asset,
        delta,
        negative: negative && delta != Quantity::ZERO,
        event_ms: r.event_ms,
    }))
}

#[derive(Deserialize)]
struct RawList {
    #[serde(rename = "s")]
    symbol: Symbol,
    #[serde(rename = "g")]
    order_list_id: i64,
    #[serde(rename = "l")]
    list_status_type: String,
    #[serde(rename = "E")]
    event_ms: u64,
}

pub(super) fn list_status(text: &str) -> Result<Frame, Error> {
    let r: RawList = serde_json::from_str(text).map_err(malformed)?;
    Ok(Frame::ListStatus(ListStatus {
        symbol: r.symbol,
        order_list_id: r.order_list_id,
        list_status_type: r.list_status_type,
        event_ms: r.event_ms,
    }))
}
