//! The HTTPS transport the adapter uses in this demo: TLS (rustls, ring)
//! trusting only the simulator's test CA, to 127.0.0.1.

use std::sync::Arc;

use supreme_security::binance::{Request, Response, Transport, TransportError};
use supreme_testkit::binance::{SimRequest, SimServer};
use supreme_testkit::tls::https_request;

pub(crate) struct LoopbackTls(pub(crate) Arc<SimServer>);

impl Transport for LoopbackTls {
    fn send(&self, req: &Request) -> Result<Response, TransportError> {
        let target = if req.query.is_empty() {
            req.path.to_string()
        } else {
            format!("{}?{}", req.path, req.query)
        };
        let mut sim_req = SimRequest::new(req.method, &target);
        for (k, v) in &req.headers {
            sim_req = sim_req.header(k, v);
        }
        match https_request(self.0.addr(), "localhost", self.0.ca(), &sim_req) {
            Ok(Some(r)) => Ok(Response {
                status: r.status,
                headers: r.headers,
                body: r.body,
            }),
            Ok(None) => Err(TransportError::NoResponse(
                "connection closed without an answer".into(),
            )),
            Err(e) => Err(TransportError::NotSent(e.to_string())),
        }
    }
}
