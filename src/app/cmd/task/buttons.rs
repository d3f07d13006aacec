//! Clicks on a task's messages. Each button's id names the action and the task (or the list
//! page), so a button still works after a restart; [`TaskButton`] is the one place that
//! writes and reads those ids.

use std::fmt;

use chrono::{DateTime, Duration, NaiveTime, Utc};

use super::view::{ListScope, describe, list, task_buttons, who};
use super::{change_task, changed, load, may_act, owner_mentions, transition};
use crate::app::{AppResult, Ctx, UserError};
use crate::domain::task::Transition;
use crate::message::{self, Reply, Severity, Target};
use crate::store::events::Log;
use crate::store::outbox::{self, NewMessage};
use crate::tr;

/// A button on a task's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskButton {
    Done(i64),
    Start(i64),
    /// Take a task offered to a position.
    Take(i64),
    /// Ping again in an hour.
    SnoozeHour(i64),
    /// Ping again at the start of the next working day.
    SnoozeTomorrow(i64),
    /// Another page of a list.
    Page {
        scope: ListScope,
        page: i64,
    },
}

impl fmt::Display for TaskButton {
    /// `task:<action>:<id>` or `task:page:<scope>:<page>` (well under Discord's 100 characters).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskButton::Done(id) => write!(f, "task:done:{id}"),
            TaskButton::Start(id) => write!(f, "task:start:{id}"),
            TaskButton::Take(id) => write!(f, "task:take:{id}"),
            TaskButton::SnoozeHour(id) => write!(f, "task:snooze1h:{id}"),
            TaskButton::SnoozeTomorrow(id) => write!(f, "task:snoozetmr:{id}"),
            TaskButton::Page { scope, page } => write!(f, "task:page:{}:{page}", scope.encode()),
        }
    }
}

