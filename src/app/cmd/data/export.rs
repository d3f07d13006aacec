//! `/data export`: the daily figures for the monthly meeting — one row per shop and day with
//! every figure and every derived rate, money in the shop's currency (a currency column on
//! every row), and totals per shop and per currency (never across currencies); or, with
//! `what:products`, the per-product days of the item exports.

use chrono::NaiveDate;

use super::find_shop;
use crate::app::sheet::{Cell, ExportRequest, Table};
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::metrics::{self, DayFigures, Derived, FIELDS, Rate};
use crate::domain::product::PRODUCT_FIELDS;
use crate::i18n::Locale;
use crate::message::{Reply, Severity};
use crate::store::data::{self, Shop};
use crate::store::products;
use crate::tr;

/// What `/data export` asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct DataExport {
    /// One shop, or every shop.
    pub shop: Option<String>,
    /// The days and the format.
    pub req: ExportRequest,
    /// The products' days instead of the shops'.
    pub products: bool,
}

impl DataExport {
    /// Reads `shop`, `from`, `to`, `format` and `what` (days, the default, or products).
    pub fn parse(ctx: &Ctx<'_>, inv: &Invocation) -> Result<DataExport, UserError> {
        let req = ExportRequest::parse(inv, ctx.now, ctx.guild.timezone)?;
        let products = match inv.str("what").map(|w| w.trim().to_lowercase()) {
            None => false,
            Some(w) if w == "days" => false,
            Some(w) if w == "products" => true,
            Some(w) => return Err(UserError::new("export-data-err-what").arg("value", w)),
        };
        Ok(DataExport {
            shop: inv.str("shop").map(str::to_string),
            req,
            products,
        })
    }
}

/// The rates in the files' column order, each with its header key and how it is shown.
const RATES: [(Rate, &str); 10] = [
    (Rate::Payment, "data-rate-payment"),
    (Rate::Conversion, "data-rate-conversion"),
    (Rate::OrderConversion, "export-data-rate-order-conversion"),
    (Rate::AvgOrderValue, "data-rate-aov"),
    (Rate::OrderValue, "export-data-rate-order-value"),
    (Rate::ValuePerVisitor, "data-rate-uv-value"),
    (Rate::Refund, "data-rate-refund"),
    (Rate::Inquiry, "data-rate-inquiry"),
    (Rate::Roas, "data-rate-roas"),
    (Rate::Roi, "data-rate-roi"),
];

/// A rate as a cell: shares as percentages, per-buyer and per-visitor values as money,
/// ROAS and ROI as plain ratios.
fn rate_cell(r: Rate, v: Option<f64>) -> Cell {
    match (r, v) {
        (_, None) => Cell::Empty,
        (Rate::AvgOrderValue | Rate::OrderValue | Rate::ValuePerVisitor, Some(c)) => {
            Cell::Num(c / 100.0)
        }
        (Rate::Roas | Rate::Roi, Some(x)) => Cell::Num(x),
        (_, Some(x)) => Cell::Pct(x),
    }
}

/// Every figure of `d` (money in units of its currency), then every rate.
fn figure_cells(d: &DayFigures) -> Vec<Cell> {
    let rates = Derived::of(d);
    FIELDS
        .iter()
        .map(|f| match d.get(f) {
            None => Cell::Empty,
            Some(v) if metrics::is_money(f) => Cell::Num(v as f64 / 100.0),
            Some(v) => Cell::Int(v),
        })
        .chain(RATES.iter().map(|(r, _)| rate_cell(*r, rates.get(*r))))
        .collect()
}

/// The figures' and rates' column titles.
fn figure_header(l: Locale) -> impl Iterator<Item = String> {
    FIELDS
        .iter()
        .map(move |f| l.t(&format!("data-field-{f}")))
        .chain(RATES.iter().map(move |(_, k)| l.t(k)))
}

/// The totals of several shop-days of one currency: each figure summed over the days that
/// report it, each rate over the days that report both its parts.
fn total_cells(days: &[DayFigures]) -> Vec<Cell> {
    let mut t = DayFigures::default();
    for d in days {
        t.add(d);
    }
    let rates = Derived::of_days(days);
    let mut cells = figure_cells(&t);
    let n = FIELDS.len();
    for (i, (r, _)) in RATES.iter().enumerate() {
        cells[n + i] = rate_cell(*r, rates.get(*r));
    }
    cells
}

/// Builds the export (managers only).
pub(super) async fn export(ctx: &Ctx<'_>, x: DataExport) -> AppResult<Reply> {
    ctx.require_manager()?;
    let l = ctx.locale;
    let shops = match &x.shop {
        Some(_) => vec![find_shop(ctx, x.shop.as_deref()).await?],
        None => {
            let mut conn = ctx.conn().await?;
            data::shops(&mut conn, ctx.guild.guild_id).await?
        }
    };
    if shops.is_empty() {
        return Err(UserError::new("data-err-no-shops").into());
    }
    let (tables, count, key) = if x.products {
        let (t, n) = product_table(ctx, &shops, x.req.from, x.req.to).await?;
        (vec![t], n, "export-data-products-ready")
    } else {
        let (t, n) = day_tables(ctx, &shops, &x.req).await?;
        (t, n, "export-data-ready")
    };
    let stem = l.t(if x.products {
        "export-data-products-file"
    } else {
        "export-data-file"
    });
    let files = x
        .req
        .files(&stem, &tables)
        .map_err(|e| UserError::new("export-err-file").arg("reason", e.to_string()))?;
    let mut r = Reply::titled(tr!(
        l,
        key,
        count = count,
        shops = shops.len(),
        from = x.req.from.to_string(),
        to = x.req.to.to_string()
    ))
    .severity(Severity::Success);
    r.attachments = files;
    r.ephemeral = true;
    Ok(r)
}

