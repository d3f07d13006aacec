//! Importing the platforms' own daily exports (生意参谋, 京东商智, AliExpress, Amazon Business
//! Report, Shopify, 阿里妈妈): pure, no I/O. A file is read into cells ([`table`]; CSV, xlsx,
//! legacy xls, told apart by their first bytes), its header row and platform are found by
//! column names ([`mapping`], data not code), every cell is read ([`value`]), and the result is
//! a [`Parsed`] file: shop days or product days, column mapping, rows that could not be read,
//! warnings. [`preview`] compares it with what is stored. Rates in a file are never imported:
//! they are recomputed from the counts and a mismatch beyond rounding is a warning.

pub mod mapping;
pub mod table;
pub mod value;
pub mod xls_guard;
pub mod xlsx_guard;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::metrics::{self, DayFigures, FIELDS};
use crate::domain::product::{ProductDay, ProductFigures};
pub use mapping::{Kind, Mapping, Mappings, RateKind};
pub use table::{Cell, TableError};
pub use value::{DateOrder, Why};

/// Largest file accepted (bytes).
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// How many rows at the top may come before the header.
const HEADER_SEARCH_ROWS: usize = 50;

/// A cell that could not be read: its row (1-based, as a spreadsheet numbers it), column
/// header, value, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Row number in the file, from 1.
    pub row: usize,
    /// The column's header.
    pub column: String,
    /// The value as written.
    pub value: String,
    /// Why it does not read.
    pub why: Why,
}

/// Something to look at before importing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Warning {
    /// `a/b/y` dates were read in this order.
    DatesReadAs(DateOrder),
    /// A rate in the file does not match the one computed from its counts.
    RateMismatch {
        /// Row.
        row: usize,
        /// Column.
        column: String,
        /// As the file says.
        in_file: String,
        /// As computed.
        computed: String,
    },
    /// A total or summary row that was skipped.
    SkippedRow {
        /// Row.
        row: usize,
        /// Its first cell.
        value: String,
    },
    /// Headers this platform's mapping does not know (not imported).
    UnknownColumns(Vec<String>),
    /// The platform counts its days in this time zone (its dates are kept as they are).
    PlatformDays(String),
}

/// What a column of the file is used for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Use {
    /// The day.
    Date,
    /// A figure (`uv`, `paid-amount`…).
    Field(String),
    /// One of the columns summed into ad spend.
    AdSpendPart,
    /// A product export's product id.
    ProductId,
    /// A product export's product name.
    ProductName,
    /// A rate, checked against the counts, not imported.
    Check(String),
    /// Known and not imported.
    Ignored,
}

/// A product export's rows: day → product id → name and figures.
pub type Products = BTreeMap<NaiveDate, BTreeMap<String, ProductDay>>;

/// A file read against a platform's mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    /// Platform key.
    pub platform: String,
    /// Platform name.
    pub platform_name: String,
    /// Shop days or product days.
    #[serde(default)]
    pub kind: Kind,
    /// Whether the platform was recognised from the headers (not given).
    pub recognised: bool,
    /// Format and encoding read (`CSV, GBK`).
    pub format: String,
    /// Header row number, from 1.
    pub header_row: usize,
    /// Column header → use, in file order.
    pub columns: Vec<(String, Use)>,
    /// The figures per day (a shop export).
    pub days: BTreeMap<NaiveDate, DayFigures>,
    /// The figures per day and product (a product export).
    #[serde(default)]
    pub products: Products,
    /// Cells that could not be read (none may be, for the file to be imported).
    pub problems: Vec<Problem>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

