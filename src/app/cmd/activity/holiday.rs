//! `/holiday ...`: holidays and sale periods on which activities marked so are skipped or get a
//! note. Adding or removing one re-plans every activity of the guild in the same transaction.

use chrono::{Duration, NaiveDate};
use sqlx::SqliteConnection;

use super::plan::{day_bounds, replan, stored_schedule};
use super::{LINES_MAX, NAME_MAX};
use crate::app::input::{self, checked_text};
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::activity::{Holiday, HolidayMode};
use crate::message::{Reply, Severity, escape_user_text};
use crate::store::activities;
use crate::tr;

/// Longest holiday, in days (a whole sale season is fine; a typo in the year is not).
pub const HOLIDAY_DAYS_MAX: i64 = 92;

/// A `/holiday` command, read and checked.
#[derive(Debug, Clone)]
pub enum HolidayCmd {
    Add(Holiday),
    List,
    Remove { id: i64 },
}

impl HolidayCmd {
    /// Reads `/holiday <sub>`'s options.
    pub fn parse(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> Result<HolidayCmd, UserError> {
        let tz = ctx.guild.timezone;
        Ok(match sub {
            "add" => {
                let name = checked_text(inv.req_str("name")?, NAME_MAX, "name")?;
                let from = input::day(inv.req_str("from")?, ctx.now, tz)?;
                let to = inv
                    .str("to")
                    .map(|t| input::day(t, ctx.now, tz))
                    .transpose()?
                    .unwrap_or(from);
                if to < from {
                    return Err(UserError::new("holiday-err-order"));
                }
                if (to - from).num_days() >= HOLIDAY_DAYS_MAX {
                    return Err(
                        UserError::new("holiday-err-long").arg("max", HOLIDAY_DAYS_MAX.to_string())
                    );
                }
                HolidayCmd::Add(Holiday { name, from, to })
            }
            "list" => HolidayCmd::List,
            "remove" => HolidayCmd::Remove { id: inv.id("id")? },
            _ => return Err(inv.unknown()),
        })
    }
}

pub(super) fn range_text(h: &Holiday) -> String {
    if h.from == h.to {
        h.from.format("%Y-%m-%d").to_string()
    } else {
        format!(
            "{} – {}",
            h.from.format("%Y-%m-%d"),
            h.to.format("%Y-%m-%d")
        )
    }
}

/// Re-plans every activity of the guild (after its holidays changed).
async fn replan_guild(conn: &mut SqliteConnection, ctx: &Ctx<'_>) -> AppResult<()> {
    for a in activities::list(conn, ctx.guild.guild_id).await? {
        replan(conn, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
    }
    Ok(())
}

/// What a holiday does to the guild's activities: one line per activity with an occurrence
/// inside it.
async fn holiday_effects(
    conn: &mut SqliteConnection,
    ctx: &Ctx<'_>,
    h: &Holiday,
) -> AppResult<Vec<String>> {
    let l = ctx.locale;
    let tz = ctx.guild.timezone;
    let (start, _) = day_bounds(h.from, tz);
    let (_, end) = day_bounds(h.to, tz);
    let mut out = Vec::new();
    for a in activities::list(conn, ctx.guild.guild_id).await? {
        let Some(schedule) = stored_schedule(&a) else {
            continue;
        };
        let n = schedule
            .occurrences(start - Duration::milliseconds(1), end, tz, 100)
            .into_iter()
            .filter(|at| *at < end)
            .count();
        if n == 0 || a.holidays == HolidayMode::Fire {
            continue;
        }
        out.push(tr!(
            l,
            &format!("holiday-effect-{}", a.holidays.key()),
            id = a.id,
            name = escape_user_text(&a.name),
            count = n
        ));
    }
    Ok(out)
}

/// Routes `/holiday <sub>`: parse, then apply.
pub async fn holiday(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    match HolidayCmd::parse(ctx, sub, inv)? {
        HolidayCmd::Add(h) => {
            let (id, effects) = ctx
                .write(async |tx| {
                    let me = ctx.origin.actor.user_id;
                    let id =
                        activities::add_holiday(tx, ctx.guild.guild_id, &h, false, me, ctx.now)
                            .await?;
                    replan_guild(tx, ctx).await?;
                    Ok((id, holiday_effects(tx, ctx, &h).await?))
                })
                .await?;
            let mut r = Reply::titled(tr!(
                l,
                "holiday-added",
                id = id,
                name = escape_user_text(&h.name),
                dates = range_text(&h)
            ))
            .severity(Severity::Success);
            if effects.is_empty() {
                r.lines.push(l.t("holiday-effect-none"));
            }
            r.lines.extend(effects);
            Ok(r)
        }
        HolidayCmd::List => {
            let today: NaiveDate = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
            let mut conn = ctx.conn().await?;
            let rows = activities::holidays(&mut conn, ctx.guild.guild_id, Some(today)).await?;
            let mut r = Reply::titled(tr!(l, "holiday-list-title", count = rows.len()));
            if rows.is_empty() {
                r.lines.push(l.t("holiday-list-empty"));
            }
            for h in rows.iter().take(LINES_MAX) {
                r.lines.push(format!(
                    "**#{}** {} — {}",
                    h.id,
                    escape_user_text(&h.holiday.name),
                    range_text(&h.holiday)
                ));
            }
            if rows.len() > LINES_MAX {
                r.lines
                    .push(tr!(l, "activity-more", count = rows.len() - LINES_MAX));
            }
            r.footer = Some(l.t("holiday-list-footer"));
            r.ephemeral = true;
            Ok(r)
        }
        HolidayCmd::Remove { id } => {
            let h = ctx
                .write(async |tx| {
                    let h = activities::remove_holiday(tx, ctx.guild.guild_id, id).await?;
                    let h = crate::app::error::found(h, "holiday-err-not-found", id)?;
                    replan_guild(tx, ctx).await?;
                    Ok(h)
                })
                .await?;
            Ok(Reply::titled(tr!(
                l,
                "holiday-removed",
                id = id,
                name = escape_user_text(&h.name),
                dates = range_text(&h)
            ))
            .severity(Severity::Success))
        }
    }
}
