//! How tasks look: one task (with its history), a page of a list, the statistics, the buttons
//! on a task's messages, and the suggestions while typing.

use chrono::Duration;

use super::buttons::TaskButton;
use super::{is_manager, load, may_act, role_of};
use crate::app::input::{self, Period};
use crate::app::{AppResult, Ctx, Invocation, Suggestions, UserError, view};
use crate::domain::deadline::parse_deadline;
use crate::domain::position::Position;
use crate::domain::task::{Priority, Status, Task};
use crate::domain::{ical, in_time};
use crate::i18n::{Locale, duration_text};
use crate::message::{self, ButtonStyle, Reply, Severity, escape_user_text};
use crate::store::events::Log;
use crate::store::settings::GuildSettings;
use crate::store::tasks::{self, Filter};
use crate::tr;

/// Buttons on a task's pings; their ids encode the task, so they work after a restart.
pub(super) fn task_buttons(locale: Locale, t: &Task) -> Vec<message::Button> {
    use ButtonStyle::{Primary, Secondary, Success};
    use TaskButton as B;
    let id = t.id;
    let list = if t.assignee_id.is_none() {
        vec![
            (B::Take(id), "task-btn-take", Primary),
            (B::Done(id), "task-btn-done", Success),
        ]
    } else {
        let mut v = vec![(B::Done(id), "task-btn-done", Success)];
        if t.status == Status::Open {
            v.push((B::Start(id), "task-btn-start", Primary));
        }
        v.push((B::SnoozeHour(id), "task-btn-snooze-1h", Secondary));
        v.push((B::SnoozeTomorrow(id), "task-btn-snooze-tomorrow", Secondary));
        v
    };
    crate::app::view::buttons(locale, list)
}

pub(super) fn who(t: &Task, guild: &GuildSettings) -> String {
    match (t.assignee_id, t.position) {
        (Some(u), _) => message::user_ref(u),
        (None, Some(p)) => role_of(guild, p)
            .map(message::role_ref)
            .unwrap_or_else(|| p.key().to_string()),
        (None, None) => "—".into(),
    }
}

/// A headline about a task: the message `key` with the task's number and (escaped) title.
pub(super) fn headline(locale: Locale, t: &Task, key: &str) -> String {
    tr!(locale, key, id = t.id, title = escape_user_text(&t.title))
}

/// The body shared by every view of a task: title, deadline, owner, priority, note.
pub(super) fn describe(locale: Locale, t: &Task, guild: &GuildSettings) -> Reply {
    let status = locale.t(&format!("task-status-{}", t.status.key()));
    let mut r = Reply::titled(tr!(
        locale,
        "task-title",
        id = t.id,
        title = escape_user_text(&t.title)
    ))
    .field(
        locale.t("task-field-due"),
        format!(
            "{} ({})",
            message::ts(t.due_at, 'F'),
            message::ts(t.due_at, 'R')
        ),
        false,
    )
    .field(locale.t("task-field-assignee"), who(t, guild), true)
    .field(
        locale.t("task-field-priority"),
        locale.t(&format!("choice-{}", t.priority.key())),
        true,
    )
    .field(locale.t("task-field-status"), status, true);
    if let Some(n) = &t.note {
        r = r.field(locale.t("task-field-note"), escape_user_text(n), false);
    }
    r.severity = match t.priority {
        Priority::Urgent => Severity::Danger,
        Priority::High => Severity::Warning,
        _ => Severity::Info,
    };
    r
}

/// Which tasks `/task list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// One member's.
    User(u64),
    /// A position's (not yet taken and taken).
    Position(Position),
    /// Past their deadline.
    Overdue,
    /// Everything active (managers).
    All,
}

impl ListScope {
    /// Its part of a page button's id.
    pub(super) fn encode(self) -> String {
        match self {
            ListScope::User(u) => format!("u{u}"),
            ListScope::Position(p) => format!("p{}", p.key()),
            ListScope::Overdue => "o".into(),
            ListScope::All => "a".into(),
        }
    }

    /// Reads [`ListScope::encode`]'s form.
    pub(super) fn decode(s: &str) -> Option<ListScope> {
        match s.split_at_checked(1)? {
            ("u", u) => u.parse().ok().map(ListScope::User),
            ("p", p) => p.parse().ok().map(ListScope::Position),
            ("o", "") => Some(ListScope::Overdue),
            ("a", "") => Some(ListScope::All),
            _ => None,
        }
    }
}

/// What a list of `scope` selects, or the refusal when the actor may not list it.
fn filter_for(ctx: &Ctx<'_>, scope: ListScope) -> Result<Filter, UserError> {
    let me = ctx.origin.actor.user_id;
    let manager = is_manager(ctx);
    let filter = match scope {
        ListScope::User(u) if u == me => Filter {
            assignee: Some(u),
            ..Filter::default()
        },
        ListScope::User(u) if manager => Filter {
            assignee: Some(u),
            ..Filter::default()
        },
        ListScope::Position(p)
            if manager || ctx.origin.actor.positions_in(&ctx.guild).contains(&p) =>
        {
            Filter {
                position: Some(p),
                ..Filter::default()
            }
        }
        ListScope::Overdue if manager => Filter {
            overdue_at: Some(ctx.now),
            ..Filter::default()
        },
        ListScope::Overdue => Filter {
            overdue_at: Some(ctx.now),
            assignee: Some(me),
            ..Filter::default()
        },
        ListScope::All if manager => Filter::default(),
        _ => return Err(UserError::new("task-err-list-others")),
    };
    Ok(filter)
}

