//! A certificate authority made at test time, and an HTTPS/1.1 server on
//! loopback that serves a handler ([`SimRequest`] in, [`SimResponse`] out).
//!
//! ```
//! use std::sync::Arc;
//! use supreme_testkit::binance::{SimRequest, SimResponse};
//! use supreme_testkit::tls::{HttpsServer, TestCa};
//!
//! let ca = TestCa::new()?;
//! let server = HttpsServer::start(&ca, &["localhost"], Arc::new(|_req: &SimRequest| SimResponse::json(200, "{}")))?;
//! assert!(server.addr().ip().is_loopback());
//! assert!(server.spki_pin().starts_with("sha256/"));
//! # Ok::<(), supreme_testkit::tls::TlsError>(())
//! ```

use std::io::{self, BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, PublicKeyData, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::binance::{Delivery, SimRequest, SimResponse};

/// Error from making certificates or starting a server.
pub type TlsError = Box<dyn std::error::Error + Send + Sync>;

/// A handler the server calls for each request.
pub type Handler = Arc<dyn Fn(&SimRequest) -> SimResponse + Send + Sync>;

/// A CA whose key lives only in this process.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert: CertificateDer<'static>,
    pem: String,
    pin: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

/// A leaf certificate and its key.
pub struct Leaf {
    /// Certificate chain (leaf, then CA).
    pub chain: Vec<CertificateDer<'static>>,
    /// PKCS#8 private key.
    pub key: PrivateKeyDer<'static>,
    /// The leaf's pin, `sha256/<base64 of SPKI SHA-256>` (OkHttp form).
    pub spki_pin: String,
}

/// `sha256/<base64>` of a DER SubjectPublicKeyInfo.
pub fn spki_pin(spki_der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, spki_der);
    format!(
        "sha256/{}",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

impl TestCa {
    /// A new CA (ECDSA P-256).
    pub fn new() -> Result<Self, TlsError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Supreme Security Test CA");
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        let pem = cert.pem();
        let pin = spki_pin(&rcgen::PublicKeyData::subject_public_key_info(&key));
        Ok(Self {
            pin,
            issuer: Issuer::new(params, key),
            cert: cert.der().clone(),
            pem,
        })
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert
    }

    /// The CA key's SPKI pin (`sha256/<base64>`): a backup pin for leaves it issues.
    pub fn spki_pin(&self) -> &str {
        &self.pin
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.pem
    }

    /// A leaf for `names` (DNS names or IP literals); 127.0.0.1 is always included.
    pub fn issue(&self, names: &[&str]) -> Result<Leaf, TlsError> {
        let dns: Vec<String> = names
            .iter()
            .filter(|n| n.parse::<IpAddr>().is_err())
            .map(|n| n.to_string())
            .collect();
        let mut params = CertificateParams::new(dns)?;
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("localhost"),
        );
        let mut ips: Vec<IpAddr> = names.iter().filter_map(|n| n.parse().ok()).collect();
        ips.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
        ips.dedup();
        params
            .subject_alt_names
            .extend(ips.into_iter().map(SanType::IpAddress));
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(Leaf {
            chain: vec![cert.der().clone(), self.cert.clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            spki_pin: spki_pin(&key.subject_public_key_info()),
        })
    }
}

/// An HTTPS server on 127.0.0.1 (thread per connection, keep-alive). Stops when dropped.
pub struct HttpsServer {
    addr: SocketAddr,
    spki_pin: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HttpsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl HttpsServer {
    /// Serves `handler` with a leaf from `ca` for `names`.
    pub fn start(ca: &TestCa, names: &[&str], handler: Handler) -> Result<Self, TlsError> {
        Self::start_with_leaf(ca.issue(names)?, handler)
    }

    /// Serves `handler` presenting exactly `leaf.chain` (a test may append
    /// certificates the server has no business sending, as an attacker would).
    pub fn start_with_leaf(leaf: Leaf, handler: Handler) -> Result<Self, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(leaf.chain, leaf.key)?;
        let config = Arc::new(config);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (config, handler) = (config.clone(), handler.clone());
                std::thread::spawn(move || {
                    let _ = serve_connection(stream, config, &handler);
                });
            }
        });
        Ok(Self {
            addr,
            spki_pin: leaf.spki_pin,
            stop,
            thread: Some(thread),
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served leaf's SPKI pin (`sha256/...`).
    pub fn spki_pin(&self) -> &str {
        &self.spki_pin
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_connection(
    stream: TcpStream,
    config: Arc<rustls::ServerConfig>,
    handler: &Handler,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let conn = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    let mut tls = BufReader::new(rustls::StreamOwned::new(conn, stream));
    loop {
        let Some(req) = read_request(&mut tls)? else {
            return Ok(());
        };
        let resp = handler(&req);
        if !resp.delay.is_zero() {
            std::thread::sleep(resp.delay);
        }
        if resp.delivery == Delivery::Drop {
            let s = tls.get_mut();
            s.conn.send_close_notify();
            let _ = s.flush();
            return s.sock.shutdown(std::net::Shutdown::Both);
        }
        write_response(tls.get_mut(), &resp)?;
        if req
            .header_value("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        {
            return Ok(());
        }
    }
}

fn read_request(r: &mut impl BufRead) -> io::Result<Option<SimRequest>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    let mut req = SimRequest::new(method, target);
    let length;
    (req.headers, length) = read_headers(r)?;
    let mut body = vec![0; length.min(1 << 20)];
    r.read_exact(&mut body)?;
    req.body = String::from_utf8_lossy(&body).into_owned();
    Ok(Some(req))
}

/// Reads header lines up to the blank line: (lower-case name, value) pairs
/// and the content length.
fn read_headers(r: &mut impl BufRead) -> io::Result<(Vec<(String, String)>, usize)> {
    let (mut headers, mut length) = (Vec::new(), 0usize);
    loop {
        let mut h = String::new();
        r.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            return Ok((headers, length));
        }
        if let Some((k, v)) = h.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
            if k == "content-length" {
                length = v
                    .parse()
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad length"))?;
            }
            headers.push((k, v));
        }
    }
}

