use serde_json::json;

use super::*;

#[test]
fn redacts_secret_names_at_any_depth() {
    let mut details = json!({
        "symbol": "BTCUSDT",
        "api_secret": "s3cr3t",
        "nested": {"Password": "p", "list": [{"session_token": "t", "ok": 1}]},
    })
    .as_object()
    .unwrap()
    .clone();
    Redactor::default().redact(&mut details);
    let text = serde_json::to_string(&details).unwrap();
    assert!(
        !text.contains("s3cr3t") && !text.contains("\"p\"") && !text.contains("\"t\""),
        "{text}"
    );
    assert_eq!(details["symbol"], "BTCUSDT");
    assert_eq!(details["nested"]["list"][0]["ok"], 1);
    assert_eq!(details["api_secret"], REDACTED);
}

#[test]
fn custom_markers() {
    let r = Redactor::new(["iban"]).with_marker("PIN");
    assert!(r.is_secret("user_IBAN") && r.is_secret("card_pin"));
    assert!(!r.is_secret("password"));
}

proptest::proptest! {
    /// One automaton pass decides exactly what "the lower-cased name contains
    /// a marker" means.
    #[test]
    fn matcher_agrees_with_the_definition(field in "[a-zA-Z_ é]{0,24}|.*") {
        let r = Redactor::default().with_marker("Ékey");
        let lower = field.to_ascii_lowercase();
        let expected = r.markers.iter().any(|m| lower.contains(m.as_str()));
        proptest::prop_assert_eq!(r.is_secret(&field), expected);
    }
}

#[test]
fn no_markers_means_nothing_is_secret() {
    let r = Redactor::new(Vec::<String>::new());
    assert!(!r.is_secret("password"));
    assert!(Redactor::default().is_secret("X-API_KEY"));
}
