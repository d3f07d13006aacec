//! Complaints and their history.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use super::{StoreError, StoreResult, from_ms, id_in, id_out, ms};
use crate::domain::complaint::{Outcome, Severity};
use crate::domain::money::Money;

/// A complaint as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Complaint {
    /// Number shown to people.
    pub id: i64,
    /// Guild.
    pub guild_id: u64,
    /// The platform's order number.
    pub order_no: String,
    pub platform: String,
    pub category: String,
    pub severity: Severity,
    /// Buyer nickname.
    pub customer: Option<String>,
    /// One line.
    pub summary: String,
    /// The long story.
    pub description: Option<String>,
    /// Screenshot links.
    pub attachments: Vec<String>,
    pub open: bool,
    /// Who handles it.
    pub owner_id: Option<u64>,
    /// Who logged it.
    pub logged_by: u64,
    /// Where its pings go.
    pub channel_id: u64,
    /// The first complaint on the same order.
    pub linked_to: Option<i64>,
    /// Logged.
    pub created_at: DateTime<Utc>,
    /// The handling limit.
    pub deadline_at: DateTime<Utc>,
    /// Resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: Option<Outcome>,
    /// Money paid.
    pub amount: Option<Money>,
    /// The lateness episode: a new one starts when the complaint is reopened with a new limit.
    /// Each ping goes out once per episode.
    pub episode: i64,
}

impl Complaint {
    /// The outbox source of its pings.
    pub fn source(&self) -> String {
        format!("complaint:{}", self.id)
    }
}

const COLUMNS: &str = "id, guild_id, order_no, platform, category, severity, customer, summary, description, attachments, status, owner_id, logged_by, channel_id, linked_to, created_at, deadline_at, resolved_at, outcome, amount_cents, episode";

fn decode(r: &SqliteRow) -> StoreResult<Complaint> {
    let severity: String = r.try_get("severity")?;
    let status: String = r.try_get("status")?;
    let outcome: Option<String> = r.try_get("outcome")?;
    let attachments: String = r.try_get("attachments")?;
    Ok(Complaint {
        id: r.try_get("id")?,
        guild_id: id_out(r.try_get("guild_id")?),
        order_no: r.try_get("order_no")?,
        platform: r.try_get("platform")?,
        category: r.try_get("category")?,
        severity: Severity::parse(&severity)
            .ok_or_else(|| StoreError::Corrupt(format!("severity {severity}")))?,
        customer: r.try_get("customer")?,
        summary: r.try_get("summary")?,
        description: r.try_get("description")?,
        attachments: serde_json::from_str(&attachments)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        open: status == "open",
        owner_id: r.try_get::<Option<i64>, _>("owner_id")?.map(id_out),
        logged_by: id_out(r.try_get("logged_by")?),
        channel_id: id_out(r.try_get("channel_id")?),
        linked_to: r.try_get("linked_to")?,
        created_at: from_ms(r.try_get("created_at")?),
        deadline_at: from_ms(r.try_get("deadline_at")?),
        resolved_at: r.try_get::<Option<i64>, _>("resolved_at")?.map(from_ms),
        outcome: outcome.as_deref().and_then(Outcome::parse),
        amount: r.try_get::<Option<i64>, _>("amount_cents")?.map(Money),
        episode: r.try_get("episode")?,
    })
}

/// Saves a new complaint; its id.
pub async fn insert(conn: &mut SqliteConnection, c: &Complaint) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO complaints (guild_id, order_no, platform, category, severity, customer, summary, description, attachments, owner_id, logged_by, channel_id, linked_to, created_at, deadline_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
    )
    .bind(id_in(c.guild_id))
    .bind(&c.order_no)
    .bind(&c.platform)
    .bind(&c.category)
    .bind(c.severity.key())
    .bind(&c.customer)
    .bind(&c.summary)
    .bind(&c.description)
    .bind(serde_json::to_string(&c.attachments).map_err(|e| StoreError::Corrupt(e.to_string()))?)
    .bind(c.owner_id.map(id_in))
    .bind(id_in(c.logged_by))
    .bind(id_in(c.channel_id))
    .bind(c.linked_to)
    .bind(ms(c.created_at))
    .bind(ms(c.deadline_at))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A complaint of the guild.
