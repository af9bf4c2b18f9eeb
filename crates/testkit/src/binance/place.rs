//! Placing an order: parsing its parameters, the exchange's filters (through
//! order-guard), funds, and matching.

use supreme_order_guard::{
    ClientOrderId, OpenOrderCounts, Order, OrderContext, OrderType, Policy, Price, Quantity,
    ReferencePrice, Side, Symbol, TimeInForce, Validator,
};

use super::book::{Book, OrderStatus, SimOrder};
use super::http::{Delivery, SimResponse};
use super::params::Params;
use super::routes::{assets, missing, symbol_param};
use super::{State, errors};

fn parse_order(params: &Params) -> Result<(Order, Option<String>), SimResponse> {
    let symbol = symbol_param(params)?;
    let side = match params.get("side") {
        Some("BUY") => Side::Buy,
        Some("SELL") => Side::Sell,
        Some(_) => return Err(SimResponse::error(400, -1117, "Invalid side.")),
        None => return Err(missing("side")),
    };
    let order_type = match params.get("type") {
        Some(t) => OrderType::from_name(t)
            .ok_or_else(|| SimResponse::error(400, -1116, "Invalid orderType."))?,
        None => return Err(missing("type")),
    };
    let mut order = Order::new(symbol, side, order_type);
    order.time_in_force = match params.get("timeInForce") {
        None => None,
        Some("GTC") => Some(TimeInForce::Gtc),
        Some("IOC") => Some(TimeInForce::Ioc),
        Some("FOK") => Some(TimeInForce::Fok),
        Some(_) => return Err(SimResponse::error(400, -1115, "Invalid timeInForce.")),
    };
    order.quantity = amount(params, "quantity")?;
    order.quote_quantity = amount(params, "quoteOrderQty")?;
    order.price = amount(params, "price")?;
    order.stop_price = amount(params, "stopPrice")?;
    order.iceberg_quantity = amount(params, "icebergQty")?;
    order.trailing_delta = match params.get("trailingDelta") {
        Some(d) => Some(d.parse().map_err(|_| {
            SimResponse::error(
                400,
                -1100,
                "Illegal characters found in parameter 'trailingDelta'.",
            )
        })?),
        None => None,
    };
    let id = params.get("newClientOrderId").map(str::to_string);
    if let Some(id) = &id {
        ClientOrderId::new(id).map_err(|_| {
            SimResponse::error(
                400,
                -1100,
                "Illegal characters found in parameter 'newClientOrderId'.",
            )
        })?;
    }
    Ok((order, id))
}

fn amount<T: std::str::FromStr<Err = supreme_order_guard::AmountError>>(
    params: &Params,
    name: &str,
) -> Result<Option<T>, SimResponse> {
    match params.get(name) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e| match e {
            supreme_order_guard::AmountError::TooPrecise => SimResponse::error(
                400,
                -1111,
                &format!("Parameter '{name}' has too much precision."),
            ),
            _ => SimResponse::error(
                400,
                -1100,
                &format!("Illegal characters found in parameter '{name}'."),
            ),
        }),
    }
}

pub(super) fn place(st: &mut State, params: &Params, now: u64) -> SimResponse {
    let limits = st.limits;
    if let Err(r) = st.counters.admit_order(&limits, now) {
        return r;
    }
    let (order, client_id) = match parse_order(params) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Some(id) = &client_id
        && st
            .book
            .orders
            .iter()
            .any(|o| o.is_open() && &o.client_order_id == id)
    {
        return SimResponse::error(400, -2010, "Duplicate order sent.");
    }
    let market = st.book.prices.get(&order.symbol).copied();
    if let Err(r) = check_filters(st, &order, market, now) {
        return r;
    }
    let market = market.unwrap_or(Price::ZERO);
    if order.order_type == OrderType::LimitMaker && Book::marketable(&order, market) {
        return SimResponse::error(400, -2010, "Order would immediately match and take.");
    }
    let (base, quote) = assets(st, &order.symbol);
    let lock = Book::lock_amount(&order, market);
    let funds = st.book.balance(if order.side == Side::Buy {
        &quote
    } else {
        &base
    });
    if funds.free < lock {
        return SimResponse::error(
            400,
            -2010,
            "Account has insufficient balance for requested action.",
        );
    }
    funds.free -= lock;
    funds.locked += lock;
    let order_id = st.book.next_id();
    let client_order_id = client_id.unwrap_or_else(|| format!("sim-{order_id}"));
    st.book.orders.push(SimOrder {
        order_id,
        client_order_id,
        order,
        status: OrderStatus::New,
        executed: Quantity::ZERO,
        cumulative_quote: 0,
        time_ms: now,
    });
    let idx = st.book.orders.len() - 1;
    if Book::marketable(&order, market) {
        st.book.fill(idx, market, &base, &quote);
    } else if matches!(
        order.time_in_force,
        Some(TimeInForce::Ioc | TimeInForce::Fok)
    ) {
        st.book.close(idx, OrderStatus::Expired, &base, &quote);
    }
    let mut resp = SimResponse::json(200, st.book.orders[idx].to_json().to_string());
    if st.faults.drop_after_accept > 0 {
        st.faults.drop_after_accept -= 1;
        resp.delivery = Delivery::Drop;
    } else if st.faults.garble_after_accept > 0 {
        st.faults.garble_after_accept -= 1;
        resp.body.truncate(resp.body.len() / 2);
    }
    resp
}

fn check_filters(
    st: &State,
    order: &Order,
    market: Option<Price>,
    now: u64,
) -> Result<(), SimResponse> {
    let open = |symbol: Option<Symbol>| {
        let mut c = OpenOrderCounts::default();
        for o in st
            .book
            .orders
            .iter()
            .filter(|o| o.is_open() && symbol.is_none_or(|s| o.order.symbol == s))
        {
            c.all += 1;
            c.algo += u32::from(o.order.order_type.is_algo());
            c.iceberg += u32::from(o.order.iceberg_quantity.is_some());
        }
        c
    };
    let (base, _) = assets(st, &order.symbol);
    let held = st.book.balances.get(&base).map_or(0, |b| b.free + b.locked);
    let open_buys: u64 = st
        .book
        .orders
        .iter()
        .filter(|o| o.is_open() && o.order.symbol == order.symbol && o.order.side == Side::Buy)
        .filter_map(|o| o.order.quantity.map(Quantity::units))
        .sum();
    let mut ctx = OrderContext::new(now)
        .with_open_orders(open(Some(order.symbol)), open(None))
        .with_base_position(Quantity::from_units(held + open_buys));
    ctx.reference = market.map(|price| ReferencePrice {
        price,
        observed_at_ms: now,
    });
    let verdict = Validator::new(Policy::default()).validate(&st.info, order, &ctx);
    match verdict {
        Ok(()) => Ok(()),
        Err(v) => Err(v
            .iter()
            .next()
            .map(errors::rejection)
            .unwrap_or_else(|| SimResponse::error(400, -1013, "Filter failure"))),
    }
}
