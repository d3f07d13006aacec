//! When an activity reminds: only its next occurrence is in the outbox (one row per lead,
//! keyed `activity:<id>:<occurrence>:lead-<minutes>`); the activities job plans the following
//! one when an occurrence comes, so edits, pauses, skips and holidays only ever re-plan one
//! occurrence, in the same transaction as the change.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::view::reminder;
use crate::app::local::{LOCAL_GUILD, local_channel};
use crate::app::{App, AppResult, Ctx};
use crate::config::Config;
use crate::domain::activity::{
    Holiday, Occurrence, Rules, follow_up_at, follow_up_key, reminder_key,
};
use crate::domain::deadline::local_to_utc;
use crate::domain::schedule::{Schedule, parse_schedule};
use crate::message::Target;
use crate::store::activities::{self, Activity};
use crate::store::outbox::{self, NewMessage};
use crate::store::settings::{self, GuildSettings};
use crate::store::{StoreError, ms};

/// Most missed occurrences of one activity put in the outbox after downtime.
const CATCH_UP_MAX: usize = 50;

/// Where an activity's reminders go: its channel, else the guild's summary channel, else (in
/// the local shell only) the shell's channel.
pub fn target_channel(a: &Activity, guild: &GuildSettings) -> Option<u64> {
    a.channel_id
        .or(guild.summary_channel)
        .or_else(|| (guild.guild_id == LOCAL_GUILD).then(local_channel))
}

/// The role an activity's reminders ping, when it has one.
pub fn role_of(a: &Activity, guild: &GuildSettings) -> Option<u64> {
    a.role_id
        .or_else(|| a.position.and_then(|p| guild.positions.get(&p).copied()))
}

pub(super) fn sig(a: &Activity, guild: &GuildSettings) -> String {
    activities::plan_sig(
        guild.timezone.name(),
        guild.locale,
        target_channel(a, guild),
        role_of(a, guild),
    )
}

/// What decides an activity's occurrences besides its schedule: the guild's holidays and the
/// days skipped by hand.
#[derive(Default)]
pub(super) struct Calendar {
    pub holidays: Vec<Holiday>,
    pub skips: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The rules an activity's occurrences follow: its schedule in the guild's zone, with these
    /// holidays and skipped days.
    pub(super) fn rules<'a>(
        &'a self,
        a: &Activity,
        schedule: &'a Schedule,
        tz: chrono_tz::Tz,
    ) -> Rules<'a> {
        let mut rules = Rules {
            schedule,
            tz,
            mode: a.holidays,
            holidays: &self.holidays,
            skips: &self.skips,
            until: a.until,
            last: None,
        };
        // `times:` — the count's last occurrence (occurrences that fire, after the instant the
        // count was set) becomes the last instant it fires at.
        if let (Some(n), Some(from)) = (a.times, a.times_from) {
            let mut cursor = from;
            let mut last = None;
            for _ in 0..n {
                match rules.next_firing(cursor) {
                    Some(o) => {
                        cursor = o.at;
                        last = Some(o.at);
                    }
                    None => break,
                }
            }
            rules.last = last.or(Some(from));
        }
        rules
    }
}

pub(super) async fn calendar_of(
    conn: &mut SqliteConnection,
    a: &Activity,
) -> Result<Calendar, StoreError> {
    let mut one = calendars_of(conn, a.guild_id, std::slice::from_ref(a)).await?;
    Ok(one.remove(&a.id).unwrap_or_default())
}

/// The calendars of several activities of one guild, by id: the guild's holidays read once and
/// every skipped day in one statement (not two statements per activity, each a round trip to
/// SQLite's thread: 0.6–0.8 ms of the morning summary with six activities).
pub(super) async fn calendars_of(
    conn: &mut SqliteConnection,
    guild_id: u64,
    list: &[Activity],
) -> Result<HashMap<i64, Calendar>, StoreError> {
    if list.is_empty() {
        return Ok(HashMap::new());
    }
    let holidays: Vec<Holiday> = activities::holidays(conn, guild_id, None)
        .await?
        .into_iter()
        .map(|h| h.holiday)
        .collect();
    let ids: Vec<i64> = list.iter().map(|a| a.id).collect();
    let mut skips = activities::skips_of(conn, &ids).await?;
    Ok(list
        .iter()
        .map(|a| {
            let cal = Calendar {
                holidays: holidays.clone(),
                skips: skips.remove(&a.id).unwrap_or_default(),
            };
            (a.id, cal)
        })
        .collect())
}

pub(super) fn stored_schedule(a: &Activity) -> Option<Schedule> {
    match parse_schedule(&a.schedule) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!(activity = a.id, error = %e, "a stored activity schedule no longer parses; no reminders");
            None
        }
    }
}