fn write_response(w: &mut impl Write, resp: &SimResponse) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-length: {}\r\n",
        resp.status,
        reason(resp.status),
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    w.write_all(resp.body.as_bytes())?;
    w.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// One HTTPS request over a fresh connection, trusting only `ca`: a small
/// client for tests (bots use net-guard's guarded client). `Ok(None)` when
/// the server closed the connection without answering.
pub fn https_request(
    addr: SocketAddr,
    server_name: &str,
    ca: &TestCa,
    req: &SimRequest,
) -> Result<Option<SimResponse>, TlsError> {
    https_request_der(addr, server_name, ca.cert_der(), req)
}

/// [`https_request`] trusting only the CA certificate `ca_der` (DER bytes):
/// for a child process that was handed the parent's test CA in a file.
///
/// ```
/// use std::sync::Arc;
/// use supreme_testkit::binance::{SimRequest, SimResponse};
/// use supreme_testkit::tls::{HttpsServer, TestCa, https_request_der};
///
/// let ca = TestCa::new()?;
/// let server = HttpsServer::start(&ca, &["localhost"], Arc::new(|_req: &SimRequest| SimResponse::json(200, "{}")))?;
/// let der: Vec<u8> = ca.cert_der().to_vec(); // as read back from a file
/// let answer = https_request_der(server.addr(), "localhost", &der, &SimRequest::new("GET", "/"))?;
/// assert_eq!(answer.map(|r| r.status), Some(200));
/// # Ok::<(), supreme_testkit::tls::TlsError>(())
/// ```
pub fn https_request_der(
    addr: SocketAddr,
    server_name: &str,
    ca_der: &[u8],
    req: &SimRequest,
) -> Result<Option<SimResponse>, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(ca_der.to_vec()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(server_name.to_string())?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name)?;
    let mut tls = rustls::StreamOwned::new(conn, TcpStream::connect(addr)?);
    let target = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nhost: {server_name}\r\nconnection: close\r\ncontent-length: {}\r\n",
        req.method,
        req.body.len()
    );
    for (k, v) in &req.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    tls.write_all(head.as_bytes())?;
    tls.write_all(req.body.as_bytes())?;
    tls.flush()?;
    let mut reader = BufReader::new(tls);
    let mut status_line = String::new();
    match reader.read_line(&mut status_line) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    }
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let mut resp = SimResponse::json(status, "");
    let length;
    (resp.headers, length) = read_headers(&mut reader)?;
    let mut body = vec![0; length];
    io::Read::read_exact(&mut reader, &mut body)?;
    resp.body = String::from_utf8(body)?;
    Ok(Some(resp))
}
