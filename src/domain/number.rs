//! Numbers as people type them into a command: a count (`4000`, `4,000`, `1.2万`, `１２３`) or
//! an amount of money (`30000`, `¥1,299.50`, `$5`, `12 元`). A number means one thing or is
//! refused: thousands separators only in groups of three (`12,345`, never `1,2,3`), one decimal
//! mark — the point (`1,234.50`; the European `1.234,50` is refused with the form expected),
//! no negative zero, and every value inside its documented range ([`COUNT_MAX`],
//! [`MONEY_MAX_UNITS`]). Full-width digits and marks (`１２３`, `，`, `．`) read as their ASCII
//! forms; `万` (10⁴) and `亿` (10⁸) multiply exactly. Platform exports are read by the importer's
//! own, more lenient cell reader (`domain::import::value`), never by this one.

/// The largest count (visitors, orders, ...): 10¹².
pub const COUNT_MAX: i64 = 1_000_000_000_000;
/// The largest amount of money, in whole units of the shop's currency: 10¹³.
pub const MONEY_MAX_UNITS: i64 = 10_000_000_000_000;
/// The largest amount of money in cents.
pub const MONEY_MAX_CENTS: i64 = MONEY_MAX_UNITS * 100;

/// Why a typed number was refused; each names what to type instead in the catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// No digits at all, or letters among them.
    #[error("not a number")]
    NotANumber,
    /// A thousands separator not between groups of three digits (`1,2,3`, `12,5`).
    #[error("thousands separators only between groups of three digits")]
    Grouping,
    /// Two decimal marks, or a comma used as one (`1.234,50`, `1.2.3`).
    #[error("one decimal point only")]
    DecimalMark,
    /// `-0`, `-0.00`.
    #[error("negative zero")]
    NegativeZero,
    /// Below zero where that makes no sense.
    #[error("negative")]
    Negative,
    /// A count with a fraction, or money with more than two decimals.
    #[error("too many decimals")]
    TooPrecise,
    /// Beyond the documented range.
    #[error("out of range")]
    OutOfRange,
}

/// An exact decimal as typed: sign, digits without the point, digits after the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    /// All digits as one integer (saturating far above any range).
    mantissa: u128,
    /// How many of them are after the point.
    scale: u32,
}

impl Decimal {
    /// The value times 10^`places` when that is a whole number, saturating.
    fn scaled(self, places: u32) -> Result<u128, NumberError> {
        if self.scale <= places {
            Ok(self
                .mantissa
                .saturating_mul(10u128.saturating_pow(places - self.scale)))
        } else {
            let div = 10u128.pow(self.scale - places);
            if !self.mantissa.is_multiple_of(div) {
                return Err(NumberError::TooPrecise);
            }
            Ok(self.mantissa / div)
        }
    }

    /// The value times 10^`places`, from 0 to `max`: a count, or an amount in cents.
    fn within(self, places: u32, max: i64) -> Result<i64, NumberError> {
        if self.negative {
            return Err(NumberError::Negative);
        }
        let n = self.scaled(places)?;
        if n > max as u128 {
            return Err(NumberError::OutOfRange);
        }
        Ok(n as i64)
    }
}

/// The full-width and other look-alike forms people's input methods type, as ASCII.
fn ascii_form(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '，' | '､' => ',',
        '．' | '。' => '.',
        '－' | '−' | '‐' | '‑' => '-',
        '＋' => '+',
        '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{3000}' => ' ',
        _ => c,
    }
}

/// Currency marks taken off the front or the back of an amount (longest first).
const MARKS: &[&str] = &[
    "US$", "RMB", "CNY", "USD", "EUR", "GBP", "HKD", "JPY", "¥", "￥", "$", "€", "£", "元",
];

/// Reads a plain signed decimal (no currency), with `万`/`亿`.
fn decimal(text: &str) -> Result<Decimal, NumberError> {
    let s: String = text.trim().chars().map(ascii_form).collect();
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(s).trim_start()),
    };
    let (s, extra) = if let Some(r) = s.strip_suffix('万') {
        (r.trim_end(), 4)
    } else if let Some(r) = s.strip_suffix('亿') {
        (r.trim_end(), 8)
    } else {
        (s, 0)
    };
    if s.is_empty() {
        return Err(NumberError::NotANumber);
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '))
    {
        return Err(NumberError::NotANumber);
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return Err(NumberError::NotANumber);
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => {
            if f.contains('.') {
                return Err(NumberError::DecimalMark);
            }
            if f.contains(',') {
                // `1.234,50`: a comma after the point.
                return Err(NumberError::DecimalMark);
            }
            if f.contains(' ') {
                return Err(NumberError::NotANumber);
            }
            (w, f)
        }
        None => (s, ""),
    };
    // Thousands separators: one kind (comma or space), groups of three after the first.
    let separator = match (whole.contains(','), whole.contains(' ')) {
        (true, true) => return Err(NumberError::Grouping),
        (true, false) => Some(','),
        (false, true) => Some(' '),
        (false, false) => None,
    };
    let digits: String = match separator {
        None => whole.to_string(),
        Some(sep) => {
            let groups: Vec<&str> = whole.split(sep).collect();
            let first_ok = matches!(groups[0].len(), 1..=3);
            if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
                return Err(NumberError::Grouping);
            }
            groups.concat()
        }
    };
    if digits.is_empty() && frac.is_empty() {
        return Err(NumberError::NotANumber);
    }
    let mut mantissa: u128 = 0;
    for c in digits.chars().chain(frac.chars()) {
        let d = c.to_digit(10).ok_or(NumberError::NotANumber)?;
        mantissa = mantissa.saturating_mul(10).saturating_add(u128::from(d));
    }
    let frac_len = u32::try_from(frac.len()).map_err(|_| NumberError::OutOfRange)?;
    let (mantissa, scale) = if frac_len >= extra {
        (mantissa, frac_len - extra)
    } else {
        (mantissa.saturating_mul(10u128.pow(extra - frac_len)), 0)
    };
    if negative && mantissa == 0 {
        return Err(NumberError::NegativeZero);
    }
    Ok(Decimal {
        negative,
        mantissa,
        scale,
    })
}

