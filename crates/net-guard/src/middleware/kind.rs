//! How a request may be retried when it does not say
//! ([`RequestKind`] extension): by its method, and by the client order id
//! an order carries.

use reqwest::{Method, Request};

use crate::retry::RequestKind;

/// The parameter Binance takes a client order id in.
const CLIENT_ORDER_ID: &str = "newClientOrderId";

/// GET, HEAD and OPTIONS are idempotent; any other request with a
/// `newClientOrderId` (in the query or an in-memory form body) is an order
/// with that id, never re-sent; anything else is never retried.
pub(super) fn infer(req: &Request) -> RequestKind {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return RequestKind::Idempotent;
    }
    let in_query = || find_id(req.url().query()?.as_bytes());
    let in_body = || find_id(req.body()?.as_bytes()?);
    match in_query().or_else(in_body) {
        Some(client_order_id) => RequestKind::Order { client_order_id },
        None => RequestKind::NonIdempotent,
    }
}

fn find_id(form: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(form)
        .find(|(k, _)| k == CLIENT_ORDER_ID)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method, url: &str, body: Option<&'static str>) -> Request {
        let mut r = Request::new(method, url.parse().unwrap());
        if let Some(b) = body {
            *r.body_mut() = Some(b.into());
        }
        r
    }

    #[test]
    fn kinds_by_method_and_client_order_id() {
        let base = "https://api.binance.com/api/v3/order";
        assert_eq!(
            infer(&req(Method::GET, base, None)),
            RequestKind::Idempotent
        );
        let order = |id: &str| RequestKind::Order {
            client_order_id: id.into(),
        };
        assert_eq!(
            infer(&req(
                Method::POST,
                &format!("{base}?symbol=BTCUSDT&newClientOrderId=a%2D1"),
                None
            )),
            order("a-1")
        );
        assert_eq!(
            infer(&req(
                Method::POST,
                base,
                Some("symbol=BTCUSDT&newClientOrderId=b-2&signature=x")
            )),
            order("b-2")
        );
        assert_eq!(
            infer(&req(Method::POST, base, Some("symbol=BTCUSDT"))),
            RequestKind::NonIdempotent
        );
        assert_eq!(
            infer(&req(Method::DELETE, base, None)),
            RequestKind::NonIdempotent
        );
    }
}
