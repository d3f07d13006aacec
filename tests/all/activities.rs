//! Fixed activities end to end through the shell: every `/activity` and `/holiday` command,
//! reminders at the right manual-clock instants (Asia/Shanghai and across New York's DST
//! change), holidays that skip or add a note, "Got it" and checklist buttons, the follow-up,
//! the shipped defaults created once per guild, restarts and downtime, permissions and errors
//! in both languages. Time moves only by the manual clock.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use storeops::adapters::shell::{SHELL_GUILD, Shell, shell_channel, shell_id};
use storeops::app::cmd::activity::{materialise_activities, occurrences_between};
use storeops::app::{Actor, App, Origin};
use storeops::clock::ManualClock;
use storeops::config::Config;
use storeops::domain::position::Position;
use storeops::i18n::Locale;
use storeops::store::settings::{self, SettingsChange};
use storeops::store::{from_ms, id_in, ms};

use crate::support::TestApp;

// ---------------------------------------------------------------- helpers

/// A local Asia/Shanghai time ("2026-11-26 09:00") as an instant.
fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("local time");
    Shanghai
        .from_local_datetime(&naive)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// The pretend role the shell maps a position to.
fn role(position: &str) -> u64 {
    shell_id(&format!("@&{position}"))
}

/// A core without the shipped default activities and holidays, so only the test's own
/// activities remind.
async fn quiet() -> TestApp {
    let mut config = Config::defaults();
    config.activities.seed_defaults = false;
    TestApp::with_config(config).await
}

async fn run(sh: &mut Shell, line: &str) -> String {
    sh.execute(line).await.text
}

/// alice, a manager, in a guild that speaks English.
async fn boss(t: &TestApp) -> Shell {
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = run(&mut sh, "/setup language:en-US").await;
    assert!(out.contains("Settings saved"), "{out}");
    sh
}

/// Adds an activity and returns its number.
async fn add(sh: &mut Shell, line: &str) -> i64 {
    let out = run(sh, line).await;
    let start = out
        .find("Activity #")
        .unwrap_or_else(|| panic!("not added: {out}"));
    out[start + "Activity #".len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number: {out}"))
}

/// One outbox row of an activity.
#[derive(Debug, Clone)]
struct Row {
    key: String,
    state: String,
    due_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    target: u64,
    roles: Vec<u64>,
    users: Vec<u64>,
    text: String,
}

async fn rows(app: &App, activity: i64) -> Vec<Row> {
    let found: Vec<(String, String, i64, Option<i64>, i64, String)> = sqlx::query_as(
        "SELECT dedupe_key, state, due_at, sent_at, target_id, payload FROM outbox WHERE source = ?1 ORDER BY due_at, id",
    )
    .bind(format!("activity:{activity}"))
    .fetch_all(&app.store.pool)
    .await
    .expect("outbox rows");
    found
        .into_iter()
        .map(|(key, state, due, sent, target, payload)| {
            let reply: storeops::app::Reply = serde_json::from_str(&payload).expect("payload");
            Row {
                key,
                state,
                due_at: from_ms(due),
                sent_at: sent.map(from_ms),
                target: target as u64,
                roles: reply.mentions.roles.clone(),
                users: reply.mentions.users.clone(),
                text: reply.text(),
            }
        })
        .collect()
}

fn row<'a>(rows: &'a [Row], key: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:#?}"))
}

async fn count(app: &App, sql: &'static str, guild: u64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id_in(guild))
        .fetch_one(&app.store.pool)
        .await
        .expect("count");
    n
}

/// The messages the bot sent on its own in a shell output, one string each.
fn sent(out: &str) -> Vec<String> {
    out.split("[bot → ")
        .skip(1)
        .map(|s| s.to_string())
        .collect()
}

/// A shell on `app` typing as `name` (a manager) in English, on the test's manual clock.
async fn shell_on(app: &App, clock: &ManualClock, name: &str, positions: &[Position]) -> Shell {
    let mut actor = Actor::new(shell_id(name), name);
    actor.positions = positions.to_vec();
    actor.locale = Some(Locale::EnUs);
    Shell::new(app.clone(), actor, Some(clock.clone()))
        .await
        .expect("shell")
}

// ---------------------------------------------------------------- commands

