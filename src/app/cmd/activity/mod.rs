//! `/activity ...` and `/holiday ...`: fixed activities (the weekly meeting, the promotion
//! days, the Thursday restock sheet, the monthly team outing) that remind a position's role in
//! a channel before each start, with a "Got it" button and a checklist; and the holidays on
//! which some of them do not happen.
//!
//! Each invocation is parsed once into an [`ActivityCmd`] (or a `HolidayCmd`), then applied.
//! Files: `plan` decides when reminders go out and keeps one occurrence in the outbox, `view`
//! renders activities, reminders, the list and the calendar, `holiday` the holidays, `buttons`
//! the clicks on reminders.
//!
//! Decisions:
//! - An activity without a channel posts to the guild's summary channel; in the local shell,
//!   to the shell's channel. A Discord guild with neither stays silent (logged once per plan)
//!   until `/setup summary-channel` is set; the job then plans it.
//! - The job also re-plans an activity whenever the guild settings its reminders were made
//!   with (zone, language, channel, role) have changed, so `/setup` takes effect on the next
//!   reminder without anyone editing the activities.
//! - The bot cannot list who holds a role, so the follow-up is one ping to the whole role,
//!   half-way through the longest lead (moved out of the quiet hours), only when that first
//!   reminder went out and nobody pressed "Got it" by then (pressing it cancels the follow-up
//!   in the same transaction).
//! - After downtime, occurrences missed in between are put in the outbox too, due when they
//!   were; the dispatcher sends them late within its grace window or lists them as skipped.

mod buttons;
mod holiday;
mod plan;
mod view;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::SqliteConnection;

pub use buttons::{ActivityButton, press};
pub use holiday::holiday;
pub use plan::{materialise_activities, occurrences_between, replan, role_of, target_channel};
pub use view::autocomplete;

use self::plan::{calendar_of, day_bounds};
use self::view::{describe, next_text};
use crate::app::input::{self, checked_text, schedule_error};
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::activity::{
    self, ChecklistError, HolidayMode, LeadError, is_clear, parse_checklist, parse_leads,
};
use crate::domain::position::Position;
use crate::domain::schedule::{Schedule, parse_schedule};
use crate::message::{self, Reply, Severity, escape_user_text};
use crate::store::activities::{self, Activity};
use crate::store::outbox;
use crate::tr;

/// Longest activity or holiday name, in characters.
pub const NAME_MAX: usize = 100;

/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 1000;

/// Activities per page of `/activity list`.
pub const PAGE_SIZE: usize = 10;

/// Most lines of `/activity calendar` and `/holiday list`.
pub const LINES_MAX: usize = 60;

/// Whom an activity pings: a position, or a role (exactly one is set).
type Ping = (Option<Position>, Option<u64>);

/// What `/activity edit` changes; None keeps a value.
#[derive(Debug, Clone, Default)]
pub struct ActivityEdit {
    pub name: Option<String>,
    pub schedule: Option<Schedule>,
    pub ping: Option<Ping>,
    pub channel: Option<u64>,
    pub leads: Option<Vec<Duration>>,
    /// Some(None) clears the message.
    pub message: Option<Option<String>>,
    pub checklist: Option<Vec<String>>,
    pub holidays: Option<HolidayMode>,
    /// Some(None) removes the end.
    pub until: Option<Option<NaiveDate>>,
    /// A new count of occurrences from now.
    pub times: Option<i64>,
}

/// An `/activity` command, read and checked.
#[derive(Debug, Clone)]
pub enum ActivityCmd {
    Add(Box<Activity>),
    List {
        page: usize,
    },
    Edit {
        id: i64,
        edit: Box<ActivityEdit>,
    },
    Remove {
        id: i64,
    },
    Pause {
        id: i64,
        paused: bool,
    },
    /// The next occurrence, or the one on `day`.
    Skip {
        id: i64,
        day: Option<NaiveDate>,
    },
    Calendar {
        /// As an iCalendar file of the next 90 days instead of a message.
        ics: bool,
    },
}

