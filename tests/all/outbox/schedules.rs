//! Schedules materialised as outbox rows, one occurrence at a time: a weekly 10:00 stays at ten
//! local across the 2026 DST changes (and across a restart), a local time that does not exist
//! fires at the end of the gap, and one that happens twice fires once.

use std::sync::Arc;

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use storeops::app::App;
use storeops::clock::ManualClock;
use storeops::domain::schedule::{Schedule, parse_schedule};
use storeops::store::outbox::Target;

use crate::support::outbox::{CH_A, GUILD, dispatcher, enqueue, message, run_due};
use crate::support::store::{OutboxRow, outbox_row, outbox_where};
use crate::support::time::utc;
use crate::support::{RecordingSink, TestApp};

/// The dedupe key of a schedule's occurrence at `at`.
fn schedule_key(name: &str, at: DateTime<Utc>) -> String {
    format!(
        "sched:{name}:{}",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// Materialises the next occurrence of a schedule after `after` as one outbox row.
async fn materialise(
    app: &App,
    name: &str,
    schedule: &Schedule,
    tz: Tz,
    after: DateTime<Utc>,
) -> (DateTime<Utc>, String, bool) {
    let at = schedule.next_after(after, tz).expect("a next occurrence");
    let key = schedule_key(name, at);
    let m = message(
        GUILD,
        &key,
        &format!("sched:{name}"),
        Target::Channel(CH_A),
        at,
    );
    let added = enqueue(app, &m).await;
    (at, key, added)
}

/// Materialises `n` occurrences one after the other from `from`, each a new row; their keys.
async fn materialise_each(
    app: &App,
    name: &str,
    schedule: &Schedule,
    tz: Tz,
    from: DateTime<Utc>,
    n: usize,
) -> Vec<String> {
    let mut cursor = from;
    let mut keys = Vec::new();
    for _ in 0..n {
        let (at, key, added) = materialise(app, name, schedule, tz, cursor).await;
        assert!(added);
        keys.push(key);
        cursor = at;
    }
    keys
}

/// How many rows of `source` wait to be sent.
async fn pending_of(app: &App, source: &str) -> usize {
    outbox_where(app, "source = ?1 AND state = 'pending'", &[source])
        .await
        .len()
}

/// An app on the test's database whose clock starts at `start`.
fn app_at(t: &TestApp, start: DateTime<Utc>) -> (App, ManualClock) {
    let clock = ManualClock::new(start);
    let app = App::new(
        t.app.store.clone(),
        Arc::new(clock.clone()),
        t.app.config.clone(),
    );
    (app, clock)
}

#[tokio::test]
async fn weekly_schedule_rows_stay_at_ten_local_across_the_2026_dst_changes() {
    let t = TestApp::new().await;
    let weekly = parse_schedule("mon 10:00").expect("schedule");
    let expected: &[(Tz, &str, &[&str])] = &[
        (
            chrono_tz::America::New_York,
            "weekly-ny",
            &[
                "2026-03-02T15:00:00Z",
                "2026-03-09T14:00:00Z",
                "2026-10-26T14:00:00Z",
                "2026-11-02T15:00:00Z",
            ],
        ),
        (
            chrono_tz::Europe::Berlin,
            "weekly-berlin",
            &[
                "2026-03-23T09:00:00Z",
                "2026-03-30T08:00:00Z",
                "2026-10-19T08:00:00Z",
                "2026-10-26T09:00:00Z",
            ],
        ),
    ];
    for (tz, name, instants) in expected {
        let source = format!("sched:{name}");
        let begin = utc("2026-02-20T00:00:00Z");
        let (mut app, clock) = app_at(&t, begin);
        let sink = RecordingSink::new();
        let mut d = dispatcher(&app, &sink, "p");
        let mut cursor = begin;
        let mut dues = Vec::new();
        let mut restarted = false;
        while cursor < utc("2026-11-10T00:00:00Z") {
            let (at, key, added) = materialise(&app, name, &weekly, *tz, cursor).await;
            assert!(added, "{key}");
            assert_eq!(
                pending_of(&app, &source).await,
                1,
                "only the next occurrence"
            );
            // Materialising again (a second look, or after a restart) adds nothing.
            let (again, _, added) = materialise(&app, name, &weekly, *tz, cursor).await;
            assert_eq!((again, added), (at, false));
            if !restarted && at > utc("2026-06-01T00:00:00Z") {
                let fresh = t.restart().await;
                app = App::new(
                    fresh.store.clone(),
                    Arc::new(clock.clone()),
                    fresh.config.clone(),
                );
                d = dispatcher(&app, &sink, "p2");
                let (again, _, added) = materialise(&app, name, &weekly, *tz, cursor).await;
                assert_eq!((again, added), (at, false), "after a restart");
                restarted = true;
            }
            assert_eq!(pending_of(&app, &source).await, 1);
            clock.set(at);
            assert_eq!(run_due(&d).await.sent, 1, "{key}");
            dues.push(at);
            cursor = at;
        }
        assert_eq!(dues.len(), 39, "Mondays 2026-02-23 ..= 2026-11-16 in {tz}");
        for (i, at) in dues.iter().enumerate() {
            let local = at.with_timezone(tz);
            assert_eq!(local.weekday(), Weekday::Mon, "{local}");
            assert_eq!((local.hour(), local.minute()), (10, 0), "{local}");
            if i > 0 {
                let prev = dues[i - 1].with_timezone(tz);
                assert_eq!((local.date_naive() - prev.date_naive()).num_days(), 7);
            }
            let r = outbox_row(&app, &schedule_key(name, *at)).await;
            assert_eq!((r.state.as_str(), r.due), ("sent", *at));
        }
        for s in *instants {
            let at = utc(s);
            assert!(dues.contains(&at), "{name} {s}");
            assert!(
                !outbox_where(&app, "dedupe_key = ?1", &[&format!("sched:{name}:{s}")])
                    .await
                    .is_empty()
            );
        }
        let calls = sink.calls();
        assert_eq!(calls.len(), 39);
        assert!(
            calls.iter().all(|c| c.reply.footer.is_none()),
            "sent on time"
        );
    }
}

#[tokio::test]
async fn nonexistent_local_time_fires_at_the_end_of_the_gap_and_repeated_time_once() {
    let t = TestApp::new().await;
    let ny = chrono_tz::America::New_York;

    // 02:30 does not exist on 2026-03-08 in New York: it fires at 03:00 EDT.
    let daily = parse_schedule("daily 02:30").expect("schedule");
    let got = materialise_each(&t.app, "gap", &daily, ny, utc("2026-03-07T00:00:00Z"), 3).await;
    assert_eq!(
        got,
        vec![
            "sched:gap:2026-03-07T07:30:00Z",
            "sched:gap:2026-03-08T07:00:00Z",
            "sched:gap:2026-03-09T06:30:00Z",
        ]
    );
    let at = utc("2026-03-08T07:00:00Z").with_timezone(&ny);
    assert_eq!((at.hour(), at.minute()), (3, 0));
    assert_eq!(at.offset().to_string(), "EDT");

    // 01:30 happens twice on 2026-11-01 in New York: one row, at the first.
    let daily = parse_schedule("daily 01:30").expect("schedule");
    let got = materialise_each(&t.app, "fold", &daily, ny, utc("2026-10-31T12:00:00Z"), 2).await;
    assert_eq!(
        got,
        vec![
            "sched:fold:2026-11-01T05:30:00Z",
            "sched:fold:2026-11-02T06:30:00Z"
        ]
    );
    let on_first: Vec<OutboxRow> = outbox_where(&t.app, "source = ?1", &["sched:fold"])
        .await
        .into_iter()
        .filter(|r| r.due.with_timezone(&ny).day() == 1)
        .collect();
    assert_eq!(on_first.len(), 1, "{on_first:?}");
    assert!(on_first.iter().all(|r| r.source == "sched:fold"));

    // Delivered at those instants with the manual clock.
    let (app, clock) = app_at(&t, utc("2026-03-07T00:00:00Z"));
    let sink = RecordingSink::new();
    let d = dispatcher(&app, &sink, "p");
    clock.set(utc("2026-03-08T06:59:59Z"));
    // 03-07 07:30 is > 6 h late by now: skipped; 03-08 not yet due.
    let s = run_due(&d).await;
    assert_eq!((s.skipped, s.sent), (1, 1), "{s:?}");
    assert_eq!(
        outbox_row(&app, "sched:gap:2026-03-08T07:00:00Z")
            .await
            .state,
        "pending"
    );
    clock.set(utc("2026-03-08T07:00:00Z"));
    assert_eq!(run_due(&d).await.sent, 1);
    assert_eq!(
        outbox_row(&app, "sched:gap:2026-03-08T07:00:00Z")
            .await
            .state,
        "sent"
    );
}
