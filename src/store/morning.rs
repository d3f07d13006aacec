//! The morning summary's reads, each one statement over an index range of a few weeks however
//! long the history is, each answered as one row of JSON: sqlx hands every returned row from
//! SQLite's worker thread to the caller separately (two thread wake-ups a row), so 20 shops ×
//! 56 days as rows cost more than the whole summary may.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{Arg, StoreError, StoreResult, bind_all, day_of, id_in, json, ms};
use crate::domain::metrics::DayFigures;
use crate::domain::money::Money;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// The rows of `what` that `sql` gathers into its one JSON array for the shops `shop_ids`
/// (`?1`) and `args` (`?2` on).
async fn shops_json<T: serde::de::DeserializeOwned>(
    conn: &mut SqliteConnection,
    sql: &'static str,
    shop_ids: &[i64],
    args: &[Arg],
    what: &str,
) -> StoreResult<Vec<T>> {
    let q = sqlx::query(sql).bind(json(shop_ids)?);
    let json: String = sqlx::Row::try_get(&bind_all(q, args).fetch_one(conn).await?, 0)?;
    serde_json::from_str(&json).map_err(|e| corrupt(what, e))
}

/// The statement of [`days`]: the stored figures of the shops of the JSON array ?1 on the
/// days of the JSON array ?2 (primary key lookups). Also read by the query-plan test.
pub const DAYS_SQL: &str = "SELECT json_group_array(json_array(shop_id, day, json(figures)))
     FROM daily_figures
     WHERE shop_id IN (SELECT value FROM json_each(?1)) AND day IN (SELECT value FROM json_each(?2))";

/// The stored figures of the shops on the given days: (shop, day, figures).
pub async fn days(
    conn: &mut SqliteConnection,
    shop_ids: &[i64],
    days: &[NaiveDate],
) -> StoreResult<Vec<(i64, NaiveDate, DayFigures)>> {
    let wanted: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
    let wanted = [Arg::Text(json(&wanted)?)];
    let rows: Vec<(i64, String, DayFigures)> =
        shops_json(conn, DAYS_SQL, shop_ids, &wanted, "figures").await?;
    rows.into_iter()
        .map(|(s, d, f)| Ok((s, day_of(&d)?, f)))
        .collect()
}

/// One shop-day of the paid series: the amount paid (None when not reported) and the
/// conversion's parts (paying buyers, visitors) when both are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidDay {
    pub shop_id: i64,
    pub day: NaiveDate,
    pub paid: Option<Money>,
    pub conversion: Option<(i64, i64)>,
}

/// The statement of [`paid_series`]: the rollup `figures_day` of the shops of ?1 in [?2, ?3]
/// (its primary key range). Also read by the query-plan test.
pub const PAID_SERIES_SQL: &str = "SELECT json_group_array(json_array(shop_id, day, paid_amount_n, paid_amount, r_conversion_n, r_conversion_num, r_conversion_den))
     FROM figures_day
     WHERE shop_id IN (SELECT value FROM json_each(?1)) AND day >= ?2 AND day <= ?3";

/// The amount paid and the conversion's parts of each shop-day in [from, to] that has any
/// figure, from the maintained rollup (no stored day is decoded).
pub async fn paid_series(
    conn: &mut SqliteConnection,
    shop_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<PaidDay>> {
    type Row = (i64, String, i64, i64, i64, i64, i64);
    let days = [from, to].map(|d| Arg::Text(d.to_string()));
    let rows: Vec<Row> = shops_json(conn, PAID_SERIES_SQL, shop_ids, &days, "figures_day").await?;
    rows.into_iter()
        .map(|(shop_id, d, paid_n, paid, conv_n, num, den)| {
            Ok(PaidDay {
                shop_id,
                day: day_of(&d)?,
                paid: (paid_n > 0).then_some(Money(paid)),
                conversion: (conv_n > 0).then_some((num, den)),
            })
        })
        .collect()
}

/// The statement of [`targets`]: the targets of the shops of ?1 for the months of ?2.
pub const TARGETS_SQL: &str = "SELECT json_group_array(json_array(shop_id, month, target_cents))
     FROM sales_targets
     WHERE shop_id IN (SELECT value FROM json_each(?1)) AND month IN (SELECT value FROM json_each(?2))";

/// The shops' targets for the given months ("YYYY-MM"): (shop, month, target).
pub async fn targets(
    conn: &mut SqliteConnection,
    shop_ids: &[i64],
    months: &[String],
) -> StoreResult<Vec<(i64, String, Money)>> {
    let months = [Arg::Text(json(months)?)];
    let rows: Vec<(i64, String, i64)> =
        shops_json(conn, TARGETS_SQL, shop_ids, &months, "targets").await?;
    Ok(rows.into_iter().map(|(s, m, t)| (s, m, Money(t))).collect())
}

/// An active task as the morning summary names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    pub id: i64,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub assignee_id: Option<u64>,
    pub position: Option<String>,
}

