//! The one test support module: every helper more than one test file needs lives here, once.
//!
//! This file: a whole core on a temporary database with a manual clock ([`TestApp`]), a
//! recording sink standing in for a chat platform, and waiting on background work. The rest,
//! by what it is for:
//! - [`time`]: instants as the tests write and read them (Asia/Shanghai local time, UTC).
//! - [`shell`]: driving the core through the shell as people type, and the people who type.
//! - [`core`]: calling the core directly (actors, origins, option values).
//! - [`sent`]: reading what the bot sent on its own out of the shell's output.
//! - [`store`]: typed read-backs of what the core stored (tasks, complaints, outbox rows).
//! - [`figures`]: the daily-data fixture the data and summary tests share.
//! - [`outbox`]: queueing outbox rows and running a dispatcher by hand.
//! - [`e2e`]: the bot running against the fake Discord, and reading what Discord got.

pub mod core;
pub mod e2e;
pub mod figures;
pub mod outbox;
pub mod sent;
pub mod shell;
pub mod store;
pub mod time;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use storeops::adapters::shell::Shell;
use storeops::app::{Actor, App};
use storeops::clock::ManualClock;
use storeops::config::Config;
use storeops::outbox::{Delivered, Outbound, SendError, Sink};
use storeops::store::Store;
use tempfile::TempDir;

/// Real-time bound for background work and network events (never a schedule: schedules move
/// with the manual clock).
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);

/// A core on a fresh database file.
pub struct TestApp {
    pub app: App,
    pub clock: ManualClock,
    pub dir: TempDir,
}

/// 2026-11-23 01:00 UTC = Monday 09:00 in Asia/Shanghai.
pub fn start_instant() -> DateTime<Utc> {
    "2026-11-23T01:00:00Z".parse().expect("valid instant")
}

impl TestApp {
    /// A core with the shipped configuration (its guilds get the default activities).
    pub async fn new() -> TestApp {
        Self::with_config(Config::defaults()).await
    }

    /// A core whose guilds get none of the shipped activities and holidays, so only what the
    /// test itself adds reminds, and only its own data is in the outbox and the summaries.
    pub async fn quiet() -> TestApp {
        let mut config = Config::defaults();
        config.activities.seed_defaults = false;
        Self::with_config(config).await
    }

    /// A core with the test's configuration (its database path is the test's own).
    pub async fn with_config(mut config: Config) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        config.database.path = dir.path().join("test.db");
        config.outbox.per_channel_interval = chrono::Duration::zero();
        let store = Store::open(&config.database.path, config.database.busy_timeout)
            .await
            .expect("open store");
        let clock = ManualClock::new(start_instant());
        let app = App::new(store, Arc::new(clock.clone()), Arc::new(config));
        TestApp { app, clock, dir }
    }

    /// A quiet core ([`TestApp::quiet`]) whose database may not grow past `pages` pages
    /// (`PRAGMA max_page_count` on every connection): a disk that can fill up, for real.
    pub async fn with_page_limit(pages: u32) -> TestApp {
        let mut config = Config::defaults();
        config.activities.seed_defaults = false;
        let dir = tempfile::tempdir().expect("temp dir");
        config.database.path = dir.path().join("test.db");
        config.outbox.per_channel_interval = chrono::Duration::zero();
        let options = Store::options(&config.database.path, config.database.busy_timeout)
            .expect("options")
            .pragma("max_page_count", pages.to_string());
        let store = Store::connect(options).await.expect("open store");
        let clock = ManualClock::new(start_instant());
        let app = App::new(store, Arc::new(clock.clone()), Arc::new(config));
        TestApp { app, clock, dir }
    }

    /// The manual clock's "now".
    pub fn clock_now(&self) -> DateTime<Utc> {
        use storeops::clock::Clock;
        self.clock.now()
    }

    /// Reopens the same database file as a new process would (a restart).
    pub async fn restart(&self) -> App {
        let config = (*self.app.config).clone();
        let store = Store::open(&config.database.path, config.database.busy_timeout)
            .await
            .expect("reopen store");
        App::new(store, Arc::new(self.clock.clone()), Arc::new(config))
    }

    /// A shell typing as `name` with the given positions (e.g. "manager,customer-service").
    pub async fn shell(&self, name: &str, positions: &str, locale: &str) -> Shell {
        let mut actor = Actor::new(storeops::adapters::shell::shell_id(name), name);
        actor.positions = storeops::adapters::shell::parse_positions(positions);
        actor.locale = Some(locale.parse().expect("locale"));
        Shell::new(self.app.clone(), actor, Some(self.clock.clone()))
            .await
            .expect("shell")
    }
}

/// What the recording sink should answer to the next sends.
#[derive(Debug, Clone)]
pub enum Script {
    Ok,
    Fail(SendError),
    /// Deliver (the platform has the message) but then fail, as if the process died before
    /// recording it.
    #[allow(dead_code)]
    DeliverThenFail,
    /// Deliver (the platform has the message), then never return: the dispatcher's task is
    /// stuck inside the send until the test aborts it, which models a process that dies after
    /// the platform accepted the message but before the outbox recorded it (the row stays
    /// `sending` with its lease).
    DeliverThenHang,
}

/// A sink that records every send, honours nonces like Discord (the same nonce returns the
/// first message and creates none), and can be scripted to fail.
#[derive(Default, Clone)]
pub struct RecordingSink {
    pub inner: Arc<Mutex<SinkState>>,
}

