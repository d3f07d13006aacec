//! Importing the platforms' own daily exports (生意参谋, 京东商智, AliExpress, Amazon Business
//! Report, Shopify, 阿里妈妈): pure, no I/O. A file is read into cells ([`table`]; CSV, xlsx,
//! legacy xls, told apart by their first bytes, every sheet of a workbook), its header row and
//! platform are found by column names compared by meaning ([`header`], [`mapping`], data not
//! code), every cell is read ([`value`]), and the result is a [`Parsed`] file: shop days or
//! product days, column mapping, rows that could not be read, rows that are not data (repeated
//! header lines, description and blank lines, totals, comparison rows), the currency its
//! amounts are written in, how its dates were read, warnings. [`preview`] compares it with what
//! is stored. Rates in a file are never imported: they are recomputed from the counts and a
//! mismatch beyond rounding is a warning.

pub mod header;
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
    /// The sheet, when the workbook has several.
    #[serde(default)]
    pub sheet: Option<String>,
}

/// Something to look at before importing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Warning {
    /// `a/b/y` dates were read in this order, as the user chose.
    DatesReadAs(DateOrder),
    /// Nothing in the file tells the order of its `a/b/y` dates: they were read in this one,
    /// because of the currency of its amounts when there is one.
    DatesAssumed {
        /// The order read.
        order: DateOrder,
        /// The currency that decided it (day first outside the US).
        currency: Option<String>,
    },
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
    /// Headers this platform's mapping does not know (not imported).
    UnknownColumns(Vec<String>),
    /// The platform counts its days in this time zone (its dates are kept as they are).
    PlatformDays(String),
    /// A column written below zero holds a value above zero (Shopify's `Returns` +20.00: a
    /// return undone); the day's figure is 0.
    Reversal {
        /// Row.
        row: usize,
        /// Column.
        column: String,
        /// As written.
        value: String,
    },
    /// Another sheet of the workbook is another platform's export: not imported with this one.
    OtherSheet {
        /// Its name.
        sheet: String,
        /// The platform it fits.
        platform: String,
    },
    /// A sheet that could not be read (damaged, or larger than an export).
    SheetNotRead(String),
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
    /// The previous period's copy of a column in a comparison export (`Orders
    /// (previous_year)`): not imported.
    Comparison,
}

/// A product export's rows: day → product id → name and figures.
pub type Products = BTreeMap<NaiveDate, BTreeMap<String, ProductDay>>;

/// A sheet that was read, and its header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRead {
    /// Its name (None for a CSV file).
    pub name: Option<String>,
    /// Its header row, from 1.
    pub header_row: usize,
}

/// Rows that are not data, skipped: their row numbers (blank lines are only counted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The header line again (daily downloads pasted one under another).
    pub headers: Vec<usize>,
    /// Lines of text without figures (a download's description lines, 统计日期：… 店铺名称：…).
    pub notes: Vec<usize>,
    /// Blank lines between data lines.
    pub blank: usize,
    /// Total and summary lines (合计, Total).
    pub totals: Vec<usize>,
    /// Comparison rows whose own period is empty (only the previous year's day has figures).
    pub comparison: Vec<usize>,
}

impl Skipped {
    /// Whether nothing was skipped.
    pub fn is_empty(&self) -> bool {
        *self == Skipped::default()
    }
}

/// Where in a file a date was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateAt {
    /// The sheet, when the workbook has several.
    pub sheet: Option<String>,
    /// Row, from 1.
    pub row: usize,
    /// The date as written.
    pub value: String,
}

