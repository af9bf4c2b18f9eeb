//! The risk book a guard starts with: the file's limits, the traded
//! symbols, marks from the exchange's average prices, balances from the
//! account, and the high-water marks and breaches restored from the state
//! file (or, on a first run only, started fresh). A missing or tampered
//! state file on a later run refuses the start: a fresh book would forget
//! the drawdown's high-water mark and every latched breach.

use std::sync::Arc;

use supreme_audit::AuditLog;
use supreme_binance::{AssetBalance, BinanceClient, Params};
use supreme_core::{Asset, Price, Quantity, Symbol};
use supreme_kill_switch::KillSwitch;
use supreme_kill_switch::triggers::RiskBreach;
use supreme_order_guard::ExchangeInfo;
use supreme_risk_limits::{Breach, CoarseClock, RiskBook, StateFile};

use super::net::Connection;

/// A traded symbol with its base and quote assets.
type Traded = (Symbol, Asset, Asset);
use crate::{Config, Error};

/// Builds, fills and starts the book.
pub(super) async fn book(
    config: &Config,
    switch: &KillSwitch,
    audit: &Arc<AuditLog>,
    conn: &Connection,
    first_run: bool,
) -> Result<RiskBook<CoarseClock>, Error> {
    let risk = |e| Error::start("risk book", e);
    let symbols = &config.exchange.symbols;
    if symbols.is_empty() {
        return Err(Error::start(
            "risk book",
            "[exchange] symbols is empty: list the symbols the bot trades, so their positions are tracked",
        ));
    }
    let switch = switch.clone();
    let book = RiskBook::new(config.risk.clone(), CoarseClock)
        .map_err(risk)?
        .with_breach_sink(move |b: &Breach| {
            let _ = switch.trip_risk_breach(&RiskBreach {
                limit: format!("{:?} at {}", b.kind, b.scope),
                limit_value: String::new(),
                observed: b.observed.to_string(),
            });
        })
        .with_events(audit.clone());
    let assets = traded_assets(&conn.rules, symbols)?;
    for (symbol, base, quote) in &assets {
        book.add_symbol(*symbol, *base, *quote).map_err(risk)?;
    }
    let valuation = config.risk.valuation();
    let mut marks = Vec::new();
    for (symbol, _, _) in &assets {
        let mark = average_price(&conn.client, symbol).await?;
        book.set_mark(*symbol, mark).map_err(risk)?;
        marks.push((*symbol, mark));
    }
    for (_, _, quote) in &assets {
        if *quote == valuation {
            continue;
        }
        let rate = assets
            .iter()
            .zip(&marks)
            .find(|((_, b, q), _)| b == quote && *q == valuation)
            .map(|(_, (_, m))| *m)
            .ok_or_else(|| Error::start("risk book", format!(
                "no rate for {quote} in {valuation}: add {quote}{valuation} to [exchange] symbols"
            )))?;
        book.set_rate(*quote, rate);
    }
    let balances = conn
        .client
        .balances()
        .await
        .map_err(|e| Error::start("exchange", e))?;
    let account = config.risk.origin().account;
    for b in &balances {
        let Ok(asset) = Asset::new(&b.asset) else {
            continue;
        };
        let held = total(b)?;
        if let Some(((symbol, _, _), (_, mark))) =
            position_symbol(&assets, &marks, asset, valuation)
        {
            book.set_position(account, symbol, held, mark)
                .map_err(risk)?;
        } else if asset == valuation || assets.iter().any(|(_, _, q)| *q == asset) {
            book.deposit(account, asset, held).map_err(risk)?;
        }
    }
    start(config, &book, first_run)?;
    Ok(book)
}

/// Restores from the state file, or starts fresh on a first run; then
/// persists there from now on.
fn start(config: &Config, book: &RiskBook<CoarseClock>, first_run: bool) -> Result<(), Error> {
    let path = &config.state.risk_state;
    let state = |e| Error::start("risk state", e);
    let file = StateFile::with_key_file(path, &path.with_extension("key")).map_err(state)?;
    let exists = std::fs::symlink_metadata(path).is_ok();
    match (exists, first_run) {
        (true, false) => {
            let saved = file.load().map_err(state)?;
            book.restore(&saved).map_err(state)?;
        }
        (false, true) => book.start_fresh().map_err(state)?,
        (true, true) => {
            return Err(Error::start(
                "risk state",
                format!(
                    "{} exists, so this is not a first run: start without first_run to restore it",
                    path.display()
                ),
            ));
        }
        (false, false) => {
            return Err(Error::start(
                "risk state",
                format!(
                    "{} is missing: a later run restores its high-water marks and breaches and will not start without them (a first run starts fresh with first_run)",
                    path.display()
                ),
            ));
        }
    }
    book.persist_to(file).map_err(state)
}

/// Each symbol with its base and quote assets, from the exchange's rules.
fn traded_assets(rules: &ExchangeInfo, symbols: &[Symbol]) -> Result<Vec<Traded>, Error> {
    symbols
        .iter()
        .map(|s| {
            let r = rules.symbol(s).ok_or_else(|| {
                Error::start(
                    "exchange rules",
                    format!("{s} is not listed by the exchange"),
                )
            })?;
            let asset = |a: &str| Asset::new(a).map_err(|e| Error::start("exchange rules", e));
            Ok((*s, asset(&r.base_asset)?, asset(&r.quote_asset)?))
        })
        .collect()
}

/// The symbol a balance of `asset` is a position in: the first with it as
/// base and the valuation as quote, else the first with it as base.
fn position_symbol(
    assets: &[Traded],
    marks: &[(Symbol, Price)],
    asset: Asset,
    valuation: Asset,
) -> Option<(Traded, (Symbol, Price))> {
    let pairs = || assets.iter().copied().zip(marks.iter().copied());
    pairs()
        .find(|((_, b, q), _)| *b == asset && *q == valuation)
        .or_else(|| pairs().find(|((_, b, _), _)| *b == asset))
}

fn total(b: &AssetBalance) -> Result<Quantity, Error> {
    b.free
        .units()
        .checked_add(b.locked.units())
        .map(Quantity::from_units)
        .ok_or_else(|| Error::start("exchange", format!("{} balance overflows", b.asset)))
}

/// The exchange's average price of `symbol` (`GET /api/v3/avgPrice`).
async fn average_price(client: &BinanceClient, symbol: &Symbol) -> Result<Price, Error> {
    let v = client
        .public(
            "GET",
            "/api/v3/avgPrice",
            &Params::new().with("symbol", symbol),
        )
        .await
        .map_err(|e| Error::start("exchange", e))?;
    v["price"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| Error::start("exchange", format!("avgPrice of {symbol} without a price")))
}
