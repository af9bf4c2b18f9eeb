//! Building a [`GuardedClient`]: TLS, resolver hook, connector layer,
//! redirects off, no proxy.

use std::sync::Arc;
use std::time::Duration;

use super::connect::{JudgePeerLayer, JudgedResolver};
use super::{EventSink, GuardedClient};
use crate::danger::ExtraRoots;
use crate::hsts::HstsMode;
use crate::pin::PinSet;
use crate::resolve::{GuardedResolver, ResolverSettings};
use crate::tls_config::client_config;
use crate::{EgressPolicy, Error};

/// Builds a [`GuardedClient`].
pub struct GuardedClientBuilder {
    pub(super) policy: EgressPolicy,
    pub(super) resolver: ResolverSettings,
    pub(super) pins: Vec<PinSet>,
    pub(super) hsts: HstsMode,
    pub(super) max_redirects: usize,
    pub(super) timeout: Duration,
    pub(crate) extra_roots: ExtraRoots,
    pub(super) events: Option<EventSink>,
}

impl std::fmt::Debug for GuardedClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedClientBuilder")
            .field("policy", &self.policy)
            .field("max_redirects", &self.max_redirects)
            .finish_non_exhaustive()
    }
}

impl GuardedClientBuilder {
    /// Trusted nameservers, TTL cap and timeout.
    pub fn resolver(mut self, settings: ResolverSettings) -> Self {
        self.resolver = settings;
        self
    }

    /// Pins for one host.
    pub fn pin(mut self, pins: PinSet) -> Self {
        self.pins.push(pins);
        self
    }

    /// Warn about (default) or require HSTS.
    pub fn hsts(mut self, mode: HstsMode) -> Self {
        self.hsts = mode;
        self
    }

    /// Follow up to `n` redirects (0, the default, follows none), each hop
    /// re-checked against the whole policy.
    pub fn max_redirects(mut self, n: usize) -> Self {
        self.max_redirects = n;
        self
    }

    /// Whole-request timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Sends each warning [`Event`](super::Event), as a core event ([`Event::to_core`](super::Event::to_core):
    /// `HSTS_WARNING`, `CREDENTIALS_DROPPED`), to `sink` (the audit log, a
    /// [`FanOut`](supreme_core::event::FanOut)) instead of the default,
    /// which prints each distinct warning once per process on standard
    /// error (`net-guard warning: ...`). Warnings never go nowhere: to
    /// silence them, pass a sink that ignores them, on purpose. A warning
    /// never stops a request, so a refusal is the sink's to report.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::VecSink;
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// let warnings = Arc::new(VecSink::new());
    /// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
    /// let builder = GuardedClient::builder(policy).events(warnings.clone());
    /// # let _ = builder;
    /// # Ok::<(), supreme_net_guard::Error>(())
    /// ```
    pub fn events(mut self, sink: Arc<dyn supreme_core::event::Sink>) -> Self {
        self.events = Some(sink);
        self
    }

    /// [`events`](Self::events) with a closure (through
    /// [`FnSink`](supreme_core::event::FnSink)), for a quick hook.
    ///
    /// ```
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
    /// let builder = GuardedClient::builder(policy).on_event(|e| eprintln!("{e}"));
    /// # let _ = builder;
    /// # Ok::<(), supreme_net_guard::Error>(())
    /// ```
    pub fn on_event(self, f: impl Fn(&supreme_core::event::Event) + Send + Sync + 'static) -> Self {
        self.events(Arc::new(supreme_core::event::FnSink::new(
            move |e: &supreme_core::event::Event| {
                f(e);
                Ok(())
            },
        )))
    }

    /// Test-only trust additions.
    pub fn dangerous(self) -> crate::danger::DangerousClientBuilder {
        crate::danger::DangerousClientBuilder { inner: self }
    }

    /// Only the `reqwest::Client` of [`build`](Self::build)
    /// ([`GuardedClient::reqwest_client`]): the resolver hook, the peer
    /// judged in the connector, the TLS config with the pins, no proxy, no
    /// redirects, the timeouts. Needs a tokio runtime for the resolver.
    ///
    /// ```no_run
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// # fn run() -> Result<(), supreme_net_guard::Error> {
    /// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
    /// let http: reqwest::Client = GuardedClient::builder(policy).build_reqwest()?;
    /// # let _ = http;
    /// # Ok(())
    /// # }
    /// ```
    pub fn build_reqwest(self) -> Result<reqwest::Client, Error> {
        self.build().map(|c| c.reqwest_client())
    }

    /// The client (needs a tokio runtime for the resolver).
    pub fn build(self) -> Result<GuardedClient, Error> {
        let policy = Arc::new(self.policy);
        let resolver =
            GuardedResolver::with_extra_roots(&self.resolver, policy.clone(), &self.extra_roots)?;
        let tls = client_config(&self.pins, &self.extra_roots, Some(policy.clone()))?;
        let hook = JudgedResolver {
            resolver: resolver.clone(),
            policy: policy.clone(),
        };
        let tls_shared = Arc::new(tls.clone());
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .https_only(true)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(hook))
            .connector_layer(JudgePeerLayer(policy.clone()))
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .http1_only()
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(GuardedClient {
            http,
            resolver,
            policy,
            hsts: self.hsts,
            max_redirects: self.max_redirects,
            events: self.events.unwrap_or_else(super::warnings::stderr_once),
            hsts_seen: Arc::default(),
            hsts_warned: Arc::default(),
            tls: tls_shared,
            connect_timeout: self.timeout,
        })
    }
}
