//! Test-only allowances, reached through `.dangerous()` (as in rustls).
//!
//! Each allowance is exact: one socket address (an address and a port), one
//! CA certificate. There is no "allow loopback" or "accept any certificate".
//! Tests use them to reach the loopback HTTPS server the test started.

use std::net::{IpAddr, SocketAddr};

use rustls::pki_types::CertificateDer;

use crate::policy::EgressPolicyBuilder;

/// Exact allowances carried by a policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Allowances {
    sockets: Vec<SocketAddr>,
}

impl Allowances {
    pub(crate) fn allows(&self, addr: IpAddr, port: u16) -> bool {
        self.sockets
            .iter()
            .any(|s| s.ip() == addr && s.port() == port)
    }

    /// Some allowance names `addr` (on whatever port): for the resolver
    /// hook, which does not know the port; the connector judges the socket.
    pub(crate) fn allows_ip(&self, addr: IpAddr) -> bool {
        self.sockets.iter().any(|s| s.ip() == addr)
    }
}

/// Dangerous additions to an [`EgressPolicyBuilder`].
#[derive(Debug)]
pub struct DangerousPolicyBuilder {
    pub(crate) inner: EgressPolicyBuilder,
}

impl DangerousPolicyBuilder {
    /// Allows exactly this address and port, even if it is not global
    /// unicast (a loopback test server). Nothing else on that address.
    pub fn allow_socket(mut self, socket: SocketAddr) -> Self {
        self.inner.allowances_mut().sockets.push(socket);
        self
    }

    /// Back to the ordinary builder.
    pub fn done(self) -> EgressPolicyBuilder {
        self.inner
    }
}

/// Extra trust anchors for a client: exactly these CA certificates, in
/// addition to webpki-roots. For tests with a CA made at test time.
#[derive(Debug, Clone, Default)]
pub struct ExtraRoots {
    pub(crate) certs: Vec<CertificateDer<'static>>,
}

impl ExtraRoots {
    /// Adds one CA certificate.
    pub fn with_ca(mut self, ca: CertificateDer<'static>) -> Self {
        self.certs.push(ca);
        self
    }
}

/// Dangerous additions to a [`GuardedClientBuilder`](crate::GuardedClientBuilder).
#[derive(Debug)]
pub struct DangerousClientBuilder {
    pub(crate) inner: crate::GuardedClientBuilder,
}

impl DangerousClientBuilder {
    /// Trusts exactly this CA certificate in addition to webpki-roots.
    pub fn add_root_ca(mut self, ca: rustls::pki_types::CertificateDer<'static>) -> Self {
        self.inner.extra_roots = std::mem::take(&mut self.inner.extra_roots).with_ca(ca);
        self
    }

    /// Back to the ordinary builder.
    pub fn done(self) -> crate::GuardedClientBuilder {
        self.inner
    }
}
