//! Recurring tasks that end: `until:` a day or `times:` a count, checked against a reference
//! expansion of the schedule; the last one says it is the last; downtime counts the missed ones.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use storeops::clock::Clock;

use crate::support::TestApp;
use crate::support::shell::{boss, run};

/// Reference: weekdays at 10:00 in Shanghai after `now`, up to and including `until`, at most
/// `times` of them.
fn weekdays_at_ten(now: DateTime<Utc>, until: NaiveDate, times: usize) -> Vec<DateTime<Utc>> {
    let mut day = now.with_timezone(&Shanghai).date_naive();
    let mut out = Vec::new();
    while day <= until && out.len() < times {
        let at = Shanghai
            .from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && at > now {
            out.push(at);
        }
        day = day.succ_opt().unwrap();
    }
    out
}

async fn occurrences(t: &TestApp, def: i64) -> Vec<DateTime<Utc>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT occurrence_at FROM tasks WHERE recurring_id = ?1 ORDER BY occurrence_at",
    )
    .bind(def)
    .fetch_all(&t.app.store.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(ms,)| DateTime::from_timestamp_millis(ms).unwrap())
        .collect()
}

#[tokio::test]
async fn until_and_times_end_where_the_reference_expansion_ends() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let start = t.clock_now();
    let out = run(
        &mut sh,
        r#"/task recurring title:"Check chats" schedule:"weekdays 10:00" user:@bob due-in:8h until:2026-12-02"#,
    )
    .await;
    assert!(out.contains("Ends after 2026-12-02"), "{out}");
    let out = run(
        &mut sh,
        r#"/task recurring title:"Count stock" schedule:"weekdays 10:00" user:@carol times:3"#,
    )
    .await;
    assert!(out.contains("0 of 3 made"), "{out}");
    let out = run(&mut sh, ":advance 14d").await;
    let until = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    assert_eq!(
        occurrences(&t, 1).await,
        weekdays_at_ten(start, until, usize::MAX)
    );
    assert_eq!(
        occurrences(&t, 2).await,
        weekdays_at_ten(start, NaiveDate::MAX, 3)
    );
    // Each definition's last task says so, once.
    assert_eq!(
        out.matches("This is the last task of recurring task 1")
            .count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("This is the last task of recurring task 2")
            .count(),
        1,
        "{out}"
    );
    let list = run(&mut sh, "/task recurring").await;
    assert!(
        list.contains("Ends after 2026-12-02") && list.contains("3 of 3 made"),
        "{list}"
    );
}

#[tokio::test]
async fn missed_occurrences_count_towards_times() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        r#"/task recurring title:"Count stock" schedule:"weekdays 10:00" user:@carol times:3"#,
    )
    .await;
    // The bot was down from Monday 09:00 to the next Monday: Mon, Tue, Wed were due.
    t.clock.set(t.clock.now() + Duration::days(7));
    // The first command after the restart wakes the jobs; the second sees what they did.
    let woke = run(&mut sh, "/task recurring").await;
    assert!(
        woke.contains("This is the last task of recurring task 1"),
        "{woke}"
    );
    let out = run(&mut sh, "/task recurring").await;
    assert!(out.contains("3 of 3 made"), "{out}");
    let made = occurrences(&t, 1).await;
    assert_eq!(
        made,
        weekdays_at_ten(t.clock_now() - Duration::days(7), NaiveDate::MAX, 3)[2..]
    );
}

