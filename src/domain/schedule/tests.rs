use super::*;
use crate::domain::testing::sh;
use chrono::{TimeZone, Timelike, Weekday};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Shanghai;
use chrono_tz::Europe::Berlin;
use proptest::prelude::*;

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0).single().unwrap()
}

/// Wednesday 2026-11-25 14:00 in Asia/Shanghai.
fn now() -> DateTime<Utc> {
    utc(2026, 11, 25, 6, 0)
}

/// When `input` fires in [from, to] in `tz` (ten times at the most).
fn fires(input: &str, from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> Vec<DateTime<Utc>> {
    let s = parse_schedule(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
    s.occurrences(from, to, tz, 10)
}

fn next(input: &str) -> DateTime<Utc> {
    let s = parse_schedule(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
    s.next_after(now(), Shanghai)
        .unwrap_or_else(|| panic!("{input:?} never fires"))
}

#[test]
fn shorthands_next_occurrence_in_shanghai() {
    let table: &[(&str, &str)] = &[
        ("mon 10:00", "2026-11-30 10:00"),
        ("monday 10:00", "2026-11-30 10:00"),
        ("MON 10am", "2026-11-30 10:00"),
        ("every monday at 10:00", "2026-11-30 10:00"),
        ("mon,thu 10:00", "2026-11-26 10:00"),
        ("mon, thu 10:00", "2026-11-26 10:00"),
        ("mon-fri 9:00", "2026-11-26 09:00"),
        ("weekdays 09:30", "2026-11-26 09:30"),
        ("weekends 10:00", "2026-11-28 10:00"),
        ("daily 09:00", "2026-11-26 09:00"),
        ("daily 15:00", "2026-11-25 15:00"),
        ("every day 9:00", "2026-11-26 09:00"),
        ("每天 9:00", "2026-11-26 09:00"),
        ("每天下午3点", "2026-11-25 15:00"),
        ("每天9点半", "2026-11-26 09:30"),
        ("每日 09:00", "2026-11-26 09:00"),
        ("每日 ０９：００", "2026-11-26 09:00"),
        ("工作日 09:30", "2026-11-26 09:30"),
        ("每周一 10:00", "2026-11-30 10:00"),
        ("每周四 18:00", "2026-11-26 18:00"),
        ("每周一、四 10:00", "2026-11-26 10:00"),
        ("周一 10:00", "2026-11-30 10:00"),
        ("周一至周五 9点", "2026-11-26 09:00"),
        ("周末 10点", "2026-11-28 10:00"),
        ("每月1日 09:00", "2026-12-01 09:00"),
        ("每月1号 9点", "2026-12-01 09:00"),
        ("每月一号 9点", "2026-12-01 09:00"),
        ("monthly 1 09:00", "2026-12-01 09:00"),
        ("monthly 1st 09:00", "2026-12-01 09:00"),
        ("monthly 25 15:00", "2026-11-25 15:00"),
        ("last fri 19:00", "2026-11-27 19:00"),
        ("每月最后一个周五 19:00", "2026-11-27 19:00"),
        ("每月最后一天 18:00", "2026-11-30 18:00"),
        ("last day 18:00", "2026-11-30 18:00"),
        ("1st mon 10:00", "2026-12-07 10:00"),
        ("first monday 10:00", "2026-12-07 10:00"),
        ("2nd tue 10:00", "2026-12-08 10:00"),
        ("每月第一个周一 10:00", "2026-12-07 10:00"),
        ("每月第2个周二 10:00", "2026-12-08 10:00"),
        // crontab (5 fields): dow 1 = Monday, 0 and 7 = Sunday
        ("0 10 * * 1", "2026-11-30 10:00"),
        ("0 10 * * 0", "2026-11-29 10:00"),
        ("0 10 * * 7", "2026-11-29 10:00"),
        ("0 10 * * mon-fri", "2026-11-26 10:00"),
        ("0 10 * * 1-5", "2026-11-26 10:00"),
        ("0 10 * * 5-7", "2026-11-27 10:00"),
        ("0 9 1 * 1", "2026-11-30 09:00"),
        ("*/5 * * * *", "2026-11-25 14:05"),
        ("@daily", "2026-11-26 00:00"),
        // cron crate (6/7 fields): its numeric dow 1 = Sunday, 2 = Monday
        ("0 0 10 * * Mon", "2026-11-30 10:00"),
        ("0 0 10 * * 2", "2026-11-30 10:00"),
        ("0 0 10 * * 1", "2026-11-29 10:00"),
        ("0 0 10 * * * 2027", "2027-01-01 10:00"),
    ];
    for (input, local) in table {
        assert_eq!(next(input), sh(local), "{input:?}");
    }
}

#[test]
fn crontab_and_cron_crate_weekdays_agree_by_name() {
    let from = utc(2026, 1, 1, 0, 0);
    let to = utc(2026, 12, 31, 0, 0);
    let weekdays = |input: &str| -> Vec<Weekday> {
        let s = parse_schedule(input).unwrap();
        s.occurrences(from, to, Shanghai, 20)
            .iter()
            .map(|t| t.with_timezone(&Shanghai).weekday())
            .collect()
    };
    assert!(weekdays("0 10 * * 1").iter().all(|d| *d == Weekday::Mon));
    assert!(weekdays("0 10 * * 0").iter().all(|d| *d == Weekday::Sun));
    assert!(weekdays("0 10 * * 7").iter().all(|d| *d == Weekday::Sun));
    assert!(weekdays("0 0 10 * * 1").iter().all(|d| *d == Weekday::Sun));
    assert!(weekdays("0 0 10 * * 2").iter().all(|d| *d == Weekday::Mon));
    assert_eq!(weekdays("0 10 * * 1"), weekdays("0 0 10 * * Mon"));
    assert_eq!(weekdays("0 10 * * 1").len(), 20);
}

#[test]
fn crontab_day_of_month_or_day_of_week() {
    // Crontab fires when either the 13th or a Friday matches.
    let s = parse_schedule("0 9 13 * 5").unwrap();
    let got = s.occurrences(sh("2026-11-01 00:00"), sh("2026-12-01 00:00"), Shanghai, 10);
    let days: Vec<u32> = got
        .iter()
        .map(|t| t.with_timezone(&Shanghai).day())
        .collect();
    assert_eq!(days, vec![6, 13, 20, 27]);
}

fn assert_weekly_at_ten(tz: Tz) {
    let s = parse_schedule("mon 10:00").unwrap();
    let got = s.occurrences(utc(2026, 2, 20, 0, 0), utc(2026, 12, 1, 0, 0), tz, 100);
    assert_eq!(got.len(), 41); // Mondays 2026-02-23 ..= 2026-11-30
    for t in &got {
        let local = t.with_timezone(&tz);
        assert_eq!(local.weekday(), Weekday::Mon, "{local}");
        assert_eq!((local.hour(), local.minute()), (10, 0), "{local}");
    }
}

#[test]
fn weekly_stays_at_ten_local_across_dst() {
    assert_weekly_at_ten(New_York);
    assert_weekly_at_ten(Berlin);
    // Around the changes the UTC hour moves, the local one does not.
    let s = parse_schedule("mon 10:00").unwrap();
    let cases = [
        (utc(2026, 3, 3, 0, 0), New_York, utc(2026, 3, 9, 14, 0)),
        (utc(2026, 2, 24, 0, 0), New_York, utc(2026, 3, 2, 15, 0)),
        (utc(2026, 3, 24, 0, 0), Berlin, utc(2026, 3, 30, 8, 0)),
        (utc(2026, 10, 20, 0, 0), Berlin, utc(2026, 10, 26, 9, 0)),
        (utc(2026, 10, 27, 0, 0), New_York, utc(2026, 11, 2, 15, 0)),
    ];
    for (after, tz, want) in cases {
        assert_eq!(s.next_after(after, tz), Some(want), "after {after} in {tz}");
    }
}

#[test]
fn nonexistent_local_time_fires_at_end_of_gap() {
    for input in ["daily 02:30", "30 2 * * *", "0 30 2 * * *"] {
        let got = fires(
            input,
            utc(2026, 3, 7, 0, 0),
            utc(2026, 3, 10, 0, 0),
            New_York,
        );
        let want = [(7, 7, 30), (8, 7, 0), (9, 6, 30)].map(|(d, h, m)| utc(2026, 3, d, h, m));
        assert_eq!(got, want, "{input:?}");
    }
}

#[test]
fn repeated_local_time_fires_once() {
    for input in ["daily 01:30", "30 1 * * *"] {
        let (from, to) = (utc(2026, 10, 31, 12, 0), utc(2026, 11, 2, 12, 0));
        let want = [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)];
        assert_eq!(fires(input, from, to, New_York), want, "{input:?}");
        // From inside the repeated hour, the second 01:30 is skipped.
        assert_eq!(
            parse_schedule(input)
                .unwrap()
                .next_after(utc(2026, 11, 1, 5, 45), New_York),
            Some(utc(2026, 11, 2, 6, 30))
        );
    }
    let (from, to) = (utc(2026, 11, 1, 4, 40), utc(2026, 11, 1, 7, 0));
    let want = [(5, 0), (5, 30), (7, 0)].map(|(h, m)| utc(2026, 11, 1, h, m));
    assert_eq!(fires("*/30 * * * *", from, to, New_York), want);
}

#[test]
fn skipped_calendar_day_fires_once_at_end_of_gap() {
    // Samoa skipped 2011-12-30 entirely (UTC-10 -> UTC+14).
    let apia = chrono_tz::Pacific::Apia;
    for input in ["daily 10:00", "0 10 * * *"] {
        let got = fires(
            input,
            utc(2011, 12, 29, 0, 0),
            utc(2011, 12, 31, 0, 0),
            apia,
        );
        assert_eq!(
            got,
            [
                utc(2011, 12, 29, 20, 0), // 29th 10:00 -10
                utc(2011, 12, 30, 10, 0), // 30th 10:00 missing -> 31st 00:00 +14
                utc(2011, 12, 30, 20, 0), // 31st 10:00 +14
            ],
            "{input:?}"
        );
    }
}

#[test]
fn occurrences_respect_bounds_and_limit() {
    let s = parse_schedule("daily 09:00").unwrap();
    let from = sh("2026-11-25 09:00");
    let all = s.occurrences(from, sh("2026-11-28 09:00"), Shanghai, 10);
    assert_eq!(
        all,
        vec![
            sh("2026-11-26 09:00"),
            sh("2026-11-27 09:00"),
            sh("2026-11-28 09:00")
        ]
    );
    assert_eq!(
        s.occurrences(from, sh("2026-12-28 09:00"), Shanghai, 2)
            .len(),
        2
    );
    assert!(
        s.occurrences(from, sh("2026-12-28 09:00"), Shanghai, 0)
            .is_empty()
    );
}

#[test]
fn source_display_and_from_str() {
    let s: Schedule = "  每周一 10:00 ".parse().unwrap();
    assert_eq!(s.source(), "每周一 10:00");
    assert_eq!(s.to_string(), "每周一 10:00");
}

#[test]
fn month_ends_and_fifth_weekdays() {
    let jan = sh("2027-01-01 00:00");
    let got = fires("last day 18:00", jan, sh("2027-04-01 00:00"), Shanghai);
    let want = ["2027-01-31 18:00", "2027-02-28 18:00", "2027-03-31 18:00"].map(sh);
    assert_eq!(got, want);
    let got = fires("monthly 31 09:00", jan, sh("2027-06-01 00:00"), Shanghai);
    let want = ["2027-01-31 09:00", "2027-03-31 09:00", "2027-05-31 09:00"].map(sh);
    assert_eq!(got, want);
    let s = parse_schedule("5th fri 10:00").unwrap();
    assert_eq!(s.next_after(now(), Shanghai), Some(sh("2027-01-29 10:00")));
}

#[test]
fn bad_inputs() {
    use ScheduleError as E;
    let kind = |input: &str| match parse_schedule(input) {
        Ok(_) => "ok",
        Err(E::Empty) => "empty",
        Err(E::Unrecognized { .. }) => "unrecognized",
        Err(E::BadCron { .. }) => "badcron",
        Err(E::BadTime { .. }) => "badtime",
        Err(E::NeverFires { .. }) => "never",
        Err(E::TooFrequent { .. }) => "toofrequent",
        Err(E::Unsupported { .. }) => "unsupported",
    };
    let table = [
        ("", "empty"),
        ("   ", "empty"),
        ("blah", "unrecognized"),
        ("every blue moon 10:00", "unrecognized"),
        ("in 1 day 2 hours", "unrecognized"),
        ("1st dec", "unrecognized"),
        ("0 0 30 2 *", "never"),
        ("0 0 0 31 4 *", "never"),
        ("每月32日 9点", "never"),
        ("6th mon 10:00", "never"),
        ("* * * * *", "toofrequent"),
        ("*/2 * * * *", "toofrequent"),
        ("0,2 10 * * *", "toofrequent"),
        ("0,58 0,23 * * *", "toofrequent"),
        ("* * * * * *", "toofrequent"),
        ("0 10 * *", "badcron"),
        ("61 10 * * *", "badcron"),
        ("0 24 * * *", "badcron"),
        ("0 10 * * 8", "badcron"),
        ("0 10 * * 5-1", "badcron"),
        ("0 10 * * */0", "badcron"),
        ("mon 25:00", "badtime"),
        ("mon", "badtime"),
        ("每天", "badtime"),
        ("mon midnight", "badtime"),
        ("daily banana", "badtime"),
        ("0 10 * * 1", "ok"),
        ("*/5 * * * *", "ok"),
    ];
    for (input, expected) in table {
        assert_eq!(kind(input), expected, "{input:?}");
    }
    assert_eq!(
        parse_schedule(" 0 0 30 2 * ").err(),
        Some(E::NeverFires {
            input: "0 0 30 2 *".into()
        })
    );
}

const ZONES: &[Tz] = &[
    New_York,
    Berlin,
    Shanghai,
    chrono_tz::UTC,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Apia,
    chrono_tz::America::Sao_Paulo,
];

fn schedule_text() -> impl Strategy<Value = String> {
    let field = "[0-9*/,\\-]{1,4}";
    prop_oneof![
        (0..60u32, 0..24u32, 0..8u32).prop_map(|(m, h, d)| format!("{m} {h} * * {d}")),
        (field, field, field, field, field)
            .prop_map(|(a, b, c, d, e)| format!("{a} {b} {c} {d} {e}")),
        (0..60u32, field, field, field, field, field)
            .prop_map(|(s, a, b, c, d, e)| format!("{s} {a} {b} {c} {d} {e}")),
        (
            prop::sample::select(vec![
                "mon",
                "fri,sat",
                "weekdays",
                "weekends",
                "daily",
                "每天",
                "工作日",
                "每周三",
                "每月1日",
                "每月31号",
                "monthly 29",
                "last sun",
                "last day",
                "每月最后一个周五",
                "1st mon",
                "每月第五个周日",
                "周一至周五",
            ]),
            0..24u32,
            0..60u32
        )
            .prop_map(|(d, h, m)| format!("{d} {h:02}:{m:02}")),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = parse_schedule(&s);
    }

    #[test]
    fn next_after_is_strictly_increasing(
        text in schedule_text(),
        zone in 0..ZONES.len(),
        start in 0i64..4_000_000_000i64,
    ) {
        if let Ok(s) = parse_schedule(&text) {
            let tz = ZONES[zone];
            let mut cursor = DateTime::from_timestamp(start, 0).unwrap();
            for _ in 0..20 {
                match s.next_after(cursor, tz) {
                    Some(next) => {
                        prop_assert!(next > cursor, "{text:?} {next} <= {cursor}");
                        cursor = next;
                    }
                    None => break,
                }
            }
        }
    }
}

/// Local dates (in Shanghai) of the occurrences in November 2026 – February 2027.
fn days_of(input: &str) -> Vec<String> {
    let s = parse_schedule(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
    s.occurrences(
        sh("2026-11-01 00:00"),
        sh("2027-03-01 00:00"),
        Shanghai,
        200,
    )
    .iter()
    .map(|t| {
        t.with_timezone(&Shanghai)
            .format("%m-%d %a %H:%M")
            .to_string()
    })
    .collect()
}

#[test]
fn day_of_week_step_stops_at_saturday() {
    // Fridays only: the step from Friday (5) would reach 7 = Sunday, but stops at Saturday.
    let got = days_of("0 9 * * 5/2");
    assert!(got.iter().all(|d| d.contains("Fri")), "{got:?}");
    assert_eq!(got.len(), 17);
    // Mon, Wed, Fri; never Sunday.
    let got = days_of("0 9 * * 1/2");
    assert!(
        got.iter()
            .all(|d| d.contains("Mon") || d.contains("Wed") || d.contains("Fri")),
        "{got:?}"
    );
    assert_eq!(
        &got[..3],
        ["11-02 Mon 09:00", "11-04 Wed 09:00", "11-06 Fri 09:00"]
    );
    // `*/2` still starts at Sunday: Sun, Tue, Thu, Sat.
    assert_eq!(
        &days_of("0 9 * * */2")[..4],
        [
            "11-01 Sun 09:00",
            "11-03 Tue 09:00",
            "11-05 Thu 09:00",
            "11-07 Sat 09:00"
        ]
    );
    // The cron crate's own step (1 = Sunday … 7 = Saturday) is unchanged.
    assert!(days_of("0 0 9 * * 6/2").iter().all(|d| d.contains("Fri")));
}

#[test]
fn quartz_days_read_as_the_shorthands_that_say_the_same() {
    let same = [
        ("0 18 l * *", "last day 18:00"),
        ("0 19 * * 5l", "last fri 19:00"),
        ("0 19 * * fril", "last fri 19:00"),
        ("0 10 * * 1#1", "1st mon 10:00"),
        ("0 10 * * mon#1", "1st mon 10:00"),
        ("0 10 * * 2#2", "2nd tue 10:00"),
        ("0 10 * * 0#5", "5th sun 10:00"),
        ("0 10 * * 7#5", "5th sun 10:00"),
        ("0 0 18 l * *", "last day 18:00"),
        ("0 0 19 * * 6l", "last fri 19:00"),
        ("0 0 10 * * 2#1", "1st mon 10:00"),
    ];
    for (line, shorthand) in same {
        assert_eq!(
            days_of(line),
            days_of(shorthand),
            "{line:?} vs {shorthand:?}"
        );
        assert!(!days_of(line).is_empty(), "{line:?}");
    }
    assert_eq!(
        days_of("0 18 l * *"),
        [
            "11-30 Mon 18:00",
            "12-31 Thu 18:00",
            "01-31 Sun 18:00",
            "02-28 Sun 18:00"
        ]
    );
    // Several times a day on the last day of the month.
    assert_eq!(
        &days_of("0 9,17 l * *")[..3],
        ["11-30 Mon 09:00", "11-30 Mon 17:00", "12-31 Thu 09:00"]
    );
    // Vixie: both days restricted = either matches (the last day, or any Monday).
    let got = days_of("0 9 l * 1");
    assert_eq!(
        &got[..6],
        [
            "11-02 Mon 09:00",
            "11-09 Mon 09:00",
            "11-16 Mon 09:00",
            "11-23 Mon 09:00",
            "11-30 Mon 09:00",
            "12-07 Mon 09:00",
        ]
    );
    assert!(got.contains(&"12-31 Thu 09:00".to_string()));
    // A day-of-month starting with `*` is unrestricted: both must match (odd days that
    // are the last Friday).
    assert_eq!(
        days_of("0 9 */2 * 5l"),
        ["11-27 Fri 09:00", "12-25 Fri 09:00", "01-29 Fri 09:00"]
    );
}

#[test]
fn quartz_forms_not_read_name_what_to_write() {
    let refused = |line: &str| match parse_schedule(line) {
        Err(ScheduleError::Unsupported {
            feature,
            instead,
            instead_zh,
            ..
        }) => (feature, instead, instead_zh),
        other => panic!("{line:?}: {other:?}"),
    };
    let table = [
        ("0 9 15W * *", ("15W", "monthly 15 09:00", "每月15日 09:00")),
        (
            "30 17 LW * *",
            ("LW", "last day 17:30", "每月最后一天 17:30"),
        ),
        (
            "0 9 L-3 * *",
            ("L-3", "last day 09:00", "每月最后一天 09:00"),
        ),
        ("0 9 * * L", ("L", "sat 09:00", "周六 09:00")),
        ("0 9,17 15W * *", ("15W", "0 9,17 15 * *", "0 9,17 15 * *")),
        ("0 0 9 15W * *", ("15W", "0 0 9 15 * *", "0 0 9 15 * *")),
    ];
    for (line, (feature, instead, instead_zh)) in table {
        let got = refused(line);
        assert_eq!(
            got,
            (feature.into(), instead.into(), instead_zh.into()),
            "{line:?}"
        );
        // What it names is read.
        assert!(parse_schedule(&got.1).is_ok(), "{line:?} -> {:?}", got.1);
        assert!(parse_schedule(&got.2).is_ok(), "{line:?} -> {:?}", got.2);
    }
}