#[tokio::test]
async fn every_activity_command_works_through_the_shell() {
    let t = quiet().await;
    let mut sh = boss(&t).await;

    let out = run(
        &mut sh,
        r#"/activity add name:"Free-shipping Thursday" schedule:"thu 09:00" ping:marketing lead:"18h, 0" message:"Set the templates" checklist:"Templates set | Page ready; CS told" holidays:skip"#,
    )
    .await;
    assert!(
        out.contains("Activity #1 saved: Free-shipping Thursday")
            && out.contains("Schedule: `thu 09:00`")
            && out.contains("Next start: 2026-11-26 09:00 (Thu)")
            && out.contains("Reminds: @marketing")
            && out.contains("Channel: #shell")
            && out.contains("Reminders: 18 h before, at the start")
            && out.contains("On holidays: skip")
            && out.contains("1. Templates set")
            && out.contains("3. CS told"),
        "{out}"
    );
    let id2 = add(
        &mut sh,
        r#"/activity add name:"Weekly meeting" schedule:"每周五 16:00" ping-role:@ops-team channel:#meetings lead:1d"#,
    )
    .await;
    assert_eq!(id2, 2);

    // list: each next start as Discord markup (shown as local time by the shell).
    let reply = t
        .app
        .handle(
            &Origin {
                guild_id: SHELL_GUILD,
                channel_id: shell_channel(),
                actor: sh.actor.clone(),
            },
            &storeops::app::Invocation::new("activity list"),
        )
        .await;
    let next = local("2026-11-26 09:00").timestamp();
    assert!(
        reply.text().contains(&format!("<t:{next}:F>")),
        "{}",
        reply.text()
    );
    let out = run(&mut sh, "/activity list").await;
    assert!(
        out.contains("Activities (2)")
            && out.contains("#1 Free-shipping Thursday")
            && out.contains("next: 2026-11-26 09:00 (Thu)")
            && out.contains("#2 Weekly meeting")
            && out.contains("@ops-team in #meetings")
            && out.contains("next: 2026-11-27 16:00 (Fri)"),
        "{out}"
    );

    // edit
    let out = run(
        &mut sh,
        r#"/activity edit id:2 schedule:"mon 10:00" lead:"1d, 30m" message:"Bring the figures""#,
    )
    .await;
    assert!(
        out.contains("Activity #2 changed: Weekly meeting")
            && out.contains("Next start: 2026-11-23 10:00 (Mon)")
            && out.contains("Reminders: 1 d before, 30 min before")
            && out.contains("Bring the figures"),
        "{out}"
    );
    let r = rows(&t.app, 2).await;
    let pending: Vec<&str> = r
        .iter()
        .filter(|r| r.state == "pending")
        .map(|r| r.key.as_str())
        .collect();
    // Today 10:00: the day-before reminder (and the follow-up) would be in the past.
    assert_eq!(
        pending,
        vec!["activity:2:2026-11-23T02:00:00Z:lead-30"],
        "the old schedule's reminders are cancelled"
    );

    // pause / resume
    let out = run(&mut sh, "/activity pause id:2").await;
    assert!(
        out.contains("Activity #2 paused") && out.contains("/activity resume id:2"),
        "{out}"
    );
    assert!(rows(&t.app, 2).await.iter().all(|r| r.state != "pending"));
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("— (paused)"), "{out}");
    let out = run(&mut sh, "/activity pause id:2").await;
    assert!(out.contains("already paused"), "{out}");
    let out = run(&mut sh, "/activity resume id:2").await;
    assert!(
        out.contains("Activity #2 resumed") && out.contains("Next start: 2026-11-23 10:00 (Mon)"),
        "{out}"
    );

    // skip the next one, then a given day
    let out = run(&mut sh, "/activity skip id:1").await;
    assert!(
        out.contains("will not happen on 2026-11-26")
            && out.contains("Next start: 2026-12-03 09:00"),
        "{out}"
    );
    let out = run(&mut sh, "/activity skip id:1 day:2026-12-03").await;
    assert!(out.contains("Next start: 2026-12-10 09:00"), "{out}");
    let out = run(&mut sh, "/activity skip id:1 day:2026-12-03").await;
    assert!(out.contains("already skipped on 2026-12-03"), "{out}");

    // calendar: the next 14 days, skipped days marked
    let out = run(&mut sh, "/activity calendar").await;
    assert!(
        out.contains("Activities in the next 14 days")
            && out.contains("2026-11-26 09:00 (Thu) · **Free-shipping Thursday** (#1) — skipped")
            && out.contains("2026-12-03 09:00 (Thu) · **Free-shipping Thursday** (#1) — skipped")
            && out.contains("2026-11-23 10:00 (Mon) · **Weekly meeting** (#2)")
            && out.contains("2026-11-30 10:00 (Mon) · **Weekly meeting** (#2)")
            && !out.contains("2026-12-10"),
        "{out}"
    );

    // remove
    let out = run(&mut sh, "/activity remove id:1").await;
    assert!(
        out.contains("Activity #1 removed: Free-shipping Thursday")
            && out.contains("waiting reminders are cancelled"),
        "{out}"
    );
    assert!(rows(&t.app, 1).await.iter().all(|r| r.state != "pending"));
    let out = run(&mut sh, "/activity list").await;
    assert!(
        out.contains("Activities (1)") && !out.contains("#1 "),
        "{out}"
    );
    let out = run(&mut sh, "/activity edit id:1 name:Again").await;
    assert!(out.contains("There is no activity #1"), "{out}");

    // A new activity never reuses a removed one's number (its reminders' keys name it).
    let id = add(
        &mut sh,
        r#"/activity add name:"Again" schedule:"thu 09:00" ping:marketing lead:0"#,
    )
    .await;
    assert_eq!(id, 3);

    // holidays: add, list, remove
    let out = run(
        &mut sh,
        "/holiday add name:Stocktake from:2026-12-01 to:2026-12-02",
    )
    .await;
    assert!(
        out.contains("Holiday #1 saved: Stocktake, 2026-12-01 – 2026-12-02"),
        "{out}"
    );
    let out = run(&mut sh, "/holiday list").await;
    assert!(
        out.contains("Holidays and sale days (1)")
            && out.contains("**#1** Stocktake — 2026-12-01 – 2026-12-02"),
        "{out}"
    );
    let out = run(&mut sh, "/holiday remove id:1").await;
    assert!(out.contains("Holiday #1 removed: Stocktake"), "{out}");
    let out = run(&mut sh, "/holiday list").await;
    assert!(out.contains("None from today on"), "{out}");
}

// ---------------------------------------------------------------- schedules

