//! `/outbox list` and `/outbox retry`: what the bot has queued or failed to send, and putting
//! failed messages back in the queue (managers).

use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::message::{self, Reply, Severity};
use crate::store::outbox::{self, Listed, OutboxState, Target};
use crate::tr;

/// One row as a line.
pub fn describe(ctx: &Ctx<'_>, row: &Listed) -> String {
    let target = match row.target {
        Target::Channel(id) => message::channel_ref(id),
        Target::User(id) => message::user_ref(id),
    };
    let title = row.title.clone().unwrap_or_else(|| row.dedupe_key.clone());
    let mut line = format!(
        "#{} · {} → {} · {}",
        row.id,
        title,
        target,
        message::ts(row.due_at, 'f')
    );
    if let Some(err) = &row.last_error {
        line.push_str(&format!(
            " · {}",
            tr!(
                ctx.locale,
                "outbox-error",
                error = failure_reason(err),
                attempts = row.attempts as i64
            )
        ));
    }
    line
}

/// Lists rows in a state (default: failed).
pub async fn list(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let state = inv
        .str("state")
        .and_then(OutboxState::parse)
        .unwrap_or(OutboxState::Failed);
    let mut conn = ctx.conn().await?;
    let rows = outbox::list(&mut conn, ctx.guild.guild_id, state, 20).await?;
    let label = ctx.t(&format!("choice-{}", state.as_str()));
    let mut reply = Reply::titled(tr!(ctx.locale, "outbox-list-title", state = label));
    if rows.is_empty() {
        reply.lines.push(ctx.t("outbox-list-empty"));
    }
    for r in &rows {
        reply.lines.push(describe(ctx, r));
    }
    reply.ephemeral = true;
    Ok(reply)
}

/// Puts failed rows back in the queue.
pub async fn retry(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    ctx.require_manager()?;
    let id = inv.int_in("id", 1, crate::app::invocation::ID_MAX)?;
    let n = ctx
        .write(async |conn| Ok(outbox::retry_failed(conn, ctx.guild.guild_id, id, ctx.now).await?))
        .await?;
    if n == 0 {
        return Err(match id {
            Some(id) => UserError::new("outbox-retry-none-id").arg("id", id.to_string()),
            None => UserError::new("outbox-retry-none"),
        }
        .into());
    }
    Ok(Reply::titled(tr!(ctx.locale, "outbox-retry-done", count = n)).severity(Severity::Success))
}

/// The words of a stored delivery failure a person reads: the platform's reason, without the
/// retry class the dispatcher records with it (`permanent: Missing Access` -> `Missing
/// Access`; the number of attempts is said beside it).
pub fn failure_reason(stored: &str) -> &str {
    stored
        .strip_prefix("permanent: ")
        .or_else(|| stored.strip_prefix("transient: "))
        .unwrap_or(stored)
}
