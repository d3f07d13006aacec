use super::*;
use crate::domain::testing::sh;
use chrono_tz::America::New_York;
use chrono_tz::Asia::Shanghai;
use proptest::prelude::*;

/// Wednesday 2026-11-25 14:00 in Asia/Shanghai.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 6, 0, 0)
        .single()
        .unwrap()
}

#[derive(Debug)]
enum Exp {
    At(&'static str),
    Past(&'static str),
    Invalid,
    Unrec,
    Far,
    Empty,
}
use Exp::*;

const TABLE: &[(&str, Exp)] = &[
    // plain times of day
    ("18:00", At("2026-11-25 18:00")),
    ("  18:00  ", At("2026-11-25 18:00")),
    ("１８：００", At("2026-11-25 18:00")),
    ("9am", Past("tomorrow 09:00")),
    ("9 AM", Past("tomorrow 09:00")),
    ("9:30pm", At("2026-11-25 21:30")),
    ("9:30 p.m.", At("2026-11-25 21:30")),
    ("18h", At("2026-11-25 18:00")),
    ("18h30", At("2026-11-25 18:30")),
    ("09h30", Past("tomorrow 09:30")),
    ("10:00", Past("tomorrow 10:00")),
    ("12am", Past("tomorrow 00:00")),
    ("midnight", At("2026-11-26 00:00")),
    ("24:00", At("2026-11-26 00:00")),
    ("noon", Past("tomorrow 12:00")),
    ("下午3点", At("2026-11-25 15:00")),
    ("下午3:30", At("2026-11-25 15:30")),
    ("上午10点", Past("明天 10:00")),
    ("中午12点", Past("明天 12:00")),
    ("晚上9点", At("2026-11-25 21:00")),
    ("傍晚6点", At("2026-11-25 18:00")),
    ("凌晨2点", Past("明天 02:00")),
    ("17点", At("2026-11-25 17:00")),
    ("17时30分", At("2026-11-25 17:30")),
    ("午夜", At("2026-11-26 00:00")),
    // weekdays
    ("fri 17:00", At("2026-11-27 17:00")),
    ("friday 5pm", At("2026-11-27 17:00")),
    ("FRI 5 PM", At("2026-11-27 17:00")),
    ("fri at 5pm", At("2026-11-27 17:00")),
    ("thursday 9:30 am", At("2026-11-26 09:30")),
    ("fri", At("2026-11-27 18:00")),
    ("wed", At("2026-11-25 18:00")),
    ("wed 9:00", At("2026-12-02 09:00")),
    ("sun", At("2026-11-29 18:00")),
    ("next mon 9:00", At("2026-11-30 09:00")),
    ("next fri", At("2026-12-04 18:00")),
    ("next sun", At("2026-12-06 18:00")),
    ("this fri", At("2026-11-27 18:00")),
    ("this mon 9:00", Past("next mon 09:00")),
    ("5pm fri", At("2026-11-27 17:00")),
    ("周五", At("2026-11-27 18:00")),
    ("周五 17:00", At("2026-11-27 17:00")),
    ("周5 17:00", At("2026-11-27 17:00")),
    ("星期五 17:00", At("2026-11-27 17:00")),
    ("礼拜五 17点", At("2026-11-27 17:00")),
    ("周五下午5点", At("2026-11-27 17:00")),
    ("周三 10点", At("2026-12-02 10:00")),
    ("周日", At("2026-11-29 18:00")),
    ("星期天", At("2026-11-29 18:00")),
    ("下周一 9点", At("2026-11-30 09:00")),
    ("下下周一 10:00", At("2026-12-07 10:00")),
    ("这周五 18:00", At("2026-11-27 18:00")),
    ("本周五", At("2026-11-27 18:00")),
    ("这周一", Past("下周一 18:00")),
    ("周五前", At("2026-11-27 18:00")),
    ("在周五之前", At("2026-11-27 18:00")),
    ("截止周五", At("2026-11-27 18:00")),
    ("by fri", At("2026-11-27 18:00")),
    // relative days
    ("today 18:00", At("2026-11-25 18:00")),
    ("today 9:00", Past("tomorrow 09:00")),
    ("tonight 8pm", At("2026-11-25 20:00")),
    ("tomorrow 9am", At("2026-11-26 09:00")),
    ("tomorrow 12pm", At("2026-11-26 12:00")),
    ("tomorrow noon", At("2026-11-26 12:00")),
    ("10:00 tomorrow", At("2026-11-26 10:00")),
    ("tmr 9:00", At("2026-11-26 09:00")),
    ("day after tomorrow", At("2026-11-27 18:00")),
    ("fri midnight", At("2026-11-28 00:00")),
    ("今天 18:00", At("2026-11-25 18:00")),
    ("今天 9点", Past("明天 09:00")),
    ("今晚8点", At("2026-11-25 20:00")),
    ("明天 18:00", At("2026-11-26 18:00")),
    ("明早9点", At("2026-11-26 09:00")),
    ("后天 10点", At("2026-11-27 10:00")),
    ("大后天", At("2026-11-28 18:00")),
    ("明天中午", At("2026-11-26 12:00")),
    ("明天中午1点", At("2026-11-26 13:00")),
    ("明天9点15", At("2026-11-26 09:15")),
    ("明天9点15分", At("2026-11-26 09:15")),
    ("明天9点一刻", At("2026-11-26 09:15")),
    ("明天9点三刻", At("2026-11-26 09:45")),
    ("明天九点半", At("2026-11-26 09:30")),
    ("明天 凌晨2点", At("2026-11-26 02:00")),
    ("明天18点前", At("2026-11-26 18:00")),
    // absolute dates
    ("2026-12-01 10:00", At("2026-12-01 10:00")),
    ("2026/12/01 10:00", At("2026-12-01 10:00")),
    ("2026-12-01T10:00", At("2026-12-01 10:00")),
    ("2026-12-01 10:00:00", At("2026-12-01 10:00")),
    ("2026-12-01 10:00:60", Invalid),
    ("2026-12-01", At("2026-12-01 18:00")),
    ("2026年12月1日", At("2026-12-01 18:00")),
    ("12/1 10:00", At("2026-12-01 10:00")),
    ("12-1 10:00", At("2026-12-01 10:00")),
    ("12月1日 10点", At("2026-12-01 10:00")),
    ("12月1号 下午3点半", At("2026-12-01 15:30")),
    ("十二月一号", At("2026-12-01 18:00")),
    ("1 dec 10:00", At("2026-12-01 10:00")),
    ("dec 1 10:00", At("2026-12-01 10:00")),
    ("dec 1st, 2026", At("2026-12-01 18:00")),
    ("11/1 10:00", At("2027-11-01 10:00")),
    ("jan 5", At("2027-01-05 18:00")),
    ("2/29", At("2028-02-29 18:00")),
    ("11/25 20:00", At("2026-11-25 20:00")),
    ("11/25 10:00", Past("tomorrow 10:00")),
    ("2025-12-01 10:00", Past("2026-12-01 10:00")),
    ("2031-11-25 14:00", At("2031-11-25 14:00")),
    // durations
    ("in 3h", At("2026-11-25 17:00")),
    ("in 30 min", At("2026-11-25 14:30")),
    ("in 2 days", At("2026-11-27 14:00")),
    ("in an hour", At("2026-11-25 15:00")),
    ("in 1.5h", At("2026-11-25 15:30")),
    ("+2d", At("2026-11-27 14:00")),
    ("+90m", At("2026-11-25 15:30")),
    ("+1w", At("2026-12-02 14:00")),
    ("3h", At("2026-11-25 17:00")),
    ("24h", At("2026-11-26 14:00")),
    ("2h30m", At("2026-11-25 16:30")),
    ("2 hours later", At("2026-11-25 16:00")),
    ("3天后", At("2026-11-28 14:00")),
    ("1天后", At("2026-11-26 14:00")),
    ("3小时后", At("2026-11-25 17:00")),
    ("30分钟后", At("2026-11-25 14:30")),
    ("两天后", At("2026-11-27 14:00")),
    ("一周后", At("2026-12-02 14:00")),
    ("十五分钟后", At("2026-11-25 14:15")),
    ("二十四小时后", At("2026-11-26 14:00")),
    ("九十九分钟后", At("2026-11-25 15:39")),
    ("半小时后", At("2026-11-25 14:30")),
    ("一个半小时后", At("2026-11-25 15:30")),
    ("2小时30分钟后", At("2026-11-25 16:30")),
    ("in 0 min", Past("in 1h")),
    // errors
    ("", Empty),
    ("   ", Empty),
    ("hello", Unrec),
    ("next week", At("2026-12-04 18:00")),
    ("今晚", At("2026-11-25 20:00")),
    ("3天前", Unrec),
    ("-1h", Unrec),
    ("fri 5", Unrec),
    ("2026-02-30", Invalid),
    ("2026-13-01 10:00", Invalid),
    ("25:00", Invalid),
    ("9:60", Invalid),
    ("13/45", Invalid),
    ("2/30", Invalid),
    ("13pm", Invalid),
    ("晚上3点", Invalid),
    ("2032-01-01", Far),
    ("+300w", Far),
    ("in 99999999 days", Far),
];

fn check(input: &str, exp: &Exp, got: Result<DateTime<Utc>, DeadlineError>) {
    match (exp, &got) {
        (At(local), Ok(t)) => assert_eq!(*t, sh(local), "{input:?}"),
        (Past(s), Err(DeadlineError::Past { suggestion, .. })) => {
            assert_eq!(suggestion, s, "{input:?}");
            // The suggestion itself must be accepted.
            assert!(
                parse_deadline(s, now(), Shanghai, WorkingHours::default()).is_ok(),
                "{input:?} -> {s:?}"
            );
        }
        (Invalid, Err(DeadlineError::InvalidDate { input: i })) => assert_eq!(i, input.trim()),
        (Unrec, Err(DeadlineError::Unrecognized { input: i, .. })) => assert_eq!(i, input.trim()),
        (Far, Err(DeadlineError::TooFar { .. })) | (Empty, Err(DeadlineError::Empty)) => {}
        _ => panic!("{input:?}: expected {exp:?}, got {got:?}"),
    }
}

#[test]
fn deadline_table() {
    assert!(TABLE.len() >= 70);
    for (input, exp) in TABLE {
        check(
            input,
            exp,
            parse_deadline(input, now(), Shanghai, WorkingHours::default()),
        );
    }
}

#[test]
fn past_reports_the_understood_instant() {
    let err = parse_deadline("9am", now(), Shanghai, WorkingHours::default()).unwrap_err();
    assert_eq!(
        err,
        DeadlineError::Past {
            understood: sh("2026-11-25 09:00"),
            suggestion: "tomorrow 09:00".into(),
        }
    );
}

#[test]
fn weekday_today_rolls_a_week_but_time_does_not() {
    // 14:00 on a Wednesday: `wed 13:00` is next week, `13:00` is Past.
    assert_eq!(
        parse_deadline("wed 13:00", now(), Shanghai, WorkingHours::default()),
        Ok(sh("2026-12-02 13:00"))
    );
    assert!(matches!(
        parse_deadline("13:00", now(), Shanghai, WorkingHours::default()),
        Err(DeadlineError::Past { .. })
    ));
}

#[test]
fn default_time_is_end_of_working_day() {
    assert_eq!(DEFAULT_TIME, NaiveTime::from_hms_opt(18, 0, 0).unwrap());
}

fn ny(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0).single().unwrap()
}

#[test]
fn dst_gap_maps_to_end_of_gap() {
    // 02:30 does not exist on 2026-03-08 in New York; 03:00 EDT = 07:00Z.
    assert_eq!(
        local_to_utc(ny(2026, 3, 8, 2, 30), New_York),
        utc(2026, 3, 8, 7, 0)
    );
    assert_eq!(
        local_to_utc(ny(2026, 3, 8, 2, 0), New_York),
        utc(2026, 3, 8, 7, 0)
    );
    assert_eq!(
        local_to_utc(ny(2026, 3, 8, 3, 0), New_York),
        utc(2026, 3, 8, 7, 0)
    );
    let now = utc(2026, 3, 1, 12, 0);
    assert_eq!(
        parse_deadline("2026-03-08 02:30", now, New_York, WorkingHours::default()),
        Ok(utc(2026, 3, 8, 7, 0))
    );
}

#[test]
fn dst_overlap_maps_to_earlier_instant() {
    // 01:30 happens twice on 2026-11-01; EDT (-4) first = 05:30Z.
    assert_eq!(
        local_to_utc(ny(2026, 11, 1, 1, 30), New_York),
        utc(2026, 11, 1, 5, 30)
    );
    let now = utc(2026, 11, 1, 4, 0); // 00:00 EDT
    assert_eq!(
        parse_deadline("01:30", now, New_York, WorkingHours::default()),
        Ok(utc(2026, 11, 1, 5, 30))
    );
    // Durations are exact elapsed time across the change.
    assert_eq!(
        parse_deadline("in 2h", now, New_York, WorkingHours::default()),
        Ok(utc(2026, 11, 1, 6, 0))
    );
}

#[test]
fn durations() {
    let ok: &[(&str, i64)] = &[
        ("0", 0),
        ("0m", 0),
        ("30m", 30),
        ("1h", 60),
        ("1d", 1440),
        ("2h30m", 150),
        ("2h 30m", 150),
        ("2h30", 150),
        ("1w", 10_080),
        ("90 min", 90),
        ("1 hour and 30 minutes", 90),
        ("1.5h", 90),
        ("1天", 1440),
        ("2小时", 120),
        ("30分钟", 30),
        ("半小时", 30),
        ("两个小时", 120),
        ("一个半小时", 90),
        ("1天2小时", 1560),
        ("３０ｍ", 30),
        ("+15m", 15),
    ];
    for (input, minutes) in ok {
        assert_eq!(
            parse_duration(input),
            Ok(Duration::minutes(*minutes)),
            "{input:?}"
        );
    }
    let bad = ["-1h", "30", "abc", "1 month", "h", "1h ago"];
    for input in bad {
        assert!(
            matches!(
                parse_duration(input),
                Err(DeadlineError::Unrecognized { .. })
            ),
            "{input:?}"
        );
    }
    assert_eq!(parse_duration(" "), Err(DeadlineError::Empty));
    assert!(matches!(
        parse_duration("300w"),
        Err(DeadlineError::TooFar { .. })
    ));
}

#[test]
fn time_of_day() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(parse_time_of_day("10am"), Ok(t(10, 0)));
    assert_eq!(parse_time_of_day("下午3点"), Ok(t(15, 0)));
    assert_eq!(parse_time_of_day("9点半"), Ok(t(9, 30)));
    assert_eq!(parse_time_of_day("09:30"), Ok(t(9, 30)));
    assert!(matches!(
        parse_time_of_day("24:00"),
        Err(DeadlineError::InvalidDate { .. })
    ));
    assert!(matches!(
        parse_time_of_day("x"),
        Err(DeadlineError::Unrecognized { .. })
    ));
}

