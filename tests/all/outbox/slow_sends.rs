//! Sends that take long: a send that outlasts its lease must not undo the delivery by the
//! process that took the row over, and a 429 that arrives late counts from its arrival.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use storeops::clock::Clock;
use storeops::outbox::{Dispatcher, SendError};
use storeops::store::outbox::Target;

use crate::support::outbox::{CH_A, GUILD, enqueue, message, run_due, transient};
use crate::support::store::outbox_row;
use crate::support::{PATIENCE, TestApp, eventually};

/// A sink whose every call waits for the test to say how it ends.
#[derive(Default)]
pub(super) struct GateSink {
    calls: Mutex<Vec<storeops::outbox::Outbound>>,
    gates: Mutex<
        std::collections::VecDeque<
            tokio::sync::oneshot::Receiver<Result<storeops::outbox::Delivered, SendError>>,
        >,
    >,
}

impl GateSink {
    /// Holds the next send until the test says how it ends through the returned sender.
    pub(super) fn gate(
        &self,
    ) -> tokio::sync::oneshot::Sender<Result<storeops::outbox::Delivered, SendError>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.gates.lock().unwrap().push_back(rx);
        tx
    }

    /// How many sends began.
    pub(super) fn calls(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl storeops::outbox::Sink for GateSink {
    async fn send(
        &self,
        msg: &storeops::outbox::Outbound,
    ) -> Result<storeops::outbox::Delivered, SendError> {
        self.calls.lock().unwrap().push(msg.clone());
        let gate = self.gates.lock().unwrap().pop_front();
        match gate {
            Some(rx) => rx
                .await
                .unwrap_or_else(|_| Err(transient("gate dropped", None))),
            None => Ok(storeops::outbox::Delivered {
                message_id: format!("gate-{}", msg.id),
            }),
        }
    }
}

/// Process A's lease runs out in the middle of a slow send; process B takes the row and
/// delivers it. A's late failure must not overwrite B's claim: the row ends `sent`, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_lease_ran_out_does_not_undo_the_new_owners_delivery() {
    let t = TestApp::new().await;
    let key = "slow:1";
    enqueue(
        &t.app,
        &message(GUILD, key, "slow", Target::Channel(CH_A), t.clock.now()),
    )
    .await;
    let sink = Arc::new(GateSink::default());
    let gate_a = sink.gate();
    let gate_b = sink.gate();
    let a = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("process-a"));
    let app_b = t.restart().await;
    let b = Arc::new(Dispatcher::new(&app_b, sink.clone()).with_owner("process-b"));

    let task_a = tokio::spawn({
        let a = a.clone();
        async move { a.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    t.clock.advance(t.app.config.outbox.lease);
    let task_b = tokio::spawn({
        let b = b.clone();
        async move { b.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 2).await);
    assert_eq!(
        outbox_row(&t.app, key).await.lease_owner.as_deref(),
        Some("process-b")
    );

    // A's send times out after all; then B's succeeds.
    gate_a
        .send(Err(transient("timed out", None)))
        .expect("a waiting");
    task_a.await.expect("a joins").expect("a's pass");
    gate_b
        .send(Ok(storeops::outbox::Delivered {
            message_id: "m-b".into(),
        }))
        .expect("b waiting");
    task_b.await.expect("b joins").expect("b's pass");

    assert_eq!(sink.calls(), 2, "not sent a third time");
    let r = outbox_row(&t.app, key).await;
    assert_eq!(
        (r.state.as_str(), r.platform_message_id.as_deref()),
        ("sent", Some("m-b")),
        "B delivered it; A's stale lease must not put it back in the queue: {r:?}"
    );
    t.clock.advance(Duration::hours(1));
    run_due(&b).await;
    assert_eq!(sink.calls(), 2, "not sent a third time");
}

/// A 429 that arrives well after the batch was claimed (a slow send, or pacing) is honoured
/// from when it arrived, not from the claim.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_counts_from_the_answer_not_from_the_claim() {
    let t = TestApp::new().await;
    let key = "paced:1";
    enqueue(
        &t.app,
        &message(GUILD, key, "paced", Target::Channel(CH_A), t.clock.now()),
    )
    .await;
    let sink = Arc::new(GateSink::default());
    let gate = sink.gate();
    let d = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("p"));
    let task = tokio::spawn({
        let d = d.clone();
        async move { d.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    t.clock.advance(Duration::seconds(20));
    let answered = t.clock.now();
    gate.send(Err(transient("HTTP 429", Some(StdDuration::from_secs(30)))))
        .expect("waiting");
    task.await.expect("joins").expect("pass");
    let r = outbox_row(&t.app, key).await;
    assert!(
        r.available_at >= answered + Duration::seconds(30),
        "retry at {} but the 429 came at {answered} asking for 30 s",
        r.available_at
    );
}

/// The lease the renewal tests give their dispatchers (manual clock); renewed every third of
/// it in real time.
const SHORT_LEASE_MS: i64 = 900;

/// A core whose outbox lease is [`SHORT_LEASE_MS`], with one row `key` due now.
async fn short_lease(key: &str) -> TestApp {
    let mut config = storeops::config::Config::defaults();
    config.activities.seed_defaults = false;
    config.outbox.lease = Duration::milliseconds(SHORT_LEASE_MS);
    let t = TestApp::with_config(config).await;
    enqueue(
        &t.app,
        &message(GUILD, key, "slow", Target::Channel(CH_A), t.clock.now()),
    )
    .await;
    t
}

/// A send that takes many leases keeps its claim: each time the clock has moved most of a
/// lease on, process A renews it, and process B, passing right then (past the lease A first
/// took), finds nothing to send. When A's send returns, the row is sent once, by A.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_send_keeps_its_claim_while_its_lease_is_renewed() {
    let key = "long:1";
    let t = short_lease(key).await;
    let lease = Duration::milliseconds(SHORT_LEASE_MS);
    let sink = Arc::new(GateSink::default());
    let gate = sink.gate();
    let a = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("process-a"));
    let app_b = t.restart().await;
    let b = Dispatcher::new(&app_b, sink.clone()).with_owner("process-b");
    let task_a = tokio::spawn({
        let a = a.clone();
        async move { a.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    let first_lease = outbox_row(&t.app, key).await.lease_until.expect("leased");

    // Six times two thirds of a lease: four leases in all.
    for step in 1..=6 {
        t.clock
            .advance(Duration::milliseconds(SHORT_LEASE_MS * 2 / 3));
        let now = t.clock.now();
        let renewed = async {
            for _ in 0..2000 {
                let r = outbox_row(&t.app, key).await;
                if r.lease_until.is_some_and(|u| u >= now + lease) {
                    return Some(r);
                }
                tokio::time::sleep(StdDuration::from_millis(5)).await;
            }
            None
        }
        .await
        .unwrap_or_else(|| panic!("step {step}: the lease was not renewed past {now}"));
        assert_eq!(renewed.lease_owner.as_deref(), Some("process-a"));
        assert_eq!(renewed.state, "sending");
        if now > first_lease {
            // Past the lease A first took: B would take the row, were it not renewed.
            let pass = run_due(&b).await;
            assert_eq!(pass.sent, 0, "step {step}: B took a renewed row");
            assert_eq!(sink.calls(), 1, "step {step}: sent a second time");
        }
    }

    gate.send(Ok(storeops::outbox::Delivered {
        message_id: "m-a".into(),
    }))
    .expect("a waiting");
    task_a.await.expect("a joins").expect("a's pass");
    let r = outbox_row(&t.app, key).await;
    assert_eq!(
        (r.state.as_str(), r.platform_message_id.as_deref()),
        ("sent", Some("m-a"))
    );
    assert_eq!(sink.calls(), 1);
}

/// Without renewal — process A froze in the middle of a send (its task stopped; a dead or
/// hung process) — the lease runs out and process B takes the row over and delivers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_whose_lease_is_not_renewed_is_taken_over_after_the_lease() {
    let key = "frozen:1";
    let t = short_lease(key).await;
    let lease = Duration::milliseconds(SHORT_LEASE_MS);
    let sink = Arc::new(GateSink::default());
    let _gate_a = sink.gate();
    let a = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("process-a"));
    let app_b = t.restart().await;
    let b = Dispatcher::new(&app_b, sink.clone()).with_owner("process-b");
    let task_a = tokio::spawn({
        let a = a.clone();
        async move { a.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    let leased = outbox_row(&t.app, key).await.lease_until.expect("leased");
    task_a.abort();
    let _ = task_a.await;
    // Longer than a renewal period of real time: nothing renews the lease any more.
    tokio::time::sleep(StdDuration::from_millis(SHORT_LEASE_MS as u64)).await;
    assert_eq!(outbox_row(&t.app, key).await.lease_until, Some(leased));

    // Just before the lease ends B does not take it; just after, it does.
    t.clock.set(leased - Duration::milliseconds(1));
    let pass = run_due(&b).await;
    assert_eq!(
        (pass.sent, sink.calls()),
        (0, 1),
        "taken before the lease ended"
    );
    t.clock.set(leased + lease / 10);
    let pass = run_due(&b).await;
    assert_eq!(
        (pass.sent, sink.calls()),
        (1, 2),
        "taken over after the lease"
    );
    let r = outbox_row(&t.app, key).await;
    assert_eq!(
        (r.state.as_str(), r.platform_message_id.as_deref()),
        ("sent", Some(&*format!("gate-{}", r.id)))
    );
}
