//! Work the bot does on its own schedule besides sending: creating the tasks of recurring
//! definitions, the morning summary and the missing-data check, planning the reminders of
//! fixed activities, deleting the outbox messages older than `outbox.keep_days`. The dispatcher runs these before each delivery pass and sleeps no later
//! than the next one is due.

use chrono::{DateTime, Utc};

use super::{App, AppResult};
use crate::i18n::Locale;
use crate::message::{Reply, Severity};
use crate::store::outbox::{NewMessage, Target};
use crate::store::{activities, data, outbox, retention, runtime, settings, tasks};
use crate::tr;

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Runs every job that is due, each on its own: a job that fails is logged once, shown in
/// `/status`, and tried again with backoff; it holds up neither the other jobs nor delivery.
pub async fn run_due(app: &App) -> AppResult<()> {
    tell_disk_full(app).await;
    if let Some(created) =
        guarded(app, RECURRING, super::cmd::task::materialise_recurring(app)).await
        && created > 0
    {
        tracing::info!(created, "recurring tasks created");
    }
    guarded(app, SUMMARY, super::cmd::summary::run_due(app)).await;
    if let Some(planned) = guarded(
        app,
        ACTIVITIES,
        super::cmd::activity::materialise_activities(app),
    )
    .await
        && planned > 0
    {
        tracing::debug!(planned, "activity reminders planned");
    }
    if let Some(pruned) = guarded(app, PRUNE, prune_outbox(app)).await
        && pruned > 0
    {
        tracing::info!(pruned, "old outbox messages deleted");
    }
    guarded(app, BACKUP, super::backup::run_due(app)).await;
    Ok(())
}

/// How often the outbox is pruned.
const PRUNE_EVERY: chrono::Duration = chrono::Duration::hours(1);
/// Messages deleted per transaction: short enough that a command waiting for the write lock
/// hardly notices (a batch of 500 takes a few milliseconds).
const PRUNE_BATCH: i64 = 500;
/// Batches per pass; a longer backlog (the first pass on an old database) continues at the
/// next pass of the dispatcher instead of an hour later.
const PRUNE_BATCHES_PER_PASS: usize = 20;

/// Deletes, at most once an hour and a few batches at a time, the messages the outbox is done
/// with that were due more than `outbox.keep_days` ago, then gives the freed pages back to
/// the disk. Runs from the dispatcher's pass (so when it has nothing else to do, between
/// deliveries); it does not wake the dispatcher on its own. Returns how many went.
pub async fn prune_outbox(app: &App) -> AppResult<u64> {
    let now = app.clock.now();
    let mut conn = app.conn().await?;
    if let Some(last) = runtime::get(&mut conn, retention::PRUNED).await?
        && last.updated_at + PRUNE_EVERY > now
    {
        return Ok(0);
    }
    let before = now - app.config.outbox.keep;
    let mut total = 0;
    let mut more = false;
    for i in 0..PRUNE_BATCHES_PER_PASS {
        let n = retention::prune_batch(&mut conn, before, PRUNE_BATCH).await?;
        total += n;
        if n < PRUNE_BATCH as u64 {
            break;
        }
        more = i + 1 == PRUNE_BATCHES_PER_PASS;
        tokio::task::yield_now().await;
    }
    if total > 0 {
        retention::vacuum_some(&mut conn, 0).await?;
    }
    // A pass that stopped with more to delete leaves the next pass due at once.
    let stamp = if more { now - PRUNE_EVERY } else { now };
    runtime::set(
        &mut conn,
        retention::PRUNED,
        &total.to_string(),
        true,
        stamp,
    )
    .await?;
    Ok(total)
}

/// The jobs' names (also their catalog keys: `job-<name>`).
pub const RECURRING: &str = "recurring";
/// The morning summary and the missing-data check.
pub const SUMMARY: &str = "summary";
/// Planning the reminders of fixed activities.
pub const ACTIVITIES: &str = "activities";
/// Deleting the messages the outbox is done with.
pub const PRUNE: &str = "prune";
/// The daily backup.
pub const BACKUP: &str = "backup";

