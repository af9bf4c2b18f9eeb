//! Endpoint dispatch: weights, authentication, and each endpoint.

use serde_json::{Value, json};
use supreme_order_guard::{OrderType, Price, Quantity, Side, Symbol};

use super::book::{Book, OrderStatus, SimOrder};
use super::http::{SimRequest, SimResponse};
use super::params::Params;
use super::{State, auth};

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
        .filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()))
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

pub(super) fn symbol_param(params: &Params) -> Result<Symbol, SimResponse> {
    let s = params.get("symbol").ok_or_else(|| missing("symbol"))?;
    Symbol::new(s).map_err(|_| SimResponse::error(400, -1121, "Invalid symbol."))
}

pub(super) fn missing(name: &str) -> SimResponse {
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
        ("POST", _) => return super::place::place(st, params, now),
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
    key.map(|k| match k.restrictions.raw_answer {
        Some(raw) => serde_json::from_str(raw).unwrap_or(Value::Null),
        None => serde_json::to_value(k.restrictions).unwrap_or(Value::Null),
    })
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

pub(super) fn assets(st: &State, symbol: &Symbol) -> (String, String) {
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
