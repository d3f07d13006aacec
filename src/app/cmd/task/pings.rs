//! A task's pings: before the deadline, at it, to the assigner after it, and to the managers
//! long after it — planned into the outbox whenever the task changes.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::view::{describe, task_buttons, who};
use super::{owner_mentions, role_of};
use crate::domain::position::Position;
use crate::domain::task::{PingKind, Task, cover_at, ping_plan};
use crate::i18n::duration_text;
use crate::message::{self, Mentions, Severity, Target};
use crate::store::StoreError;
use crate::store::outbox::{self, NewMessage};
use crate::store::settings::GuildSettings;
use crate::store::tasks;
use crate::tr;

/// Replaces a task's pending pings with a fresh plan (after any change of deadline, owner or
/// state). Must run inside the transaction that made the change.
pub async fn reschedule(
    conn: &mut SqliteConnection,
    t: &Task,
    guild: &GuildSettings,
    cfg: &crate::config::TaskConfig,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    outbox::cancel_source(conn, &t.source()).await?;
    if !t.status.is_active() {
        return Ok(());
    }
    let covers = tasks::covers(conn, guild.guild_id, now).await?;
    let locale = guild.locale;
    for (kind, at) in ping_plan(
        t.due_at,
        now,
        &cfg.remind_before,
        cfg.escalate_assigner_after,
        cfg.escalate_manager_after,
    ) {
        let mut r = describe(locale, t, guild);
        let cover = cover_at(&covers, t.assignee_id, t.position, at);
        let owner = match cover {
            Some(c) => Mentions::user(c),
            None => owner_mentions(t, guild),
        };
        if let Some(c) = cover {
            r.lines.push(tr!(
                locale,
                "task-covering",
                cover = message::user_ref(c),
                owner = who(t, guild)
            ));
        }
        let mut target = Target::Channel(t.channel_id);
        // The ping's headline says what happened; the task's own headline stays as a line.
        if let Some(headline) = r.title.take() {
            r.lines.insert(0, format!("**{headline}**"));
        }
        r.title = Some(match kind {
            PingKind::Before(d) => {
                r.mentions = owner;
                tr!(
                    locale,
                    "task-ping-before",
                    id = t.id,
                    left = duration_text(locale, d)
                )
            }
            PingKind::Due => {
                r.mentions = owner;
                r.severity = Severity::Warning;
                tr!(locale, "task-ping-due", id = t.id)
            }
            PingKind::Assigner => {
                let mut m = owner;
                if !m.users.contains(&t.assigner_id) {
                    m.users.push(t.assigner_id);
                }
                r.mentions = m;
                r.severity = Severity::Danger;
                tr!(
                    locale,
                    "task-ping-overdue",
                    id = t.id,
                    late = duration_text(locale, at - t.due_at)
                )
            }
            PingKind::Manager => {
                if let Some(ch) = guild.escalation_channel {
                    target = Target::Channel(ch);
                }
                r.mentions = role_of(guild, Position::Manager)
                    .map(Mentions::role)
                    .unwrap_or_default();
                r.severity = Severity::Danger;
                tr!(
                    locale,
                    "task-ping-escalated",
                    id = t.id,
                    late = duration_text(locale, at - t.due_at)
                )
            }
        });
        r.buttons = task_buttons(locale, t);
        let msg = NewMessage {
            guild_id: guild.guild_id,
            dedupe_key: format!("task:{}:r{}:{}", t.id, t.revision, kind.key()),
            source: t.source(),
            target,
            reply: r,
            due_at: at,
        };
        outbox::enqueue_or_revive(conn, &msg, now).await?;
    }
    Ok(())
}
