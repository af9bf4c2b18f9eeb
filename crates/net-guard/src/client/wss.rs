//! A guarded TLS stream for a `wss://` URL, for a websocket client to run
//! its handshake over (tokio-tungstenite's `client_async`): the same policy
//! as every HTTPS request, held by the same code.
//!
//! - the URL: `wss` only (anything else is [`Error::SchemeNotHttps`]), then
//!   judged as its `https` twin (allowlist, ports, literals, userinfo);
//! - the addresses: the trusted nameservers' answer, every address judged;
//!   the stream connects only to those (no second lookup);
//! - the peer: the socket really reached is judged before TLS starts;
//! - TLS: the client's own rustls config (ring, TLS 1.2+, webpki-roots and
//!   any test CA, the SPKI pins matched against the verified path).

use std::net::SocketAddr;

use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::GuardedClient;
use crate::tls_config::find_our_error;
use crate::{Error, Target, TargetHost};

/// The TLS stream type [`GuardedClient::connect_wss`] opens.
pub type TlsTcpStream = TlsStream<TcpStream>;

/// A TLS stream opened by [`GuardedClient::connect_wss`].
#[derive(Debug)]
pub struct WssStream {
    /// The TLS stream (read and write it, or hand it to a websocket client).
    pub stream: TlsTcpStream,
    /// The judged target (its URL is the `wss://` one).
    pub target: Target,
    /// The peer the socket reached (judged).
    pub peer: SocketAddr,
}

impl GuardedClient {
    /// Opens a guarded TLS stream to the host of the `wss://` `url`, ready
    /// for the websocket handshake. A refusal by policy is recorded as
    /// `EGRESS_DENIED`, as for a request.
    ///
    /// ```no_run
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// # async fn run() -> Result<(), supreme_net_guard::Error> {
    /// let policy = EgressPolicy::builder().allow_host("stream.binance.com")?.allow_port(9443).build();
    /// let client = GuardedClient::builder(policy).build()?;
    /// let tls = client.connect_wss("wss://stream.binance.com:9443/ws/btcusdt@trade").await?;
    /// assert_eq!(tls.target.port, 9443);
    /// // Plain ws:// is refused before any lookup.
    /// assert!(client.connect_wss("ws://stream.binance.com/ws").await.is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_wss(&self, url: &str) -> Result<WssStream, Error> {
        let opened = self.open_wss(url).await;
        if let Err(e) = &opened {
            self.record_denial(url, e);
        }
        opened
    }

    async fn open_wss(&self, url: &str) -> Result<WssStream, Error> {
        let mut parsed = url::Url::parse(url).map_err(|e| Error::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        if parsed.scheme() != "wss" {
            return Err(Error::SchemeNotHttps {
                scheme: parsed.scheme().to_string(),
            });
        }
        let port = parsed.port_or_known_default().unwrap_or(443);
        parsed
            .set_scheme("https")
            .map_err(|()| Error::Config("wss URL".into()))?;
        if parsed.port().is_none() {
            let _ = parsed.set_port(Some(port));
        }
        let mut target = self.policy.check_parsed(&parsed)?;
        let (addrs, server_name) =
            match &target.host {
                TargetHost::Ip(ip) => (vec![*ip], rustls::pki_types::ServerName::from(*ip)),
                TargetHost::Name(name) => {
                    let addrs = self.resolver.resolve(name, target.port).await?;
                    let server_name = rustls::pki_types::ServerName::try_from(name.clone())
                        .map_err(|e| Error::InvalidHost {
                            host: name.clone(),
                            reason: e.to_string(),
                        })?;
                    (addrs, server_name)
                }
            };
        let tcp = self.connect_any(&addrs, target.port).await?;
        let peer = tcp.peer_addr().map_err(|e| Error::Connect(e.to_string()))?;
        self.policy.check_peer(peer)?;
        let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
        let stream =
            tokio::time::timeout(self.connect_timeout, connector.connect(server_name, tcp))
                .await
                .map_err(|_| Error::Connect("TLS handshake timed out".into()))?
                .map_err(|e| find_our_error(&e).unwrap_or_else(|| Error::Connect(e.to_string())))?;
        let _ = parsed.set_scheme("wss");
        target.url = parsed;
        Ok(WssStream {
            stream,
            target,
            peer,
        })
    }

    /// The first judged address that accepts a TCP connection in time.
    async fn connect_any(&self, addrs: &[std::net::IpAddr], port: u16) -> Result<TcpStream, Error> {
        let mut last = String::from("no addresses");
        for ip in addrs {
            let addr = SocketAddr::new(*ip, port);
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(addr)).await {
                Ok(Ok(tcp)) => {
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Ok(Err(e)) => last = format!("{addr}: {e}"),
                Err(_) => last = format!("{addr}: timed out"),
            }
        }
        Err(Error::Connect(last))
    }
}