impl Parsed {
    /// First and last day.
    pub fn range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.days.keys().chain(self.products.keys()).min()?;
        let last = self.days.keys().chain(self.products.keys()).max()?;
        Some((*first, *last))
    }

    /// How many days the file has.
    pub fn day_count(&self) -> usize {
        self.days.len() + self.products.len()
    }

    /// How many different products a product export has.
    pub fn product_count(&self) -> usize {
        let mut ids: Vec<&String> = self.products.values().flat_map(|d| d.keys()).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    }

    /// How many (day, product) rows a product export has.
    pub fn product_rows(&self) -> usize {
        self.products.values().map(BTreeMap::len).sum()
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.products.is_empty()
    }
}

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file does not read.
    #[error(transparent)]
    Table(#[from] TableError),
    /// No row of known headers: the platform is not recognised.
    #[error("no known header row")]
    NoHeader,
    /// An unknown `--platform`.
    #[error("unknown platform {0}")]
    UnknownPlatform(String),
    /// The file has no header row of the given platform.
    #[error("not a {0} export")]
    NotThisPlatform(String),
    /// A product export named as a shop export: the product mapping that reads it.
    #[error("a product export: use {0}")]
    ProductExport(String),
}

fn header_text(c: &Cell) -> String {
    c.text()
        .trim_matches(|ch: char| ch == '\u{feff}' || ch == '"' || ch.is_whitespace())
        .to_string()
}

fn is_total(s: &str) -> bool {
    let t = s.trim().to_lowercase();
    ["合计", "总计", "汇总", "total", "totals", "summary", "小计"]
        .iter()
        .any(|k| t.starts_with(k))
}

/// Reads a file. `platform` forces a mapping; otherwise the best-fitting header row of any
/// known platform decides.
pub fn parse(
    bytes: &[u8],
    mappings: &Mappings,
    platform: Option<&str>,
    order: DateOrder,
) -> Result<Parsed, ImportError> {
    parse_with(bytes, None, mappings, platform, order, &mut |_, _| {})
}

/// [`parse`] with the file's name (it only sharpens the error for a file named `.xls` that is
/// no spreadsheet: the content decides what the file is) and a `progress(rows read, rows)`
/// callback, called every few hundred rows.
pub fn parse_with(
    bytes: &[u8],
    name: Option<&str>,
    mappings: &Mappings,
    platform: Option<&str>,
    order: DateOrder,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Parsed, ImportError> {
    let forced = match platform.filter(|p| !p.trim().is_empty()) {
        Some(p) => Some(
            mappings
                .get(p)
                .ok_or_else(|| ImportError::UnknownPlatform(p.to_string()))?,
        ),
        None => None,
    };
    // A CSV's encoding hint only matters when it is not UTF-8; GB18030 covers every Chinese
    // platform's exports, so the forced mapping's hint (if any) is enough.
    let hint = forced.and_then(|m| m.encoding.as_deref());
    let (rows, format) = table::read(bytes, name, hint)?;
    let candidates: Vec<&Mapping> = match forced {
        Some(m) => vec![m],
        None => mappings.all.iter().collect(),
    };
    let mut best: Option<(usize, usize, &Mapping)> = None;
    for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let headers: Vec<String> = row.iter().map(header_text).collect();
        for m in &candidates {
            if let Some(score) = m.score(&headers)
                && best.is_none_or(|(_, s, _)| score > s)
            {
                best = Some((i, score, m));
            }
        }
    }
    let Some((hi, _, m)) = best else {
        return Err(match forced {
            Some(m) => ImportError::NotThisPlatform(m.platform.clone()),
            None => ImportError::NoHeader,
        });
    };
    // A product export forced through a shop mapping would read as the same day many times
    // over: say which mapping it is instead.
    if m.kind == Kind::Shop {
        let headers: Vec<String> = rows[hi].iter().map(header_text).collect();
        if let Some(p) = mappings
            .all
            .iter()
            .find(|p| p.kind == Kind::Products && p.score(&headers).is_some())
        {
            return Err(ImportError::ProductExport(p.platform.clone()));
        }
    }
    Ok(read_rows(
        &rows,
        hi,
        m,
        forced.is_none(),
        format,
        order,
        progress,
    ))
}

/// How often (in rows) reading reports progress.
const PROGRESS_EVERY: usize = 500;

