//! Request weights of the endpoints this adapter calls (Binance spot REST).

/// The request weight Binance charges for `method` `path`; `symbol_scoped`
/// says whether a `symbol` parameter is sent (some endpoints cost more
/// without one). Unknown endpoints count as a conservative 50.
///
/// ```
/// assert_eq!(supreme_binance::weight("GET", "/api/v3/openOrders", false), 80);
/// assert_eq!(supreme_binance::weight("POST", "/api/v3/order", true), 1);
/// ```
pub fn weight(method: &str, path: &str, symbol_scoped: bool) -> u32 {
    match (method, path) {
        ("GET", "/api/v3/ping" | "/api/v3/time") => 1,
        ("GET", "/api/v3/exchangeInfo") => 20,
        ("GET", "/api/v3/avgPrice") => 2,
        ("GET", "/api/v3/ticker/price") => {
            if symbol_scoped {
                2
            } else {
                4
            }
        }
        ("POST" | "DELETE", "/api/v3/order") => 1,
        ("GET", "/api/v3/order") => 4,
        ("GET", "/api/v3/openOrders") => {
            if symbol_scoped {
                6
            } else {
                80
            }
        }
        ("DELETE", "/api/v3/openOrders") => 1,
        ("GET", "/api/v3/account") => 20,
        ("GET", "/sapi/v1/account/apiRestrictions") => 1,
        _ => 50,
    }
}

/// True for requests that place an order (counted by the ORDERS limits).
pub fn is_order(method: &str, path: &str) -> bool {
    method == "POST" && path == "/api/v3/order"
}
