use super::*;
use crate::key::SigningKey;

#[test]
fn a_link_reads_back_and_garbage_is_counted_not_trusted() {
    let key = SigningKey::generate("t").expect("key").0;
    let cp = Checkpoint::sign("o", 5, Digest([1; 32]), Digest([2; 32]), &key).expect("sign");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("log.proofs");
    let mut data = link_line(&cp, 3, &[Digest([7; 32]), Digest([8; 32])]);
    data.extend_from_slice(b"{not json\n{\"checkpoint\":\"x\",\"from\":1,\"proof\":[]}\n");
    std::fs::write(&path, data).expect("write");
    let (links, bad) = read_links(&path).expect("read");
    assert_eq!(bad, 2);
    let link = &links[&5][0];
    assert_eq!((link.from, link.proof.len()), (3, 2));
    assert_eq!(link.checkpoint, cp);
    let (none, _) = read_links(&dir.path().join("missing")).expect("missing is empty");
    assert!(none.is_empty());
}
