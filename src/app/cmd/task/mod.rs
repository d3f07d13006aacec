//! `/task ...`: assign work to a member or a position with a deadline; the pings before, at
//! and after the deadline go through the outbox in the same transaction as the change, so a
//! task that is done, moved or reassigned never pings with stale facts.
//!
//! Each invocation is parsed once into a [`TaskCmd`] (every option read and checked, errors in
//! the user's language) and then applied. Files: `pings` plans the outbox messages, `view`
//! renders tasks, lists, history and stats, `buttons` the clicks, `recurring` the tasks made on
//! a schedule.

mod buttons;
mod export;
mod pings;
mod recurring;
mod view;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

pub use buttons::{TaskButton, press};
pub use pings::{reschedule, schedule_new};
pub use recurring::materialise_recurring;
pub use view::{ListScope, autocomplete};

use self::view::{describe, headline, task_buttons, who};
use crate::app::input::{self, Assignee, Period, checked_text, optional_text};
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::history::{Change, Field, Side};
use crate::domain::position::Position;
use crate::domain::task::{Acting, Cover, Priority, Task, Transition, cover_at};
use crate::domain::{deadline, in_time};
use crate::i18n::duration_text;
use crate::message::{self, Mentions, Reply, Severity};
use crate::store::StoreError;
use crate::store::events::{self, Entry, Log};
use crate::store::settings::GuildSettings;
use crate::store::tasks::{self, NewTask, TaskChange, TaskTemplate};
use crate::tr;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;

/// Longest note or comment, in characters.
pub const NOTE_MAX: usize = 1000;

/// A `/task` command, read and checked.
#[derive(Debug, Clone)]
pub enum TaskCmd {
    Assign {
        title: String,
        due: DateTime<Utc>,
        /// None: to the person assigning.
        to: Option<Assignee>,
        priority: Priority,
        note: Option<String>,
    },
    List {
        scope: ListScope,
        page: i64,
        /// As an iCalendar file instead of a page.
        ics: bool,
    },
    Show {
        id: i64,
        page: i64,
    },
    Transition {
        id: i64,
        to: Transition,
        note: Option<String>,
    },
    Edit {
        id: i64,
        change: TaskChange,
    },
    Reassign {
        id: i64,
        to: Assignee,
    },
    Comment {
        id: i64,
        text: String,
    },
    Cover {
        cover: u64,
        covered: Assignee,
        from: NaiveDate,
        to: NaiveDate,
    },
    Stats {
        period: Period,
        user: Option<u64>,
    },
    /// Without a title: the list of recurring tasks.
    RecurringList,
    RecurringStop {
        id: i64,
    },
    RecurringAdd(recurring::NewRecurring),
    Export(crate::app::sheet::ExportRequest),
}

