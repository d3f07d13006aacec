//! Reading one cell as the platforms write them: thousands separators, `-` for nothing,
//! currency codes and symbols (`AED 4,426.00` with a no-break space, `£12.50`, `¥3,300.00`),
//! percentages as text, dates in four spellings.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::table::Cell;
use crate::domain::money::{Money, MoneyError};
use crate::domain::number::{COUNT_MAX, MONEY_MAX_CENTS, MONEY_MAX_UNITS};

/// How `11/22/26`-style dates are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month/day/year (Amazon, Shopify in the US).
    Mdy,
    /// Day/month/year (Amazon outside the US, most of the world).
    Dmy,
    /// Decided from the whole date column (a day above 12 tells); when nothing tells, assumed
    /// and said: the default.
    #[default]
    Auto,
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mdy" => Ok(DateOrder::Mdy),
            "dmy" => Ok(DateOrder::Dmy),
            "auto" => Ok(DateOrder::Auto),
            other => Err(format!("{other:?}: expected auto, mdy or dmy")),
        }
    }
}

/// Why a cell does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// Not a whole number.
    NotACount,
    /// Not an amount.
    NotAnAmount,
    /// More than two decimals.
    TooPrecise,
    /// Below zero.
    Negative,
    /// Beyond the documented range (counts 10¹², money 10¹³).
    OutOfRange,
    /// A date outside 2000–2100.
    DateRange,
    /// Not a date.
    NotADate,
    /// A data row without a date.
    NoDate,
    /// The same day twice.
    DuplicateDay,
    /// Not a percentage or rate.
    NotARate,
    /// A product row without a product id.
    NoProduct,
    /// The same product twice on one day.
    DuplicateProduct,
    /// A day/month/year date (its first number is above 12) read month first.
    DayFirst,
    /// A month/day/year date (its second number is above 12) read day first.
    MonthFirst,
}

impl Why {
    /// Catalog key part.
    pub fn key(self) -> &'static str {
        match self {
            Why::NotACount => "not-a-count",
            Why::NotAnAmount => "not-an-amount",
            Why::TooPrecise => "too-precise",
            Why::Negative => "negative",
            Why::OutOfRange => "out-of-range",
            Why::DateRange => "date-range",
            Why::NotADate => "not-a-date",
            Why::NoDate => "no-date",
            Why::DuplicateDay => "duplicate-day",
            Why::NotARate => "not-a-rate",
            Why::NoProduct => "no-product",
            Why::DuplicateProduct => "duplicate-product",
            Why::DayFirst => "day-first",
            Why::MonthFirst => "month-first",
        }
    }
}

/// Whether a cell means "no figure": empty, `-`, `--`, `—`, `N/A`.
pub fn is_nothing(c: &Cell) -> bool {
    match c {
        Cell::Empty => true,
        Cell::Text(s) => matches!(
            s.trim(),
            "" | "-" | "--" | "—" | "–" | "N/A" | "n/a" | "NA" | "/"
        ),
        _ => false,
    }
}

/// A count (whole number, may be negative: the caller decides).
pub fn count(c: &Cell) -> Result<Option<i64>, Why> {
    if is_nothing(c) {
        return Ok(None);
    }
    match c {
        Cell::Number(n) if n.is_finite() && n.fract() == 0.0 => {
            if n.abs() > COUNT_MAX as f64 {
                return Err(Why::OutOfRange);
            }
            Ok(Some(*n as i64))
        }
        Cell::Text(s) => {
            let clean: String = s
                .trim()
                .chars()
                .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{a0}'))
                .collect();
            let clean = clean.strip_suffix(".00").unwrap_or(&clean);
            let clean = clean.strip_suffix(".0").unwrap_or(clean);
            let digits = clean.strip_prefix('-').unwrap_or(clean);
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(Why::NotACount);
            }
            let significant = digits.trim_start_matches('0');
            if significant.len() > 13 {
                return Err(Why::OutOfRange);
            }
            let n: i64 = clean.parse().map_err(|_| Why::NotACount)?;
            if n.abs() > COUNT_MAX {
                return Err(Why::OutOfRange);
            }
            Ok(Some(n))
        }
        _ => Err(Why::NotACount),
    }
}

/// An amount in cents (may be negative: the caller decides), whatever currency it is in.
pub fn money(c: &Cell) -> Result<Option<i64>, Why> {
    Ok(money_in(c)?.map(|(cents, _)| cents))
}