#[tokio::test]
async fn reminders_fire_at_the_right_instants_in_shanghai_and_ping_exactly_the_role() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let id = add(
        &mut sh,
        r#"/activity add name:"Free shipping" schedule:"每周四 09:00" ping:marketing lead:"18h, 0" message:"<@&999> @everyone check the templates""#,
    )
    .await;
    // Thursday 2026-11-26 09:00 local = 01:00 UTC.
    let r = rows(&t.app, id).await;
    let before = row(&r, "activity:1:2026-11-26T01:00:00Z:lead-1080");
    assert_eq!(
        before.due_at,
        local("2026-11-25 15:00"),
        "the afternoon before"
    );
    assert_eq!(before.target, shell_channel());
    assert_eq!(before.roles, vec![role("marketing")]);
    assert!(before.users.is_empty());
    assert!(
        before.text.contains("‹@\u{200B}&999›") && before.text.contains("@\u{200B}everyone"),
        "typed mentions are neutralised: {}",
        before.text
    );
    // Half-way through the 18 h lead is midnight: the follow-up waits for the quiet hours
    // to end (08:00).
    let follow = row(&r, "activity:1:2026-11-26T01:00:00Z:follow-up");
    assert_eq!(follow.due_at, local("2026-11-26 08:00"));
    let start = row(&r, "activity:1:2026-11-26T01:00:00Z:lead-0");
    assert_eq!(start.due_at, local("2026-11-26 09:00"));
    assert_eq!(r.len(), 3, "only the next occurrence is planned: {r:#?}");
    // Added too late for its first reminder (a week ahead): no follow-up to a reminder that
    // never went out.
    let late = add(
        &mut sh,
        r#"/activity add name:"Team dinner" schedule:"fri 19:00" ping:manager lead:"7d, 1d""#,
    )
    .await;
    let keys: Vec<String> = rows(&t.app, late)
        .await
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(keys, vec!["activity:2:2026-11-27T11:00:00Z:lead-1440"]);
    run(&mut sh, "/activity remove id:2").await;

    let out = run(&mut sh, ":advance 2d").await;
    assert!(
        sent(&out).is_empty(),
        "nothing before Wednesday 15:00: {out}"
    );
    let out = run(&mut sh, ":advance 6h").await;
    let msgs = sent(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(
        msgs[0].starts_with("#shell]\n@marketing\n== 📅 Free shipping ==")
            && msgs[0].contains("Starts 2026-11-26 09:00 (Thu)")
            && msgs[0].contains("[Got it] /press act:ack:1:"),
        "{out}"
    );
    let out = run(&mut sh, ":advance 1d").await;
    let msgs = sent(&out);
    assert_eq!(
        msgs.len(),
        2,
        "the follow-up at 08:00 and the start at 09:00: {out}"
    );
    assert!(
        msgs[0].contains("Nobody has pressed \"Got it\" yet"),
        "{out}"
    );
    assert!(!msgs[1].contains("Nobody has pressed"), "{out}");

    let r = rows(&t.app, id).await;
    for key in [
        "activity:1:2026-11-26T01:00:00Z:lead-1080",
        "activity:1:2026-11-26T01:00:00Z:follow-up",
        "activity:1:2026-11-26T01:00:00Z:lead-0",
    ] {
        let x = row(&r, key);
        assert_eq!(x.state, "sent", "{key}");
        assert_eq!(x.sent_at, Some(x.due_at), "{key} sent when due");
    }
    // When it fired, the next occurrence was planned.
    let next = row(&r, "activity:1:2026-12-03T01:00:00Z:lead-1080");
    assert_eq!(next.state, "pending");
    assert_eq!(next.due_at, local("2026-12-02 15:00"));
    assert_eq!(
        r.iter().filter(|x| x.state == "pending").count(),
        3,
        "{r:#?}"
    );
}

#[tokio::test]
async fn a_monday_ten_oclock_activity_stays_at_ten_across_new_yorks_dst_change() {
    let t = quiet().await;
    // Tuesday 2026-10-20, before the US change on Sunday 2026-11-01.
    let clock = ManualClock::new(utc("2026-10-20T12:00:00Z"));
    let app = App::new(
        t.app.store.clone(),
        Arc::new(clock.clone()),
        t.app.config.clone(),
    );
    let mut sh = shell_on(&app, &clock, "alice", &[Position::Manager]).await;
    let out = run(&mut sh, "/setup timezone:America/New_York language:en-US").await;
    assert!(out.contains("America/New_York"), "{out}");
    let id = add(
        &mut sh,
        r#"/activity add name:"Weekly review" schedule:"mon 10:00" ping:operations lead:0"#,
    )
    .await;
    let out = run(&mut sh, ":advance 21d").await;
    let shown: Vec<String> = sent(&out);
    assert_eq!(shown.len(), 3, "{out}");
    let r = rows(&app, id).await;
    // 10:00 EDT (UTC-4) before the change, 10:00 EST (UTC-5) after it.
    for key in [
        "activity:1:2026-10-26T14:00:00Z:lead-0",
        "activity:1:2026-11-02T15:00:00Z:lead-0",
        "activity:1:2026-11-09T15:00:00Z:lead-0",
    ] {
        let x = row(&r, key);
        assert_eq!(x.state, "sent", "{key}");
        assert_eq!(x.sent_at, Some(x.due_at), "{key}");
    }
    assert_eq!(
        row(&r, "activity:1:2026-11-16T15:00:00Z:lead-0").state,
        "pending"
    );
    assert_eq!(r.len(), 4, "{r:#?}");
}