impl TaskCmd {
    /// Reads `/task <sub>`'s options.
    pub fn parse(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> Result<TaskCmd, UserError> {
        let tz = ctx.guild.timezone;
        let note = || optional_text(inv, "note", NOTE_MAX);
        let transition = |to| {
            Ok(TaskCmd::Transition {
                id: inv.id("id")?,
                to,
                note: note()?,
            })
        };
        Ok(match sub {
            "assign" => TaskCmd::Assign {
                title: checked_text(inv.req_str("title")?, TITLE_MAX, "title")?,
                due: input::due(inv.req_str("due")?, ctx.now, tz, ctx.app.config.hours)?,
                to: Assignee::parse(inv, false)?,
                priority: input::priority(inv)?.unwrap_or(Priority::Normal),
                note: note()?,
            },
            "list" => TaskCmd::List {
                scope: match (inv.user("user"), inv.str("position")) {
                    (Some((u, _)), _) => ListScope::User(u),
                    (None, Some(p)) => ListScope::Position(input::position(p)?),
                    _ => match inv.str("scope").unwrap_or("mine") {
                        "overdue" => ListScope::Overdue,
                        "all" => ListScope::All,
                        _ => ListScope::User(ctx.origin.actor.user_id),
                    },
                },
                page: inv
                    .int_in("page", 1, crate::app::invocation::PAGE_MAX)?
                    .unwrap_or(1),
                ics: inv.str("format") == Some("ics"),
            },
            "show" => TaskCmd::Show {
                id: inv.id("id")?,
                page: inv
                    .int_in("page", 1, crate::app::invocation::PAGE_MAX)?
                    .unwrap_or(1),
            },
            "start" => transition(Transition::Start)?,
            "done" => transition(Transition::Done)?,
            "reopen" => transition(Transition::Reopen)?,
            "cancel" => transition(Transition::Cancel)?,
            "edit" => {
                let change = TaskChange {
                    title: optional_text(inv, "title", TITLE_MAX)?,
                    note: note()?,
                    priority: input::priority(inv)?,
                    due_at: inv
                        .str("due")
                        .map(|d| input::due(d, ctx.now, tz, ctx.app.config.hours))
                        .transpose()?,
                    ..TaskChange::default()
                };
                if change.title.is_none()
                    && change.note.is_none()
                    && change.priority.is_none()
                    && change.due_at.is_none()
                {
                    return Err(UserError::new("task-err-edit-nothing"));
                }
                TaskCmd::Edit {
                    id: inv.id("id")?,
                    change,
                }
            }
            "reassign" => TaskCmd::Reassign {
                id: inv.id("id")?,
                to: Assignee::required(inv)?,
            },
            "comment" => TaskCmd::Comment {
                id: inv.id("id")?,
                text: checked_text(inv.req_str("text")?, NOTE_MAX, "text")?,
            },
            "cover" => {
                let (cover, _) = inv.user("cover").ok_or_else(|| {
                    UserError::new("err-missing-option")
                        .arg("option", "cover")
                        .arg("example", "")
                })?;
                let from = input::day(inv.req_str("from")?, ctx.now, tz)?;
                let to = input::day(inv.req_str("to")?, ctx.now, tz)?;
                if to < from {
                    return Err(UserError::new("task-err-cover-order"));
                }
                let covered = Assignee::required(inv)?;
                if covered == Assignee::User(cover) {
                    return Err(UserError::new("task-err-cover-self"));
                }
                TaskCmd::Cover {
                    cover,
                    covered,
                    from,
                    to,
                }
            }
            "export" => TaskCmd::Export(crate::app::sheet::ExportRequest::parse(inv, ctx.now, tz)?),
            "stats" => TaskCmd::Stats {
                period: input::period(inv.str("period"), ctx.now, tz)?,
                user: inv.user("user").map(|(u, _)| u),
            },
            "recurring" => match (
                inv.int_in("stop", 1, crate::app::invocation::ID_MAX)?,
                inv.str("title"),
            ) {
                (Some(id), _) => TaskCmd::RecurringStop { id },
                (None, None) => TaskCmd::RecurringList,
                (None, Some(title)) => {
                    TaskCmd::RecurringAdd(recurring::NewRecurring::parse(inv, title, ctx.now, tz)?)
                }
            },
            _ => return Err(inv.unknown()),
        })
    }
}

/// Routes `/task <sub>`: parse, then apply.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match TaskCmd::parse(ctx, sub, inv)? {
        TaskCmd::Assign {
            title,
            due,
            to,
            priority,
            note,
        } => assign(ctx, title, due, to, priority, note).await,
        TaskCmd::List {
            scope, ics: true, ..
        } => view::list_ics(ctx, scope).await,
        TaskCmd::List { scope, page, .. } => view::list(ctx, scope, page).await,
        TaskCmd::Show { id, page } => view::show(ctx, id, page).await,
        TaskCmd::Transition { id, to, note } => transition(ctx, id, to, note).await,
        TaskCmd::Edit { id, change } => edit(ctx, id, change).await,
        TaskCmd::Reassign { id, to } => reassign(ctx, id, to).await,
        TaskCmd::Comment { id, text } => comment(ctx, id, text).await,
        TaskCmd::Cover {
            cover,
            covered,
            from,
            to,
        } => self::cover(ctx, cover, covered, from, to).await,
        TaskCmd::Stats { period, user } => view::stats(ctx, period, user).await,
        TaskCmd::RecurringList => recurring::list(ctx).await,
        TaskCmd::RecurringStop { id } => recurring::stop(ctx, id).await,
        TaskCmd::RecurringAdd(def) => recurring::add(ctx, def).await,
        TaskCmd::Export(req) => export::export(ctx, req).await,
    }
}

