//! A DNS server on 127.0.0.1 (UDP and TCP, same port) that answers A and
//! AAAA queries from a table the test fills. Unknown names get NXDOMAIN;
//! other query types get an empty answer. Enough for a stub resolver.
//! [`DnsServer::start_tls`] adds a DNS-over-TLS listener (RFC 7858) with a
//! certificate from a [`TestCa`].
//!
//! ```
//! use supreme_testkit::dns::DnsServer;
//!
//! let dns = DnsServer::start()?;
//! dns.set("api.example.test", &["203.0.113.7".parse().unwrap(), "::1".parse().unwrap()]);
//! assert!(dns.addr().ip().is_loopback());
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::tls::{TestCa, TlsError};

type Table = Arc<Mutex<HashMap<String, Vec<IpAddr>>>>;

/// The server. Stops when dropped.
pub struct DnsServer {
    addr: SocketAddr,
    table: Table,
    queries: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for DnsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl DnsServer {
    /// Starts on an ephemeral port of 127.0.0.1 (UDP and TCP).
    pub fn start() -> io::Result<Self> {
        let (udp, tcp) = bind_pair()?;
        let addr = udp.local_addr()?;
        udp.set_read_timeout(Some(Duration::from_millis(50)))?;
        tcp.set_nonblocking(true)?;
        let table: Table = Arc::default();
        let queries = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (t1, q1, s1) = (table.clone(), queries.clone(), stop.clone());
        let udp_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !s1.load(Ordering::SeqCst) {
                let Ok((n, peer)) = udp.recv_from(&mut buf) else {
                    continue;
                };
                q1.fetch_add(1, Ordering::SeqCst);
                if let Some(resp) = answer(&buf[..n], &t1) {
                    let _ = udp.send_to(&resp, peer);
                }
            }
        });
        let (t2, q2, s2) = (table.clone(), queries.clone(), stop.clone());
        let tcp_thread = std::thread::spawn(move || {
            while !s2.load(Ordering::SeqCst) {
                match tcp.accept() {
                    Ok((stream, _)) => {
                        q2.fetch_add(1, Ordering::SeqCst);
                        let t = t2.clone();
                        std::thread::spawn(move || serve_tcp(stream, &t));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Ok(Self {
            addr,
            table,
            queries,
            stop,
            threads: vec![udp_thread, tcp_thread],
        })
    }

    /// The address (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers `name` (case-insensitive, trailing dot optional) with these addresses.
    pub fn set(&self, name: &str, addrs: &[IpAddr]) {
        let key = name.trim_end_matches('.').to_ascii_lowercase();
        if let Ok(mut t) = self.table.lock() {
            t.insert(key, addrs.to_vec());
        }
    }

    /// Also serves DNS-over-TLS on another 127.0.0.1 port, with a leaf for
    /// `server_name` issued by `ca`. Returns that port's address.
    pub fn start_tls(&mut self, ca: &TestCa, server_name: &str) -> Result<SocketAddr, TlsError> {
        let leaf = ca.issue(&[server_name])?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_no_client_auth()
                .with_single_cert(leaf.chain, leaf.key)?,
        );
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (table, queries, stop) = (self.table.clone(), self.queries.clone(), self.stop.clone());
        self.threads.push(std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        queries.fetch_add(1, Ordering::SeqCst);
                        let (t, c) = (table.clone(), config.clone());
                        std::thread::spawn(move || {
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                            let Ok(conn) = rustls::ServerConnection::new(c) else {
                                return;
                            };
                            serve_stream(rustls::StreamOwned::new(conn, stream), &t);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        }));
        Ok(addr)
    }

    /// Queries received so far (UDP datagrams and TCP connections).
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::SeqCst)
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn bind_pair() -> io::Result<(UdpSocket, TcpListener)> {
    for _ in 0..50 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        if let Ok(tcp) = TcpListener::bind(udp.local_addr()?) {
            return Ok((udp, tcp));
        }
    }
    Err(io::Error::other("no free UDP+TCP port pair"))
}

fn serve_tcp(s: TcpStream, table: &Table) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    serve_stream(s, table);
}

/// Length-prefixed queries and answers (DNS over TCP, and over TLS).
fn serve_stream(mut s: impl Read + Write, table: &Table) {
    loop {
        let mut len = [0u8; 2];
        if s.read_exact(&mut len).is_err() {
            return;
        }
        let mut q = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if s.read_exact(&mut q).is_err() {
            return;
        }
        let Some(resp) = answer(&q, table) else {
            return;
        };
        let Ok(n) = u16::try_from(resp.len()) else {
            return;
        };
        let mut framed = n.to_be_bytes().to_vec();
        framed.extend_from_slice(&resp);
        if s.write_all(&framed).is_err() || s.flush().is_err() {
            return;
        }
    }
}

/// Builds the response to one query message, or `None` if it is malformed.
fn answer(q: &[u8], table: &Table) -> Option<Vec<u8>> {
    if q.len() < 12 || q[2] & 0x80 != 0 {
        return None;
    }
    // Question: labels, then type and class.
    let mut i = 12;
    let mut labels = Vec::new();
    loop {
        let len = usize::from(*q.get(i)?);
        i += 1;
        if len == 0 {
            break;
        }
        if len > 63 {
            return None;
        }
        labels.push(String::from_utf8_lossy(q.get(i..i + len)?).to_ascii_lowercase());
        i += len;
    }
    let qtype = u16::from_be_bytes([*q.get(i)?, *q.get(i + 1)?]);
    let question_end = i + 4;
    q.get(..question_end)?;
    let name = labels.join(".");
    let found = table.lock().ok()?.get(&name).cloned();
    let mut r = Vec::with_capacity(512);
    r.extend_from_slice(&q[0..2]);
    let rcode = if found.is_some() { 0 } else { 3 };
    r.extend_from_slice(&[0x80 | (q[2] & 0x01), 0x80 | rcode]);
    let answers: Vec<IpAddr> = found
        .unwrap_or_default()
        .into_iter()
        .filter(|a| matches!((a, qtype), (IpAddr::V4(_), 1) | (IpAddr::V6(_), 28)))
        .collect();
    r.extend_from_slice(&[0, 1]);
    r.extend_from_slice(&u16::try_from(answers.len()).ok()?.to_be_bytes());
    r.extend_from_slice(&[0, 0, 0, 0]);
    r.extend_from_slice(&q[12..question_end]);
    for a in answers {
        r.extend_from_slice(&[0xc0, 0x0c]);
        let (ty, data) = match a {
            IpAddr::V4(v4) => (1u16, v4.octets().to_vec()),
            IpAddr::V6(v6) => (28u16, v6.octets().to_vec()),
        };
        r.extend_from_slice(&ty.to_be_bytes());
        r.extend_from_slice(&[0, 1]);
        r.extend_from_slice(&300u32.to_be_bytes());
        r.extend_from_slice(&u16::try_from(data.len()).ok()?.to_be_bytes());
        r.extend_from_slice(&data);
    }
    Some(r)
}
