//! Durations as written (`2h30m`, `1d, 2hr, and 5min`, `一个半小时`, `两个礼拜`, `1个月`), and
//! the words that make one a deadline (`in`, `within`, `later`, `后`).

use super::cursor::Cursor;
use super::words::{UNITS_CN, UNITS_CN_COUNTED, UNITS_EN, Unit};

/// An amount of time: calendar months (counted on the wall clock) and exact seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Length {
    pub(super) months: u32,
    pub(super) secs: i64,
}

/// An amount in thousandths, whether it was a plain integer, and whether `个` followed.
fn amount(c: &mut Cursor) -> Option<(i64, bool, bool)> {
    if c.eat_word("a couple of") || c.eat_word("couple of") || c.eat_word("a couple") {
        return Some((2000, false, false));
    }
    if c.eat_word("an") || c.eat_word("a") {
        return Some((1000, false, false));
    }
    if c.eat_word("half") {
        c.skip_ws();
        let _ = c.eat_word("an") || c.eat_word("a");
        return Some((500, false, false));
    }
    if c.eat("半") {
        let counted = c.eat("个");
        return Some((500, false, counted));
    }
    let (mut milli, mut integer) = if let Some((int, _)) = c.digits() {
        let mut milli = i64::from(int) * 1000;
        let mut integer = true;
        let before_dot = *c;
        if c.eat(".") {
            match c.digits() {
                Some((frac, n)) if n <= 3 => {
                    milli += i64::from(frac) * 10i64.pow(3 - n as u32);
                    integer = false;
                }
                _ => *c = before_dot,
            }
        }
        (milli, integer)
    } else if let Some(n) = c.cn_number().or_else(|| c.en_number()) {
        (i64::from(n) * 1000, false)
    } else {
        return None;
    };
    let counted = c.eat("个");
    if c.eat("半") {
        milli += 500;
        integer = false;
    }
    Some((milli, integer, counted))
}

fn unit(c: &mut Cursor, counted: bool) -> Option<Unit> {
    c.eat_word_table(UNITS_EN)
        .or_else(|| c.eat_table(UNITS_CN))
        .or_else(|| {
            if counted {
                c.eat_table(UNITS_CN_COUNTED)
            } else {
                None
            }
        })
}

/// One or more `<amount><unit>` parts (`2h30m`, `1天2小时`, `1d, 2hr, and 5min`,
/// `an hour and a half`, `1个月`).
pub(super) fn duration(c: &mut Cursor) -> Option<Length> {
    let mut total = Length::default();
    let mut parts = 0;
    let mut last_unit = None;
    loop {
        let save = *c;
        if parts > 0 {
            c.skip_ws();
            let comma = c.eat(",");
            c.skip_ws();
            if c.eat_word("and") || comma {
                c.skip_ws();
            }
        }
        let Some((milli, integer, counted)) = amount(c) else {
            *c = save;
            break;
        };
        c.skip_ws();
        let unit = match unit(c, counted) {
            Some(u) => u,
            // `2h30` = 2 h 30 min
            None if last_unit == Some(Unit::Secs(3600)) && integer => Unit::Secs(60),
            None => {
                *c = save;
                break;
            }
        };
        // `an hour and a half`
        let k = *c;
        c.skip_ws();
        let milli = if c.eat_word("and a half") {
            milli + 500
        } else {
            *c = k;
            milli
        };
        match unit {
            Unit::Secs(s) => {
                total.secs = total.secs.saturating_add(milli.saturating_mul(s) / 1000);
            }
            Unit::Months(m) => {
                // Whole months on the calendar; half a month is 15 days.
                let months = i64::from(m) * milli;
                let whole = u32::try_from(months / 1000).ok()?;
                match months % 1000 {
                    0 => {}
                    500 => total.secs = total.secs.saturating_add(15 * 86_400),
                    _ => return None,
                }
                total.months = total.months.checked_add(whole)?;
            }
        }
        parts += 1;
        last_unit = Some(unit);
    }
    (parts > 0).then_some(total)
}

/// The whole of `s` as a duration.
pub(super) fn full_duration(s: &str) -> Option<Length> {
    let mut c = Cursor::new(s);
    let d = duration(&mut c)?;
    c.skip_ws();
    c.at_end().then_some(d)
}

/// `in 3h`, `within 2 days`, `+2d`, `3天后`, `2 hours later`, `5 days from now`.
pub(super) fn marked_duration(s: &str) -> Option<Length> {
    let mut c = Cursor::new(s);
    let lead = c.eat_word("within") || c.eat_word("in") || c.eat_word("after") || c.eat("+");
    if lead {
        c.skip_ws();
        let _ = c.eat_word("the next");
        c.skip_ws();
        let _ = c.eat_word("about") || c.eat_word("around") || c.eat("~");
        c.skip_ws();
        c.eat("~");
        return full_duration(c.rest());
    }
    let d = duration(&mut c)?;
    c.skip_ws();
    let marked =
        c.eat_any(&["以后", "之后", "过后", "后"]) || c.eat_any_word(&["later", "from now"]);
    c.skip_ws();
    (marked && c.at_end()).then_some(d)
}
