//! A `supreme.toml` for a guard in front of the simulator: a template's
//! `{{...}}` placeholders filled with the simulator's port and pins, the
//! test name server, the operator's key and a metrics port, and the test CA
//! written beside it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::binance::SimServer;

/// What fills the placeholders.
#[derive(Debug)]
pub struct SimValues<'a> {
    /// The simulator (`{{PORT}}`, `{{PIN_LEAF}}`, `{{PIN_CA}}`; its CA is
    /// written as `ca.pem`).
    pub server: &'a SimServer,
    /// The test name server (`{{DNS}}`).
    pub dns: SocketAddr,
    /// The operator's public key, hex (`{{OPERATOR}}`).
    pub operator: &'a str,
    /// A free loopback port for the metrics endpoint (`{{METRICS_PORT}}`).
    pub metrics_port: u16,
}

/// Fills `template` and writes it as `dir/supreme.toml`, with the
/// simulator's CA as `dir/ca.pem`; returns the file's path. A placeholder
/// left unfilled is an error.
///
/// ```no_run
/// # fn f(server: &supreme_testkit::binance::SimServer, dns: std::net::SocketAddr) -> std::io::Result<()> {
/// use supreme_testkit::guard_file::{SimValues, write};
/// let dir = tempfile::tempdir()?;
/// let values = SimValues { server, dns, operator: &"ab".repeat(32), metrics_port: 9464 };
/// let path = write("[exchange]\nbase_url = \"https://api.binance.test:{{PORT}}\"\n", &values, dir.path())?;
/// # let _ = path; Ok(()) }
/// ```
pub fn write(template: &str, values: &SimValues<'_>, dir: &Path) -> std::io::Result<PathBuf> {
    let ca_pin = values.server.ca().spki_pin();
    let port = values.server.addr().port().to_string();
    let text = template
        .replace("{{PORT}}", &port)
        .replace("{{PIN_LEAF}}", values.server.spki_pin())
        .replace("{{PIN_CA}}", ca_pin)
        .replace("{{DNS}}", &values.dns.to_string())
        .replace("{{OPERATOR}}", values.operator)
        .replace("{{METRICS_PORT}}", &values.metrics_port.to_string());
    if let Some(at) = text.find("{{") {
        let rest = &text[at..];
        let end = rest.find("}}").map_or(rest.len(), |e| e + 2);
        return Err(std::io::Error::other(format!(
            "placeholder {} left unfilled",
            &rest[..end]
        )));
    }
    std::fs::write(dir.join("ca.pem"), values.server.ca_pem())?;
    let path = dir.join("supreme.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// A free loopback TCP port (bound and released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
