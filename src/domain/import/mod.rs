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
mod preview;
mod read;
pub mod table;
pub mod value;
pub mod xls_guard;
pub mod xlsx_guard;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::metrics::{self, DayFigures, FIELDS};
use crate::domain::product::{ProductDay, ProductFigures};
pub use mapping::{Kind, Mapping, Mappings, RateKind, Term};
pub use preview::*;
use read::read_sheets;
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
        order: DateOrder,
        /// The currency that decided it (day first outside the US).
        currency: Option<String>,
    },
    /// A rate in the file does not match the one computed from its counts.
    RateMismatch {
        row: usize,
        column: String,
        /// As the file says.
        in_file: String,
        computed: String,
    },
    /// Headers this platform's mapping does not know (not imported).
    UnknownColumns(Vec<String>),
    /// The platform counts its days in this time zone (its dates are kept as they are).
    PlatformDays(String),
    /// A column written below zero holds a value above zero (Shopify's `Returns` +20.00: a
    /// return undone); the day's figure is 0.
    Reversal {
        row: usize,
        column: String,
        /// As written.
        value: String,
    },
    /// Another sheet of the workbook is another platform's export: not imported with this one.
    OtherSheet {
        sheet: String,
        /// The platform it fits.
        platform: String,
    },
    /// A sheet that could not be read (damaged, or larger than an export).
    SheetNotRead(String),
    /// A figure the mapping computes from several columns (Shopify's paid amount from
    /// `Gross sales` and `Discounts`) is not imported: the file lacks some of them.
    NotComputed {
        figure: String,
        /// The columns it is computed from.
        needs: Vec<String>,
    },
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
    /// A column a figure is computed from (`Gross sales` → part of `paid-amount`).
    Part(String),
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
    pub order: DateOrder,
    /// The date that decided it.
    pub by: DateAt,
}

/// A file read against a platform's mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub platform: String,
    pub platform_name: String,
    /// Shop days or product days.
    #[serde(default)]
    pub kind: Kind,
    /// A shop overview or an ad platform's report (which figures it outranks).
    #[serde(default)]
    pub role: crate::domain::source::Role,
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

    /// The source its figures are stored under (`shop:tmall`, `ads:alimama`).
    pub fn source(&self) -> String {
        crate::domain::source::of_import(self.role, &self.platform)
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
        platform: String,
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
