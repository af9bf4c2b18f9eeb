use supreme_testkit::tls::TestCa;

use super::*;

#[test]
fn cert_pin_matches_rcgen_spki_pin() {
    let ca = TestCa::new().unwrap();
    let leaf = ca.issue(&["api.example.test"]).unwrap();
    let pin = Pin::of_cert(leaf.chain[0].as_ref()).unwrap();
    assert_eq!(pin.to_string(), leaf.spki_pin);
    assert_eq!(pin.to_string().parse::<Pin>().unwrap(), pin);
    assert!(Pin::of_cert(ca.cert_der().as_ref()).is_some());
}

#[test]
fn backup_pin_required_and_form_checked() {
    let a = format!("sha256/{}", "A".repeat(43) + "=");
    let b = format!("sha256/{}", "B".repeat(42) + "A=");
    assert!(PinSet::new("h.example", &[&a, &b]).is_ok());
    assert_eq!(
        PinSet::new("h.example", &[&a]),
        Err(Error::NoBackupPin {
            host: "h.example".into()
        })
    );
    assert_eq!(
        PinSet::new("h.example", &[&a, &a]),
        Err(Error::NoBackupPin {
            host: "h.example".into()
        })
    );
    assert!(matches!(
        PinSet::new("h", &["sha1/AAAA", &a]),
        Err(Error::InvalidPin { .. })
    ));
    assert!(matches!(
        PinSet::new("h", &["sha256/AAAA", &a]),
        Err(Error::InvalidPin { .. })
    ));
}

#[test]
fn mismatch_lists_actual_pins() {
    let ca = TestCa::new().unwrap();
    let leaf = ca.issue(&["h.example"]).unwrap();
    let ca_pin = Pin::of_cert(ca.cert_der().as_ref()).unwrap().to_string();
    let backup = format!("sha256/{}", "B".repeat(42) + "A=");
    // The CA's pin matches (any certificate of the chain).
    let ok = PinSet::new("h.example", &[&ca_pin, &backup]).unwrap();
    assert!(
        ok.check_chain(leaf.chain.iter().map(|c| c.as_ref()))
            .is_ok()
    );
    let other = format!("sha256/{}", "C".repeat(42) + "A=");
    let bad = PinSet::new("h.example", &[&other, &backup]).unwrap();
    match bad.check_chain(leaf.chain.iter().map(|c| c.as_ref())) {
        Err(Error::PinMismatch {
            actual, expected, ..
        }) => {
            assert_eq!(actual, vec![leaf.spki_pin.clone(), ca_pin]);
            assert_eq!(expected.len(), 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_certificates_do_not_panic() {
    for bytes in [
        &[][..],
        &[0x30],
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        &[0x30, 0x03, 0x30, 0x01, 0x00],
    ] {
        assert_eq!(spki_of_cert(bytes), None);
    }
}