fn read_rows(
    rows: &[Vec<Cell>],
    hi: usize,
    m: &Mapping,
    recognised: bool,
    format: String,
    order: DateOrder,
    progress: &mut dyn FnMut(usize, usize),
) -> Parsed {
    let headers: Vec<String> = rows[hi].iter().map(header_text).collect();
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    let mut date_col = None;
    let mut id_col = None;
    let mut name_col = None;
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let u = if m.date.contains(h) && date_col.is_none() {
            date_col = Some(i);
            Use::Date
        } else if m.product_id.contains(h) && id_col.is_none() {
            id_col = Some(i);
            Use::ProductId
        } else if m.product_name.contains(h) && name_col.is_none() {
            name_col = Some(i);
            Use::ProductName
        } else if let Some(f) = m.columns.get(h) {
            Use::Field(f.clone())
        } else if m.ad_spend.contains(h) {
            Use::AdSpendPart
        } else if let Some(r) = m.rates.get(h) {
            Use::Check(rate_field(*r).to_string())
        } else if m.ignore.contains(h)
            || m.date.contains(h)
            || m.product_id.contains(h)
            || m.product_name.contains(h)
        {
            Use::Ignored
        } else {
            unknown.push(h.clone());
            continue;
        };
        columns.push((i, h.clone(), u));
    }
    let date_col = date_col.unwrap_or(0);
    let mut out = Parsed {
        platform: m.platform.clone(),
        platform_name: m.name.clone(),
        kind: m.kind,
        recognised,
        format,
        header_row: hi + 1,
        columns: columns
            .iter()
            .map(|(_, h, u)| (h.clone(), u.clone()))
            .collect(),
        days: BTreeMap::new(),
        products: BTreeMap::new(),
        problems: vec![],
        warnings: vec![],
    };
    let mut ambiguous = false;
    let empty = Cell::Empty;
    let total = rows.len().saturating_sub(hi + 1);
    progress(0, total);
    for (ri, row) in rows.iter().enumerate().skip(hi + 1) {
        let rowno = ri + 1;
        let done = ri - hi;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(done, total);
        }
        if row.iter().all(Cell::is_blank) {
            continue;
        }
        let get = |i: usize| row.get(i).unwrap_or(&empty);
        let dcell = get(date_col);
        let first_text = row
            .iter()
            .find(|c| !c.is_blank())
            .map(Cell::text)
            .unwrap_or_default();
        if is_total(&dcell.text()) || (value::is_nothing(dcell) && is_total(&first_text)) {
            out.warnings.push(Warning::SkippedRow {
                row: rowno,
                value: first_text,
            });
            continue;
        }
        let mut bad = false;
        let problem = |out: &mut Parsed, col: &str, cell: &Cell, why: Why| {
            out.problems.push(Problem {
                row: rowno,
                column: col.to_string(),
                value: cell.text(),
                why,
            });
        };
        let header_of = |i: usize| headers[i.min(headers.len().saturating_sub(1))].as_str();
        let date_header = header_of(date_col);
        let date = if value::is_nothing(dcell) {
            problem(&mut out, date_header, dcell, Why::NoDate);
            bad = true;
            None
        } else {
            ambiguous |= value::is_ambiguous(dcell);
            match value::date(dcell, order) {
                Ok(d) => Some(d),
                Err(why) => {
                    problem(&mut out, date_header, dcell, why);
                    bad = true;
                    None
                }
            }
        };
        // A product row's id (and name: the id when the file has none).
        let product = match id_col {
            Some(ic) => {
                let id = product_id(get(ic));
                if id.is_empty() {
                    problem(&mut out, header_of(ic), get(ic), Why::NoProduct);
                    bad = true;
                }
                let name = name_col
                    .map(|nc| get(nc).text())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| id.clone());
                Some((id, name, ic))
            }
            None => None,
        };
        // (figure, value) of the row, and the ad-spend parts summed.
        let mut values: Vec<(&str, i64)> = vec![];
        let mut ad: Option<i64> = None;
        let mut checks: Vec<(&str, RateKind, &Cell)> = vec![];
        for (i, h, u) in &columns {
            let cell = get(*i);
            let money_col = match u {
                Use::Field(f) => metrics::is_money(f),
                Use::AdSpendPart => true,
                Use::Check(_) => {
                    if let Some(kind) = m.rates.get(h) {
                        checks.push((h.as_str(), *kind, cell));
                    }
                    continue;
                }
                Use::Date | Use::Ignored | Use::ProductId | Use::ProductName => continue,
            };
            let read = if money_col {
                value::money(cell)
            } else {
                value::count(cell)
            };
            let v = match read {
                Ok(v) => v,
                Err(why) => {
                    problem(&mut out, h, cell, why);
                    bad = true;
                    continue;
                }
            };
            let v = match v {
                Some(v) if v < 0 && m.absolute.contains(h) => Some(-v),
                Some(v) if v < 0 => {
                    problem(&mut out, h, cell, Why::Negative);
                    bad = true;
                    continue;
                }
                v => v,
            };
            match (u, v) {
                (Use::Field(f), Some(v)) => values.push((f.as_str(), v)),
                (_, Some(v)) => ad = Some(ad.unwrap_or(0) + v),
                _ => {}
            }
        }
        let mut day = DayFigures::default();
        let mut figures = ProductFigures::default();
        for (f, v) in &values {
            match m.kind {
                Kind::Shop => day.set(f, Some(*v)),
                Kind::Products => figures.set(f, Some(*v)),
            }
        }
        if ad.is_some() {
            day.set("ad-spend", ad);
        }
        let checked = match m.kind {
            Kind::Shop => day.clone(),
            Kind::Products => figures.as_day(),
        };
        for (h, kind, cell) in checks {
            match check_rate(&checked, kind, cell) {
                Ok(None) => {}
                Ok(Some((in_file, computed))) => out.warnings.push(Warning::RateMismatch {
                    row: rowno,
                    column: h.to_string(),
                    in_file,
                    computed,
                }),
                Err(why) => {
                    problem(&mut out, h, cell, why);
                    bad = true;
                }
            }
        }
        let Some(date) = date else { continue };
        if bad {
            continue;
        }
        match product {
            Some((id, name, ic)) => {
                if out.products.get(&date).is_some_and(|d| d.contains_key(&id)) {
                    problem(&mut out, header_of(ic), get(ic), Why::DuplicateProduct);
                } else {
                    out.products
                        .entry(date)
                        .or_default()
                        .insert(id, ProductDay { name, figures });
                }
            }
            None => match out.days.get_mut(&date) {
                Some(existing) if m.sum_same_day => existing.add(&day),
                Some(_) => problem(&mut out, date_header, dcell, Why::DuplicateDay),
                None => {
                    out.days.insert(date, day);
                }
            },
        }
    }
    progress(total, total);
    if ambiguous {
        out.warnings.insert(0, Warning::DatesReadAs(order));
    }
    if !unknown.is_empty() {
        out.warnings.push(Warning::UnknownColumns(unknown));
    }
    if let Some(zone) = &m.day_zone {
        out.warnings.push(Warning::PlatformDays(zone.clone()));
    }
    out
}