/// Parses at the reference `now()` (Wednesday 14:00 in Shanghai) with the shipped hours.
fn at(input: &str) -> Result<DateTime<Utc>, DeadlineError> {
    parse_deadline(input, now(), Shanghai, WorkingHours::default())
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[test]
fn the_end_of_work_follows_the_working_hours() {
    let late = WorkingHours::new(hm(10, 0), hm(19, 30)).unwrap();
    for (input, local) in [
        ("eod", "2026-11-25 19:30"),
        ("下班前", "2026-11-25 19:30"),
        ("明天下班前", "2026-11-26 19:30"),
        ("fri", "2026-11-27 19:30"),
        ("end of week", "2026-11-27 19:30"),
        ("月底", "2026-11-30 19:30"),
        // The parts of the day keep their own times.
        ("tomorrow morning", "2026-11-26 09:00"),
        ("今晚", "2026-11-25 20:00"),
    ] {
        assert_eq!(
            parse_deadline(input, now(), Shanghai, late),
            Ok(sh(local)),
            "{input:?}"
        );
    }
    // 18:30 is past the default end of work, not past a 19:30 one.
    let evening = sh("2026-11-25 18:30");
    assert!(matches!(
        parse_deadline("eod", evening, Shanghai, WorkingHours::default()),
        Err(DeadlineError::Past { .. })
    ));
    assert_eq!(
        parse_deadline("eod", evening, Shanghai, late),
        Ok(sh("2026-11-25 19:30"))
    );
}

#[test]
fn parts_of_the_day_have_one_time_each() {
    let tomorrow = [
        ("明早", "09:00"),
        ("明天上午", "09:00"),
        ("tomorrow morning", "09:00"),
        ("明天中午", "12:00"),
        ("tomorrow noon", "12:00"),
        ("明天下午", "15:00"),
        ("tomorrow afternoon", "15:00"),
        ("明天傍晚", "18:00"),
        ("明晚", "20:00"),
        ("tomorrow evening", "20:00"),
        ("tomorrow night", "20:00"),
    ];
    for (input, time) in tomorrow {
        assert_eq!(
            at(input),
            Ok(sh(&format!("2026-11-26 {time}"))),
            "{input:?}"
        );
    }
    assert!(matches!(
        at("明天凌晨"),
        Err(DeadlineError::Unrecognized { .. })
    ));
}

#[test]
fn a_part_of_the_day_or_period_already_over_suggests_the_next_one() {
    let cases = [
        ("2026-11-25 14:00", "this morning", "tomorrow morning"),
        ("2026-11-25 14:00", "今早", "明天上午"),
        ("2026-11-25 14:00", "上午", "明天上午"),
        ("2026-11-25 21:00", "tonight", "tomorrow evening"),
        ("2026-11-25 21:00", "今晚", "明天晚上"),
        ("2026-11-25 19:00", "eod", "tomorrow eod"),
        ("2026-11-25 19:00", "下班前", "明天下班前"),
        ("2026-11-28 10:00", "end of week", "end of next week"),
        ("2026-11-28 10:00", "本周内", "下周五下班前"),
        ("2026-11-30 19:00", "end of month", "end of next month"),
        ("2026-11-30 19:00", "月底", "下月底"),
        ("2026-12-31 19:00", "年底", "明年底"),
        ("2026-12-31 19:00", "end of quarter", "end of next quarter"),
    ];
    for (now, input, suggestion) in cases {
        let now = sh(now);
        match parse_deadline(input, now, Shanghai, WorkingHours::default()) {
            Err(DeadlineError::Past { suggestion: s, .. }) => {
                assert_eq!(s, suggestion, "{input:?}");
                assert!(
                    parse_deadline(&s, now, Shanghai, WorkingHours::default()).is_ok(),
                    "{input:?} -> {s:?}"
                );
            }
            other => panic!("{input:?}: {other:?}"),
        }
    }
}

#[test]
fn period_ends_are_the_last_working_day_at_the_end_of_work() {
    for (input, local) in [
        ("end of week", "2026-11-27 18:00"),
        ("next week", "2026-12-04 18:00"),
        ("下下周", "2026-12-11 18:00"),
        ("end of month", "2026-11-30 18:00"),
        ("next month", "2026-12-31 18:00"),
        // January 2027 ends on a Sunday: its last working day is Friday the 29th.
        ("end of january", "2027-01-29 18:00"),
        ("1月底", "2027-01-29 18:00"),
        ("next quarter", "2027-03-31 18:00"),
        ("this year", "2026-12-31 18:00"),
        ("月底 15:00", "2026-11-30 15:00"),
        ("end of month 9am", "2026-11-30 09:00"),
    ] {
        assert_eq!(at(input), Ok(sh(local)), "{input:?}");
    }
}

#[test]
fn within_means_due_that_long_from_now() {
    let three_days = Ok(sh("2026-11-28 14:00"));
    for input in [
        "within 3 days",
        "in 3 days",
        "3天内",
        "3天之内",
        "三天以内",
        "3天后",
        "in three days",
    ] {
        assert_eq!(at(input), three_days, "{input:?}");
    }
    // Calendar months on the wall clock: from 31 January, a month is the end of February.
    let jan31 = sh("2027-01-31 10:00");
    let hours = WorkingHours::default();
    assert_eq!(
        parse_deadline("in 1 month", jan31, Shanghai, hours),
        Ok(sh("2027-02-28 10:00"))
    );
    assert_eq!(
        parse_deadline("一个半月内", jan31, Shanghai, hours),
        Ok(sh("2027-03-15 10:00"))
    );
    assert!(matches!(
        at("1.3 months"),
        Err(DeadlineError::Unrecognized { .. })
    ));
}

#[test]
fn unreadable_input_names_the_nearest_form_that_works() {
    let cases = [
        ("tomorow 9am", Some("tomorrow 9am")),
        ("fridya 5pm", Some("friday 5pm")),
        ("in 3 dayz", Some("in 3 days")),
        ("fri 5", Some("fri 17:00")),
        ("fri 9", Some("fri 09:00")),
        ("3 days ago", Some("3 days later")),
        ("3天前", Some("3天后")),
        ("几天内", Some("3天内")),
        ("a few days", Some("3 days")),
        ("this weekend", Some("end of week")),
        ("周末", Some("周五下班前")),
        ("september", Some("end of september")),
        ("九月", Some("九月底")),
        ("yesterday", Some("tomorrow")),
        ("上周五", Some("下周五")),
        ("today - next friday", Some("next friday")),
        ("下午5点-7点", Some("下午7点")),
        ("9.30pm", Some("9:30pm")),
        ("in 2 business days", Some("in 2 days")),
        ("whenever", None),
        ("hello", None),
    ];
    for (input, want) in cases {
        match at(input) {
            Err(DeadlineError::Unrecognized {
                input: i,
                suggestion,
            }) => {
                assert_eq!(i, input);
                assert_eq!(suggestion.as_deref(), want, "{input:?}");
                if let Some(s) = suggestion {
                    assert!(at(&s).is_ok(), "{input:?} -> {s:?}");
                }
            }
            other => panic!("{input:?}: {other:?}"),
        }
    }
}

#[test]
fn a_weekday_beside_a_date_must_match_it() {
    assert_eq!(at("fri 12/4"), Ok(sh("2026-12-04 18:00")));
    assert_eq!(at("12月4日 周五 10点"), Ok(sh("2026-12-04 10:00")));
    let refused = |input: &str| match at(input) {
        Err(DeadlineError::WeekdayMismatch { suggestion, .. }) => suggestion,
        other => panic!("{input:?}: {other:?}"),
    };
    assert_eq!(refused("thu 12/4"), "fri 2026-12-04");
    assert_eq!(refused("Thursday, December 4 3pm"), "fri 2026-12-04 15:00");
    assert_eq!(refused("12月4日周四"), "2026年12月4日周五");
    for s in [
        "fri 2026-12-04",
        "fri 2026-12-04 15:00",
        "2026年12月4日周五",
    ] {
        assert!(at(s).is_ok(), "{s:?}");
    }
}

#[test]
fn time_of_day_needs_a_clock_or_a_part_of_the_day() {
    assert!(matches!(
        parse_time_of_day("10"),
        Err(DeadlineError::Unrecognized { .. })
    ));
    assert_eq!(parse_time_of_day("下午3"), Ok(hm(15, 0)));
    assert_eq!(parse_time_of_day("10 o'clock"), Ok(hm(10, 0)));
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_text(s in any::<String>(), secs in -8_000_000_000_000i64..8_000_000_000_000i64) {
        let now = DateTime::from_timestamp(secs, 0).unwrap_or_else(now);
        let _ = parse_deadline(&s, now, Shanghai, WorkingHours::default());
        let _ = parse_deadline(&s, now, New_York, WorkingHours::default());
        let _ = parse_duration(&s);
        let _ = parse_time_of_day(&s);
    }

    /// Every suggestion a refusal makes is itself accepted, at the same `now`: phrases are
    /// put together from pieces that are read (and some that are not), at every hour.
    #[test]
    fn suggestions_are_accepted(
        pieces in prop::collection::vec(prop::sample::select(PIECES), 1..4),
        spaced in any::<bool>(),
        hour in 0..24u32,
        day in 23..31u32,
    ) {
        let s = pieces.join(if spaced { " " } else { "" });
        let now = sh(&format!("2026-11-{day} {hour:02}:30"));
        let hours = WorkingHours::default();
        for tz in [Shanghai, New_York] {
            let suggestion = match parse_deadline(&s, now, tz, hours) {
                Err(DeadlineError::Past { suggestion, .. })
                | Err(DeadlineError::WeekdayMismatch { suggestion, .. })
                | Err(DeadlineError::Unrecognized { suggestion: Some(suggestion), .. }) => suggestion,
                _ => continue,
            };
            let again = parse_deadline(&suggestion, now, tz, hours);
            prop_assert!(again.is_ok(), "{:?} -> {:?} -> {:?}", s, suggestion, again);
        }
    }

    #[test]
    fn never_panics_on_near_misses(
        s in "[0-9０-９:：/+. \\-年月日号点时分半刻周星期礼拜一二三四五六七八九十两零天后前内小时明今晚早上下午中凌个底末班ampthdwminextsfrionecayekolgu]{0,24}"
    ) {
        let _ = parse_deadline(&s, now(), Shanghai, WorkingHours::default());
        let _ = parse_deadline(&s, now(), New_York, WorkingHours::default());
        let _ = parse_duration(&s);
        let _ = parse_time_of_day(&s);
    }
}

/// Pieces of deadlines for the property tests: words and numbers that are read, and some that
/// are not (typos, the past, vague amounts).
const PIECES: &[&str] = &[
    "明天",
    "今天",
    "今晚",
    "明早",
    "后天",
    "下周",
    "周五",
    "本周",
    "这周一",
    "下周三",
    "月底",
    "下月底",
    "年底",
    "下午",
    "上午",
    "中午",
    "傍晚",
    "凌晨",
    "3点",
    "9点半",
    "下班",
    "前",
    "内",
    "后",
    "之前",
    "3天",
    "2小时",
    "半小时",
    "1个月",
    "几天",
    "周末",
    "15号",
    "本月10号",
    "下个月5号",
    "12月4日",
    "11.11",
    "昨天",
    "上周五",
    "9:00",
    "18:00",
    "08:30",
    "5pm",
    "9am",
    "3",
    "17",
    "tomorrow",
    "today",
    "tonight",
    "this",
    "next",
    "last",
    "fri",
    "thu",
    "monday",
    "morning",
    "afternoon",
    "evening",
    "eod",
    "end of week",
    "end of month",
    "next month",
    "end of september",
    "in",
    "within",
    "days",
    "hours",
    "ago",
    "later",
    "a few",
    "weekend",
    "12/4",
    "25/12",
    "2026-11-20",
    "2026-12-04",
    "jan 5",
    "the 15th",
    "tomorow",
    "fridya",
    "9.30",
    "-",
    "at",
    "by",
];
