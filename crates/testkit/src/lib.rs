//! Loopback test parts for Supreme Security's tests, examples and benches.
//!
//! - [`sim_exchange::SimExchange`]: a small simulated exchange over plain
//!   HTTP/1.1 on 127.0.0.1, with open orders, positions and error injection.
//! - [`redis::RedisServer`]: a real `redis-server` on a free loopback port.
//! - [`http`]: the minimal HTTP/1.1 client and server pieces it uses.
//!
//! ```
//! use std::time::Duration;
//! use supreme_testkit::{http, sim_exchange::SimExchange};
//!
//! let ex = SimExchange::start()?;
//! ex.add_order("BTCUSDT", "BUY", "0.1".parse().unwrap(), "25000".parse().unwrap());
//! let (status, body) = http::request(ex.addr(), "GET", "/api/openOrders", None, Duration::from_secs(2))?;
//! assert_eq!(status, 200);
//! assert!(body.contains("BTCUSDT"));
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod binance;
pub mod dns;
pub mod guard_file;
pub mod http;
pub mod prometheus;
pub mod redis;
pub mod relay;
pub mod sim_exchange;
pub mod tls;
pub mod ws_sim;
