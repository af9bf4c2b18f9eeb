//! SPKI pins against a man in the middle with a mis-issued certificate who
//! appends the real, public, pinned certificate to his chain (the flaw of
//! OkHttp CVE-2016-2402). A real rustls server on loopback serves the chain.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use supreme_net_guard::pin::{Pin, PinSet};
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, Error, GuardedClient};
use supreme_testkit::binance::{SimRequest, SimResponse};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::{HttpsServer, Leaf, TestCa};

const API: &str = "api.example.test";

fn serve(leaf: Leaf, hits: &Arc<AtomicUsize>) -> HttpsServer {
    let hits = hits.clone();
    HttpsServer::start_with_leaf(
        leaf,
        Arc::new(move |_: &SimRequest| {
            hits.fetch_add(1, Ordering::SeqCst);
            SimResponse::json(200, "{}")
        }),
    )
    .unwrap()
}

/// A client trusting both CAs (the real one and one that mis-issues), with
/// `pins` for the API host, reaching `server` through the test's DNS.
fn client(dns: &DnsServer, server: &HttpsServer, cas: &[&TestCa], pins: PinSet) -> GuardedClient {
    let policy = EgressPolicy::builder()
        .allow_host(API)
        .unwrap()
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr())
        .done()
        .build();
    let mut builder = GuardedClient::builder(policy)
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .timeout(Duration::from_secs(5))
        .pin(pins)
        .dangerous();
    for ca in cas {
        builder = builder.add_root_ca(ca.cert_der().clone());
    }
    builder.done().build().unwrap()
}

fn pin_of(cert: &rustls::pki_types::CertificateDer<'_>) -> String {
    Pin::of_cert(cert.as_ref()).unwrap().to_string()
}

#[tokio::test]
async fn mis_issued_leaf_with_the_pinned_certificate_appended_is_refused() {
    let dns = DnsServer::start().unwrap();
    dns.set(API, &["127.0.0.1".parse::<IpAddr>().unwrap()]);
    let real_ca = TestCa::new().unwrap();
    let rogue_ca = TestCa::new().unwrap();
    let real_leaf = real_ca.issue(&[API]).unwrap();
    let real_leaf_der = real_leaf.chain[0].clone();
    let pins = PinSet::new(API, &[&real_leaf.spki_pin, &pin_of(real_ca.cert_der())]).unwrap();
    let hits = Arc::new(AtomicUsize::new(0));

    // The genuine chain passes.
    let genuine = serve(real_leaf, &hits);
    let url = format!("https://{API}:{}/", genuine.addr().port());
    let ok = client(&dns, &genuine, &[&real_ca, &rogue_ca], pins.clone());
    assert_eq!(ok.get(&url).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // The attacker's leaf, signed by a CA the client trusts, with the pinned
    // leaf or the pinned CA certificate appended as an extra chain element.
    for appended in [real_leaf_der.clone(), real_ca.cert_der().clone()] {
        let rogue = rogue_ca.issue(&[API]).unwrap();
        let rogue_pin = rogue.spki_pin.clone();
        let chain = vec![
            rogue.chain[0].clone(),
            appended.clone(),
            rogue_ca.cert_der().clone(),
        ];
        let mitm = serve(
            Leaf {
                chain,
                key: rogue.key,
                spki_pin: rogue.spki_pin,
            },
            &hits,
        );
        let url = format!("https://{API}:{}/", mitm.addr().port());
        let victim = client(&dns, &mitm, &[&real_ca, &rogue_ca], pins.clone());
        match victim.get(&url).await {
            Err(Error::PinMismatch { host, actual, .. }) => {
                assert_eq!(host, API);
                // The verified path: the rogue leaf and the rogue CA, nothing appended.
                assert_eq!(actual, vec![rogue_pin, pin_of(rogue_ca.cert_der())]);
            }
            other => panic!("appended {}: {other:?}", pin_of(&appended)),
        }
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "no request reached the rogue server"
    );
}
