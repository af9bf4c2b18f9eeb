//! Endpoint dispatch: weights, authentication, and each endpoint.

use serde_json::{Value, json};
use supreme_order_guard::{
    ClientOrderId, OpenOrderCounts, Order, OrderContext, OrderType, Policy, Price, Quantity,
    ReferencePrice, Side, Symbol, TimeInForce, Validator,
};

use super::book::{Book, OrderStatus, SimOrder};
use super::http::{Delivery, SimRequest, SimResponse};
use super::params::Params;
use super::{State, auth, errors};

/// (method, path, weight, signed)
const ENDPOINTS: &[(&str, &str, u32, bool)] = &[
    ("GET", "/api/v3/ping", 1, false),
    ("GET", "/api/v3/time", 1, false),
    ("GET", "/api/v3/exchangeInfo", 20, false),
    ("GET", "/api/v3/avgPrice", 2, false),
    ("GET", "/api/v3/ticker/price", 2, false),
    ("POST", "/api/v3/order", 1, true),
    ("GET", "/api/v3/order", 4, true),
    ("DELETE", "/api/v3/order", 1, true),
    ("GET", "/api/v3/openOrders", 6, true),
    ("DELETE", "/api/v3/openOrders", 1, true),
    ("GET", "/api/v3/account", 20, true),
    ("GET", "/sapi/v1/account/apiRestrictions", 1, true),
];

pub(super) fn route(st: &mut State, req: &SimRequest, now: u64) -> SimResponse {
    let Some(&(_, path, weight, signed)) = ENDPOINTS
        .iter()
        .find(|(m, p, ..)| *m == req.method && *p == req.path)
    else {
        return SimResponse::error(404, -1000, "Unknown endpoint.");
    };
    let params = match Params::parse(&req.query, &req.body) {
        Ok(p) => p,
        Err(msg) => return SimResponse::error(400, -1101, &msg),
    };
    let weight =
        if path == "/api/v3/openOrders" && req.method == "GET" && params.get("symbol").is_none() {
            80
        } else {
            weight
        };
    let limits = st.limits;
    let mut resp = match st.counters.admit(&limits, now, weight) {
        Err(r) => r,
        Ok(()) if signed => match authenticate(st, req, &params, now) {
            Err(r) => r,
            Ok(()) => signed_endpoint(st, req, &params, now),
        },
        Ok(()) => public_endpoint(st, path, &params, now),
    };
    resp.headers.push((
        "x-mbx-used-weight-1m".into(),
        st.counters.weight().to_string(),
    ));
    resp.headers
        .push(("x-mbx-used-weight".into(), st.counters.weight().to_string()));
    if path == "/api/v3/order" && req.method == "POST" {
        let (ten, day) = st.counters.orders();
        resp.headers
            .push(("x-mbx-order-count-10s".into(), ten.to_string()));
        resp.headers
            .push(("x-mbx-order-count-1d".into(), day.to_string()));
    }
    resp
}

fn authenticate(
    st: &State,
    req: &SimRequest,
    params: &Params,
    now: u64,
) -> Result<(), SimResponse> {
    let key = req
        .header_value("x-mbx-apikey")
        .ok_or_else(|| SimResponse::error(401, -2014, "API-key format invalid."))?;
    let key = st.keys.get(key).ok_or_else(|| {
        SimResponse::error(
            401,
            -2015,
            "Invalid API-key, IP, or permissions for action.",
        )
    })?;
    auth::check_signed(key, params, now)
}

fn price_of(st: &State, params: &Params) -> Result<(Symbol, Price), SimResponse> {
    let symbol = symbol_param(params)?;
    let price = st.book.prices.get(&symbol).copied();
    match (st.info.symbol(&symbol), price) {
        (Some(_), Some(p)) => Ok((symbol, p)),
        _ => Err(SimResponse::error(400, -1121, "Invalid symbol.")),
    }
}

fn symbol_param(params: &Params) -> Result<Symbol, SimResponse> {
    let s = params.get("symbol").ok_or_else(|| missing("symbol"))?;
    Symbol::new(s).map_err(|_| SimResponse::error(400, -1121, "Invalid symbol."))
}

fn missing(name: &str) -> SimResponse {
    SimResponse::error(
        400,
        -1102,
        &format!("Mandatory parameter '{name}' was not sent, was empty/null, or malformed."),
    )
}

fn public_endpoint(st: &State, path: &str, params: &Params, now: u64) -> SimResponse {
    let result = match path {
        "/api/v3/ping" => Ok(json!({})),
        "/api/v3/time" => Ok(json!({ "serverTime": now })),
        "/api/v3/exchangeInfo" => return SimResponse::json(200, st.info_json.clone()),
        "/api/v3/avgPrice" => price_of(st, params)
            .map(|(_, p)| json!({ "mins": 5, "price": p.to_string(), "closeTime": now })),
        _ => price_of(st, params)
            .map(|(s, p)| json!({ "symbol": s.as_str(), "price": p.to_string() })),
    };
    match result {
        Ok(v) => SimResponse::json(200, v.to_string()),
        Err(r) => r,
    }
}

