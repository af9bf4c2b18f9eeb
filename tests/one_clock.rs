//! One clock for every timed part. The gate's risk book (a losing-trade
//! cooldown), the exchange limiter behind it (a 10 s order window) and the
//! kill switch's dead-man trigger all read one `FakeClock`: a single
//! `advance` ends the cooldown and rolls the order window together, and the
//! next one rolls the window again and trips the dead-man. With one clock
//! per part, a test (or a bot) could move one and leave the others behind.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::num::{NonZeroU32, NonZeroU64};
use std::sync::Arc;
use std::time::Duration;

use supreme_security::core::{Clock, FakeClock};
use supreme_security::gate::{
    DecisionLog, Gate, GateBuilder, GateOptions, OrderStatus, Rejection, Report,
};
use supreme_security::kill_switch::triggers::DeadMansSwitch;
use supreme_security::kill_switch::{KillSwitch, Trigger};
use supreme_security::net_guard::ratelimit::{ExchangeLimiter, LimitKind, RateLimit};
use supreme_security::order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, Quantity, ReferencePrice,
    SAMPLE_EXCHANGE_INFO, Side, Symbol, Validator,
};
use supreme_security::risk_limits::{
    self as risk, AccountId, Asset, CooldownLimit, LimitSet, RiskBook, RiskConfig, Scope,
};

/// 2023-09-08T00:00:00Z: the limiter's windows align to wall-clock
/// boundaries, so the test starts on one.
const T0: u64 = 1_694_131_200_000;
const ORDER_WINDOW: Duration = Duration::from_secs(10);
const ORDERS_PER_WINDOW: u32 = 5;
const COOLDOWN: Duration = Duration::from_secs(10);
const DEAD_MAN_TIMEOUT: Duration = Duration::from_secs(15);

type Book = RiskBook<Arc<FakeClock>>;
type Limiter = ExchangeLimiter<Arc<FakeClock>>;

struct Bot {
    clock: Arc<FakeClock>,
    switch: KillSwitch,
    dead_man: DeadMansSwitch,
    limiter: Arc<Limiter>,
    gate: Gate<Book, Arc<Limiter>>,
}

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

/// Every part gets the same clock.
fn bot() -> Bot {
    let clock = Arc::new(FakeClock::new(T0));
    let switch = KillSwitch::builder().clock(clock.clone()).build();
    let dead_man = DeadMansSwitch::new(switch.clone(), DEAD_MAN_TIMEOUT);
    let limiter = Arc::new(
        ExchangeLimiter::new(
            vec![RateLimit::new(LimitKind::Orders, 10_000, ORDERS_PER_WINDOW).unwrap()],
            clock.clone(),
        )
        .unwrap(),
    );
    let usdt = Asset::new("USDT").unwrap();
    let cooldown = CooldownLimit::new(
        NonZeroU32::new(2).unwrap(),
        NonZeroU64::new(60_000).unwrap(),
        NonZeroU64::new(10_000).unwrap(),
    )
    .unwrap();
    let config = RiskConfig::new(usdt)
        .unwrap()
        .with_limits(
            Scope::Symbol(btc()),
            LimitSet {
                cooldown: Some(cooldown),
                ..LimitSet::default()
            },
        )
        .unwrap();
    let book = RiskBook::new(config, clock.clone()).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt)
        .unwrap();
    book.deposit(
        AccountId::new("main").unwrap(),
        usdt,
        "100000".parse().unwrap(),
    )
    .unwrap();
    book.set_mark(btc(), "25000".parse().unwrap()).unwrap();
    book.start_fresh().unwrap();
    let gate = GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: book,
        rate: limiter.clone(),
        decisions: Arc::new(DecisionLog::with_capacity(64)),
    }
    .build_with(GateOptions {
        clock: clock.clone(),
        ..GateOptions::default()
    })
    .unwrap();
    Bot {
        clock,
        switch,
        dead_man,
        limiter,
        gate,
    }
}

impl Bot {
    /// Sends 0.01 BTC through the gate at `price` and fills it at once; the
    /// order's context is read from the same clock.
    fn trade(&self, side: Side, price: &str) -> Result<(), Rejection<risk::Rejection>> {
        let now = self.clock.now_ms();
        let ctx = OrderContext::new(now)
            .with_reference(ReferencePrice {
                price: "25000".parse().unwrap(),
                observed_at_ms: now,
            })
            .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
        let qty = "0.01".parse().unwrap();
        let price = price.parse().unwrap();
        let approval = self
            .gate
            .check(&Order::limit(btc(), side, qty, price), &ctx)?;
        // Sent, and filled at once: the answer commits the reservation.
        let (sent, _permit) = approval.dispatch().unwrap();
        let quote = u128::from(qty.units()) * u128::from(price.units()) / 100_000_000;
        let quote = Quantity::from_units(u64::try_from(quote).unwrap());
        let filled = Report {
            status: OrderStatus::Filled,
            executed: qty,
            cumulative_quote: quote,
        };
        assert_eq!(sent.answered(filled).unwrap().filled, qty);
        self.gate.decisions().drain(|_| {});
        Ok(())
    }

    fn orders_in_window(&self) -> Option<u32> {
        self.limiter.used(LimitKind::Orders, 10_000)
    }
}

#[test]
fn one_fake_clock_moves_the_risk_cooldown_the_order_window_and_the_dead_man_together() {
    let bot = bot();
    bot.dead_man.beat();

    // Two losing round trips: the second loss starts the cooldown.
    for _ in 0..2 {
        bot.trade(Side::Buy, "25000").unwrap();
        bot.trade(Side::Sell, "24990").unwrap();
    }
    let cooling = bot.trade(Side::Buy, "25000").unwrap_err();
    assert!(
        matches!(
            cooling,
            Rejection::Risk(risk::Rejection::CoolingDown { until_ms, .. }) if until_ms == T0 + 10_000
        ),
        "{cooling:?}"
    );
    assert_eq!(bot.orders_in_window(), Some(4));
    assert!(bot.dead_man.check().is_none());

    // One step of the clock ends the cooldown and rolls the order window.
    bot.clock.advance(COOLDOWN.max(ORDER_WINDOW));
    assert_eq!(bot.orders_in_window(), Some(0));
    for _ in 0..ORDERS_PER_WINDOW {
        bot.trade(Side::Buy, "25000").unwrap();
    }
    let wait = match bot.trade(Side::Buy, "25000").unwrap_err() {
        Rejection::RateLimited(wait) => wait,
        other => panic!("expected the order window to be full, got {other:?}"),
    };
    assert!(wait > Duration::ZERO && wait <= ORDER_WINDOW, "{wait:?}");
    assert!(bot.dead_man.check().is_none(), "10 s of silence is alive");
    assert!(bot.switch.gate().is_open());

    // The next step rolls the window again and trips the silent strategy.
    bot.clock.advance(wait);
    bot.trade(Side::Buy, "25000").unwrap();
    let trip = bot.dead_man.check().expect("the dead-man trips");
    assert_eq!(trip.trigger, Trigger::HeartbeatLost);
    assert_eq!(
        trip.values["silent_ms"],
        (10_000 + wait.as_millis()).to_string()
    );
    assert!(matches!(
        bot.trade(Side::Buy, "25000"),
        Err(Rejection::Halted(_))
    ));
}
