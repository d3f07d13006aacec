//! Fixed activities: every `/activity` and `/holiday` command through the shell, the shipped
//! defaults created once per guild (and following its language), setup changes that plan the
//! reminders again, permissions and errors in both languages. The other files: `plan` (the
//! reminders at the right instants, across DST, restarts and downtime), `holiday`, `buttons`
//! ("Got it" and the checklist), and `discord` (one reminder through the fake Discord). Time
//! moves only by the manual clock.

mod buttons;
mod discord;
mod holiday;
mod plan;

use chrono::{DateTime, Utc};
use storeops::adapters::shell::{SHELL_GUILD, shell_id};
use storeops::app::cmd::activity::{materialise_activities, occurrences_between};
use storeops::i18n::Locale;
use storeops::store::ms;
use storeops::store::settings::{self, SettingsChange};

use crate::support::TestApp;
use crate::support::core::origin;
use crate::support::shell::{act_as, add_activity, boss, role, run, shell_on};
use crate::support::store::{activity_pings, by_key, count_for};
use crate::support::time::local;

#[tokio::test]
async fn every_activity_command_works_through_the_shell() {
    let t = TestApp::quiet().await;
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
    let id2 = add_activity(
        &mut sh,
        r#"/activity add name:"Weekly meeting" schedule:"每周五 16:00" ping-role:@ops-team channel:#meetings lead:1d"#,
    )
    .await;
    assert_eq!(id2, 2);

    // list: each next start as Discord markup (shown as local time by the shell).
    let reply = t
        .app
        .handle(
            &origin(sh.actor.clone()),
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
    let r = activity_pings(&t.app, 2).await;
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
    assert!(
        activity_pings(&t.app, 2)
            .await
            .iter()
            .all(|r| r.state != "pending")
    );
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
    assert!(
        activity_pings(&t.app, 1)
            .await
            .iter()
            .all(|r| r.state != "pending")
    );
    let out = run(&mut sh, "/activity list").await;
    assert!(
        out.contains("Activities (1)") && !out.contains("#1 "),
        "{out}"
    );
    let out = run(&mut sh, "/activity edit id:1 name:Again").await;
    assert!(out.contains("There is no activity #1"), "{out}");

    // A new activity never reuses a removed one's number (its reminders' keys name it).
    let id = add_activity(
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
    assert_eq!(
        count_for(&t.app, all, SHELL_GUILD).await,
        defaults.len() as i64
    );
    assert_eq!(count_for(&t.app, hol, SHELL_GUILD).await, holidays);
    let out = run(&mut sh, "/activity remove id:1").await;
    assert!(out.contains("Activity #1 removed"), "{out}");

    // A restart, and the guild is touched again: nothing is created again, and the removed
    // default stays removed.
    let app2 = t.restart().await;
    app2.guild(SHELL_GUILD).await.expect("guild");
    let mut sh2 = shell_on(&app2, &t.clock, "alice", "manager").await;
    let out = run(&mut sh2, "/activity list").await;
    assert!(
        out.contains(&format!("Activities ({})", defaults.len() - 1)),
        "{out}"
    );
    assert_eq!(
        count_for(&app2, all, SHELL_GUILD).await,
        defaults.len() as i64
    );
    assert_eq!(count_for(&app2, hol, SHELL_GUILD).await, holidays);

    // Another guild gets its own set, once.
    app2.guild(42).await.expect("guild");
    app2.guild(42).await.expect("guild again");
    assert_eq!(count_for(&app2, all, 42).await, defaults.len() as i64);
    assert_eq!(count_for(&app2, hol, 42).await, holidays);

    // A Discord guild without a summary channel stays silent...
    materialise_activities(&app2).await.expect("job");
    let planned = "SELECT COUNT(*) FROM outbox WHERE guild_id = ?1";
    assert_eq!(count_for(&app2, planned, 42).await, 0);
    assert_eq!(
        count_for(
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
    settings::update(
        &mut conn,
        app2.store.settings_changes(),
        42,
        &change,
        0,
        ms(t.clock_now()),
    )
    .await
    .expect("setup");
    drop(conn);
    materialise_activities(&app2).await.expect("job");
    assert_eq!(
        count_for(
            &app2,
            "SELECT COUNT(*) FROM activities WHERE guild_id = ?1 AND next_at IS NOT NULL",
            42
        )
        .await,
        defaults.len() as i64
    );
    assert!(count_for(&app2, planned, 42).await > 0);
    assert_eq!(
        count_for(
            &app2,
            "SELECT COUNT(*) FROM outbox WHERE guild_id = ?1 AND target_id <> 777",
            42
        )
        .await,
        0
    );

    // Today's activities, for the morning summary.
    let mut conn = app2.store.pool.acquire().await.expect("conn");
    let guild = settings::get(&mut conn, SHELL_GUILD)
        .await
        .expect("settings")
        .expect("set up");
    let today = occurrences_between(
        &mut conn,
        &guild,
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
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Restock" schedule:"thu 16:00" ping:warehouse lead:0"#,
    )
    .await;
    let key = "activity:1:2026-11-26T08:00:00Z:lead-0";
    assert_eq!(
        by_key(&activity_pings(&t.app, id).await, key)
            .reply
            .mentions
            .roles,
        vec![role("warehouse")]
    );
    let out = run(&mut sh, "/setup position:warehouse role:@stock-team").await;
    assert!(out.contains("Settings saved"), "{out}");
    let r = activity_pings(&t.app, id).await;
    assert_eq!(
        by_key(&r, key).reply.mentions.roles,
        vec![shell_id("@&stock-team")]
    );
    assert_eq!(by_key(&r, key).state, "pending");
    let out = run(&mut sh, "/setup language:zh-CN").await;
    assert!(out.contains("Settings saved"), "{out}");
    assert!(
        by_key(&activity_pings(&t.app, id).await, key)
            .reply
            .text()
            .contains("开始时间")
    );
}

#[tokio::test]
async fn only_managers_change_activities_and_holidays_but_anyone_reads_and_acknowledges() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Meeting" schedule:"fri 16:00" ping:operations lead:0"#,
    )
    .await;
    run(&mut sh, "/holiday add name:Audit from:2026-12-01").await;
    act_as(&mut sh, "bob", "customer-service").await;
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
        count_for(
            &t.app,
            "SELECT COUNT(*) FROM activities WHERE guild_id = ?1",
            SHELL_GUILD
        )
        .await,
        1
    );
    assert_eq!(
        count_for(
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
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    add_activity(
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
        count_for(
            &t.app,
            "SELECT COUNT(*) FROM holidays WHERE guild_id = ?1",
            SHELL_GUILD
        )
        .await,
        0
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
