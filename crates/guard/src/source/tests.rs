use super::*;

#[test]
fn line_and_column_count_characters_from_one() {
    let src = Source::new("f.toml", "a = 1\n\u{e9}t\u{e9} = \"x\"\n");
    assert_eq!(src.line_column(0), (1, 1));
    assert_eq!(src.line_column(6), (2, 1));
    // "été" is 5 bytes, 3 characters: the space after it is column 4.
    assert_eq!(src.line_column(6 + 5), (2, 4));
    // Inside a multi-byte character, or past the end: clamped, no panic.
    assert_eq!(src.line_column(7), (2, 1));
    assert_eq!(src.line_column(10_000), (3, 1));
}

#[test]
fn an_environment_setting_is_located_by_its_variable() {
    let src = Source::new("f.toml", "");
    assert_eq!(
        src.locate(&At::Env("SUPREME_RISK_STATE")).to_string(),
        "environment variable SUPREME_RISK_STATE"
    );
    assert_eq!(src.locate_span(None).to_string(), "f.toml");
}