// ---------------------------------------------------------------- holidays

#[tokio::test]
async fn holidays_skip_or_note_the_activities_that_ask_for_it() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let skip = add(
        &mut sh,
        r#"/activity add name:"Free shipping" schedule:"thu 09:00" ping:marketing lead:0 holidays:skip"#,
    )
    .await;
    let note = add(
        &mut sh,
        r#"/activity add name:"Meeting" schedule:"thu 16:00" ping:operations lead:0 holidays:note"#,
    )
    .await;
    let fire = add(
        &mut sh,
        r#"/activity add name:"Restock" schedule:"thu 17:00" ping:warehouse lead:0"#,
    )
    .await;

    let out = run(&mut sh, "/holiday add name:Stocktake from:2026-11-26").await;
    assert!(
        out.contains("Holiday #1 saved: Stocktake, 2026-11-26")
            && out.contains("#1 Free shipping: skipped (1 start)")
            && out.contains("#2 Meeting: reminds with a note (1 start)")
            && !out.contains("Restock"),
        "{out}"
    );
    let out = run(&mut sh, "/activity calendar").await;
    assert!(
        out.contains("Holidays: Stocktake (2026-11-26)")
            && out.contains("2026-11-26 09:00 (Thu) · **Free shipping** (#1) — skipped: Stocktake")
            && out.contains("2026-11-26 16:00 (Thu) · **Meeting** (#2) — note: Stocktake")
            && out.contains("2026-11-26 17:00 (Thu) · **Restock** (#3)\n"),
        "{out}"
    );
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("next: 2026-12-03 09:00 (Thu)"), "{out}");

    let out = run(&mut sh, ":advance 4d").await;
    let msgs = sent(&out);
    assert_eq!(msgs.len(), 2, "{out}");
    assert!(
        msgs[0].contains("📅 Meeting") && msgs[0].contains("Note: this day is Stocktake"),
        "{out}"
    );
    assert!(
        msgs[1].contains("📅 Restock") && !msgs[1].contains("Note:"),
        "{out}"
    );
    assert!(
        rows(&t.app, skip)
            .await
            .iter()
            .filter(|r| r.key.contains("2026-11-26"))
            .all(|r| r.state == "cancelled"),
        "no reminder for the skipped day"
    );
    assert_eq!(rows(&t.app, note).await.len(), 2);
    assert_eq!(rows(&t.app, fire).await.len(), 2);

    // Removing the holiday brings the next one back (2026-12-03 was never a holiday; add one
    // there and remove it again).
    run(&mut sh, "/holiday add name:Audit from:2026-12-03").await;
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("next: 2026-12-10 09:00 (Thu)"), "{out}");
    let out = run(&mut sh, "/holiday remove id:2").await;
    assert!(
        out.contains("Holiday #2 removed: Audit, 2026-12-03"),
        "{out}"
    );
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("next: 2026-12-03 09:00 (Thu)"), "{out}");
    let pending: Vec<String> = rows(&t.app, skip)
        .await
        .into_iter()
        .filter(|r| r.state == "pending")
        .map(|r| r.key)
        .collect();
    assert_eq!(pending, vec!["activity:1:2026-12-03T01:00:00Z:lead-0"]);
}

// ---------------------------------------------------------------- buttons

