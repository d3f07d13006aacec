//! The only source of "now". Production uses the system clock; tests use [`ManualClock`] so
//! schedules can be driven instant by instant without sleeping for real time.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

/// Where every "now" in the program comes from.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Resolves once `now() >= at`. The manual clock resolves when a test advances past `at`.
    fn sleep_until(&self, at: DateTime<Utc>) -> futures::future::BoxFuture<'static, ()>;
}

/// A shareable clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// The wall clock of the machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> futures::future::BoxFuture<'static, ()> {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to: tests set it, and every sleeper wakes when its
/// instant is reached.
#[derive(Debug, Clone)]
pub struct ManualClock {
    tx: Arc<watch::Sender<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        let (tx, _rx) = watch::channel(start);
        Self { tx: Arc::new(tx) }
    }

    /// Moves the clock to `to` (never backwards) and wakes the sleepers that are due.
    pub fn set(&self, to: DateTime<Utc>) {
        self.tx.send_modify(|now| {
            if to > *now {
                *now = to;
            }
        });
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let to = *self.tx.borrow() + by;
        self.set(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.tx.borrow()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> futures::future::BoxFuture<'static, ()> {
        let mut rx = self.tx.subscribe();
        Box::pin(async move {
            // If the sender is gone the clock can never reach `at`: stay pending like time would.
            if rx.wait_for(|now| *now >= at).await.is_err() {
                futures::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_when_advanced() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).expect("valid");
        let clock = ManualClock::new(start);
        let sleeper = tokio::spawn(clock.sleep_until(start + Duration::minutes(5)));
        clock.advance(Duration::minutes(4));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::minutes(1));
        sleeper.await.expect("sleeper finishes");
        assert_eq!(clock.now(), start + Duration::minutes(5));
    }
}