/// The order of a file's `a/b/y` dates, decided by one of them (the first whose day is above
/// 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatesDecided {
    /// The order.
    pub order: DateOrder,
    /// The date that decided it.
    pub by: DateAt,
}

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
    /// Header row number of the first sheet read, from 1.
    pub header_row: usize,
    /// The sheets read (one for a CSV file).
    #[serde(default)]
    pub sheets: Vec<SheetRead>,
    /// How many sheets the file has.
    #[serde(default)]
    pub sheet_count: usize,
    /// Column header → use, in file order.
    pub columns: Vec<(String, Use)>,
    /// The figures per day (a shop export).
    pub days: BTreeMap<NaiveDate, DayFigures>,
    /// The figures per day and product (a product export).
    #[serde(default)]
    pub products: Products,
    /// Cells that could not be read (none may be, for the file to be imported).
    pub problems: Vec<Problem>,
    /// Rows that are not data, skipped.
    #[serde(default)]
    pub skipped: Skipped,
    /// The currencies its amounts are written in (`AED`; `$` or `¥` where the file does not
    /// say which): none when it writes bare numbers.
    #[serde(default)]
    pub currencies: Vec<String>,
    /// How its `a/b/y` dates were read, when a date decided it.
    #[serde(default)]
    pub dates: Option<DatesDecided>,
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

    /// The shop's currency does not fit the file's amounts: the currency they are in. (A file
    /// of bare numbers fits any shop.)
    pub fn currency_conflict(&self, shop_currency: &str) -> Option<&str> {
        self.currencies
            .iter()
            .find(|c| !value::currency_fits(c, shop_currency))
            .map(String::as_str)
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
    /// A report of a platform that is not a daily export (Amazon's Sales and Traffic by
    /// ASIN): what it is, and the catalog hint that says what to download instead.
    #[error("{report} of {platform} is not a daily export")]
    NotDaily {
        /// Platform key.
        platform: String,
        /// The report's name.
        report: String,
        /// Catalog hint key part, when the mapping has one.
        hint: Option<String>,
    },
    /// Days repeat once per value of another column (a custom report grouped by sales
    /// channel, product, plan…): not the shop's daily totals.
    #[error("days repeat once per {column}")]
    Grouped {
        /// The column the report is grouped by.
        column: String,
        /// Two rows of one day that differ in it.
        rows: (usize, usize),
    },
    /// Some `a/b/y` dates of the file have the day first and others the month first.
    #[error("mixed date orders")]
    MixedDates {
        /// A date whose first number is above 12.
        day_first: DateAt,
        /// A date whose second number is above 12.
        month_first: DateAt,
    },
    /// Amounts of the file are written in more than one currency.
    #[error("amounts in {0} and {1}")]
    MixedCurrencies(String, String),
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

/// The best header row among a sheet's first rows for these mappings: (row index, score,
/// mapping).
fn best_header<'m>(
    rows: &[Vec<Cell>],
    candidates: &[&'m Mapping],
) -> Option<(usize, usize, &'m Mapping)> {
    let mut best: Option<(usize, usize, &Mapping)> = None;
    for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let headers: Vec<String> = row.iter().map(header_text).collect();
        for m in candidates {
            if let Some(score) = m.score(&headers)
                && best.is_none_or(|(_, s, _)| score > s)
            {
                best = Some((i, score, m));
            }
        }
    }
    best
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
    let book = table::read_book(bytes, name, hint)?;
    let candidates: Vec<&Mapping> = match forced {
        Some(m) => vec![m],
        None => mappings.all.iter().collect(),
    };
    // Every sheet is looked at; the best header of all decides the platform.
    let found: Vec<Option<(usize, usize, &Mapping)>> = book
        .sheets
        .iter()
        .map(|s| best_header(&s.rows, &candidates))
        .collect();
    let best = found
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.map(|f| (i, f)))
        .fold(
            None,
            |best: Option<(usize, (usize, usize, &Mapping))>, (i, f)| match best {
                Some((_, b)) if b.1 >= f.1 => best,
                _ => Some((i, f)),
            },
        );
    let Some((first_sheet, (hi, _, m))) = best else {
        return Err(not_recognised(&book, mappings, forced));
    };
    // A product export forced through a shop mapping would read as the same day many times
    // over: say which mapping it is instead.
    if m.kind == Kind::Shop {
        let headers: Vec<String> = book.sheets[first_sheet].rows[hi]
            .iter()
            .map(header_text)
            .collect();
        if let Some(p) = mappings
            .all
            .iter()
            .find(|p| p.kind == Kind::Products && p.score(&headers).is_some())
        {
            return Err(ImportError::ProductExport(p.platform.clone()));
        }
    }
    // The sheets this mapping reads, and the others that fit another platform.
    let mut reads = vec![];
    let mut warnings = vec![];
    for (i, sheet) in book.sheets.iter().enumerate() {
        if let Some((row, _, _)) = best_header(&sheet.rows, &[m]) {
            reads.push((sheet, row));
        } else if let Some((_, _, other)) = found[i].or_else(|| {
            forced.and_then(|_| best_header(&sheet.rows, &mappings.all.iter().collect::<Vec<_>>()))
        }) && other.platform != m.platform
        {
            warnings.push(Warning::OtherSheet {
                sheet: sheet.name.clone().unwrap_or_default(),
                platform: other.platform.clone(),
            });
        }
    }
    warnings.extend(book.unread.iter().cloned().map(Warning::SheetNotRead));
    let mut parsed = read_sheets(&reads, m, forced.is_none(), book.format, order, progress)?;
    parsed.sheet_count = book.sheets.len() + book.unread.len();
    parsed.warnings.extend(warnings);
    Ok(parsed)
}