impl ActivityCmd {
    /// Reads `/activity <sub>`'s options.
    pub fn parse(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> Result<ActivityCmd, UserError> {
        let id = || inv.id("id");
        Ok(match sub {
            "add" => {
                let (position, role_id) =
                    parse_ping(inv)?.ok_or_else(|| UserError::new("activity-err-ping"))?;
                ActivityCmd::Add(Box::new(Activity {
                    id: 0,
                    guild_id: ctx.guild.guild_id,
                    name: checked_text(inv.req_str("name")?, NAME_MAX, "name")?,
                    schedule: input::schedule(
                        inv.req_str("schedule")?,
                        ctx.now,
                        ctx.guild.timezone,
                    )?
                    .source()
                    .to_string(),
                    channel_id: Some(
                        inv.channel("channel")
                            .map(|(id, _)| id)
                            .unwrap_or(ctx.origin.channel_id),
                    ),
                    position,
                    role_id,
                    leads: match inv.str("lead") {
                        Some(t) => parse_leads(t).map_err(lead_error)?,
                        None => ctx.app.config.activities.default_lead.clone(),
                    },
                    message: inv
                        .str("message")
                        .filter(|m| !is_clear(m))
                        .map(|m| checked_text(m, MESSAGE_MAX, "message"))
                        .transpose()?,
                    checklist: parse_checklist_option(inv)?.unwrap_or_default(),
                    holidays: parse_mode(inv)?.unwrap_or_default(),
                    paused: false,
                    created_by: ctx.origin.actor.user_id,
                    next_at: None,
                    plan_sig: None,
                    until: parse_until(ctx, inv)?.flatten(),
                    times: parse_times(inv)?,
                    times_from: Some(ctx.now),
                }))
            }
            "list" => ActivityCmd::List {
                page: inv
                    .int_in("page", 1, crate::app::invocation::PAGE_MAX)?
                    .unwrap_or(1) as usize,
            },
            "edit" => {
                let edit = ActivityEdit {
                    name: inv
                        .str("name")
                        .map(|n| checked_text(n, NAME_MAX, "name"))
                        .transpose()?,
                    schedule: inv
                        .str("schedule")
                        .map(|s| input::schedule(s, ctx.now, ctx.guild.timezone))
                        .transpose()?,
                    ping: parse_ping(inv)?,
                    channel: inv.channel("channel").map(|(c, _)| c),
                    leads: inv
                        .str("lead")
                        .map(parse_leads)
                        .transpose()
                        .map_err(lead_error)?,
                    message: match inv.str("message") {
                        Some(m) if is_clear(m) => Some(None),
                        Some(m) => Some(Some(checked_text(m, MESSAGE_MAX, "message")?)),
                        None => None,
                    },
                    checklist: parse_checklist_option(inv)?,
                    holidays: parse_mode(inv)?,
                    until: parse_until(ctx, inv)?,
                    times: parse_times(inv)?,
                };
                let changes = [
                    "name",
                    "schedule",
                    "ping",
                    "ping-role",
                    "channel",
                    "lead",
                    "message",
                    "checklist",
                    "holidays",
                    "until",
                    "times",
                ];
                if !changes.iter().any(|k| inv.options.contains_key(*k)) {
                    return Err(UserError::new("activity-err-edit-nothing"));
                }
                ActivityCmd::Edit {
                    id: id()?,
                    edit: Box::new(edit),
                }
            }
            "remove" => ActivityCmd::Remove { id: id()? },
            "pause" => ActivityCmd::Pause {
                id: id()?,
                paused: true,
            },
            "resume" => ActivityCmd::Pause {
                id: id()?,
                paused: false,
            },
            "skip" => ActivityCmd::Skip {
                id: id()?,
                day: inv
                    .str("day")
                    .map(|d| input::day(d, ctx.now, ctx.guild.timezone))
                    .transpose()?,
            },
            "calendar" => ActivityCmd::Calendar {
                ics: inv.str("format") == Some("ics"),
            },
            _ => return Err(inv.unknown()),
        })
    }
}

/// Routes `/activity <sub>`: parse, then apply.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match ActivityCmd::parse(ctx, sub, inv)? {
        ActivityCmd::Add(a) => add(ctx, *a).await,
        ActivityCmd::List { page } => view::list(ctx, page).await,
        ActivityCmd::Edit { id, edit } => self::edit(ctx, id, *edit).await,
        ActivityCmd::Remove { id } => remove(ctx, id).await,
        ActivityCmd::Pause { id, paused } => pause(ctx, id, paused).await,
        ActivityCmd::Skip { id, day } => skip(ctx, id, day).await,
        ActivityCmd::Calendar { ics: false } => view::calendar(ctx).await,
        ActivityCmd::Calendar { ics: true } => view::calendar_ics(ctx).await,
    }
}

fn lead_error(e: LeadError) -> UserError {
    match e {
        LeadError::Empty => UserError::new("activity-err-lead").arg("value", ""),
        LeadError::Unrecognized { input } => {
            UserError::new("activity-err-lead").arg("value", input)
        }
        LeadError::TooFar { input } => UserError::new("activity-err-lead-far")
            .arg("value", input)
            .arg("max", activity::MAX_LEAD_DAYS.to_string()),
        LeadError::TooMany => {
            UserError::new("activity-err-lead-many").arg("max", activity::MAX_LEADS.to_string())
        }
    }
}

