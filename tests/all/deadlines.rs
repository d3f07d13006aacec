//! Deadlines as people type them: the `[hours]` configuration they depend on.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use storeops::config::{Config, ConfigError};
use storeops::domain::deadline::{WorkingHours, parse_deadline};

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