pub async fn get(
    conn: &mut SqliteConnection,
    guild_id: u64,
    id: i64,
) -> StoreResult<Option<Complaint>> {
    let sql = format!("SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND id = ?2");
    super::get_by_id(conn, sql, guild_id, id, decode).await
}

/// How many serious complaints `member` logged from complaint `from_id` on, and the first
/// `limit` of them (oldest first): the complaints one alert to the managers covers.
pub async fn serious_logged_from(
    conn: &mut SqliteConnection,
    guild_id: u64,
    member: u64,
    from_id: i64,
    limit: i64,
) -> StoreResult<(Vec<Complaint>, i64)> {
    let cond = "guild_id = ?1 AND logged_by = ?2 AND severity = 'serious' AND id >= ?3";
    let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM complaints WHERE {cond}"
    )))
    .bind(id_in(guild_id))
    .bind(id_in(member))
    .bind(from_id)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM complaints WHERE {cond} ORDER BY id LIMIT ?4"
    )))
    .bind(id_in(guild_id))
    .bind(id_in(member))
    .bind(from_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let list = rows.iter().map(decode).collect::<StoreResult<Vec<_>>>()?;
    Ok((list, total))
}

/// The first complaint on an order, if any.
pub async fn first_on_order(
    conn: &mut SqliteConnection,
    guild_id: u64,
    order_no: &str,
) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT MIN(id) FROM complaints WHERE guild_id = ?1 AND order_no = ?2 HAVING MIN(id) IS NOT NULL")
        .bind(id_in(guild_id))
        .bind(order_no)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Sets the owner; the revision moves on so pings are replanned.
