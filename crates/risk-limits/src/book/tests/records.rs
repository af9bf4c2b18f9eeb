//! Breaches recorded in a core sink (the audit log's trait).

use supreme_core::event::{Event, FnSink, SinkError, VecSink};

use super::*;

/// A book over BTC with a global 50 USDT daily-loss limit, and what it
/// reports: the breach sink's reactions and the event sink's records.
fn losing_book(
    events: Arc<dyn supreme_core::event::Sink>,
) -> (RiskBook<Arc<FakeClock>>, Arc<AtomicUsize>) {
    let trips = Arc::new(AtomicUsize::new(0));
    let seen = trips.clone();
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(
            Scope::Global,
            LimitSet {
                daily_loss: Some(v("50")),
                ..LimitSet::default()
            },
        )
        .unwrap();
    let book = RiskBook::new(config, Arc::new(FakeClock::new(T0)))
        .unwrap()
        .with_breach_sink(move |_: &Breach| {
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .with_events(events);
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.start_fresh().unwrap();
    bought(&book, btc(), "0.1", "50000");
    let exit = book
        .check_and_reserve(&sell(btc(), "0.1", "49000"))
        .unwrap();
    book.fill(exit.id, q("0.1"), p("49000"), None).unwrap(); // −100 realized
    (book, trips)
}

#[test]
fn a_daily_loss_breach_is_recorded_with_scope_limit_and_values() {
    let seen = Arc::new(VecSink::new());
    let (book, trips) = losing_book(seen.clone());
    assert_eq!(trips.load(Ordering::SeqCst), 1);
    let events = seen.take();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!((e.kind(), e.at_ms()), (BREACH_KIND, T0));
    assert_eq!(e.get("scope"), Some("global"));
    assert_eq!(e.get("limit"), Some("daily loss"));
    assert_eq!(e.get("limit_value"), Some(v("50").to_string().as_str()));
    assert_eq!(e.get("observed"), Some(v("100").to_string().as_str()));
    assert_eq!(book.unrecorded_events(), 0);
}

#[test]
fn a_breach_whose_record_is_refused_still_halts_and_is_counted() {
    let full = FnSink::new(|_: &Event| Err(SinkError::new("audit log", "disk full")));
    let (book, trips) = losing_book(Arc::new(full));
    assert_eq!(trips.load(Ordering::SeqCst), 1, "the reaction still ran");
    assert_eq!(book.unrecorded_events(), 1);
    let r = book
        .check_and_reserve(&buy(btc(), "0.1", "50000"))
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::State {
            scope: Scope::Global,
            state: TradingState::Halted
        }
    );
}
