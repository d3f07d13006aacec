//! Deadlines as people type them: a corpus of phrases in English and Chinese (simplified and
//! traditional) with reference times and the expected instant or refusal
//! (`tests/fixtures/deadline_phrases.tsv`, its header says where the phrases come from), and the
//! `[hours]` configuration they depend on.
//!
//! `cargo test deadline_phrases -- --nocapture` prints the counts.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use storeops::config::{Config, ConfigError};
use storeops::domain::deadline::{DeadlineError, WorkingHours, parse_deadline};

/// The corpus.
const PHRASES: &str = include_str!("../fixtures/deadline_phrases.tsv");

/// `2012-08-10 12:14 Asia/Shanghai` as (instant, zone).
fn reference(text: &str) -> (DateTime<Utc>, Tz) {
    let (local, zone) = text.rsplit_once(' ').expect("local time and zone");
    let tz: Tz = zone.parse().expect("zone");
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("reference time");
    let now = tz
        .from_local_datetime(&naive)
        .single()
        .expect("an unambiguous reference");
    (now.with_timezone(&Utc), tz)
}

/// An expected instant: local wall time in `tz`, with seconds or a UTC offset when given.
fn instant(text: &str, tz: Tz) -> DateTime<Utc> {
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_str(text, "%Y-%m-%d %H:%M %:z") {
        return t.with_timezone(&Utc);
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|e| panic!("expected instant {text:?}: {e}"));
    tz.from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| panic!("{text:?} is not one instant in {tz}: give its offset"))
        .with_timezone(&Utc)
}

/// Which language a phrase is in: English, simplified or traditional Chinese.
fn language(phrase: &str) -> usize {
    if !phrase
        .chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
    {
        0
    } else if phrase
        .chars()
        .any(|c| "個禮週後兩內點鐘號這幾聽晝過頭裡".contains(c))
    {
        2
    } else {
        1
    }
}

/// Checks one row; `Err` says how it went wrong.
fn check_row(phrase: &str, now: DateTime<Utc>, tz: Tz, expected: &str) -> Result<(), String> {
    let hours = WorkingHours::default();
    let got = parse_deadline(phrase, now, tz, hours);
    let shown = |r: &Result<DateTime<Utc>, DeadlineError>| match r {
        Ok(t) => t
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        Err(e) => format!("{e:?}"),
    };
    let accepted = |s: &str| match parse_deadline(s, now, tz, hours) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("its suggestion {s:?} is itself refused: {e:?}")),
    };
    let Some(refusal) = expected.strip_prefix("refuse:") else {
        let want = instant(expected, tz);
        return match got {
            Ok(t) if t == want => Ok(()),
            other => Err(format!("expected {expected}, got {}", shown(&other))),
        };
    };
    let (reason, suggestion) = match refusal.split_once(':') {
        Some((r, s)) => (r, Some(s)),
        None => (refusal, None),
    };
    let wrong = || format!("expected {expected}, got {}", shown(&got));
    match (reason, &got) {
        ("past", Err(DeadlineError::Past { suggestion: s, .. }))
        | ("weekday", Err(DeadlineError::WeekdayMismatch { suggestion: s, .. })) => {
            if Some(s.as_str()) != suggestion {
                return Err(wrong());
            }
            accepted(s)
        }
        ("unrecognized", Err(DeadlineError::Unrecognized { suggestion: s, .. })) => {
            match (suggestion, s) {
                (Some("-"), None) | (None, None) => Ok(()),
                (Some(want), Some(s)) if want == s => accepted(s),
                (None, Some(s)) => accepted(s),
                _ => Err(wrong()),
            }
        }
        ("invalid", Err(DeadlineError::InvalidDate { .. }))
        | ("far", Err(DeadlineError::TooFar { .. })) => Ok(()),
        _ => Err(wrong()),
    }
}

#[test]
fn deadline_phrases_are_read_as_the_table_says() {
    let mut rows = 0;
    let mut understood = 0;
    let mut equal = 0;
    let mut refused = 0;
    let mut by_language = [0; 3];
    let mut from_chrono = 0;
    let mut failures = Vec::new();
    let lines = PHRASES
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#'));
    for (n, line) in lines.skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 4, "line {}: {line:?}", n + 1);
        let (phrase, expected) = (cols[0], cols[2]);
        let (now, tz) = reference(cols[1]);
        rows += 1;
        by_language[language(phrase)] += 1;
        from_chrono += usize::from(cols[3].starts_with("chrono "));
        match parse_deadline(phrase, now, tz, WorkingHours::default()) {
            Ok(t) => {
                understood += 1;
                equal +=
                    usize::from(!expected.starts_with("refuse:") && instant(expected, tz) == t);
            }
            Err(_) => refused += 1,
        }
        if let Err(why) = check_row(phrase, now, tz, expected) {
            failures.push(format!("line {}: {phrase:?} at {}: {why}", n + 1, cols[1]));
        }
    }
    println!(
        "deadline phrases: {rows} ({} English, {} simplified Chinese, {} traditional Chinese; \
         {from_chrono} from chrono's tests, {} a shop team's); understood {understood}, \
         equal to the expected instant {equal}; refused {refused}; {} not as the table says",
        by_language[0],
        by_language[1],
        by_language[2],
        rows - from_chrono,
        failures.len()
    );
    assert!(rows >= 300, "the corpus has {rows} phrases");
    assert!(
        failures.is_empty(),
        "{}\n{} of {rows} rows failed",
        failures.join("\n"),
        failures.len()
    );
}