/// Whether the occurrence at `at` is the activity's last: it ends (`until:` or `times:`) and
/// nothing fires after it.
pub(super) fn is_last(a: &Activity, rules: &Rules<'_>, at: DateTime<Utc>) -> bool {
    (a.until.is_some() || a.times.is_some()) && rules.next_firing(at).is_none()
}

/// The reminders (and the follow-up) of one occurrence due at or after `min_due`.
#[allow(clippy::too_many_arguments)]
async fn occurrence_messages(
    conn: &mut SqliteConnection,
    a: &Activity,
    guild: &GuildSettings,
    cfg: &Config,
    channel: u64,
    occ: &Occurrence,
    rules: &Rules<'_>,
    min_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<NewMessage>, StoreError> {
    let last = is_last(a, rules, occ.at);
    let acks = activities::acks(conn, a.id, occ.at).await?;
    let ticks = activities::ticks(conn, a.id, occ.at).await?;
    let l = guild.locale;
    let message = |key: String, due_at, reply| NewMessage {
        guild_id: a.guild_id,
        dedupe_key: key,
        source: a.source(),
        target: Target::Channel(channel),
        reply,
        due_at,
    };
    let mut out = Vec::new();
    for lead in &a.leads {
        let due = occ.at - *lead;
        if due >= min_due {
            out.push(message(
                reminder_key(a.id, occ.at, *lead),
                due,
                reminder(l, a, guild, occ, &acks, &ticks, false, last),
            ));
        }
    }
    let cfg = &cfg.activities;
    // The follow-up follows up the first reminder: only when that one goes (or went) out.
    let first_out = match a.leads.iter().max() {
        Some(longest) if occ.at - *longest >= min_due => true,
        Some(longest) => outbox::was_sent(conn, &reminder_key(a.id, occ.at, *longest)).await?,
        None => false,
    };
    if cfg.follow_up
        && first_out
        && acks.is_empty()
        && let Some(due) = follow_up_at(occ.at, &a.leads, guild.timezone, cfg.quiet_hours)
            .filter(|d| *d >= min_due && *d >= now)
    {
        out.push(message(
            follow_up_key(a.id, occ.at),
            due,
            reminder(l, a, guild, occ, &acks, &ticks, true, last),
        ));
    }
    Ok(out)
}

/// Plans an activity afresh from `now` (after any change to it, its holidays or the guild's
/// settings): its next occurrence's reminders due from now on, replacing whatever waited.
/// Must run inside the transaction that made the change. Returns the next occurrence.
pub async fn replan(
    conn: &mut SqliteConnection,
    a: &Activity,
    guild: &GuildSettings,
    cfg: &Config,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let sig = sig(a, guild);
    let source = a.source();
    let channel = target_channel(a, guild);
    let schedule = stored_schedule(a);
    let (Some(channel), Some(schedule), false) = (channel, schedule, a.paused) else {
        outbox::cancel_source(conn, &source).await?;
        if channel.is_none() && !a.paused {
            tracing::warn!(
                activity = a.id,
                guild = a.guild_id,
                "activity has no channel and the guild no summary channel: no reminders until /setup summary-channel"
            );
        }
        activities::set_plan(conn, a, None, &sig).await?;
        return Ok(None);
    };
    let cal = calendar_of(conn, a).await?;
    let rules = cal.rules(a, &schedule, guild.timezone);
    let occ = rules.next_firing(now);
    let msgs = match &occ {
        Some(o) => occurrence_messages(conn, a, guild, cfg, channel, o, &rules, now, now).await?,
        None => vec![],
    };
    let keep: Vec<String> = msgs.iter().map(|m| m.dedupe_key.clone()).collect();
    outbox::cancel_unplanned(conn, &source, now, &keep).await?;
    for m in &msgs {
        activities::plan_message(conn, m, now).await?;
    }
    let next = occ.map(|o| o.at);
    activities::set_plan(conn, a, next, &sig).await?;
    Ok(next)
}

/// The occurrence at `expected` has come: plans the following one (and, after downtime, the
/// ones missed in between, due when they were). Returns the new next occurrence.
async fn advance(
    conn: &mut SqliteConnection,
    a: &Activity,
    guild: &GuildSettings,
    cfg: &Config,
    expected: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    // A follow-up still waiting now that the activity has started (the bot was down when it
    // was due) would only be noise.
    outbox::cancel_prefix(conn, &a.source(), &follow_up_key(a.id, expected)).await?;
    let (Some(channel), Some(schedule)) = (target_channel(a, guild), stored_schedule(a)) else {
        return Ok(None);
    };
    let cal = calendar_of(conn, a).await?;
    let rules = cal.rules(a, &schedule, guild.timezone);
    let mut prev = expected;
    for _ in 0..CATCH_UP_MAX {
        let Some(occ) = rules.next_firing(prev) else {
            return Ok(None);
        };
        for m in occurrence_messages(conn, a, guild, cfg, channel, &occ, &rules, prev, now).await? {
            activities::plan_message(conn, &m, now).await?;
        }
        if occ.at > now {
            return Ok(Some(occ.at));
        }
        prev = occ.at;
    }
    tracing::warn!(
        activity = a.id,
        "more than {CATCH_UP_MAX} occurrences were missed; planning from now"
    );
    let Some(occ) = rules.next_firing(now) else {
        return Ok(None);
    };
    for m in occurrence_messages(conn, a, guild, cfg, channel, &occ, &rules, now, now).await? {
        activities::plan_message(conn, &m, now).await?;
    }
    Ok(Some(occ.at))
}

/// The activities job, run by the dispatcher before each delivery pass: plans the next
/// occurrence of every activity whose occurrence has come, and re-plans every activity never
/// planned or planned with guild settings that changed since. Safe to run from several
/// processes: a plan is recorded only where the activity still stands as it was read.
pub async fn materialise_activities(app: &App) -> AppResult<usize> {
    materialise_activities_on(app, &mut *app.conn().await?).await
}

/// [`materialise_activities`] on `conn` (a command's own connection: the job takes no other).
pub async fn materialise_activities_on(app: &App, conn: &mut SqliteConnection) -> AppResult<usize> {
    let now = app.clock.now();
    let mut planned = 0;
    for a in activities::due(conn, now).await? {
        let Some(expected) = a.next_at else { continue };
        let guild = settings::get_or_init(conn, a.guild_id, &app.config, ms(now)).await?;
        let kept = app
            .write_if_with(conn, async |tx| {
                let next = advance(tx, &a, &guild, &app.config, expected, now).await?;
                Ok(activities::set_plan(tx, &a, next, &sig(&a, &guild)).await?)
            })
            .await?;
        planned += usize::from(kept);
    }
    planned += plan_stale(conn, app, now).await?;
    Ok(planned)
}

/// Plans the activities never planned or planned with guild settings that have changed
/// since. Returns how many.
async fn plan_stale(
    conn: &mut SqliteConnection,
    app: &App,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let stale = activities::stale(conn, (LOCAL_GUILD, local_channel())).await?;
    if stale.is_empty() {
        return Ok(0);
    }
    let mut guilds = std::collections::HashMap::new();
    for a in &stale {
        if let std::collections::hash_map::Entry::Vacant(e) = guilds.entry(a.guild_id) {
            e.insert(settings::get_or_init(conn, a.guild_id, &app.config, ms(now)).await?);
        }
    }
    // One transaction for the lot: a guild's first start re-plans all its defaults at once.
    app.write_if_with(conn, async |tx| {
        for a in &stale {
            if let Some(guild) = guilds.get(&a.guild_id) {
                replan(tx, a, guild, &app.config, now).await?;
            }
        }
        Ok(true)
    })
    .await?;
    Ok(stale.len())
}

/// Runs the activities job before showing plans, so a `/setup` change, a guild's first start
/// or an occurrence that just came are reflected even if the dispatcher has not woken yet.
pub(super) async fn fresh_plans(ctx: &Ctx<'_>) -> AppResult<()> {
    materialise_activities_on(ctx.app, &mut *ctx.conn().await?).await?;
    Ok(())
}

/// The activities that happen in [from, to) in a guild, by time: (name, start). Paused
/// activities, skipped days and holidays that an activity skips are left out. For the
/// morning summary ("today's activities").
pub async fn occurrences_between(
    conn: &mut SqliteConnection,
    guild: &GuildSettings,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
    let mut out = Vec::new();
    let list: Vec<Activity> = activities::list(conn, guild.guild_id)
        .await?
        .into_iter()
        .filter(|a| !a.paused)
        .collect();
    let calendars = calendars_of(conn, guild.guild_id, &list).await?;
    for a in &list {
        let (Some(schedule), Some(cal)) = (stored_schedule(a), calendars.get(&a.id)) else {
            continue;
        };
        let rules = cal.rules(a, &schedule, guild.timezone);
        let start = from - Duration::milliseconds(1);
        for o in rules.between(start, to, 500) {
            if o.at < to && o.fate.fires() {
                out.push((a.name.clone(), o.at));
            }
        }
    }
    out.sort_by(|x, y| x.1.cmp(&y.1).then_with(|| x.0.cmp(&y.0)));
    Ok(out)
}

/// The local day `day` as the instants [start, end).
pub(super) fn day_bounds(day: NaiveDate, tz: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_to_utc(day.and_time(chrono::NaiveTime::MIN), tz);
    let end = local_to_utc(
        day.succ_opt()
            .unwrap_or(day)
            .and_time(chrono::NaiveTime::MIN),
        tz,
    );
    (start, end)
}
