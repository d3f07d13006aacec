//! The dispatcher: sleeps until the earliest due outbox row (or until woken by a new one),
//! claims due rows with a lease, sends them through the [`Sink`], and records the result.
//! Transient failures are retried with exponential backoff and jitter; permanent ones fail the
//! row at once and are reported once to the guild's escalation channel. Rows that came due
//! while the bot was down are sent late within the grace window, or skipped and listed in one
//! digest per channel.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures::{FutureExt, StreamExt};
use rand::Rng;
use tokio::sync::{Mutex, Notify, watch};

use super::reconcile::{self, Decision};
use super::sink::{Delivered, SendError, Sink};
use crate::app::App;
use crate::clock::SharedClock;
use crate::config::{Config, OutboxConfig};
use crate::i18n::{Locale, duration_text};
use crate::message::{self, Reply, Severity};
use crate::store::outbox::{self, Batch, Claimed, NewMessage, SentRecord, Target};
use crate::store::settings::{self, GuildSettings};
use crate::store::{Store, StoreResult, ms};
use crate::tr;

/// A row sent more than this after its due time carries a "sent late" note.
const LATE_NOTE_AFTER: i64 = 60;

/// How many skipped messages a digest lists by name.
const DIGEST_LISTED: usize = 50;

/// How long completions are gathered after the first one before they are recorded together.
const COLLECT_FOR: std::time::Duration = std::time::Duration::from_millis(5);

/// After a full disk, delivery waits until the database has room for this much again (about
/// the size of a busy pass's writes).
const ROOM_PROBE_BYTES: i64 = 64 * 1024;

/// A row failed for good, as its report names it.
struct FailedRow<'a> {
    id: i64,
    guild_id: u64,
    source: &'a str,
    target: Option<Target>,
    title: String,
}

/// Source of the rows the dispatcher itself creates (digests, failure reports); they are never
/// reported in turn, so a broken escalation channel cannot cause a loop.
pub const SOURCE_DISPATCHER: &str = "outbox";

/// Delivers outbox rows; several may run on one database.
pub struct Dispatcher {
    app: App,
    store: Store,
    clock: SharedClock,
    sink: Arc<dyn Sink>,
    cfg: OutboxConfig,
    config: Arc<Config>,
    owner: String,
    wake: Arc<Notify>,
    last_sent: Mutex<HashMap<Target, tokio::time::Instant>>,
    /// Whether sends to one target wait `per_channel_interval` of real time between them.
    pacing: bool,
}

/// What one pass did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassStats {
    pub sent: usize,
    /// Rows put back for a retry.
    pub retried: usize,
    /// Rows failed for good.
    pub failed: usize,
    /// Rows skipped as too late.
    pub skipped: usize,
}

impl Dispatcher {
    /// A dispatcher for `app`'s database, sending through `sink`.
    pub fn new(app: &App, sink: Arc<dyn Sink>) -> Dispatcher {
        Dispatcher {
            app: app.clone(),
            store: app.store.clone(),
            clock: app.clock.clone(),
            sink,
            cfg: app.config.outbox.clone(),
            config: app.config.clone(),
            owner: format!(
                "{}-{:08x}",
                std::process::id(),
                rand::thread_rng().r#gen::<u32>()
            ),
            wake: app.outbox_wake.clone(),
            last_sent: Mutex::new(HashMap::new()),
            pacing: true,
        }
    }

    /// Sends without waiting real time between the messages of one target: for a manual
    /// clock (the shell's `--now`), where nothing is posted to a platform that could mind.
    pub fn without_pacing(mut self) -> Self {
        self.pacing = false;
        self
    }

