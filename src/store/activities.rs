//! Fixed activities, their skipped days, acknowledgements and checklist ticks, the guild's
//! holidays, the shipped defaults created at a guild's first start, and the planning of an
//! activity's reminders in the outbox.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use super::outbox::{self, NewMessage, OutboxState};
use super::{Arg, StoreError, StoreResult, from_ms, id_in, id_out, ms};
use crate::config::Config;
use crate::domain::activity::{self, Holiday, HolidayMode};
use crate::domain::position::Position;
use crate::i18n::Locale;

/// An activity as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// Number shown to people (`#5`).
    pub id: i64,
    pub guild_id: u64,
    pub name: String,
    pub schedule: String,
    /// Channel; None = the guild's summary channel.
    pub channel_id: Option<u64>,
    /// Position pinged...
    pub position: Option<Position>,
    /// ... or a role.
    pub role_id: Option<u64>,
    /// Reminders before the start, longest first.
    pub leads: Vec<Duration>,
    pub message: Option<String>,
    pub checklist: Vec<String>,
    pub holidays: HolidayMode,
    /// Paused: no reminders.
    pub paused: bool,
    /// Who created it (0 = the shipped defaults).
    pub created_by: u64,
    /// The occurrence whose reminders are planned.
    pub next_at: Option<DateTime<Utc>>,
    /// The settings the plan was made with.
    pub plan_sig: Option<String>,
    /// The last local day it reminds on (`until:`); None = it goes on.
    pub until: Option<chrono::NaiveDate>,
    /// It ends after this many occurrences (`times:`) ...
    pub times: Option<i64>,
    /// ... counted from this instant (when the count was set).
    pub times_from: Option<DateTime<Utc>>,
}

impl Activity {
    /// The outbox source of its reminders.
    pub fn source(&self) -> String {
        format!("activity:{}", self.id)
    }
}

const COLUMNS: &str = "id, guild_id, name, schedule, channel_id, position, role_id, leads, message, checklist, holidays, paused, created_by, next_at, plan_sig, until_day, times, times_from";

fn decode(r: &SqliteRow) -> StoreResult<Activity> {
    let leads: String = r.try_get("leads")?;
    let checklist: String = r.try_get("checklist")?;
    let holidays: String = r.try_get("holidays")?;
    Ok(Activity {
        id: r.try_get("id")?,
        guild_id: id_out(r.try_get("guild_id")?),
        name: r.try_get("name")?,
        schedule: r.try_get("schedule")?,
        channel_id: r.try_get::<Option<i64>, _>("channel_id")?.map(id_out),
        position: super::position_of(r)?,
        role_id: r.try_get::<Option<i64>, _>("role_id")?.map(id_out),
        leads: activity::leads_from_minutes(&leads)
            .ok_or_else(|| StoreError::Corrupt(format!("activity leads {leads}")))?,
        message: r.try_get("message")?,
        checklist: serde_json::from_str(&checklist)
            .map_err(|e| StoreError::Corrupt(format!("activity checklist: {e}")))?,
        holidays: HolidayMode::parse(&holidays)
            .ok_or_else(|| StoreError::Corrupt(format!("holiday mode {holidays}")))?,
        paused: r.try_get::<i64, _>("paused")? != 0,
        created_by: id_out(r.try_get("created_by")?),
        next_at: r.try_get::<Option<i64>, _>("next_at")?.map(from_ms),
        plan_sig: r.try_get("plan_sig")?,
        until: match r.try_get::<Option<String>, _>("until_day")? {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|e| StoreError::Corrupt(format!("activity until {d}: {e}")))?,
            ),
            None => None,
        },
        times: r.try_get("times")?,
        times_from: r.try_get::<Option<i64>, _>("times_from")?.map(from_ms),
    })
}

/// The columns a person edits, as [`bind_fields`] binds them (`?N` from the first number on).
const FIELDS: &str = "name, schedule, channel_id, position, role_id, leads, message, checklist, holidays, paused, until_day, times, times_from";

