use proptest::prelude::*;

use super::*;

#[test]
fn routes() {
    assert_eq!(route(b"GET /metrics HTTP/1.0\r\n\r\n"), Ok(Route::Metrics));
    assert_eq!(
        route(b"GET /metrics?x=1 HTTP/1.1\r\n\r\n"),
        Ok(Route::Metrics)
    );
    assert_eq!(
        route(b"HEAD /metrics HTTP/1.1\r\n\r\n"),
        Ok(Route::MetricsHead)
    );
    assert_eq!(
        route(b"GET /metricsx HTTP/1.1\r\n\r\n"),
        Ok(Route::NotFound)
    );
}

#[test]
fn refusals_are_typed() {
    assert_eq!(
        route(b"GET /metrics HTTP/1.1\r\n"),
        Err(RequestError::Incomplete)
    );
    assert_eq!(route(&[b'a'; MAX_HEAD]), Err(RequestError::TooLarge));
    assert_eq!(
        route(b"DELETE /metrics HTTP/1.1\r\n\r\n").map_err(|e| e.status()),
        Err(405)
    );
    assert_eq!(
        route(b"GET /metrics HTTP/2\r\n\r\n").map_err(|e| e.status()),
        Err(400)
    );
    assert_eq!(
        route(b"GET  /metrics HTTP/1.1\r\n\r\n").map_err(|e| e.status()),
        Err(400)
    );
    assert_eq!(
        route(b"GET http://x/metrics HTTP/1.1\r\n\r\n").map_err(|e| e.status()),
        Err(400)
    );
    assert_eq!(
        route(b"GET /m\xff HTTP/1.1\r\n\r\n"),
        Err(RequestError::Malformed("not UTF-8"))
    );
}

proptest! {
    #[test]
    fn no_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = route(&bytes);
    }

    #[test]
    fn any_header_lines_still_route(headers in "([A-Za-z-]{1,12}: [ -~]{0,40}\r\n){0,8}") {
        let req = format!("GET /metrics HTTP/1.1\r\n{headers}\r\n");
        prop_assert_eq!(route(req.as_bytes()), Ok(Route::Metrics));
    }
}
