//! Complaints and their history.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use super::{Cond, StoreError, StoreResult, from_ms, id_in, id_out, ms};
use crate::domain::complaint::{Outcome, Severity};
use crate::domain::money::Money;

/// A complaint as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Complaint {
    /// Number shown to people.
    pub id: i64,
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
    pub logged_by: u64,
    /// Where its pings go.
    pub channel_id: u64,
    /// The first complaint on the same order.
    pub linked_to: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The handling limit.
    pub deadline_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
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

/// Stores a new complaint, linked to the first complaint on the same order if there is one
/// (`c.linked_to` is not read), with its "logged" history entry (by whoever logged it, when it
/// was logged); returns its id and the complaint it is linked to. One round trip: the link is
/// looked up inside the insert, and the entry is a second statement in the same call.
pub async fn create(conn: &mut SqliteConnection, c: &Complaint) -> StoreResult<(i64, Option<i64>)> {
    // All rows, not `fetch_one`: that stops after the first row, before the second statement.
    let ids: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "INSERT INTO complaints (guild_id, order_no, platform, category, severity, customer, summary, description, attachments, owner_id, logged_by, channel_id, linked_to, created_at, deadline_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 (SELECT MIN(id) FROM complaints WHERE guild_id = ?1 AND order_no = ?2), ?13, ?14)
         RETURNING id, linked_to;
         INSERT INTO complaint_events (complaint_id, at, actor_id, kind, detail)
         VALUES (last_insert_rowid(), ?13, ?11, 'logged', NULL)",
    )
    .bind(id_in(c.guild_id))
    .bind(&c.order_no)
    .bind(&c.platform)
    .bind(&c.category)
    .bind(c.severity.key())
    .bind(&c.customer)
    .bind(&c.summary)
    .bind(&c.description)
    .bind(super::json(&c.attachments)?)
    .bind(c.owner_id.map(id_in))
    .bind(id_in(c.logged_by))
    .bind(id_in(c.channel_id))
    .bind(ms(c.created_at))
    .bind(ms(c.deadline_at))
    .fetch_all(conn)
    .await?;
    ids.first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("a stored complaint returned no id".into()))
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

/// Sets the owner; the revision moves on so pings are replanned.
pub async fn set_owner(conn: &mut SqliteConnection, id: i64, owner: u64) -> StoreResult<()> {
    let sql = "UPDATE complaints SET owner_id = ?2, revision = revision + 1 WHERE id = ?1";
    super::execute(conn, sql, &[id.into(), id_in(owner).into()]).await?;
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
    let sql = "UPDATE complaints SET status = 'open', outcome = NULL, amount_cents = NULL, resolved_at = NULL, deadline_at = ?2, revision = revision + 1, episode = episode + 1 WHERE id = ?1";
    super::execute(conn, sql, &[id.into(), ms(deadline).into()]).await?;
    Ok(())
}

/// Which complaints a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub open_only: bool,
    pub owner: Option<u64>,
    /// Logged or handled by (a member who does not see every complaint).
    pub party: Option<u64>,
    /// Open and past the limit at this instant, or resolved after it.
    pub breached_at: Option<DateTime<Utc>>,
    pub platform: Option<String>,
    pub category: Option<String>,
}

/// The condition of the partial index `complaints_resolved_late`: resolved after the limit.
const LATE: &str = "status = 'resolved' AND resolved_at >= deadline_at";