fn bind_fields<'q>(q: super::Statement<'q>, a: &Activity) -> StoreResult<super::Statement<'q>> {
    Ok(q.bind(a.name.clone())
        .bind(a.schedule.clone())
        .bind(a.channel_id.map(id_in))
        .bind(a.position.map(|p| p.key()))
        .bind(a.role_id.map(id_in))
        .bind(activity::leads_to_minutes(&a.leads))
        .bind(a.message.clone())
        .bind(super::json(&a.checklist)?)
        .bind(a.holidays.key())
        .bind(a.paused)
        .bind(a.until.map(|d| d.to_string()))
        .bind(a.times)
        .bind(a.times_from.map(ms)))
}

/// Saves a new activity (unplanned: the caller plans it in the same transaction).
pub async fn insert(
    conn: &mut SqliteConnection,
    a: &Activity,
    seeded: bool,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let sql = format!(
        "INSERT INTO activities (guild_id, seeded, created_by, created_at, updated_at, {FIELDS})
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING id"
    );
    let q = sqlx::query(AssertSqlSafe(sql))
        .bind(id_in(a.guild_id))
        .bind(seeded)
        .bind(id_in(a.created_by))
        .bind(ms(now));
    Ok(bind_fields(q, a)?.fetch_one(conn).await?.try_get(0)?)
}

/// An activity of the guild (not removed).
pub async fn get(
    conn: &mut SqliteConnection,
    guild_id: u64,
    id: i64,
) -> StoreResult<Option<Activity>> {
    let sql =
        format!("SELECT {COLUMNS} FROM activities WHERE guild_id = ?1 AND id = ?2 AND removed = 0");
    super::get_by_id(conn, sql, guild_id, id, decode).await
}

/// Every activity of the guild, by number.
pub async fn list(conn: &mut SqliteConnection, guild_id: u64) -> StoreResult<Vec<Activity>> {
    let sql =
        format!("SELECT {COLUMNS} FROM activities WHERE guild_id = ?1 AND removed = 0 ORDER BY id");
    super::select(conn, sql, &[Arg::Int(id_in(guild_id))], decode).await
}

/// Activities whose name or number matches what is being typed, for autocomplete.
pub async fn suggest(
    conn: &mut SqliteConnection,
    guild_id: u64,
    typed: &str,
) -> StoreResult<Vec<Activity>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM activities WHERE guild_id = ?1 AND removed = 0
           AND (?2 = '' OR instr(lower(name), lower(?2)) > 0 OR CAST(id AS TEXT) = ?2)
         ORDER BY id LIMIT 25"
    );
    let typed = typed.trim().trim_start_matches('#').to_string();
    let args = [Arg::Int(id_in(guild_id)), Arg::Text(typed)];
    super::select(conn, sql, &args, decode).await
}

/// Writes the editable fields of an activity.
pub async fn update(
    conn: &mut SqliteConnection,
    a: &Activity,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE activities SET updated_at = ?2, ({FIELDS}) =
            (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         WHERE id = ?1"
    );
    let q = sqlx::query(AssertSqlSafe(sql)).bind(a.id).bind(ms(now));
    bind_fields(q, a)?.execute(conn).await?;
    Ok(())
}

/// Removes an activity (kept as a row: its number is never reused and its history stays).
pub async fn remove(conn: &mut SqliteConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    let sql = "UPDATE activities SET removed = 1, next_at = NULL, updated_at = ?2 WHERE id = ?1";
    super::execute(conn, sql, &[id.into(), ms(now).into()]).await?;
    Ok(())
}

/// Records a plan, only if the activity still stands where the planner found it (so two
/// processes never both plan the same change). Returns whether it was recorded.
pub async fn set_plan(
    conn: &mut SqliteConnection,
    a: &Activity,
    next_at: Option<DateTime<Utc>>,
    sig: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE activities SET next_at = ?4, plan_sig = ?5
         WHERE id = ?1 AND next_at IS ?2 AND plan_sig IS ?3",
    )
    .bind(a.id)
    .bind(a.next_at.map(ms))
    .bind(&a.plan_sig)
    .bind(next_at.map(ms))
    .bind(sig)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Activities (all guilds) whose planned occurrence has come: the next one is due.
