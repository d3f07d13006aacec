//! A task's pings: before the deadline, at it, to the assigner after it, and to the managers
//! long after it — planned into the outbox whenever the task changes.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::view::{describe, task_buttons, who};
use super::{owner_mentions, role_of};
use crate::domain::position::Position;
use crate::domain::task::{Cover, PingKind, Task, cover_at, ping_plan};
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
    schedule_new(conn, t, guild, cfg, now, &covers).await
}

/// Plans the pings of a task with none pending: one just created (with the covers its command
/// read in the same transaction: two statements fewer than [`reschedule`]), or one whose
/// pending pings [`reschedule`] has just cancelled.
pub async fn schedule_new(
    conn: &mut SqliteConnection,
    t: &Task,
    guild: &GuildSettings,
    cfg: &crate::config::TaskConfig,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Result<(), StoreError> {
    let plan = ping_plan(
        t.due_at,
        now,
        &cfg.remind_before,
        cfg.escalate_assigner_after,
        cfg.escalate_manager_after,
    );
    // Keyed by the episode: a level that already went out in this episode is left as it is
    // (reassigning or editing a title sends nothing twice), one still waiting gets the new
    // content.
    let planned: Vec<NewMessage> = plan
        .into_iter()
        .map(|(kind, at)| ping(t, guild, covers, kind, at))
        .collect();
    outbox::put_many(conn, &planned, now, &[outbox::OutboxState::Cancelled]).await?;
    // A reminder whose time has passed but which was planned in this episode and never went
    // out (this replan, or the task's closing, cancelled it) goes out now, while the deadline
    // is still ahead, saying how much time is left; one never planned is not made up.
    if now < t.due_at {
        let passed: Vec<NewMessage> = cfg
            .remind_before
            .iter()
            .filter(|d| t.due_at - **d < now)
            .map(|d| ping(t, guild, covers, PingKind::Before(*d), now))
            .collect();
        outbox::revive_many(conn, &passed, now).await?;
    }
    Ok(())
}

/// The message of one ping level due at `at`.
fn ping(
    t: &Task,
    guild: &GuildSettings,
    covers: &[Cover],
    kind: PingKind,
    at: DateTime<Utc>,
) -> NewMessage {
    let locale = guild.locale;
    let mut r = describe(locale, t, guild);
    let cover = cover_at(covers, t.assignee_id, t.position, at);
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
    let late = |key: &str| {
        tr!(
            locale,
            key,
            id = t.id,
            late = duration_text(locale, at - t.due_at)
        )
    };
    // The ping's headline says what happened; the task's own headline stays as a line.
    if let Some(headline) = r.title.take() {
        r.lines.insert(0, format!("**{headline}**"));
    }
    r.title = Some(match kind {
        PingKind::Before(_) => {
            r.mentions = owner;
            // The time actually left: a reminder sent late says so.
            tr!(
                locale,
                "task-ping-before",
                id = t.id,
                left = duration_text(locale, t.due_at - at)
            )
        }
        PingKind::Due => {
            r.mentions = owner;
            r.severity = Severity::Warning;
            if at > t.due_at {
                // Planned late (a task reopened after its deadline): say how late.
                late("task-ping-overdue")
            } else {
                tr!(locale, "task-ping-due", id = t.id)
            }
        }
        PingKind::Assigner => {
            let mut m = owner;
            if !m.users.contains(&t.assigner_id) {
                m.users.push(t.assigner_id);
            }
            r.mentions = m;
            r.severity = Severity::Danger;
            late("task-ping-overdue")
        }
        PingKind::Manager => {
            if let Some(ch) = guild.escalation_channel {
                target = Target::Channel(ch);
            }
            r.mentions = role_of(guild, Position::Manager)
                .map(Mentions::role)
                .unwrap_or_default();
            r.severity = Severity::Danger;
            late("task-ping-escalated")
        }
    });
    r.buttons = task_buttons(locale, t);
    NewMessage {
        guild_id: guild.guild_id,
        dedupe_key: format!("task:{}:e{}:{}", t.id, t.episode, kind.key()),
        source: t.source(),
        target,
        reply: r,
        due_at: at,
    }
}