/// Runs `job` unless it failed lately and waits for its retry; notes how it went.
async fn guarded<T>(
    app: &App,
    name: &'static str,
    job: impl Future<Output = AppResult<T>>,
) -> Option<T> {
    let now = app.clock.now();
    if !app.health.job_may_run(name, now) {
        return None;
    }
    match job.await {
        Ok(v) => {
            app.health.job_succeeded(name);
            Some(v)
        }
        Err(e) => {
            let mut disk_full = false;
            if let super::AppError::Store(s) = &e {
                app.health.store_failed(s, now);
                disk_full = s.is_disk_full();
            }
            let first = app.health.job_retry_at(name).is_none();
            let error = e.to_string();
            app.health.job_failed(name, error.clone(), now);
            // Told once when it starts failing, not on every retry; a full disk is told
            // when it is over (nothing can be queued while it lasts).
            if first && !disk_full {
                let key = format!("job-failed:{name}:{}", crate::store::ms(now));
                let told = tell_escalation(app, &key, |locale, _| {
                    let mut r =
                        Reply::titled(locale.t("trouble-job-title")).severity(Severity::Danger);
                    r.lines.push(tr!(
                        locale,
                        "trouble-job-body",
                        job = locale.t(&format!("job-{name}")),
                        error = error.clone()
                    ));
                    r
                })
                .await;
                if let Err(e) = told {
                    tracing::warn!(error = %e, job = name, "cannot tell the escalation channels about the failing job");
                }
            }
            None
        }
    }
}

/// Tells a full disk that is over to every escalation channel, once.
async fn tell_disk_full(app: &App) {
    let Some((since, until)) = app.health.take_disk_full_untold() else {
        return;
    };
    let key = format!("disk-full:{}", crate::store::ms(since));
    let told = tell_escalation(app, &key, |locale, tz| {
        let at = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        let mut r = Reply::titled(locale.t("trouble-disk-title")).severity(Severity::Danger);
        r.lines.push(tr!(
            locale,
            "trouble-disk-body",
            since = at(since),
            until = at(until)
        ));
        r
    })
    .await;
    if let Err(e) = told {
        tracing::warn!(error = %e, "cannot tell the escalation channels about the full disk yet");
        app.health.keep_disk_full_untold((since, until));
    }
}

/// Queues `reply` (in each guild's language and time zone) to every guild's escalation
/// channel, keyed `key` so it is queued once.
async fn tell_escalation(
    app: &App,
    key: &str,
    reply: impl Fn(Locale, chrono_tz::Tz) -> Reply,
) -> AppResult<()> {
    let now = app.clock.now();
    app.write(async |conn| {
        for (guild, channel, locale, tz) in settings::escalation_channels(conn).await? {
            let msg = NewMessage {
                guild_id: guild,
                dedupe_key: format!("{key}:{guild}"),
                source: "trouble".into(),
                target: Target::Channel(channel),
                reply: reply(locale, tz),
                due_at: now,
            };
            outbox::enqueue(conn, &msg, now).await?;
        }
        Ok(())
    })
    .await
}

/// When the next job is due (a failed job: not before its retry).
pub async fn next_due(app: &App) -> AppResult<Option<DateTime<Utc>>> {
    let mut conn = app.conn().await?;
    let after_retry = |name: &str, due: Option<DateTime<Utc>>| match app.health.job_retry_at(name) {
        Some(retry) => due.map(|d| d.max(retry)),
        None => due,
    };
    let mut next = after_retry(RECURRING, tasks::next_recurring_at(&mut conn).await?);
    next = earliest(next, after_retry(SUMMARY, data::next_due(&mut conn).await?));
    next = earliest(
        next,
        after_retry(ACTIVITIES, activities::next_due_at(&mut conn).await?),
    );
    drop(conn);
    next = earliest(
        next,
        after_retry(BACKUP, super::backup::next_due(app).await?),
    );
    Ok(next)
}
