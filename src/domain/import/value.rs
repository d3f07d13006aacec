//! Reading one cell as the platforms write them: thousands separators, `-` for nothing,
//! currency symbols, percentages as text, dates in four spellings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::table::Cell;
use crate::domain::money::{Money, MoneyError};

/// How `11/22/26`-style dates are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month/day/year (Amazon, Shopify in the US): the default.
    #[default]
    Mdy,
    /// Day/month/year.
    Dmy,
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mdy" => Ok(DateOrder::Mdy),
            "dmy" => Ok(DateOrder::Dmy),
            other => Err(format!("{other:?}: expected mdy or dmy")),
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
}

impl Why {
    /// Catalog key part.
    pub fn key(self) -> &'static str {
        match self {
            Why::NotACount => "not-a-count",
            Why::NotAnAmount => "not-an-amount",
            Why::TooPrecise => "too-precise",
            Why::Negative => "negative",
            Why::NotADate => "not-a-date",
            Why::NoDate => "no-date",
            Why::DuplicateDay => "duplicate-day",
            Why::NotARate => "not-a-rate",
            Why::NoProduct => "no-product",
            Why::DuplicateProduct => "duplicate-product",
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
        Cell::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => {
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
            if digits.is_empty() || digits.len() > 15 || !digits.chars().all(|c| c.is_ascii_digit())
            {
                return Err(Why::NotACount);
            }
            clean.parse().map(Some).map_err(|_| Why::NotACount)
        }
        _ => Err(Why::NotACount),
    }
}

/// An amount in cents (may be negative: the caller decides).
pub fn money(c: &Cell) -> Result<Option<i64>, Why> {
    if is_nothing(c) {
        return Ok(None);
    }
    match c {
        Cell::Number(n) if n.is_finite() && n.abs() < 1e13 => {
            let cents = (n * 100.0).round();
            if (n * 100.0 - cents).abs() > 1e-6 {
                return Err(Why::TooPrecise);
            }
            Ok(Some(cents as i64))
        }
        Cell::Text(s) => match Money::parse_signed(s) {
            Ok(m) => Ok(Some(m.0)),
            Err(MoneyError::TooPrecise(_)) => Err(Why::TooPrecise),
            Err(_) => Err(Why::NotAnAmount),
        },
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

/// Whether a text date is written `a/b/y` with the order in doubt.
pub fn is_ambiguous(c: &Cell) -> bool {
    match c {
        Cell::Text(s) => {
            let parts: Vec<&str> = s
                .split_whitespace()
                .next()
                .unwrap_or("")
                .split('/')
                .collect();
            parts.len() == 3 && parts[0].len() <= 2
        }
        _ => false,
    }
}

/// A date: `2026-11-22`, `2026/11/22`, `20261122`, `2026年11月22日`, `11/22/26` (month first
/// unless `order` says day first), with or without a time after it.
pub fn date(c: &Cell, order: DateOrder) -> Result<NaiveDate, Why> {
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
                    DateOrder::Mdy => (y, nums[0], nums[1]),
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