/// A product id as text: ids are digits, which a spreadsheet may keep as a number cell
/// (`652384729301`) or as text with a stray apostrophe or spaces.
fn product_id(c: &Cell) -> String {
    if value::is_nothing(c) {
        return String::new();
    }
    c.text().trim_start_matches('\'').trim().to_string()
}

fn rate_field(r: RateKind) -> &'static str {
    match r {
        RateKind::Conversion => "conversion",
        RateKind::Aov => "aov",
        RateKind::UvValue => "uv-value",
    }
}

/// Compares a rate of the file with the one computed from the day's counts: Some((file,
/// computed)) when they differ beyond the file's rounding.
fn check_rate(
    day: &DayFigures,
    kind: RateKind,
    cell: &Cell,
) -> Result<Option<(String, String)>, Why> {
    let d = metrics::Derived::of(day);
    match kind {
        RateKind::Conversion => {
            let Some(f) = value::rate(cell)? else {
                return Ok(None);
            };
            let Some(c) = d.conversion else {
                return Ok(None);
            };
            // The file shows 0.01 % steps.
            Ok(((f - c).abs() > 0.0001 + 1e-9)
                .then(|| (format!("{:.2}%", f * 100.0), format!("{:.2}%", c * 100.0))))
        }
        RateKind::Aov | RateKind::UvValue => {
            let Some(f) = value::money_rate(cell)? else {
                return Ok(None);
            };
            let c = if kind == RateKind::Aov {
                d.avg_order_value
            } else {
                d.value_per_visitor
            };
            let Some(c) = c else { return Ok(None) };
            // The file shows cents; one cent either way is rounding.
            Ok(((f - c).abs() > 1.0 + 1e-6)
                .then(|| (format!("{:.2}", f / 100.0), format!("{:.2}", c / 100.0))))
        }
    }
}