pub async fn set_owner(conn: &mut SqliteConnection, id: i64, owner: u64) -> StoreResult<()> {
    sqlx::query("UPDATE complaints SET owner_id = ?2, revision = revision + 1 WHERE id = ?1")
        .bind(id)
        .bind(id_in(owner))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks resolved with an outcome.
pub async fn resolve(
    conn: &mut SqliteConnection,
    id: i64,
    outcome: Outcome,
    amount: Option<Money>,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("UPDATE complaints SET status = 'resolved', outcome = ?2, amount_cents = ?3, resolved_at = ?4, revision = revision + 1 WHERE id = ?1")
        .bind(id)
        .bind(outcome.key())
        .bind(amount.map(|m| m.0))
        .bind(ms(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Opens again with a new limit.
pub async fn reopen(
    conn: &mut SqliteConnection,
    id: i64,
    deadline: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("UPDATE complaints SET status = 'open', outcome = NULL, amount_cents = NULL, resolved_at = NULL, deadline_at = ?2, revision = revision + 1, episode = episode + 1 WHERE id = ?1")
        .bind(id)
        .bind(ms(deadline))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records something that happened.
pub async fn add_event(
    conn: &mut SqliteConnection,
    id: i64,
    at: DateTime<Utc>,
    actor: u64,
    kind: &str,
    detail: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO complaint_events (complaint_id, at, actor_id, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(id)
        .bind(ms(at))
        .bind(id_in(actor))
        .bind(kind)
        .bind(detail)
        .execute(conn)
        .await?;
    Ok(())
}

/// History entries, oldest first: `limit` of them, skipping the `newer` most recent; and how
/// many there are in all.
pub async fn events(
    conn: &mut SqliteConnection,
    id: i64,
    newer: i64,
    limit: i64,
) -> StoreResult<(Vec<(DateTime<Utc>, u64, String, Option<String>)>, i64)> {
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ?1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(EVENTS_SQL)
        .bind(id)
        .bind(limit)
        .bind(newer)
        .fetch_all(conn)
        .await?;
    let events = rows
        .into_iter()
        .map(|(a, u, k, d)| (from_ms(a), id_out(u), k, d))
        .collect();
    Ok((events, total))
}

/// Which complaints a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub open_only: bool,
    /// Owned by.
    pub owner: Option<u64>,
    /// Open and past the limit at this instant, or resolved after it.
    pub breached_at: Option<DateTime<Utc>>,
    pub platform: Option<String>,
    pub category: Option<String>,
}

/// A bound value of a statement built from a filter.
#[derive(Debug, Clone)]
enum Arg {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    args: &[Arg],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.clone()),
        };
    }
    q
}

/// A list is one or two parts shown one after the other, each read in `deadline_at, id` order
/// through an index that matches its condition: open complaints first, then resolved ones
/// (`status` is `open` or `resolved`, and `open` sorts first). A breached list is the open
/// ones past their limit (`complaints_open`), then the resolved ones resolved after it (the
/// partial index `complaints_resolved_late`): an `OR` of the two would sort every breach ever.
fn list_parts(guild_id: u64, f: &Filter) -> Vec<(String, Vec<Arg>)> {
    let mut cond = String::from("guild_id = ?");
    let mut args = vec![Arg::Int(id_in(guild_id))];
    if let Some(o) = f.owner {
        cond.push_str(" AND owner_id = ?");
        args.push(Arg::Int(id_in(o)));
    }
    if let Some(p) = &f.platform {
        cond.push_str(" AND platform = ?");
        args.push(Arg::Text(p.clone()));
    }
    if let Some(c) = &f.category {
        cond.push_str(" AND category = ?");
        args.push(Arg::Text(c.clone()));
    }
    match f.breached_at {
        Some(at) => {
            let mut open_args = args.clone();
            open_args.push(Arg::Int(ms(at)));
            let mut parts = vec![(
                format!("{cond} AND status = 'open' AND deadline_at <= ?"),
                open_args,
            )];
            if !f.open_only {
                parts.push((
                    format!("{cond} AND status = 'resolved' AND resolved_at >= deadline_at"),
                    args,
                ));
            }
            parts
        }
        None if f.open_only => vec![(format!("{cond} AND status = 'open'"), args)],
        None => vec![(cond, args)],
    }
}

/// Counts stop here: a count of every complaint of ten years would read a million index
/// entries for a "page 1 of N" title. A list's total above this means "more than this"
/// (a part is counted exactly only when a page beyond the cap is asked for).
pub const COUNT_CAP: i64 = 10_000;

/// The statements of a list, each part's count (capped at [`COUNT_CAP`] + 1: `LIMIT ?` after
/// the filter's arguments), exact count, and page (`LIMIT ? OFFSET ?`); also read by the
/// query-plan test.
pub fn list_sql(f: &Filter) -> Vec<(String, String, String)> {
    list_parts(0, f)
        .into_iter()
        .map(|(cond, _)| {
            (
                format!("SELECT COUNT(*) FROM (SELECT 1 FROM complaints WHERE {cond} LIMIT ?)"),
                format!("SELECT COUNT(*) FROM complaints WHERE {cond}"),
                format!(
                    "SELECT {COLUMNS} FROM complaints WHERE {cond} ORDER BY status, deadline_at, id LIMIT ? OFFSET ?"
                ),
            )
        })
        .collect()
}

/// One page of complaints by deadline (open ones first), and the total: exact up to
/// [`COUNT_CAP`], above it "more than [`COUNT_CAP`]".
pub async fn list(
    conn: &mut SqliteConnection,
    guild_id: u64,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<Complaint>, i64)> {
    let mut total = 0;
    let mut out = Vec::new();
    for ((_, args), (capped_sql, exact_sql, page_sql)) in
        list_parts(guild_id, f).into_iter().zip(list_sql(f))
    {
        let mut n: i64 = bind_all(sqlx::query(AssertSqlSafe(capped_sql)), &args)
            .bind(COUNT_CAP + 1)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if n > COUNT_CAP && offset + limit > total + COUNT_CAP {
            // A page past the cap: where this part ends matters now.
            n = bind_all(sqlx::query(AssertSqlSafe(exact_sql)), &args)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        }
        // This part's share of the page: what is left of it, from the page's start
        // counted within this part.
        let skip = (offset - total).max(0);
        let want = limit - out.len() as i64;
        if want > 0 && skip < n {
            let rows = bind_all(sqlx::query(AssertSqlSafe(page_sql)), &args)
                .bind(want)
                .bind(skip)
                .fetch_all(&mut *conn)
                .await?;
            for r in &rows {
                out.push(decode(r)?);
            }
        }
        total += n;
    }
    Ok((out, total))
}

/// The statements of [`suggest`]: open complaints in limit order through `complaints_open`,
/// read until 25 match; with `resolved`, the resolved ones newest first (`/complaint show`,
/// `reopen`, `note` may name one), read backwards through `complaints_logged_stats`. Also read
/// by the query-plan test.
pub fn suggest_sql(resolved: bool) -> String {
    let typed = "(?2 = '' OR instr(lower(order_no), lower(?2)) > 0 OR instr(lower(summary), lower(?2)) > 0 OR CAST(id AS TEXT) = ?2)";
    if resolved {
        format!(
            "SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND status = 'resolved' AND {typed}
             ORDER BY created_at DESC LIMIT ?3"
        )
    } else {
        format!(
            "SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND status = 'open' AND {typed}
             ORDER BY deadline_at LIMIT ?3"
        )
    }
}

/// Complaints matching typed text (order number or summary), for autocomplete (25 at most):
/// open ones by limit, then, unless `open_only`, resolved ones newest first.
pub async fn suggest(
    conn: &mut SqliteConnection,
    guild_id: u64,
    typed: &str,
    open_only: bool,
) -> StoreResult<Vec<Complaint>> {
    let mut out = Vec::new();
    for resolved in [false, true] {
        let room = 25 - out.len() as i64;
        if (resolved && open_only) || room == 0 {
            break;
        }
        let rows = sqlx::query(AssertSqlSafe(suggest_sql(resolved)))
            .bind(id_in(guild_id))
            .bind(typed.trim().trim_start_matches('#'))
            .bind(room)
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            out.push(decode(r)?);
        }
    }
    Ok(out)
}

/// The page statement of [`events`]; also read by the query-plan test.
pub const EVENTS_SQL: &str = "SELECT at, actor_id, kind, detail FROM (SELECT id, at, actor_id, kind, detail FROM complaint_events WHERE complaint_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3) ORDER BY at, id";

/// The complaints logged in [?2, ?3), counted by category, platform and severity (covering
/// index `complaints_logged_stats`); also read by the query-plan test.
pub const LOGGED_STATS_SQL: &str = "SELECT category, platform, severity, COUNT(*) FROM complaints
     WHERE guild_id = ?1 AND created_at >= ?2 AND created_at < ?3
     GROUP BY category, platform, severity";

/// The complaints resolved in [?2, ?3): how many, and how many before their limit (covering
/// index `complaints_resolved_stats`; money paid is counted from `complaint_payments`, see
/// [`payments_between`]); also read by the query-plan test.
pub const RESOLVED_STATS_SQL: &str = "SELECT COUNT(*), COALESCE(SUM(resolved_at < deadline_at), 0)
     FROM complaints WHERE guild_id = ?1 AND resolved_at >= ?2 AND resolved_at < ?3";

/// The `?4`-th shortest time to resolve (ms, from 0) of the complaints resolved in [?2, ?3);
/// also read by the query-plan test.
pub const RESOLVE_TIME_AT_SQL: &str = "SELECT resolved_at - created_at AS took FROM complaints
     WHERE guild_id = ?1 AND resolved_at >= ?2 AND resolved_at < ?3
     ORDER BY took LIMIT 1 OFFSET ?4";

/// What the complaints of a period add up to, counted by SQLite from index entries (a month
/// of a busy team is thousands of complaints: handing each over as a row would cost more than
/// the statistic).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodCounts {
    /// (category, platform, severity, how many) of those logged in the period.
    pub logged: Vec<(String, String, Severity, i64)>,
    /// Logged in the period of the same length before.
    pub logged_before: i64,
    pub resolved: i64,
    /// Of those, before their limit.
    pub within_limit: i64,
    /// Median and 90th percentile time to resolve (nearest rank).
    pub median: Option<chrono::Duration>,
    pub p90: Option<chrono::Duration>,
}

