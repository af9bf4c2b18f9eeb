use super::{entries, versions};

#[test]
fn version_lists_read_as_ranges_when_contiguous() {
    assert_eq!(versions(&[3]), "version 3");
    assert_eq!(versions(&[1, 2]), "versions 1..2");
    assert_eq!(versions(&[1, 2, 3, 4]), "versions 1..4");
    assert_eq!(versions(&[1, 3]), "versions 1, 3");
    assert_eq!(
        versions(&[4_294_967_294, 4_294_967_295]),
        "versions 4294967294..4294967295"
    );
    assert_eq!(entries(1), "1 entry");
    assert_eq!(entries(0), "0 entries");
}