#[tokio::test]
async fn got_it_and_checklist_ticks_are_recorded_and_shown_and_stop_the_follow_up() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let id = add(
        &mut sh,
        r#"/activity add name:"Restock sheet" schedule:"thu 16:00" ping:warehouse lead:"1d, 0" checklist:"Count stock | Fill sheet""#,
    )
    .await;
    let ts = local("2026-11-26 16:00").timestamp();
    let out = run(&mut sh, ":advance 2d8h").await;
    let msgs = sent(&out);
    assert_eq!(msgs.len(), 1, "the reminder a day before: {out}");
    assert!(
        msgs[0].contains(&format!("[Got it] /press act:ack:{id}:{ts}"))
            && msgs[0].contains(&format!("[1. Count stock] /press act:tick:{id}:{ts}:1"))
            && msgs[0].contains("⬜ 1. Count stock")
            && msgs[0].contains("Got it: nobody yet"),
        "{out}"
    );

    run(&mut sh, ":as bob warehouse").await;
    let out = run(&mut sh, &format!("/press act:ack:{id}:{ts}")).await;
    assert!(out.contains("Got it: @bob"), "{out}");
    let out = run(&mut sh, &format!("/press act:tick:{id}:{ts}:1")).await;
    assert!(
        out.contains("✅ 1. Count stock — @bob")
            && out.contains("⬜ 2. Fill sheet")
            && out.contains(&format!("[✅ 1. Count stock] /press act:tick:{id}:{ts}:1")),
        "{out}"
    );
    // The press updates the message it is on and keeps pinging only the role.
    let origin = Origin {
        guild_id: SHELL_GUILD,
        channel_id: shell_channel(),
        actor: Actor::new(shell_id("carol"), "carol"),
    };
    let reply = t.app.press(&origin, &format!("act:ack:{id}:{ts}")).await;
    assert!(reply.update_message);
    assert_eq!(reply.mentions.roles, vec![role("warehouse")]);
    assert!(reply.mentions.users.is_empty());
    assert!(
        reply.text().contains(&format!(
            "Got it: <@{}>, <@{}>",
            shell_id("bob"),
            shell_id("carol")
        )),
        "{}",
        reply.text()
    );
    // Pressing again records nothing new; ticking a ticked line unticks it.
    t.app.press(&origin, &format!("act:ack:{id}:{ts}")).await;
    let reply = t.app.press(&origin, &format!("act:tick:{id}:{ts}:1")).await;
    assert!(
        reply.text().contains("⬜ 1. Count stock"),
        "{}",
        reply.text()
    );
    let acks = count(
        &t.app,
        "SELECT COUNT(*) FROM activity_acks WHERE activity_id = ?1",
        id as u64,
    )
    .await;
    assert_eq!(acks, 2);
    let out = run(&mut sh, &format!("/press act:tick:{id}:{ts}:9")).await;
    assert!(out.contains("no longer does anything"), "{out}");

    // Somebody acknowledged: the follow-up is cancelled, and the reminder at the start shows
    // who did.
    let r = rows(&t.app, id).await;
    assert_eq!(
        row(&r, "activity:1:2026-11-26T08:00:00Z:follow-up").state,
        "cancelled"
    );
    let out = run(&mut sh, ":advance 1d").await;
    let msgs = sent(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(
        msgs[0].contains("Got it: @bob, @carol") && !msgs[0].contains("Nobody has pressed"),
        "{out}"
    );

    // Next week nobody answers: one follow-up to the role.
    let out = run(&mut sh, ":advance 7d").await;
    let msgs = sent(&out);
    let follow: Vec<&String> = msgs
        .iter()
        .filter(|m| m.contains("Nobody has pressed"))
        .collect();
    assert_eq!(follow.len(), 1, "{out}");
    assert!(follow[0].starts_with("#shell]\n@warehouse\n"), "{out}");
    let r = rows(&t.app, id).await;
    let f = row(&r, "activity:1:2026-12-03T08:00:00Z:follow-up");
    assert_eq!(f.state, "sent");
    assert_eq!(
        f.due_at,
        local("2026-12-03 08:00"),
        "half-way, after the quiet hours"
    );
}

// ---------------------------------------------------------------- defaults

#[tokio::test]
async fn defaults_are_created_once_per_guild_and_never_twice() {
    let t = TestApp::new().await;
    let defaults = t.app.config.activities.defaults.clone();
    let holidays = t.app.config.activities.holidays.len() as i64;
    assert!(defaults.len() >= 8);
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = run(&mut sh, "/activity list").await;
    assert!(
        out.contains(&format!("Activities ({})", defaults.len())),
        "{out}"
    );
    for d in &defaults {
        // The guild's language is the configured default, zh-CN.
        assert!(out.contains(d.name.get(Locale::ZhCn)), "{out}");
    }
    assert!(
        out.contains("#shell (default channel)")
            && out.contains("next: 2026-11-24 09:00 (Tue)")
            && out.contains("@warehouse"),
        "{out}"
    );
    let out = run(&mut sh, "/holiday list").await;
    assert!(
        out.contains("双12 — 2026-12-12") && out.contains("2027"),
        "{out}"
    );

    let all = "SELECT COUNT(*) FROM activities WHERE guild_id = ?1";
    let hol = "SELECT COUNT(*) FROM holidays WHERE guild_id = ?1";
    assert_eq!(count(&t.app, all, SHELL_GUILD).await, defaults.len() as i64);
    assert_eq!(count(&t.app, hol, SHELL_GUILD).await, holidays);
    let out = run(&mut sh, "/activity remove id:1").await;
    assert!(out.contains("Activity #1 removed"), "{out}");

    // A restart, and the guild is touched again: nothing is created again, and the removed
    // default stays removed.
    let app2 = t.restart().await;
    app2.guild(SHELL_GUILD).await.expect("guild");
    let mut sh2 = shell_on(&app2, &t.clock, "alice", &[Position::Manager]).await;
    let out = run(&mut sh2, "/activity list").await;
    assert!(
        out.contains(&format!("Activities ({})", defaults.len() - 1)),
        "{out}"
    );
    assert_eq!(count(&app2, all, SHELL_GUILD).await, defaults.len() as i64);
    assert_eq!(count(&app2, hol, SHELL_GUILD).await, holidays);

    // Another guild gets its own set, once.
    app2.guild(42).await.expect("guild");
    app2.guild(42).await.expect("guild again");
    assert_eq!(count(&app2, all, 42).await, defaults.len() as i64);
    assert_eq!(count(&app2, hol, 42).await, holidays);

    // A Discord guild without a summary channel stays silent...
    materialise_activities(&app2).await.expect("job");
    let planned = "SELECT COUNT(*) FROM outbox WHERE guild_id = ?1";
    assert_eq!(count(&app2, planned, 42).await, 0);
    assert_eq!(
        count(
            &app2,
            "SELECT COUNT(*) FROM activities WHERE guild_id = ?1 AND next_at IS NOT NULL",
            42
        )
        .await,
        0
    );
    // ...until the summary channel is set: then the job plans every default there.
    let mut conn = app2.store.pool.acquire().await.expect("conn");
    let change = SettingsChange {
        summary_channel: Some(777),
        ..SettingsChange::default()
    };
    settings::update(&mut conn, 42, &change, 0, ms(t.clock_now()))
        .await
        .expect("setup");
    drop(conn);
    materialise_activities(&app2).await.expect("job");
    assert_eq!(
        count(
            &app2,
            "SELECT COUNT(*) FROM activities WHERE guild_id = ?1 AND next_at IS NOT NULL",
            42
        )
        .await,
        defaults.len() as i64
    );
    assert!(count(&app2, planned, 42).await > 0);
    assert_eq!(
        count(
            &app2,
            "SELECT COUNT(*) FROM outbox WHERE guild_id = ?1 AND target_id <> 777",
            42
        )
        .await,
        0
    );

    // Today's activities, for the morning summary.
    let mut conn = app2.store.pool.acquire().await.expect("conn");
    let today = occurrences_between(
        &mut conn,
        SHELL_GUILD,
        local("2026-11-23 00:00"),
        local("2026-11-24 00:00"),
    )
    .await
    .expect("today");
    let names: Vec<(&str, DateTime<Utc>)> = today.iter().map(|(n, at)| (n.as_str(), *at)).collect();
    assert_eq!(
        names,
        vec![
            ("周一团购日", local("2026-11-23 09:00")),
            ("抽查10条客服聊天记录", local("2026-11-23 17:00")),
        ]
    );
}

