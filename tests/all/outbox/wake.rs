//! A running dispatcher sleeps until the earliest row (no polling tick), wakes for a new row
//! due sooner, and stops when its shutdown sender goes away.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use storeops::app::App;
use storeops::clock::{Clock, ManualClock};
use storeops::store::outbox::Target;

use crate::support::outbox::{CH_A, CH_B, GUILD, dispatcher, enqueue, message};
use crate::support::store::outbox_row;
use crate::support::{PATIENCE, RecordingSink, TestApp, eventually};

/// The manual clock, remembering every instant the dispatcher goes to sleep until.
#[derive(Clone)]
struct SpyClock {
    inner: ManualClock,
    sleeps: Arc<Mutex<Vec<DateTime<Utc>>>>,
}

impl Clock for SpyClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> futures::future::BoxFuture<'static, ()> {
        self.sleeps.lock().unwrap().push(at);
        self.inner.sleep_until(at)
    }
}

impl SpyClock {
    /// Every instant the dispatcher went to sleep until, in order.
    fn sleeps(&self) -> Vec<DateTime<Utc>> {
        self.sleeps.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn running_dispatcher_sleeps_until_the_earliest_row_and_wakes_for_a_new_one() {
    let t = TestApp::new().await;
    let spy = SpyClock {
        inner: t.clock.clone(),
        sleeps: Arc::default(),
    };
    let app = App::new(
        t.app.store.clone(),
        Arc::new(spy.clone()),
        t.app.config.clone(),
    );
    let sink = RecordingSink::new();
    let d = Arc::new(dispatcher(&app, &sink, "p"));
    // Before any row, it sleeps until the first job (a backup); whether that sleep comes before
    // the first row is queued depends on which task runs first.
    let job = storeops::app::jobs::next_due(&app).await.expect("next job");
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(d.clone().run(stop_rx));

    let now = t.clock.now();
    let later = now + Duration::hours(1);
    enqueue(
        &app,
        &message(GUILD, "later", "w", Target::Channel(CH_A), later),
    )
    .await;
    app.outbox_wake.notify_one();
    assert!(
        eventually(PATIENCE, || spy.sleeps().contains(&later)).await,
        "sleeps until the row due in 1 h: {:?}",
        spy.sleeps()
    );

    // A new row due sooner wakes it, and it sleeps until that one instead.
    let soon = now + Duration::minutes(10);
    enqueue(
        &app,
        &message(GUILD, "soon", "w", Target::Channel(CH_B), soon),
    )
    .await;
    app.outbox_wake.notify_one();
    assert!(
        eventually(PATIENCE, || spy.sleeps().last() == Some(&soon)).await,
        "sleeps until the row due in 10 min: {:?}",
        spy.sleeps()
    );
    assert!(sink.calls().is_empty(), "nothing sent before it is due");

    t.clock.advance(Duration::minutes(10));
    assert!(
        eventually(PATIENCE, || sink.calls().len() == 1).await,
        "the row due in 10 min was not sent"
    );
    assert_eq!(sink.calls()[0].dedupe_key, "soon");
    assert!(
        eventually(PATIENCE, || spy.sleeps().last() == Some(&later)).await,
        "back to sleep until the next row: {:?}",
        spy.sleeps()
    );
    // Every sleep is until a row's or the job's instant: no polling tick.
    assert!(
        spy.sleeps()
            .iter()
            .all(|s| *s == soon || *s == later || Some(*s) == job),
        "sleeps until {soon}, {later} or the job's {job:?} only: {:?}",
        spy.sleeps()
    );

    t.clock.set(later);
    assert!(eventually(PATIENCE, || sink.calls().len() == 2).await);

    stop.send(true).expect("dispatcher listening");
    tokio::time::timeout(PATIENCE, task)
        .await
        .expect("stops on shutdown")
        .expect("no panic");
    assert_eq!(outbox_row(&app, "soon").await.state, "sent");
    assert_eq!(outbox_row(&app, "later").await.state, "sent");
}

/// Dropping the shutdown sender (the owner went away) stops the dispatcher instead of making
/// it spin on `changed()` errors.
#[tokio::test]
async fn dispatcher_stops_when_the_shutdown_sender_is_dropped() {
    let t = TestApp::new().await;
    let sink = RecordingSink::new();
    let d = Arc::new(dispatcher(&t.app, &sink, "p"));
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(d.run(stop_rx));
    drop(stop);
    let ended = tokio::time::timeout(StdDuration::from_secs(5), task).await;
    assert!(
        ended.is_ok(),
        "the dispatcher kept looping with no shutdown sender"
    );
}