#[tokio::test]
async fn ends_that_cannot_be_are_refused_and_nothing_is_stored() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    for (line, says) in [
        (
            r#"/task recurring title:x schedule:"weekdays 10:00" user:@bob until:2026-12-31 times:3"#,
            "not both",
        ),
        (
            r#"/task recurring title:x schedule:"weekdays 10:00" user:@bob until:2026-11-22"#,
            "would end before it first occurs",
        ),
        (
            r#"/task recurring title:x schedule:"weekdays 10:00" user:@bob times:0"#,
            "not a count from 1 to 10000",
        ),
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains(says), "{line}: {out}");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM task_recurring")
        .fetch_one(&t.app.store.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

/// An activity with `until:` reminds on exactly the reference expansion's days up to it, the
/// list, the confirmation and the calendar file say so, and `until:-` lets it go on.
#[tokio::test]
async fn an_activity_until_a_day_reminds_up_to_it_and_no_further() {
    let mut config = storeops::config::Config::defaults();
    config.activities.seed_defaults = false;
    config.activities.follow_up = false;
    let t = TestApp::with_config(config).await;
    let mut sh = boss(&t).await;
    let start = t.clock_now();
    let until = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let out = run(&mut sh, "/activity add name:Standup schedule:\"weekdays 10:00\" ping:operations lead:0 until:2026-11-20").await;
    assert!(out.contains("until:2026-11-20 is already past"), "{out}");
    assert!(!run(&mut sh, "/activity list").await.contains("Standup"));
    let out = run(&mut sh, "/activity add name:Standup schedule:\"weekdays 10:00\" ping:operations lead:0 until:2026-12-03").await;
    assert!(out.contains("Last day: 2026-12-03"), "{out}");
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("ends after 2026-12-03"), "{out}");

    // The calendar file holds the reference's occurrences and no later one.
    let out = run(&mut sh, "/activity calendar format:ics").await;
    let path = out
        .lines()
        .find_map(|l| l.strip_prefix("Saved: "))
        .unwrap_or_else(|| panic!("no file: {out}"));
    let raw = std::fs::read_to_string(path).unwrap();
    let want = weekdays_at_ten(start, until, 1000);
    let got: Vec<_> = super::rrule::starts(&raw, start, start + chrono::Duration::days(400))
        .into_iter()
        .map(|e| e.1)
        .collect();
    assert_eq!(got, want, "{raw}");

    // Three weeks on: one reminder per reference occurrence, none after the last day.
    let out = run(&mut sh, ":advance 21d").await;
    let sent: Vec<_> = crate::support::sent::all_sent(&out)
        .into_iter()
        .filter(|m| m.title.contains("Standup"))
        .collect();
    assert_eq!(sent.len(), want.len(), "{out}");
    // Only the last reminder says it is the last.
    let last: Vec<bool> = sent
        .iter()
        .map(|m| m.text.contains("This is the last time"))
        .collect();
    let mut expected = vec![false; want.len()];
    *expected.last_mut().unwrap() = true;
    assert_eq!(last, expected, "{out}");
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("ends after 2026-12-03"), "{out}");

    // until:- removes the end: it reminds again from the next weekday.
    let out = run(&mut sh, "/activity edit id:1 until:-").await;
    assert!(!out.contains("Last day"), "{out}");
    let out = run(&mut sh, ":advance 1d").await;
    let sent = crate::support::sent::all_sent(&out)
        .into_iter()
        .filter(|m| m.title.contains("Standup"))
        .count();
    assert_eq!(sent, 1, "{out}");
}

/// An activity with `times:` reminds exactly that many times (the reference expansion's
/// first N), its calendar file holds N events, and a new count on edit counts from then.
#[tokio::test]
async fn an_activity_with_times_reminds_that_many_times() {
    let mut config = storeops::config::Config::defaults();
    config.activities.seed_defaults = false;
    config.activities.follow_up = false;
    let t = TestApp::with_config(config).await;
    let mut sh = boss(&t).await;
    let start = t.clock_now();
    let far = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    let out = run(&mut sh, "/activity add name:Standup schedule:\"weekdays 10:00\" ping:operations lead:0 times:3 until:2026-12-31").await;
    assert!(out.contains("not both"), "{out}");
    let out = run(
        &mut sh,
        "/activity add name:Standup schedule:\"weekdays 10:00\" ping:operations lead:0 times:4",
    )
    .await;
    assert!(out.contains("Occurrences: 4"), "{out}");
    assert!(
        run(&mut sh, "/activity list")
            .await
            .contains("ends after 4 occurrences")
    );
    let want = weekdays_at_ten(start, far, 4);
    let out = run(&mut sh, "/activity calendar format:ics").await;
    let path = out
        .lines()
        .find_map(|l| l.strip_prefix("Saved: "))
        .unwrap_or_else(|| panic!("no file: {out}"));
    let raw = std::fs::read_to_string(path).unwrap();
    let got: Vec<_> = super::rrule::starts(&raw, start, start + chrono::Duration::days(400))
        .into_iter()
        .map(|e| e.1)
        .collect();
    assert_eq!(got, want, "{raw}");
    let out = run(&mut sh, ":advance 7d").await;
    let sent: Vec<_> = crate::support::sent::all_sent(&out)
        .into_iter()
        .filter(|m| m.title.contains("Standup"))
        .collect();
    assert_eq!(sent.len(), 4, "{out}");
    let last: Vec<bool> = sent
        .iter()
        .map(|m| m.text.contains("This is the last time"))
        .collect();
    assert_eq!(last, [false, false, false, true], "{out}");

    // Two more from now (Monday 09:00): Monday and Tuesday, then nothing.
    let now = t.clock_now();
    run(&mut sh, "/activity edit id:1 times:2").await;
    // In Chinese the last one says so too.
    sh.execute("/setup language:zh-CN").await;
    let out = run(&mut sh, ":advance 7d").await;
    let got: Vec<_> = crate::support::sent::all_sent(&out)
        .into_iter()
        .filter(|m| m.title.contains("Standup"))
        .collect();
    assert_eq!(got.len(), weekdays_at_ten(now, far, 2).len(), "{out}");
    let last: Vec<bool> = got
        .iter()
        .map(|m| m.text.contains("这是最后一次"))
        .collect();
    assert_eq!(last, [false, true], "{out}");
}