pub async fn due(conn: &mut SqliteConnection, now: DateTime<Utc>) -> StoreResult<Vec<Activity>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM activities
         WHERE removed = 0 AND paused = 0 AND next_at IS NOT NULL AND next_at <= ?1
         ORDER BY next_at LIMIT 100"
    );
    super::select(conn, sql, &[Arg::Int(ms(now))], decode).await
}

/// The settings signature a plan is made with: zone, language, channel, role. Computed here
/// and in [`stale`] the same way, so a change of any of them is noticed.
pub fn plan_sig(timezone: &str, locale: Locale, channel: Option<u64>, role: Option<u64>) -> String {
    let id = |v: Option<u64>| {
        v.map(|v| id_in(v).to_string())
            .unwrap_or_else(|| "-".into())
    };
    format!("{timezone}|{}|{}|{}", locale.tag(), id(channel), id(role))
}

/// Activities (all guilds) never planned, or planned with settings that have changed since.
/// `fallback` is the channel used for guild `fallback.0` when it has no summary channel.
pub async fn stale(
    conn: &mut SqliteConnection,
    fallback: (u64, u64),
) -> StoreResult<Vec<Activity>> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM activities a
         JOIN guild_settings g ON g.guild_id = a.guild_id
         LEFT JOIN guild_positions p ON p.guild_id = a.guild_id AND p.position = a.position
         WHERE a.removed = 0 AND a.plan_sig IS NOT (
             g.timezone || '|' || g.locale || '|'
             || COALESCE(CAST(COALESCE(a.channel_id, g.summary_channel, CASE WHEN a.guild_id = ?1 THEN ?2 END) AS TEXT), '-')
             || '|' || COALESCE(CAST(COALESCE(a.role_id, p.role_id) AS TEXT), '-'))
         ORDER BY a.id LIMIT 100"
    );
    let args = [Arg::Int(id_in(fallback.0)), Arg::Int(id_in(fallback.1))];
    super::select(conn, sql, &args, decode).await
}

/// The earliest planned occurrence of any activity: when the job must next run.
pub async fn next_due_at(conn: &mut SqliteConnection) -> StoreResult<Option<DateTime<Utc>>> {
    let (next,): (Option<i64>,) =
        sqlx::query_as("SELECT MIN(next_at) FROM activities WHERE removed = 0 AND paused = 0")
            .fetch_one(conn)
            .await?;
    Ok(next.map(from_ms))
}

// ---------------------------------------------------------------- skipped days

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date {s}")))
}

/// The local dates each of the activities `ids` is skipped on, in one statement (an activity
/// without skips has no entry).
pub async fn skips_of(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> StoreResult<std::collections::HashMap<i64, BTreeSet<NaiveDate>>> {
    let mut out: std::collections::HashMap<i64, BTreeSet<NaiveDate>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let (rows,): (String,) = sqlx::query_as(SKIPS_OF_SQL)
        .bind(super::json(ids)?)
        .fetch_one(conn)
        .await?;
    let rows: Vec<(i64, String)> = serde_json::from_str(&rows)
        .map_err(|e| StoreError::Corrupt(format!("skipped days: {e}")))?;
    for (id, day) in rows {
        out.entry(id).or_default().insert(parse_day(&day)?);
    }
    Ok(out)
}

/// [`skips_of`]'s statement: one row of JSON (sqlx hands each row over from SQLite's thread on
/// its own).
pub const SKIPS_OF_SQL: &str =
    "SELECT json_group_array(json_array(activity_id, day)) FROM activity_skips
     WHERE activity_id IN (SELECT value FROM json_each(?1))";

/// Skips an activity on a local date; returns whether it was not skipped already.
pub async fn add_skip(
    conn: &mut SqliteConnection,
    id: i64,
    day: NaiveDate,
    by: u64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let sql = "INSERT OR IGNORE INTO activity_skips (activity_id, day, created_by, created_at) VALUES (?1, ?2, ?3, ?4)";
    mark_once(conn, sql, id, day_text(day), by, now).await
}

/// Records a member's mark on an activity (a skipped day, an acknowledged occurrence) once:
/// `sql` inserts (activity, `key`, member, instant) or ignores a repeat, which the table's key
/// refuses. Returns whether the mark is new.
async fn mark_once<K>(
    conn: &mut SqliteConnection,
    sql: &'static str,
    id: i64,
    key: K,
    user: u64,
    now: DateTime<Utc>,
) -> StoreResult<bool>
where
    K: for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    let done = sqlx::query(sql)
        .bind(id)
        .bind(key)
        .bind(id_in(user))
        .bind(ms(now))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

// ---------------------------------------------------------------- acknowledgements and ticks

/// Who acknowledged an occurrence, in order.
pub async fn acks(
    conn: &mut SqliteConnection,
    id: i64,
    occurrence: DateTime<Utc>,
) -> StoreResult<Vec<u64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM activity_acks WHERE activity_id = ?1 AND occurrence_at = ?2 ORDER BY at, rowid",
    )
    .bind(id)
    .bind(ms(occurrence))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(u,)| id_out(u)).collect())
}

