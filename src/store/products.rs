//! Per-product daily figures (from item exports such as 生意参谋 商品_全部) and a day's top
//! sellers. Never added into the shop's daily figures.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{StoreError, StoreResult, id_in, json, ms, write_tx};
use crate::domain::import::Products;
use crate::domain::money::Money;
use crate::domain::product::{ProductDay, ProductFigures};

/// day, product id, name, uv, pv, paying buyers, units, paid cents, refund cents.
type Row = (
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Every stored product day of a shop in [from, to].
pub async fn range(
    conn: &mut SqliteConnection,
    shop_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Products> {
    let rows: Vec<Row> = super::days_between(conn, RANGE_SQL, shop_id, from, to).await?;
    let mut out: Products = BTreeMap::new();
    for (day, id, name, uv, pv, paying_buyers, units, paid, refund) in rows {
        out.entry(super::day_of(&day)?).or_default().insert(
            id,
            ProductDay {
                name,
                figures: ProductFigures {
                    uv,
                    pv,
                    paying_buyers,
                    units,
                    paid_amount: paid.map(Money),
                    refund_amount: refund.map(Money),
                },
            },
        );
    }
    Ok(out)
}

/// Writes a product export in ONE transaction (taken for writing at once, so a concurrent
/// writer waits instead of failing half-way): each row merged over what is stored (the file's
/// figures replace those it has, the others are kept). Returns how many rows changed; an
/// identical re-import changes none and touches nothing. `progress(rows done)` is called as
/// it goes.
pub async fn import(
    conn: &mut SqliteConnection,
    shop_id: i64,
    products: &Products,
    by: u64,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize) + Sync),
) -> StoreResult<usize> {
    let (Some(from), Some(to)) = (products.keys().next(), products.keys().next_back()) else {
        return Ok(0);
    };
    let mut tx = write_tx(conn).await?;
    let stored = range(&mut tx, shop_id, *from, *to).await?;
    let mut changed = 0;
    let mut done: usize = 0;
    for (date, rows) in products {
        for (id, imported) in rows {
            done += 1;
            if done.is_multiple_of(500) {
                progress(done);
            }
            let old = stored.get(date).and_then(|d| d.get(id));
            let new = ProductDay::merged(old, imported);
            if old == Some(&new) {
                continue;
            }
            let f = &new.figures;
            sqlx::query(
                "INSERT INTO product_figures (shop_id, day, product_id, name, uv, pv, paying_buyers, units,
                     paid_cents, refund_cents, entered_by, entered_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'import')
                 ON CONFLICT (shop_id, day, product_id) DO UPDATE SET name = excluded.name,
                     uv = excluded.uv, pv = excluded.pv, paying_buyers = excluded.paying_buyers,
                     units = excluded.units, paid_cents = excluded.paid_cents,
                     refund_cents = excluded.refund_cents, entered_by = excluded.entered_by,
                     entered_at = excluded.entered_at, source = excluded.source",
            )
            .bind(shop_id)
            .bind(date.to_string())
            .bind(id)
            .bind(&new.name)
            .bind(f.uv)
            .bind(f.pv)
            .bind(f.paying_buyers)
            .bind(f.units)
            .bind(f.paid_amount.map(|m| m.0))
            .bind(f.refund_amount.map(|m| m.0))
            .bind(id_in(by))
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
            changed += 1;
        }
    }
    tx.commit().await?;
    progress(done);
    Ok(changed)
}

/// A product among a day's best sellers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopSeller {
    pub product_id: String,
    pub name: String,
    /// Units paid for.
    pub units: Option<i64>,
    pub paid: Money,
}

/// The best sellers of a day of several shops by amount paid (most first, at most `limit` a
/// shop, only products that sold), in one statement: a shop is in the map when it has product
/// figures for that day at all (with no seller when none sold), and missing when it has none.
pub async fn top_sellers(
    conn: &mut SqliteConnection,
    shop_ids: &[i64],
    day: NaiveDate,
    limit: i64,
) -> StoreResult<HashMap<i64, Vec<TopSeller>>> {
    let (rows,): (String,) = sqlx::query_as(TOP_SELLERS_SQL)
        .bind(json(shop_ids)?)
        .bind(day.to_string())
        .bind(limit)
        .fetch_one(conn)
        .await?;
    type Row = (i64, i64, String, String, Option<i64>, Option<i64>);
    let mut rows: Vec<Row> = serde_json::from_str(&rows)
        .map_err(|e| StoreError::Corrupt(format!("top sellers: {e}")))?;
    rows.sort_by_key(|r| (r.0, r.1));
    let mut top: HashMap<i64, Vec<TopSeller>> = HashMap::new();
    for (shop_id, _rank, product_id, name, units, paid) in rows {
        let sellers = top.entry(shop_id).or_default();
        if let Some(paid) = paid.filter(|p| *p > 0) {
            sellers.push(TopSeller {
                product_id,
                name,
                units,
                paid: Money(paid),
            });
        }
    }
    Ok(top)
}

/// The statement of [`range`]; also read by the query-plan test.
pub const RANGE_SQL: &str =
    "SELECT day, product_id, name, uv, pv, paying_buyers, units, paid_cents, refund_cents
         FROM product_figures WHERE shop_id = ?1 AND day >= ?2 AND day <= ?3";

/// The statement of [`top_sellers`]: each shop of the JSON array ?1 keeps the first ?3 of its
/// products of day ?2 by amount paid (those that sold come first), read from its primary key
/// range and ranked; one row of JSON (sqlx hands each row from SQLite's thread separately, see
/// `store::morning`). The first ?3 are picked per shop (a sort that keeps ?3) before any row is
/// ranked: ranking every product of every shop and then keeping the first took 0.8–1.5 ms for
/// 20 shops of 20 products, this 0.7. Also read by the query-plan test.
pub const TOP_SELLERS_SQL: &str =
    "SELECT json_group_array(json_array(shop_id, rank, product_id, name, units, paid_cents))
     FROM (SELECT p.shop_id, p.product_id, p.name, p.units, p.paid_cents,
                  ROW_NUMBER() OVER (PARTITION BY p.shop_id
                      ORDER BY p.paid_cents DESC, p.units DESC, p.product_id) AS rank
             FROM (SELECT DISTINCT value AS shop FROM json_each(?1)) AS j CROSS JOIN product_figures AS p
            WHERE p.rowid IN (SELECT rowid FROM product_figures WHERE shop_id = j.shop AND day = ?2
                              ORDER BY paid_cents DESC, units DESC, product_id LIMIT ?3))";
