//! The crate's one error type.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::classify::Denied;
use crate::ratelimit::LimitKind;

/// Everything net-guard refuses or fails at, with what the caller needs to act.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL does not parse.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// The parser's complaint.
        reason: String,
    },
    /// Only `https` is ever allowed.
    #[error("scheme {scheme:?} refused: only https is allowed")]
    SchemeNotHttps {
        /// The scheme found.
        scheme: String,
    },
    /// The URL carries a user name or password.
    #[error("URL for {host} carries credentials (userinfo); refused")]
    UserinfoRefused {
        /// The host the URL really reaches.
        host: String,
    },
    /// The host is not on the allowlist.
    #[error("host {host} is not on the allowlist")]
    HostNotAllowed {
        /// The normalized host.
        host: String,
    },
    /// The port is not allowed.
    #[error("port {port} is not allowed for {host}")]
    PortNotAllowed {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// An IP-literal host that the policy does not list.
    #[error("IP-literal host {addr} is not listed in the policy")]
    IpLiteralNotAllowed {
        /// The address the URL reaches.
        addr: IpAddr,
    },
    /// A host name or literal reaches an address that is not global unicast.
    #[error("{host}: {denied}")]
    AddressDenied {
        /// The host that was checked.
        host: String,
        /// The offending address and why.
        denied: Denied,
    },
    /// A host name or pattern is not a valid domain.
    #[error("invalid host {host:?}: {reason}")]
    InvalidHost {
        /// The host as given.
        host: String,
        /// Why.
        reason: String,
    },
    /// Name resolution failed.
    #[error("resolving {host} failed: {reason}")]
    Resolve {
        /// The host.
        host: String,
        /// The resolver's complaint.
        reason: String,
    },
    /// The name has no A or AAAA records.
    #[error("{host} resolved to no addresses")]
    NoAddresses {
        /// The host.
        host: String,
    },
    /// A new connection's peer could not be told, so it was not judged (the
    /// connection is refused before any request byte is written on it).
    #[error("connected peer {peer} for {host} could not be judged")]
    PeerNotChecked {
        /// The host.
        host: String,
        /// The peer the connection really reached.
        peer: SocketAddr,
    },
    /// A pin is not in the `sha256/<base64 of 32 bytes>` form.
    #[error("invalid pin {pin:?}: expected sha256/<base64 of 32 bytes>")]
    InvalidPin {
        /// The pin as given.
        pin: String,
    },
    /// A pin set without a backup pin.
    #[error("pins for {host} need at least two pins (one backup)")]
    NoBackupPin {
        /// The host.
        host: String,
    },
    /// The server's chain matched none of the host's pins.
    #[error("pin mismatch for {host}: expected one of {expected:?}, chain has {actual:?}")]
    PinMismatch {
        /// The host.
        host: String,
        /// The configured pins.
        expected: Vec<String>,
        /// The pins of the certificates the server presented, leaf first.
        actual: Vec<String>,
    },
    /// HSTS missing or weakened while the policy requires it.
    #[error("HSTS for {host}: {problem}")]
    Hsts {
        /// The host.
        host: String,
        /// What is wrong.
        problem: String,
    },
    /// A redirect was refused.
    #[error("redirect from {from} to {to} refused: {reason}")]
    RedirectRefused {
        /// Where it came from.
        from: String,
        /// Where it pointed.
        to: String,
        /// Why.
        reason: String,
    },
    /// A request would break a rate-limit window; wait this long.
    #[error("rate limit {limit} would be exceeded; wait {wait:?}")]
    RateLimited {
        /// The window that is full.
        limit: LimitKind,
        /// How long until it has room.
        wait: Duration,
    },
    /// A keyed limiter refused this key for now.
    #[error("rate limited for this key; wait {wait:?}")]
    KeyRateLimited {
        /// How long until the key's cell admits again.
        wait: Duration,
    },
    /// No weight is known for an endpoint (refused rather than guessed).
    #[error("no weight known for {method} {path}")]
    UnknownEndpoint {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// The exchange returned 429: back off for this long.
    #[error("told to back off (HTTP 429) for {wait:?}")]
    BackedOff {
        /// Time left.
        wait: Duration,
    },
    /// The exchange banned this IP (HTTP 418): no traffic until the ban ends.
    #[error("banned (HTTP 418) for another {wait:?}")]
    Banned {
        /// Time left.
        wait: Duration,
    },
    /// Rate limits from `exchangeInfo` are invalid or missing.
    #[error("invalid rate limits: {0}")]
    RateLimits(String),
    /// A keyed limiter is full of live keys; new keys are refused.
    #[error("rate limiter holds {max} live keys; new key refused")]
    TooManyKeys {
        /// The bound.
        max: usize,
    },
    /// An order request whose outcome is unknown: reconcile by client order id.
    #[error("outcome of order {client_order_id} unknown ({reason}); reconcile, do not re-send")]
    OutcomeUnknown {
        /// The client order id sent.
        client_order_id: String,
        /// What happened (timeout, 5xx, connection drop).
        reason: String,
    },
    /// The server answered with an error status.
    #[error("HTTP {status}")]
    Status {
        /// The status code.
        status: u16,
        /// Retry-After, when given.
        retry_after: Option<Duration>,
    },
    /// The caller's admission check refused the request right before it was
    /// sent (after any rate-limit wait): nothing was written. A bot's kill
    /// switch refuses this way once tripped.
    #[error("not sent: refused right before sending: {0}")]
    NotAdmitted(String),
    /// The retry deadline passed.
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// Could not connect (TCP or TLS): the request was not sent.
    #[error("connect failed: {0}")]
    Connect(String),
    /// No response in time: the request may have been processed.
    #[error("timed out: {0}")]
    Timeout(String),
    /// A connection or protocol failure after the request may have been sent.
    #[error("transport error: {0}")]
    Transport(String),
    /// Invalid configuration.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