#[tokio::test]
async fn setup_changes_re_plan_the_reminders() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let id = add(
        &mut sh,
        r#"/activity add name:"Restock" schedule:"thu 16:00" ping:warehouse lead:0"#,
    )
    .await;
    let key = "activity:1:2026-11-26T08:00:00Z:lead-0";
    assert_eq!(
        row(&rows(&t.app, id).await, key).roles,
        vec![role("warehouse")]
    );
    let out = run(&mut sh, "/setup position:warehouse role:@stock-team").await;
    assert!(out.contains("Settings saved"), "{out}");
    let r = rows(&t.app, id).await;
    assert_eq!(row(&r, key).roles, vec![shell_id("@&stock-team")]);
    assert_eq!(row(&r, key).state, "pending");
    let out = run(&mut sh, "/setup language:zh-CN").await;
    assert!(out.contains("Settings saved"), "{out}");
    assert!(row(&rows(&t.app, id).await, key).text.contains("开始时间"));
}

// ---------------------------------------------------------------- restarts and downtime

#[tokio::test]
async fn restarts_and_downtime_never_send_a_reminder_twice() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let id = add(
        &mut sh,
        r#"/activity add name:"Free shipping" schedule:"thu 09:00" ping:marketing lead:"1d, 0""#,
    )
    .await;
    let out = run(&mut sh, ":advance 2d").await;
    assert_eq!(sent(&out).len(), 1, "the reminder a day before: {out}");
    drop(sh);

    // The bot is down from Wednesday 09:00 until Thursday 12:00 (within the 6 h grace).
    t.clock.set(local("2026-11-26 12:00"));
    let app2 = t.restart().await;
    let mut sh2 = shell_on(&app2, &t.clock, "alice", &[Position::Manager]).await;
    let out = run(&mut sh2, "/activity calendar").await;
    let msgs = sent(&out);
    assert_eq!(
        msgs.len(),
        1,
        "only the start, late; no follow-up after it: {out}"
    );
    assert!(
        msgs[0].contains("📅 Free shipping") && msgs[0].contains("Sent late by 3 h"),
        "{out}"
    );
    let r = rows(&app2, id).await;
    assert_eq!(
        row(&r, "activity:1:2026-11-26T01:00:00Z:follow-up").state,
        "cancelled"
    );
    // A third process start in the same instant sends nothing again.
    let app3 = t.restart().await;
    let mut sh3 = shell_on(&app3, &t.clock, "alice", &[Position::Manager]).await;
    let out = run(&mut sh3, "/activity list").await;
    assert!(sent(&out).is_empty(), "{out}");
    let out = run(&mut sh3, ":advance 7d").await;
    let msgs = sent(&out);
    assert_eq!(
        msgs.len(),
        3,
        "next week's day-before, follow-up and start: {out}"
    );

    let r = rows(&app3, id).await;
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
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let id = add(
        &mut sh,
        r#"/activity add name:"Chat check" schedule:"daily 17:00" ping:customer-service lead:0"#,
    )
    .await;
    drop(sh);
    // Down from Monday 09:00 to Thursday 10:00: Monday's, Tuesday's and Wednesday's checks
    // were missed, all longer ago than the grace window.
    t.clock.set(local("2026-11-26 10:00"));
    let app2 = t.restart().await;
    let mut sh2 = shell_on(&app2, &t.clock, "alice", &[Position::Manager]).await;
    let out = run(&mut sh2, "/activity list").await;
    let msgs = sent(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(
        msgs[0].contains("Missed while the bot was offline")
            && msgs[0].matches("📅 Chat check").count() == 3,
        "{out}"
    );
    assert!(out.contains("next: 2026-11-26 17:00 (Thu)"), "{out}");
    let r = rows(&app2, id).await;
    let skipped = r.iter().filter(|x| x.state == "skipped").count();
    assert_eq!(skipped, 3, "{r:#?}");
    let out = run(&mut sh2, ":advance 8h").await;
    assert_eq!(sent(&out).len(), 1, "{out}");
}

// ---------------------------------------------------------------- permissions and errors

