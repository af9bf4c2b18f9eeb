use super::*;

#[test]
fn control_and_bidi_characters_are_escaped() {
    assert_eq!(escape("bot"), "bot");
    assert_eq!(escape("a\nb\r\tc"), "a\\nb\\r\\tc");
    assert_eq!(escape("\u{1b}[2J"), "\\u001b[2J");
    assert_eq!(escape("x\u{7f}\u{85}y"), "x\\u007f\\u0085y");
    assert_eq!(escape("ab\u{202e}cd\u{2066}"), "ab\\u202ecd\\u2066");
    assert_eq!(escape("keep \\ and é"), "keep \\ and é");
}

#[test]
fn escaped_json_stays_the_same_json() {
    let v = serde_json::json!({"actor": "a\u{7f}\u{202e}b"});
    let text = v.to_string();
    let escaped = escape(&text);
    assert_ne!(escaped, text);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&escaped).unwrap(),
        v
    );
}