/// `times:` a count of occurrences (1 to 1,000); not with `until:`.
fn parse_times(inv: &Invocation) -> Result<Option<i64>, UserError> {
    let n = inv.int_in("times", 1, TIMES_MAX)?;
    if n.is_some() && inv.str("until").is_some() {
        return Err(UserError::new("activity-err-until-times"));
    }
    Ok(n)
}

/// The most occurrences `times:` counts.
const TIMES_MAX: i64 = 1_000;

/// `until:` a last day (not before today), or `until:-` to remove the end (Some(None)).
fn parse_until(ctx: &Ctx<'_>, inv: &Invocation) -> Result<Option<Option<NaiveDate>>, UserError> {
    let Some(text) = inv.str("until") else {
        return Ok(None);
    };
    if is_clear(text) {
        return Ok(Some(None));
    }
    let tz = ctx.guild.timezone;
    let day = input::day(text, ctx.now, tz)?;
    let today = ctx.now.with_timezone(&tz).date_naive();
    if day < today {
        return Err(UserError::new("activity-err-until-past")
            .arg("until", day.to_string())
            .arg("today", today.to_string()));
    }
    Ok(Some(Some(day)))
}

fn parse_checklist_option(inv: &Invocation) -> Result<Option<Vec<String>>, UserError> {
    inv.str("checklist")
        .map(parse_checklist)
        .transpose()
        .map_err(|e| match e {
            ChecklistError::TooMany => UserError::new("activity-err-checklist-many")
                .arg("max", activity::MAX_CHECKLIST.to_string()),
            ChecklistError::TooLong => UserError::new("activity-err-checklist-long")
                .arg("max", activity::CHECKLIST_LINE_MAX.to_string()),
        })
}

fn parse_schedule_text(text: &str) -> Result<Schedule, UserError> {
    parse_schedule(text).map_err(schedule_error)
}

/// Whom reminders ping: a position (`ping:`) or a role (`ping-role:`), not both.
fn parse_ping(inv: &Invocation) -> Result<Option<Ping>, UserError> {
    match (inv.str("ping"), inv.role("ping-role")) {
        (Some(_), Some(_)) => Err(UserError::new("activity-err-ping")),
        (Some(p), None) => Ok(Some((Some(input::position(p)?), None))),
        (None, Some((role, _))) => Ok(Some((None, Some(role)))),
        (None, None) => Ok(None),
    }
}

fn parse_mode(inv: &Invocation) -> Result<Option<HolidayMode>, UserError> {
    inv.str("holidays")
        .map(|m| input::choice("holidays", m, HolidayMode::parse, &HolidayMode::KEYS))
        .transpose()
}

