//! What this process knows about its own troubles, for logs and `/status`: a full disk (since
//! when), and the scheduled jobs that keep failing (why, and when they are tried again). Each
//! trouble is logged once when it starts and once when it is over, never on every attempt.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::message::Target;
use crate::store::StoreError;

/// A job that failed and waits for its next try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobTrouble {
    /// When it first failed (in this run of failures).
    pub since: DateTime<Utc>,
    /// Failures in a row.
    pub failures: u32,
    /// Not tried again before this.
    pub retry_at: DateTime<Utc>,
    /// The last error.
    pub error: String,
}

/// A channel (or DM) whose recent messages the bot could not read when it had to check
/// whether a message whose send outcome was lost had gone through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryTrouble {
    pub target: Target,
    /// Since when (in this run of failures).
    pub since: DateTime<Utc>,
    /// The platform's answer.
    pub error: String,
    /// True when the platform refused for good (no access): such messages are sent again
    /// unchecked; false for a passing failure, after which they wait and the read is tried
    /// again.
    pub refused: bool,
}

#[derive(Debug, Default)]
struct State {
    disk_full_since: Option<DateTime<Utc>>,
    /// A full disk that is over and not yet told to the escalation channels: (since, until).
    disk_full_untold: Option<(DateTime<Utc>, DateTime<Utc>)>,
    jobs: BTreeMap<&'static str, JobTrouble>,
    history: BTreeMap<(u8, u64), HistoryTrouble>,
}

fn target_key(t: Target) -> (u8, u64) {
    match t {
        Target::Channel(id) => (0, id),
        Target::User(id) => (1, id),
    }
}

/// The troubles of this process; shared by every clone of the `App`.
#[derive(Debug, Default)]
pub struct Health {
    state: Mutex<State>,
}

/// The first retry of a failed job comes after this; each further failure doubles it.
const JOB_BACKOFF_BASE: i64 = 30;
/// ... up to this.
const JOB_BACKOFF_MAX: i64 = 30 * 60;

impl Health {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes a database error: a full disk is logged once, when it starts.
    pub fn store_failed(&self, e: &StoreError, now: DateTime<Utc>) {
        if !e.is_disk_full() {
            return;
        }
        let mut s = self.lock();
        if s.disk_full_since.is_none() {
            s.disk_full_since = Some(now);
            tracing::error!(
                error = %e,
                "the database's disk is full: nothing new can be saved and reminders wait until space is freed"
            );
        }
    }

    /// Notes a write that went through: a full disk is over (logged once).
    pub fn write_succeeded(&self, now: DateTime<Utc>) {
        let mut s = self.lock();
        if let Some(since) = s.disk_full_since.take() {
            s.disk_full_untold = Some((since, now));
            tracing::warn!(
                full_for_s = (now - since).num_seconds(),
                "the database's disk has space again; carrying on"
            );
        }
    }

    /// A full disk that is over, to be told to the escalation channels once (taken).
    pub fn take_disk_full_untold(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.lock().disk_full_untold.take()
    }

    /// Puts back a full disk that could not be told (the report's write failed).
    pub fn keep_disk_full_untold(&self, span: (DateTime<Utc>, DateTime<Utc>)) {
        self.lock().disk_full_untold.get_or_insert(span);
    }

    /// Since when the disk has been full, if it is.
    pub fn disk_full_since(&self) -> Option<DateTime<Utc>> {
        self.lock().disk_full_since
    }

    /// Whether job `name` may run at `now` (it is not waiting for a retry).
    pub fn job_may_run(&self, name: &str, now: DateTime<Utc>) -> bool {
        self.lock().jobs.get(name).is_none_or(|t| t.retry_at <= now)
    }

    /// When failed job `name` is tried again, if it failed.
    pub fn job_retry_at(&self, name: &str) -> Option<DateTime<Utc>> {
        self.lock().jobs.get(name).map(|t| t.retry_at)
    }

    /// Notes that job `name` failed at `now`; returns when it is tried again. Logged once when
    /// the job starts failing (then at debug level).
    pub fn job_failed(
        &self,
        name: &'static str,
        error: String,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let mut s = self.lock();
        let entry = s.jobs.entry(name).or_insert_with(|| {
            tracing::error!(job = name, error = %error, "a scheduled job failed; it is retried with backoff, the others carry on");
            JobTrouble {
                since: now,
                failures: 0,
                retry_at: now,
                error: error.clone(),
            }
        });
        entry.failures += 1;
        let wait = JOB_BACKOFF_BASE
            .saturating_mul(1_i64 << (entry.failures - 1).min(16))
            .min(JOB_BACKOFF_MAX);
        entry.retry_at = now + Duration::seconds(wait);
        if entry.error != error {
            tracing::debug!(job = name, error = %error, "the job failed again");
        }
        entry.error = error;
        entry.retry_at
    }

    /// Notes that job `name` ran through (logged once when it had been failing).
    pub fn job_succeeded(&self, name: &str) {
        if let Some(t) = self.lock().jobs.remove(name) {
            tracing::warn!(
                job = name,
                failures = t.failures,
                "a failing job works again"
            );
        }
    }

    /// The jobs failing now, by name.
    pub fn failing_jobs(&self) -> Vec<(&'static str, JobTrouble)> {
        self.lock()
            .jobs
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }

    /// Notes that the recent messages of `target` could not be read (logged once, when it
    /// starts or when the error changes).
    pub fn history_failed(&self, target: Target, error: String, refused: bool, now: DateTime<Utc>) {
        let mut s = self.lock();
        let entry = s
            .history
            .entry(target_key(target))
            .or_insert_with(|| HistoryTrouble {
                target,
                since: now,
                error: String::new(),
                refused,
            });
        if entry.error != error {
            tracing::error!(?target, error = %error, refused, "outbox: cannot read the recent messages to check whether a message whose send was cut off went through");
        }
        entry.error = error;
        entry.refused = refused;
    }

    /// Notes that the recent messages of `target` were read (logged once when they could not
    /// be before).
    pub fn history_read(&self, target: Target) {
        if self.lock().history.remove(&target_key(target)).is_some() {
            tracing::warn!(?target, "outbox: the recent messages can be read again");
        }
    }

    /// The targets whose recent messages could not be read the last time they had to be.
    pub fn history_troubles(&self) -> Vec<HistoryTrouble> {
        self.lock().history.values().cloned().collect()
    }
}
