//! Settling the gate's live orders from the exchange, async, under both
//! runtime flavors: one order whose answer was lost
//! (`reconcile_order`), and at start-up every order the journal says the
//! last run sent without an answer (`recover`).

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use support::*;
use supreme_binance::{Error, Reconciled};
use supreme_gate::LiveStatus;
use supreme_kill_switch::KillSwitch;
use supreme_testkit::binance::Faults;

flavors! {
    async fn a_lost_answer_is_settled_by_reconcile_order() {
        let (sim, _server, client) = setup();
        let client = client.with_recv_window_ms(500);
        let gate = gate_on(&KillSwitch::builder().build());
        sim.set_faults(Faults {
            drop_after_accept: 1,
            ..Faults::default()
        });
        let err = client
            .place_order(approve_with(&gate, order("rec-1")))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        let live = gate.live_orders()[0];
        assert_eq!(live.status, LiveStatus::Unknown);
        match client.reconcile_order(&gate, &live).await.unwrap() {
            Reconciled::Found(state) => assert_eq!(state.status, "NEW"),
            Reconciled::NotFound => panic!("the order was accepted"),
        }
        assert_eq!(gate.live_orders()[0].status, LiveStatus::Open);
        assert_eq!(sim.orders().len(), 1, "never re-sent");
    }

    async fn recover_cancels_what_the_last_run_left_resting() {
        let (sim, _server, client) = setup();
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("live.journal");
        {
            let gate = gate_journaled(&KillSwitch::builder().build(), &journal).unwrap();
            gate.mark_reconciled().unwrap();
            sim.set_faults(Faults {
                drop_after_accept: 1,
                ..Faults::default()
            });
            let err = client
                .place_order(approve_with(&gate, order("last-run-1")))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        }
        // The next run, on the same journal.
        let gate = gate_journaled(&KillSwitch::builder().build(), &journal).unwrap();
        assert_eq!(gate.pending().len(), 1);
        assert!(gate.mark_reconciled().is_err(), "closed until recovered");
        let recovery = client.recover(&gate).await.unwrap();
        assert_eq!(recovery.cancelled.len(), 1, "{recovery:?}");
        assert_eq!(recovery.cancelled[0].client_order_id, "last-run-1");
        assert!(gate.live_orders().is_empty());
        gate.mark_reconciled().unwrap();
        assert!(sim.open_orders().is_empty());
        assert_eq!(sim.orders().len(), 1, "never re-sent");
    }
}
