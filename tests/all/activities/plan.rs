//! An activity's reminders planned into the outbox: at the right instants in Asia/Shanghai
//! (lead times, the follow-up after the quiet hours), at ten o'clock across New York's DST
//! change, never twice across restarts, and listed, not lost, after a long outage.

use std::sync::Arc;

use storeops::adapters::shell::shell_channel;
use storeops::app::App;
use storeops::clock::ManualClock;

use crate::support::TestApp;
use crate::support::sent::{Sent, all_sent};
use crate::support::shell::{add_activity, boss, role, run, shell_on};
use crate::support::store::{activity_pings, by_key};
use crate::support::time::{local, utc};

#[tokio::test]
async fn reminders_fire_at_the_right_instants_in_shanghai_and_ping_exactly_the_role() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Free shipping" schedule:"每周四 09:00" ping:marketing lead:"18h, 0" message:"<@&999> @everyone check the templates""#,
    )
    .await;
    // Thursday 2026-11-26 09:00 local = 01:00 UTC.
    let r = activity_pings(&t.app, id).await;
    let before = by_key(&r, "activity:1:2026-11-26T01:00:00Z:lead-1080");
    assert_eq!(
        before.due,
        local("2026-11-25 15:00"),
        "the afternoon before"
    );
    assert_eq!(before.target, shell_channel());
    assert_eq!(before.reply.mentions.roles, vec![role("marketing")]);
    assert!(before.reply.mentions.users.is_empty());
    assert!(
        before.reply.text().contains("‹@\u{200B}&999›")
            && before.reply.text().contains("@\u{200B}everyone"),
        "typed mentions are neutralised: {}",
        before.reply.text()
    );
    // Half-way through the 18 h lead is midnight: the follow-up waits for the quiet hours
    // to end (08:00).
    let follow = by_key(&r, "activity:1:2026-11-26T01:00:00Z:follow-up");
    assert_eq!(follow.due, local("2026-11-26 08:00"));
    let start = by_key(&r, "activity:1:2026-11-26T01:00:00Z:lead-0");
    assert_eq!(start.due, local("2026-11-26 09:00"));
    assert_eq!(r.len(), 3, "only the next occurrence is planned: {r:#?}");
    // Added too late for its first reminder (a week ahead): no follow-up to a reminder that
    // never went out.
    let late = add_activity(
        &mut sh,
        r#"/activity add name:"Team dinner" schedule:"fri 19:00" ping:manager lead:"7d, 1d""#,
    )
    .await;
    let keys: Vec<String> = activity_pings(&t.app, late)
        .await
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(keys, vec!["activity:2:2026-11-27T11:00:00Z:lead-1440"]);
    run(&mut sh, "/activity remove id:2").await;

    let out = run(&mut sh, ":advance 2d").await;
    assert!(
        all_sent(&out).is_empty(),
        "nothing before Wednesday 15:00: {out}"
    );
    let out = run(&mut sh, ":advance 6h").await;
    let msgs = all_sent(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(
        msgs[0]
            .text
            .starts_with("#shell]\n@marketing\n== 📅 Free shipping ==")
            && msgs[0].text.contains("Starts 2026-11-26 09:00 (Thu)")
            && msgs[0].text.contains("[Got it] /press act:ack:1:"),
        "{out}"
    );
    let out = run(&mut sh, ":advance 1d").await;
    let msgs = all_sent(&out);
    assert_eq!(
        msgs.len(),
        2,
        "the follow-up at 08:00 and the start at 09:00: {out}"
    );
    assert!(
        msgs[0].text.contains("Nobody has pressed \"Got it\" yet"),
        "{out}"
    );
    assert!(!msgs[1].text.contains("Nobody has pressed"), "{out}");

    let r = activity_pings(&t.app, id).await;
    for key in [
        "activity:1:2026-11-26T01:00:00Z:lead-1080",
        "activity:1:2026-11-26T01:00:00Z:follow-up",
        "activity:1:2026-11-26T01:00:00Z:lead-0",
    ] {
        let x = by_key(&r, key);
        assert_eq!(x.state, "sent", "{key}");
        assert_eq!(x.sent_at, Some(x.due), "{key} sent when due");
    }
    // When it fired, the next occurrence was planned.
    let next = by_key(&r, "activity:1:2026-12-03T01:00:00Z:lead-1080");
    assert_eq!(next.state, "pending");
    assert_eq!(next.due, local("2026-12-02 15:00"));
    assert_eq!(
        r.iter().filter(|x| x.state == "pending").count(),
        3,
        "{r:#?}"
    );
}