/// The statement of [`tasks_due`]: active tasks of guild ?1 due in [?2, ?3), by deadline,
/// through the partial index `tasks_active_by_due`: how many (up to ?4 + 1 counted) and the
/// first ?4.
pub const TASKS_DUE_SQL: &str = "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM tasks
         WHERE guild_id = ?1 AND status IN ('open', 'in_progress') AND due_at >= ?2 AND due_at < ?3 LIMIT 10000)),
       (SELECT json_group_array(json_array(id, title, due_at, assignee_id, position)) FROM (
         SELECT id, title, due_at, assignee_id, position FROM tasks
         WHERE guild_id = ?1 AND status IN ('open', 'in_progress') AND due_at >= ?2 AND due_at < ?3
         ORDER BY due_at, id LIMIT ?4))";

/// Active tasks due in [from, to): how many (counted up to 10,000) and the first `first` by
/// deadline.
pub async fn tasks_due(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    first: i64,
) -> StoreResult<(i64, Vec<TaskLine>)> {
    let (n, json): (i64, String) = sqlx::query_as(TASKS_DUE_SQL)
        .bind(id_in(guild_id))
        .bind(ms(from))
        .bind(ms(to))
        .bind(first)
        .fetch_one(conn)
        .await?;
    type Row = (i64, String, i64, Option<i64>, Option<String>);
    let rows: Vec<Row> = serde_json::from_str(&json).map_err(|e| corrupt("tasks", e))?;
    let tasks = rows
        .into_iter()
        .map(|(id, title, due, assignee, position)| TaskLine {
            id,
            title,
            due_at: super::from_ms(due),
            assignee_id: assignee.map(super::id_out),
            position,
        })
        .collect();
    Ok((n, tasks))
}

/// An open complaint as the morning summary names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintLine {
    pub id: i64,
    pub order_no: String,
    pub deadline_at: DateTime<Utc>,
    pub owner_id: Option<u64>,
}

/// The statement of [`complaints_due`]: guild ?1's open complaints (counted up to 10,000),
/// those with their limit before ?2 (counted) and the first ?3 of them by limit, through
/// `complaints_open`.
pub const COMPLAINTS_DUE_SQL: &str = "SELECT
       (SELECT COUNT(*) FROM (SELECT 1 FROM complaints WHERE guild_id = ?1 AND status = 'open' LIMIT 10000)),
       (SELECT COUNT(*) FROM (SELECT 1 FROM complaints WHERE guild_id = ?1 AND status = 'open' AND deadline_at <= ?2 LIMIT 10000)),
       (SELECT json_group_array(json_array(id, order_no, deadline_at, owner_id)) FROM (
         SELECT id, order_no, deadline_at, owner_id FROM complaints
         WHERE guild_id = ?1 AND status = 'open' AND deadline_at <= ?2
         ORDER BY deadline_at, id LIMIT ?3))";

/// Open complaints: how many, how many reach their limit by `by`, and the first `first` of
/// those by limit.
pub async fn complaints_due(
    conn: &mut SqliteConnection,
    guild_id: u64,
    by: DateTime<Utc>,
    first: i64,
) -> StoreResult<(i64, i64, Vec<ComplaintLine>)> {
    let (open, due, json): (i64, i64, String) = sqlx::query_as(COMPLAINTS_DUE_SQL)
        .bind(id_in(guild_id))
        .bind(ms(by))
        .bind(first)
        .fetch_one(conn)
        .await?;
    let rows: Vec<(i64, String, i64, Option<i64>)> =
        serde_json::from_str(&json).map_err(|e| corrupt("complaints", e))?;
    let list = rows
        .into_iter()
        .map(|(id, order_no, deadline, owner)| ComplaintLine {
            id,
            order_no,
            deadline_at: super::from_ms(deadline),
            owner_id: owner.map(super::id_out),
        })
        .collect();
    Ok((open, due, list))
}
