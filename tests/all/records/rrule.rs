//! Activities as recurring events: the .ics is read back by a small RFC 5545 reader written
//! here (unfolding §3.1, VTIMEZONE §3.6.5, RRULE §3.3.10 for the forms the bot writes, EXDATE
//! §3.8.5.1), resolving local times with the file's own VTIMEZONE (a start in a
//! spring-forward gap is dropped, an ambiguous one is the first), and its starts over a year
//! are compared with a plain reference: the schedule's days at its time in the zone (chrono-tz)
//! minus the skipped days and holidays, up to the end.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

use crate::support::TestApp;
use crate::support::shell::{add_activity, boss, run};

fn offset(s: &str) -> i64 {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let h: i64 = s[1..3].parse().unwrap();
    let m: i64 = s[3..5].parse().unwrap();
    sign * (h * 3600 + m * 60)
}

fn naive(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y%m%dT%H%M%S").expect("date-time")
}

/// (onset in local time before the change, offset before, offset after)
type Observance = (NaiveDateTime, i64, i64);

/// A local time read with the VTIMEZONE: None inside a gap, the earlier instant when repeated.
fn resolve(zone: &[Observance], t: NaiveDateTime) -> Option<DateTime<Utc>> {
    let mut obs: Vec<&Observance> = zone.iter().collect();
    obs.sort_by_key(|o| o.0);
    let current = obs.iter().rev().find(|o| o.0 <= t)?;
    if current.2 > current.1 && t < current.0 + Duration::seconds(current.2 - current.1) {
        return None;
    }
    Some((t - Duration::seconds(current.2)).and_utc())
}

fn rule_day(rule: &[(String, String)], d: NaiveDate) -> bool {
    let get = |k: &str| rule.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let wd = |c: &str| match c {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => panic!("weekday {c}"),
    };
    let last_day = (d + Duration::days(1)).month() != d.month();
    match (get("FREQ").unwrap(), get("BYDAY"), get("BYMONTHDAY")) {
        ("DAILY", None, None) => true,
        ("WEEKLY", Some(days), None) => days.split(',').any(|c| wd(c) == d.weekday()),
        ("MONTHLY", None, Some(n)) => {
            let n: i32 = n.parse().unwrap();
            if n > 0 {
                d.day() as i32 == n
            } else {
                n == -1 && last_day
            }
        }
        ("MONTHLY", Some(by), None) => {
            let (n, code) = by.split_at(by.len() - 2);
            let n: i32 = n.parse().unwrap();
            d.weekday() == wd(code)
                && if n > 0 {
                    ((d.day() - 1) / 7 + 1) as i32 == n
                } else {
                    n == -1 && (d + Duration::days(7)).month() != d.month()
                }
        }
        other => panic!("a rule the reader does not know: {other:?}"),
    }
}

