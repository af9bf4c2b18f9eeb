use rust_decimal::Decimal;

use super::*;
use crate::venue::Side;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let p = RetryPolicy {
        max_attempts: 10,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(70),
    };
    let got: Vec<u128> = (1..=6).map(|a| p.backoff(a).as_millis()).collect();
    assert_eq!(got, [10, 20, 40, 70, 70, 70]);
    assert_eq!(p.backoff(u32::MAX).as_millis(), 70);
}

#[test]
fn close_orders_chunk_and_bound_price() {
    let cfg = FlattenConfig::new(25, d("0.4")).unwrap();
    let long = Position {
        symbol: "BTCUSDT".into(),
        quantity: d("1"),
        mark_price: d("20000"),
    };
    let orders = close_orders(&long, &cfg);
    let qty: Vec<Decimal> = orders.iter().map(|o| o.quantity).collect();
    assert_eq!(qty, [d("0.4"), d("0.4"), d("0.2")]);
    assert!(
        orders
            .iter()
            .all(|o| o.side == Side::Sell && o.reduce_only && o.limit_price == d("19950"))
    );

    let short = Position {
        symbol: "ETHUSDT".into(),
        quantity: d("-0.3"),
        mark_price: d("1000"),
    };
    let orders = close_orders(&short, &cfg);
    assert_eq!(orders.len(), 1);
    assert_eq!(
        (orders[0].side, orders[0].quantity, orders[0].limit_price),
        (Side::Buy, d("0.3"), d("1002.5"))
    );

    let flat = Position {
        symbol: "X".into(),
        quantity: Decimal::ZERO,
        mark_price: d("1"),
    };
    assert!(close_orders(&flat, &cfg).is_empty());
}

#[test]
fn flatten_config_rejects_nonsense() {
    assert!(FlattenConfig::new(10, Decimal::ZERO).is_err());
    assert!(FlattenConfig::new(10, d("-1")).is_err());
    assert!(FlattenConfig::new(10_000, d("1")).is_err());
}

#[test]
fn halt_on_an_armed_switch_is_refused() {
    struct Never;
    impl Venue for Never {
        fn open_orders(&self) -> Result<Vec<crate::venue::OpenOrder>, VenueError> {
            unreachable!()
        }
        fn cancel_all(&self, _: &str) -> Result<(), VenueError> {
            unreachable!()
        }
        fn positions(&self) -> Result<Vec<Position>, VenueError> {
            unreachable!()
        }
        fn close_position(&self, _: &crate::venue::CloseOrder) -> Result<(), VenueError> {
            unreachable!()
        }
    }
    let s = KillSwitch::builder().build();
    assert!(matches!(
        s.halt(&Never, &HaltConfig::default()),
        Err(KillSwitchError::WrongState {
            actual: State::Armed,
            ..
        })
    ));
}

#[test]
fn halt_with_an_order_still_in_flight_past_the_bound_is_not_verified() {
    struct Unreachable;
    impl Venue for Unreachable {
        fn open_orders(&self) -> Result<Vec<crate::venue::OpenOrder>, VenueError> {
            panic!("listed while an order was in flight")
        }
        fn cancel_all(&self, _: &str) -> Result<(), VenueError> {
            panic!("cancelled while an order was in flight")
        }
        fn positions(&self) -> Result<Vec<Position>, VenueError> {
            panic!("positions listed while an order was in flight")
        }
        fn close_position(&self, _: &crate::venue::CloseOrder) -> Result<(), VenueError> {
            panic!("closed while an order was in flight")
        }
    }
    let s = KillSwitch::builder().build();
    let stuck = s.gate().enter_order().unwrap();
    s.trip(crate::TripRequest::manual("t", "unit")).unwrap();
    let config = HaltConfig {
        retry: RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        },
        in_flight_wait: Duration::from_millis(20),
        ..HaltConfig::default()
    };
    match s.halt(&Unreachable, &config) {
        Err(KillSwitchError::HaltIncomplete {
            state: State::Halting,
            last_error,
            ..
        }) => assert!(
            last_error.contains("1 orders still in flight"),
            "{last_error}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.state(), State::Halting, "gate stays closed");
    drop(stuck);
}
