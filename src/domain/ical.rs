//! iCalendar files (RFC 5545) a member imports into their calendar: events with stable UIDs
//! (importing again updates them instead of doubling them), instants in UTC (RFC 5545 §3.3.5
//! form 2, valid without a VTIMEZONE; `X-WR-TIMEZONE` names the team's zone for Google, Apple
//! and Outlook), text escaped (§3.3.11) and lines folded at 75 octets (§3.1), never inside a
//! UTF-8 character, with CRLF line ends.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across exports of the same thing (`task-42@storeops`).
    pub uid: String,
    pub start: DateTime<Utc>,
    /// End (after the start).
    pub end: DateTime<Utc>,
    /// Title.
    pub summary: String,
    /// Longer text, if any.
    pub description: Option<String>,
    /// A repeat: the event then starts at `start` and recurs by its rule.
    pub recur: Option<Recur>,
}

/// A recurring event's rule, in the team's zone (RFC 5545 §3.8.5): `DTSTART;TZID=` at the
/// first start's local time, the `RRULE`, its end as `UNTIL` (a UTC instant, as §3.3.10
/// requires with a zoned start) and `EXDATE`s for the starts that do not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recur {
    /// The rule without its end (`FREQ=WEEKLY;BYDAY=MO,TH`).
    pub rule: String,
    /// The zone the start, the rule and the exceptions are read in.
    pub tz: Tz,
    /// The last instant it may start at.
    pub until: Option<DateTime<Utc>>,
    /// Starts left out (skipped days, holidays).
    pub exdates: Vec<DateTime<Utc>>,
}

fn offset_secs(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The zone's UTC offset changes in (from, to]: (instant, offset before, offset after, summer
/// time after), found day by day and then to the second.
pub fn transitions(
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, i32, i32, bool)> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let next = (at + Duration::days(1)).min(to);
        let (a, b) = (offset_secs(tz, at), offset_secs(tz, next));
        if a != b {
            let (mut lo, mut hi) = (at, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_secs(tz, mid) == a {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let dst = !tz
                .offset_from_utc_datetime(&hi.naive_utc())
                .dst_offset()
                .is_zero();
            out.push((hi, a, b, dst));
        }
        at = next;
    }
    out
}

/// Whether a local time of day falls in a gap of the zone (a spring-forward hour) on some day
/// in (from, to]: RFC 5545 drops such starts of a rule, the bot fires them after the gap.
pub fn in_gap(tz: Tz, time: chrono::NaiveTime, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    transitions(tz, from, to)
        .into_iter()
        .any(|(at, before, after, _)| {
            if after <= before {
                return false;
            }
            let start = at.naive_utc() + Duration::seconds(before.into());
            let end = at.naive_utc() + Duration::seconds(after.into());
            [start.date(), end.date()].into_iter().any(|d| {
                let candidate = d.and_time(time);
                start <= candidate && candidate < end
            })
        })
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
}

fn local(tz: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&tz).naive_local()
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The VTIMEZONE of a zone over (from, to] (§3.6.5): the offset in force at `from`, then one
/// observance per change, each starting at its local time before the change.
fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    let mut out = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    let first = offset_secs(tz, from);
    let first_dst = !tz
        .offset_from_utc_datetime(&from.naive_utc())
        .dst_offset()
        .is_zero();
    let kind = |dst: bool| if dst { "DAYLIGHT" } else { "STANDARD" };
    out.push(format!("BEGIN:{}", kind(first_dst)));
    out.push("DTSTART:19700101T000000".into());
    out.push(format!("TZOFFSETFROM:{}", offset_text(first)));
    out.push(format!("TZOFFSETTO:{}", offset_text(first)));
    out.push(format!("END:{}", kind(first_dst)));
    for (at, before, after, dst) in transitions(tz, from, to) {
        let onset = at.naive_utc() + Duration::seconds(before.into());
        out.push(format!("BEGIN:{}", kind(dst)));
        out.push(format!("DTSTART:{}", local_stamp(onset)));
        out.push(format!("TZOFFSETFROM:{}", offset_text(before)));
        out.push(format!("TZOFFSETTO:{}", offset_text(after)));
        out.push(format!("END:{}", kind(dst)));
    }
    out.push("END:VTIMEZONE".into());
    out
}

/// How far a VTIMEZONE reaches for a rule without an end (its changes are listed one by one).
pub const ZONE_YEARS: i64 = 10;

/// A TEXT value escaped (§3.3.11): backslash, semicolon, comma, and line breaks as `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT (§3.3.11).
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line folded (§3.1): at most 75 octets a line, continuation lines start with a
/// space, a UTF-8 character is never split; CRLF after each.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The whole calendar: `name` (shown by calendar apps), the team's time zone, the events;
/// `now` is every event's DTSTAMP.
pub fn calendar(name: &str, tz: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//storeops//storeops//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    line(format!("X-WR-TIMEZONE:{tz}"));
    // One VTIMEZONE per zone a repeat uses, reaching from its first start to its last.
    let mut zones: Vec<(Tz, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for e in events {
        if let Some(r) = &e.recur {
            let to = r
                .until
                .unwrap_or(e.start + Duration::days(366 * ZONE_YEARS));
            match zones.iter_mut().find(|z| z.0 == r.tz) {
                Some(z) => {
                    z.1 = z.1.min(e.start);
                    z.2 = z.2.max(to);
                }
                None => zones.push((r.tz, e.start, to)),
            }
        }
    }
    for (zone, from, to) in zones {
        for l in vtimezone(zone, from - Duration::days(1), to + Duration::days(1)) {
            line(l);
        }
    }
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("DTSTAMP:{}", stamp(now)));
        match &e.recur {
            Some(r) => {
                let name = r.tz.name();
                line(format!(
                    "DTSTART;TZID={name}:{}",
                    local_stamp(local(r.tz, e.start))
                ));
                line(format!("DURATION:PT{}S", (e.end - e.start).num_seconds()));
                match r.until {
                    Some(u) => line(format!("RRULE:{};UNTIL={}", r.rule, stamp(u))),
                    None => line(format!("RRULE:{}", r.rule)),
                }
                for x in &r.exdates {
                    line(format!(
                        "EXDATE;TZID={name}:{}",
                        local_stamp(local(r.tz, *x))
                    ));
                }
            }
            None => {
                line(format!("DTSTART:{}", stamp(e.start)));
                line(format!("DTEND:{}", stamp(e.end)));
            }
        }
        line(format!("SUMMARY:{}", escape(&e.summary)));
        if let Some(d) = &e.description {
            line(format!("DESCRIPTION:{}", escape(d)));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "上新日".repeat(20));
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        let lines: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 1);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "{i}: {} octets", l.len());
            assert_eq!(l.starts_with(' '), i > 0);
        }
        // Unfolding (remove CRLF + one space) gives the line back.
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), long);
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
        assert_eq!(fold(&"a".repeat(75)).len(), 77);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\r\ne\nf\u{7}"), "a\\,b\\;c\\\\d\\ne\\nf");
    }
}
