//! Shops, their daily figures (with the history of every change), targets, and the summary
//! schedule of each guild.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{StoreError, StoreResult, day_of, days_between, from_ms, id_in, id_out, json, ms};
use crate::domain::metrics::{DayFigures, FIELDS, RateSum};
use crate::domain::money::Money;
use crate::domain::source::{self, Sources};

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

/// The guild's shops by name. One row of JSON: sqlx hands every row over from SQLite's thread
/// on its own (see `store::morning`), and the morning summary and `/data` read all the shops.
pub async fn shops(conn: &mut SqliteConnection, guild_id: u64) -> StoreResult<Vec<Shop>> {
    let (rows,): (String,) = sqlx::query_as(
        "SELECT json_group_array(json_array(id, name, platform, currency)) FROM shops WHERE guild_id = ?1",
    )
    .bind(id_in(guild_id))
    .fetch_one(conn)
    .await?;
    let mut rows: Vec<(i64, String, String, String)> =
        serde_json::from_str(&rows).map_err(|e| StoreError::Corrupt(format!("shops: {e}")))?;
    // By name as SQLite's binary collation orders it (bytes), then by id.
    rows.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
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
    let rows: Vec<(String, String)> = days_between(conn, RANGE_SQL, shop_id, from, to).await?;
    rows.into_iter()
        .map(|(d, f)| Ok((day_of(&d)?, decode(&f)?)))
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
    let rows: Vec<(Option<i64>,)> = days_between(conn, PAID_BETWEEN_SQL, shop_id, from, to).await?;
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
    put_day_sourced(conn, shop_id, day, figures, None, by, source, now).await
}

