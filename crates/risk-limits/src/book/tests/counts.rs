//! Open-order and order-rate limits at their boundaries.

use super::*;

#[test]
fn open_orders_boundary() {
    let set = LimitSet {
        max_open_orders: NonZeroU32::new(2),
        ..LimitSet::default()
    };
    let (book, _) = book_with(&[(Scope::Symbol(btc()), set)]);
    let a = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
    let _b = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap_err();
    assert_eq!(
        limit_of(r),
        (
            Scope::Symbol(btc()),
            LimitKind::OpenOrders,
            Observed::Count {
                limit: 2,
                observed: 3
            }
        )
    );
    // Another symbol is another scope.
    let _ = book.check_and_reserve(&buy(eth(), "0.01", "2000")).unwrap();
    book.cancel(a.id).unwrap();
    let _ = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
}

#[test]
fn order_rate_window_boundary() {
    let rate =
        OrderRateLimit::new(NonZeroU32::new(3).unwrap(), NonZeroU64::new(1000).unwrap()).unwrap();
    let (book, clock) = global(LimitSet {
        order_rate: Some(rate),
        ..LimitSet::default()
    });
    for _ in 0..3 {
        let a = book
            .check_and_reserve(&buy(btc(), "0.01", "50000"))
            .unwrap();
        book.cancel(a.id).unwrap();
        clock.advance(std::time::Duration::from_millis(100));
    }
    let r = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap_err();
    assert_eq!(
        limit_of(r).2,
        Observed::Count {
            limit: 3,
            observed: 4
        }
    );
    // At exactly 1,000 ms after the first, it has left the window.
    clock.set_ms(T0 + 999);
    assert!(
        book.check_and_reserve(&buy(btc(), "0.01", "50000"))
            .is_err()
    );
    clock.set_ms(T0 + 1000);
    let _ = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
}