/// Records an acknowledgement; returns whether it is new.
pub async fn add_ack(
    conn: &mut SqliteConnection,
    id: i64,
    occurrence: DateTime<Utc>,
    user: u64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let sql = "INSERT OR IGNORE INTO activity_acks (activity_id, occurrence_at, user_id, at) VALUES (?1, ?2, ?3, ?4)";
    mark_once(conn, sql, id, ms(occurrence), user, now).await
}

/// The ticked checklist lines of an occurrence: (line, who ticked it).
pub async fn ticks(
    conn: &mut SqliteConnection,
    id: i64,
    occurrence: DateTime<Utc>,
) -> StoreResult<Vec<(usize, u64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT line, user_id FROM activity_ticks WHERE activity_id = ?1 AND occurrence_at = ?2 ORDER BY line",
    )
    .bind(id)
    .bind(ms(occurrence))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(l, u)| (l.max(0) as usize, id_out(u)))
        .collect())
}

/// Ticks a checklist line, or unticks it when it was ticked; returns whether it is ticked now.
pub async fn toggle_tick(
    conn: &mut SqliteConnection,
    id: i64,
    occurrence: DateTime<Utc>,
    line: usize,
    user: u64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let removed = sqlx::query(
        "DELETE FROM activity_ticks WHERE activity_id = ?1 AND occurrence_at = ?2 AND line = ?3",
    )
    .bind(id)
    .bind(ms(occurrence))
    .bind(line as i64)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if removed > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO activity_ticks (activity_id, occurrence_at, line, user_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(id)
    .bind(ms(occurrence))
    .bind(line as i64)
    .bind(id_in(user))
    .bind(ms(now))
    .execute(conn)
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------- holidays

/// A guild's holiday as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRow {
    /// Number (`/holiday remove id:3`).
    pub id: i64,
    pub holiday: Holiday,
    /// Copied from the shipped list.
    pub shipped: bool,
}

/// The guild's holidays ending on or after `from`, by first day.
pub async fn holidays(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: Option<NaiveDate>,
) -> StoreResult<Vec<HolidayRow>> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, name, starts_on, ends_on, shipped FROM holidays
         WHERE guild_id = ?1 AND (?2 IS NULL OR ends_on >= ?2) ORDER BY starts_on, id",
    )
    .bind(id_in(guild_id))
    .bind(from.map(day_text))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, name, s, e, shipped)| {
            Ok(HolidayRow {
                id,
                holiday: Holiday {
                    name,
                    from: parse_day(&s)?,
                    to: parse_day(&e)?,
                },
                shipped: shipped != 0,
            })
        })
        .collect()
}

/// Saves a holiday.
pub async fn add_holiday(
    conn: &mut SqliteConnection,
    guild_id: u64,
    h: &Holiday,
    shipped: bool,
    by: u64,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO holidays (guild_id, name, starts_on, ends_on, shipped, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
    )
    .bind(id_in(guild_id))
    .bind(&h.name)
    .bind(day_text(h.from))
    .bind(day_text(h.to))
    .bind(shipped)
    .bind(id_in(by))
    .bind(ms(now))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Deletes a holiday; returns it when it existed.
pub async fn remove_holiday(
    conn: &mut SqliteConnection,
    guild_id: u64,
    id: i64,
) -> StoreResult<Option<Holiday>> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "DELETE FROM holidays WHERE guild_id = ?1 AND id = ?2 RETURNING name, starts_on, ends_on",
    )
    .bind(id_in(guild_id))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|(name, s, e)| {
        Ok(Holiday {
            name,
            from: parse_day(&s)?,
            to: parse_day(&e)?,
        })
    })
    .transpose()
}

