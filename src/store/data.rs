//! Shops, their daily figures (with the history of every change), targets, and the summary
//! schedule of each guild.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{StoreError, StoreResult, from_ms, id_in, id_out, ms};
use crate::domain::metrics::DayFigures;
use crate::domain::money::Money;

/// A shop the team runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shop {
    pub id: i64,
    /// Name people use ("Tmall flagship").
    pub name: String,
    pub platform: String,
    pub currency: String,
}

/// Adds a shop; None when the name is taken.
pub async fn add_shop(
    conn: &mut SqliteConnection,
    guild_id: u64,
    name: &str,
    platform: &str,
    currency: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO shops (guild_id, name, platform, currency, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(id_in(guild_id))
    .bind(name)
    .bind(platform)
    .bind(currency)
    .bind(ms(now))
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// The guild's shops by name.
pub async fn shops(conn: &mut SqliteConnection, guild_id: u64) -> StoreResult<Vec<Shop>> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, name, platform, currency FROM shops WHERE guild_id = ?1 ORDER BY name",
    )
    .bind(id_in(guild_id))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, platform, currency)| Shop {
            id,
            name,
            platform,
            currency,
        })
        .collect())
}

fn decode(json: &str) -> StoreResult<DayFigures> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("figures: {e}")))
}

/// A day's figures of a shop.
pub async fn day(
    conn: &mut SqliteConnection,
    shop_id: i64,
    day: NaiveDate,
) -> StoreResult<Option<DayFigures>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT figures FROM daily_figures WHERE shop_id = ?1 AND day = ?2")
            .bind(shop_id)
            .bind(day.to_string())
            .fetch_optional(conn)
            .await?;
    row.map(|r| decode(&r.0)).transpose()
}

/// Every stored day of a shop in [from, to], by date.
pub async fn range(
    conn: &mut SqliteConnection,
    shop_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<(NaiveDate, DayFigures)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(RANGE_SQL)
        .bind(shop_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|(d, f)| {
            let date = NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|e| StoreError::Corrupt(format!("day {d}: {e}")))?;
            Ok((date, decode(&f)?))
        })
        .collect()
}