/// The days: in xlsx a sheet per shop and a totals sheet; in CSV one file of every shop's
/// days and one of the totals. Returns the tables and how many shop-days have figures.
async fn day_tables(
    ctx: &Ctx<'_>,
    shops: &[Shop],
    req: &ExportRequest,
) -> AppResult<(Vec<Table>, usize)> {
    let l = ctx.locale;
    let mut conn = ctx.conn().await?;
    let mut per_shop: Vec<(Shop, Vec<(NaiveDate, DayFigures)>)> = Vec::new();
    for s in shops {
        let days = data::range(&mut conn, s.id, req.from, req.to).await?;
        per_shop.push((s.clone(), days));
    }
    drop(conn);
    let header: Vec<String> = ["shop", "platform", "currency", "date"]
        .iter()
        .map(|k| l.t(&format!("export-data-{k}")))
        .chain(figure_header(l))
        .collect();
    let head = |s: &Shop| {
        vec![
            Cell::Text(s.name.clone()),
            Cell::Text(s.platform.clone()),
            Cell::Text(s.currency.clone()),
        ]
    };
    let day_rows = |s: &Shop, days: &[(NaiveDate, DayFigures)]| -> Vec<Vec<Cell>> {
        days.iter()
            .map(|(d, f)| {
                let mut row = head(s);
                row.push(Cell::Date(*d));
                row.extend(figure_cells(f));
                row
            })
            .collect()
    };
    let count = per_shop.iter().map(|(_, d)| d.len()).sum();

    // Totals: each shop, then each currency's shops together (most shops first).
    let mut totals_header = header.clone();
    totals_header[3] = l.t("export-data-days");
    let mut totals = Vec::new();
    for (s, days) in &per_shop {
        let mut row = head(s);
        row.push(Cell::Int(days.len() as i64));
        let figures: Vec<DayFigures> = days.iter().map(|(_, f)| f.clone()).collect();
        row.extend(total_cells(&figures));
        totals.push(row);
    }
    for currency in super::currencies(shops) {
        let group: Vec<&(Shop, Vec<(NaiveDate, DayFigures)>)> = per_shop
            .iter()
            .filter(|(s, _)| s.currency == currency)
            .collect();
        let figures: Vec<DayFigures> = group
            .iter()
            .flat_map(|(_, d)| d.iter().map(|(_, f)| f.clone()))
            .collect();
        let dates: std::collections::BTreeSet<NaiveDate> = group
            .iter()
            .flat_map(|(_, d)| d.iter().map(|(day, _)| *day))
            .collect();
        let mut row = vec![
            Cell::Text(tr!(l, "export-data-all-shops", count = group.len())),
            Cell::Empty,
            Cell::Text(currency.clone()),
            Cell::Int(dates.len() as i64),
        ];
        row.extend(total_cells(&figures));
        totals.push(row);
    }
    let totals = Table {
        name: l.t("export-data-totals-sheet"),
        header: totals_header,
        rows: totals,
    };
    let tables = if req.csv {
        vec![
            Table {
                name: l.t("export-data-days-sheet"),
                header,
                rows: per_shop.iter().flat_map(|(s, d)| day_rows(s, d)).collect(),
            },
            totals,
        ]
    } else {
        let mut t: Vec<Table> = per_shop
            .iter()
            .map(|(s, d)| Table {
                name: s.name.clone(),
                header: header.clone(),
                rows: day_rows(s, d),
            })
            .collect();
        t.push(totals);
        t
    };
    Ok((tables, count))
}

/// Every product day of the shops: shop, currency, day, product id and name, its figures.
async fn product_table(
    ctx: &Ctx<'_>,
    shops: &[Shop],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<(Table, usize)> {
    let l = ctx.locale;
    let mut conn = ctx.conn().await?;
    let mut rows = Vec::new();
    for s in shops {
        for (day, items) in products::range(&mut conn, s.id, from, to).await? {
            for (id, p) in items {
                let mut row = vec![
                    Cell::Text(s.name.clone()),
                    Cell::Text(s.currency.clone()),
                    Cell::Date(day),
                    Cell::Text(id),
                    Cell::Text(p.name),
                ];
                row.extend(PRODUCT_FIELDS.iter().map(|f| match p.figures.get(f) {
                    None => Cell::Empty,
                    Some(v) if metrics::is_money(f) => Cell::Num(v as f64 / 100.0),
                    Some(v) => Cell::Int(v),
                }));
                rows.push(row);
            }
        }
    }
    let header = ["shop", "currency", "date", "product-id", "product"]
        .iter()
        .map(|k| l.t(&format!("export-data-{k}")))
        .chain(
            PRODUCT_FIELDS
                .iter()
                .map(|f| l.t(&format!("export-data-product-{f}"))),
        )
        .collect();
    let n = rows.len();
    Ok((
        Table {
            name: l.t("export-data-products-sheet"),
            header,
            rows,
        },
        n,
    ))
}