/// The actor, as the task rules see them.
fn acting<'a>(ctx: &Ctx<'_>, positions: &'a [Position]) -> Acting<'a> {
    Acting {
        user_id: ctx.origin.actor.user_id,
        manager: is_manager(ctx),
        positions,
    }
}

fn is_manager(ctx: &Ctx<'_>) -> bool {
    ctx.origin.actor.is_manager(&ctx.guild)
}

/// Whether the actor may work on the task ([`Task::may_act`]).
fn may_act(ctx: &Ctx<'_>, t: &Task) -> bool {
    let positions = ctx.origin.actor.positions_in(&ctx.guild);
    t.may_act(&acting(ctx, &positions))
}

/// Whether the actor may change what the task is ([`Task::may_manage`]).
fn may_manage(ctx: &Ctx<'_>, t: &Task) -> bool {
    t.may_manage(&acting(ctx, &[]))
}

fn role_of(guild: &GuildSettings, p: Position) -> Option<u64> {
    guild.positions.get(&p).copied()
}

/// Refuses a position whose role the guild has not mapped (nobody could be pinged).
fn mapped(ctx: &Ctx<'_>, p: Position) -> Result<(), UserError> {
    match role_of(&ctx.guild, p) {
        Some(_) => Ok(()),
        None => {
            Err(UserError::new("task-err-position-unmapped").arg("position", ctx.t(&p.label_key())))
        }
    }
}

/// Who is pinged about a task: its owner, else its position's role.
fn owner_mentions(t: &Task, guild: &GuildSettings) -> Mentions {
    match (t.assignee_id, t.position) {
        (Some(u), _) => Mentions::user(u),
        (None, Some(p)) => role_of(guild, p).map(Mentions::role).unwrap_or_default(),
        _ => Mentions::none(),
    }
}

async fn load(conn: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Task> {
    let item = tasks::get(conn, ctx.guild.guild_id, id).await?;
    crate::app::error::found(item, "task-err-not-found", id)
}

/// `t` as the reply to a change shows it, under `title`.
pub(super) fn changed(ctx: &Ctx<'_>, t: &Task, title: String) -> Reply {
    let mut r = describe(ctx.locale, t, &ctx.guild);
    r.title = Some(title);
    r
}

/// Runs `change` on a task and replans its pings, all in one transaction.
async fn change_task(
    ctx: &Ctx<'_>,
    id: i64,
    check: impl FnOnce(&Ctx<'_>, &Task) -> Result<(), UserError>,
    change: impl AsyncFnOnce(&mut SqliteConnection, &Task) -> AppResult<()>,
) -> AppResult<Task> {
    ctx.write(async |tx| {
        let before = load(tx, ctx, id).await?;
        check(ctx, &before)?;
        change(tx, &before).await?;
        let after = load(tx, ctx, id).await?;
        reschedule(tx, &after, &ctx.guild, &ctx.app.config.tasks, ctx.now).await?;
        Ok(after)
    })
    .await
}

async fn assign(
    ctx: &Ctx<'_>,
    title: String,
    due: DateTime<Utc>,
    to: Option<Assignee>,
    priority: Priority,
    note: Option<String>,
) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let to = to.unwrap_or(Assignee::User(me));
    let to_self = to == Assignee::User(me);
    if !to_self && !is_manager(ctx) && !ctx.app.config.tasks.members_assign_others {
        return Err(UserError::new("task-err-assign-others").into());
    }
    if let Assignee::Position(p) = to {
        mapped(ctx, p)?;
    }
    let (t, covered) = ctx
        .write(async |tx| {
            // New work for someone (or a position) who is covered goes to the cover.
            let covers = tasks::covers(tx, ctx.guild.guild_id, ctx.now).await?;
            let (user, position) = to.parts();
            let cover = cover_at(&covers, user, position, ctx.now);
            let covered = cover.map(|_| match to {
                Assignee::User(u) => message::user_ref(u),
                Assignee::Position(p) => ctx.t(&p.label_key()),
            });
            let new = NewTask {
                template: TaskTemplate {
                    guild_id: ctx.guild.guild_id,
                    title,
                    note,
                    priority,
                    position,
                    assigner_id: me,
                    channel_id: ctx.origin.channel_id,
                },
                assignee_id: cover.or(user),
                due_at: due,
                recurring: None,
            };
            let t = tasks::create(tx, &new, ctx.now, me)
                .await?
                .ok_or_else(|| StoreError::Corrupt("task insert".into()))?;
            schedule_new(tx, &t, &ctx.guild, &ctx.app.config.tasks, ctx.now, &covers).await?;
            Ok((t, covered))
        })
        .await?;

    let l = ctx.locale;
    let mut r = changed(ctx, &t, headline(l, &t, "task-assigned"));
    r.severity = Severity::Success;
    if let Some(original) = covered {
        r.lines.push(tr!(
            l,
            "task-assigned-cover",
            owner = original,
            cover = who(&t, &ctx.guild)
        ));
    }
    if t.assignee_id != Some(me) {
        r.mentions = owner_mentions(&t, &ctx.guild);
    }
    if t.assignee_id.is_none() && t.position.is_some() {
        r.lines.push(l.t("task-take-hint"));
    }
    r.buttons = task_buttons(l, &t);
    Ok(r)
}

async fn transition(
    ctx: &Ctx<'_>,
    id: i64,
    tr: Transition,
    note: Option<String>,
) -> AppResult<Reply> {
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
                take_over(conn, t, me, now).await?;
            }
            events::add(
                conn,
                Log::Task,
                t.id,
                Entry::new(now, me, tr.key(), note.as_deref()),
            )
            .await?;
            Ok(())
        },
    )
    .await?;
    let l = ctx.locale;
    let mut r = changed(ctx, &t, headline(l, &t, &format!("task-now-{}", tr.key())));
    r.severity = if tr == Transition::Done {
        Severity::Success
    } else {
        Severity::Info
    };
    // A task still running keeps its buttons (Done after Start, for instance).
    if t.status.is_active() {
        r.buttons = task_buttons(l, &t);
    }
    if tr == Transition::Done
        && let Some(done) = t.done_at
    {
        r.lines.push(if in_time(done, t.due_at) {
            l.t("task-done-on-time")
        } else {
            tr!(
                l,
                "task-done-late",
                late = duration_text(l, done - t.due_at)
            )
        });
    }
    Ok(r)
}