fn load(file: &str, pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("storeops.toml");
    std::fs::write(&path, file).expect("write");
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::load(Some(&path), &move |k| map.get(k).cloned())
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

#[test]
fn working_hours_default_to_nine_to_six_and_can_be_set() {
    assert_eq!(
        Config::defaults().hours,
        WorkingHours {
            start: hm(9, 0),
            end: hm(18, 0)
        }
    );
    let c = load("[hours]\nstart = \"10:00\"\nend = \"19:30\"\n", &[]).expect("loads");
    assert_eq!((c.hours.start, c.hours.end), (hm(10, 0), hm(19, 30)));
    let c = load("", &[("STOREOPS_HOURS_END", "17:00")]).expect("loads");
    assert_eq!((c.hours.start, c.hours.end), (hm(9, 0), hm(17, 0)));
}

#[test]
fn bad_working_hours_stop_start_up_naming_the_key() {
    let cases = [
        ("[hours]\nstart = \"9am\"\n", "hours.start", "\"9am\""),
        ("[hours]\nend = \"25:00\"\n", "hours.end", "\"25:00\""),
        ("[hours]\nend = 18\n", "hours.end", "18"),
        (
            "[hours]\nstart = \"18:00\"\nend = \"09:00\"\n",
            "hours.end",
            "after hours.start (18:00)",
        ),
        (
            "[hours]\nlunch = \"12:00\"\n",
            "hours.lunch",
            "unknown configuration key",
        ),
    ];
    for (file, key, shown) in cases {
        let message = load(file, &[]).expect_err(file).to_string();
        assert!(message.contains(&format!("`{key}`")), "{file:?}: {message}");
        assert!(message.contains(shown), "{file:?}: {message}");
    }
    let message = load("", &[("STOREOPS_HOURS_START", "nine")])
        .expect_err("env")
        .to_string();
    assert!(
        message.contains("`hours.start`") && message.contains("STOREOPS_HOURS_START"),
        "{message}"
    );
}

#[test]
fn a_day_without_a_time_is_due_at_the_end_of_work() {
    let now: DateTime<Utc> = "2026-11-25T06:00:00Z".parse().expect("now"); // Wed 14:00 Shanghai
    let tz = chrono_tz::Asia::Shanghai;
    let local = |s: &str| {
        tz.from_local_datetime(
            &chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("local"),
        )
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
    };
    let late = WorkingHours::new(hm(10, 0), hm(19, 30)).expect("hours");
    assert_eq!(
        parse_deadline("fri", now, tz, late),
        Ok(local("2026-11-27 19:30"))
    );
    assert_eq!(
        parse_deadline("明天", now, tz, late),
        Ok(local("2026-11-26 19:30"))
    );
    assert_eq!(
        parse_deadline("fri", now, tz, WorkingHours::default()),
        Ok(local("2026-11-27 18:00"))
    );
    assert!(WorkingHours::new(hm(18, 0), hm(9, 0)).is_none());
}

/// Through the shell, as a user types them: `[hours]` from the configuration reaches the
/// parser, and refusals name the nearest form that works, in the user's language.
#[tokio::test]
async fn typed_deadlines_use_the_configured_hours_and_refusals_suggest() {
    let mut config = Config::defaults();
    config.hours = WorkingHours::new(hm(9, 30), hm(19, 30)).expect("hours");
    let t = crate::support::TestApp::with_config(config).await; // Monday 09:00 in Shanghai
    let mut shells = [
        t.shell("alice", "manager", "en-US").await,
        t.shell("li", "manager", "zh-CN").await,
    ];
    let (en, zh) = (0, 1);
    for (due, shown) in [
        ("eod", "2026-11-23 19:30"),
        ("明天下班前", "2026-11-24 19:30"),
        ("fri", "2026-11-27 19:30"),
        ("end of month", "2026-11-30 19:30"),
        ("3天内", "2026-11-26 09:00"),
        ("今晚", "2026-11-23 20:00"),
    ] {
        let line = format!("/task assign title:\"due {due}\" due:\"{due}\" user:@bob");
        let out = shells[en].execute(&line).await.text;
        assert!(out.contains(shown), "{due:?}: {out}");
    }
    let cases = [
        (en, "tomorow 9am", "Did you mean \"tomorrow 9am\"?"),
        (
            en,
            "this morning",
            "has already passed. Did you mean \"tomorrow morning\"?",
        ),
        (
            en,
            "thu 12/4",
            "does not match the date. Did you mean \"fri 2026-12-04\"?",
        ),
        (zh, "3天前", "你是指“3天后”吗？"),
        (zh, "上午", "已经过去了。你是指“明天上午”吗？"),
        (
            zh,
            "12月4日周四",
            "星期和日期对不上。你是指“2026年12月4日周五”吗？",
        ),
    ];
    for (who, due, said) in cases {
        let line = format!("/task assign title:x due:\"{due}\" user:@bob");
        let out = shells[who].execute(&line).await.text;
        assert!(out.contains(said), "{due:?}: {out}");
    }
    let line = "/task recurring title:x schedule:\"0 9 15W * *\" position:customer-service";
    let out = shells[en].execute(line).await.text;
    assert!(
        out.contains("\"15W\"") && out.contains("\"monthly 15 09:00\""),
        "{out}"
    );
    let out = shells[zh].execute(line).await.text;
    assert!(out.contains("“每月15日 09:00”"), "{out}");
}
