//! Tasks made on a schedule (`/task recurring`): the definitions, and the job that turns each
//! occurrence into a task with its pings.

use chrono::Duration;

use super::view::{describe, headline, task_buttons};
use super::{NOTE_MAX, TITLE_MAX, mapped, owner_mentions, schedule_new};
use crate::app::input::{self, Assignee, checked_text, optional_text};
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::deadline::parse_duration;
use crate::domain::recurrence::End;
use crate::domain::schedule::{Schedule, parse_schedule};
use crate::domain::task::{Priority, cover_at};
use crate::i18n::duration_text;
use crate::message::{self, Reply, Severity, Target, escape_user_text};
use crate::store::outbox::{self, NewMessage};
use crate::store::tasks::{self, NewTask, Recurring, TaskTemplate};
use crate::tr;

/// A recurring task to add, read and checked.
#[derive(Debug, Clone)]
pub struct NewRecurring {
    pub title: String,
    pub schedule: Schedule,
    pub to: Assignee,
    /// How long after each occurrence the task is due.
    pub due_in: Duration,
    pub priority: Priority,
    pub note: Option<String>,
    /// When it ends (`until:` a day, or `times:` a count).
    pub end: End,
}

impl NewRecurring {
    /// Reads `/task recurring title:… schedule:… user:|position: due-in: priority: note:`.
    pub fn parse(
        inv: &Invocation,
        title: &str,
        now: chrono::DateTime<chrono::Utc>,
        tz: chrono_tz::Tz,
    ) -> Result<NewRecurring, UserError> {
        let text = inv.str("schedule").ok_or_else(|| {
            let example = crate::app::spec::CommandSpec::find(&["task", "recurring"])
                .map_or("", |s| s.example);
            UserError::new("err-missing-option")
                .arg("option", "schedule")
                .arg("example", example)
        })?;
        let due_in = match inv.str("due-in") {
            Some(d) => parse_duration(d)
                .ok()
                .filter(|d| *d > Duration::zero())
                .ok_or_else(|| UserError::new("task-err-due-in").arg("value", d))?,
            None => Duration::hours(8),
        };
        Ok(NewRecurring {
            title: checked_text(title, TITLE_MAX, "title")?,
            schedule: input::schedule(text, now, tz)?,
            to: Assignee::required(inv)?,
            due_in,
            priority: input::priority(inv)?.unwrap_or(Priority::Normal),
            note: optional_text(inv, "note", NOTE_MAX)?,
            end: match (inv.str("until"), inv.int("times")) {
                (Some(_), Some(_)) => return Err(UserError::new("task-err-recurring-end-both")),
                (Some(d), None) => End::Until(input::day(d, now, tz)?),
                (None, Some(n)) if (1..=10_000).contains(&n) => End::Times(n),
                (None, Some(n)) => {
                    return Err(
                        UserError::new("task-err-recurring-times").arg("value", n.to_string())
                    );
                }
                (None, None) => End::Never,
            },
        })
    }
}

/// `/task recurring` without a title: every definition with its next occurrence.
pub(super) async fn list(ctx: &Ctx<'_>) -> AppResult<Reply> {
    let l = ctx.locale;
    let mut conn = ctx.conn().await?;
    let all = tasks::list_recurring(&mut conn, ctx.guild.guild_id).await?;
    let mut r = Reply::titled(l.t("task-recurring-list"));
    if all.is_empty() {
        r.lines.push(l.t("task-recurring-empty"));
    }
    for d in &all {
        let to = match (d.user_id, d.template.position) {
            (Some(u), _) => message::user_ref(u),
            (_, Some(p)) => l.t(&p.label_key()),
            _ => "—".into(),
        };
        let next = d
            .next_at
            .map(|n| message::ts(n, 'f'))
            .unwrap_or_else(|| "—".into());
        r.lines.push(format!(
            "**{}** {} · `{}` · {} · {}",
            d.id,
            escape_user_text(&d.template.title),
            d.schedule,
            to,
            tr!(l, "task-recurring-next", next = next),
        ));
        if d.end != End::Never
            && let Some(line) = r.lines.last_mut()
        {
            line.push_str(" · ");
            line.push_str(&end_text(l, d));
        }
    }
    r.ephemeral = true;
    Ok(r)
}

