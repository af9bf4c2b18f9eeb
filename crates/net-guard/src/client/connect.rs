//! Where reqwest connects: the resolver hook and the connector layer.
//!
//! Each new connection is judged where it is made, before a request byte is
//! written on it: the resolver hook refuses a name off the allowlist and
//! hands reqwest only trusted answers whose every address the policy
//! allows, the TLS verifier refuses an IP-literal host the policy does not
//! list (see `tls_config`), and the connector layer judges the peer the
//! socket really reached (address and port) once TCP and TLS are up. So the
//! `reqwest::Client` alone ([`GuardedClient::reqwest_client`](super::GuardedClient::reqwest_client))
//! holds the policy, whoever builds the request.
//! A pooled connection was judged when it was opened; nothing is checked
//! after a request was sent, so no sent request can look unsent, and no
//! state is shared between concurrent requests.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::{Connection, HttpInfo};

use crate::resolve::GuardedResolver;
use crate::{EgressPolicy, Error};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// reqwest's resolver hook: the trusted nameservers' answer (cached as the
/// guarded resolver caches it), refused whole if any address is denied. The
/// port is not known here, so an exact test allowance counts for its
/// address; the connector layer then judges the exact socket.
pub(super) struct JudgedResolver {
    pub(super) resolver: GuardedResolver,
    pub(super) policy: Arc<EgressPolicy>,
}

impl reqwest::dns::Resolve for JudgedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let (resolver, policy) = (self.resolver.clone(), self.policy.clone());
        Box::pin(async move {
            let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
            // The allowlist first: a name the policy does not allow is not
            // even looked up.
            policy.check_name(&host).map_err(boxed)?;
            let addrs = resolver.lookup(&host).await.map_err(boxed)?;
            judge_any_port(&policy, &host, &addrs).map_err(boxed)?;
            let it: reqwest::dns::Addrs =
                Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(it)
        })
    }
}

fn boxed(e: Error) -> BoxError {
    Box::new(e)
}

fn judge_any_port(policy: &EgressPolicy, host: &str, addrs: &[IpAddr]) -> Result<(), Error> {
    if addrs.is_empty() {
        return Err(Error::NoAddresses {
            host: host.to_string(),
        });
    }
    for addr in addrs {
        if let Err(denied) = crate::classify(*addr)
            && !policy.allow.allows_ip(*addr)
        {
            return Err(Error::AddressDenied {
                host: host.to_string(),
                denied,
            });
        }
    }
    Ok(())
}

/// The connector layer: judges the connected peer before reqwest may use
/// the connection.
#[derive(Clone)]
pub(super) struct JudgePeerLayer(pub(super) Arc<EgressPolicy>);

impl<S> tower_layer::Layer<S> for JudgePeerLayer {
    type Service = JudgePeer<S>;

    fn layer(&self, inner: S) -> JudgePeer<S> {
        JudgePeer {
            inner,
            policy: self.0.clone(),
        }
    }
}

/// The service [`JudgePeerLayer`] wraps reqwest's connector in.
#[derive(Clone)]
pub(super) struct JudgePeer<S> {
    inner: S,
    policy: Arc<EgressPolicy>,
}

impl<S, R> tower_service::Service<R> for JudgePeer<S>
where
    S: tower_service::Service<R>,
    S::Response: Connection + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let connecting = self.inner.call(req);
        let policy = self.policy.clone();
        Box::pin(async move {
            let conn = connecting.await.map_err(Into::into)?;
            judge_peer(&policy, &conn).map_err(boxed)?;
            Ok(conn)
        })
    }
}

/// The peer a new connection reached, judged by the policy (its address,
/// and its port against the allowed ports); a connection whose peer is
/// unknown is refused.
fn judge_peer(policy: &EgressPolicy, conn: &impl Connection) -> Result<(), Error> {
    let mut extensions = http::Extensions::new();
    conn.connected().get_extras(&mut extensions);
    let Some(peer) = extensions.get::<HttpInfo>().map(HttpInfo::remote_addr) else {
        return Err(Error::PeerNotChecked {
            host: "(unknown)".into(),
            peer: SocketAddr::from(([0, 0, 0, 0], 0)),
        });
    };
    policy.check_peer(peer)
}