/// [`PeriodCounts`] of [from, to).
pub async fn period_counts(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<PeriodCounts> {
    let g = id_in(guild_id);
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(LOGGED_STATS_SQL)
        .bind(g)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&mut *conn)
        .await?;
    let mut logged = Vec::with_capacity(rows.len());
    for (category, platform, severity, n) in rows {
        let severity = Severity::parse(&severity)
            .ok_or_else(|| StoreError::Corrupt(format!("severity {severity}")))?;
        logged.push((category, platform, severity, n));
    }
    let before = from - (to - from);
    let (logged_before,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM complaints WHERE guild_id = ?1 AND created_at >= ?2 AND created_at < ?3",
    )
    .bind(g)
    .bind(ms(before))
    .bind(ms(from))
    .fetch_one(&mut *conn)
    .await?;
    let (resolved, within_limit): (i64, i64) = sqlx::query_as(RESOLVED_STATS_SQL)
        .bind(g)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(&mut *conn)
        .await?;
    let quantile = crate::domain::complaint::quantile_index;
    let median = resolve_time_at(conn, g, from, to, quantile(resolved as usize, 0.5)).await?;
    let p90 = resolve_time_at(conn, g, from, to, quantile(resolved as usize, 0.9)).await?;
    Ok(PeriodCounts {
        logged,
        logged_before,
        resolved,
        within_limit,
        median,
        p90,
    })
}