/// Why no sheet of a file has a header row: a report of a platform that is not a daily export
/// (with what to download instead), else no known header (or none of the chosen platform's).
fn not_recognised(
    book: &table::Book,
    mappings: &Mappings,
    forced: Option<&Mapping>,
) -> ImportError {
    // The chosen platform's reports first, then any platform's.
    let candidates: Vec<&Mapping> = forced.into_iter().chain(mappings.all.iter()).collect();
    for sheet in &book.sheets {
        for row in sheet.rows.iter().take(HEADER_SEARCH_ROWS) {
            let headers: Vec<String> = row.iter().map(header_text).collect();
            for m in &candidates {
                if let Some(n) = m.not_daily(&headers) {
                    return ImportError::NotDaily {
                        platform: m.platform.clone(),
                        report: n.report.clone(),
                        hint: n.hint.clone(),
                    };
                }
            }
        }
    }
    match forced {
        Some(m) => ImportError::NotThisPlatform(m.platform.clone()),
        None => ImportError::NoHeader,
    }
}

/// How often (in rows) reading reports progress.
const PROGRESS_EVERY: usize = 500;

/// A header row's columns: what each is used for.
struct Layout {
    /// The file's headers, by column.
    headers: Vec<String>,
    /// (column, file header, use, the mapping's name for it).
    columns: Vec<(usize, String, Use, String)>,
    /// Headers the mapping does not know.
    unknown: Vec<String>,
    date_col: usize,
    id_col: Option<usize>,
    name_col: Option<usize>,
    /// Columns of the previous period (a comparison export).
    comparison: Vec<usize>,
    /// Text columns not imported (unknown or ignored): what a grouped report is grouped by.
    others: Vec<usize>,
    /// The date column's names, as [`header::key`]s: a row whose date cell is one of them is
    /// the header line again.
    date_keys: Vec<String>,
}

impl Layout {
    fn of(m: &Mapping, row: &[Cell]) -> Layout {
        let headers: Vec<String> = row.iter().map(header_text).collect();
        let mut l = Layout {
            headers: headers.clone(),
            columns: vec![],
            unknown: vec![],
            date_col: 0,
            id_col: None,
            name_col: None,
            comparison: vec![],
            others: vec![],
            date_keys: m
                .date
                .iter()
                .map(String::as_str)
                .chain(
                    m.spellings
                        .iter()
                        .filter(|(h, _)| m.date.contains(h))
                        .flat_map(|(_, list)| list.iter().map(|s| s.name.as_str())),
                )
                .map(header::key)
                .collect(),
        };
        let mut date_col = None;
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            if header::is_comparison(h) {
                l.comparison.push(i);
                l.columns.push((i, h.clone(), Use::Comparison, h.clone()));
                continue;
            }
            let Some(c) = m.canonical(h) else {
                l.unknown.push(h.clone());
                l.others.push(i);
                continue;
            };
            let c = c.to_string();
            let u = if m.date.contains(&c) && date_col.is_none() {
                date_col = Some(i);
                Use::Date
            } else if m.product_id.contains(&c) && l.id_col.is_none() {
                l.id_col = Some(i);
                Use::ProductId
            } else if m.product_name.contains(&c) && l.name_col.is_none() {
                l.name_col = Some(i);
                Use::ProductName
            } else if let Some(f) = m.columns.get(&c) {
                Use::Field(f.clone())
            } else if m.ad_spend.contains(&c) {
                Use::AdSpendPart
            } else if let Some(r) = m.rates.get(&c) {
                Use::Check(rate_field(*r).to_string())
            } else {
                l.others.push(i);
                Use::Ignored
            };
            l.columns.push((i, h.clone(), u, c));
        }
        l.date_col = date_col.unwrap_or(0);
        l
    }

    fn header_of(&self, i: usize) -> &str {
        self.headers
            .get(i)
            .or(self.headers.last())
            .map_or("", String::as_str)
    }

    /// Whether a row is this header line again (its date cell holds the date column's name).
    fn is_header(&self, row: &[Cell]) -> bool {
        match row.get(self.date_col) {
            Some(Cell::Text(t)) => self.date_keys.contains(&header::key(t)),
            _ => false,
        }
    }
}

