//! The simulator served over HTTPS on loopback, with its own test CA.

use std::sync::Arc;

use super::SimBinance;
use crate::tls::{HttpsServer, TestCa, TlsError};

/// A running simulator: an HTTPS server on 127.0.0.1 whose certificate a
/// fresh test CA signed. Stops when dropped.
#[derive(Debug)]
pub struct SimServer {
    ca: TestCa,
    https: HttpsServer,
    sim: SimBinance,
}

impl SimBinance {
    /// Serves this simulator over HTTPS on 127.0.0.1 with a certificate for
    /// `localhost`, `127.0.0.1` and any extra `names`.
    ///
    /// ```no_run
    /// let server = supreme_testkit::binance::SimBinance::with_sample().serve(&["api.binance.test"])?;
    /// println!("{} trusts {}", server.base_url(), server.ca_pem().len());
    /// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    /// ```
    pub fn serve(&self, names: &[&str]) -> Result<SimServer, TlsError> {
        let ca = TestCa::new()?;
        let mut all = vec!["localhost"];
        all.extend_from_slice(names);
        let sim = self.clone();
        let https = HttpsServer::start(&ca, &all, Arc::new(move |req| sim.handle(req)))?;
        Ok(SimServer {
            ca,
            https,
            sim: self.clone(),
        })
    }
}

impl SimServer {
    /// `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.https.addr())
    }

    /// The listening address.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.https.addr()
    }

    /// The test CA certificate (PEM) a client must trust.
    pub fn ca_pem(&self) -> &str {
        self.ca.cert_pem()
    }

    /// The test CA.
    pub fn ca(&self) -> &TestCa {
        &self.ca
    }

    /// The server certificate's SPKI pin (`sha256/...`).
    pub fn spki_pin(&self) -> &str {
        self.https.spki_pin()
    }

    /// The simulator behind the server.
    pub fn sim(&self) -> &SimBinance {
        &self.sim
    }
}
