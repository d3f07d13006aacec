//! Calendar files (.ics): `/activity calendar format:ics` and `/task list format:ics`, read
//! back with an independent parser (the `icalendar` crate) and compared with a reference
//! expansion of the schedule and with the database; RFC 5545's folding, escaping and stable
//! UIDs checked on the raw text.

use std::path::PathBuf;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use icalendar::parser::{read_calendar, unfold};

use crate::support::TestApp;
use crate::support::shell::{add_activity, boss, run};

fn saved(out: &str) -> PathBuf {
    out.lines()
        .find_map(|l| l.strip_prefix("Saved: "))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no file saved: {out}"))
}

/// (UID, start, end, summary, description) of every VEVENT, as the parser reads them.
type Ev = (String, DateTime<Utc>, DateTime<Utc>, String, Option<String>);

fn events(raw: &str) -> Vec<Ev> {
    // RFC 5545 §3.1: lines end in CRLF and are at most 75 octets.
    assert!(raw.ends_with("\r\n"));
    for line in raw.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
    let unfolded = unfold(raw);
    let cal = read_calendar(&unfolded).expect("an RFC 5545 calendar");
    let prop = |c: &icalendar::parser::Component, name: &str| {
        c.properties
            .iter()
            .find(|p| p.name.as_str() == name)
            .map(|p| p.val.clone().unescape_text().as_str().to_string())
    };
    assert!(
        cal.properties
            .iter()
            .any(|p| p.name.as_str() == "VERSION" && p.val.as_str() == "2.0")
    );
    let at = |s: String| {
        NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y%m%dT%H%M%S")
            .expect("a UTC date-time")
            .and_utc()
    };
    cal.components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| {
            assert!(prop(c, "DTSTAMP").is_some());
            let start = at(prop(c, "DTSTART").expect("start"));
            let end = match prop(c, "DURATION") {
                // A recurring event (its starts are read by `super::rrule::starts`).
                Some(d) => {
                    let secs: i64 = d
                        .trim_start_matches("PT")
                        .trim_end_matches('S')
                        .parse()
                        .expect("seconds");
                    start + Duration::seconds(secs)
                }
                None => {
                    assert!(prop(c, "DTSTART").unwrap().ends_with('Z'));
                    at(prop(c, "DTEND").expect("end"))
                }
            };
            (
                prop(c, "UID").expect("uid"),
                start,
                end,
                prop(c, "SUMMARY").expect("summary"),
                prop(c, "DESCRIPTION"),
            )
        })
        .collect()
}

/// Reference expansion: every Wednesday at 10:00 in Shanghai after `now`, for 90 days, except
/// the days in `skip`.
fn wednesdays(now: DateTime<Utc>, skip: &[NaiveDate]) -> Vec<DateTime<Utc>> {
    let end = now + Duration::days(90);
    let mut day = now.with_timezone(&Shanghai).date_naive();
    let mut out = Vec::new();
    while Shanghai
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        < end
    {
        let at = Shanghai
            .from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        if day.weekday() == Weekday::Wed && at > now && at < end && !skip.contains(&day) {
            out.push(at);
        }
        day = day.succ_opt().unwrap();
    }
    out
}

#[tokio::test]
async fn the_activity_calendar_matches_a_reference_expansion() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let name = "上新日, new products; \\\"launch\\\" — a name long enough to be folded in the file";
    let id = add_activity(
        &mut sh,
        &format!(
            r#"/activity add name:'{}' schedule:"wed 10:00" ping:marketing lead:0 holidays:skip checklist:"Photos ready; Copy, checked""#,
            name.replace("\\\"", "\"")
        ),
    )
    .await;
    let paused = add_activity(
        &mut sh,
        r#"/activity add name:"Paused one" schedule:"mon 10:00" ping:marketing lead:0"#,
    )
    .await;
    let out = run(&mut sh, &format!("/activity pause id:{paused}")).await;
    assert!(out.contains("paused"), "{out}");
    run(&mut sh, "/holiday add name:Stocktake from:2026-12-09").await;

    let out = run(&mut sh, "/activity calendar format:ics").await;
    let path = saved(&out);
    assert!(path.ends_with("activities.ics"));
    let raw = std::fs::read_to_string(&path).expect("read");
    let evs = events(&raw);
    let skip = [NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()];
    let expected = wednesdays(t.clock_now(), &skip);
    let now = t.clock_now();
    assert_eq!(
        super::rrule::starts(&raw, now, now + Duration::days(90))
            .into_iter()
            .map(|e| e.1)
            .collect::<Vec<_>>(),
        expected,
        "{raw}"
    );
    // One recurring event, the holiday left out by an EXDATE.
    assert_eq!(evs.len(), 1, "{raw}");
    assert!(raw.contains("RRULE:FREQ=WEEKLY;BYDAY=WE\r\n"), "{raw}");
    assert!(
        raw.contains("EXDATE;TZID=Asia/Shanghai:20261209T100000\r\n"),
        "{raw}"
    );
    assert!(
        out.contains(&format!("{} activity times", expected.len())),
        "{out}"
    );
    for e in &evs {
        assert_eq!(e.3, name.replace("\\\"", "\""));
        assert_eq!(e.2 - e.1, Duration::hours(1));
        assert_eq!(e.4.as_deref(), Some("☐ Photos ready\n☐ Copy, checked"));
        assert!(e.0.starts_with(&format!("activity-{id}-")), "{}", e.0);
    }

    // A day later the same occurrences keep their UIDs (importing again updates them).
    run(&mut sh, ":advance 1d").await;
    let out = run(&mut sh, "/activity calendar format:ics").await;
    let again = events(&std::fs::read_to_string(saved(&out)).expect("read"));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, evs[0].0);
}

#[tokio::test]
async fn the_task_list_as_a_calendar_holds_every_deadline() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    for line in [
        r#"/task assign title:"Banner, v2; final" due:"2026-11-27 18:00" user:@bob"#,
        r#"/task assign title:"Restock sheet" due:"2026-12-03 12:00" user:@carol note:"line one""#,
        r#"/task assign title:Own due:"2026-11-24 10:00""#,
    ] {
        assert!(run(&mut sh, line).await.contains("New task"), "{line}");
    }
    run(&mut sh, "/task done id:3").await;
    let out = run(&mut sh, "/task list scope:all format:ics").await;
    assert!(out.contains("2 tasks as a calendar file"), "{out}");
    let evs = events(&std::fs::read_to_string(saved(&out)).expect("read"));
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, title, due_at FROM tasks WHERE status != 'done' ORDER BY due_at",
    )
    .fetch_all(&t.app.store.pool)
    .await
    .unwrap();
    assert_eq!(evs.len(), rows.len());
    for (e, (id, title, due)) in evs.iter().zip(&rows) {
        assert!(e.0.starts_with(&format!("task-{id}-")));
        assert_eq!(e.2, DateTime::from_timestamp_millis(*due).unwrap());
        assert_eq!(e.3, format!("#{id} {title}"));
    }
    assert_eq!(
        evs[1].4.as_deref(),
        Some("Status: open · Priority: normal\nline one")
    );
}
