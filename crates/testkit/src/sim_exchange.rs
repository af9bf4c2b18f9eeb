//! A small simulated exchange served over plain HTTP/1.1 on 127.0.0.1.
//!
//! It holds open orders and positions, answers a JSON API, and can be told
//! to fail: answer the next N requests with an error status, or acknowledge
//! the next N cancels without cancelling anything. Tests seed and inspect
//! its state directly and talk to it over real sockets.
//!
//! | Method and path                    | Does                                       |
//! |------------------------------------|--------------------------------------------|
//! | `GET /api/openOrders`              | lists open orders                          |
//! | `DELETE /api/openOrders?symbol=S`  | cancels every open order on `S`            |
//! | `GET /api/positions`               | lists positions                            |
//! | `POST /api/order`                  | places an order (`reduceOnly` IOC fills)   |

mod api;

use std::collections::BTreeMap;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An order resting on the simulated book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimOrder {
    /// Symbol.
    pub symbol: String,
    /// Exchange order id.
    pub order_id: String,
    /// `BUY` or `SELL`.
    pub side: String,
    /// Quantity.
    pub quantity: Decimal,
    /// Limit price.
    pub price: Decimal,
}

/// A position held at the simulated exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimPosition {
    /// Symbol.
    pub symbol: String,
    /// Signed quantity (negative: short).
    pub quantity: Decimal,
    /// Mark price.
    pub mark_price: Decimal,
}

#[derive(Debug, Default)]
struct Book {
    orders: Vec<SimOrder>,
    positions: BTreeMap<String, SimPosition>,
    next_id: u64,
    fail_next: u32,
    fail_status: u16,
    ignore_cancels: u32,
    max_fill: Option<Decimal>,
    requests: u64,
}

/// The simulated exchange. Stops when dropped.
#[derive(Debug)]
pub struct SimExchange {
    addr: SocketAddr,
    book: Arc<Mutex<Book>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn lock(book: &Mutex<Book>) -> MutexGuard<'_, Book> {
    book.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SimExchange {
    /// Starts serving on an ephemeral port of 127.0.0.1.
    pub fn start() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let book = Arc::new(Mutex::new(Book::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (Arc::clone(&book), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("sim-exchange".to_owned())
            .spawn(move || serve(&listener, &b, &s))?;
        Ok(Self {
            addr,
            book,
            stop,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds a resting limit order and returns its id.
    pub fn add_order(&self, symbol: &str, side: &str, quantity: Decimal, price: Decimal) -> String {
        let mut b = lock(&self.book);
        b.next_id += 1;
        let order_id = b.next_id.to_string();
        b.orders.push(SimOrder {
            symbol: symbol.to_owned(),
            order_id: order_id.clone(),
            side: side.to_owned(),
            quantity,
            price,
        });
        order_id
    }

    /// Sets a position (zero removes it).
    pub fn set_position(&self, symbol: &str, quantity: Decimal, mark_price: Decimal) {
        let mut b = lock(&self.book);
        if quantity.is_zero() {
            b.positions.remove(symbol);
        } else {
            b.positions.insert(
                symbol.to_owned(),
                SimPosition {
                    symbol: symbol.to_owned(),
                    quantity,
                    mark_price,
                },
            );
        }
    }

    /// The open orders right now.
    pub fn open_orders(&self) -> Vec<SimOrder> {
        lock(&self.book).orders.clone()
    }

    /// The non-zero positions right now.
    pub fn positions(&self) -> Vec<SimPosition> {
        lock(&self.book).positions.values().cloned().collect()
    }

    /// Answers the next `n` requests with `status` and no effect.
    pub fn fail_next(&self, n: u32, status: u16) {
        let mut b = lock(&self.book);
        b.fail_next = n;
        b.fail_status = status;
    }

    /// Acknowledges the next `n` cancel requests without cancelling.
    pub fn ignore_next_cancels(&self, n: u32) {
        lock(&self.book).ignore_cancels = n;
    }

    /// Fills at most `q` per reduce-only order (thin liquidity).
    pub fn set_max_fill(&self, q: Option<Decimal>) {
        lock(&self.book).max_fill = q;
    }

    /// Requests served so far.
    pub fn request_count(&self) -> u64 {
        lock(&self.book).requests
    }
}

impl Drop for SimExchange {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(listener: &TcpListener, book: &Arc<Mutex<Book>>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let book = Arc::clone(book);
        let _ = std::thread::Builder::new()
            .name("sim-exchange-conn".to_owned())
            .spawn(move || api::handle(&stream, &book));
    }
}

#[cfg(test)]
mod tests;