async fn load(conn: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Activity> {
    let item = activities::get(conn, ctx.guild.guild_id, id).await?;
    crate::app::error::found(item, "activity-err-not-found", id)
}

/// Runs `save` (which writes the activity and returns its id), plans the activity's
/// reminders, all in one transaction, and shows it under the `key` title.
async fn save_and_show(
    ctx: &Ctx<'_>,
    key: &str,
    save: impl AsyncFnOnce(&mut SqliteConnection) -> AppResult<i64>,
) -> AppResult<Reply> {
    let a = ctx
        .write(async |tx| {
            let id = save(tx).await?;
            let saved = load(tx, ctx, id).await?;
            replan(tx, &saved, &ctx.guild, &ctx.app.config, ctx.now).await?;
            load(tx, ctx, id).await
        })
        .await?;
    let l = ctx.locale;
    let title = tr!(l, key, id = a.id, name = escape_user_text(&a.name));
    Ok(describe(l, &a, &ctx.guild, title).severity(Severity::Success))
}

async fn add(ctx: &Ctx<'_>, a: Activity) -> AppResult<Reply> {
    save_and_show(ctx, "activity-added", async |tx| {
        Ok(activities::insert(tx, &a, false, ctx.now).await?)
    })
    .await
}

async fn edit(ctx: &Ctx<'_>, id: i64, e: ActivityEdit) -> AppResult<Reply> {
    save_and_show(ctx, "activity-edited", async |tx| {
        let mut a = load(tx, ctx, id).await?;
        if let Some(n) = e.name {
            a.name = n;
        }
        if let Some(s) = e.schedule {
            a.schedule = s.source().to_string();
        }
        if let Some((p, r)) = e.ping {
            a.position = p;
            a.role_id = r;
        }
        if let Some(c) = e.channel {
            a.channel_id = Some(c);
        }
        if let Some(leads) = e.leads {
            a.leads = leads;
        }
        if let Some(m) = e.message {
            a.message = m;
        }
        if let Some(c) = e.checklist {
            a.checklist = c;
        }
        if let Some(m) = e.holidays {
            a.holidays = m;
        }
        if let Some(u) = e.until {
            a.until = u;
            if u.is_none() {
                a.times = None; // until:- : no end at all
            }
        }
        if let Some(n) = e.times {
            a.times = Some(n);
            a.times_from = Some(ctx.now);
        }
        activities::update(tx, &a, ctx.now).await?;
        Ok(id)
    })
    .await
}

async fn remove(ctx: &Ctx<'_>, id: i64) -> AppResult<Reply> {
    let (a, cancelled) = ctx
        .write(async |tx| {
            let a = load(tx, ctx, id).await?;
            let cancelled = outbox::cancel_source(tx, &a.source()).await?;
            activities::remove(tx, id, ctx.now).await?;
            Ok((a, cancelled))
        })
        .await?;
    let l = ctx.locale;
    Ok(Reply::titled(tr!(
        l,
        "activity-removed",
        id = id,
        name = escape_user_text(&a.name)
    ))
    .line(tr!(l, "activity-removed-cancelled", count = cancelled))
    .severity(Severity::Success))
}

async fn pause(ctx: &Ctx<'_>, id: i64, paused: bool) -> AppResult<Reply> {
    let (a, next) = ctx
        .write(async |tx| {
            let mut a = load(tx, ctx, id).await?;
            if a.paused == paused {
                let key = if paused {
                    "activity-err-already-paused"
                } else {
                    "activity-err-not-paused"
                };
                return Err(UserError::new(key).arg("id", id.to_string()).into());
            }
            a.paused = paused;
            activities::update(tx, &a, ctx.now).await?;
            let next = replan(tx, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
            Ok((a, next))
        })
        .await?;
    let l = ctx.locale;
    let name = escape_user_text(&a.name);
    Ok(if paused {
        Reply::titled(tr!(l, "activity-paused", id = id, name = name)).line(tr!(
            l,
            "activity-paused-hint",
            id = id
        ))
    } else {
        Reply::titled(tr!(l, "activity-resumed", id = id, name = name)).line(tr!(
            l,
            "activity-next",
            next = next_text(l, &a, &ctx.guild, next)
        ))
    }
    .severity(Severity::Success))
}

async fn skip(ctx: &Ctx<'_>, id: i64, typed: Option<NaiveDate>) -> AppResult<Reply> {
    let tz = ctx.guild.timezone;
    let (a, at, next) = ctx
        .write(async |tx| {
            let a = load(tx, ctx, id).await?;
            let schedule = parse_schedule_text(&a.schedule)?;
            let cal = calendar_of(tx, &a).await?;
            let rules = cal.rules(&a, &schedule, tz);
            let (day, at) = match typed {
                Some(day) => (day, occurrence_on(ctx, id, &schedule, day)?),
                None => {
                    let Some(o) = rules.next_firing(ctx.now) else {
                        return Err(UserError::new("activity-err-skip-never")
                            .arg("id", id.to_string())
                            .into());
                    };
                    (rules.date_of(o.at), o.at)
                }
            };
            if !activities::add_skip(tx, id, day, ctx.origin.actor.user_id, ctx.now).await? {
                return Err(UserError::new("activity-err-skip-already")
                    .arg("id", id.to_string())
                    .arg("date", day.format("%Y-%m-%d").to_string())
                    .into());
            }
            let next = replan(tx, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
            Ok((a, at, next))
        })
        .await?;
    let l = ctx.locale;
    Ok(Reply::titled(tr!(
        l,
        "activity-skipped",
        id = id,
        name = escape_user_text(&a.name),
        date = message::ts(at, 'D')
    ))
    .line(tr!(
        l,
        "activity-next",
        next = next_text(l, &a, &ctx.guild, next)
    ))
    .severity(Severity::Success))
}

/// The first occurrence still to come on a typed `day` (refused for a past day or a day
/// without one).
fn occurrence_on(
    ctx: &Ctx<'_>,
    id: i64,
    schedule: &Schedule,
    day: NaiveDate,
) -> Result<DateTime<Utc>, UserError> {
    let tz = ctx.guild.timezone;
    let date = day.format("%Y-%m-%d").to_string();
    if day < ctx.now.with_timezone(&tz).date_naive() {
        return Err(UserError::new("activity-err-skip-past").arg("date", date));
    }
    let (start, end) = day_bounds(day, tz);
    schedule
        .occurrences(start - Duration::milliseconds(1), end, tz, 1)
        .into_iter()
        .find(|at| *at < end && *at > ctx.now)
        .ok_or_else(|| {
            UserError::new("activity-err-skip-none")
                .arg("id", id.to_string())
                .arg("date", date)
        })
}
