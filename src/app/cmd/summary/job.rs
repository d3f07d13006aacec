//! The scheduled part: every guild gets a summary schedule on first sight; when its check time
//! comes, the data owner is pinged for missing figures; when its summary time comes, the
//! summary (and on Mondays the weekly, on the 1st the monthly one) is queued once.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};

use super::daily::daily;
use super::period::{month_bounds, period, week_bounds};
use crate::app::{App, AppResult};
use crate::domain::deadline::local_to_utc;
use crate::message::{Mentions, Reply, Severity, Target};
use crate::store::data::{self, SummarySchedule};
use crate::store::outbox::{self, NewMessage};
use crate::store::settings::{self, GuildSettings};
use crate::tr;

pub(super) fn next_local(
    time: NaiveTime,
    tz: chrono_tz::Tz,
    after: DateTime<Utc>,
) -> DateTime<Utc> {
    let today = after.with_timezone(&tz).date_naive();
    let at = local_to_utc(today.and_time(time), tz);
    if at > after {
        at
    } else {
        local_to_utc((today + Duration::days(1)).and_time(time), tz)
    }
}

pub(super) fn fresh_schedule(
    guild: &GuildSettings,
    time: NaiveTime,
    check: NaiveTime,
    now: DateTime<Utc>,
) -> SummarySchedule {
    SummarySchedule {
        guild_id: guild.guild_id,
        summary_time: time.format("%H:%M").to_string(),
        check_time: check.format("%H:%M").to_string(),
        next_summary_at: Some(next_local(time, guild.timezone, now)),
        next_check_at: Some(next_local(check, guild.timezone, now)),
    }
}

/// Runs what is due (see the module's documentation); returns when it is next due.
pub async fn run_due(app: &App) -> AppResult<Option<DateTime<Utc>>> {
    let now = app.clock.now();
    let mut conn = app.conn().await?;
    let known: Vec<u64> = data::schedules(&mut conn)
        .await?
        .iter()
        .map(|s| s.guild_id)
        .collect();
    let guild_ids: Vec<(i64,)> = sqlx::query_as("SELECT guild_id FROM guild_settings")
        .fetch_all(&mut *conn)
        .await?;
    for (g,) in guild_ids {
        let g = g as u64;
        if !known.contains(&g) {
            let guild =
                settings::get_or_init(&mut conn, g, &app.config, crate::store::ms(now)).await?;
            data::put_schedule(
                &mut conn,
                &fresh_schedule(
                    &guild,
                    app.config.summary.time,
                    app.config.summary.missing_check,
                    now,
                ),
            )
            .await?;
        }
    }
    for s in data::schedules(&mut conn).await? {
        let due_summary = s.next_summary_at.filter(|t| *t <= now);
        let due_check = s.next_check_at.filter(|t| *t <= now);
        if due_summary.is_none() && due_check.is_none() {
            continue;
        }
        let guild =
            settings::get_or_init(&mut conn, s.guild_id, &app.config, crate::store::ms(now))
                .await?;
        let tz = guild.timezone;
        let time =
            NaiveTime::parse_from_str(&s.summary_time, "%H:%M").unwrap_or(app.config.summary.time);
        let check = NaiveTime::parse_from_str(&s.check_time, "%H:%M")
            .unwrap_or(app.config.summary.missing_check);
        let next = (
            if due_summary.is_some() {
                Some(next_local(time, tz, now))
            } else {
                s.next_summary_at
            },
            if due_check.is_some() {
                Some(next_local(check, tz, now))
            } else {
                s.next_check_at
            },
        );
        let mut msgs = Vec::new();
        let l = guild.locale;
        // After downtime only the latest check matters: a reminder to enter figures for a day
        // long gone is noise.
        let due_check = due_check.map(|first| latest_at_or_before(check, tz, first, now));
        if let (Some(at), Some(channel)) = (due_check, guild.summary_channel) {
            let yesterday = at.with_timezone(&tz).date_naive() - Duration::days(1);
            let shops = data::shops(&mut conn, guild.guild_id).await?;
            let mut missing = Vec::new();
            for shop in &shops {
                if data::day(&mut conn, shop.id, yesterday).await?.is_none() {
                    missing.push(shop.name.clone());
                }
            }
            if !missing.is_empty() {
                let owner = app.config.summary.data_owner;
                let mut r = Reply::titled(tr!(
                    l,
                    "summary-missing-title",
                    date = yesterday.to_string()
                ))
                .line(tr!(
                    l,
                    "summary-missing-body",
                    shops = missing.join(", "),
                    time = time.format("%H:%M").to_string()
                ))
                .severity(Severity::Warning);
                r.mentions = guild
                    .positions
                    .get(&owner)
                    .copied()
                    .map(Mentions::role)
                    .unwrap_or_default();
                msgs.push(NewMessage {
                    guild_id: guild.guild_id,
                    dedupe_key: format!("data-missing:{}:{yesterday}", guild.guild_id),
                    source: format!("summary:{}", guild.guild_id),
                    target: Target::Channel(channel),
                    reply: r,
                    due_at: at,
                });
            }
        }
        // Every morning that came while the bot was down gets its own summary, built for its
        // own day and due when it was: the dispatcher sends it late (within the grace window)
        // or lists it in the one "missed while offline" digest. Never dropped in silence.
        let mut at = due_summary;
        let mut made = 0;
        while let Some(when) = at.filter(|t| *t <= now) {
            match guild.summary_channel {
                None => {
                    tracing::warn!(
                        guild = guild.guild_id,
                        "no summary channel set; the morning summary was not sent (set one with /setup summary-channel)"
                    );
                    break;
                }
                Some(channel) => msgs.extend(summaries_of(app, &guild, channel, when).await?),
            }
            made += 1;
            if made >= CATCH_UP_MAX {
                tracing::warn!(
                    guild = guild.guild_id,
                    "more than {CATCH_UP_MAX} mornings missed; the older ones are not made"
                );
                break;
            }
            at = Some(next_local(time, tz, when));
        }
        // Moving the schedule on and queueing what it made are one transaction; when another
        // process moved it first, nothing is queued here.
        app.write_if(async |tx| {
            let expected = (s.next_summary_at, s.next_check_at);
            if !data::advance_schedule(tx, s.guild_id, expected, next).await? {
                return Ok(false);
            }
            for m in &msgs {
                outbox::enqueue(tx, m, now).await?;
            }
            Ok(true)
        })
        .await?;
    }
    Ok(data::next_due(&mut conn).await?)
}

