//! A weight per endpoint, as Binance documents them for spot.

use std::collections::HashMap;

use super::limits::Cost;
use crate::Error;

/// Costs by (method, path). Unknown endpoints have no cost: callers must
/// refuse them (fail closed) or add them.
#[derive(Debug, Clone, Default)]
pub struct EndpointWeights {
    map: HashMap<(String, String), Cost>,
}

impl EndpointWeights {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binance spot's common REST endpoints (weights as documented in 2024-2025).
    pub fn binance_spot() -> Self {
        let mut w = Self::new();
        for (method, path, cost) in [
            ("GET", "/api/v3/ping", Cost::weight(1)),
            ("GET", "/api/v3/time", Cost::weight(1)),
            ("GET", "/api/v3/exchangeInfo", Cost::weight(20)),
            ("GET", "/api/v3/depth", Cost::weight(5)),
            ("GET", "/api/v3/trades", Cost::weight(25)),
            ("GET", "/api/v3/klines", Cost::weight(2)),
            ("GET", "/api/v3/avgPrice", Cost::weight(2)),
            ("GET", "/api/v3/ticker/price", Cost::weight(2)),
            ("GET", "/api/v3/ticker/bookTicker", Cost::weight(2)),
            ("GET", "/api/v3/ticker/24hr", Cost::weight(2)),
            ("POST", "/api/v3/order", Cost::order(1)),
            ("POST", "/api/v3/order/test", Cost::weight(1)),
            ("GET", "/api/v3/order", Cost::weight(4)),
            ("DELETE", "/api/v3/order", Cost::weight(1)),
            ("DELETE", "/api/v3/openOrders", Cost::weight(1)),
            ("GET", "/api/v3/openOrders", Cost::weight(6)),
            ("GET", "/api/v3/allOrders", Cost::weight(20)),
            ("GET", "/api/v3/account", Cost::weight(20)),
            ("GET", "/api/v3/myTrades", Cost::weight(20)),
            ("GET", "/api/v3/rateLimit/order", Cost::weight(40)),
        ] {
            w.set(method, path, cost);
        }
        w
    }

    /// Sets one endpoint's cost.
    pub fn set(&mut self, method: &str, path: &str, cost: Cost) {
        self.map
            .insert((method.to_ascii_uppercase(), path.to_string()), cost);
    }

    /// The cost of an endpoint, or [`Error::UnknownEndpoint`] (fail closed).
    pub fn require(&self, method: &str, path: &str) -> Result<Cost, Error> {
        self.cost(method, path)
            .ok_or_else(|| Error::UnknownEndpoint {
                method: method.to_ascii_uppercase(),
                path: path.to_string(),
            })
    }

    /// The cost of an endpoint, if known.
    pub fn cost(&self, method: &str, path: &str) -> Option<Cost> {
        self.map
            .get(&(method.to_ascii_uppercase(), path.to_string()))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_endpoints() {
        let w = EndpointWeights::binance_spot();
        assert_eq!(w.require("post", "/api/v3/order"), Ok(Cost::order(1)));
        assert_eq!(
            w.require("GET", "/api/v3/exchangeInfo"),
            Ok(Cost::weight(20))
        );
        assert_eq!(
            w.require("GET", "/sapi/v1/anything"),
            Err(Error::UnknownEndpoint {
                method: "GET".into(),
                path: "/sapi/v1/anything".into()
            })
        );
    }
}