/// Sum of paid amounts of a shop in [from, to].
pub async fn paid_between(
    conn: &mut SqliteConnection,
    shop_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Money> {
    // Summed here, checked: SQLite's SUM fails on an integer overflow, which figures stored
    // before the ranges existed can reach.
    let rows: Vec<(Option<i64>,)> = sqlx::query_as(PAID_BETWEEN_SQL)
        .bind(shop_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(conn)
        .await?;
    Ok(Money(crate::domain::metrics::total(
        rows.into_iter().filter_map(|(c,)| c),
    )))
}

/// Writes a day (replacing it), keeping the old and new figures and who changed them, in one
/// transaction. Returns whether anything changed (an identical re-entry changes nothing).
/// It takes the write lock first ([`super::write_tx`]): it reads the old figures before writing,
/// and a deferred transaction would fail at once with "database is locked" if the dispatcher
/// wrote in between.
pub async fn put_day(
    conn: &mut SqliteConnection,
    shop_id: i64,
    day: NaiveDate,
    figures: &DayFigures,
    by: u64,
    source: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut tx = super::write_tx(conn).await?;
    let old = self::day(&mut tx, shop_id, day).await?;
    if old.as_ref() == Some(figures) {
        return Ok(false);
    }
    let json = serde_json::to_string(figures).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO daily_figures (shop_id, day, figures, paid_cents, uv, paying_buyers, entered_by, entered_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (shop_id, day) DO UPDATE SET figures = excluded.figures, paid_cents = excluded.paid_cents,
             uv = excluded.uv, paying_buyers = excluded.paying_buyers, entered_by = excluded.entered_by,
             entered_at = excluded.entered_at, source = excluded.source",
    )
    .bind(shop_id)
    .bind(day.to_string())
    .bind(&json)
    .bind(figures.paid_amount.map(|m| m.0))
    .bind(figures.uv)
    .bind(figures.paying_buyers)
    .bind(id_in(by))
    .bind(ms(now))
    .bind(source)
    .execute(&mut *tx)
    .await?;
    let old_json = old
        .map(|o| serde_json::to_string(&o))
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("INSERT INTO daily_figures_history (shop_id, day, old, new, changed_by, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(shop_id)
        .bind(day.to_string())
        .bind(old_json)
        .bind(&json)
        .bind(id_in(by))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Who changed a day, when, from what to what (newest first).
pub async fn day_history(
    conn: &mut SqliteConnection,
    shop_id: i64,
    day: NaiveDate,
) -> StoreResult<Vec<(u64, DateTime<Utc>, Option<DayFigures>, DayFigures)>> {
    let rows: Vec<(i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT changed_by, changed_at, old, new FROM daily_figures_history WHERE shop_id = ?1 AND day = ?2 ORDER BY id DESC",
    )
    .bind(shop_id)
    .bind(day.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(by, at, old, new)| {
            Ok((
                id_out(by),
                from_ms(at),
                old.map(|o| decode(&o)).transpose()?,
                decode(&new)?,
            ))
        })
        .collect()
}

/// Sets a monthly target (`2026-11`).
pub async fn set_target(
    conn: &mut SqliteConnection,
    shop_id: i64,
    month: &str,
    target: Money,
    by: u64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sales_targets (shop_id, month, target_cents, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (shop_id, month) DO UPDATE SET target_cents = excluded.target_cents, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(shop_id)
    .bind(month)
    .bind(target.0)
    .bind(id_in(by))
    .bind(ms(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// A shop's target for a month.
pub async fn target(
    conn: &mut SqliteConnection,
    shop_id: i64,
    month: &str,
) -> StoreResult<Option<Money>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT target_cents FROM sales_targets WHERE shop_id = ?1 AND month = ?2")
            .bind(shop_id)
            .bind(month)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| Money(r.0)))
}

/// A guild's summary schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySchedule {
    /// Guild.
    pub guild_id: u64,
    /// Local time of the summary, HH:MM.
    pub summary_time: String,
    /// Local time of the missing-data check, HH:MM.
    pub check_time: String,
    /// Next summary.
    pub next_summary_at: Option<DateTime<Utc>>,
    /// Next check.
    pub next_check_at: Option<DateTime<Utc>>,
}

/// Creates or changes a guild's summary schedule.
pub async fn put_schedule(conn: &mut SqliteConnection, s: &SummarySchedule) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO summary_schedule (guild_id, summary_time, check_time, next_summary_at, next_check_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (guild_id) DO UPDATE SET summary_time = excluded.summary_time, check_time = excluded.check_time,
             next_summary_at = excluded.next_summary_at, next_check_at = excluded.next_check_at",
    )
    .bind(id_in(s.guild_id))
    .bind(&s.summary_time)
    .bind(&s.check_time)
    .bind(s.next_summary_at.map(ms))
    .bind(s.next_check_at.map(ms))
    .execute(conn)
    .await?;
    Ok(())
}

/// guild, summary time, check time, next summary, next check.
type ScheduleRow = (i64, String, String, Option<i64>, Option<i64>);

/// Every guild's summary schedule.
pub async fn schedules(conn: &mut SqliteConnection) -> StoreResult<Vec<SummarySchedule>> {
    let rows: Vec<ScheduleRow> =
        sqlx::query_as("SELECT guild_id, summary_time, check_time, next_summary_at, next_check_at FROM summary_schedule")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(g, s, c, ns, nc)| SummarySchedule {
            guild_id: id_out(g),
            summary_time: s,
            check_time: c,
            next_summary_at: ns.map(from_ms),
            next_check_at: nc.map(from_ms),
        })
        .collect())
}

/// Moves a schedule's next instants on, only if they still stand where this process saw them.
pub async fn advance_schedule(
    conn: &mut SqliteConnection,
    guild_id: u64,
    seen: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    next: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE summary_schedule SET next_summary_at = ?4, next_check_at = ?5
         WHERE guild_id = ?1 AND next_summary_at IS ?2 AND next_check_at IS ?3",
    )
    .bind(id_in(guild_id))
    .bind(seen.0.map(ms))
    .bind(seen.1.map(ms))
    .bind(next.0.map(ms))
    .bind(next.1.map(ms))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The earliest next summary or check of any guild.
pub async fn next_due(conn: &mut SqliteConnection) -> StoreResult<Option<DateTime<Utc>>> {
    let (a, b): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(next_summary_at), MIN(next_check_at) FROM summary_schedule")
            .fetch_one(conn)
            .await?;
    Ok(match (a, b) {
        (Some(a), Some(b)) => Some(from_ms(a.min(b))),
        (a, b) => a.or(b).map(from_ms),
    })
}

/// Writes imported days in ONE transaction, each merged over what is stored (the file's
/// figures replace those it has, the others are kept), with history, `source = "import"`.
/// Returns how many days changed (an identical re-import changes none). Takes the write lock
/// first, as it reads every day before writing it ([`super::write_tx`]).
pub async fn import_days(
    conn: &mut SqliteConnection,
    shop_id: i64,
    days: &std::collections::BTreeMap<NaiveDate, DayFigures>,
    by: u64,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    import_days_with(conn, shop_id, days, by, now, &|_| {}).await
}

/// [`import_days`], calling `progress(days done)` as it goes. The transaction takes the write
/// lock at once: it reads each day before writing it, and a concurrent writer must make it
/// wait, not fail half-way.
pub async fn import_days_with(
    conn: &mut SqliteConnection,
    shop_id: i64,
    days: &std::collections::BTreeMap<NaiveDate, DayFigures>,
    by: u64,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize) + Sync),
) -> StoreResult<usize> {
    let mut tx = super::write_tx(conn).await?;
    let mut changed = 0;
    for (i, (date, imported)) in days.iter().enumerate() {
        if i.is_multiple_of(100) {
            progress(i);
        }
        let mut merged = self::day(&mut tx, shop_id, *date)
            .await?
            .unwrap_or_default();
        merged.merge(imported);
        if put_day(&mut tx, shop_id, *date, &merged, by, "import", now).await? {
            changed += 1;
        }
    }
    tx.commit().await?;
    progress(days.len());
    Ok(changed)
}

