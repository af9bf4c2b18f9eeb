//! A TCP relay: one more address in front of a server, as a CDN's rotating
//! addresses all reach the same origin. Bytes are copied both ways as they
//! are; TLS passes through untouched (the certificate is the origin's).
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::{SocketAddr, TcpListener, TcpStream};
//! use supreme_testkit::relay::Relay;
//!
//! let origin = TcpListener::bind("127.0.0.1:0")?;
//! let port = origin.local_addr()?.port();
//! let relay = Relay::start(SocketAddr::from(([127, 0, 0, 2], port)), origin.local_addr()?)?;
//! let mut c = TcpStream::connect(relay.addr())?;
//! c.write_all(b"ping")?;
//! let (mut s, _) = origin.accept()?;
//! let mut buf = [0u8; 4];
//! s.read_exact(&mut buf)?;
//! assert_eq!(&buf, b"ping");
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

/// A running relay. Stops accepting when dropped.
#[derive(Debug)]
pub struct Relay {
    addr: SocketAddr,
    accepted: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Relay {
    /// Listens on `listen` (a loopback address such as `127.0.0.2:PORT`) and
    /// relays each connection to `to`.
    pub fn start(listen: SocketAddr, to: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(listen)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicU64::new(0));
        let (stop2, accepted2) = (stop.clone(), accepted.clone());
        let thread = std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                accepted2.fetch_add(1, Ordering::SeqCst);
                let _ = pipe(client, to);
            }
        });
        Ok(Self {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn pipe(client: TcpStream, to: SocketAddr) -> io::Result<()> {
    let server = TcpStream::connect(to)?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (c2, s2) = (client.try_clone()?, server.try_clone()?);
    std::thread::spawn(move || copy(client, server));
    std::thread::spawn(move || copy(s2, c2));
    Ok(())
}

fn copy(mut from: TcpStream, mut to: TcpStream) {
    let _ = io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