    /// Names the lease owner (tests run several dispatchers in one process).
    pub fn with_owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = owner.into();
        self
    }

    /// Overrides the delivery settings.
    pub fn with_config(mut self, cfg: OutboxConfig) -> Self {
        self.cfg = cfg;
        self
    }

    /// Runs until `shutdown` turns true: deliver what is due, then sleep until the next row is
    /// due or a new row is queued.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let next = match self.tick().await {
                Ok(_) => match self.next_wake().await {
                    Ok(next) => next,
                    Err(e) => {
                        tracing::error!(error = %e, "outbox: cannot read the next due time; retrying in 1 s");
                        Some(self.clock.now() + Duration::seconds(1))
                    }
                },
                Err(e) => {
                    self.app.health.store_failed(&e, self.clock.now());
                    if !e.is_disk_full() {
                        tracing::error!(error = %e, "outbox: delivery pass failed; retrying in 1 s");
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Going idle for a while: hand the memory of the last passes back.
            if next.is_none_or(|at| at - self.clock.now() >= Duration::seconds(10)) {
                self.app.store.release_memory().await;
            }
            let sleep = async {
                match next {
                    Some(at) => self.clock.sleep_until(at).await,
                    None => futures::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = &mut notified => {}
                _ = sleep => {}
                changed = shutdown.changed() => {
                    // A dropped sender means nobody can ask us to stop any more: stop now.
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::debug!("outbox dispatcher stopped");
    }

    /// The earliest instant at which a row or a job becomes due.
    pub async fn next_wake(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let rows = {
            let mut conn = self.store.pool.acquire().await?;
            outbox::next_wake(&mut conn).await?
        };
        let jobs = crate::app::jobs::next_due(&self.app).await?;
        Ok(match (rows, jobs) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }

    /// Runs the due jobs (which may queue messages), then delivers every due row. After a
    /// full disk, first checks whether there is room again (a write of its own).
    pub async fn tick(&self) -> StoreResult<PassStats> {
        if self.app.health.disk_full_since().is_some() {
            let now = self.clock.now();
            let mut conn = self.store.pool.acquire().await?;
            match crate::store::runtime::probe_room(&mut conn, ROOM_PROBE_BYTES).await {
                Ok(()) => self.app.health.write_succeeded(now),
                Err(e) => {
                    self.app.health.store_failed(&e, now);
                    return Err(e);
                }
            }
        }
        crate::app::jobs::run_due(&self.app).await?;
        let out = self.run_due().await;
        if let Err(e) = &out {
            self.app.health.store_failed(e, self.clock.now());
        }
        out
    }

    /// Claims and delivers every row due now, batch after batch, until none is left.
    pub async fn run_due(&self) -> StoreResult<PassStats> {
        let mut total = PassStats::default();
        total.skipped += self.skip_stale().await?;
        // One connection and one read of each guild's settings for the whole pass.
        let mut conn = self.store.pool.acquire().await?;
        let out = self.pass(&mut conn, &mut total).await;
        if out.is_err() {
            // Not handed to anyone else in whatever state the failed statement left it.
            conn.close_on_drop();
        }
        out.map(|()| total)
    }

    /// Claims and delivers batch after batch on `conn`, adding up what was done in `total`.
    async fn pass(
        &self,
        conn: &mut sqlx::SqliteConnection,
        total: &mut PassStats,
    ) -> StoreResult<()> {
        let mut guilds = HashMap::new();
        loop {
            let now = self.clock.now();
            let batch = outbox::claim(
                &mut *conn,
                &self.owner,
                now,
                now + self.cfg.lease,
                self.cfg.batch_size,
            )
            .await?;
            if batch.is_empty() {
                return Ok(());
            }
            let stats = self.deliver(conn, &mut guilds, batch, now).await?;
            total.sent += stats.sent;
            total.retried += stats.retried;
            total.failed += stats.failed;
            total.skipped += stats.skipped;
        }
    }

    /// Skips, in one statement, every pending row older than the grace window, and queues one
    /// digest per channel listing them.
    async fn skip_stale(&self) -> StoreResult<usize> {
        let now = self.clock.now();
        let mut conn = self.store.pool.acquire().await?;
        let mut tx = crate::store::write_tx(&mut conn).await?;
        let stale =
            outbox::skip_stale(&mut tx, now - self.cfg.grace, now, SOURCE_DISPATCHER).await?;
        if stale.is_empty() {
            return Ok(0);
        }
        let count = stale.rows.len() + stale.poisoned.len();
        let guilds = self.guilds_of(&mut tx, &stale.rows, now).await?;
        self.enqueue_digests(&mut tx, &stale.rows, &guilds, now)
            .await?;
        tx.commit().await?;
        tracing::warn!(
            count,
            "outbox: skipped messages that came due too long ago; digests queued"
        );
        Ok(count)
    }

    /// Sends one claimed batch, recording each outcome as soon as it is known (completions
    /// that arrive within a few milliseconds of each other in one statement), renewing the
    /// lease of the rows still in flight meanwhile. A row that does not decode is failed and
    /// reported on its own first; rows too late are skipped and listed in a digest.
    async fn deliver(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guilds: &mut HashMap<u64, GuildSettings>,
        batch: Batch,
        now: DateTime<Utc>,
    ) -> StoreResult<PassStats> {
        self.add_guilds(conn, guilds, &batch.rows, now).await?;
        for p in &batch.poisoned {
            if let std::collections::hash_map::Entry::Vacant(e) = guilds.entry(p.guild_id) {
                e.insert(settings::get_or_init(conn, p.guild_id, &self.config, ms(now)).await?);
            }
        }
        let guilds = &*guilds;
        let locale_of = |guild: u64| {
            guilds
                .get(&guild)
                .map(|g| g.locale)
                .unwrap_or(self.config.defaults.locale)
        };
        let mut stats = PassStats::default();

        // Rows that do not decode: failed on their own, with the reason, reported once.
        if !batch.poisoned.is_empty() {
            let mut tx = crate::store::write_tx(conn).await?;
            for p in &batch.poisoned {
                tracing::error!(row = p.id, key = %p.dedupe_key, error = %p.reason, "outbox: a stored message does not decode; failed");
                if outbox::record_failed(&mut tx, p.id, &self.owner, &p.reason).await? {
                    stats.failed += 1;
                    let failed = FailedRow {
                        id: p.id,
                        guild_id: p.guild_id,
                        source: &p.source,
                        target: p.target,
                        title: p.dedupe_key.clone(),
                    };
                    self.report_failure(&mut tx, &failed, &p.reason, guilds.get(&p.guild_id), now)
                        .await?;
                }
            }
            tx.commit().await?;
            self.wake.notify_one();
        }

        let (skipped, to_send): (Vec<Claimed>, Vec<Claimed>) = batch
            .rows
            .into_iter()
            .partition(|c| now - c.available_at > self.cfg.grace && c.source != SOURCE_DISPATCHER);
        if !skipped.is_empty() {
            let mut tx = crate::store::write_tx(conn).await?;
            let skipped_ids: Vec<i64> = skipped.iter().map(|c| c.id).collect();
            outbox::record_skipped(&mut tx, &skipped_ids, now).await?;
            self.enqueue_digests(&mut tx, &skipped, guilds, now).await?;
            tx.commit().await?;
            stats.skipped = skipped.len();
            self.wake.notify_one();
        }

        // One queue per target, in due order, so pacing applies per channel.
        let mut in_flight: BTreeSet<i64> = to_send.iter().map(|c| c.id).collect();
        let mut queues: BTreeMap<(u8, u64), Vec<Claimed>> = BTreeMap::new();
        for c in to_send {
            let key = match c.target {
                Target::Channel(id) => (0, id),
                Target::User(id) => (1, id),
            };
            queues.entry(key).or_default().push(c);
        }
        let send_one = |c: Claimed, decision: Decision| async move {
            let late = now - c.due_at;
            let posted_parts = match decision {
                Decision::Send { posted_parts } => posted_parts,
                Decision::Posted(d) => return (c, late.num_milliseconds().max(0), Ok(d)),
                Decision::Wait(e) => return (c, late.num_milliseconds().max(0), Err(e)),
            };
            let mut reply = c.reply.clone();
            if late.num_seconds() > LATE_NOTE_AFTER {
                // Late because the bot was offline, or because earlier attempts (failures, or
                // a process that died holding it) did not go through.
                let key = if c.attempts > 1 {
                    "outbox-late-retried"
                } else {
                    "outbox-late"
                };
                let note = tr!(
                    locale_of(c.guild_id),
                    key,
                    late = duration_text(locale_of(c.guild_id), late)
                );
                reply.footer = Some(match reply.footer.take() {
                    Some(f) => format!("{f}\n{note}"),
                    None => note,
                });
            }
            self.pace(c.target).await;
            let msg = reconcile::outbound(&c, reply, posted_parts);
            let result = self.sink.send(&msg).await;
            (c, late.num_milliseconds().max(0), result)
        };
        // Each queue first checks, in one read, whether its rows in doubt went out already
        // (see `reconcile`), then yields its outcomes one by one as they come; queues run side
        // by side.
        let max_attempts = self.cfg.max_attempts;
        let mut outcomes = futures::stream::iter(queues.into_values())
            .map(|queue| {
                async move {
                    let target = queue[0].target;
                    let decisions = reconcile::decide(
                        &*self.sink,
                        &self.store,
                        &self.app.health,
                        target,
                        &queue,
                        max_attempts,
                        now,
                    )
                    .await;
                    let rows = queue.into_iter().zip(decisions);
                    futures::stream::unfold(rows, move |mut rest| async move {
                        let (c, decision) = rest.next()?;
                        Some((send_one(c, decision).await, rest))
                    })
                }
                .flatten_stream()
                .boxed()
            })
            .flatten_unordered(self.cfg.concurrency);

        let renew_every = (self.cfg.lease / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1))
            .max(std::time::Duration::from_millis(100));
        let mut renew =
            tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
        let mut ended = false;
        while !ended {
            tokio::select! {
                next = outcomes.next() => {
                    let Some(first) = next else { break };
                    let mut done = vec![first];
                    let until = tokio::time::Instant::now() + COLLECT_FOR;
                    loop {
                        match tokio::time::timeout_at(until, outcomes.next()).await {
                            Ok(Some(o)) => done.push(o),
                            Ok(None) => {
                                ended = true;
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    for (c, _, _) in &done {
                        in_flight.remove(&c.id);
                    }
                    let s = self.record(conn, done, guilds).await?;
                    stats.sent += s.sent;
                    stats.retried += s.retried;
                    stats.failed += s.failed;
                }
                _ = renew.tick() => {
                    let ids: Vec<i64> = in_flight.iter().copied().collect();
                    let until = self.clock.now() + self.cfg.lease;
                    outbox::renew_lease(conn, &self.owner, &ids, until).await?;
                }
            }
        }
        Ok(stats)
    }

    /// Records the outcomes of sends that have returned.
    async fn record(
        &self,
        conn: &mut sqlx::SqliteConnection,
        done: Vec<(Claimed, i64, Result<Delivered, SendError>)>,
        guilds: &HashMap<u64, GuildSettings>,
    ) -> StoreResult<PassStats> {
        // Retry delays count from when the platform answered, not from the claim.
        let answered = self.clock.now();
        let mut sent = Vec::new();
        let mut retries = Vec::new();
        let mut failures = Vec::new();
        for (c, late_ms, result) in done {
            match result {
                Ok(d) => sent.push(SentRecord {
                    id: c.id,
                    message_id: d.message_id,
                    late_ms,
                }),
                Err(SendError::Transient {
                    reason,
                    retry_after,
                }) if c.attempts < self.cfg.max_attempts => {
                    let wait = self.backoff(c.attempts, retry_after);
                    tracing::warn!(row = c.id, attempts = c.attempts, error = %reason, "outbox: transient failure, will retry");
                    // A 429 is a clear "not posted"; anything else may have been.
                    let maybe_posted = retry_after.is_none();
                    retries.push((c.id, reason, answered + wait, maybe_posted));
                }
                Err(e) => {
                    tracing::error!(row = c.id, key = %c.dedupe_key, error = %e, "outbox: delivery failed for good");
                    failures.push((c, e.to_string()));
                }
            }
        }
        let mut stats = PassStats {
            retried: retries.len(),
            failed: failures.len(),
            ..PassStats::default()
        };
        if retries.is_empty() && failures.is_empty() {
            // The usual case: every row went out. One statement is atomic on its own, and it
            // saves the two round trips of BEGIN and COMMIT to sqlx's worker thread.
            stats.sent = outbox::record_sent(conn, &self.owner, &sent, answered).await? as usize;
            return Ok(stats);
        }
        let mut tx = crate::store::write_tx(conn).await?;
        stats.sent = outbox::record_sent(&mut tx, &self.owner, &sent, answered).await? as usize;
        for (id, reason, at, maybe_posted) in &retries {
            outbox::record_retry(&mut tx, *id, &self.owner, reason, *at, *maybe_posted).await?;
        }
        for (c, reason) in &failures {
            if outbox::record_failed(&mut tx, c.id, &self.owner, reason).await? {
                let failed = FailedRow {
                    id: c.id,
                    guild_id: c.guild_id,
                    source: &c.source,
                    target: Some(c.target),
                    title: c
                        .reply
                        .title
                        .clone()
                        .unwrap_or_else(|| c.dedupe_key.clone()),
                };
                self.report_failure(&mut tx, &failed, reason, guilds.get(&c.guild_id), answered)
                    .await?;
            }
        }
        tx.commit().await?;
        if !failures.is_empty() {
            self.wake.notify_one();
        }
        Ok(stats)
    }

    /// The settings of every guild the rows belong to (for their language and channels).
    async fn guilds_of(
        &self,
        conn: &mut sqlx::SqliteConnection,
        rows: &[Claimed],
        now: DateTime<Utc>,
    ) -> StoreResult<HashMap<u64, GuildSettings>> {
        let mut guilds = HashMap::new();
        self.add_guilds(conn, &mut guilds, rows, now).await?;
        Ok(guilds)
    }

    /// Adds the settings of the rows' guilds not in `guilds` yet.
    async fn add_guilds(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guilds: &mut HashMap<u64, GuildSettings>,
        rows: &[Claimed],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        for c in rows {
            if let std::collections::hash_map::Entry::Vacant(e) = guilds.entry(c.guild_id) {
                e.insert(settings::get_or_init(conn, c.guild_id, &self.config, ms(now)).await?);
            }
        }
        Ok(())
    }

    /// Waits until the target may receive another message.
    async fn pace(&self, target: Target) {
        let interval = self.cfg.per_channel_interval.to_std().unwrap_or_default();
        if interval.is_zero() || !self.pacing {
            return;
        }
        let wait_until = {
            let mut last = self.last_sent.lock().await;
            let now = tokio::time::Instant::now();
            let at = last
                .get(&target)
                .map(|t| *t + interval)
                .filter(|t| *t > now)
                .unwrap_or(now);
            last.insert(target, at);
            at
        };
        tokio::time::sleep_until(wait_until).await;
    }

    /// Exponential backoff with full jitter, never shorter than what the platform asked for.
    fn backoff(&self, attempts: u32, retry_after: Option<std::time::Duration>) -> Duration {
        let base = self.cfg.backoff_base.num_milliseconds().max(1);
        let cap = self.cfg.backoff_max.num_milliseconds().max(base);
        let exp = base
            .saturating_mul(1_i64 << attempts.saturating_sub(1).min(20))
            .min(cap);
        let jittered = rand::thread_rng().gen_range(exp / 2..=exp);
        let asked = retry_after.map(|d| d.as_millis() as i64).unwrap_or(0);
        Duration::milliseconds(jittered.max(asked))
    }

    /// Tells the guild's escalation channel, once, that a message could not be delivered.
    async fn report_failure(
        &self,
        conn: &mut sqlx::SqliteConnection,
        c: &FailedRow<'_>,
        reason: &str,
        guild: Option<&GuildSettings>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let Some(channel) = guild.and_then(|g| g.escalation_channel) else {
            tracing::error!(
                row = c.id,
                "outbox: no escalation channel set; the failure is only visible in /status"
            );
            return Ok(());
        };
        if c.source == SOURCE_DISPATCHER || c.target == Some(Target::Channel(channel)) {
            return Ok(());
        }
        let locale = guild.map(|g| g.locale).unwrap_or(Locale::EnUs);
        let target = match c.target {
            Some(Target::Channel(id)) => message::channel_ref(id),
            Some(Target::User(id)) => message::user_ref(id),
            None => "?".to_string(),
        };
        let mut r = Reply::titled(locale.t("outbox-failed-title")).severity(Severity::Danger);
        r.lines.push(tr!(
            locale,
            "outbox-failed-body",
            id = c.id,
            title = c.title.clone(),
            target = target,
            error = crate::app::cmd::outbox::failure_reason(reason)
        ));
        let msg = NewMessage {
            guild_id: c.guild_id,
            dedupe_key: format!("outbox-failed:{}:{}", c.id, ms(now)),
            source: SOURCE_DISPATCHER.into(),
            target: Target::Channel(channel),
            reply: r,
            due_at: now,
        };
        if outbox::mark_reported(&mut *conn, c.id).await? {
            outbox::enqueue(conn, &msg, now).await?;
        }
        Ok(())
    }

    /// One "missed while offline" message per target for the rows skipped in this batch.
    async fn enqueue_digests(
        &self,
        conn: &mut sqlx::SqliteConnection,
        skipped: &[Claimed],
        guilds: &HashMap<u64, GuildSettings>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut by_target: BTreeMap<(u64, String), Vec<&Claimed>> = BTreeMap::new();
        for c in skipped {
            let t = match c.target {
                Target::Channel(id) => format!("channel:{id}"),
                Target::User(id) => format!("user:{id}"),
            };
            by_target.entry((c.guild_id, t)).or_default().push(c);
        }
        for ((guild_id, tkey), rows) in by_target {
            let locale = guilds
                .get(&guild_id)
                .map(|g| g.locale)
                .unwrap_or(self.config.defaults.locale);
            let mut r = Reply::titled(locale.t("outbox-digest-title")).severity(Severity::Warning);
            r.lines.push(tr!(
                locale,
                "outbox-digest-intro",
                grace = self.cfg.grace.num_hours()
            ));
            for c in rows.iter().take(DIGEST_LISTED) {
                let title = c
                    .reply
                    .title
                    .clone()
                    .unwrap_or_else(|| c.dedupe_key.clone());
                r.lines
                    .push(format!("• {} — {}", title, message::ts(c.due_at, 'f')));
            }
            if rows.len() > DIGEST_LISTED {
                r.lines.push(tr!(
                    locale,
                    "outbox-digest-more",
                    count = rows.len() - DIGEST_LISTED
                ));
            }
            let first = rows.iter().map(|c| c.id).min().unwrap_or_default();
            let msg = NewMessage {
                guild_id,
                dedupe_key: format!("digest:{tkey}:{first}"),
                source: SOURCE_DISPATCHER.into(),
                target: rows[0].target,
                reply: r,
                due_at: now,
            };
            outbox::enqueue(conn, &msg, now).await?;
        }
        Ok(())
    }
}