/// Most mornings of summaries made after one downtime (a year).
const CATCH_UP_MAX: usize = 366;

/// The last instant at `time` (local) at or before `now`, from `first` on.
fn latest_at_or_before(
    time: NaiveTime,
    tz: chrono_tz::Tz,
    first: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let mut at = first;
    loop {
        let next = next_local(time, tz, at);
        if next > now {
            return at;
        }
        at = next;
    }
}

/// The summaries due at the morning `at`: the day before's, and on a Monday the week before's,
/// on the 1st the month before's.
async fn summaries_of(
    app: &App,
    guild: &GuildSettings,
    channel: u64,
    at: DateTime<Utc>,
) -> AppResult<Vec<NewMessage>> {
    let l = guild.locale;
    let mut conn = app.conn().await?;
    let today = at.with_timezone(&guild.timezone).date_naive();
    let yesterday = today - Duration::days(1);
    let message = |key: String, reply: Reply| NewMessage {
        guild_id: guild.guild_id,
        dedupe_key: key,
        source: format!("summary:{}", guild.guild_id),
        target: Target::Channel(channel),
        reply,
        due_at: at,
    };
    let mut out = vec![message(
        format!("summary:{}:{yesterday}", guild.guild_id),
        daily(app, &mut conn, guild, yesterday, at, l).await?,
    )];
    if today.weekday() == Weekday::Mon {
        let (from, to) = week_bounds(yesterday);
        let title = tr!(
            l,
            "summary-weekly-title",
            from = from.to_string(),
            to = to.to_string()
        );
        out.push(message(
            format!("summary-weekly:{}:{from}", guild.guild_id),
            period(app, &mut conn, guild, from, to, title, l).await?,
        ));
    }
    if today.day() == 1 {
        let (from, to) = month_bounds(yesterday);
        let title = tr!(
            l,
            "summary-monthly-title",
            month = from.format("%Y-%m").to_string()
        );
        out.push(message(
            format!("summary-monthly:{}:{from}", guild.guild_id),
            period(app, &mut conn, guild, from, to, title, l).await?,
        ));
    }
    Ok(out)
}
