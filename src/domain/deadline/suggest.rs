//! The nearest form that works, for a deadline the parser cannot read ("did you mean
//! `in 1d 2h 5m`?"), in the language it was typed in.
//!
//! Why: a refusal that only lists examples leaves a busy person to find their own mistake.
//! First the recognised parts are fixed (a typo in a word, `ago` for `later`, a bare hour, a
//! vague amount, a range whose end is the deadline); failing that, the closest of a list of
//! canonical forms by edit distance, if any is reasonably close. Every candidate is parsed
//! against the same `now` before it is offered, so a suggestion is never itself refused.

use super::resolve::{Env, Refusal};
use super::words::{CN_PARTS, english_vocabulary};
use super::{normalize, resolve_text};

/// The nearest working form of `norm` (normalized input), or `None` when nothing is close.
pub(super) fn nearest(norm: &str, env: &Env) -> Option<String> {
    let works = |candidate: &str| resolve_text(&normalize(candidate), env).is_ok();
    // A fix that reads as a time already past leads to that refusal's own suggestion.
    let fixed = |candidate: String| match resolve_text(&normalize(&candidate), env) {
        Ok(_) => Some(candidate),
        Err(Refusal::Past { suggestion, .. }) if works(&suggestion) => Some(suggestion),
        Err(_) => None,
    };
    if let Some(fixed) = fixes(norm, env)
        .into_iter()
        .filter(|c| c != norm)
        .find_map(fixed)
    {
        return Some(fixed);
    }
    let number = first_number(norm);
    let len = norm.chars().count();
    templates(env.zh)
        .iter()
        .map(|t| t.replace("{n}", &number))
        .filter(|c| works(c))
        .map(|c| (distance(norm, &c), c))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, c)| *d * 2 <= len.max(c.chars().count()))
        .map(|(_, c)| c)
}

fn first_number(s: &str) -> String {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        "3".into()
    } else {
        digits
    }
}

/// Canonical forms, `{n}` standing for the first number typed.
fn templates(zh: bool) -> &'static [&'static str] {
    if zh {
        &[
            "{n}天内",
            "{n}天后",
            "{n}小时内",
            "{n}小时后",
            "{n}点",
            "今天下班前",
            "明天下班前",
            "明天 18:00",
            "明早",
            "今晚",
            "下午",
            "周五下午5点",
            "下周一 9点",
            "下周",
            "月底",
            "下月底",
        ]
    } else {
        &[
            "in {n}h",
            "in {n} days",
            "within {n} days",
            "in {n} weeks",
            "{n}:00",
            "today 18:00",
            "tomorrow 9am",
            "tomorrow 18:00",
            "tomorrow morning",
            "tonight",
            "eod",
            "fri 17:00",
            "next mon 9:00",
            "end of week",
            "next week",
            "end of month",
            "next month",
        ]
    }
}

/// Rewrites of the input that keep what was understood and fix one kind of mistake.
fn fixes(norm: &str, env: &Env) -> Vec<String> {
    let mut out = Vec::new();
    // A range (`today - next friday`, `下午5点到7点`): its end is the deadline, in the
    // start's part of the day unless it names its own.
    for sep in [" - ", " to ", " until ", "~", "到", "至", "-"] {
        if let Some((start, end)) = norm.rsplit_once(sep) {
            let (start, end) = (start.trim(), end.trim());
            if let Some((part, _)) = CN_PARTS.iter().find(|(p, _)| start.starts_with(p))
                && !CN_PARTS.iter().any(|(p, _)| end.starts_with(p))
            {
                out.push(format!("{part}{end}"));
            }
            out.push(end.to_string());
            break;
        }
    }
    // Vague amounts: a few days, 几个月 → 3.
    for vague in ["a few ", "several ", "few ", "some "] {
        if norm.contains(vague) {
            out.push(norm.replacen(vague, "3 ", 1));
        }
    }
    if norm.contains('几') {
        out.push(norm.replacen('几', "3", 1));
    }
    // The weekend: before it.
    for (from, to) in [
        ("next weekend", "end of next week"),
        ("this weekend", "end of week"),
        ("the weekend", "end of week"),
        ("weekend", "end of week"),
        ("下周末", "下周五下班前"),
        ("这周末", "周五下班前"),
        ("本周末", "周五下班前"),
        ("周末", "周五下班前"),
    ] {
        if norm.contains(from) {
            out.push(norm.replacen(from, to, 1));
            break;
        }
    }
    // A month alone: its end.
    if norm
        .trim_start_matches("by ")
        .trim_start_matches("in ")
        .chars()
        .all(|c| c.is_ascii_alphabetic())
    {
        out.push(format!(
            "end of {}",
            norm.trim_start_matches("by ").trim_start_matches("in ")
        ));
    }
    if let Some(m) = norm.strip_suffix('月') {
        out.push(format!("{m}月底"));
    }
    // The past for the future.
    for (from, to) in [
        (" ago", " later"),
        ("last ", "next "),
        ("yesterday", "tomorrow"),
        ("昨天", "明天"),
        ("昨日", "明日"),
        ("昨晚", "明晚"),
        ("前天", "后天"),
        ("上个", "下个"),
        ("上周", "下周"),
        ("上星期", "下星期"),
        ("之前", "之后"),
        ("以前", "以后"),
        ("前", "后"),
    ] {
        if norm.contains(from) {
            out.push(norm.replace(from, to));
        }
    }
    // No hour for the small hours: the morning.
    if norm.contains("凌晨") {
        out.push(norm.replacen("凌晨", "早上", 1));
    }
    // `9.30am`, `at 12.30`: a time with a dot.
    out.extend(dotted_to_colon(norm));
    // A bare hour (`fri 5`): the one inside working hours, else the 24-hour reading.
    out.extend(bare_hours(norm, env));
    // Typos in English words, then unknown words dropped.
    let (fixed, dropped) = words(norm);
    out.extend(fixed);
    out.extend(dropped);
    out
}