/// A count: a whole number from 0 to [`COUNT_MAX`].
pub fn count(text: &str) -> Result<i64, NumberError> {
    decimal(text)?.within(0, COUNT_MAX)
}

/// A whole number in `min..=max` (an id, a page, a number of days).
pub fn whole_in(text: &str, min: i64, max: i64) -> Result<i64, NumberError> {
    let d = decimal(text.trim().trim_start_matches('#'))?;
    let n = d.scaled(0)?;
    let n = i128::try_from(n).unwrap_or(i128::MAX);
    let n = if d.negative { -n } else { n };
    if n < i128::from(min) || n > i128::from(max) {
        return Err(NumberError::OutOfRange);
    }
    Ok(n as i64)
}

/// Takes a currency mark off the front or back: `¥1,299`, `1,299 元`, `US$ 5`, `-¥5`.
fn without_currency(text: &str) -> String {
    let t: String = text.trim().chars().map(ascii_form).collect();
    let mut t = t.trim().to_string();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => ("-", r.trim_start().to_string()),
        None => ("", t.clone()),
    };
    t = rest;
    for m in MARKS {
        if let Some(r) = t.strip_prefix(m) {
            t = r.trim_start().to_string();
            break;
        }
        if let Some(r) = t.strip_suffix(m) {
            t = r.trim_end().to_string();
            break;
        }
    }
    format!("{sign}{t}")
}

/// An amount of money in cents, from 0 to [`MONEY_MAX_UNITS`] units, at most two decimals.
pub fn money_cents(text: &str) -> Result<i64, NumberError> {
    decimal(&without_currency(text))?.within(2, MONEY_MAX_CENTS)
}

/// `1,000,000,000,000`: a bound as the error messages show it.
pub fn grouped(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberError::*;

    #[test]
    fn counts_read_one_way_or_refused() {
        for (input, want) in [
            ("4000", Ok(4000)),
            ("4,000", Ok(4000)),
            ("1,234,567", Ok(1_234_567)),
            ("１２３", Ok(123)),
            ("１，２３４", Ok(1234)),
            ("1万", Ok(10_000)),
            ("1.2万", Ok(12_000)),
            ("1.2345万", Ok(12_345)),
            ("3亿", Ok(300_000_000)),
            (" 12 345 ", Ok(12_345)),
            ("4000.00", Ok(4000)),
            ("+5", Ok(5)),
            ("0", Ok(0)),
            ("1000000000000", Ok(COUNT_MAX)),
            ("1000000000001", Err(OutOfRange)),
            ("9223372036854775807", Err(OutOfRange)),
            ("99999999999999999999999999999999999999999", Err(OutOfRange)),
            ("4,0,0,0", Err(Grouping)),
            ("1,2,3", Err(Grouping)),
            ("12,5", Err(Grouping)),
            ("1234,567", Err(Grouping)),
            (",123", Err(Grouping)),
            ("1, 234", Err(Grouping)),
            ("1.234,50", Err(DecimalMark)),
            ("1.2.3", Err(DecimalMark)),
            ("1.5", Err(TooPrecise)),
            ("1.23456万", Err(TooPrecise)),
            ("-0", Err(NegativeZero)),
            ("-5", Err(Negative)),
            ("", Err(NotANumber)),
            ("万", Err(NotANumber)),
            ("12abc", Err(NotANumber)),
            ("1e5", Err(NotANumber)),
            ("NaN", Err(NotANumber)),
            ("0x10", Err(NotANumber)),
            ("٣", Err(NotANumber)),
        ] {
            assert_eq!(count(input), want, "{input:?}");
        }
    }

    #[test]
    fn money_read_one_way_or_refused() {
        for (input, want) in [
            ("30000", Ok(3_000_000)),
            ("¥1,299.50", Ok(129_950)),
            ("￥1,299", Ok(129_900)),
            ("$5", Ok(500)),
            ("US$ 5.5", Ok(550)),
            ("12 元", Ok(1200)),
            ("1.2万", Ok(1_200_000)),
            ("１２．５", Ok(1250)),
            (".5", Ok(50)),
            ("10000000000000", Ok(MONEY_MAX_CENTS)),
            ("10000000000000.01", Err(OutOfRange)),
            ("12345678901234567890", Err(OutOfRange)),
            ("¥1,2,3", Err(Grouping)),
            ("1.234,50", Err(DecimalMark)),
            ("¥-0", Err(NegativeZero)),
            ("-¥0.00", Err(NegativeZero)),
            ("-3", Err(Negative)),
            ("1.234", Err(TooPrecise)),
            ("abc", Err(NotANumber)),
            ("¥", Err(NotANumber)),
            (".", Err(NotANumber)),
        ] {
            assert_eq!(money_cents(input), want, "{input:?}");
        }
    }

    #[test]
    fn whole_numbers_in_a_range() {
        assert_eq!(whole_in("#42", 1, 100), Ok(42));
        assert_eq!(whole_in("0", 1, 100), Err(OutOfRange));
        assert_eq!(whole_in("-3", 1, 100), Err(OutOfRange));
        assert_eq!(whole_in("9223372036854775807", 1, 100), Err(OutOfRange));
        assert_eq!(grouped(COUNT_MAX), "1,000,000,000,000");
    }
}
