//! Halting and flattening: cancel everything, close positions, verify.

mod plan;

use std::collections::BTreeSet;
use std::time::Duration;

use supreme_core::Symbol;

use crate::error::Error;
use crate::event::{Action, Event};
use crate::state::State;
use crate::switch::KillSwitch;
use crate::venue::{LeftHolding, Position, Venue, VenueError};
pub use plan::FlattenConfig;
use plan::close_orders;

/// How often and how patiently to retry venue calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per phase (at least 1).
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubled after each one.
    pub initial_backoff: Duration,
    /// The longest wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (from 1).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let shift = attempt.saturating_sub(1).min(20);
        self.initial_backoff
            .saturating_mul(1u32 << shift)
            .min(self.max_backoff)
    }
}

/// What the procedure does after a trip.
#[derive(Debug, Clone)]
pub struct HaltConfig {
    /// Retries for each phase.
    pub retry: RetryPolicy,
    /// Close positions too (`None`: cancel orders only).
    pub flatten: Option<FlattenConfig>,
    /// How long each cancel round waits for the orders already admitted by
    /// [`Gate::enter_order`](crate::Gate::enter_order) to be answered before
    /// it lists the venue (default 15 s, above a request's usual timeout). A
    /// round that still sees orders in flight is not clean.
    pub in_flight_wait: Duration,
}

impl Default for HaltConfig {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            flatten: None,
            in_flight_wait: Duration::from_secs(15),
        }
    }
}

/// What the procedure did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HaltReport {
    /// Open orders found on the first listing.
    pub orders_found: usize,
    /// Attempts in the cancel phase.
    pub cancel_attempts: u32,
    /// Non-zero positions found when flattening started.
    pub positions_found: usize,
    /// Attempts in the flatten phase.
    pub flatten_attempts: u32,
    /// Close orders sent.
    pub close_orders_sent: usize,
    /// Milliseconds from start to verified (by the switch's clock, monotonic).
    pub elapsed_ms: u64,
    /// Holdings the venue left on purpose (assets the bot does not trade,
    /// dust), with their amounts.
    pub left: Vec<LeftHolding>,
}

struct Outcome {
    clean: bool,
    orders: usize,
    positions: usize,
}