fn signed_endpoint(st: &mut State, req: &SimRequest, params: &Params, now: u64) -> SimResponse {
    let result = match (req.method.as_str(), req.path.as_str()) {
        ("POST", _) => return place(st, params, now),
        ("GET", "/api/v3/order") => find(st, params).map(|i| st.book.orders[i].to_json()),
        ("DELETE", "/api/v3/order") => cancel(st, params),
        ("GET", "/api/v3/openOrders") => {
            let symbol = params
                .get("symbol")
                .map(|_| symbol_param(params))
                .transpose();
            symbol.map(|s| {
                let open = st
                    .book
                    .orders
                    .iter()
                    .filter(|o| o.is_open() && s.is_none_or(|s| o.order.symbol == s));
                Value::Array(open.map(SimOrder::to_json).collect())
            })
        }
        ("DELETE", "/api/v3/openOrders") => cancel_all(st, params),
        ("GET", "/api/v3/account") => Ok(account(st, now)),
        _ => restrictions(st, req),
    };
    match result {
        Ok(v) => SimResponse::json(200, v.to_string()),
        Err(r) => r,
    }
}

fn restrictions(st: &State, req: &SimRequest) -> Result<Value, SimResponse> {
    let key = req
        .header_value("x-mbx-apikey")
        .and_then(|k| st.keys.get(k));
    key.map(|k| serde_json::to_value(k.restrictions).unwrap_or(Value::Null))
        .ok_or_else(|| {
            SimResponse::error(
                401,
                -2015,
                "Invalid API-key, IP, or permissions for action.",
            )
        })
}

fn account(st: &State, now: u64) -> Value {
    let balances: Vec<Value> = st
        .book
        .balances
        .iter()
        .map(|(asset, b)| {
            json!({
                "asset": asset,
                "free": Quantity::from_units(b.free).to_string(),
                "locked": Quantity::from_units(b.locked).to_string(),
            })
        })
        .collect();
    json!({ "canTrade": true, "canWithdraw": false, "canDeposit": true, "updateTime": now,
            "accountType": "SPOT", "balances": balances, "permissions": ["SPOT"] })
}

fn assets(st: &State, symbol: &Symbol) -> (String, String) {
    st.info
        .symbol(symbol)
        .map(|r| (r.base_asset.to_string(), r.quote_asset.to_string()))
        .unwrap_or_default()
}

fn find(st: &State, params: &Params) -> Result<usize, SimResponse> {
    let symbol = symbol_param(params)?;
    let by_client = params.get("origClientOrderId");
    let by_id = params.get("orderId").and_then(|i| i.parse::<u64>().ok());
    if by_client.is_none() && by_id.is_none() {
        return Err(missing("orderId"));
    }
    st.book
        .orders
        .iter()
        .rposition(|o| {
            o.order.symbol == symbol
                && (by_id == Some(o.order_id) || by_client.is_some_and(|c| c == o.client_order_id))
        })
        .ok_or_else(|| SimResponse::error(400, -2013, "Order does not exist."))
}

fn cancel(st: &mut State, params: &Params) -> Result<Value, SimResponse> {
    let i = find(st, params)?;
    if !st.book.orders[i].is_open() {
        return Err(SimResponse::error(400, -2011, "Unknown order sent."));
    }
    let (base, quote) = assets(st, &st.book.orders[i].order.symbol);
    st.book.close(i, OrderStatus::Canceled, &base, &quote);
    Ok(st.book.orders[i].to_json())
}

fn cancel_all(st: &mut State, params: &Params) -> Result<Value, SimResponse> {
    let symbol = symbol_param(params)?;
    let (base, quote) = assets(st, &symbol);
    let open: Vec<usize> = (0..st.book.orders.len())
        .filter(|&i| st.book.orders[i].is_open() && st.book.orders[i].order.symbol == symbol)
        .collect();
    if open.is_empty() {
        return Err(SimResponse::error(400, -2011, "Unknown order sent."));
    }
    for &i in &open {
        st.book.close(i, OrderStatus::Canceled, &base, &quote);
    }
    Ok(Value::Array(
        open.iter().map(|&i| st.book.orders[i].to_json()).collect(),
    ))
}

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

fn place(st: &mut State, params: &Params, now: u64) -> SimResponse {
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

/// Fills resting orders on `symbol` that the current price makes marketable
/// or triggers.
pub(super) fn match_resting(st: &mut State, symbol: Symbol) {
    let Some(&market) = st.book.prices.get(&symbol) else {
        return;
    };
    let (base, quote) = assets(st, &symbol);
    for i in 0..st.book.orders.len() {
        let o = &st.book.orders[i];
        if !o.is_open() || o.order.symbol != symbol {
            continue;
        }
        let order = o.order;
        let triggered = order.stop_price.is_some_and(|stop| {
            let stop_loss = matches!(
                order.order_type,
                OrderType::StopLoss | OrderType::StopLossLimit
            );
            match (stop_loss, order.side) {
                (true, Side::Sell) | (false, Side::Buy) => market <= stop,
                (true, Side::Buy) | (false, Side::Sell) => market >= stop,
            }
        });
        let limit_ok = order.price.is_none_or(|p| match order.side {
            Side::Buy => p >= market,
            Side::Sell => p <= market,
        });
        if Book::marketable(&order, market) || (order.order_type.is_algo() && triggered && limit_ok)
        {
            st.book.fill(i, market, &base, &quote);
        }
    }
}