/// A data row, read but for its date (the order of `a/b/y` dates is for the whole column to
/// tell).
struct RowRead {
    sheet: Option<String>,
    row: usize,
    date_cell: Cell,
    date_header: String,
    /// (product id, name, id column header, id as written) of a product row.
    product: Option<(String, String, String, String)>,
    day: DayFigures,
    figures: ProductFigures,
    bad: bool,
    /// Text of the columns not imported (header → value), to tell a grouped report.
    others: Vec<(String, String)>,
}

/// Reads the rows of every sheet below its header row, against one mapping.
fn read_sheets(
    reads: &[(&table::Sheet, usize)],
    m: &Mapping,
    recognised: bool,
    format: String,
    order: DateOrder,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Parsed, ImportError> {
    let named = reads.len() > 1;
    let mut out = Parsed {
        platform: m.platform.clone(),
        platform_name: m.name.clone(),
        kind: m.kind,
        recognised,
        format,
        header_row: reads.first().map_or(0, |(_, hi)| hi + 1),
        sheets: reads
            .iter()
            .map(|(s, hi)| SheetRead {
                name: s.name.clone(),
                header_row: hi + 1,
            })
            .collect(),
        sheet_count: reads.len(),
        columns: vec![],
        days: BTreeMap::new(),
        products: BTreeMap::new(),
        problems: vec![],
        skipped: Skipped::default(),
        currencies: vec![],
        dates: None,
        warnings: vec![],
    };
    let mut unknown: Vec<String> = vec![];
    let mut data: Vec<RowRead> = vec![];
    let total: usize = reads
        .iter()
        .map(|(s, hi)| s.rows.len().saturating_sub(hi + 1))
        .sum();
    let mut done = 0usize;
    progress(0, total);
    for (sheet, hi) in reads {
        let sheet_name = sheet.name.clone().filter(|_| named);
        let mut layout = Layout::of(m, &sheet.rows[*hi]);
        note_columns(&mut out, &mut unknown, &layout);
        let mut blank = 0usize;
        for (ri, row) in sheet.rows.iter().enumerate().skip(hi + 1) {
            done += 1;
            if done.is_multiple_of(PROGRESS_EVERY) {
                progress(done, total);
            }
            let rowno = ri + 1;
            if row.iter().all(Cell::is_blank) {
                blank += 1;
                continue;
            }
            // Blank lines count once data follows them (not the file's trailing ones).
            out.skipped.blank += std::mem::take(&mut blank);
            if layout.is_header(row) {
                // The header again (downloads pasted one under another): its columns may
                // differ, so they are read anew.
                out.skipped.headers.push(rowno);
                layout = Layout::of(m, row);
                note_columns(&mut out, &mut unknown, &layout);
                continue;
            }
            if let Some(r) = read_row(&mut out, m, &layout, row, rowno, &sheet_name) {
                data.push(r);
            }
        }
    }
    progress(total, total);
    decide_dates(&mut out, &data, order)?;
    let order = out
        .dates
        .as_ref()
        .map(|d| d.order)
        .or_else(|| {
            out.warnings.iter().find_map(|w| match w {
                Warning::DatesAssumed { order, .. } | Warning::DatesReadAs(order) => Some(*order),
                _ => None,
            })
        })
        .unwrap_or(match order {
            DateOrder::Auto => DateOrder::Mdy,
            o => o,
        });
    insert_rows(&mut out, m, data, order)?;
    // Cell problems were found row by row, date problems after the whole column: in file
    // order again, sheet by sheet.
    let sheet_index = |s: &Option<String>| {
        reads
            .iter()
            .position(|(sheet, _)| sheet.name == *s)
            .unwrap_or(0)
    };
    out.problems
        .sort_by_key(|p| (if named { sheet_index(&p.sheet) } else { 0 }, p.row));
    if out.currencies.len() > 1 {
        return Err(ImportError::MixedCurrencies(
            out.currencies[0].clone(),
            out.currencies[1].clone(),
        ));
    }
    if !unknown.is_empty() {
        out.warnings.push(Warning::UnknownColumns(unknown));
    }
    if let Some(zone) = &m.day_zone {
        out.warnings.push(Warning::PlatformDays(zone.clone()));
    }
    Ok(out)
}

/// Adds a header line's columns to the file's (each header once, in file order).
fn note_columns(out: &mut Parsed, unknown: &mut Vec<String>, layout: &Layout) {
    for (_, h, u, _) in &layout.columns {
        if !out.columns.iter().any(|(x, _)| x == h) {
            out.columns.push((h.clone(), u.clone()));
        }
    }
    for h in &layout.unknown {
        if !unknown.contains(h) {
            unknown.push(h.clone());
        }
    }
}

/// Whether a cell holds nothing or a zero.
fn is_nothing_or_zero(c: &Cell) -> bool {
    value::is_nothing(c)
        || value::money(c).ok().flatten() == Some(0)
        || value::rate(c).ok().flatten() == Some(0.0)
}

/// Whether a cell's text is a number or an amount (not what a report is grouped by).
fn is_numeric(text: &str) -> bool {
    value::money(&Cell::Text(text.to_string())).is_ok()
        || value::rate(&Cell::Text(text.to_string())).is_ok()
}

/// Reads one row below a header: None when it is no data (a total, a description line, a
/// comparison row whose own period is empty: counted in `out.skipped`).
fn read_row(
    out: &mut Parsed,
    m: &Mapping,
    layout: &Layout,
    row: &[Cell],
    rowno: usize,
    sheet: &Option<String>,
) -> Option<RowRead> {
    let empty = Cell::Empty;
    let get = |i: usize| row.get(i).unwrap_or(&empty);
    let dcell = get(layout.date_col);
    let first_text = row
        .iter()
        .find(|c| !c.is_blank())
        .map(Cell::text)
        .unwrap_or_default();
    if is_total(&dcell.text()) || (value::is_nothing(dcell) && is_total(&first_text)) {
        out.skipped.totals.push(rowno);
        return None;
    }
    let figure_cells: Vec<&Cell> = layout
        .columns
        .iter()
        .filter(|(_, _, u, _)| matches!(u, Use::Field(_) | Use::AdSpendPart | Use::Check(_)))
        .map(|(i, ..)| get(*i))
        .collect();
    let no_figures = figure_cells.iter().all(|c| value::is_nothing(c));
    if value::is_nothing(dcell) {
        let compared = layout
            .comparison
            .iter()
            .any(|i| !value::is_nothing(get(*i)));
        if compared && figure_cells.iter().all(|c| is_nothing_or_zero(c)) {
            out.skipped.comparison.push(rowno);
            return None;
        }
        if no_figures {
            out.skipped.notes.push(rowno);
            return None;
        }
    } else if no_figures
        && value::date(dcell, DateOrder::Mdy).is_err()
        && value::date(dcell, DateOrder::Dmy).is_err()
    {
        // 统计日期：2026-11-20~2026-11-22, 店铺名称：旗舰店: a download's description line.
        out.skipped.notes.push(rowno);
        return None;
    }
    let mut problems = vec![];
    let mut problem = |col: &str, cell: &Cell, why: Why| {
        problems.push(Problem {
            row: rowno,
            column: col.to_string(),
            value: cell.text(),
            why,
            sheet: sheet.clone(),
        });
    };
    let date_header = layout.header_of(layout.date_col).to_string();
    if value::is_nothing(dcell) {
        problem(&date_header, dcell, Why::NoDate);
    }
    // A product row's id (and name: the id when the file has none).
    let product = layout.id_col.map(|ic| {
        let id = product_id(get(ic));
        if id.is_empty() {
            problem(layout.header_of(ic), get(ic), Why::NoProduct);
        }
        let name = layout
            .name_col
            .map(|nc| get(nc).text())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.clone());
        (id, name, layout.header_of(ic).to_string(), get(ic).text())
    });
    // (figure, value) of the row, and the ad-spend parts summed.
    let mut values: Vec<(&str, i64)> = vec![];
    let mut ad: Option<i64> = None;
    let mut checks: Vec<(&str, RateKind, &Cell)> = vec![];
    for (i, h, u, canon) in &layout.columns {
        let cell = get(*i);
        let money_col = match u {
            Use::Field(f) => metrics::is_money(f),
            Use::AdSpendPart => true,
            Use::Check(_) => {
                if let Some(kind) = m.rates.get(canon) {
                    checks.push((h.as_str(), *kind, cell));
                }
                continue;
            }
            _ => continue,
        };
        let read = if money_col {
            value::money_in(cell).map(|v| {
                v.map(|(cents, currency)| {
                    if let Some(c) = currency
                        && !out.currencies.iter().any(|x| x == c)
                    {
                        // `$` beside `USD` is one currency: the code says more.
                        match out.currencies.iter().position(|x| value::marks_agree(x, c)) {
                            Some(p) if c.len() == 3 => out.currencies[p] = c.to_string(),
                            Some(_) => {}
                            None => out.currencies.push(c.to_string()),
                        }
                    }
                    cents
                })
            })
        } else {
            value::count(cell)
        };
        let v = match read {
            Ok(v) => v,
            Err(why) => {
                problem(h, cell, why);
                continue;
            }
        };
        let v = match v {
            Some(v) if v > 0 && m.negative.contains(canon) => {
                out.warnings.push(Warning::Reversal {
                    row: rowno,
                    column: h.clone(),
                    value: cell.text(),
                });
                Some(0)
            }
            Some(v) if v < 0 && (m.absolute.contains(canon) || m.negative.contains(canon)) => {
                Some(-v)
            }
            Some(v) if v < 0 => {
                problem(h, cell, Why::Negative);
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
            Err(why) => problem(h, cell, why),
        }
    }
    let bad = !problems.is_empty();
    out.problems.extend(problems);
    // Only a shop export that does not add up its rows can be a report grouped by another
    // column (a product export has many rows a day; so has an ad report of plans).
    let others = if m.kind == Kind::Shop && !m.sum_same_day {
        layout
            .others
            .iter()
            .map(|i| (layout.header_of(*i).to_string(), get(*i).text()))
            .collect()
    } else {
        vec![]
    };
    Some(RowRead {
        sheet: sheet.clone(),
        row: rowno,
        date_cell: dcell.clone(),
        date_header,
        product,
        day,
        figures,
        bad,
        others,
    })
}

/// Decides how the file's `a/b/y` dates read, from the whole column: a first number above 12
/// is a day (day first), a second number above 12 is a day (month first); both in one file is
/// refused, naming one of each. With nothing to tell, `order` when the user chose one, else
/// day first when the amounts are in a currency of a market that writes the day first, else
/// month first — and a warning says which, and how to choose the other.
fn decide_dates(out: &mut Parsed, data: &[RowRead], order: DateOrder) -> Result<(), ImportError> {
    let at = |r: &RowRead| DateAt {
        sheet: r.sheet.clone(),
        row: r.row,
        value: r.date_cell.text(),
    };
    let mut day_first = None;
    let mut month_first = None;
    let mut ambiguous = false;
    for r in data {
        let Some((a, b)) = value::slash_parts(&r.date_cell) else {
            continue;
        };
        if a > 12 && b <= 12 {
            day_first.get_or_insert_with(|| at(r));
        } else if b > 12 && a <= 12 {
            month_first.get_or_insert_with(|| at(r));
        } else if a != b {
            ambiguous = true;
        }
    }
    match order {
        DateOrder::Auto => match (day_first, month_first) {
            (Some(day_first), Some(month_first)) => {
                return Err(ImportError::MixedDates {
                    day_first,
                    month_first,
                });
            }
            (Some(by), None) => {
                out.dates = Some(DatesDecided {
                    order: DateOrder::Dmy,
                    by,
                })
            }
            (None, Some(by)) => {
                out.dates = Some(DatesDecided {
                    order: DateOrder::Mdy,
                    by,
                })
            }
            (None, None) if ambiguous => {
                let currency = out
                    .currencies
                    .iter()
                    .find(|c| value::day_first_currency(c))
                    .cloned();
                let order = if currency.is_some() {
                    DateOrder::Dmy
                } else {
                    DateOrder::Mdy
                };
                out.warnings
                    .insert(0, Warning::DatesAssumed { order, currency });
            }
            (None, None) => {}
        },
        chosen => {
            if ambiguous || day_first.is_some() || month_first.is_some() {
                out.warnings.insert(0, Warning::DatesReadAs(chosen));
            }
        }
    }
    Ok(())
}

/// Where a day was first seen: its sheet, row, and the text of its columns not imported.
type Seen = (Option<String>, usize, Vec<(String, String)>);

/// Puts the rows read under their dates: a shop export's days (a day twice is an error, or
/// added up for a mapping that sums its plans), a product export's products.
fn insert_rows(
    out: &mut Parsed,
    m: &Mapping,
    data: Vec<RowRead>,
    order: DateOrder,
) -> Result<(), ImportError> {
    // Where each day was first seen: (sheet, row, the row's other columns).
    let mut first_seen: BTreeMap<NaiveDate, Seen> = BTreeMap::new();
    for r in data {
        let problem = |out: &mut Parsed, column: &str, value: String, why: Why| {
            out.problems.push(Problem {
                row: r.row,
                column: column.to_string(),
                value,
                why,
                sheet: r.sheet.clone(),
            });
        };
        if value::is_nothing(&r.date_cell) {
            continue; // reported as no date
        }
        let date = match value::date(&r.date_cell, order) {
            Ok(d) => d,
            Err(why) => {
                let why = match (value::slash_parts(&r.date_cell), order) {
                    (Some((a, b)), DateOrder::Mdy) if a > 12 && b <= 12 => Why::DayFirst,
                    (Some((a, b)), DateOrder::Dmy) if b > 12 && a <= 12 => Why::MonthFirst,
                    _ => why,
                };
                problem(out, &r.date_header, r.date_cell.text(), why);
                continue;
            }
        };
        if r.bad {
            continue;
        }
        let seen = first_seen.get(&date);
        let other_sheet = seen.is_some_and(|(s, ..)| *s != r.sheet);
        match r.product {
            Some((id, name, id_header, id_text)) => {
                if out.products.get(&date).is_some_and(|d| d.contains_key(&id)) {
                    problem(out, &id_header, id_text, Why::DuplicateProduct);
                } else {
                    out.products.entry(date).or_default().insert(
                        id,
                        ProductDay {
                            name,
                            figures: r.figures,
                        },
                    );
                    first_seen
                        .entry(date)
                        .or_insert((r.sheet.clone(), r.row, vec![]));
                }
            }
            None => match out.days.get_mut(&date) {
                Some(existing) if m.sum_same_day && !other_sheet => existing.add(&r.day),
                Some(_) => {
                    // A custom report grouped by another column repeats its days: say so
                    // instead of listing every day twice.
                    if !other_sheet
                        && let Some((_, first_row, others)) = seen
                        && let Some((column, _)) = others
                            .iter()
                            .zip(&r.others)
                            .find(|((h1, v1), (h2, v2))| {
                                h1 == h2
                                    && v1 != v2
                                    && !v2.is_empty()
                                    && !is_numeric(v1)
                                    && !is_numeric(v2)
                            })
                            .map(|(a, _)| a)
                    {
                        return Err(ImportError::Grouped {
                            column: column.clone(),
                            rows: (*first_row, r.row),
                        });
                    }
                    problem(out, &r.date_header, r.date_cell.text(), Why::DuplicateDay);
                }
                None => {
                    out.days.insert(date, r.day);
                    first_seen.insert(date, (r.sheet.clone(), r.row, r.others));
                }
            },
        }
    }
    Ok(())
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