impl KillSwitch {
    /// Runs the procedure on a tripped switch: Halting (wait, bounded, for
    /// the orders already in flight, then cancel every open order, per
    /// symbol, until the venue lists none), then Flattening if
    /// configured (reduce-only orders in chunks until no position is left),
    /// then Halted. Venue errors are retried with backoff; each action and
    /// check is reported as an event. If a phase runs out of attempts the
    /// switch stays in that phase (gate closed) and this returns
    /// [`Error::HaltIncomplete`]; calling it again resumes.
    ///
    /// # Safety property: the halt owns its thread and its runtime
    ///
    /// The procedure always runs on a thread of its own (started here and
    /// joined before this returns), which drives the venue's futures on a
    /// current-thread tokio runtime built for this halt and dropped after
    /// it. No application runtime is involved, so a stalled one (workers
    /// stuck in a busy loop, a blocking call, a deadlock) cannot delay the
    /// cancels. This holds if the venue does not depend on the application's
    /// runtime either: give it its own HTTP client (see [`Venue`]). Called
    /// from inside a tokio runtime it still works (it never calls `block_on`
    /// there; the calling worker waits for the halt thread's join).
    ///
    /// The orders the venue sends from the halt thread (the close orders)
    /// pass the closed gate's [`enter_order`](crate::Gate::enter_order) and
    /// are not waited for.
    ///
    /// # Errors
    ///
    /// [`Error::HaltIncomplete`] and [`Error::WrongState`] as above;
    /// [`Error::Setup`] if the halt's thread or runtime cannot be started
    /// (nothing was sent: the gate stays closed).
    pub fn halt<V: Venue + ?Sized>(
        &self,
        venue: &V,
        config: &HaltConfig,
    ) -> Result<HaltReport, Error> {
        let setup = |detail: String| Error::Setup {
            what: "halt thread",
            detail,
        };
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .name("kill-switch-halt".into())
                .spawn_scoped(scope, || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| setup(format!("runtime: {e}")))?;
                    runtime.block_on(self.halt_here(venue, config))
                })
                .map_err(|e| setup(format!("spawn: {e}")))?;
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// The procedure, on the halt's thread and runtime.
    async fn halt_here<V: Venue + ?Sized>(
        &self,
        venue: &V,
        config: &HaltConfig,
    ) -> Result<HaltReport, Error> {
        let _exempt = self.gate().halt_scope();
        let started = self.clock().monotonic();
        let current = self.state();
        if current == State::Armed {
            return Err(Error::WrongState {
                expected: State::Tripped,
                actual: current,
            });
        }
        if current != State::Halting {
            self.transition(current, State::Halting)?;
        }
        let mut report = HaltReport::default();
        let (attempts, first) = self
            .phase(
                State::Halting,
                config,
                async |attempt, report| self.cancel_round(venue, config, attempt, report).await,
                &mut report,
            )
            .await?;
        report.cancel_attempts = attempts;
        report.orders_found = first;
        if let Some(flatten) = &config.flatten {
            self.transition(State::Halting, State::Flattening)?;
            let (attempts, first) = self
                .phase(
                    State::Flattening,
                    config,
                    async |attempt, report| {
                        self.flatten_round(venue, flatten, attempt, report).await
                    },
                    &mut report,
                )
                .await?;
            report.flatten_attempts = attempts;
            report.positions_found = first;
        }
        report.left = venue.left_alone();
        let from = self.state();
        self.transition(from, State::Halted)?;
        report.elapsed_ms =
            supreme_core::time::duration_ms(self.clock().monotonic().saturating_sub(started));
        Ok(report)
    }

    /// Runs rounds until one verifies clean. Returns (attempts, count seen
    /// on the first successful listing).
    async fn phase(
        &self,
        state: State,
        config: &HaltConfig,
        mut round: impl AsyncFnMut(u32, &mut HaltReport) -> Result<(Outcome, usize), VenueError>,
        report: &mut HaltReport,
    ) -> Result<(u32, usize), Error> {
        let max = config.retry.max_attempts.max(1);
        let mut first_seen = None;
        let mut last = (String::new(), 0, 0);
        for attempt in 1..=max {
            if self.state() != state {
                return Err(Error::WrongState {
                    expected: state,
                    actual: self.state(),
                });
            }
            match round(attempt, report).await {
                Ok((outcome, seen)) => {
                    first_seen.get_or_insert(seen);
                    self.emit(Event::Verified {
                        state,
                        open_orders: outcome.orders,
                        open_positions: outcome.positions,
                        clean: outcome.clean,
                    });
                    if outcome.clean {
                        return Ok((attempt, first_seen.unwrap_or(0)));
                    }
                    last = ("not clean".to_owned(), outcome.orders, outcome.positions);
                }
                Err(e) => last.0 = e.message,
            }
            if attempt < max {
                self.clock().sleep(config.retry.backoff(attempt));
            }
        }
        let err = Error::HaltIncomplete {
            state,
            attempts: max,
            open_orders: last.1,
            open_positions: last.2,
            last_error: last.0,
        };
        self.emit(Event::HaltIncomplete {
            state,
            detail: err.to_string(),
        });
        Err(err)
    }

    fn act<T>(
        &self,
        action: Action,
        attempt: u32,
        r: Result<T, VenueError>,
    ) -> Result<T, VenueError> {
        self.emit(Event::Action {
            action,
            attempt,
            outcome: r.as_ref().map(|_| ()).map_err(|e| e.message.clone()),
        });
        r
    }

    /// Waits for the orders in flight, lists orders, cancels every symbol
    /// that has some, lists again.
    async fn cancel_round<V: Venue + ?Sized>(
        &self,
        venue: &V,
        config: &HaltConfig,
        attempt: u32,
        _report: &mut HaltReport,
    ) -> Result<(Outcome, usize), VenueError> {
        let left = self.gate().drain(config.in_flight_wait);
        if left > 0 {
            return Err(VenueError::new(format!(
                "{left} orders still in flight after {:?}",
                config.in_flight_wait
            )));
        }
        let orders = self.act(Action::ListOpenOrders, attempt, venue.open_orders().await)?;
        let seen = orders.len();
        if orders.is_empty() {
            return Ok((
                Outcome {
                    clean: true,
                    orders: 0,
                    positions: 0,
                },
                0,
            ));
        }
        self.cancel_symbols(venue, attempt, orders.iter().map(|o| o.symbol).collect())
            .await;
        let after = self.act(Action::ListOpenOrders, attempt, venue.open_orders().await)?;
        let outcome = Outcome {
            clean: after.is_empty(),
            orders: after.len(),
            positions: 0,
        };
        Ok((outcome, seen))
    }

    async fn cancel_symbols<V: Venue + ?Sized>(
        &self,
        venue: &V,
        attempt: u32,
        symbols: BTreeSet<Symbol>,
    ) {
        for symbol in symbols {
            let r = venue.cancel_all(&symbol).await;
            // A failed cancel is reported; the verification decides.
            let _ = self.act(Action::CancelAll { symbol }, attempt, r);
        }
    }

    /// Cancels stray orders, sends close orders, checks both.
    async fn flatten_round<V: Venue + ?Sized>(
        &self,
        venue: &V,
        flatten: &FlattenConfig,
        attempt: u32,
        report: &mut HaltReport,
    ) -> Result<(Outcome, usize), VenueError> {
        let orders = self.act(Action::ListOpenOrders, attempt, venue.open_orders().await)?;
        self.cancel_symbols(venue, attempt, orders.iter().map(|o| o.symbol).collect())
            .await;
        let positions =
            open_positions(self.act(Action::ListPositions, attempt, venue.positions().await)?);
        let seen = positions.len();
        for position in &positions {
            for order in close_orders(position, flatten) {
                let action = Action::ClosePosition {
                    symbol: order.symbol(),
                    side: order.side(),
                    quantity: order.quantity(),
                    limit_price: order.limit_price(),
                };
                let r = venue.close_position(order).await;
                if self.act(action, attempt, r).is_ok() {
                    report.close_orders_sent += 1;
                }
            }
        }
        let after_orders = self.act(Action::ListOpenOrders, attempt, venue.open_orders().await)?;
        let after =
            open_positions(self.act(Action::ListPositions, attempt, venue.positions().await)?);
        let outcome = Outcome {
            clean: after.is_empty() && after_orders.is_empty(),
            orders: after_orders.len(),
            positions: after.len(),
        };
        Ok((outcome, seen))
    }
}

fn open_positions(all: Vec<Position>) -> Vec<Position> {
    all.into_iter().filter(|p| !p.quantity.is_zero()).collect()
}

#[cfg(test)]
mod tests;