/// The tasks a list shows, as an iCalendar file: each an event of half an hour ending at its
/// deadline, with a UID per task so importing again updates it.
pub(super) async fn list_ics(ctx: &Ctx<'_>, scope: ListScope) -> AppResult<Reply> {
    let filter = filter_for(ctx, scope)?;
    let mut conn = ctx.conn().await?;
    let (rows, total) = tasks::list(&mut conn, ctx.guild.guild_id, &filter, 0, ICS_MAX).await?;
    drop(conn);
    let l = ctx.locale;
    let events: Vec<ical::Event> = rows
        .iter()
        .map(|t| {
            let status = l.t(&format!("task-status-{}", t.status.key()));
            let priority = l.t(&format!("choice-{}", t.priority.key()));
            let mut description = tr!(
                l,
                "task-ics-description",
                status = status,
                priority = priority
            );
            if let Some(n) = &t.note {
                description.push('\n');
                description.push_str(n);
            }
            ical::Event {
                uid: format!("task-{}-g{}@storeops", t.id, t.guild_id),
                start: t.due_at - Duration::minutes(30),
                end: t.due_at,
                summary: format!("#{} {}", t.id, t.title),
                description: Some(description),
                recur: None,
            }
        })
        .collect();
    let text = ical::calendar(
        &l.t("task-ics-name"),
        ctx.guild.timezone.name(),
        &events,
        ctx.now,
    );
    let mut r = Reply::titled(tr!(l, "task-ics-title", count = rows.len()));
    if total > ICS_MAX {
        r.lines
            .push(tr!(l, "task-ics-more", shown = ICS_MAX, total = total));
    }
    r.attachments.push(message::Attachment {
        filename: "tasks.ics".into(),
        bytes: text.into_bytes(),
    });
    r.severity = Severity::Success;
    r.ephemeral = true;
    Ok(r)
}

/// Most tasks a calendar file holds.
const ICS_MAX: i64 = 1000;

pub(super) async fn list(ctx: &Ctx<'_>, scope: ListScope, page: i64) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let filter = filter_for(ctx, scope)?;
    let mut conn = ctx.conn().await?;
    let (skip, take) = view::list_window(page);
    let (rows, total) = tasks::list(&mut conn, ctx.guild.guild_id, &filter, skip, take).await?;
    let pages = view::list_pages(total);
    let l = ctx.locale;
    let heading = match scope {
        ListScope::User(u) if u == me => l.t("task-list-mine"),
        ListScope::User(u) => tr!(l, "task-list-of", who = message::user_ref(u)),
        ListScope::Position(p) => tr!(l, "task-list-of", who = l.t(&p.label_key())),
        ListScope::Overdue => l.t("task-list-overdue"),
        ListScope::All => l.t("task-list-all"),
    };
    let mut r = Reply::titled(tr!(
        l,
        "task-list-title",
        heading = heading,
        page = page,
        pages = pages,
        total = total
    ));
    if rows.is_empty() {
        r.lines.push(l.t("task-list-empty"));
    }
    for t in &rows {
        let late = if in_time(ctx.now, t.due_at) {
            ""
        } else {
            " ⚠️"
        };
        r.lines.push(format!(
            "**#{}** {} — {} {}{} · {} · {}",
            t.id,
            escape_user_text(&t.title),
            message::ts(t.due_at, 'f'),
            message::ts(t.due_at, 'R'),
            late,
            who(t, &ctx.guild),
            l.t(&format!("choice-{}", t.priority.key())),
        ));
    }
    if page > 1 {
        r = r.button(
            TaskButton::Page {
                scope,
                page: page - 1,
            }
            .to_string(),
            l.t("btn-prev"),
            ButtonStyle::Secondary,
        );
    }
    if page < pages {
        r = r.button(
            TaskButton::Page {
                scope,
                page: page + 1,
            }
            .to_string(),
            l.t("btn-next"),
            ButtonStyle::Secondary,
        );
    }
    r.ephemeral = true;
    Ok(r)
}