#[tokio::test]
async fn only_managers_change_activities_and_holidays_but_anyone_reads_and_acknowledges() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    let id = add(
        &mut sh,
        r#"/activity add name:"Meeting" schedule:"fri 16:00" ping:operations lead:0"#,
    )
    .await;
    run(&mut sh, "/holiday add name:Audit from:2026-12-01").await;
    run(&mut sh, ":as bob customer-service").await;
    for line in [
        r#"/activity add name:"Mine" schedule:"mon 10:00" ping:operations"#,
        "/activity edit id:1 name:Other",
        "/activity remove id:1",
        "/activity pause id:1",
        "/activity resume id:1",
        "/activity skip id:1",
        "/holiday add name:Nap from:2026-12-02",
        "/holiday remove id:1",
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains("Only managers can do that"), "{line}: {out}");
    }
    let out = run(&mut sh, "/activity list").await;
    assert!(
        out.contains("Activities (1)") && out.contains("#1 Meeting"),
        "{out}"
    );
    let out = run(&mut sh, "/activity calendar").await;
    assert!(out.contains("**Meeting** (#1)"), "{out}");
    let out = run(&mut sh, "/holiday list").await;
    assert!(out.contains("Audit"), "{out}");
    let ts = local("2026-11-27 16:00").timestamp();
    let out = run(&mut sh, &format!("/press act:ack:{id}:{ts}")).await;
    assert!(out.contains("Got it: @bob"), "{out}");
    // Nothing was changed by the refused commands.
    assert_eq!(
        count(
            &t.app,
            "SELECT COUNT(*) FROM activities WHERE guild_id = ?1",
            SHELL_GUILD
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &t.app,
            "SELECT COUNT(*) FROM holidays WHERE guild_id = ?1",
            SHELL_GUILD
        )
        .await,
        1
    );
}

#[tokio::test]
async fn bad_input_gets_clear_errors_in_english_and_chinese() {
    let t = quiet().await;
    let mut sh = boss(&t).await;
    add(
        &mut sh,
        r#"/activity add name:"Meeting" schedule:"thu 16:00" ping:operations lead:0"#,
    )
    .await;
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"/activity add name:X schedule:"someday 10:00" ping:marketing"#,
            "I can't read the schedule \"someday 10:00\"",
            "无法识别时间表“someday 10:00”",
        ),
        (
            r#"/activity add name:X schedule:"* * * * *" ping:marketing"#,
            "fires more often than every 5 minutes",
            "",
        ),
        (
            r#"/activity add name:X schedule:"mon 10:00" ping:marketing lead:"1d, soon""#,
            "I can't read the lead \"soon\"",
            "无法识别提前量“soon”",
        ),
        (
            r#"/activity add name:X schedule:"mon 10:00" ping:marketing lead:40d"#,
            "at most 31 days before the start",
            "最多提前 31 天",
        ),
        (
            r#"/activity add name:X schedule:"mon 10:00""#,
            "Say whom to remind",
            "请指定提醒谁",
        ),
        (
            r#"/activity add name:X schedule:"mon 10:00" ping:marketing ping-role:@ops"#,
            "Say whom to remind",
            "请指定提醒谁",
        ),
        (
            r#"/activity add name:X schedule:"mon 10:00" ping:marketing holidays:maybe"#,
            "\"maybe\" is not allowed for holidays",
            "",
        ),
        (
            r#"/activity add name:X schedule:"mon 10:00" ping:marketing checklist:"1|2|3|4|5|6|7|8|9|10|11""#,
            "at most 10 lines",
            "最多 10 项",
        ),
        (
            "/activity edit id:99 name:Y",
            "There is no activity #99",
            "没有活动 #99",
        ),
        (
            "/activity remove id:99",
            "There is no activity #99",
            "没有活动 #99",
        ),
        (
            "/activity skip id:99",
            "There is no activity #99",
            "没有活动 #99",
        ),
        (
            "/activity edit id:1",
            "Say what to change",
            "请说明要修改什么",
        ),
        (
            "/activity skip id:1 day:2026-11-24",
            "does not start on 2026-11-24",
            "在 2026-11-24 没有安排",
        ),
        (
            "/activity skip id:1 day:2026-11-01",
            "2026-11-01 has already passed",
            "2026-11-01 已经过去了",
        ),
        (
            "/holiday add name:X from:2026-12-10 to:2026-12-01",
            "The last day is before the first day",
            "结束日期早于开始日期",
        ),
        (
            "/holiday add name:X from:someday",
            "I can't read the day \"someday\"",
            "无法识别日期“someday”",
        ),
        (
            "/holiday remove id:99",
            "There is no holiday #99",
            "没有节假日 #99",
        ),
    ];
    for (line, en, _) in cases {
        let out = run(&mut sh, line).await;
        assert!(out.contains(en), "{line}: {out}");
    }
    run(&mut sh, ":locale zh-CN").await;
    for (line, _, zh) in cases.iter().filter(|c| !c.2.is_empty()) {
        let out = run(&mut sh, line).await;
        assert!(out.contains(zh), "{line}: {out}");
    }
    run(&mut sh, ":locale en-US").await;
    // Nothing half-written.
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("Activities (1)"), "{out}");
    assert_eq!(
        count(
            &t.app,
            "SELECT COUNT(*) FROM holidays WHERE guild_id = ?1",
            SHELL_GUILD
        )
        .await,
        0
    );
}

// ---------------------------------------------------------------- settings

fn load(pairs: &[(&str, &str)]) -> Result<Config, String> {
    let map: std::collections::HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("storeops.toml");
    std::fs::write(&path, "").expect("write");
    Config::load(Some(&path), &move |k| map.get(k).cloned()).map_err(|e| e.to_string())
}

