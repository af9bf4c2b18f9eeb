//! Scraping a Prometheus endpoint in tests: one blocking `GET /metrics`
//! (run it with `spawn_blocking` from async code) and a sample lookup in
//! the text format.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// `GET /metrics` on `addr`; the body of a 200 answer, else an error with
/// the status line.
pub fn scrape(addr: SocketAddr) -> std::io::Result<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: metrics\r\n\r\n")?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let (head, body) = out
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of head in the answer"))?;
    let status = head.lines().next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200") {
        return Err(std::io::Error::other(format!("answered {status:?}")));
    }
    Ok(body.to_owned())
}

/// The sum of the samples named `name` whose labels include each of
/// `labels` (written as in the text: `kind="ORDERS"`); 0 when none match.
///
/// ```
/// let text = "# TYPE x counter\nx{a=\"1\",b=\"2\"} 3\nx{a=\"1\",b=\"3\"} 4\ny 9\n";
/// assert_eq!(supreme_testkit::prometheus::sample(text, "x", &["a=\"1\""]), 7.0);
/// assert_eq!(supreme_testkit::prometheus::sample(text, "y", &[]), 9.0);
/// ```
pub fn sample(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(key, _)| {
            let (n, rest) = key.split_once('{').unwrap_or((key, ""));
            n == name && labels.iter().all(|want| rest.contains(want))
        })
        .filter_map(|(_, v)| v.parse::<f64>().ok())
        .sum()
}