/// `/task recurring stop:ID` (managers).
pub(super) async fn stop(ctx: &Ctx<'_>, id: i64) -> AppResult<Reply> {
    ctx.require_manager()?;
    let stopped = ctx
        .write(async |conn| Ok(tasks::stop_recurring(conn, ctx.guild.guild_id, id).await?))
        .await?;
    if !stopped {
        return Err(UserError::new("task-err-recurring-not-found")
            .arg("id", id.to_string())
            .into());
    }
    Ok(
        Reply::titled(tr!(ctx.locale, "task-recurring-stopped", id = id))
            .severity(Severity::Success),
    )
}

/// `/task recurring title:…` (managers).
pub(super) async fn add(ctx: &Ctx<'_>, new: NewRecurring) -> AppResult<Reply> {
    ctx.require_manager()?;
    if let Assignee::Position(p) = new.to {
        mapped(ctx, p)?;
    }
    let (user_id, position) = new.to.parts();
    let tz = ctx.guild.timezone;
    let next = new
        .schedule
        .next_after(ctx.now, tz)
        .filter(|n| new.end.allows(*n, 1, tz));
    if next.is_none()
        && let End::Until(day) = new.end
    {
        return Err(UserError::new("task-err-recurring-ends-before")
            .arg("until", day.to_string())
            .into());
    }
    let def = Recurring {
        id: 0,
        template: TaskTemplate {
            guild_id: ctx.guild.guild_id,
            title: new.title,
            note: new.note,
            priority: new.priority,
            position,
            assigner_id: ctx.origin.actor.user_id,
            channel_id: ctx.origin.channel_id,
        },
        user_id,
        schedule: new.schedule.source().to_string(),
        due_minutes: new.due_in.num_minutes(),
        next_at: next,
        end: new.end,
        made: 0,
    };
    let id = ctx
        .write(async |conn| Ok(tasks::add_recurring(conn, &def, ctx.now).await?))
        .await?;
    let l = ctx.locale;
    let next = next
        .map(|n| format!("{} ({})", message::ts(n, 'F'), message::ts(n, 'R')))
        .unwrap_or_else(|| "—".into());
    Ok(Reply::titled(tr!(
        l,
        "task-recurring-added",
        id = id,
        title = escape_user_text(&def.template.title)
    ))
    .line(tr!(l, "task-recurring-next", next = next))
    .line(tr!(
        l,
        "task-recurring-due-in",
        due = duration_text(l, new.due_in)
    ))
    .line(end_text(l, &def))
    .severity(Severity::Success))
}

/// How a recurring task ends, as the list and the confirmation say it.
fn end_text(l: crate::i18n::Locale, d: &Recurring) -> String {
    match d.end {
        End::Never => l.t("task-recurring-end-never"),
        End::Until(day) => tr!(l, "task-recurring-end-until", until = day.to_string()),
        End::Times(n) => tr!(l, "task-recurring-end-times", made = d.made, times = n),
    }
}