fn dotted_to_colon(norm: &str) -> Option<String> {
    let bytes = norm.as_bytes();
    let dot = (1..bytes.len().saturating_sub(2)).find(|&i| {
        bytes[i] == b'.'
            && bytes[i - 1].is_ascii_digit()
            && bytes[i + 1].is_ascii_digit()
            && bytes[i + 2].is_ascii_digit()
    })?;
    let mut s = norm.to_string();
    s.replace_range(dot..=dot, ":");
    Some(s)
}

fn bare_hours(norm: &str, env: &Env) -> Vec<String> {
    let tokens: Vec<&str> = norm.split(' ').collect();
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Ok(h) = t.parse::<u32>() else { continue };
        if t.len() > 2 || h > 23 {
            continue;
        }
        let (start, end) = (env.hours.start, env.hours.end);
        let within = |h: u32| {
            chrono::NaiveTime::from_hms_opt(h, 0, 0).is_some_and(|t| t >= start && t <= end)
        };
        let mut readings = vec![h];
        if h < 12 {
            readings.insert(usize::from(!within(h + 12)), h + 12);
        }
        for r in readings {
            let mut fixed = tokens.clone();
            let text = format!("{r:02}:00");
            fixed[i] = &text;
            out.push(fixed.join(" "));
        }
    }
    out
}

/// (every unknown English word replaced by the nearest known one, unknown words dropped).
fn words(norm: &str) -> (Option<String>, Option<String>) {
    let vocabulary = english_vocabulary();
    let mut fixed = String::new();
    let mut dropped = String::new();
    let mut changed = false;
    let mut word = String::new();
    let mut flush = |word: &mut String, fixed: &mut String, dropped: &mut String| {
        if word.is_empty() {
            return;
        }
        if vocabulary.contains(&word.as_str()) {
            fixed.push_str(word);
            dropped.push_str(word);
        } else {
            let limit = if word.len() >= 5 { 2 } else { 1 };
            // Nearest first, then the closest in length (`dayz` → `days`, not `day`).
            let best = vocabulary
                .iter()
                .filter(|v| v.len() > 1)
                .map(|v| (distance(word, v), word.len().abs_diff(v.len()), *v))
                .min_by_key(|(d, len, _)| (*d, *len))
                .filter(|(d, _, _)| *d <= limit)
                .map(|(d, _, v)| (d, v));
            fixed.push_str(best.map(|(_, v)| v).unwrap_or(word));
            changed = true;
        }
        word.clear();
    };
    for c in norm.chars() {
        if c.is_ascii_alphabetic() || c == '\'' {
            word.push(c);
        } else {
            flush(&mut word, &mut fixed, &mut dropped);
            fixed.push(c);
            dropped.push(c);
        }
    }
    flush(&mut word, &mut fixed, &mut dropped);
    if !changed {
        return (None, None);
    }
    let dropped = dropped.split_whitespace().collect::<Vec<_>>().join(" ");
    (Some(fixed), (!dropped.is_empty()).then_some(dropped))
}

/// Edit distance (insertions, deletions, substitutions and swaps of neighbours) in characters.
pub(super) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}