#[tokio::test]
async fn a_monday_ten_oclock_activity_stays_at_ten_across_new_yorks_dst_change() {
    let t = TestApp::quiet().await;
    // Tuesday 2026-10-20, before the US change on Sunday 2026-11-01.
    let clock = ManualClock::new(utc("2026-10-20T12:00:00Z"));
    let app = App::new(
        t.app.store.clone(),
        Arc::new(clock.clone()),
        t.app.config.clone(),
    );
    let mut sh = shell_on(&app, &clock, "alice", "manager").await;
    let out = run(&mut sh, "/setup timezone:America/New_York language:en-US").await;
    assert!(out.contains("America/New_York"), "{out}");
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Weekly review" schedule:"mon 10:00" ping:operations lead:0"#,
    )
    .await;
    let out = run(&mut sh, ":advance 21d").await;
    let shown: Vec<Sent> = all_sent(&out);
    assert_eq!(shown.len(), 3, "{out}");
    let r = activity_pings(&app, id).await;
    // 10:00 EDT (UTC-4) before the change, 10:00 EST (UTC-5) after it.
    for key in [
        "activity:1:2026-10-26T14:00:00Z:lead-0",
        "activity:1:2026-11-02T15:00:00Z:lead-0",
        "activity:1:2026-11-09T15:00:00Z:lead-0",
    ] {
        let x = by_key(&r, key);
        assert_eq!(x.state, "sent", "{key}");
        assert_eq!(x.sent_at, Some(x.due), "{key}");
    }
    assert_eq!(
        by_key(&r, "activity:1:2026-11-16T15:00:00Z:lead-0").state,
        "pending"
    );
    assert_eq!(r.len(), 4, "{r:#?}");
}

#[tokio::test]
async fn restarts_and_downtime_never_send_a_reminder_twice() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Free shipping" schedule:"thu 09:00" ping:marketing lead:"1d, 0""#,
    )
    .await;
    let out = run(&mut sh, ":advance 2d").await;
    assert_eq!(all_sent(&out).len(), 1, "the reminder a day before: {out}");
    drop(sh);

    // The bot is down from Wednesday 09:00 until Thursday 12:00 (within the 6 h grace).
    t.clock.set(local("2026-11-26 12:00"));
    let app2 = t.restart().await;
    let mut sh2 = shell_on(&app2, &t.clock, "alice", "manager").await;
    let out = run(&mut sh2, "/activity calendar").await;
    let msgs = all_sent(&out);
    assert_eq!(
        msgs.len(),
        1,
        "only the start, late; no follow-up after it: {out}"
    );
    assert!(
        msgs[0].text.contains("📅 Free shipping") && msgs[0].text.contains("Sent late by 3 h"),
        "{out}"
    );
    let r = activity_pings(&app2, id).await;
    assert_eq!(
        by_key(&r, "activity:1:2026-11-26T01:00:00Z:follow-up").state,
        "cancelled"
    );
    // A third process start in the same instant sends nothing again.
    let app3 = t.restart().await;
    let mut sh3 = shell_on(&app3, &t.clock, "alice", "manager").await;
    let out = run(&mut sh3, "/activity list").await;
    assert!(all_sent(&out).is_empty(), "{out}");
    let out = run(&mut sh3, ":advance 7d").await;
    let msgs = all_sent(&out);
    assert_eq!(
        msgs.len(),
        3,
        "next week's day-before, follow-up and start: {out}"
    );

    let r = activity_pings(&app3, id).await;
    let sent_keys: Vec<&str> = r
        .iter()
        .filter(|x| x.state == "sent")
        .map(|x| x.key.as_str())
        .collect();
    assert_eq!(
        sent_keys,
        vec![
            "activity:1:2026-11-26T01:00:00Z:lead-1440",
            "activity:1:2026-11-26T01:00:00Z:lead-0",
            "activity:1:2026-12-03T01:00:00Z:lead-1440",
            "activity:1:2026-12-03T01:00:00Z:follow-up",
            "activity:1:2026-12-03T01:00:00Z:lead-0",
        ]
    );
}

#[tokio::test]
async fn occurrences_missed_during_a_long_outage_are_listed_not_lost() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Chat check" schedule:"daily 17:00" ping:customer-service lead:0"#,
    )
    .await;
    drop(sh);
    // Down from Monday 09:00 to Thursday 10:00: Monday's, Tuesday's and Wednesday's checks
    // were missed, all longer ago than the grace window.
    t.clock.set(local("2026-11-26 10:00"));
    let app2 = t.restart().await;
    let mut sh2 = shell_on(&app2, &t.clock, "alice", "manager").await;
    let out = run(&mut sh2, "/activity list").await;
    let msgs = all_sent(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(
        msgs[0].text.contains("Missed while the bot was offline")
            && msgs[0].text.matches("📅 Chat check").count() == 3,
        "{out}"
    );
    assert!(out.contains("next: 2026-11-26 17:00 (Thu)"), "{out}");
    let r = activity_pings(&app2, id).await;
    let skipped = r.iter().filter(|x| x.state == "skipped").count();
    assert_eq!(skipped, 3, "{r:#?}");
    let out = run(&mut sh2, ":advance 8h").await;
    assert_eq!(all_sent(&out).len(), 1, "{out}");
}