/// A list is one or two parts shown one after the other, each read in `deadline_at, id` order
/// through an index that matches its condition: open complaints first, then resolved ones
/// (`status` is `open` or `resolved`, and `open` sorts first). A breached list is the open
/// ones past their limit (`complaints_open`), then the resolved ones resolved after it (the
/// partial index `complaints_resolved_late`): an `OR` of the two would sort every breach ever.
fn list_parts(guild_id: u64, f: &Filter) -> Vec<Cond> {
    let mut c = Cond::new("guild_id = ?", &[id_in(guild_id).into()]);
    if let Some(o) = f.owner {
        c.and("owner_id = ?", &[id_in(o).into()]);
    }
    if let Some(u) = f.party {
        c.and(
            "(owner_id = ? OR logged_by = ?)",
            &[id_in(u).into(), id_in(u).into()],
        );
    }
    if let Some(p) = &f.platform {
        c.and("platform = ?", &[p.as_str().into()]);
    }
    if let Some(category) = &f.category {
        c.and("category = ?", &[category.as_str().into()]);
    }
    match f.breached_at {
        Some(at) => {
            let mut open = c.clone();
            open.and("status = 'open' AND deadline_at <= ?", &[ms(at).into()]);
            let mut parts = vec![open];
            if !f.open_only {
                c.and(LATE, &[]);
                parts.push(c);
            }
            parts
        }
        None if f.open_only => {
            c.and("status = 'open'", &[]);
            vec![c]
        }
        None => vec![c],
    }
}

/// Counts stop here: a count of every complaint of ten years would read a million index
/// entries for a "page 1 of N" title. A list's total above this means "more than this"
/// (a part is counted exactly only when a page beyond the cap is asked for): 100 pages of 10
/// are more than anyone pages through. On the 1 M-row bench database, counting 1,001 entries
/// of the guild's index took 0.07 ms and 10,001 took 0.5 ms (warm); 1,001 late resolutions
/// took 1 ms and 10,001 took 33 ms (cold pages).
pub const COUNT_CAP: i64 = 1_000;

/// The statements of a list, each part's count (capped at [`COUNT_CAP`] + 1: `LIMIT ?` after
/// the filter's arguments), exact count, and page (`LIMIT ? OFFSET ?`); also read by the
/// query-plan test.
pub fn list_sql(f: &Filter) -> Vec<(String, String, String)> {
    list_parts(0, f)
        .into_iter()
        .map(|Cond { sql: cond, .. }| {
            // The late resolutions are read through their partial index, named: without
            // statistics (nobody runs ANALYZE on a bot's file) SQLite prefers `complaints_open`
            // for `guild_id = ? AND status = ?` and checks every resolved complaint's row, ten
            // times as long for the capped count on the 1 M-row bench database.
            let from = if cond.ends_with(LATE) {
                "complaints INDEXED BY complaints_resolved_late"
            } else {
                "complaints"
            };
            (
                format!("SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {cond} LIMIT ?)"),
                format!("SELECT COUNT(*) FROM {from} WHERE {cond}"),
                format!(
                    "SELECT {COLUMNS} FROM {from} WHERE {cond} ORDER BY status, deadline_at, id LIMIT ? OFFSET ?"
                ),
            )
        })
        .collect()
}

/// How many complaints a list has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Exact(i64),
    /// More than this: a part had more than [`COUNT_CAP`] and was not counted to its end
    /// (the page asked for lies before its cap); it counts as [`COUNT_CAP`] here.
    MoreThan(i64),
}

