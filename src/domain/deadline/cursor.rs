//! The parsing cursor: literal words, numbers (digits, Chinese numerals, English number
//! words), weekdays and months, over text already passed through `normalize`.

use chrono::Weekday;

use super::words::{MONTHS_EN, NUMBERS_EN, TENS_EN, WEEKDAYS_EN};

/// A tiny parsing cursor over normalized text, shared with the schedule
/// parser so both understand weekdays and numbers the same way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    /// Starts at the beginning of `s` (already normalized).
    pub(crate) fn new(s: &'a str) -> Self {
        Self { rest: s }
    }

    /// The unconsumed text.
    pub(crate) fn rest(&self) -> &'a str {
        self.rest
    }

    /// Whether everything was consumed.
    pub(crate) fn at_end(&self) -> bool {
        self.rest.is_empty()
    }

    /// Skips whitespace.
    pub(crate) fn skip_ws(&mut self) {
        self.rest = self.rest.trim_start();
    }

    /// Consumes `lit` if the text starts with it.
    pub(crate) fn eat(&mut self, lit: &str) -> bool {
        match self.rest.strip_prefix(lit) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// Consumes `word` if it is not followed by another ASCII letter.
    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        match self.rest.strip_prefix(word) {
            Some(r) if !r.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                self.rest = r;
                true
            }
            _ => false,
        }
    }

    /// Consumes the first of `lits` the text starts with.
    pub(crate) fn eat_any(&mut self, lits: &[&str]) -> bool {
        lits.iter().any(|lit| self.eat(lit))
    }

    /// Consumes the first of `words` the text starts with as a whole word.
    pub(crate) fn eat_any_word(&mut self, words: &[&str]) -> bool {
        words.iter().any(|word| self.eat_word(word))
    }

    /// The value of the first entry of `table` the text starts with.
    pub(crate) fn eat_table<T: Copy>(&mut self, table: &[(&str, T)]) -> Option<T> {
        table.iter().find(|(lit, _)| self.eat(lit)).map(|(_, v)| *v)
    }

    /// The value of the first entry of `table` the text starts with as whole words.
    pub(crate) fn eat_word_table<T: Copy>(&mut self, table: &[(&str, T)]) -> Option<T> {
        table
            .iter()
            .find(|(w, _)| self.eat_word(w))
            .map(|(_, v)| *v)
    }

    /// Whether the next character ends a number or word (end, space or punctuation).
    pub(crate) fn at_boundary(&self) -> bool {
        self.rest
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ',' | ')' | '('))
    }

    /// ASCII digits: (saturated value, number of digits).
    pub(crate) fn digits(&mut self) -> Option<(u32, usize)> {
        let n = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let (d, r) = self.rest.split_at(n);
        let v = d.bytes().fold(0u32, |acc, b| {
            acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))
        });
        self.rest = r;
        Some((v, n))
    }

    pub(crate) fn cn_digit(&mut self) -> Option<u32> {
        let c = self.rest.chars().next()?;
        let v = match c {
            '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        };
        self.rest = &self.rest[c.len_utf8()..];
        Some(v)
    }

    /// Chinese numerals 0–99 (`五`, `十五`, `二十`, `两`, `零五`, `廿六`).
    pub(crate) fn cn_number(&mut self) -> Option<u32> {
        let save = *self;
        for (lit, tens) in [("廿", 20), ("卅", 30)] {
            if self.eat(lit) {
                return Some(tens + self.cn_digit().unwrap_or(0));
            }
        }
        let lead_zero = self.eat("零");
        let first = self.cn_digit();
        if self.eat("十") {
            let tens = first.unwrap_or(1);
            let units = self.cn_digit().unwrap_or(0);
            return Some(tens * 10 + units);
        }
        match (first, lead_zero) {
            (Some(d), _) => Some(d),
            (None, true) => Some(0),
            (None, false) => {
                *self = save;
                None
            }
        }
    }

    /// A year written digit by digit in Chinese numerals (`二零二六`).
    pub(crate) fn cn_year(&mut self) -> Option<u32> {
        let save = *self;
        let mut year = 0;
        for _ in 0..4 {
            match self.cn_digit() {
                Some(d) => year = year * 10 + d,
                None => {
                    *self = save;
                    return None;
                }
            }
        }
        Some(year)
    }

    /// English number words 0–99 (`five`, `twelve`, `twenty-four`, `twenty four`).
    pub(crate) fn en_number(&mut self) -> Option<u32> {
        if let Some(tens) = self.eat_word_table(TENS_EN) {
            let save = *self;
            if self.eat("-") || self.eat(" ") {
                if let Some(units) = self.eat_word_table(&NUMBERS_EN[1..10]) {
                    return Some(tens + units);
                }
                *self = save;
            }
            return Some(tens);
        }
        self.eat_word_table(NUMBERS_EN)
    }

    /// A number written with ASCII digits or Chinese numerals.
    pub(crate) fn number(&mut self) -> Option<u32> {
        self.digits().map(|(v, _)| v).or_else(|| self.cn_number())
    }

    /// An English weekday name (`fri`, `friday`, `fri.`).
    pub(crate) fn weekday_en(&mut self) -> Option<Weekday> {
        let day = self.eat_word_table(WEEKDAYS_EN)?;
        self.eat(".");
        Some(day)
    }

    /// A Chinese weekday character after `周`: `一`…`六`, `日`/`天`/`七`.
    pub(crate) fn cn_weekday_char(&mut self) -> Option<Weekday> {
        self.eat_table(&[
            ("一", Weekday::Mon),
            ("二", Weekday::Tue),
            ("三", Weekday::Wed),
            ("四", Weekday::Thu),
            ("五", Weekday::Fri),
            ("六", Weekday::Sat),
            ("日", Weekday::Sun),
            ("天", Weekday::Sun),
            ("七", Weekday::Sun),
        ])
    }

    /// A Chinese weekday: `周五`, `星期五`, `礼拜五`, `周5`.
    pub(crate) fn weekday_cn(&mut self) -> Option<Weekday> {
        let save = *self;
        if self
            .eat_table(&[("星期", ()), ("礼拜", ()), ("周", ())])
            .is_some()
        {
            if let Some(w) = self.cn_weekday_char() {
                return Some(w);
            }
            let digit = self.eat_table(&[
                ("1", Weekday::Mon),
                ("2", Weekday::Tue),
                ("3", Weekday::Wed),
                ("4", Weekday::Thu),
                ("5", Weekday::Fri),
                ("6", Weekday::Sat),
                ("7", Weekday::Sun),
            ]);
            if digit.is_some() && !self.rest.starts_with(|c: char| c.is_ascii_digit()) {
                return digit;
            }
        }
        *self = save;
        None
    }

    /// An English month name or abbreviation (`dec`, `dec.`, `december`).
    pub(crate) fn month_en(&mut self) -> Option<u32> {
        let month = self.eat_word_table(MONTHS_EN)?;
        self.eat(".");
        Some(month)
    }
}