/// Every start in (from, to] of every VEVENT, by summary, recurring or not.
pub fn starts(raw: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(String, DateTime<Utc>)> {
    let unfolded = raw.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    let mut zones: Vec<(String, Vec<Observance>)> = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i] == "BEGIN:VTIMEZONE" {
            let mut name = String::new();
            let mut obs = Vec::new();
            let mut cur: (Option<NaiveDateTime>, i64, i64) = (None, 0, 0);
            while lines[i] != "END:VTIMEZONE" {
                let l = lines[i];
                if let Some(v) = l.strip_prefix("TZID:") {
                    name = v.to_string();
                } else if let Some(v) = l.strip_prefix("DTSTART:") {
                    cur.0 = Some(naive(v));
                } else if let Some(v) = l.strip_prefix("TZOFFSETFROM:") {
                    cur.1 = offset(v);
                } else if let Some(v) = l.strip_prefix("TZOFFSETTO:") {
                    cur.2 = offset(v);
                } else if l == "END:STANDARD" || l == "END:DAYLIGHT" {
                    obs.push((cur.0.take().expect("onset"), cur.1, cur.2));
                }
                i += 1;
            }
            zones.push((name, obs));
        }
        if lines[i] == "BEGIN:VEVENT" {
            let mut props: Vec<(String, String, String)> = Vec::new();
            while lines[i] != "END:VEVENT" {
                let (head, value) = lines[i].split_once(':').unwrap();
                let (name, params) = head.split_once(';').unwrap_or((head, ""));
                props.push((name.into(), params.into(), value.into()));
                i += 1;
            }
            let get = |n: &str| props.iter().find(|p| p.0 == n);
            let summary = get("SUMMARY").expect("summary").2.replace("\\,", ",");
            let (_, params, start) = get("DTSTART").expect("start");
            match get("RRULE") {
                None => {
                    let at = naive(start).and_utc();
                    if at > from && at <= to {
                        out.push((summary, at));
                    }
                }
                Some((_, _, rule)) => {
                    let tzid = params.strip_prefix("TZID=").expect("a zoned start");
                    let zone = &zones
                        .iter()
                        .find(|z| z.0 == tzid)
                        .expect("a VTIMEZONE for the TZID")
                        .1;
                    let parts: Vec<(String, String)> = rule
                        .split(';')
                        .map(|p| {
                            let (k, v) = p.split_once('=').unwrap();
                            (k.to_string(), v.to_string())
                        })
                        .collect();
                    let until = parts
                        .iter()
                        .find(|p| p.0 == "UNTIL")
                        .map(|p| naive(&p.1).and_utc());
                    let parts: Vec<_> = parts.into_iter().filter(|p| p.0 != "UNTIL").collect();
                    let exdates: BTreeSet<NaiveDateTime> = props
                        .iter()
                        .filter(|p| p.0 == "EXDATE")
                        .inspect(|p| assert_eq!(p.1, format!("TZID={tzid}")))
                        .map(|p| naive(&p.2))
                        .collect();
                    let first = naive(start);
                    let mut day = first.date();
                    let end = to.naive_utc().date() + Duration::days(2);
                    while day <= end {
                        let local = day.and_time(first.time());
                        if local >= first
                            && rule_day(&parts, day)
                            && !exdates.contains(&local)
                            && let Some(at) = resolve(zone, local)
                            && until.is_none_or(|u| at <= u)
                            && at > from
                            && at <= to
                        {
                            out.push((summary.clone(), at));
                        }
                        day = day.succ_opt().unwrap();
                    }
                }
            }
        }
        i += 1;
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The reference: `days` at `time` in `tz` after `from`, minus `skip`, at most `count`, up to
/// `until` (a local day).
#[allow(clippy::too_many_arguments)]
fn reference(
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    days: impl Fn(NaiveDate) -> bool,
    time: NaiveTime,
    skip: &[NaiveDate],
    count: Option<usize>,
    until: Option<NaiveDate>,
) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut day = from.with_timezone(&tz).date_naive();
    while day <= to.with_timezone(&tz).date_naive() {
        // The bot: a missing local time fires at the first instant after the gap.
        let at = match tz.from_local_datetime(&day.and_time(time)) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
            chrono::LocalResult::None => panic!("the reference avoids gaps"),
        }
        .with_timezone(&Utc);
        if days(day) && !skip.contains(&day) && at > from && at <= to {
            if until.is_some_and(|u| day > u) || count.is_some_and(|n| out.len() >= n) {
                break;
            }
            out.push(at);
        }
        day = day.succ_opt().unwrap();
    }
    out
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn year_of_starts(zone: &str) {
    let tz: Tz = zone.parse().unwrap();
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let out = run(&mut sh, &format!("/setup timezone:{zone}")).await;
    assert!(out.contains(zone), "{out}");
    let now = t.clock_now();
    let year = now + Duration::days(366);
    add_activity(&mut sh, r#"/activity add name:Meeting schedule:"mon,thu 10:00" ping:operations lead:0 holidays:skip"#).await;
    let promo = add_activity(
        &mut sh,
        r#"/activity add name:Promo schedule:"last fri 19:00" ping:marketing lead:0 times:8"#,
    )
    .await;
    add_activity(&mut sh, r#"/activity add name:Rent schedule:"monthly 31 09:00" ping:operations lead:0 until:2027-08-31"#).await;
    add_activity(
        &mut sh,
        r#"/activity add name:Daily schedule:"daily 01:30" ping:operations lead:0"#,
    )
    .await;
    add_activity(
        &mut sh,
        r#"/activity add name:Cron schedule:"0 9 * * 3" ping:operations lead:0"#,
    )
    .await;
    run(
        &mut sh,
        "/holiday add name:Spring from:2027-02-15 to:2027-02-18",
    )
    .await;
    let out = run(&mut sh, "/activity skip id:1 day:2027-03-15").await;
    assert!(!out.contains("rror"), "{out}");
    let out = run(
        &mut sh,
        &format!("/activity skip id:{promo} day:2027-01-29"),
    )
    .await;
    assert!(!out.contains("rror"), "{out}");

    let out = run(&mut sh, "/activity calendar format:ics").await;
    let path = out
        .lines()
        .find_map(|l| l.strip_prefix("Saved: "))
        .unwrap_or_else(|| panic!("no file: {out}"));
    let raw = std::fs::read_to_string(path).unwrap();
    for line in raw.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
    }
    let got = starts(&raw, now, year);
    let of = |name: &str| -> Vec<DateTime<Utc>> {
        got.iter().filter(|g| g.0 == name).map(|g| g.1).collect()
    };
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    // The shorthands are one recurring event each; the cron line is listed start by start.
    for name in ["Meeting", "Promo", "Rent", "Daily"] {
        let block = raw
            .split("BEGIN:VEVENT")
            .find(|b| b.contains(&format!("SUMMARY:{name}\r\n")))
            .unwrap();
        assert!(block.contains("RRULE:"), "{name}: {block}");
    }
    assert!(!raw.contains("SUMMARY:Cron\r\nRRULE"));

    let holiday: Vec<NaiveDate> = (15..=18)
        .map(|n| NaiveDate::from_ymd_opt(2027, 2, n).unwrap())
        .collect();
    let mut skip = holiday.clone();
    skip.push(d("2027-03-15"));
    let meeting = reference(
        tz,
        now,
        year,
        |x| matches!(x.weekday(), Weekday::Mon | Weekday::Thu),
        hm(10, 0),
        &skip,
        None,
        None,
    );
    assert_eq!(of("Meeting"), meeting, "{raw}");
    let last_fri =
        |x: NaiveDate| x.weekday() == Weekday::Fri && (x + Duration::days(7)).month() != x.month();
    let promo = reference(
        tz,
        now,
        year,
        last_fri,
        hm(19, 0),
        &[d("2027-01-29")],
        Some(8),
        None,
    );
    assert_eq!(promo.len(), 8);
    assert_eq!(of("Promo"), promo, "{raw}");
    let rent = reference(
        tz,
        now,
        year,
        |x| x.day() == 31,
        hm(9, 0),
        &[],
        None,
        Some(d("2027-08-31")),
    );
    assert_eq!(of("Rent"), rent, "{raw}");
    let daily = reference(tz, now, year, |_| true, hm(1, 30), &[], None, None);
    assert_eq!(of("Daily"), daily, "{raw}");
    let cron = reference(
        tz,
        now,
        now + Duration::days(90),
        |x| x.weekday() == Weekday::Wed,
        hm(9, 0),
        &[],
        None,
        None,
    );
    assert_eq!(
        of("Cron")
            .into_iter()
            .filter(|x| *x <= now + Duration::days(90))
            .collect::<Vec<_>>(),
        cron
    );

    // The bot's own reminders over the year land on the same instants (a cross-check of the
    // reference with the reminders actually sent, for the weekly meeting).
    let out = run(&mut sh, ":advance 120d").await;
    let sent = crate::support::sent::all_sent(&out)
        .into_iter()
        .filter(|m| m.title.contains("Meeting"))
        .count();
    let until = now + Duration::days(120);
    assert_eq!(
        sent,
        meeting.iter().filter(|x| **x <= until).count(),
        "{out}"
    );
}

/// New York: the year crosses both DST changes (March and November 2027); the 01:30 daily
/// start is repeated in November (the first one counts) and the file's VTIMEZONE says so.
#[tokio::test]
async fn recurring_events_match_the_reminders_in_new_york() {
    year_of_starts("America/New_York").await;
}

/// Shanghai: no DST; the same schedules.
#[tokio::test]
async fn recurring_events_match_the_reminders_in_shanghai() {
    year_of_starts("Asia/Shanghai").await;
}

/// A time inside New York's spring-forward hour: RFC 5545 drops such a start where the bot
/// fires after the gap, so that activity is listed start by start (the next 90 days).
#[tokio::test]
async fn a_time_in_the_spring_forward_gap_is_listed_start_by_start() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/setup timezone:America/New_York").await;
    add_activity(
        &mut sh,
        r#"/activity add name:Night schedule:"sun 02:30" ping:operations lead:0"#,
    )
    .await;
    let out = run(&mut sh, "/activity calendar format:ics").await;
    let path = out.lines().find_map(|l| l.strip_prefix("Saved: ")).unwrap();
    let raw = std::fs::read_to_string(path).unwrap();
    assert!(!raw.contains("RRULE"), "{raw}");
    assert!(raw.matches("BEGIN:VEVENT").count() >= 12, "{raw}");
}
