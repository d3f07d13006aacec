//! Exact money: integer cents, never floating point. Parses what people and platform exports
//! write: `12.5`, `¥1,299.00`, `$5`, `₹75,565.26`, `12 元`.

use std::fmt;

/// An amount in cents (of whatever currency the shop uses). Stored as the integer of cents.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Why a money amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a number.
    #[error("not an amount: {0}")]
    NotANumber(String),
    /// Below zero where that makes no sense.
    #[error("negative amount: {0}")]
    Negative(String),
    /// More than two decimals.
    #[error("too many decimals: {0}")]
    TooPrecise(String),
    /// Beyond any real figure.
    #[error("amount too large: {0}")]
    TooLarge(String),
}

impl Money {
    /// Parses an amount that must not be negative.
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        let m = Self::parse_signed(input)?;
        if m.0 < 0 {
            return Err(MoneyError::Negative(input.trim().to_string()));
        }
        Ok(m)
    }

    /// Parses an amount that may be negative (a net figure).
    pub fn parse_signed(input: &str) -> Result<Money, MoneyError> {
        let raw = input.trim();
        let bad = || MoneyError::NotANumber(raw.to_string());
        let mut s: String = raw
            .chars()
            .filter(|c| {
                !matches!(
                    c,
                    ',' | '，' | ' ' | '¥' | '￥' | '$' | '€' | '£' | '₹' | '元' | '\u{a0}'
                )
            })
            .collect();
        for prefix in ["RMB", "CNY", "USD", "US", "EUR", "INR", "rmb", "cny", "usd"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
            }
        }
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, s.strip_prefix('+').unwrap_or(&s).to_string()),
        };
        if digits.is_empty() {
            return Err(bad());
        }
        let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(raw.to_string()));
        }
        if whole.len() > 15 {
            return Err(MoneyError::TooLarge(raw.to_string()));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        let cents = whole * 100 + frac;
        Ok(Money(if negative { -cents } else { cents }))
    }

    /// The amount in units (for ratios and charts only, never for sums).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Money {
    /// `1,299.00`; negative with a leading minus.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_and_exports_write_them() {
        assert_eq!(Money::parse("12.5"), Ok(Money(1250)));
        assert_eq!(Money::parse("¥1,299.00"), Ok(Money(129_900)));
        assert_eq!(Money::parse("₹75,565.26"), Ok(Money(7_556_526)));
        assert_eq!(Money::parse("$5"), Ok(Money(500)));
        assert_eq!(Money::parse("12 元"), Ok(Money(1200)));
        assert_eq!(Money::parse(".5"), Ok(Money(50)));
        assert_eq!(Money::parse_signed("-3.10"), Ok(Money(-310)));
        assert!(matches!(Money::parse("-3"), Err(MoneyError::Negative(_))));
        assert!(matches!(
            Money::parse("abc"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("1.234"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(Money::parse(""), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("."), Err(MoneyError::NotANumber(_))));
        assert_eq!(Money(129_900).to_string(), "1,299.00");
        assert_eq!(Money(-5).to_string(), "-0.05");
    }
}
