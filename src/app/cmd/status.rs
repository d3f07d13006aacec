//! `/status`: is the bot healthy — version, uptime, database size, and the outbox (pending,
//! failed, with the failures listed so a manager can retry them).

use crate::app::{AppResult, Ctx};
use crate::message::{self, Reply, Severity};
use crate::store::outbox::{self, OutboxState};
use crate::store::runtime;
use crate::tr;

/// How many failed rows are listed.
const FAILED_SHOWN: i64 = 5;

/// Builds the status reply.
pub async fn run(ctx: &Ctx<'_>) -> AppResult<Reply> {
    let mut conn = ctx.conn().await?;
    let counts = outbox::counts(&mut conn, Some(ctx.guild.guild_id)).await?;
    let count = |s: OutboxState| {
        counts
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let size = crate::store::size_bytes_of(&mut conn).await?;
    let uptime = ctx.now - ctx.app.started_at;
    let l = ctx.locale;
    let mut reply = Reply::titled(ctx.t("status-title"))
        .field(ctx.t("status-version"), env!("CARGO_PKG_VERSION"), true)
        .field(
            ctx.t("status-uptime"),
            tr!(
                l,
                "status-uptime-value",
                days = uptime.num_days(),
                hours = uptime.num_hours() % 24,
                minutes = uptime.num_minutes() % 60
            ),
            true,
        )
        .field(
            ctx.t("status-db-size"),
            format!("{:.1} MiB", size as f64 / 1_048_576.0),
            true,
        )
        .field(
            ctx.t("status-pending"),
            (count(OutboxState::Pending) + count(OutboxState::Sending)).to_string(),
            true,
        )
        .field(
            ctx.t("status-failed"),
            count(OutboxState::Failed).to_string(),
            true,
        )
        .field(
            ctx.t("status-sent"),
            count(OutboxState::Sent).to_string(),
            true,
        );
    let failed = outbox::list(
        &mut conn,
        ctx.guild.guild_id,
        OutboxState::Failed,
        FAILED_SHOWN,
    )
    .await?;
    let commands = runtime::get(&mut conn, runtime::COMMANDS).await?;
    if let Some(c) = &commands {
        let when = message::ts(c.updated_at, 'R');
        if c.ok {
            reply = reply.field(
                ctx.t("status-commands"),
                tr!(
                    l,
                    "status-commands-ok",
                    count = c.value.clone(),
                    when = when
                ),
                false,
            );
        } else {
            reply.lines.push(tr!(
                l,
                "status-commands-failed",
                reason = c.value.clone(),
                when = when
            ));
        }
    }
    let backup = runtime::get(&mut conn, runtime::BACKUP).await?;
    match &backup {
        Some(b) if b.ok => {
            // Stored as `<path> (<n> bytes)` by the backup job; the size is said in the
            // reader's language.
            let (file, size) = b
                .value
                .strip_suffix(" bytes)")
                .and_then(|v| v.rsplit_once(" ("))
                .map_or((b.value.as_str(), "—"), |(f, n)| (f, n));
            reply = reply.field(
                ctx.t("status-backup"),
                tr!(
                    l,
                    "status-backup-ok",
                    file = file,
                    size = size,
                    when = message::ts(b.updated_at, 'f')
                ),
                false,
            );
        }
        Some(b) => reply.lines.push(tr!(
            l,
            "status-backup-failed",
            reason = b.value.clone(),
            when = message::ts(b.updated_at, 'f')
        )),
        None if ctx.app.config.backup.enabled => {
            let next = crate::app::backup::next_due_on(ctx.app, &mut conn).await?;
            if let Some(next) = next {
                reply = reply.field(
                    ctx.t("status-backup"),
                    tr!(l, "status-backup-none", next = message::ts(next, 'f')),
                    false,
                );
            }
        }
        None => {}
    }
    let mut unhealthy =
        commands.as_ref().is_some_and(|c| !c.ok) || backup.as_ref().is_some_and(|b| !b.ok);
    if let Some(since) = ctx.app.health.disk_full_since() {
        unhealthy = true;
        reply
            .lines
            .push(tr!(l, "status-disk-full", since = message::ts(since, 'R')));
    }
    for (job, trouble) in ctx.app.health.failing_jobs() {
        unhealthy = true;
        reply.lines.push(tr!(
            l,
            "status-job-failing",
            job = ctx.t(&format!("job-{job}")),
            since = message::ts(trouble.since, 'R'),
            error = trouble.error,
            retry = message::ts(trouble.retry_at, 'R')
        ));
    }
    for trouble in ctx.app.health.history_troubles() {
        unhealthy = true;
        let target = match trouble.target {
            crate::message::Target::Channel(id) => message::channel_ref(id),
            crate::message::Target::User(id) => message::user_ref(id),
        };
        reply.lines.push(tr!(
            l,
            "status-history-unreadable",
            target = target,
            since = message::ts(trouble.since, 'R'),
            error = trouble.error,
            refused = if trouble.refused { "yes" } else { "no" }
        ));
    }
    if failed.is_empty() {
        reply.severity = if unhealthy {
            Severity::Warning
        } else {
            Severity::Success
        };
    } else {
        reply.severity = Severity::Warning;
        reply.lines.push(ctx.t("status-failed-list"));
        for f in &failed {
            reply.lines.push(super::outbox::describe(ctx, f));
        }
        reply.lines.push(ctx.t("status-retry-hint"));
    }
    Ok(reply)
}