/// Shops of any guild with this name (for the command line), as (guild, shop).
pub async fn shops_named(conn: &mut SqliteConnection, name: &str) -> StoreResult<Vec<(u64, Shop)>> {
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT guild_id, id, name, platform, currency FROM shops WHERE name = ?1 COLLATE NOCASE ORDER BY guild_id",
    )
    .bind(name.trim())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(g, id, name, platform, currency)| {
            (
                id_out(g),
                Shop {
                    id,
                    name,
                    platform,
                    currency,
                },
            )
        })
        .collect())
}

/// An import waiting for Confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    /// The token on the buttons.
    pub token: String,
    /// Guild.
    pub guild_id: u64,
    /// Shop.
    pub shop_id: i64,
    /// Who uploaded it.
    pub user_id: u64,
    pub platform: String,
    /// What `days` holds: `shop` (date → figures) or `products` (date → product → figures).
    pub kind: String,
    /// The parsed days, JSON.
    pub days: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Keeps a parsed file until Confirm; drops those older than `expire_before`.
pub async fn put_pending_import(
    conn: &mut SqliteConnection,
    p: &PendingImport,
    expire_before: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM pending_imports WHERE created_at < ?1")
        .bind(ms(expire_before))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO pending_imports (token, guild_id, shop_id, user_id, platform, kind, days, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(&p.token)
    .bind(id_in(p.guild_id))
    .bind(p.shop_id)
    .bind(id_in(p.user_id))
    .bind(&p.platform)
    .bind(&p.kind)
    .bind(&p.days)
    .bind(ms(p.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// token, guild, shop, user, platform, kind, days, created at.
type PendingRow = (String, i64, i64, i64, String, String, String, i64);

/// Takes (removes and returns) a guild's pending import by token.
pub async fn take_pending_import(
    conn: &mut SqliteConnection,
    guild_id: u64,
    token: &str,
) -> StoreResult<Option<PendingImport>> {
    let row: Option<PendingRow> = sqlx::query_as(
        "DELETE FROM pending_imports WHERE token = ?1 AND guild_id = ?2
         RETURNING token, guild_id, shop_id, user_id, platform, kind, days, created_at",
    )
    .bind(token)
    .bind(id_in(guild_id))
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(token, g, shop_id, u, platform, kind, days, at)| PendingImport {
            token,
            guild_id: id_out(g),
            shop_id,
            user_id: id_out(u),
            platform,
            kind,
            days,
            created_at: from_ms(at),
        },
    ))
}

/// The statement of [`range`]; also read by the query-plan test.
pub const RANGE_SQL: &str = "SELECT day, figures FROM daily_figures WHERE shop_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day";

/// The statement of [`paid_between`]; also read by the query-plan test.
pub const PAID_BETWEEN_SQL: &str =
    "SELECT paid_cents FROM daily_figures WHERE shop_id = ?1 AND day >= ?2 AND day <= ?3";
