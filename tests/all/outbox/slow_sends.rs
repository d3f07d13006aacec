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