/// Refuses unless the actor may change what the task is.
fn check_manage(ctx: &Ctx<'_>, t: &Task) -> Result<(), UserError> {
    if may_manage(ctx, t) {
        Ok(())
    } else {
        Err(UserError::new("task-err-not-assigner").arg("id", t.id.to_string()))
    }
}

async fn edit(ctx: &Ctx<'_>, id: i64, change: TaskChange) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let now = ctx.now;
    let t = change_task(ctx, id, check_manage, async |conn, t| {
        tasks::update(conn, t.id, &change, now).await?;
        // One entry per field that changed, each with both sides.
        let text = |s: &Option<String>| s.clone().map_or(Side::Nobody, Side::Text);
        let changes = [
            change.title.as_ref().and_then(|n| {
                Change::of(
                    Field::Title,
                    Side::Text(t.title.clone()),
                    Side::Text(n.clone()),
                )
            }),
            change
                .due_at
                .and_then(|d| Change::of(Field::Due, Side::At(t.due_at), Side::At(d))),
            change.priority.and_then(|p| {
                Change::of(
                    Field::Priority,
                    Side::Priority(t.priority),
                    Side::Priority(p),
                )
            }),
            change
                .note
                .as_ref()
                .and_then(|n| Change::of(Field::Note, text(&t.note), Side::Text(n.clone()))),
        ];
        for c in changes.into_iter().flatten() {
            record(conn, t.id, now, me, "edited", Some(c)).await?;
        }
        Ok(())
    })
    .await?;
    let mut r = changed(ctx, &t, headline(ctx.locale, &t, "task-edited"));
    r.severity = Severity::Success;
    Ok(r)
}