/// The currency marks the platforms write beside an amount, longest first, and the currency
/// each stands for: an ISO code, or `$` and `¥` for the currencies they can mean.
const MARKS: &[(&str, &str)] = &[
    ("US $", "USD"),
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("AU$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("NT$", "TWD"),
    ("MX$", "MXN"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("S$", "SGD"),
    ("R$", "BRL"),
    ("RMB", "CNY"),
    ("$", "$"),
    ("£", "GBP"),
    ("€", "EUR"),
    ("₹", "INR"),
    ("¥", "¥"),
    ("￥", "¥"),
    ("元", "CNY"),
];

/// What `$` and `¥` can stand for.
const SYMBOL_CURRENCIES: &[(&str, &[&str])] = &[
    (
        "$",
        &["USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD", "MXN"],
    ),
    ("¥", &["CNY", "JPY"]),
];

/// Whether amounts written with `mark` (an ISO code, or `$`, `¥`) can be in `currency`.
pub fn currency_fits(mark: &str, currency: &str) -> bool {
    let currency = currency.trim().to_ascii_uppercase();
    match SYMBOL_CURRENCIES.iter().find(|(s, _)| *s == mark) {
        Some((_, list)) => list.contains(&currency.as_str()),
        None => mark.eq_ignore_ascii_case(&currency),
    }
}

/// Whether two marks can be one currency (`$` and `USD`; not `AED` and `USD`).
pub fn marks_agree(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let codes = |m: &str| -> Vec<String> {
        match SYMBOL_CURRENCIES.iter().find(|(s, _)| *s == m) {
            Some((_, list)) => list.iter().map(|c| c.to_string()).collect(),
            None => vec![m.to_string()],
        }
    };
    codes(a).iter().any(|c| codes(b).contains(c))
}

/// Splits a currency mark off an amount written as text: `AED 4,426.00`, `4,426.00 AED`,
/// `-£12.50`, `US$ 9.99`, `¥3,300.00`, `1,200元` → (the amount, the mark's currency).
fn split_currency(text: &str) -> (String, Option<&'static str>) {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    let t = t.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest.trim_start()),
        None => ("", t),
    };
    for (mark, currency) in MARKS {
        if let Some(rest) = body.strip_prefix(mark) {
            return (format!("{sign}{}", rest.trim_start()), Some(currency));
        }
        if let Some(rest) = body.strip_suffix(mark) {
            return (format!("{sign}{}", rest.trim_end()), Some(currency));
        }
    }
    // An ISO code: three letters before or after the number (`AED 4,426.00`, `12.00 EUR`).
    let is_code = |s: &str| s.len() == 3 && s.chars().all(|c| c.is_ascii_alphabetic());
    let code = |s: &str| -> Option<&'static str> {
        let up = s.to_ascii_uppercase();
        ISO_CODES.iter().copied().find(|c| *c == up)
    };
    if body.len() > 3 && body.is_char_boundary(3) {
        let (head, rest) = body.split_at(3);
        if is_code(head)
            && let Some(c) = code(head)
        {
            return (format!("{sign}{}", rest.trim_start()), Some(c));
        }
    }
    if body.len() > 3 && body.is_char_boundary(body.len() - 3) {
        let (rest, tail) = body.split_at(body.len() - 3);
        if is_code(tail)
            && let Some(c) = code(tail)
        {
            return (format!("{sign}{}", rest.trim_end()), Some(c));
        }
    }
    (t.to_string(), None)
}

/// ISO 4217 codes of the currencies online marketplaces sell in.
const ISO_CODES: &[&str] = &[
    "AED", "ARS", "AUD", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR",
    "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "JPY", "KRW", "KWD", "MXN", "MYR", "NGN", "NOK",
    "NZD", "PEN", "PHP", "PKR", "PLN", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY",
    "TWD", "UAH", "USD", "VND", "ZAR",
];

/// Currencies of the markets that write dates day first (Amazon.co.uk, .ae, .in, .de, .com.au
/// …): when a file's dates could be read either way, amounts in one of these tell the order.
const DAY_FIRST_CURRENCIES: &[&str] = &[
    "AED", "AUD", "BRL", "EGP", "EUR", "GBP", "INR", "MXN", "NZD", "PLN", "SAR", "SEK", "SGD",
    "TRY", "ZAR",
];

/// Whether amounts in this currency come from a market that writes its dates day first.
pub fn day_first_currency(mark: &str) -> bool {
    DAY_FIRST_CURRENCIES.contains(&mark)
}

/// An amount in cents and the currency it is written in, when it says (`AED 4,426.00` →
/// 442600, AED); may be negative: the caller decides.
pub fn money_in(c: &Cell) -> Result<Option<(i64, Option<&'static str>)>, Why> {
    if is_nothing(c) {
        return Ok(None);
    }
    match c {
        Cell::Number(n) if n.is_finite() && n.abs() > MONEY_MAX_UNITS as f64 => {
            Err(Why::OutOfRange)
        }
        Cell::Number(n) if n.is_finite() => {
            let cents = (n * 100.0).round();
            if (n * 100.0 - cents).abs() > 1e-6 {
                return Err(Why::TooPrecise);
            }
            Ok(Some((cents as i64, None)))
        }
        Cell::Text(s) => {
            let (amount, currency) = split_currency(s);
            match Money::parse_signed(&amount) {
                Ok(m) if m.0.unsigned_abs() > MONEY_MAX_CENTS as u64 => Err(Why::OutOfRange),
                Ok(m) => Ok(Some((m.0, currency))),
                Err(MoneyError::TooPrecise(_)) => Err(Why::TooPrecise),
                Err(MoneyError::TooLarge(_)) => Err(Why::OutOfRange),
                Err(_) => Err(Why::NotAnAmount),
            }
        }
        _ => Err(Why::NotAnAmount),
    }
}

