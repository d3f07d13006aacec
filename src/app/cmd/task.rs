//! `/task ...`: assign work to a member or a position with a deadline; the pings before, at
//! and after the deadline go through the outbox in the same transaction as the change, so a
//! task that is done, moved or reassigned never pings with stale facts.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::SqliteConnection;

use crate::app::reply::{self, ButtonStyle, Mentions, Reply, Severity, escape_user_text};
use crate::app::{AppResult, Ctx, Invocation, UserError, view};
use crate::domain::deadline::{self, DeadlineError, WorkingHours, parse_deadline, parse_duration};
use crate::domain::position::Position;
use crate::domain::schedule::{ScheduleError, parse_schedule};
use crate::domain::task::{PingKind, Priority, Status, Transition, ping_plan};
use crate::i18n::{Locale, duration_text};
use crate::store::StoreError;
use crate::store::outbox::{self, NewMessage, Target};
use crate::store::settings::GuildSettings;
use crate::store::tasks::{self, Cover, Filter, NewTask, Recurring, Task, TaskChange};
use crate::tr;

/// Tasks per page of `/task list` (keeps the embed far below Discord's 6,000 characters).
pub const PAGE_SIZE: i64 = 10;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;

/// Longest note or comment, in characters.
pub const NOTE_MAX: usize = 1000;

// ---------------------------------------------------------------- parsing

/// A deadline error in the user's language, with examples of what works.
pub fn deadline_error(e: DeadlineError, tz: Tz) -> UserError {
    match e {
        DeadlineError::Past {
            understood,
            suggestion,
        } => UserError::new("task-err-due-past")
            .arg(
                "understood",
                understood
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            )
            .arg("suggestion", suggestion),
        DeadlineError::TooFar { input } => UserError::new("task-err-due-far").arg("value", input),
        DeadlineError::InvalidDate { input } => {
            UserError::new("task-err-due-invalid").arg("value", input)
        }
        DeadlineError::Empty => UserError::new("task-err-due-unknown").arg("value", ""),
        DeadlineError::Unrecognized {
            input,
            suggestion: None,
        } => UserError::new("task-err-due-unknown").arg("value", input),
        DeadlineError::Unrecognized {
            input,
            suggestion: Some(suggestion),
        } => UserError::new("task-err-due-nearest")
            .arg("value", input)
            .arg("suggestion", suggestion),
        DeadlineError::WeekdayMismatch { input, suggestion } => {
            UserError::new("task-err-due-weekday")
                .arg("value", input)
                .arg("suggestion", suggestion)
        }
    }
}

/// A schedule error in the user's language.
pub fn schedule_error(e: ScheduleError) -> UserError {
    let (key, input) = match e {
        ScheduleError::Unsupported {
            input,
            feature,
            instead,
            instead_zh,
        } => {
            return UserError::new("err-schedule-unsupported")
                .arg("value", input)
                .arg("feature", feature)
                .arg("instead", instead)
                .arg("instead_zh", instead_zh);
        }
        ScheduleError::TooFrequent { input } => ("err-schedule-frequent", input),
        ScheduleError::NeverFires { input } => ("err-schedule-never", input),
        ScheduleError::Empty => ("err-schedule-unknown", String::new()),
        ScheduleError::Unrecognized { input }
        | ScheduleError::BadCron { input, .. }
        | ScheduleError::BadTime { input } => ("err-schedule-unknown", input),
    };
    UserError::new(key).arg("value", input)
}

fn parse_due(ctx: &Ctx<'_>, text: &str) -> Result<DateTime<Utc>, UserError> {
    parse_deadline(text, ctx.now, ctx.guild.timezone, ctx.app.config.hours)
        .map_err(|e| deadline_error(e, ctx.guild.timezone))
}

fn parse_position(text: &str) -> Result<Position, UserError> {
    text.parse()
        .map_err(|_| UserError::new("err-bad-position").arg("value", text))
}

fn parse_priority(inv: &Invocation) -> Result<Option<Priority>, UserError> {
    match inv.str("priority") {
        None => Ok(None),
        Some(p) => Priority::parse(p).map(Some).ok_or_else(|| {
            UserError::new("err-bad-choice")
                .arg("option", "priority")
                .arg("value", p)
                .arg("choices", "low, normal, high, urgent")
        }),
    }
}

/// Who a task goes to: a member or a position (exactly one).
enum Assignee {
    User(u64),
    Position(Position),
}

fn parse_assignee(inv: &Invocation, required: bool) -> Result<Option<Assignee>, UserError> {
    match (inv.user("user"), inv.str("position")) {
        (Some(_), Some(_)) => Err(UserError::new("task-err-user-or-position")),
        (Some((id, _)), None) => Ok(Some(Assignee::User(id))),
        (None, Some(p)) => Ok(Some(Assignee::Position(parse_position(p)?))),
        (None, None) if required => Err(UserError::new("task-err-user-or-position")),
        (None, None) => Ok(None),
    }
}

/// A day typed as `2026-12-01`, `12/1`, `today`, `明天` ..., as a local date.
pub fn parse_day(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<NaiveDate, UserError> {
    let t = text.trim();
    let today = now.with_timezone(&tz).date_naive();
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Ok(d);
        }
    }
    for sep in ['/', '-'] {
        if let Some((m, d)) = t.split_once(sep)
            && let (Ok(m), Ok(d)) = (m.parse::<u32>(), d.parse::<u32>())
            && let Some(date) = NaiveDate::from_ymd_opt(today.year(), m, d)
        {
            return Ok(date);
        }
    }
    // Only the day is kept, and working hours never move a day.
    match parse_deadline(t, now, tz, WorkingHours::default()) {
        Ok(at) => Ok(at.with_timezone(&tz).date_naive()),
        Err(DeadlineError::Past { understood, .. }) => {
            Ok(understood.with_timezone(&tz).date_naive())
        }
        Err(_) => Err(UserError::new("task-err-day").arg("value", t)),
    }
}