async fn reassign(ctx: &Ctx<'_>, id: i64, to: Assignee) -> AppResult<Reply> {
    let change = match to {
        Assignee::User(u) => TaskChange {
            assignee: Some(Some(u)),
            ..TaskChange::default()
        },
        Assignee::Position(p) => {
            mapped(ctx, p)?;
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
            check_manage(ctx, t)?;
            if !t.status.is_active() {
                return Err(UserError::new("task-err-closed").arg("id", t.id.to_string()));
            }
            Ok(())
        },
        async |conn, t| {
            tasks::update(conn, t.id, &change, now).await?;
            let to = match to {
                Assignee::User(u) => Side::User(u),
                Assignee::Position(p) => Side::Position(p),
            };
            let from = Side::owner(t.assignee_id, t.position);
            // Reassigning to the owner it already has is still an entry: someone asked for it.
            let c = Change {
                field: Field::Owner,
                from,
                to,
            };
            record(conn, t.id, now, me, "reassigned", Some(c)).await?;
            Ok(())
        },
    )
    .await?;
    let l = ctx.locale;
    let title = tr!(l, "task-reassigned", id = t.id, who = who(&t, &ctx.guild));
    let mut r = changed(ctx, &t, title);
    // The new owner's one message about it: how late it already is, with the buttons.
    if !in_time(ctx.now, t.due_at) {
        r.lines.push(tr!(
            l,
            "task-handed-late",
            due = message::ts(t.due_at, 'f'),
            late = duration_text(l, ctx.now - t.due_at)
        ));
    }
    r.mentions = owner_mentions(&t, &ctx.guild);
    r.buttons = task_buttons(l, &t);
    r.severity = Severity::Success;
    Ok(r)
}

async fn comment(ctx: &Ctx<'_>, id: i64, text: String) -> AppResult<Reply> {
    ctx.write(async |conn| {
        let t = load(conn, ctx, id).await?;
        if !may_act(ctx, &t) {
            return Err(UserError::new("task-err-not-yours")
                .arg("id", id.to_string())
                .into());
        }
        ctx.log(conn, (Log::Task, id), "comment", Some(&text))
            .await?;
        Ok(())
    })
    .await?;
    Ok(crate::app::view::noted(
        tr!(ctx.locale, "task-commented", id = id),
        &text,
    ))
}

async fn cover(
    ctx: &Ctx<'_>,
    cover_id: u64,
    covered: Assignee,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Reply> {
    ctx.require_manager()?;
    let tz = ctx.guild.timezone;
    let midnight =
        |d: NaiveDate| deadline::local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default(), tz);
    let (user_id, position) = covered.parts();
    let c = Cover {
        id: 0,
        position,
        user_id,
        cover_id,
        starts_at: midnight(from),
        ends_at: midnight(to.succ_opt().unwrap_or(to)),
    };
    let moved = ctx
        .write(async |tx| {
            tasks::add_cover(
                tx,
                ctx.guild.guild_id,
                &c,
                ctx.origin.actor.user_id,
                ctx.now,
            )
            .await?;
            // Pings of the covered work that fall inside the window now go to the cover.
            let affected = tasks::active_for(tx, ctx.guild.guild_id, user_id, position).await?;
            for t in &affected {
                reschedule(tx, t, &ctx.guild, &ctx.app.config.tasks, ctx.now).await?;
            }
            Ok(affected.len())
        })
        .await?;
    let l = ctx.locale;
    let covered = match covered {
        Assignee::User(u) => message::user_ref(u),
        Assignee::Position(p) => l.t(&p.label_key()),
    };
    let mut r = Reply::titled(tr!(
        l,
        "task-cover-set",
        cover = message::user_ref(cover_id),
        covered = covered,
        from = from.to_string(),
        to = to.to_string()
    ))
    .severity(Severity::Success);
    r.lines.push(tr!(l, "task-cover-moved", count = moved));
    r.mentions = Mentions::user(cover_id);
    Ok(r)
}

/// Records an event whose detail is a change with both sides (or none).
/// `me` owns `t` from `now` on (a position's task taken, started or finished), with its entry.
pub(super) async fn take_over(
    conn: &mut SqliteConnection,
    t: &Task,
    me: u64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let change = TaskChange {
        assignee: Some(Some(me)),
        ..TaskChange::default()
    };
    tasks::update(conn, t.id, &change, now).await?;
    let owner = Change::of(
        Field::Owner,
        Side::owner(t.assignee_id, t.position),
        Side::User(me),
    );
    record(conn, t.id, now, me, "taken", owner).await
}

pub(super) async fn record(
    conn: &mut SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
    me: u64,
    kind: &str,
    change: Option<Change>,
) -> Result<(), StoreError> {
    let detail = change.map(|c| c.encode());
    events::add(
        conn,
        Log::Task,
        id,
        Entry::new(now, me, kind, detail.as_deref()),
    )
    .await
}