/// A rate as a fraction: `2.51%` → 0.0251; a plain number is taken as it is (spreadsheets
/// store percentages as fractions).
pub fn rate(c: &Cell) -> Result<Option<f64>, Why> {
    if is_nothing(c) {
        return Ok(None);
    }
    match c {
        Cell::Number(n) if n.is_finite() => Ok(Some(*n)),
        Cell::Text(s) => {
            let t: String = s
                .trim()
                .chars()
                .filter(|c| !matches!(c, ',' | ' '))
                .collect();
            let (t, scale) = match t.strip_suffix('%') {
                Some(p) => (p.to_string(), 100.0),
                None => (t, 1.0),
            };
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| Some(v / scale))
                .ok_or(Why::NotARate)
        }
        _ => Err(Why::NotARate),
    }
}

/// A money-like rate (客单价, UV价值) in cents, fractional.
pub fn money_rate(c: &Cell) -> Result<Option<f64>, Why> {
    if is_nothing(c) {
        return Ok(None);
    }
    match c {
        Cell::Number(n) if n.is_finite() => Ok(Some(n * 100.0)),
        Cell::Text(s) => {
            let clean: String = s
                .chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
                .collect();
            clean
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| Some(v * 100.0))
                .ok_or(Why::NotARate)
        }
        _ => Err(Why::NotARate),
    }
}

/// The first two numbers of a text date written `a/b/y` (`01/10/2022` → (1, 10)): which one is
/// the day is for the whole column to tell.
pub fn slash_parts(c: &Cell) -> Option<(u32, u32)> {
    let Cell::Text(s) = c else { return None };
    let t = s.split_whitespace().next().unwrap_or("");
    let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
    if parts.len() != 3 || parts[0].len() > 2 || parts[1].len() > 2 || parts[0].is_empty() {
        return None;
    }
    if !matches!(parts[2].len(), 2 | 4) {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    Some((n(parts[0])?, n(parts[1])?))
}

/// A date: `2026-11-22`, `2026/11/22`, `20261122`, `2026年11月22日`, `11/22/26` (month first
/// unless `order` says day first), with or without a time after it.
pub fn date(c: &Cell, order: DateOrder) -> Result<NaiveDate, Why> {
    let d = date_any(c, order)?;
    if (2000..=2100).contains(&d.year()) {
        Ok(d)
    } else {
        Err(Why::DateRange)
    }
}

fn date_any(c: &Cell, order: DateOrder) -> Result<NaiveDate, Why> {
    match c {
        Cell::Date(d) => Ok(*d),
        Cell::Number(n) if n.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(n) => {
            ymd_compact(&format!("{}", *n as i64))
        }
        Cell::Text(s) => {
            let t = s.split_whitespace().next().unwrap_or("");
            let t = t.split('T').next().unwrap_or(t);
            if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
                return ymd_compact(t);
            }
            let norm = t.replace(['年', '月', '.'], "-").replace('日', "");
            let parts: Vec<&str> = norm.split(['-', '/']).collect();
            if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
                return Err(Why::NotADate);
            }
            let nums: Vec<u32> = parts
                .iter()
                .map(|p| p.parse::<u32>())
                .collect::<Result<_, _>>()
                .map_err(|_| Why::NotADate)?;
            let (y, m, d) = if parts[0].len() == 4 {
                (nums[0] as i32, nums[1], nums[2])
            } else {
                let y = if parts[2].len() == 2 {
                    2000 + nums[2] as i32
                } else if parts[2].len() == 4 {
                    nums[2] as i32
                } else {
                    return Err(Why::NotADate);
                };
                match order {
                    DateOrder::Mdy | DateOrder::Auto => (y, nums[0], nums[1]),
                    DateOrder::Dmy => (y, nums[1], nums[0]),
                }
            };
            NaiveDate::from_ymd_opt(y, m, d).ok_or(Why::NotADate)
        }
        _ => Err(Why::NotADate),
    }
}

fn ymd_compact(t: &str) -> Result<NaiveDate, Why> {
    let n = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u32>().ok());
    match (n(0..4), n(4..6), n(6..8)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(Why::NotADate),
        _ => Err(Why::NotADate),
    }
}