#[test]
fn activity_settings_come_from_the_file_the_environment_and_data_files_checked_at_start() {
    let c = load(&[]).expect("defaults");
    let a = &c.activities;
    assert!(a.seed_defaults && a.follow_up);
    assert_eq!(
        a.default_lead,
        vec![chrono::Duration::hours(1), chrono::Duration::zero()]
    );
    assert_eq!(a.calendar_days, 14);
    assert!(a.quiet_hours.is_some());
    assert!(a.defaults.len() >= 8 && !a.holidays.is_empty());

    let dir = tempfile::tempdir().expect("dir");
    let acts = dir.path().join("acts.toml");
    std::fs::write(
        &acts,
        r#"
[[activity]]
name = { en-US = "Stand-up", zh-CN = "站会" }
schedule = "weekdays 09:30"
ping = "operations"
lead = ["0"]
"#,
    )
    .expect("write");
    let c = load(&[
        ("STOREOPS_ACTIVITIES_DEFAULT_LEAD", "1d,0"),
        ("STOREOPS_ACTIVITIES_QUIET_HOURS", ""),
        ("STOREOPS_ACTIVITIES_SEED_DEFAULTS", "false"),
        ("STOREOPS_ACTIVITIES_CALENDAR_DAYS", "7"),
        (
            "STOREOPS_ACTIVITIES_DEFAULTS_FILE",
            acts.to_str().expect("path"),
        ),
    ])
    .expect("overrides");
    let a = &c.activities;
    assert_eq!(
        a.default_lead,
        vec![chrono::Duration::days(1), chrono::Duration::zero()]
    );
    assert!(a.quiet_hours.is_none() && !a.seed_defaults);
    assert_eq!(a.calendar_days, 7);
    assert_eq!(a.defaults.len(), 1);
    assert_eq!(a.defaults[0].name.get(Locale::ZhCn), "站会");

    let e = load(&[("STOREOPS_ACTIVITIES_QUIET_HOURS", "late")]).unwrap_err();
    assert!(
        e.contains("activities.quiet_hours") && e.contains("22:00-08:00"),
        "{e}"
    );
    let e = load(&[("STOREOPS_ACTIVITIES_DEFAULT_LEAD", "soon")]).unwrap_err();
    assert!(e.contains("activities.default_lead"), "{e}");
    let e = load(&[("STOREOPS_ACTIVITIES_CALENDAR_DAYS", "0")]).unwrap_err();
    assert!(e.contains("activities.calendar_days"), "{e}");
    let e = load(&[(
        "STOREOPS_ACTIVITIES_HOLIDAYS_FILE",
        "/nonexistent/holidays.toml",
    )])
    .unwrap_err();
    assert!(
        e.contains("activities.holidays_file") && e.contains("/nonexistent/holidays.toml"),
        "{e}"
    );
    std::fs::write(
        &acts,
        r#"
[[activity]]
name = { en-US = "Broken", zh-CN = "坏" }
schedule = "someday"
ping = "operations"
lead = ["0"]
"#,
    )
    .expect("write");
    let e = load(&[(
        "STOREOPS_ACTIVITIES_DEFAULTS_FILE",
        acts.to_str().expect("path"),
    )])
    .unwrap_err();
    assert!(
        e.contains("activities.defaults_file")
            && e.contains("activity 1 (\"Broken\")")
            && e.contains("schedule"),
        "{e}"
    );
}

/// The shipped activities and holidays follow the guild's language when /setup changes it,
/// and their waiting reminders are planned again in it; one someone renamed keeps its name.
#[tokio::test]
async fn shipped_activities_follow_the_guilds_new_language() {
    let t = TestApp::new().await;
    let defaults = t.app.config.activities.defaults.clone();
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains(defaults[0].name.get(Locale::ZhCn)), "{out}");
    let out = run(&mut sh, r#"/activity edit id:2 name:"Our Monday deals""#).await;
    assert!(out.contains("Our Monday deals"), "{out}");
    // Plan the reminders (in Chinese) before the change.
    t.app.outbox_wake.notify_one();
    storeops::app::jobs::run_due(&t.app).await.expect("jobs");

    let out = run(&mut sh, "/setup language:en-US").await;
    assert!(out.contains("Settings saved"), "{out}");
    let out = run(&mut sh, "/activity list").await;
    for d in defaults
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, d)| d)
    {
        assert!(out.contains(d.name.get(Locale::EnUs)), "{out}");
        assert!(!out.contains(d.name.get(Locale::ZhCn)), "{out}");
    }
    assert!(out.contains("Our Monday deals"), "{out}");
    let out = run(&mut sh, "/holiday list").await;
    assert!(
        out.contains("New Year's Day") && !out.contains("元旦"),
        "{out}"
    );

    // The waiting reminders are planned again, in English.
    storeops::app::jobs::run_due(&t.app).await.expect("jobs");
    let pending: Vec<(String,)> = sqlx::query_as(
        "SELECT payload FROM outbox WHERE source LIKE 'activity:%' AND state = 'pending'",
    )
    .fetch_all(&t.app.store.pool)
    .await
    .expect("pending");
    assert!(!pending.is_empty());
    assert!(
        pending.iter().all(|(p,)| !defaults
            .iter()
            .any(|d| p.contains(d.name.get(Locale::ZhCn)))),
        "{pending:#?}"
    );
}