/// Creates the tasks of every recurring definition that came due (at most the latest missed
/// occurrence per definition after downtime), each with its pings, and moves the definitions
/// on. Safe to run from several processes: an occurrence makes at most one task.
pub async fn materialise_recurring(app: &crate::app::App) -> AppResult<usize> {
    let now = app.clock.now();
    let mut conn = app.conn().await?;
    let due = tasks::due_recurring(&mut conn, now).await?;
    let mut created = 0;
    for d in due {
        let Some(expected) = d.next_at else { continue };
        let guild = crate::store::settings::get_or_init(
            &mut conn,
            d.template.guild_id,
            &app.config,
            crate::store::ms(now),
        )
        .await?;
        let schedule = match parse_schedule(&d.schedule) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(recurring = d.id, error = %e, "a stored schedule no longer parses; stopping it");
                tasks::stop_recurring(&mut conn, d.template.guild_id, d.id).await?;
                continue;
            }
        };
        // After downtime only the latest missed occurrence becomes a task; the ones before it
        // are each a notice due when they were, which the dispatcher sends late (within the
        // grace window) or lists by name in the "missed while offline" digest.
        // Only occurrences within the recurrence's end count (`until:`, `times:`).
        let tz = guild.timezone;
        let mut missed = Vec::new();
        let mut occurrence = expected;
        while let Some(n) = schedule
            .next_after(occurrence, tz)
            .filter(|n| *n <= now && d.end.allows(*n, d.made + missed.len() as i64 + 2, tz))
        {
            missed.push(occurrence);
            occurrence = n;
        }
        let occurred = missed.len() as i64 + 1;
        let next = schedule
            .next_after(occurrence.max(now), tz)
            .filter(|n| d.end.allows(*n, d.made + occurred + 1, tz));
        let last = next.is_none() && d.end != End::Never;
        let made = app
            .write(async |tx| {
                if !tasks::advance_recurring(tx, d.id, expected, next, occurred).await? {
                    return Ok(false);
                }
                for at in missed.iter().rev().take(MISSED_LISTED).rev() {
                    outbox::enqueue(tx, &missed_notice(&d, &guild, *at), now).await?;
                }
                occurrence_task(tx, app, &d, &guild, occurrence, last).await
            })
            .await?;
        created += usize::from(made);
    }
    Ok(created)
}

/// Creates the task of one occurrence (to the cover when its owner is covered), announces it
/// to its owner and plans its pings; false when the occurrence already has its task.
async fn occurrence_task(
    tx: &mut sqlx::SqliteConnection,
    app: &crate::app::App,
    d: &Recurring,
    guild: &crate::store::settings::GuildSettings,
    occurrence: chrono::DateTime<chrono::Utc>,
    last: bool,
) -> AppResult<bool> {
    let now = app.clock.now();
    let covers = tasks::covers(tx, d.template.guild_id, now).await?;
    let new = NewTask {
        template: d.template.clone(),
        assignee_id: cover_at(&covers, d.user_id, d.template.position, now).or(d.user_id),
        due_at: occurrence + Duration::minutes(d.due_minutes),
        recurring: Some((d.id, occurrence)),
    };
    let Some(t) = tasks::create(tx, &new, now, d.template.assigner_id).await? else {
        return Ok(false);
    };
    // Announce the new task to its owner, then plan its pings.
    let l = guild.locale;
    let mut r = describe(l, &t, guild);
    r.title = Some(headline(l, &t, "task-assigned"));
    if last {
        r.lines.push(tr!(l, "task-recurring-last", id = d.id));
    }
    r.mentions = owner_mentions(&t, guild);
    r.buttons = task_buttons(l, &t);
    let msg = NewMessage {
        guild_id: t.guild_id,
        dedupe_key: format!("task:{}:created", t.id),
        source: format!("task-created:{}", t.id),
        target: Target::Channel(t.channel_id),
        reply: r,
        due_at: now,
    };
    outbox::enqueue(tx, &msg, now).await?;
    schedule_new(tx, &t, guild, &app.config.tasks, now, &covers).await?;
    Ok(true)
}

/// Most missed occurrences of one definition noticed after a downtime (the latest ones).
const MISSED_LISTED: usize = 31;

/// The notice of an occurrence that came while the bot was down and was not created.
fn missed_notice(
    d: &Recurring,
    guild: &crate::store::settings::GuildSettings,
    at: chrono::DateTime<chrono::Utc>,
) -> NewMessage {
    let l = guild.locale;
    let title = tr!(
        l,
        "task-recurring-missed",
        title = escape_user_text(&d.template.title),
        when = message::ts(at, 'f')
    );
    NewMessage {
        guild_id: d.template.guild_id,
        dedupe_key: format!("recurring:{}:missed:{}", d.id, at.timestamp()),
        source: format!("recurring:{}", d.id),
        target: Target::Channel(d.template.channel_id),
        reply: Reply::titled(title).severity(Severity::Warning),
        due_at: at,
    }
}
