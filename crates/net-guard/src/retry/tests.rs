use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::*;

struct NoJitter;
impl Jitter for NoJitter {
    fn pick(&mut self, max_ms: u64) -> u64 {
        max_ms
    }
}

fn status(s: u16) -> Failure {
    Failure::Status {
        status: s,
        retry_after: None,
    }
}

#[tokio::test(start_paused = true)]
async fn idempotent_retries_with_backoff_until_success() {
    let calls = AtomicU32::new(0);
    let t = tokio::time::Instant::now();
    let r = run(
        &RetryPolicy::default(),
        &RequestKind::Idempotent,
        &mut NoJitter,
        |n| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move { if n < 4 { Err(status(503)) } else { Ok(n) } }
        },
    )
    .await;
    assert_eq!(r, Ok(4));
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    // 100 + 200 + 400 ms of back-off.
    assert_eq!(t.elapsed(), Duration::from_millis(700));
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let t = tokio::time::Instant::now();
    let r = run(
        &RetryPolicy::default(),
        &RequestKind::Idempotent,
        &mut NoJitter,
        |n| async move {
            if n == 1 {
                Err(Failure::Status {
                    status: 429,
                    retry_after: Some(Duration::from_secs(3)),
                })
            } else {
                Ok(())
            }
        },
    )
    .await;
    assert_eq!(r, Ok(()));
    assert_eq!(t.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn deadline_stops_retries() {
    let policy = RetryPolicy {
        deadline: Duration::from_secs(2),
        max_attempts: 100,
        ..RetryPolicy::default()
    };
    let r: Result<(), _> = run(
        &policy,
        &RequestKind::Idempotent,
        &mut NoJitter,
        |_| async { Err(Failure::Timeout) },
    )
    .await;
    assert!(matches!(r, Err(Error::RetriesExhausted { .. })), "{r:?}");
    assert!(tokio::time::Instant::now().elapsed() <= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn an_order_is_never_resent() {
    for failure in [
        Failure::Timeout,
        status(500),
        status(503),
        Failure::Broken("reset".into()),
    ] {
        let calls = AtomicU32::new(0);
        let kind = RequestKind::Order {
            client_order_id: "bot-42".into(),
        };
        let r: Result<(), _> = run(&RetryPolicy::default(), &kind, &mut NoJitter, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            let f = failure.clone();
            async move { Err(f) }
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        match r {
            Err(Error::OutcomeUnknown {
                client_order_id, ..
            }) => assert_eq!(client_order_id, "bot-42"),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn known_order_failures_are_plain_errors() {
    let kind = RequestKind::Order {
        client_order_id: "x".into(),
    };
    let r: Result<(), _> = run(&RetryPolicy::default(), &kind, &mut NoJitter, |_| async {
        Err(status(400))
    })
    .await;
    assert_eq!(
        r,
        Err(Error::Status {
            status: 400,
            retry_after: None
        })
    );
    let r: Result<(), _> = run(&RetryPolicy::default(), &kind, &mut NoJitter, |_| async {
        Err(Failure::Connect("refused".into()))
    })
    .await;
    // Not connected: certainly not sent, and said so.
    assert_eq!(r, Err(Error::Connect("refused".into())));
}

#[tokio::test]
async fn an_order_refused_after_it_was_answered_is_outcome_unknown() {
    let kind = RequestKind::Order {
        client_order_id: "cid-7".into(),
    };
    let hsts = || Error::Hsts {
        host: "h".into(),
        problem: "missing".into(),
    };
    let calls = AtomicU32::new(0);
    let r: Result<(), _> = run(&RetryPolicy::default(), &kind, &mut NoJitter, |_| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err(Failure::AfterSend(hsts())) }
    })
    .await;
    match r {
        Err(Error::OutcomeUnknown {
            client_order_id,
            reason,
        }) => {
            assert_eq!(client_order_id, "cid-7");
            assert!(reason.contains("HSTS"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "never re-sent");
    // A read refused after its answer is the refusal itself, not retried.
    let r: Result<(), _> = run(
        &RetryPolicy::default(),
        &RequestKind::Idempotent,
        &mut NoJitter,
        |_| async { Err(Failure::AfterSend(hsts())) },
    )
    .await;
    assert_eq!(r, Err(hsts()));
}

#[tokio::test(start_paused = true)]
async fn ban_and_client_errors_are_not_retried() {
    let calls = AtomicU32::new(0);
    let r: Result<(), _> = run(
        &RetryPolicy::default(),
        &RequestKind::Idempotent,
        &mut NoJitter,
        |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                Err(Failure::Status {
                    status: 418,
                    retry_after: Some(Duration::from_secs(600)),
                })
            }
        },
    )
    .await;
    assert_eq!(
        r,
        Err(Error::Banned {
            wait: Duration::from_secs(600)
        })
    );
    let r: Result<(), _> = run(
        &RetryPolicy::default(),
        &RequestKind::Idempotent,
        &mut NoJitter,
        |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(status(404)) }
        },
    )
    .await;
    assert_eq!(
        r,
        Err(Error::Status {
            status: 404,
            retry_after: None
        })
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn jitter_stays_in_range_and_caps_grow() {
    let mut j = SystemJitter::new();
    for max in [0u64, 1, 7, 1000] {
        for _ in 0..100 {
            assert!(j.pick(max) <= max);
        }
    }
    let p = RetryPolicy::default();
    assert_eq!(p.cap(1), Duration::from_millis(100));
    assert_eq!(p.cap(3), Duration::from_millis(400));
    assert_eq!(p.cap(30), Duration::from_secs(5));
}
