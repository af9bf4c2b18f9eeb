//! What an accepted order gets back: its reservation and the soft
//! thresholds it crossed.

use std::fmt;

use supreme_order_guard::Symbol;

use crate::{AccountId, LimitKind, Observed, Pct, Ratio, Scope, Warning};

/// A held reservation: fill, cancel or reject it through the book.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ReservationId {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

/// An accepted order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[must_use = "a reservation holds exposure until it is filled, cancelled or rejected"]
pub struct Accepted {
    /// The reservation.
    pub id: ReservationId,
    /// The order only reduces a position (accepted whatever the limits).
    pub reducing: bool,
    /// Soft thresholds crossed.
    pub warnings: Warnings,
}

/// The soft thresholds an order crossed: at most one share warning (a
/// position above its warning level) at each of the global, account and
/// symbol scopes, held inline and compact (the accept path copies it, so
/// it is kept small: no scope is stored twice).
///
/// ```
/// use supreme_order_guard::{Order, Side, Symbol};
/// use supreme_risk_limits::*;
///
/// let usdt = Asset::new("USDT")?;
/// let config = RiskConfig::new(usdt)?.with_limits(Scope::Global, LimitSet::SEED)?;
/// let book = RiskBook::new(config, FakeClock::new(0))?;
/// let btc = Symbol::new("BTCUSDT")?;
/// book.add_symbol(btc, Asset::new("BTC")?, usdt)?;
/// book.deposit(AccountId::new("main")?, usdt, "100000".parse()?)?;
/// book.set_mark(btc, "50000".parse()?)?;
/// book.start_fresh()?;
/// // 0.12 BTC = 6,000 = 6 % of equity: over the seed's 5 % warning level.
/// let ok = book.check_and_reserve(&Order::market(btc, Side::Buy, "0.12".parse()?))?;
/// let w: Vec<Warning> = ok.warnings.iter().collect();
/// assert_eq!((w.len(), w[0].scope, w[0].kind), (1, Scope::Global, LimitKind::Position));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Warnings {
    /// Per scope (global, account, symbol): the limit crossed, if one was,
    /// then its value and the share observed (zero where none was).
    kinds: [Option<LimitKind>; 3],
    shares: [(Pct, Ratio); 3],
    account: Option<AccountId>,
    symbol: Option<Symbol>,
}

impl Default for Warnings {
    fn default() -> Self {
        Self {
            kinds: [None; 3],
            shares: [(Pct::FULL, Ratio::ZERO); 3],
            account: None,
            symbol: None,
        }
    }
}

const GLOBAL: usize = 0;
const ACCOUNT: usize = 1;
const SYMBOL: usize = 2;

impl Warnings {
    /// Adds a share warning at the global, an account or a symbol scope
    /// (the scopes with share limits; a strategy has none). A second warning
    /// at the same scope replaces the first (the book raises at most one).
    pub(crate) fn push(&mut self, scope: Scope, kind: LimitKind, limit: Pct, observed: Ratio) {
        let at = match scope {
            Scope::Global => GLOBAL,
            Scope::Account(a) => {
                self.account = Some(a);
                ACCOUNT
            }
            Scope::Symbol(s) => {
                self.symbol = Some(s);
                SYMBOL
            }
            // `LimitSet::validate_for` refuses share limits at a strategy.
            Scope::Strategy(_) => return,
        };
        self.kinds[at] = Some(kind);
        self.shares[at] = (limit, observed);
    }

    /// The warnings: global, then account, then symbol scope.
    pub fn iter(&self) -> impl Iterator<Item = Warning> + '_ {
        self.kinds.iter().zip(self.shares).enumerate().filter_map(
            move |(at, (kind, (limit, observed)))| {
                let kind = (*kind)?;
                let scope = match at {
                    GLOBAL => Scope::Global,
                    ACCOUNT => Scope::Account(self.account?),
                    _ => Scope::Symbol(self.symbol?),
                };
                Some(Warning {
                    scope,
                    kind,
                    observed: Observed::Share { limit, observed },
                })
            },
        )
    }

    /// None crossed.
    pub fn is_empty(&self) -> bool {
        self.kinds.iter().all(Option::is_none)
    }
}

impl fmt::Debug for Warnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