// ---------------------------------------------------------------- first start

/// Creates the shipped default activities and holidays for a guild seen for the first time.
/// Called from `settings::get_or_init` in the transaction that creates the guild's settings,
/// so it runs exactly once per guild. The activities are planned by the next run of the
/// activities job (their `plan_sig` is NULL).
pub async fn seed_defaults(
    conn: &mut SqliteConnection,
    guild_id: u64,
    config: &Config,
    now_ms: i64,
) -> StoreResult<()> {
    let cfg = &config.activities;
    if !cfg.seed_defaults {
        return Ok(());
    }
    let locale = config.defaults.locale;
    let now = from_ms(now_ms);
    for d in &cfg.defaults {
        let a = Activity {
            id: 0,
            guild_id,
            name: d.name.get(locale).to_string(),
            schedule: d.schedule.clone(),
            channel_id: d.channel,
            position: Some(d.ping),
            role_id: None,
            leads: d.leads.clone(),
            message: d.message.as_ref().map(|m| m.get(locale).to_string()),
            checklist: d.checklist.get(locale).to_vec(),
            holidays: d.holidays,
            paused: false,
            created_by: 0,
            next_at: None,
            plan_sig: None,
            until: None,
            times: None,
            times_from: None,
        };
        insert(conn, &a, true, now).await?;
    }
    for h in &cfg.holidays {
        let h = Holiday {
            name: h.name.get(locale).to_string(),
            from: h.from,
            to: h.to,
        };
        add_holiday(conn, guild_id, &h, true, 0, now).await?;
    }
    Ok(())
}

/// After a guild's language changed from `from` to `to`: the shipped activities and holidays
/// still carrying their shipped texts in `from` get them in `to` (a name, message or checklist
/// someone edited is theirs and stays), and are planned again so their waiting reminders speak
/// the new language. Returns how many activities changed.
pub async fn relocalize_defaults(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: Locale,
    to: Locale,
    config: &Config,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    if from == to {
        return Ok(0);
    }
    let mut changed = 0;
    for d in &config.activities.defaults {
        let message = |l: Locale| d.message.as_ref().map(|m| m.get(l).to_string());
        changed += sqlx::query(
            "UPDATE activities SET
                 name = ?3,
                 message = CASE WHEN message IS ?4 THEN ?5 ELSE message END,
                 checklist = CASE WHEN checklist = ?6 THEN ?7 ELSE checklist END,
                 plan_sig = NULL, updated_at = ?8
             WHERE guild_id = ?1 AND seeded = 1 AND name = ?2",
        )
        .bind(id_in(guild_id))
        .bind(d.name.get(from))
        .bind(d.name.get(to))
        .bind(message(from))
        .bind(message(to))
        .bind(super::json(d.checklist.get(from))?)
        .bind(super::json(d.checklist.get(to))?)
        .bind(ms(now))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    for h in &config.activities.holidays {
        sqlx::query(
            "UPDATE holidays SET name = ?3 WHERE guild_id = ?1 AND shipped = 1 AND name = ?2",
        )
        .bind(id_in(guild_id))
        .bind(h.name.get(from))
        .bind(h.name.get(to))
        .execute(&mut *conn)
        .await?;
    }
    Ok(changed)
}

// ---------------------------------------------------------------- reminders in the outbox

/// Puts one planned reminder in the outbox. A reminder already there and still waiting (or
/// cancelled by an earlier plan) gets the new content and waits again; one that was sent,
/// skipped or failed is left alone, so a reminder is never sent twice. Returns whether a row
/// was added or changed.
pub async fn plan_message(
    conn: &mut SqliteConnection,
    msg: &NewMessage,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    outbox::put(
        conn,
        msg,
        now,
        &[OutboxState::Pending, OutboxState::Cancelled],
    )
    .await
}