/// The `index`-th shortest time to resolve of the complaints resolved in [from, to).
async fn resolve_time_at(
    conn: &mut SqliteConnection,
    guild: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    index: Option<usize>,
) -> StoreResult<Option<chrono::Duration>> {
    let Some(i) = index else {
        return Ok(None);
    };
    let (took,): (i64,) = sqlx::query_as(RESOLVE_TIME_AT_SQL)
        .bind(guild)
        .bind(ms(from))
        .bind(ms(to))
        .bind(i as i64)
        .fetch_one(conn)
        .await?;
    Ok(Some(chrono::Duration::milliseconds(took)))
}

/// The guild's complaints logged in [from, to), by number (for exports).
pub async fn logged_between(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Complaint>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND created_at >= ?2 AND created_at < ?3 ORDER BY id"
    );
    super::rows_between(conn, sql, guild_id, from, to, decode).await
}

/// The whole history of the guild's complaints logged in [from, to), as (complaint, at, who,
/// kind, detail), by complaint then time (for exports).
#[allow(clippy::type_complexity)]
pub async fn events_logged_between(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<(i64, DateTime<Utc>, u64, String, Option<String>)>> {
    let rows: Vec<(i64, i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT e.complaint_id, e.at, e.actor_id, e.kind, e.detail FROM complaint_events e
         JOIN complaints c ON c.id = e.complaint_id
         WHERE c.guild_id = ?1 AND c.created_at >= ?2 AND c.created_at < ?3
         ORDER BY e.complaint_id, e.at, e.id",
    )
    .bind(id_in(guild_id))
    .bind(ms(from))
    .bind(ms(to))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(c, a, u, k, d)| (c, from_ms(a), id_out(u), k, d))
        .collect())
}

/// A payment made on a complaint (a refund or a compensation), kept when it is reopened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub complaint_id: i64,
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
    pub amount: Money,
    /// ISO code; empty = the server's default currency.
    pub currency: String,
}

/// Records a payment.
pub async fn add_payment(
    conn: &mut SqliteConnection,
    guild_id: u64,
    p: &Payment,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO complaint_payments (complaint_id, guild_id, at, outcome, amount_cents, currency) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(p.complaint_id)
        .bind(id_in(guild_id))
        .bind(ms(p.at))
        .bind(p.outcome.key())
        .bind(p.amount.0)
        .bind(&p.currency)
        .execute(conn)
        .await?;
    Ok(())
}

/// The payments of a guild made in [from, to), oldest first.
pub async fn payments_between(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Payment>> {
    let rows: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(
        "SELECT complaint_id, at, outcome, amount_cents, currency FROM complaint_payments
         WHERE guild_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY at, id",
    )
    .bind(id_in(guild_id))
    .bind(ms(from))
    .bind(ms(to))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(complaint_id, at, outcome, cents, currency)| {
            Some(Payment {
                complaint_id,
                at: from_ms(at),
                outcome: Outcome::parse(&outcome)?,
                amount: Money(cents),
                currency,
            })
        })
        .collect())
}