// ---------------------------------------------------------------- permissions

fn is_manager(ctx: &Ctx<'_>) -> bool {
    ctx.origin.actor.is_manager(&ctx.guild)
}

/// The assignee, the assigner, a manager, or (for a task nobody took yet) a holder of its
/// position may act on a task.
fn may_act(ctx: &Ctx<'_>, t: &Task) -> bool {
    let me = ctx.origin.actor.user_id;
    is_manager(ctx)
        || t.assignee_id == Some(me)
        || t.assigner_id == me
        || (t.assignee_id.is_none()
            && t.position
                .is_some_and(|p| ctx.origin.actor.positions_in(&ctx.guild).contains(&p)))
}

fn may_manage(ctx: &Ctx<'_>, t: &Task) -> bool {
    is_manager(ctx) || t.assigner_id == ctx.origin.actor.user_id
}

async fn load(conn: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Task> {
    tasks::get(conn, ctx.guild.guild_id, id)
        .await?
        .ok_or_else(|| {
            UserError::new("task-err-not-found")
                .arg("id", id.to_string())
                .into()
        })
}

// ---------------------------------------------------------------- pings

fn role_of(guild: &GuildSettings, p: Position) -> Option<u64> {
    guild.positions.get(&p).copied()
}

fn cover_at(covers: &[Cover], t: &Task, at: DateTime<Utc>) -> Option<u64> {
    let active = |c: &&Cover| c.starts_at <= at && at < c.ends_at;
    match t.assignee_id {
        Some(u) => covers
            .iter()
            .filter(active)
            .find(|c| c.user_id == Some(u))
            .map(|c| c.cover_id),
        None => covers
            .iter()
            .filter(active)
            .find(|c| c.position.is_some() && c.position == t.position)
            .map(|c| c.cover_id),
    }
}

/// Buttons on a task's pings; their ids encode the task, so they work after a restart.
fn task_buttons(locale: Locale, t: &Task) -> Vec<reply::Button> {
    let b = |id: String, key: &str, style| reply::Button {
        id,
        label: locale.t(key),
        style,
    };
    if t.assignee_id.is_none() {
        return vec![
            b(
                format!("task:take:{}", t.id),
                "task-btn-take",
                ButtonStyle::Primary,
            ),
            b(
                format!("task:done:{}", t.id),
                "task-btn-done",
                ButtonStyle::Success,
            ),
        ];
    }
    let mut out = vec![b(
        format!("task:done:{}", t.id),
        "task-btn-done",
        ButtonStyle::Success,
    )];
    if t.status == Status::Open {
        out.push(b(
            format!("task:start:{}", t.id),
            "task-btn-start",
            ButtonStyle::Primary,
        ));
    }
    out.push(b(
        format!("task:snooze1h:{}", t.id),
        "task-btn-snooze-1h",
        ButtonStyle::Secondary,
    ));
    out.push(b(
        format!("task:snoozetmr:{}", t.id),
        "task-btn-snooze-tomorrow",
        ButtonStyle::Secondary,
    ));
    out
}

fn who(t: &Task, guild: &GuildSettings) -> String {
    match (t.assignee_id, t.position) {
        (Some(u), _) => reply::user_ref(u),
        (None, Some(p)) => role_of(guild, p)
            .map(reply::role_ref)
            .unwrap_or_else(|| p.key().to_string()),
        (None, None) => "—".into(),
    }
}

/// The body shared by every view of a task: title, deadline, owner, priority, note.
fn describe(locale: Locale, t: &Task, guild: &GuildSettings) -> Reply {
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
            reply::ts(t.due_at, 'F'),
            reply::ts(t.due_at, 'R')
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
        let cover = cover_at(&covers, t, at);
        let owner = match (cover, t.assignee_id, t.position) {
            (Some(c), _, _) => Mentions::user(c),
            (None, Some(u), _) => Mentions::user(u),
            (None, None, Some(p)) => role_of(guild, p).map(Mentions::role).unwrap_or_default(),
            _ => Mentions::none(),
        };
        if let Some(c) = cover {
            r.lines.push(tr!(
                locale,
                "task-covering",
                cover = reply::user_ref(c),
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

/// Runs `change` on a task and replans its pings, all in one transaction.
async fn change_task(
    ctx: &Ctx<'_>,
    id: i64,
    check: impl FnOnce(&Ctx<'_>, &Task) -> Result<(), UserError>,
    change: impl AsyncFnOnce(&mut SqliteConnection, &Task) -> AppResult<()>,
) -> AppResult<Task> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = crate::store::write_tx(&mut conn).await?;
    let before = load(&mut tx, ctx, id).await?;
    check(ctx, &before)?;
    change(&mut tx, &before).await?;
    let after = load(&mut tx, ctx, id).await?;
    reschedule(&mut tx, &after, &ctx.guild, &ctx.app.config.tasks, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    Ok(after)
}

// ---------------------------------------------------------------- commands

/// Routes `/task <sub>`.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match sub {
        "assign" => assign(ctx, inv).await,
        "list" => {
            let scope = inv.str("scope").unwrap_or("mine");
            let scope = match (inv.user("user"), inv.str("position")) {
                (Some((u, _)), _) => ListScope::User(u),
                (None, Some(p)) => ListScope::Position(parse_position(p)?),
                _ => match scope {
                    "overdue" => ListScope::Overdue,
                    "all" => ListScope::All,
                    _ => ListScope::User(ctx.origin.actor.user_id),
                },
            };
            let page = inv.int("page").unwrap_or(1).max(1);
            list(ctx, scope, page).await
        }
        "show" => show(ctx, inv.id("id")?, inv.int("page").unwrap_or(1)).await,
        "start" => transition(ctx, inv.id("id")?, Transition::Start, inv.str("note")).await,
        "done" => transition(ctx, inv.id("id")?, Transition::Done, inv.str("note")).await,
        "reopen" => transition(ctx, inv.id("id")?, Transition::Reopen, inv.str("note")).await,
        "cancel" => transition(ctx, inv.id("id")?, Transition::Cancel, inv.str("note")).await,
        "edit" => edit(ctx, inv).await,
        "reassign" => reassign(ctx, inv).await,
        "comment" => comment(ctx, inv).await,
        "cover" => cover(ctx, inv).await,
        "stats" => stats(ctx, inv).await,
        "recurring" => recurring(ctx, inv).await,
        _ => Err(UserError::new("err-unknown-command")
            .arg("command", format!("/task {sub}"))
            .into()),
    }
}

async fn assign(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let title = super::checked_text(inv.req_str("title")?, TITLE_MAX, "title")?;
    let due = parse_due(ctx, inv.req_str("due")?)?;
    let to = parse_assignee(inv, false)?.unwrap_or(Assignee::User(ctx.origin.actor.user_id));
    let priority = parse_priority(inv)?.unwrap_or(Priority::Normal);
    let note = inv
        .str("note")
        .map(|n| super::checked_text(n, NOTE_MAX, "note"))
        .transpose()?;
    let me = ctx.origin.actor.user_id;
    let to_self = matches!(to, Assignee::User(u) if u == me);
    if !to_self && !is_manager(ctx) && !ctx.app.config.tasks.members_assign_others {
        return Err(UserError::new("task-err-assign-others").into());
    }
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let covers = tasks::covers(&mut conn, ctx.guild.guild_id, ctx.now).await?;
    // New work for someone (or a position) who is covered goes to the cover.
    let active = |c: &&Cover| c.starts_at <= ctx.now && ctx.now < c.ends_at;
    let (assignee, position, covered) = match to {
        Assignee::User(u) => match covers.iter().filter(active).find(|c| c.user_id == Some(u)) {
            Some(c) => (Some(c.cover_id), None, Some(reply::user_ref(u))),
            None => (Some(u), None, None),
        },
        Assignee::Position(p) => {
            if role_of(&ctx.guild, p).is_none() {
                return Err(UserError::new("task-err-position-unmapped")
                    .arg("position", ctx.t(&p.label_key()))
                    .into());
            }
            match covers.iter().filter(active).find(|c| c.position == Some(p)) {
                Some(c) => (Some(c.cover_id), Some(p), Some(ctx.t(&p.label_key()))),
                None => (None, Some(p), None),
            }
        }
    };
    let new = NewTask {
        guild_id: ctx.guild.guild_id,
        title,
        note,
        priority,
        assignee_id: assignee,
        position,
        assigner_id: me,
        channel_id: ctx.origin.channel_id,
        due_at: due,
        recurring: None,
    };
    let mut tx = crate::store::write_tx(&mut conn).await?;
    let id = tasks::insert(&mut tx, &new, ctx.now)
        .await?
        .ok_or_else(|| StoreError::Corrupt("task insert".into()))?;
    tasks::add_event(&mut tx, id, ctx.now, me, "created", None).await?;
    let t = load(&mut tx, ctx, id).await?;
    reschedule(&mut tx, &t, &ctx.guild, &ctx.app.config.tasks, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();

    let l = ctx.locale;
    let mut r = describe(l, &t, &ctx.guild);
    r.title = Some(tr!(
        l,
        "task-assigned",
        id = t.id,
        title = escape_user_text(&t.title)
    ));
    r.severity = Severity::Success;
    if let Some(original) = covered {
        r.lines.push(tr!(
            l,
            "task-assigned-cover",
            owner = original,
            cover = who(&t, &ctx.guild)
        ));
    }
    match (t.assignee_id, t.position) {
        (Some(u), _) if u != me => r.mentions = Mentions::user(u),
        (None, Some(p)) => {
            r.mentions = role_of(&ctx.guild, p)
                .map(Mentions::role)
                .unwrap_or_default();
            r.lines.push(l.t("task-take-hint"));
        }
        _ => {}
    }
    r.buttons = task_buttons(l, &t);
    Ok(r)
}

/// Which tasks `/task list` shows.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    fn encode(self) -> String {
        match self {
            ListScope::User(u) => format!("u{u}"),
            ListScope::Position(p) => format!("p{}", p.key()),
            ListScope::Overdue => "o".into(),
            ListScope::All => "a".into(),
        }
    }

    fn decode(s: &str) -> Option<ListScope> {
        match s.split_at_checked(1)? {
            ("u", u) => u.parse().ok().map(ListScope::User),
            ("p", p) => p.parse().ok().map(ListScope::Position),
            ("o", "") => Some(ListScope::Overdue),
            ("a", "") => Some(ListScope::All),
            _ => None,
        }
    }
}

async fn list(ctx: &Ctx<'_>, scope: ListScope, page: i64) -> AppResult<Reply> {
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
        _ => return Err(UserError::new("task-err-list-others").into()),
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let (rows, total) = tasks::list(
        &mut conn,
        ctx.guild.guild_id,
        &filter,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let l = ctx.locale;
    let heading = match scope {
        ListScope::User(u) if u == me => l.t("task-list-mine"),
        ListScope::User(u) => tr!(l, "task-list-of", who = reply::user_ref(u)),
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
        let late = if t.due_at < ctx.now { " ⚠️" } else { "" };
        r.lines.push(format!(
            "**#{}** {} — {} {}{} · {} · {}",
            t.id,
            escape_user_text(&t.title),
            reply::ts(t.due_at, 'f'),
            reply::ts(t.due_at, 'R'),
            late,
            who(t, &ctx.guild),
            l.t(&format!("choice-{}", t.priority.key())),
        ));
    }
    if page > 1 {
        r = r.button(
            format!("task:page:{}:{}", scope.encode(), page - 1),
            l.t("btn-prev"),
            ButtonStyle::Secondary,
        );
    }
    if page < pages {
        r = r.button(
            format!("task:page:{}:{}", scope.encode(), page + 1),
            l.t("btn-next"),
            ButtonStyle::Secondary,
        );
    }
    r.ephemeral = true;
    Ok(r)
}

async fn show(ctx: &Ctx<'_>, id: i64, page: i64) -> AppResult<Reply> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let t = load(&mut conn, ctx, id).await?;
    let (_, total) = tasks::events(&mut conn, id, 0, 0).await?;
    let newer = view::history_offset(page, total);
    let (events, total) = tasks::events(&mut conn, id, newer, view::HISTORY_PAGE).await?;
    let l = ctx.locale;
    let r = describe(l, &t, &ctx.guild);
    let history: Vec<String> = events
        .iter()
        .map(|e| {
            let what = l.t(&format!("task-event-{}", e.kind));
            // Comments and notes are the user's text; the other details are the bot's own markup.
            let detail = match (e.kind.as_str(), e.detail.as_deref()) {
                ("edited" | "reassigned" | "snoozed", Some(d)) => format!(": {d}"),
                (_, Some(d)) => format!(": {}", escape_user_text(d)),
                (_, None) => String::new(),
            };
            format!(
                "{} {} {}{}",
                reply::ts(e.at, 'f'),
                reply::user_ref(e.actor_id),
                what,
                detail
            )
        })
        .collect();
    let mut r = view::history(
        r,
        l,
        history,
        newer,
        total,
        &format!("/task show id:{id} page:{{page}}"),
    );
    if t.status.is_active() && may_act(ctx, &t) {
        r.buttons = task_buttons(l, &t);
    }
    r.ephemeral = true;
    Ok(r)
}

async fn transition(
    ctx: &Ctx<'_>,
    id: i64,
    tr: Transition,
    note: Option<&str>,
) -> AppResult<Reply> {
    let note = note
        .map(|n| super::checked_text(n, NOTE_MAX, "note"))
        .transpose()?;
    let me = ctx.origin.actor.user_id;
    let now = ctx.now;
    let t = change_task(
        ctx,
        id,
        |ctx, t| {
            let allowed = match tr {
                Transition::Cancel => may_manage(ctx, t),
                _ => may_act(ctx, t),
            };
            if !allowed {
                let key = if tr == Transition::Cancel {
                    "task-err-not-assigner"
                } else {
                    "task-err-not-yours"
                };
                return Err(UserError::new(key).arg("id", t.id.to_string()));
            }
            if tr.apply(t.status).is_none() {
                return Err(UserError::new("task-err-transition")
                    .arg("id", t.id.to_string())
                    .arg("status", ctx.t(&format!("task-status-{}", t.status.key()))));
            }
            Ok(())
        },
        async |conn, t| {
            let to = tr.apply(t.status).unwrap_or(t.status);
            tasks::set_status(conn, t.id, to, now).await?;
            // Whoever finishes or starts a position's task owns it from then on.
            if t.assignee_id.is_none() && matches!(tr, Transition::Start | Transition::Done) {
                tasks::update(
                    conn,
                    t.id,
                    &TaskChange {
                        assignee: Some(Some(me)),
                        ..TaskChange::default()
                    },
                    now,
                )
                .await?;
            }
            tasks::add_event(conn, t.id, now, me, tr.key(), note.as_deref()).await?;
            Ok(())
        },
    )
    .await?;
    let l = ctx.locale;
    let mut r = describe(l, &t, &ctx.guild);
    r.title = Some(tr!(
        l,
        &format!("task-now-{}", tr.key()),
        id = t.id,
        title = escape_user_text(&t.title)
    ));
    r.severity = if tr == Transition::Done {
        Severity::Success
    } else {
        Severity::Info
    };
    // A task still running keeps its buttons (Done after Start, for instance).
    if t.status.is_active() {
        r.buttons = task_buttons(l, &t);
    }
    if tr == Transition::Done {
        let late = t
            .done_at
            .map(|d| d - t.due_at)
            .filter(|d| *d > Duration::minutes(1));
        r.lines.push(match late {
            Some(d) => tr!(l, "task-done-late", late = duration_text(l, d)),
            None => l.t("task-done-on-time"),
        });
    }
    Ok(r)
}

async fn edit(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let id = inv.id("id")?;
    let change = TaskChange {
        title: inv
            .str("title")
            .map(|s| super::checked_text(s, TITLE_MAX, "title"))
            .transpose()?,
        note: inv
            .str("note")
            .map(|s| super::checked_text(s, NOTE_MAX, "note"))
            .transpose()?,
        priority: parse_priority(inv)?,
        due_at: inv.str("due").map(|d| parse_due(ctx, d)).transpose()?,
        ..TaskChange::default()
    };
    if change.title.is_none()
        && change.note.is_none()
        && change.priority.is_none()
        && change.due_at.is_none()
    {
        return Err(UserError::new("task-err-edit-nothing").into());
    }
    let me = ctx.origin.actor.user_id;
    let now = ctx.now;
    let t = change_task(
        ctx,
        id,
        |ctx, t| {
            if !may_manage(ctx, t) {
                return Err(UserError::new("task-err-not-assigner").arg("id", t.id.to_string()));
            }
            Ok(())
        },
        async |conn, t| {
            tasks::update(conn, t.id, &change, now).await?;
            let detail = change
                .due_at
                .map(|d| format!("{} → {}", reply::ts(t.due_at, 'f'), reply::ts(d, 'f')));
            tasks::add_event(conn, t.id, now, me, "edited", detail.as_deref()).await?;
            Ok(())
        },
    )
    .await?;
    let mut r = describe(ctx.locale, &t, &ctx.guild);
    r.title = Some(tr!(
        ctx.locale,
        "task-edited",
        id = t.id,
        title = escape_user_text(&t.title)
    ));
    r.severity = Severity::Success;
    Ok(r)
}

async fn reassign(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let id = inv.id("id")?;
    let to =
        parse_assignee(inv, true)?.ok_or_else(|| UserError::new("task-err-user-or-position"))?;
    let change = match to {
        Assignee::User(u) => TaskChange {
            assignee: Some(Some(u)),
            ..TaskChange::default()
        },
        Assignee::Position(p) => {
            if role_of(&ctx.guild, p).is_none() {
                return Err(UserError::new("task-err-position-unmapped")
                    .arg("position", ctx.t(&p.label_key()))
                    .into());
            }
            TaskChange {
                assignee: Some(None),
                position: Some(Some(p)),
                ..TaskChange::default()
            }
        }
    };
    let me = ctx.origin.actor.user_id;
    let now = ctx.now;
    let t = change_task(
        ctx,
        id,
        |ctx, t| {
            if !may_manage(ctx, t) {
                return Err(UserError::new("task-err-not-assigner").arg("id", t.id.to_string()));
            }
            if !t.status.is_active() {
                return Err(UserError::new("task-err-closed").arg("id", t.id.to_string()));
            }
            Ok(())
        },
        async |conn, t| {
            tasks::update(conn, t.id, &change, now).await?;
            tasks::add_event(conn, t.id, now, me, "reassigned", Some(&who(t, &ctx.guild))).await?;
            Ok(())
        },
    )
    .await?;
    let l = ctx.locale;
    let mut r = describe(l, &t, &ctx.guild);
    r.title = Some(tr!(
        l,
        "task-reassigned",
        id = t.id,
        who = who(&t, &ctx.guild)
    ));
    r.mentions = match (t.assignee_id, t.position) {
        (Some(u), _) => Mentions::user(u),
        (None, Some(p)) => role_of(&ctx.guild, p)
            .map(Mentions::role)
            .unwrap_or_default(),
        _ => Mentions::none(),
    };
    r.buttons = task_buttons(l, &t);
    r.severity = Severity::Success;
    Ok(r)
}

async fn comment(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let id = inv.id("id")?;
    let text = super::checked_text(inv.req_str("text")?, NOTE_MAX, "text")?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let t = load(&mut conn, ctx, id).await?;
    if !may_act(ctx, &t) {
        return Err(UserError::new("task-err-not-yours")
            .arg("id", id.to_string())
            .into());
    }
    tasks::add_event(
        &mut conn,
        id,
        ctx.now,
        ctx.origin.actor.user_id,
        "comment",
        Some(&text),
    )
    .await?;
    Ok(Reply::titled(tr!(ctx.locale, "task-commented", id = id))
        .line(escape_user_text(&text))
        .severity(Severity::Success))
}

async fn cover(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    ctx.require_manager()?;
    let (cover_id, _) = inv.user("cover").ok_or_else(|| {
        UserError::new("err-missing-option")
            .arg("option", "cover")
            .arg("example", "")
    })?;
    let who_covered =
        parse_assignee(inv, true)?.ok_or_else(|| UserError::new("task-err-user-or-position"))?;
    let tz = ctx.guild.timezone;
    let from = parse_day(inv.req_str("from")?, ctx.now, tz)?;
    let to = parse_day(inv.req_str("to")?, ctx.now, tz)?;
    if to < from {
        return Err(UserError::new("task-err-cover-order").into());
    }
    let starts_at = deadline::local_to_utc(from.and_hms_opt(0, 0, 0).unwrap_or_default(), tz);
    let ends_at = deadline::local_to_utc(
        to.succ_opt()
            .unwrap_or(to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
        tz,
    );
    let (user_id, position) = match who_covered {
        Assignee::User(u) => (Some(u), None),
        Assignee::Position(p) => (None, Some(p)),
    };
    if user_id == Some(cover_id) {
        return Err(UserError::new("task-err-cover-self").into());
    }
    let c = Cover {
        id: 0,
        position,
        user_id,
        cover_id,
        starts_at,
        ends_at,
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = crate::store::write_tx(&mut conn).await?;
    tasks::add_cover(
        &mut tx,
        ctx.guild.guild_id,
        &c,
        ctx.origin.actor.user_id,
        ctx.now,
    )
    .await?;
    // Pings of the covered work that fall inside the window now go to the cover.
    let affected = tasks::active_for(&mut tx, ctx.guild.guild_id, user_id, position).await?;
    for t in &affected {
        reschedule(&mut tx, t, &ctx.guild, &ctx.app.config.tasks, ctx.now).await?;
    }
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let l = ctx.locale;
    let covered = match (user_id, position) {
        (Some(u), _) => reply::user_ref(u),
        (_, Some(p)) => l.t(&p.label_key()),
        _ => String::new(),
    };
    let mut r = Reply::titled(tr!(
        l,
        "task-cover-set",
        cover = reply::user_ref(cover_id),
        covered = covered,
        from = from.to_string(),
        to = to.to_string()
    ))
    .severity(Severity::Success);
    r.lines
        .push(tr!(l, "task-cover-moved", count = affected.len()));
    r.mentions = Mentions::user(cover_id);
    Ok(r)
}

/// A period for `/task stats`: `last-month` (default), `this-month`, `last-7d`, `last-30d`,
/// or a month `2026-10`.
pub fn parse_period(
    text: Option<&str>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(DateTime<Utc>, DateTime<Utc>, String), UserError> {
    let today = now.with_timezone(&tz).date_naive();
    let month_start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
    let local =
        |d: NaiveDate| deadline::local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default(), tz);
    let this_month = month_start(today.year(), today.month()).unwrap_or(today);
    let prev = this_month.pred_opt().unwrap_or(this_month);
    let last_month = month_start(prev.year(), prev.month()).unwrap_or(prev);
    let next_month = |d: NaiveDate| {
        if d.month() == 12 {
            month_start(d.year() + 1, 1)
        } else {
            month_start(d.year(), d.month() + 1)
        }
    };
    let text = text.unwrap_or("last-month").trim().to_lowercase();
    let (from, to) = match text.as_str() {
        "last-month" | "上月" | "上个月" => (last_month, this_month),
        "this-month" | "本月" | "这个月" => (this_month, today.succ_opt().unwrap_or(today)),
        "last-7d" | "7d" | "近7天" => (today - Duration::days(7), today),
        "last-30d" | "30d" | "近30天" => (today - Duration::days(30), today),
        other => {
            let d = NaiveDate::parse_from_str(&format!("{other}-01"), "%Y-%m-%d")
                .map_err(|_| UserError::new("task-err-period").arg("value", other))?;
            (d, next_month(d).unwrap_or(d))
        }
    };
    let label = format!("{} – {}", from, to.pred_opt().unwrap_or(to));
    Ok((local(from), local(to), label))
}

async fn stats(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let (from, to, label) = parse_period(inv.str("period"), ctx.now, ctx.guild.timezone)?;
    let me = ctx.origin.actor.user_id;
    let only = match inv.user("user") {
        Some((u, _)) if u != me && !is_manager(ctx) => {
            return Err(UserError::new("task-err-stats-others").into());
        }
        Some((u, _)) => Some(u),
        None if is_manager(ctx) => None,
        None => Some(me),
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
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
                reply::user_ref(s.user_id),
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

async fn recurring(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    if let Some(id) = inv.int("stop") {
        ctx.require_manager()?;
        if !tasks::stop_recurring(&mut conn, ctx.guild.guild_id, id).await? {
            return Err(UserError::new("task-err-recurring-not-found")
                .arg("id", id.to_string())
                .into());
        }
        ctx.app.outbox_wake.notify_one();
        return Ok(
            Reply::titled(tr!(l, "task-recurring-stopped", id = id)).severity(Severity::Success)
        );
    }
    let Some(title) = inv.str("title") else {
        let all = tasks::list_recurring(&mut conn, ctx.guild.guild_id).await?;
        let mut r = Reply::titled(l.t("task-recurring-list"));
        if all.is_empty() {
            r.lines.push(l.t("task-recurring-empty"));
        }
        for d in &all {
            let to = match (d.user_id, d.position) {
                (Some(u), _) => reply::user_ref(u),
                (_, Some(p)) => l.t(&p.label_key()),
                _ => "—".into(),
            };
            let next = d
                .next_at
                .map(|n| reply::ts(n, 'f'))
                .unwrap_or_else(|| "—".into());
            r.lines.push(format!(
                "**{}** {} · `{}` · {} · {}",
                d.id,
                escape_user_text(&d.title),
                d.schedule,
                to,
                tr!(l, "task-recurring-next", next = next)
            ));
        }
        r.ephemeral = true;
        return Ok(r);
    };
    ctx.require_manager()?;
    let title = super::checked_text(title, TITLE_MAX, "title")?;
    let text = inv.str("schedule").ok_or_else(|| {
        UserError::new("err-missing-option")
            .arg("option", "schedule")
            .arg(
                "example",
                "/task recurring title:\"…\" schedule:\"weekdays 10:00\" position:customer-service",
            )
    })?;
    let schedule = parse_schedule(text).map_err(schedule_error)?;
    let to =
        parse_assignee(inv, true)?.ok_or_else(|| UserError::new("task-err-user-or-position"))?;
    let due_in = match inv.str("due-in") {
        Some(d) => parse_duration(d)
            .ok()
            .filter(|d| *d > Duration::zero())
            .ok_or_else(|| UserError::new("task-err-due-in").arg("value", d))?,
        None => Duration::hours(8),
    };
    let (user_id, position) = match to {
        Assignee::User(u) => (Some(u), None),
        Assignee::Position(p) => {
            if role_of(&ctx.guild, p).is_none() {
                return Err(UserError::new("task-err-position-unmapped")
                    .arg("position", ctx.t(&p.label_key()))
                    .into());
            }
            (None, Some(p))
        }
    };
    let next = schedule.next_after(ctx.now, ctx.guild.timezone);
    let def = Recurring {
        id: 0,
        guild_id: ctx.guild.guild_id,
        title,
        note: inv
            .str("note")
            .map(|n| super::checked_text(n, NOTE_MAX, "note"))
            .transpose()?,
        priority: parse_priority(inv)?.unwrap_or(Priority::Normal),
        position,
        user_id,
        schedule: schedule.source().to_string(),
        due_minutes: due_in.num_minutes(),
        channel_id: ctx.origin.channel_id,
        created_by: ctx.origin.actor.user_id,
        next_at: next,
    };
    let id = tasks::add_recurring(&mut conn, &def, ctx.now).await?;
    ctx.app.outbox_wake.notify_one();
    let next = next
        .map(|n| format!("{} ({})", reply::ts(n, 'F'), reply::ts(n, 'R')))
        .unwrap_or_else(|| "—".into());
    Ok(Reply::titled(tr!(
        l,
        "task-recurring-added",
        id = id,
        title = escape_user_text(&def.title)
    ))
    .line(tr!(l, "task-recurring-next", next = next))
    .line(tr!(
        l,
        "task-recurring-due-in",
        due = duration_text(l, due_in)
    ))
    .severity(Severity::Success))
}

/// Creates the tasks of every recurring definition that came due (at most the latest missed
/// occurrence per definition after downtime), each with its pings, and moves the definitions
/// on. Safe to run from several processes: an occurrence makes at most one task.
pub async fn materialise_recurring(app: &crate::app::App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let mut conn = app.store.pool.acquire().await?;
    let due = tasks::due_recurring(&mut conn, now).await?;
    let mut created = 0;
    for d in due {
        let Some(expected) = d.next_at else { continue };
        let guild = crate::store::settings::get_or_init(
            &mut conn,
            d.guild_id,
            &app.config,
            crate::store::ms(now),
        )
        .await?;
        let schedule = match parse_schedule(&d.schedule) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(recurring = d.id, error = %e, "a stored schedule no longer parses; stopping it");
                tasks::stop_recurring(&mut conn, d.guild_id, d.id).await?;
                continue;
            }
        };
        // After downtime only the latest missed occurrence becomes a task.
        let mut occurrence = expected;
        while let Some(n) = schedule
            .next_after(occurrence, guild.timezone)
            .filter(|n| *n <= now)
        {
            occurrence = n;
        }
        let next = schedule.next_after(occurrence.max(now), guild.timezone);
        let mut tx = crate::store::write_tx(&mut conn).await?;
        if !tasks::advance_recurring(&mut tx, d.id, expected, next).await? {
            continue;
        }
        let covers = tasks::covers(&mut tx, d.guild_id, now).await?;
        let active = |c: &&Cover| c.starts_at <= now && now < c.ends_at;
        let assignee = match (d.user_id, d.position) {
            (Some(u), _) => Some(
                covers
                    .iter()
                    .filter(active)
                    .find(|c| c.user_id == Some(u))
                    .map(|c| c.cover_id)
                    .unwrap_or(u),
            ),
            (None, Some(p)) => covers
                .iter()
                .filter(active)
                .find(|c| c.position == Some(p))
                .map(|c| c.cover_id),
            _ => None,
        };
        let new = NewTask {
            guild_id: d.guild_id,
            title: d.title.clone(),
            note: d.note.clone(),
            priority: d.priority,
            assignee_id: assignee,
            position: d.position,
            assigner_id: d.created_by,
            channel_id: d.channel_id,
            due_at: occurrence + Duration::minutes(d.due_minutes),
            recurring: Some((d.id, occurrence)),
        };
        if let Some(id) = tasks::insert(&mut tx, &new, now).await? {
            tasks::add_event(&mut tx, id, now, d.created_by, "created", None).await?;
            if let Some(t) = tasks::get(&mut tx, d.guild_id, id).await? {
                // Announce the new task to its owner, then plan its pings.
                let l = guild.locale;
                let mut r = describe(l, &t, &guild);
                r.title = Some(tr!(
                    l,
                    "task-assigned",
                    id = t.id,
                    title = escape_user_text(&t.title)
                ));
                r.mentions = match (t.assignee_id, t.position) {
                    (Some(u), _) => Mentions::user(u),
                    (None, Some(p)) => role_of(&guild, p).map(Mentions::role).unwrap_or_default(),
                    _ => Mentions::none(),
                };
                r.buttons = task_buttons(l, &t);
                let msg = NewMessage {
                    guild_id: t.guild_id,
                    dedupe_key: format!("task:{}:created", t.id),
                    source: format!("task-created:{}", t.id),
                    target: Target::Channel(t.channel_id),
                    reply: r,
                    due_at: now,
                };
                outbox::enqueue(&mut tx, &msg, now).await?;
                reschedule(&mut tx, &t, &guild, &app.config.tasks, now).await?;
                created += 1;
            }
        }
        tx.commit().await?;
    }
    if created > 0 {
        app.outbox_wake.notify_one();
    }
    Ok(created)
}

// ---------------------------------------------------------------- buttons

/// Button presses on task messages: `task:<action>:<id>` and `task:page:<scope>:<page>`.
pub async fn press(ctx: &Ctx<'_>, parts: &[&str]) -> AppResult<Reply> {
    match parts {
        ["page", scope, page] => {
            let scope =
                ListScope::decode(scope).ok_or_else(|| UserError::new("err-unknown-button"))?;
            let mut r = list(ctx, scope, page.parse().unwrap_or(1)).await?;
            r.update_message = true;
            Ok(r)
        }
        [action, id] => {
            let id: i64 = id
                .parse()
                .map_err(|_| UserError::new("err-unknown-button"))?;
            let mut r = match *action {
                "done" => transition(ctx, id, Transition::Done, None).await?,
                "start" => transition(ctx, id, Transition::Start, None).await?,
                "take" => take(ctx, id).await?,
                "snooze1h" => snooze(ctx, id, ctx.now + Duration::hours(1)).await?,
                "snoozetmr" => {
                    let tz = ctx.guild.timezone;
                    let tomorrow = ctx
                        .now
                        .with_timezone(&tz)
                        .date_naive()
                        .succ_opt()
                        .unwrap_or_default();
                    let at = tz
                        .from_local_datetime(&tomorrow.and_hms_opt(9, 0, 0).unwrap_or_default())
                        .earliest()
                        .map(|t| t.with_timezone(&Utc))
                        .unwrap_or(ctx.now + Duration::hours(24));
                    snooze(ctx, id, at).await?
                }
                _ => return Err(UserError::new("err-unknown-button").into()),
            };
            r.update_message = true;
            Ok(r)
        }
        _ => Err(UserError::new("err-unknown-button").into()),
    }
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
        async |conn, t| {
            tasks::update(
                conn,
                t.id,
                &TaskChange {
                    assignee: Some(Some(me)),
                    ..TaskChange::default()
                },
                now,
            )
            .await?;
            tasks::add_event(conn, t.id, now, me, "taken", None).await?;
            Ok(())
        },
    )
    .await?;
    let mut r = describe(ctx.locale, &t, &ctx.guild);
    r.title = Some(tr!(
        ctx.locale,
        "task-taken",
        id = t.id,
        who = reply::user_ref(me)
    ));
    r.buttons = task_buttons(ctx.locale, &t);
    r.severity = Severity::Success;
    Ok(r)
}

async fn snooze(ctx: &Ctx<'_>, id: i64, until: DateTime<Utc>) -> AppResult<Reply> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let t = load(&mut conn, ctx, id).await?;
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
    r.mentions = match t.assignee_id {
        Some(u) => Mentions::user(u),
        None => t
            .position
            .and_then(|p| role_of(&ctx.guild, p))
            .map(Mentions::role)
            .unwrap_or_default(),
    };
    r.buttons = task_buttons(l, &t);
    let msg = NewMessage {
        guild_id: ctx.guild.guild_id,
        dedupe_key: format!("task:{}:r{}:snooze-{}", t.id, t.revision, until.timestamp()),
        source: t.source(),
        target: Target::Channel(t.channel_id),
        reply: r,
        due_at: until,
    };
    let mut tx = crate::store::write_tx(&mut conn).await?;
    outbox::enqueue(&mut tx, &msg, ctx.now).await?;
    tasks::add_event(
        &mut tx,
        id,
        ctx.now,
        ctx.origin.actor.user_id,
        "snoozed",
        Some(&reply::ts(until, 'f')),
    )
    .await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let mut out = describe(ctx.locale, &t, &ctx.guild);
    out.title = Some(tr!(
        ctx.locale,
        "task-snoozed",
        id = t.id,
        until = reply::ts(until, 'f'),
        who = reply::user_ref(ctx.origin.actor.user_id)
    ));
    out.buttons = task_buttons(ctx.locale, &t);
    Ok(out)
}

// ---------------------------------------------------------------- autocomplete

/// Suggestions for `id` (the user's open tasks: title + due) and `due` (how the text was
/// understood, before sending).
pub async fn autocomplete(
    ctx: &Ctx<'_>,
    inv: &Invocation,
    focused: &str,
) -> AppResult<Vec<(String, String)>> {
    let l = ctx.locale;
    let tz = ctx.guild.timezone;
    let hours = ctx.app.config.hours;
    match focused {
        "due" => {
            let typed = inv.str("due").unwrap_or("");
            if typed.is_empty() {
                return Ok(
                    ["18:00", "tomorrow 9am", "fri 17:00", "in 3h", "明天 18:00"]
                        .iter()
                        .map(|s| (s.to_string(), s.to_string()))
                        .collect(),
                );
            }
            Ok(vec![match parse_deadline(typed, ctx.now, tz, hours) {
                Ok(at) => {
                    let local = at.with_timezone(&tz);
                    let label = format!(
                        "{} ({})",
                        local.format("%a %d %b %H:%M"),
                        relative(l, at - ctx.now)
                    );
                    (typed.to_string(), label)
                }
                Err(e) => (typed.to_string(), deadline_error(e, tz).render(l)),
            }])
        }
        "id" => {
            let typed = match inv.options.get("id") {
                Some(crate::app::OptValue::Str(s)) => s.clone(),
                Some(crate::app::OptValue::Int(n)) => n.to_string(),
                _ => String::new(),
            };
            let closed = inv
                .path
                .get(1)
                .is_some_and(|s| s == "reopen" || s == "show");
            let mut conn = ctx
                .app
                .store
                .pool
                .acquire()
                .await
                .map_err(StoreError::from)?;
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