pub(super) async fn show(ctx: &Ctx<'_>, id: i64, page: i64) -> AppResult<Reply> {
    let mut conn = ctx.conn().await?;
    let t = load(&mut conn, ctx, id).await?;
    // Members see the tasks that are theirs or their position's; managers see all.
    if !may_act(ctx, &t) {
        return Err(crate::app::access::refused(crate::app::access::Rule::TaskParty).into());
    }
    let l = ctx.locale;
    let r = describe(l, &t, &ctx.guild);
    let mut r = view::with_history(&mut conn, (r, l), (Log::Task, id), page, |e| {
        // Comments and notes are the user's text; the other details are the bot's own markup.
        match (e.kind.as_str(), e.detail.as_deref()) {
            ("edited" | "snoozed" | "taken", Some(d)) => {
                format!(": {}", view::detail_text(l, d, false))
            }
            ("reassigned", Some(d)) => format!(": {}", view::detail_text(l, d, true)),
            (_, Some(d)) => format!(": {}", escape_user_text(d)),
            (_, None) => String::new(),
        }
    })
    .await?;
    if t.status.is_active() && may_act(ctx, &t) {
        r.buttons = task_buttons(l, &t);
    }
    r.ephemeral = true;
    Ok(r)
}

pub(super) async fn stats(ctx: &Ctx<'_>, period: Period, user: Option<u64>) -> AppResult<Reply> {
    let Period { from, to, label } = period;
    let me = ctx.origin.actor.user_id;
    let only = match user {
        Some(u) if u != me && !is_manager(ctx) => {
            return Err(UserError::new("task-err-stats-others").into());
        }
        Some(u) => Some(u),
        None if is_manager(ctx) => None,
        None => Some(me),
    };
    let mut conn = ctx.conn().await?;
    let rows = tasks::stats(&mut conn, ctx.guild.guild_id, from, to, ctx.now).await?;
    let l = ctx.locale;
    let mut r = Reply::titled(tr!(l, "task-stats-title", period = label));
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|s| only.is_none_or(|u| s.user_id == u))
        .collect();
    if rows.is_empty() {
        r.lines.push(l.t("task-stats-empty"));
    }
    for s in rows.iter().take(25) {
        let late = s
            .avg_late_minutes
            .map(|m| duration_text(l, Duration::minutes(m.round() as i64)))
            .unwrap_or_else(|| "—".into());
        let rate = if s.assigned > 0 {
            format!("{:.0}%", 100.0 * s.on_time as f64 / s.assigned as f64)
        } else {
            "—".into()
        };
        r = r.field(
            ctx.t("task-stats-member"),
            format!(
                "{}\n{}",
                message::user_ref(s.user_id),
                tr!(
                    l,
                    "task-stats-line",
                    assigned = s.assigned,
                    done = s.done,
                    on_time = s.on_time,
                    rate = rate,
                    overdue = s.overdue_now,
                    late = late
                )
            ),
            true,
        );
    }
    r.ephemeral = true;
    Ok(r)
}

/// Suggestions for `id` (the user's open tasks: title + due) and `due` (how the text was
/// understood, before sending).
pub async fn autocomplete(ctx: &Ctx<'_>, inv: &Invocation, focused: &str) -> Suggestions {
    let l = ctx.locale;
    let tz = ctx.guild.timezone;
    match focused {
        "due" => {
            let typed = inv.str("due").unwrap_or("");
            if typed.is_empty() {
                // Examples in the reader's language (an English reader also sees a Chinese one:
                // both are read).
                let examples: &[&str] = match l {
                    Locale::EnUs => &["18:00", "tomorrow 9am", "fri 17:00", "in 3h", "明天 18:00"],
                    _ => &["18:00", "明天 9点", "周五 17:00", "3小时后", "下周一 10点"],
                };
                return Ok(examples
                    .iter()
                    .map(|s| (s.to_string(), s.to_string()))
                    .collect());
            }
            Ok(vec![
                match parse_deadline(typed, ctx.now, tz, ctx.app.config.hours) {
                    Ok(at) => {
                        let local = at.with_timezone(&tz);
                        let label = match l {
                            Locale::EnUs => format!(
                                "{} ({})",
                                local.format("%a %d %b %H:%M"),
                                relative(l, at - ctx.now)
                            ),
                            _ => format!(
                                "{} {} {}（{}）",
                                local.format("%-m月%-d日"),
                                l.t(&format!(
                                    "weekday-{}",
                                    chrono::Datelike::weekday(&local).num_days_from_monday()
                                )),
                                local.format("%H:%M"),
                                relative(l, at - ctx.now)
                            ),
                        };
                        (typed.to_string(), label)
                    }
                    Err(e) => (typed.to_string(), input::deadline_error(e, tz).render(l)),
                },
            ])
        }
        "id" => {
            let typed = inv.typed("id");
            let closed = inv
                .path
                .get(1)
                .is_some_and(|s| s == "reopen" || s == "show");
            let mut conn = ctx.conn().await?;
            let rows = tasks::suggest(
                &mut conn,
                ctx.guild.guild_id,
                ctx.origin.actor.user_id,
                is_manager(ctx),
                &typed,
                closed,
            )
            .await?;
            Ok(rows
                .iter()
                .map(|t| {
                    let due = t.due_at.with_timezone(&tz).format("%m-%d %H:%M");
                    (t.id.to_string(), format!("#{} {} · {}", t.id, t.title, due))
                })
                .collect())
        }
        _ => Ok(vec![]),
    }
}

fn relative(l: Locale, d: Duration) -> String {
    if d < Duration::zero() {
        return duration_text(l, -d);
    }
    tr!(l, "time-in", span = duration_text(l, d))
}