impl TaskButton {
    /// Reads an id written by [`TaskButton`]'s `Display`.
    pub fn parse(id: &str) -> Option<TaskButton> {
        let parts: Vec<&str> = id.split(':').collect();
        Some(match parts.as_slice() {
            ["task", "page", scope, page] => TaskButton::Page {
                scope: ListScope::decode(scope)?,
                page: page.parse().ok()?,
            },
            ["task", action, id] => {
                let id: i64 = id.parse().ok()?;
                match *action {
                    "done" => TaskButton::Done(id),
                    "start" => TaskButton::Start(id),
                    "take" => TaskButton::Take(id),
                    "snooze1h" => TaskButton::SnoozeHour(id),
                    "snoozetmr" => TaskButton::SnoozeTomorrow(id),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}

/// Runs a click; the answer replaces the message the button is on.
pub async fn press(ctx: &Ctx<'_>, button: TaskButton) -> AppResult<Reply> {
    let mut r = match button {
        TaskButton::Page { scope, page } => list(ctx, scope, page).await?,
        TaskButton::Done(id) => transition(ctx, id, Transition::Done, None).await?,
        TaskButton::Start(id) => transition(ctx, id, Transition::Start, None).await?,
        TaskButton::Take(id) => take(ctx, id).await?,
        TaskButton::SnoozeHour(id) => snooze(ctx, id, ctx.now + Duration::hours(1)).await?,
        TaskButton::SnoozeTomorrow(id) => snooze(ctx, id, next_working_morning(ctx)).await?,
    };
    r.update_message = true;
    Ok(r)
}

/// The start of work on the next working day (`[hours] start`, Monday to Friday), in the
/// guild's time zone.
fn next_working_morning(ctx: &Ctx<'_>) -> DateTime<Utc> {
    let tz = ctx.guild.timezone;
    let tomorrow = ctx
        .now
        .with_timezone(&tz)
        .date_naive()
        .succ_opt()
        .unwrap_or_default();
    let midnight = crate::domain::deadline::local_to_utc(tomorrow.and_time(NaiveTime::MIN), tz);
    ctx.app.config.hours.within(midnight, tz)
}

async fn take(ctx: &Ctx<'_>, id: i64) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let now = ctx.now;
    let t = change_task(
        ctx,
        id,
        |ctx, t| {
            if t.assignee_id.is_some() {
                return Err(UserError::new("task-err-taken")
                    .arg("id", t.id.to_string())
                    .arg("who", who(t, &ctx.guild)));
            }
            if !may_act(ctx, t) {
                return Err(UserError::new("task-err-not-yours").arg("id", t.id.to_string()));
            }
            Ok(())
        },
        async |conn, t| Ok(super::take_over(conn, t, me, now).await?),
    )
    .await?;
    let title = tr!(
        ctx.locale,
        "task-taken",
        id = t.id,
        who = message::user_ref(me)
    );
    let mut r = changed(ctx, &t, title);
    r.buttons = task_buttons(ctx.locale, &t);
    r.severity = Severity::Success;
    Ok(r)
}

async fn snooze(ctx: &Ctx<'_>, id: i64, until: DateTime<Utc>) -> AppResult<Reply> {
    let mut conn = ctx.conn().await?;
    let t = load(&mut conn, ctx, id).await?;
    drop(conn);
    if !may_act(ctx, &t) {
        return Err(UserError::new("task-err-not-yours")
            .arg("id", id.to_string())
            .into());
    }
    if !t.status.is_active() {
        return Err(UserError::new("task-err-closed")
            .arg("id", id.to_string())
            .into());
    }
    let l = ctx.guild.locale;
    let mut r = describe(l, &t, &ctx.guild);
    if let Some(headline) = r.title.take() {
        r.lines.insert(0, format!("**{headline}**"));
    }
    r.title = Some(tr!(l, "task-ping-snoozed", id = t.id));
    r.mentions = owner_mentions(&t, &ctx.guild);
    r.buttons = task_buttons(l, &t);
    let msg = NewMessage {
        guild_id: ctx.guild.guild_id,
        dedupe_key: format!("task:{}:e{}:snooze-{}", t.id, t.episode, until.timestamp()),
        source: t.source(),
        target: Target::Channel(t.channel_id),
        reply: r,
        due_at: until,
    };
    ctx.write(async |tx| {
        // Snoozing again moves the pending snooze ping instead of adding another.
        let prefix = format!("task:{}:e{}:snooze-", t.id, t.episode);
        outbox::cancel_prefix(tx, &t.source(), &prefix).await?;
        outbox::enqueue_or_revive(tx, &msg, ctx.now).await?;
        let until = message::ts(until, 'f');
        ctx.log(tx, (Log::Task, id), "snoozed", Some(&until))
            .await?;
        Ok(())
    })
    .await?;
    let title = tr!(
        ctx.locale,
        "task-snoozed",
        id = t.id,
        until = message::ts(until, 'f'),
        who = message::user_ref(ctx.origin.actor.user_id)
    );
    let mut out = changed(ctx, &t, title);
    out.buttons = task_buttons(ctx.locale, &t);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::position::Position;

    #[test]
    fn every_button_id_reads_back_as_itself() {
        let all = [
            TaskButton::Done(42),
            TaskButton::Start(1),
            TaskButton::Take(7),
            TaskButton::SnoozeHour(9_007_199_254_740_993),
            TaskButton::SnoozeTomorrow(3),
            TaskButton::Page {
                scope: ListScope::User(4001),
                page: 2,
            },
            TaskButton::Page {
                scope: ListScope::Position(Position::CustomerService),
                page: 3,
            },
            TaskButton::Page {
                scope: ListScope::Overdue,
                page: 1,
            },
            TaskButton::Page {
                scope: ListScope::All,
                page: 10,
            },
        ];
        let bad = [
            "task:done:x",
            "task:fly:1",
            "task:page:z:1",
            "cmp:done:1",
            "task:done",
        ];
        crate::app::cmd::assert_ids_round_trip(all, &bad, TaskButton::parse);
    }
}