/// What importing would do to a stored day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Nothing stored for that day.
    New,
    /// These figures would change.
    Changes(Vec<String>),
    /// Identical: nothing would be written.
    Unchanged,
}

/// A day as it would be stored: the stored figures with the file's replacing those it has.
pub fn merged(stored: Option<&DayFigures>, imported: &DayFigures) -> DayFigures {
    let mut d = stored.cloned().unwrap_or_default();
    d.merge(imported);
    d
}

/// What importing a product export would do to one day's stored products.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductStatus {
    /// Products of the file on that day.
    pub products: usize,
    /// Not stored yet.
    pub new: usize,
    /// Stored with other figures (or another name).
    pub changed: usize,
    /// Stored exactly so: nothing written.
    pub unchanged: usize,
}

/// The file and what importing it would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// The file.
    pub parsed: Parsed,
    /// Per day (a shop export).
    pub status: Vec<(NaiveDate, Status)>,
    /// Per day (a product export).
    pub products: Vec<(NaiveDate, ProductStatus)>,
}

impl Preview {
    /// Whether it may be applied (no unreadable rows, at least one day).
    pub fn can_apply(&self) -> bool {
        self.parsed.problems.is_empty() && !self.parsed.is_empty()
    }

    /// Days (shop export) or product rows (product export) that would be written.
    pub fn writes(&self) -> usize {
        self.status
            .iter()
            .filter(|(_, s)| *s != Status::Unchanged)
            .count()
            + self
                .products
                .iter()
                .map(|(_, s)| s.new + s.changed)
                .sum::<usize>()
    }
}

/// Compares a parsed file with what is stored (those of its dates that exist): the shop's
/// days for a shop export, its products' days for a product export.
pub fn preview(
    parsed: Parsed,
    stored: &BTreeMap<NaiveDate, DayFigures>,
    products: &Products,
) -> Preview {
    let status = parsed
        .days
        .iter()
        .map(|(date, imported)| {
            let s = match stored.get(date) {
                None => Status::New,
                Some(old) => {
                    let new = merged(Some(old), imported);
                    let changed: Vec<String> = FIELDS
                        .iter()
                        .filter(|f| new.get(f) != old.get(f))
                        .map(|f| f.to_string())
                        .collect();
                    if changed.is_empty() {
                        Status::Unchanged
                    } else {
                        Status::Changes(changed)
                    }
                }
            };
            (*date, s)
        })
        .collect();
    let product_status = parsed
        .products
        .iter()
        .map(|(date, rows)| {
            let mut s = ProductStatus {
                products: rows.len(),
                ..ProductStatus::default()
            };
            let old_day = products.get(date);
            for (id, imported) in rows {
                match old_day.and_then(|d| d.get(id)) {
                    None => s.new += 1,
                    Some(old) if ProductDay::merged(Some(old), imported) == *old => {
                        s.unchanged += 1
                    }
                    Some(_) => s.changed += 1,
                }
            }
            (*date, s)
        })
        .collect();
    Preview {
        parsed,
        status,
        products: product_status,
    }
}