/// One page of complaints by deadline (open ones first), and the total: exact up to
/// [`COUNT_CAP`] per part, and for a page past it; otherwise "more than".
pub async fn list(
    conn: &mut SqliteConnection,
    guild_id: u64,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<Complaint>, Total)> {
    let mut total = 0;
    let mut exact = true;
    let mut out = Vec::new();
    for (Cond { args, .. }, (capped_sql, exact_sql, page_sql)) in
        list_parts(guild_id, f).into_iter().zip(list_sql(f))
    {
        let mut n: i64 = super::bind_all(sqlx::query(AssertSqlSafe(capped_sql)), &args)
            .bind(COUNT_CAP + 1)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if n > COUNT_CAP {
            if offset + limit > total + COUNT_CAP {
                // A page past the cap: where this part ends matters now.
                n = super::bind_all(sqlx::query(AssertSqlSafe(exact_sql)), &args)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
            } else {
                // The page lies within this part's first `COUNT_CAP` entries.
                exact = false;
                n = COUNT_CAP;
            }
        }
        // This part's share of the page: what is left of it, from the page's start
        // counted within this part.
        let skip = (offset - total).max(0);
        let want = limit - out.len() as i64;
        if want > 0 && skip < n {
            let rows = super::bind_all(sqlx::query(AssertSqlSafe(page_sql)), &args)
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
    Ok((
        out,
        if exact {
            Total::Exact(total)
        } else {
            Total::MoreThan(total)
        },
    ))
}

/// The statements of [`suggest`]: open complaints in limit order through `complaints_open`,
/// read until 25 match; with `resolved`, the resolved ones newest first (`/complaint show`,
/// `reopen`, `note` may name one), read backwards through `complaints_logged_stats`. Also read
/// by the query-plan test.
pub fn suggest_sql(resolved: bool) -> String {
    let typed = "(?2 = '' OR instr(lower(order_no), lower(?2)) > 0 OR instr(lower(summary), lower(?2)) > 0 OR CAST(id AS TEXT) = ?2)
        AND (?4 IS NULL OR owner_id = ?4 OR logged_by = ?4)";
    if resolved {
        // Only the newest [`super::SUGGEST_WINDOW`]: typing what no complaint holds read the
        // whole history (2 s at 1 M complaints). ?5 is the window less one. With nothing typed
        // the first 25 are the newest, and the window's bound is not worked out.
        format!(
            "SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND status = 'resolved'
               AND created_at >= CASE WHEN ?2 = '' THEN -9223372036854775808
                 ELSE IFNULL((SELECT created_at FROM complaints WHERE guild_id = ?1 AND status = 'resolved'
                              ORDER BY created_at DESC LIMIT 1 OFFSET ?5), -9223372036854775808) END
               AND {typed}
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
/// open ones by limit, then, unless `open_only`, resolved ones newest first; with `party`, only
/// those that member logged or handles.
pub async fn suggest(
    conn: &mut SqliteConnection,
    guild_id: u64,
    typed: &str,
    open_only: bool,
    party: Option<u64>,
) -> StoreResult<Vec<Complaint>> {
    let typed = typed.trim().trim_start_matches('#');
    let mut out: Vec<Complaint> = Vec::new();
    for resolved in [false, true] {
        let room = 25 - out.len() as i64;
        if (resolved && open_only) || room == 0 {
            break;
        }
        // A resolved complaint older than the window is still found by its number.
        if resolved && let Ok(id) = typed.parse::<i64>() {
            let row = sqlx::query(AssertSqlSafe(suggest_by_id_sql()))
                .bind(id_in(guild_id))
                .bind(id)
                .bind(party.map(id_in))
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(r) = row {
                out.push(decode(&r)?);
            }
        }
        let mut q = sqlx::query(AssertSqlSafe(suggest_sql(resolved)))
            .bind(id_in(guild_id))
            .bind(typed)
            .bind(room)
            .bind(party.map(id_in));
        if resolved {
            q = q.bind(super::SUGGEST_WINDOW - 1);
        }
        for r in &q.fetch_all(&mut *conn).await? {
            let c = decode(r)?;
            if out.len() < 25 && !out.iter().any(|o| o.id == c.id) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// A resolved complaint by its number, for [`suggest`]. Also read by the query-plan test.
pub fn suggest_by_id_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM complaints
     WHERE id = ?2 AND guild_id = ?1 AND status = 'resolved' AND (?3 IS NULL OR owner_id = ?3 OR logged_by = ?3)"
    )
}

/// One UTC day in ms: the bucket of the rollups `complaint_logged_day` and
/// `complaint_resolved_day` (migration 20261208180001), kept by triggers with every change.
const DAY_MS: i64 = 86_400_000;

/// The band of a time to resolve `took` (ms) as the rollup `complaint_resolved_day` and the
/// index `complaints_resolve_band` compute it: per minute under an hour, per 15 minutes under a
/// day, then per hour. It grows with `took`.
pub const BAND_SQL: &str =
    "(CASE WHEN resolved_at - created_at < 3600000 THEN (resolved_at - created_at) / 60000
          WHEN resolved_at - created_at < 86400000 THEN 56 + (resolved_at - created_at) / 900000
          ELSE 128 + (resolved_at - created_at) / 3600000 END)";

/// A period [from, to) in ms cut into the whole UTC days it covers (read from a rollup) and
/// the two partial days at its ends (read from the base rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// Whole days [first, last) (day numbers since 1970).
    pub days: (i64, i64),
    /// The base rows' ranges of instants, each [start, end).
    pub head: (i64, i64),
    pub tail: (i64, i64),
}

impl Cut {
    /// Cuts [from, to) (ms).
    pub fn of(from: i64, to: i64) -> Cut {
        let first = from.div_euclid(DAY_MS) + i64::from(from.rem_euclid(DAY_MS) != 0);
        let last = to.div_euclid(DAY_MS);
        // The rollups truncate toward zero: days before 1970 are read from the base rows.
        if from < 0 || first >= last {
            return Cut {
                days: (0, 0),
                head: (from, to.max(from)),
                tail: (0, 0),
            };
        }
        Cut {
            days: (first, last),
            head: (from, first * DAY_MS),
            tail: (last * DAY_MS, to),
        }
    }
}

/// The complaints logged in a period, counted by category, platform and severity: the whole
/// days from `complaint_logged_day` (?4 ≤ day < ?5), the partial days at the ends from the
/// covering index `complaints_logged_stats` ([?2, ?3) and [?6, ?7)). Also read by the
/// query-plan test.
pub const LOGGED_STATS_SQL: &str = "SELECT category, platform, severity, SUM(n) FROM (
       SELECT category, platform, severity, n FROM complaint_logged_day
       WHERE guild_id = ?1 AND day >= ?4 AND day < ?5
       UNION ALL
       SELECT category, platform, severity, 1 FROM complaints
       WHERE guild_id = ?1 AND created_at >= ?2 AND created_at < ?3
       UNION ALL
       SELECT category, platform, severity, 1 FROM complaints
       WHERE guild_id = ?1 AND created_at >= ?6 AND created_at < ?7)
     GROUP BY category, platform, severity HAVING SUM(n) > 0";

/// The complaints resolved in a period (cut as in [`LOGGED_STATS_SQL`]) per band of time to
/// resolve: how many, and how many before their limit. Also read by the query-plan test.
pub fn resolved_stats_sql() -> String {
    format!(
        "SELECT band, SUM(n), SUM(within) FROM (
           SELECT band, n, within FROM complaint_resolved_day
           WHERE guild_id = ?1 AND day >= ?4 AND day < ?5
           UNION ALL
           SELECT {BAND_SQL} AS band, 1 AS n, resolved_at < deadline_at AS within FROM complaints
           WHERE guild_id = ?1 AND resolved_at >= ?2 AND resolved_at < ?3
           UNION ALL
           SELECT {BAND_SQL}, 1, resolved_at < deadline_at FROM complaints
           WHERE guild_id = ?1 AND resolved_at >= ?6 AND resolved_at < ?7)
         GROUP BY band HAVING SUM(n) > 0 ORDER BY band"
    )
}

/// The `?5`-th shortest time to resolve (ms, from 0) in band `?4` of the complaints resolved in
/// [?2, ?3): one band of one period through the index `complaints_resolve_band`. Also read by
/// the query-plan test.
pub fn resolve_time_at_sql() -> String {
    format!(
        "SELECT resolved_at - created_at AS took FROM complaints INDEXED BY complaints_resolve_band
         WHERE guild_id = ?1 AND {BAND_SQL} = ?4 AND resolved_at >= ?2 AND resolved_at < ?3
         ORDER BY took LIMIT 1 OFFSET ?5"
    )
}

/// See [`LOGGED_COUNT_SQL`].
macro_rules! logged_count_sql {
    () => {
        "SELECT
       (SELECT COALESCE(SUM(n), 0) FROM complaint_logged_day WHERE guild_id = ?1 AND day >= ?4 AND day < ?5)
     + (SELECT COUNT(*) FROM complaints WHERE guild_id = ?1 AND created_at >= ?2 AND created_at < ?3)
     + (SELECT COUNT(*) FROM complaints WHERE guild_id = ?1 AND created_at >= ?6 AND created_at < ?7)"
    };
}
/// How many complaints were logged in a period (cut as in [`LOGGED_STATS_SQL`]). Also read by
/// the query-plan test.
pub const LOGGED_COUNT_SQL: &str = logged_count_sql!();

/// How many complaints were logged and how many resolved in a period (cut as in
/// [`LOGGED_STATS_SQL`]): [`LOGGED_COUNT_SQL`], then the resolved from `complaint_resolved_day`
/// and the index `complaints_resolved_stats`. Also read by the query-plan test.
pub const LOGGED_RESOLVED_SQL: &str = concat!(
    logged_count_sql!(),
    ",
       (SELECT COALESCE(SUM(n), 0) FROM complaint_resolved_day WHERE guild_id = ?1 AND day >= ?4 AND day < ?5)
     + (SELECT COUNT(*) FROM complaints WHERE guild_id = ?1 AND resolved_at >= ?2 AND resolved_at < ?3)
     + (SELECT COUNT(*) FROM complaints WHERE guild_id = ?1 AND resolved_at >= ?6 AND resolved_at < ?7)"
);

/// How many complaints were logged and how many resolved in [from, to), in one statement: the
/// morning summary's line, which needs the totals of [`period_counts`] without its breakdowns.
pub async fn logged_and_resolved(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<(i64, i64)> {
    let cut = Cut::of(ms(from), ms(to));
    Ok(
        bind_cut(sqlx::query_as(LOGGED_RESOLVED_SQL), id_in(guild_id), cut)
            .fetch_one(conn)
            .await?,
    )
}

/// Binds a guild and a cut period as ?1..?7 of the statements above.
fn bind_cut<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments>,
    guild: i64,
    cut: Cut,
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments> {
    q.bind(guild)
        .bind(cut.head.0)
        .bind(cut.head.1)
        .bind(cut.days.0)
        .bind(cut.days.1)
        .bind(cut.tail.0)
        .bind(cut.tail.1)
}

/// What the complaints of a period add up to, counted by SQLite from rollups kept with every
/// change and, for the partial days at the period's ends, from index entries (a month of a busy
/// team is thousands of complaints: handing each over as a row would cost more than the
/// statistic).
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
    let cut = Cut::of(ms(from), ms(to));
    let rows: Vec<(String, String, String, i64)> =
        bind_cut(sqlx::query_as(LOGGED_STATS_SQL), g, cut)
            .fetch_all(&mut *conn)
            .await?;
    let mut logged = Vec::with_capacity(rows.len());
    for (category, platform, severity, n) in rows {
        let severity = Severity::parse(&severity)
            .ok_or_else(|| StoreError::Corrupt(format!("severity {severity}")))?;
        logged.push((category, platform, severity, n));
    }
    let before = from - (to - from);
    let (logged_before,): (i64,) = bind_cut(
        sqlx::query_as(LOGGED_COUNT_SQL),
        g,
        Cut::of(ms(before), ms(from)),
    )
    .fetch_one(&mut *conn)
    .await?;
    let bands: Vec<(i64, i64, i64)> =
        bind_cut(sqlx::query_as(AssertSqlSafe(resolved_stats_sql())), g, cut)
            .fetch_all(&mut *conn)
            .await?;
    let resolved = bands.iter().map(|b| b.1).sum::<i64>();
    let within_limit = bands.iter().map(|b| b.2).sum::<i64>();
    let quantile = crate::domain::complaint::quantile_index;
    let median =
        resolve_time_at(conn, g, from, to, &bands, quantile(resolved as usize, 0.5)).await?;
    let p90 = resolve_time_at(conn, g, from, to, &bands, quantile(resolved as usize, 0.9)).await?;
    Ok(PeriodCounts {
        logged,
        logged_before,
        resolved,
        within_limit,
        median,
        p90,
    })
}

/// The `index`-th shortest time to resolve of the complaints resolved in [from, to): the band
/// holding it from the counts per band, then that band's times read in order.
async fn resolve_time_at(
    conn: &mut SqliteConnection,
    guild: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    bands: &[(i64, i64, i64)],
    index: Option<usize>,
) -> StoreResult<Option<chrono::Duration>> {
    let Some(i) = index else {
        return Ok(None);
    };
    let mut rest = i as i64;
    let Some(&(band, ..)) = bands.iter().find(|(_, n, _)| {
        if rest < *n {
            true
        } else {
            rest -= n;
            false
        }
    }) else {
        return Err(StoreError::Corrupt(format!(
            "complaint rollup: no band holds rank {i}"
        )));
    };
    let took: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(resolve_time_at_sql()))
        .bind(guild)
        .bind(ms(from))
        .bind(ms(to))
        .bind(band)
        .bind(rest)
        .fetch_optional(conn)
        .await?;
    let (took,) = took.ok_or_else(|| {
        StoreError::Corrupt(format!("complaint rollup: band {band} has no rank {rest}"))
    })?;
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

/// The money paid in a period (cut as in [`LOGGED_STATS_SQL`]) summed by outcome and
/// currency (ISO code; empty = the server's default): whole days from `complaint_paid_day`, the
/// partial days at the ends from the covering index `complaint_payments_sums`. Also read by
/// the query-plan test.
pub const PAYMENT_SUMS_SQL: &str = "SELECT outcome, currency, TOTAL(cents) FROM (
       SELECT outcome, currency, n, cents FROM complaint_paid_day
       WHERE guild_id = ?1 AND day >= ?4 AND day < ?5
       UNION ALL
       SELECT outcome, currency, 1, amount_cents FROM complaint_payments
       WHERE guild_id = ?1 AND at >= ?2 AND at < ?3
       UNION ALL
       SELECT outcome, currency, 1, amount_cents FROM complaint_payments
       WHERE guild_id = ?1 AND at >= ?6 AND at < ?7)
     GROUP BY outcome, currency HAVING SUM(n) > 0";

/// The money paid in [from, to) as (outcome, currency, sum).
pub async fn payment_sums(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<(Outcome, String, Money)>> {
    let rows: Vec<(String, String, f64)> = bind_cut(
        sqlx::query_as(PAYMENT_SUMS_SQL),
        id_in(guild_id),
        Cut::of(ms(from), ms(to)),
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, c, n)| Some((Outcome::parse(&o)?, c, Money(super::total_cents(n)))))
        .collect())
}

/// The currency of each complaint's latest payment (ISO code; empty = the server's default),
/// for the complaints numbered `first..=last` of a guild.
pub async fn payment_currencies(
    conn: &mut SqliteConnection,
    guild_id: u64,
    first: i64,
    last: i64,
) -> StoreResult<std::collections::HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT complaint_id, currency FROM complaint_payments
         WHERE guild_id = ?1 AND complaint_id BETWEEN ?2 AND ?3 ORDER BY at, id",
    )
    .bind(id_in(guild_id))
    .bind(first)
    .bind(last)
    .fetch_all(conn)
    .await?;
    // Oldest first: the latest payment's currency stays.
    Ok(rows.into_iter().collect())
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
