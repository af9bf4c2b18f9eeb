//! Properties of the journal's writer and reader: what the writer appends
//! reads back as exactly the orders without an end (and reopening compacts
//! to the same), and the reader never panics on any bytes.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

use proptest::prelude::*;

use super::*;

const IDS: [&str; 5] = ["bot-1", "bot-2", "bot:3/x", "bot_4.y", "B-5"];
const HOWS: [&str; 5] = ["FILLED", "ENDED", "NOT_FOUND", "NOT_ACCEPTED", "NOT_SENT"];

#[derive(Debug, Clone)]
enum Op {
    Send(Pending),
    End(usize, usize),
}

fn amount() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![
        Just(None),
        Just(Some(0)),
        Just(Some(u64::MAX)),
        any::<u64>().prop_map(Some),
        (1u64..1_000_000).prop_map(|n| Some(n * 1_000_000)),
    ]
}

fn pending() -> impl Strategy<Value = Pending> {
    (
        0..IDS.len(),
        prop_oneof![Just("BTCUSDT"), Just("ETHBTC"), Just("1INCHUSDT")],
        any::<bool>(),
        amount(),
        amount(),
        any::<u64>(),
    )
        .prop_map(|(id, symbol, buy, qty, price, at)| Pending {
            client_order_id: ClientOrderId::new(IDS[id]).unwrap(),
            symbol: Symbol::new(symbol).unwrap(),
            side: if buy { Side::Buy } else { Side::Sell },
            quantity: qty.map(Quantity::from_units),
            price: price.map(Price::from_units),
            sent_at_ms: at,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        pending().prop_map(Op::Send),
        (0..IDS.len(), 0..HOWS.len()).prop_map(|(id, how)| Op::End(id, how)),
    ]
}

fn by_id(list: &[Pending]) -> BTreeMap<String, Pending> {
    list.iter()
        .map(|p| (p.client_order_id.to_string(), *p))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn what_the_writer_appends_reads_back_as_the_orders_without_an_end(
        ops in prop::collection::vec(op(), 0..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let path = dir.path().join("orders.journal");
        let (journal, first) = Journal::open(&path).unwrap();
        prop_assert!(first.is_empty());
        let mut model: BTreeMap<String, Pending> = BTreeMap::new();
        for op in &ops {
            match op {
                Op::Send(p) => {
                    journal.sent(p).unwrap();
                    model.insert(p.client_order_id.to_string(), *p);
                }
                Op::End(id, how) => {
                    journal.ended(&ClientOrderId::new(IDS[*id]).unwrap(), HOWS[*how]).unwrap();
                    model.remove(IDS[*id]);
                }
            }
        }
        drop(journal);
        let bytes = std::fs::read(&path).unwrap();
        let read = parse_journal(&path, &bytes).unwrap();
        prop_assert_eq!(read.len(), model.len(), "an order read twice");
        prop_assert_eq!(&by_id(&read), &model);

        // A restart finds the same orders and compacts the file to them.
        let (journal, reopened) = Journal::open(&path).unwrap();
        prop_assert_eq!(&by_id(&reopened), &model);
        drop(journal);
        let compacted = std::fs::read(&path).unwrap();
        prop_assert_eq!(compacted.iter().filter(|&&b| b == b'\n').count(), model.len());
        prop_assert_eq!(parse_journal(&path, &compacted).unwrap(), reopened);

        // Cut anywhere (a crash mid-append), it still reads: the torn line
        // is dropped, every whole line before it kept.
        for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len().saturating_sub(1)] {
            prop_assert!(parse_journal(&path, &bytes[..cut]).is_ok());
        }
    }

    #[test]
    fn the_reader_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_journal("j".as_ref(), &bytes);
    }

    #[test]
    fn the_reader_never_panics_on_near_records(
        text in "((send|end|BUY|SELL|BTCUSDT|bot-1|-|0\\.01|20000|1700000000000| |\n|[ -~]){0,12}\n){0,8}",
    ) {
        let _ = parse_journal("j".as_ref(), text.as_bytes());
    }
}
