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
    /// Platform key.
    pub platform: String,
    /// Category key.
    pub category: String,
    /// Severity.
    pub severity: Severity,
    /// Buyer nickname.
    pub customer: Option<String>,
    /// One line.
    pub summary: String,
    /// The long story.
    pub description: Option<String>,
    /// Screenshot links.
    pub attachments: Vec<String>,
    /// Still open.
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
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT at, actor_id, kind, detail FROM (SELECT id, at, actor_id, kind, detail FROM complaint_events WHERE complaint_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3) ORDER BY at, id",
    )
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
    /// Only open ones.
    pub open_only: bool,
    /// Owned by.
    pub owner: Option<u64>,
    /// Open and past the limit at this instant, or resolved after it.
    pub breached_at: Option<DateTime<Utc>>,
    /// Platform key.
    pub platform: Option<String>,
    /// Category key.
    pub category: Option<String>,
}

/// One page of complaints by deadline, and the total.
pub async fn list(
    conn: &mut SqliteConnection,
    guild_id: u64,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<Complaint>, i64)> {
    let cond = "guild_id = ?1 AND (NOT ?2 OR status = 'open') AND (?3 IS NULL OR owner_id = ?3)
        AND (?4 IS NULL OR (status = 'open' AND deadline_at <= ?4) OR (status = 'resolved' AND resolved_at >= deadline_at))
        AND (?5 IS NULL OR platform = ?5) AND (?6 IS NULL OR category = ?6)";
    fn bind(
        q: String,
        guild_id: u64,
        f: &Filter,
    ) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
        sqlx::query(AssertSqlSafe(q))
            .bind(id_in(guild_id))
            .bind(f.open_only)
            .bind(f.owner.map(id_in))
            .bind(f.breached_at.map(ms))
            .bind(f.platform.clone())
            .bind(f.category.clone())
    }
    let count_sql = format!("SELECT COUNT(*) FROM complaints WHERE {cond}");
    let total: i64 = bind(count_sql, guild_id, f)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let list_sql = format!(
        "SELECT {COLUMNS} FROM complaints WHERE {cond} ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, deadline_at, id LIMIT ?7 OFFSET ?8"
    );
    let rows = bind(list_sql, guild_id, f)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    Ok((rows.iter().map(decode).collect::<StoreResult<_>>()?, total))
}

/// Complaints matching typed text (order number or summary), for autocomplete.
pub async fn suggest(
    conn: &mut SqliteConnection,
    guild_id: u64,
    typed: &str,
    open_only: bool,
) -> StoreResult<Vec<Complaint>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND (NOT ?3 OR status = 'open')
           AND (?2 = '' OR instr(lower(order_no), lower(?2)) > 0 OR instr(lower(summary), lower(?2)) > 0 OR CAST(id AS TEXT) = ?2)
         ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, deadline_at LIMIT 25"
    )))
    .bind(id_in(guild_id))
    .bind(typed.trim().trim_start_matches('#'))
    .bind(open_only)
    .fetch_all(conn)
    .await?;
    rows.iter().map(decode).collect()
}

/// Which instant of a complaint a period is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Logged,
    Resolved,
}

/// Complaints logged (or resolved) in [from, to).
pub async fn between(
    conn: &mut SqliteConnection,
    guild_id: u64,
    when: When,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Complaint>> {
    let column = match when {
        When::Logged => "created_at",
        When::Resolved => "resolved_at",
    };
    let rows = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM complaints WHERE guild_id = ?1 AND {column} >= ?2 AND {column} < ?3 ORDER BY id")))
        .bind(id_in(guild_id))
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
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