#[derive(Default)]
pub struct SinkState {
    /// Every call, in order.
    pub calls: Vec<Outbound>,
    /// Messages that exist on the platform, by nonce (one per nonce).
    pub messages: Vec<Outbound>,
    pub by_nonce: HashMap<String, String>,
    pub script: Vec<Script>,
    /// Whether the platform can be asked what it shows ([`RecordingSink::with_history`]), and
    /// how such a read ends.
    pub history: Option<Result<(), SendError>>,
    /// Reads of what the platform shows.
    pub history_reads: usize,
}

impl RecordingSink {
    /// A sink that delivers everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// A platform whose messages can be read back (like Discord's Get Channel Messages), so
    /// the dispatcher can check a send whose outcome was lost.
    pub fn with_history(self) -> Self {
        self.inner.lock().unwrap().history = Some(Ok(()));
        self
    }

    /// Reads of what the platform shows end with `e` from now on (`None`: they work again).
    pub fn fail_history(&self, e: Option<SendError>) {
        self.inner.lock().unwrap().history = Some(e.map_or(Ok(()), Err));
    }

    /// Reads of what the platform shows so far.
    pub fn history_reads(&self) -> usize {
        self.inner.lock().unwrap().history_reads
    }

    /// The platform's nonce window passes: a resend with a nonce seen before posts a second
    /// message.
    pub fn forget_nonces(&self) {
        self.inner.lock().unwrap().by_nonce.clear();
    }

    /// How the next sends end, in order (then they succeed).
    pub fn script(&self, steps: Vec<Script>) {
        self.inner.lock().unwrap().script = steps;
    }

    /// Every send, in order (a resend with the same nonce too).
    pub fn calls(&self) -> Vec<Outbound> {
        self.inner.lock().unwrap().calls.clone()
    }

    /// The messages the platform shows (one per nonce).
    pub fn messages(&self) -> Vec<Outbound> {
        self.inner.lock().unwrap().messages.clone()
    }
}

#[async_trait]
impl Sink for RecordingSink {
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        let (step, id) = {
            let mut s = self.inner.lock().unwrap();
            s.calls.push(msg.clone());
            let step = if s.script.is_empty() {
                Script::Ok
            } else {
                s.script.remove(0)
            };
            if let Script::Fail(e) = step {
                return Err(e);
            }
            let id = match s.by_nonce.get(&msg.nonce) {
                Some(id) => id.clone(),
                None => {
                    let id = recorded_id(s.messages.len());
                    s.by_nonce.insert(msg.nonce.clone(), id.clone());
                    s.messages.push(msg.clone());
                    id
                }
            };
            (step, id)
        };
        match step {
            Script::DeliverThenFail => Err(SendError::Transient {
                reason: "process died after sending".into(),
                retry_after: None,
            }),
            Script::DeliverThenHang => futures::future::pending().await,
            _ => Ok(Delivered { message_id: id }),
        }
    }

    async fn posted_since(
        &self,
        target: storeops::store::outbox::Target,
        _since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Vec<storeops::outbox::Posted>>, SendError> {
        let mut s = self.inner.lock().unwrap();
        match s.history.clone() {
            None => Ok(None),
            Some(Err(e)) => Err(e),
            Some(Ok(())) => {
                s.history_reads += 1;
                Ok(Some(
                    s.messages
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.target == target)
                        .map(|(i, m)| storeops::outbox::Posted {
                            id: recorded_id(i),
                            fingerprint: shown(m),
                        })
                        .collect(),
                ))
            }
        }
    }

    fn fingerprints(&self, msg: &Outbound) -> Vec<String> {
        vec![shown(msg)]
    }
}

/// The id the recording sink gives its `i`th message.
fn recorded_id(i: usize) -> String {
    format!("m{}", i + 1)
}

/// What a message recorded by the sink shows, for matching (not its footer).
fn shown(m: &Outbound) -> String {
    format!(
        "{:?}|{:?}|{:?}",
        m.reply.title, m.reply.lines, m.reply.fields
    )
}

/// Waits (up to `limit` of real time, polling every few milliseconds) until `done` holds.
/// For work a background task does on its own; never for a schedule (move the manual clock).
pub async fn eventually(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    eventually_some(limit, || done().then_some(()))
        .await
        .is_some()
}

/// Like [`eventually`], for a check that finds something: polls `found` (up to `limit` of real
/// time) until it gives a value, and returns it (`None` when time ran out).
pub async fn eventually_some<T>(
    limit: std::time::Duration,
    mut found: impl FnMut() -> Option<T>,
) -> Option<T> {
    tokio::time::timeout(limit, async {
        loop {
            if let Some(v) = found() {
                return v;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    })
    .await
    .ok()
}

impl RecordingSink {
    /// How many times each dedupe key was sent.
    pub fn calls_per_key(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for c in &self.inner.lock().unwrap().calls {
            *out.entry(c.dedupe_key.clone()).or_insert(0) += 1;
        }
        out
    }

    /// The calls to one target.
    pub fn calls_to(&self, target: storeops::store::outbox::Target) -> Vec<Outbound> {
        self.inner
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| c.target == target)
            .cloned()
            .collect()
    }
}

/// The number of cases a property test runs: `STOREOPS_MODEL_CASES`, else `default` (CI).
pub fn model_cases(default: u32) -> u32 {
    std::env::var("STOREOPS_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `fut` to its end on a runtime of two worker threads, as the bot runs: for the property
/// tests, whose cases are plain functions.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(fut)
}
