use supreme_core::{Price, Quantity, Side, Symbol};

use super::*;
use crate::venue::CloseOrder;

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn p(s: &str) -> Price {
    s.parse().unwrap()
}

fn position(symbol: &str, side: Side, quantity: &str, mark: &str) -> Position {
    Position {
        symbol: Symbol::new(symbol).unwrap(),
        side,
        quantity: q(quantity),
        mark_price: p(mark),
    }
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
    let cfg = FlattenConfig::new(25, q("0.4")).unwrap();
    let long = position("BTCUSDT", Side::Buy, "1", "20000");
    let orders = close_orders(&long, &cfg);
    let qty: Vec<Quantity> = orders.iter().map(CloseOrder::quantity).collect();
    assert_eq!(qty, [q("0.4"), q("0.4"), q("0.2")]);
    assert!(
        orders
            .iter()
            .all(|o| o.side() == Side::Sell && o.reduce_only() && o.limit_price() == p("19950"))
    );

    let short = position("ETHUSDT", Side::Sell, "0.3", "1000");
    let orders = close_orders(&short, &cfg);
    assert_eq!(orders.len(), 1);
    assert_eq!(
        (
            orders[0].side(),
            orders[0].quantity(),
            orders[0].limit_price()
        ),
        (Side::Buy, q("0.3"), p("1002.5"))
    );

    let flat = position("XUSDT", Side::Buy, "0", "1");
    assert!(close_orders(&flat, &cfg).is_empty());
}

#[test]
fn slippage_bound_past_eight_decimals_rounds_toward_the_mark() {
    // 0.00001234 × (1 ∓ 1 %) needs ten decimals; the bound is rounded to
    // 10⁻⁸ on the side that keeps it within the configured slippage.
    let cfg = FlattenConfig::new(100, q("1000000")).unwrap();
    let long = position("PEPEUSDT", Side::Buy, "500000", "0.00001234");
    let sell = close_orders(&long, &cfg);
    assert_eq!(sell[0].limit_price(), p("0.00001222")); // 0.0000122166 up
    let short = position("PEPEUSDT", Side::Sell, "500000", "0.00001234");
    let buy = close_orders(&short, &cfg);
    assert_eq!(buy[0].limit_price(), p("0.00001246")); // 0.0000124634 down
}

#[test]
fn a_bound_beyond_the_largest_price_plans_no_order() {
    let cfg = FlattenConfig::new(100, q("1")).unwrap();
    let short = Position {
        mark_price: Price::MAX,
        ..position("BTCUSDT", Side::Sell, "1", "1")
    };
    assert!(close_orders(&short, &cfg).is_empty());
}

#[test]
fn flatten_config_rejects_nonsense() {
    assert!(FlattenConfig::new(10, Quantity::ZERO).is_err());
    assert!(FlattenConfig::new(10_000, q("1")).is_err());
    assert!(FlattenConfig::new(9_999, q("1")).is_ok());
}

#[test]
fn halt_on_an_armed_switch_is_refused() {
    struct Never;
    impl Venue for Never {
        async fn open_orders(&self) -> Result<Vec<crate::venue::OpenOrder>, VenueError> {
            unreachable!()
        }
        async fn cancel_all(&self, _: &Symbol) -> Result<(), VenueError> {
            unreachable!()
        }
        async fn positions(&self) -> Result<Vec<Position>, VenueError> {
            unreachable!()
        }
        async fn close_position(&self, _: crate::venue::CloseOrder) -> Result<(), VenueError> {
            unreachable!()
        }
    }
    let s = KillSwitch::builder().build();
    assert!(matches!(
        s.halt(&Never, &HaltConfig::default()),
        Err(Error::WrongState {
            actual: State::Armed,
            ..
        })
    ));
}

#[test]
fn halt_with_an_order_still_in_flight_past_the_bound_is_not_verified() {
    struct Unreachable;
    impl Venue for Unreachable {
        async fn open_orders(&self) -> Result<Vec<crate::venue::OpenOrder>, VenueError> {
            panic!("listed while an order was in flight")
        }
        async fn cancel_all(&self, _: &Symbol) -> Result<(), VenueError> {
            panic!("cancelled while an order was in flight")
        }
        async fn positions(&self) -> Result<Vec<Position>, VenueError> {
            panic!("positions listed while an order was in flight")
        }
        async fn close_position(&self, _: crate::venue::CloseOrder) -> Result<(), VenueError> {
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
        Err(Error::HaltIncomplete {
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