/// [`put_day`] with the source of each figure given (None: a figure that changed is the
/// writer's, one that stayed keeps its source). Writes when a figure or a source changed.
#[allow(clippy::too_many_arguments)]
pub async fn put_day_sourced(
    conn: &mut SqliteConnection,
    shop_id: i64,
    day: NaiveDate,
    figures: &DayFigures,
    sources: Option<&Sources>,
    by: u64,
    source: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut tx = super::write_tx(conn).await?;
    let (old, old_sources) = match day_sourced(&mut tx, shop_id, day).await? {
        Some((d, s)) => (Some(d), s),
        None => (None, Sources::new()),
    };
    let sources = match sources {
        Some(s) => s.clone(),
        None => source::after_write(old.as_ref(), &old_sources, figures, source),
    };
    if old.as_ref() == Some(figures) && old_sources == sources {
        return Ok(false);
    }
    let figures_json = json(figures)?;
    let sources_json = json(&sources)?;
    sqlx::query(
        "INSERT INTO daily_figures (shop_id, day, figures, paid_cents, uv, paying_buyers, entered_by, entered_at, source, sources)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (shop_id, day) DO UPDATE SET figures = excluded.figures, paid_cents = excluded.paid_cents,
             uv = excluded.uv, paying_buyers = excluded.paying_buyers, entered_by = excluded.entered_by,
             entered_at = excluded.entered_at, source = excluded.source, sources = excluded.sources",
    )
    .bind(shop_id)
    .bind(day.to_string())
    .bind(&figures_json)
    .bind(figures.paid_amount.map(|m| m.0))
    .bind(figures.uv)
    .bind(figures.paying_buyers)
    .bind(id_in(by))
    .bind(ms(now))
    .bind(source)
    .bind(&sources_json)
    .execute(&mut *tx)
    .await?;
    let old_json = old.map(|o| json(&o)).transpose()?;
    sqlx::query("INSERT INTO daily_figures_history (shop_id, day, old, new, changed_by, changed_at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(shop_id)
        .bind(day.to_string())
        .bind(old_json)
        .bind(&figures_json)
        .bind(id_in(by))
        .bind(ms(now))
        .bind(source)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A stored day's sources: the JSON of the row, or (rows written before sources were kept)
/// the row's `source` for every figure it has.
fn sources_of(figures: &DayFigures, json: Option<&str>, row_source: &str) -> StoreResult<Sources> {
    match json {
        Some(j) => {
            serde_json::from_str(j).map_err(|e| StoreError::Corrupt(format!("sources: {e}")))
        }
        None => Ok(FIELDS
            .iter()
            .filter(|f| figures.get(f).is_some())
            .map(|f| (f.to_string(), row_source.to_string()))
            .collect()),
    }
}

/// A day's figures of a shop and the source of each.
pub async fn day_sourced(
    conn: &mut SqliteConnection,
    shop_id: i64,
    day: NaiveDate,
) -> StoreResult<Option<(DayFigures, Sources)>> {
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT figures, sources, source FROM daily_figures WHERE shop_id = ?1 AND day = ?2",
    )
    .bind(shop_id)
    .bind(day.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|(f, s, src)| {
        let f = decode(&f)?;
        let s = sources_of(&f, s.as_deref(), &src)?;
        Ok((f, s))
    })
    .transpose()
}

/// The sources of a shop's stored days in [from, to].
pub async fn sources_between(
    conn: &mut SqliteConnection,
    shop_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<std::collections::BTreeMap<NaiveDate, Sources>> {
    let sql = "SELECT day, figures, sources, source FROM daily_figures WHERE shop_id = ?1 AND day >= ?2 AND day <= ?3";
    let rows: Vec<(String, String, Option<String>, String)> =
        days_between(conn, sql, shop_id, from, to).await?;
    rows.into_iter()
        .map(|(d, f, s, src)| Ok((day_of(&d)?, sources_of(&decode(&f)?, s.as_deref(), &src)?)))
        .collect()
}

/// One change of a day: who, when, which source wrote it (None before sources were kept),
/// the figures before (None: the first entry) and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub by: u64,
    pub at: DateTime<Utc>,
    pub source: Option<String>,
    pub old: Option<DayFigures>,
    pub new: DayFigures,
}

/// changed by, changed at, old, new, source.
type ChangeRow = (i64, i64, Option<String>, String, Option<String>);

/// Every change of a day, newest first, with the source that wrote it.
pub async fn day_changes(
    conn: &mut SqliteConnection,
    shop_id: i64,
    day: NaiveDate,
) -> StoreResult<Vec<Change>> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT changed_by, changed_at, old, new, source FROM daily_figures_history WHERE shop_id = ?1 AND day = ?2 ORDER BY id DESC",
    )
    .bind(shop_id)
    .bind(day.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(by, at, old, new, source)| {
            Ok(Change {
                by: id_out(by),
                at: from_ms(at),
                source,
                old: old.map(|o| decode(&o)).transpose()?,
                new: decode(&new)?,
            })
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
    pub guild_id: u64,
    /// Local time of the summary, HH:MM.
    pub summary_time: String,
    /// Local time of the missing-data check, HH:MM.
    pub check_time: String,
    pub next_summary_at: Option<DateTime<Utc>>,
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

/// Writes imported days in ONE transaction, each merged over what is stored by precedence
/// ([`source::merge`]: the file's figures replace those of its own or a lower source, the
/// others are kept), with history, written by `source` (`shop:tmall`, `ads:alimama`).
/// Returns how many days changed (an identical re-import changes none). Takes the write lock
/// first, as it reads every day before writing it ([`super::write_tx`]).
pub async fn import_days(
    conn: &mut SqliteConnection,
    shop_id: i64,
    days: &std::collections::BTreeMap<NaiveDate, DayFigures>,
    source: &str,
    by: u64,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    import_days_with(conn, shop_id, days, source, by, now, &|_| {}).await
}

/// [`import_days`], calling `progress(days done)` as it goes. The transaction takes the write
/// lock at once: it reads each day before writing it, and a concurrent writer must make it
/// wait, not fail half-way.
pub async fn import_days_with(
    conn: &mut SqliteConnection,
    shop_id: i64,
    days: &std::collections::BTreeMap<NaiveDate, DayFigures>,
    source: &str,
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
        let stored = day_sourced(&mut tx, shop_id, *date).await?;
        let (merged, sources, _) = source::merge(
            stored.as_ref().map(|(d, _)| d),
            &stored.as_ref().map(|(_, s)| s.clone()).unwrap_or_default(),
            imported,
            source,
        );
        if put_day_sourced(
            &mut tx,
            shop_id,
            *date,
            &merged,
            Some(&sources),
            by,
            source,
            now,
        )
        .await?
        {
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
    pub guild_id: u64,
    pub shop_id: i64,
    /// Who uploaded it.
    pub user_id: u64,
    pub platform: String,
    /// What `days` holds: `shop` (date → figures) or `products` (date → product → figures).
    pub kind: String,
    /// The parsed days, JSON.
    pub days: String,
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

/// The rollup columns of each rate (`r_<name>_num`, `_den`, `_n`), in `Rate::ALL` order.
const RATE_COLUMNS: [&str; 10] = [
    "payment",
    "conversion",
    "order_conversion",
    "avg_order_value",
    "order_value",
    "value_per_visitor",
    "refund",
    "inquiry",
    "roas",
    "roi",
];

/// What a shop's stored days of a range add up to, read from the rollups `figures_month` and
/// `figures_day` (migration 20261208180001, kept by triggers with every change of
/// `daily_figures`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeTotals {
    pub shop_id: i64,
    /// Stored days.
    pub rows: i64,
    /// Stored days with any figure.
    pub days: i64,
    /// Each figure summed over the days that report it (None when none does).
    pub total: DayFigures,
    /// Each rate's parts summed over the days that report both (`Rate::ALL` order).
    pub rates: [RateSum; 10],
}

/// The summed columns of the rollups, in the order [`range_totals`] reads them.
fn rollup_columns() -> Vec<String> {
    let mut cols = vec!["rows_n".to_string(), "days_n".to_string()];
    for f in FIELDS {
        let c = f.replace('-', "_");
        cols.push(format!("{c}_n"));
        cols.push(c);
    }
    for r in RATE_COLUMNS {
        cols.push(format!("r_{r}_num"));
        cols.push(format!("r_{r}_den"));
        cols.push(format!("r_{r}_n"));
    }
    cols
}

/// The statement of [`range_totals`]: the whole months of the range from `figures_month`
/// (?2..=?3), the days at its ends from `figures_day` ([?4, ?5] and [?6, ?7]), for the shops
/// of the JSON array ?1. Also read by the query-plan test.
pub fn range_totals_sql() -> String {
    let cols = rollup_columns();
    let sums: Vec<String> = cols.iter().map(|c| format!("TOTAL({c})")).collect();
    let list = cols.join(", ");
    format!(
        "SELECT shop_id, {sums} FROM (
           SELECT shop_id, {list} FROM figures_month
           WHERE shop_id IN (SELECT value FROM json_each(?1)) AND month >= ?2 AND month <= ?3
           UNION ALL
           SELECT shop_id, {list} FROM figures_day
           WHERE shop_id IN (SELECT value FROM json_each(?1)) AND day >= ?4 AND day <= ?5
           UNION ALL
           SELECT shop_id, {list} FROM figures_day
           WHERE shop_id IN (SELECT value FROM json_each(?1)) AND day >= ?6 AND day <= ?7)
         GROUP BY shop_id",
        sums = sums.join(", ")
    )
}

/// [from, to] cut into whole months ("YYYY-MM", inclusive) and the days before and after them
/// (inclusive "YYYY-MM-DD"; a range that is empty has its start after its end).
fn month_cut(from: NaiveDate, to: NaiveDate) -> [String; 6] {
    use chrono::Datelike;
    let first_of = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let next_month = |d: NaiveDate| {
        let f = first_of(d);
        f.checked_add_months(chrono::Months::new(1)).unwrap_or(f)
    };
    let first_full = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    let end_full = if to.succ_opt().is_some_and(|n| n.day() == 1) {
        to
    } else {
        first_of(to).pred_opt().unwrap_or(to)
    };
    let none = || ("1".to_string(), "0".to_string());
    let day = |d: NaiveDate| d.to_string();
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    if first_full > end_full || from > to {
        let (a, b) = none();
        let (c, d) = none();
        return [a, b, day(from), day(to), c, d];
    }
    let head = match first_full.pred_opt() {
        Some(p) if from <= p => (day(from), day(p)),
        _ => none(),
    };
    let tail = match end_full.succ_opt() {
        Some(n) if n <= to => (day(n), day(to)),
        _ => none(),
    };
    [
        month(first_full),
        month(end_full),
        head.0,
        head.1,
        tail.0,
        tail.1,
    ]
}

/// What each shop's stored days in [from, to] add up to (one entry per shop asked, in order;
/// zeros for a shop without days).
pub async fn range_totals(
    conn: &mut SqliteConnection,
    shop_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<RangeTotals>> {
    use sqlx::Row;
    let ids = json(shop_ids)?;
    let mut q = sqlx::query(sqlx::AssertSqlSafe(range_totals_sql())).bind(ids);
    for b in month_cut(from, to) {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut out: Vec<RangeTotals> = shop_ids
        .iter()
        .map(|&shop_id| RangeTotals {
            shop_id,
            ..RangeTotals::default()
        })
        .collect();
    for r in rows {
        let shop: i64 = r.try_get(0)?;
        let get =
            |i: usize| -> StoreResult<i64> { Ok(super::total_cents(r.try_get::<f64, _>(i)?)) };
        let mut t = RangeTotals {
            shop_id: shop,
            rows: get(1)?,
            days: get(2)?,
            ..RangeTotals::default()
        };
        let mut i = 3;
        for f in FIELDS {
            let (n, sum) = (get(i)?, get(i + 1)?);
            t.total.set(f, (n > 0).then_some(sum));
            i += 2;
        }
        for s in t.rates.iter_mut() {
            *s = RateSum {
                num: get(i)?,
                den: get(i + 1)?,
                days: get(i + 2)?,
            };
            i += 3;
        }
        for o in out.iter_mut().filter(|o| o.shop_id == shop) {
            *o = t.clone();
        }
    }
    Ok(out)
}

/// The statement of [`paid_per_day`]; also read by the query-plan test.
pub const PAID_PER_DAY_SQL: &str = "SELECT day, TOTAL(paid_amount) FROM figures_day
     WHERE shop_id IN (SELECT value FROM json_each(?1)) AND day >= ?2 AND day <= ?3 AND paid_amount_n > 0
     GROUP BY day ORDER BY day";

/// The amount paid per day in [from, to], summed over the shops that reported it that day;
/// only days with a reported amount, in date order.
pub async fn paid_per_day(
    conn: &mut SqliteConnection,
    shop_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<(NaiveDate, Money)>> {
    let rows: Vec<(String, f64)> =
        days_between(conn, PAID_PER_DAY_SQL, json(shop_ids)?, from, to).await?;
    rows.into_iter()
        .map(|(d, c)| Ok((day_of(&d)?, Money(super::total_cents(c)))))
        .collect()
}
