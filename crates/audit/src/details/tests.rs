//! Details written flat match the canonical form of the same fields kept as
//! a JSON map and redacted in place (how records were made before).

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::record::canonical_object;

/// The reference: a map, redacted in place, written canonically.
fn reference(fields: &[(String, Value)], redactor: &Redactor) -> Vec<u8> {
    let mut map = Map::new();
    for (k, v) in fields {
        map.insert(k.clone(), v.clone());
    }
    redactor.redact(&mut map);
    canonical_object(&map)
}

fn flat(fields: &[(String, Value)], redactor: &Redactor) -> Vec<u8> {
    let mut d = Details::default();
    for (k, v) in fields {
        // Scalars go through their typed entry points, trees as values.
        let detail = match v {
            Value::String(s) => Detail::Str(s),
            Value::Bool(b) => Detail::Bool(*b),
            Value::Number(n) if n.is_u64() => Detail::Unsigned(n.as_u64().unwrap_or(0)),
            Value::Number(n) if n.is_i64() => Detail::Signed(n.as_i64().unwrap_or(0)),
            other => Detail::Tree(other.clone()),
        };
        d.insert(k, detail);
    }
    let mut out = Vec::new();
    d.write_canonical(&mut out, redactor);
    out
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{1,8}",
        Just("api_secret".to_owned()),
        Just("Password".to_owned()),
        Just("x\"\\\n\u{1}é".to_owned()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        (-1e9f64..1e9).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn flat_details_match_the_map_form(
        fields in prop::collection::vec((key(), value()), 0..8),
    ) {
        let redactor = Redactor::default();
        prop_assert_eq!(flat(&fields, &redactor), reference(&fields, &redactor));
        let none = Redactor::new(Vec::<String>::new());
        prop_assert_eq!(flat(&fields, &none), reference(&fields, &none));
    }
}

#[test]
fn later_value_wins_and_keys_sort() {
    let e = crate::Event::new(crate::EventType::ApiAccess)
        .detail("b", 1u8)
        .detail("a", "x")
        .detail("b", -2i64)
        .detail("c", None::<u32>)
        .detail("d", String::from("s"))
        .detail("e", true);
    let mut out = Vec::new();
    e.details.write_canonical(&mut out, &Redactor::default());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"a":"x","b":-2,"c":null,"d":"s","e":true}"#
    );
}

#[test]
fn secrets_are_replaced_at_any_depth() {
    let e = crate::Event::new(crate::EventType::ApiAccess)
        .detail("api_key", "AKIA-do-not-log")
        .detail(
            "nested",
            json!({"inner": {"password": "hunter2"}, "list": [{"token": "t"}]}),
        );
    let mut out = Vec::new();
    e.details.write_canonical(&mut out, &Redactor::default());
    let text = String::from_utf8(out).unwrap();
    for secret in ["AKIA-do-not-log", "hunter2", "\"t\""] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(text.matches(crate::REDACTED).count(), 3);
}

#[test]
fn equality_and_debug_follow_the_fields() {
    let a = crate::Event::new(crate::EventType::ApiAccess)
        .detail("x", 1u8)
        .detail("y", "z");
    let b = crate::Event::new(crate::EventType::ApiAccess)
        .detail("y", "z")
        .detail("x", 0u8)
        .detail("x", 1u8);
    assert_eq!(a, b);
    assert!(format!("{a:?}").contains("\"y\""));
    assert_ne!(a, b.detail("w", false));
}

#[test]
fn debug_output_redacts_secret_names() {
    let e = crate::Event::new(crate::EventType::ApiAccess)
        .detail("api_secret", "s3cr3t-value")
        .detail("nested", json!({"password": "hunter2"}))
        .detail("symbol", "BTCUSDT");
    let shown = format!("{e:?}");
    assert!(
        !shown.contains("s3cr3t-value") && !shown.contains("hunter2"),
        "{shown}"
    );
    assert!(
        shown.contains("BTCUSDT") && shown.contains(crate::REDACTED),
        "{shown}"
    );
}

#[test]
fn lists_numbers_and_unit_are_details_too() {
    let e = crate::Event::new(crate::EventType::ApiAccess)
        .detail("list", vec!["a", "b"])
        .detail("slice", &[1u8, 2][..])
        .detail("number", serde_json::Number::from(7))
        .detail("unit", ());
    let mut out = Vec::new();
    e.details.write_canonical(&mut out, &Redactor::default());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"list":["a","b"],"number":7,"slice":[1,2],"unit":null}"#
    );
}
