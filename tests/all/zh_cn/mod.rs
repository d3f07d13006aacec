//! No English in zh-CN output (#16): a team that reads Chinese walks every command of the
//! command table (`src/app/spec.rs`, iterated, so a new command is walked without editing
//! this file), with real content behind each (shops with figures, imports of the real fixture
//! files, tasks, complaints, activities, holidays), every button and form it meets, a sample of
//! every kind of bad input, a week of reminders, pings, escalations and summaries the
//! dispatcher sends on the manual clock, and the shell's own texts. Every text is checked for
//! Latin words ([`checker`]): only names and ids the walk typed, and the few words the team
//! writes in Latin letters anyway ([`checker::TEAM_LATIN`]), may stand in it.

mod checker;
mod walk;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use storeops::app::spec::{self, CommandSpec, OptKind};
use storeops::domain::position::Position;
use storeops::i18n::Locale;

use checker::{Allowed, stray_latin};
use walk::{Walk, is_error};

use crate::support::shell::run;

/// The people and channels the walk creates: names the team chose, shown as typed.
const NAMES: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "dana",
    // An Amazon order id the walk logs a complaint on.
    "A998877",
    // The refusal the walk makes the platform answer (Discord's own words, quoted).
    "Missing Access",
];

/// `/data import` and `storeops import` read these files as they are.
fn fixture(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// The team's month: shops and figures, imports, tasks, complaints, activities, holidays.
async fn the_teams_month(w: &mut Walk) {
    let m = [Position::Manager];
    w.as_("alice", &[Position::Manager, Position::Operations]);
    w.ok("/help").await;
    w.ok("/status").await;
    w.ok("/setup language:zh-CN summary-channel:#日报 escalation-channel:#升级")
        .await;
    w.ok("/设置 时区:Asia/Shanghai").await;
    w.ok("/setup position:warehouse role:@仓储组").await;
    w.ok("/setup").await;

    // Shops, targets, figures.
    w.ok("/data shop name:天猫旗舰店 platform:tmall currency:CNY")
        .await;
    w.ok("/数据 店铺 名称:京东自营 平台:jd 币种:CNY").await;
    w.ok("/data shop name:亚马逊英国 platform:amazon currency:GBP")
        .await;
    w.ok("/data shop name:独立站 platform:shopify currency:USD")
        .await;
    w.ok("/data shop").await;
    w.ok("/data target shop:天猫旗舰店 amount:900000 month:2026-11")
        .await;
    w.ok("/data target shop:京东自营 amount:300000 month:2026-11")
        .await;
    for (shop, day, base) in [
        ("天猫旗舰店", 15, 3000),
        ("天猫旗舰店", 16, 3200),
        ("天猫旗舰店", 17, 3100),
        ("天猫旗舰店", 18, 3300),
        ("天猫旗舰店", 19, 3500),
        ("天猫旗舰店", 20, 3400),
        ("天猫旗舰店", 21, 3600),
        ("京东自营", 15, 1600),
        ("京东自营", 16, 1500),
        ("京东自营", 18, 1800),
        ("京东自营", 21, 2000),
    ] {
        w.ok(&format!(
            "/data enter shop:{shop} date:2026-11-{day} uv:{base} ordering-buyers:{} paying-buyers:{} paid-amount:{}",
            base / 25,
            base / 30,
            base * 8
        ))
        .await;
    }
    w.ok("/data enter shop:天猫旗舰店 date:2026-11-22 pv:12000 uv:4000 ordering-buyers:150 order-amount:33000 paying-buyers:120 paid-amount:30000 paid-orders:130 refund-amount:1800 refund-orders:6 inquiries:80 inquiries-paid:20 ad-spend:4000 ad-sales:16000 shipping-cost:1000 discount-cost:2500").await;
    w.ok("/data enter shop:京东自营 date:2026-11-22 pv:5000 uv:2000 ordering-buyers:50 order-amount:9000 paying-buyers:40 paid-amount:8000 refund-amount:200 ad-spend:3000 ad-sales:6000").await;
    // Figures that look wrong: saved only when confirmed.
    w.line("/data enter shop:京东自营 date:2026-11-20 uv:100 paying-buyers:300 paid-amount:900")
        .await;
    w.ok("/data enter shop:京东自营 date:2026-11-20 uv:100 paying-buyers:300 paid-amount:900 confirm:true").await;

    // Imports of the real fixture files: previews, confirmed.
    for (file, shop) in [
        ("sycm-shop-daily.xls", "天猫旗舰店"),
        ("sycm-items.xls", "天猫旗舰店"),
        ("real/sycm-pasted-month.xlsx", "天猫旗舰店"),
        ("real/amazon-uk-by-date.csv", "亚马逊英国"),
        ("real/shopify-sales-compare.csv", "独立站"),
        ("real/sycm-items-2026.csv", "天猫旗舰店"),
    ] {
        let r = w
            .line(&format!("/data import file:{} shop:{shop}", fixture(file)))
            .await;
        if let Some(b) = r.buttons.iter().find(|b| b.id.contains("confirm")) {
            let id = b.id.clone();
            w.press(&id).await;
        }
    }
    for (file, shop) in [
        ("real/amazon-uk-by-asin.csv", "亚马逊英国"),
        ("real/sycm-selection.csv", "天猫旗舰店"),
        ("real/shopify-sales-by-channel.csv", "独立站"),
        ("real/amazon-ae-by-date.csv", "独立站"),
        ("deadline_phrases.tsv", "天猫旗舰店"),
        ("real/SOURCES.md", "天猫旗舰店"),
    ] {
        w.line(&format!("/data import file:{} shop:{shop}", fixture(file)))
            .await;
    }
    // An import left to preview only, and one cancelled.
    let r = w
        .line(&format!(
            "/data import file:{} shop:亚马逊英国 platform:amazon date-order:dmy",
            fixture("real/amazon-uk-by-date.csv")
        ))
        .await;
    if let Some(b) = r.buttons.iter().find(|b| b.id.contains("cancel")) {
        let id = b.id.clone();
        w.press(&id).await;
    }
    w.ok("/data show date:2026-11-22").await;
    w.ok("/data show from:2026-11-01 to:2026-11-22").await;
    w.ok("/data show shop:亚马逊英国 from:2026-10-01 to:2026-11-22")
        .await;
    w.ok("/data history shop:天猫旗舰店 date:2026-11-22").await;
    w.ok("/data history shop:京东自营 date:2026-11-20").await;
    w.ok("/data export from:2026-11-01 to:2026-11-30").await;
    w.ok("/data export from:2026-11-01 to:2026-11-30 what:products format:csv")
        .await;

    // Tasks.
    w.ok("/task assign title:更新首页横幅 due:\"周五 18:00\" user:@carol priority:high note:双12主图")
        .await;
    w.ok("/任务 分配 标题:整理补货清单 截止:明天10点 岗位:warehouse")
        .await;
    w.ok("/task assign title:回复差评 due:\"in 1h\" user:@carol")
        .await;
    w.ok("/task assign title:上传新品详情页 due:\"3天后\" user:@dana priority:urgent")
        .await;
    w.ok("/task assign title:核对库存 due:\"今晚8点\"").await;
    // How a deadline is understood while it is typed.
    for typed in ["明天 18:00", "周五下午5点", "3天后", "3天前", "昨天"] {
        w.suggest("task edit", "due", typed).await;
    }
    w.ok("/task show id:1").await;
    w.as_("carol", &[Position::Design]);
    w.ok("/task start id:1").await;
    w.ok("/task comment id:1 text:等供应商的图片").await;
    w.ok("/task list").await;
    w.as_("alice", &m);
    w.ok("/task edit id:1 due:\"下周一 12:00\" priority:normal note:换成新图")
        .await;
    w.ok("/task reassign id:4 user:@carol").await;
    w.ok("/task reassign id:2 position:design").await;
    w.ok("/task done id:5 note:已核对").await;
    w.ok("/task reopen id:5 note:数量不对").await;
    w.ok("/task cancel id:5 note:改到下周").await;
    w.ok("/task cover position:customer-service cover:@bob from:2026-12-01 to:2026-12-05")
        .await;
    w.ok("/task cover user:@carol cover:@dana from:2026-11-24 to:2026-11-25")
        .await;
    w.ok("/task recurring title:检查10条聊天记录 schedule:\"工作日 10:00\" position:customer-service due-in:8h")
        .await;
    w.ok("/task recurring title:周报 schedule:\"每周五 17:00\" user:@dana due-in:2h times:4")
        .await;
    w.ok("/task recurring").await;

    // Complaints.
    w.as_("bob", &[Position::CustomerService]);
    w.ok("/complaint log order:2026112212345 platform:tmall category:damaged summary:杯子碎了 customer:王先生 description:快递外箱完好")
        .await;
    w.ok("/投诉 登记 订单:2026112200001 平台:jd 类别:wrong-size 摘要:尺码偏小 严重程度:serious")
        .await;
    w.as_("dana", &[]);
    w.ok("/complaint log order:2026112212345 platform:tmall category:quality summary:杯盖漏水 severity:serious")
        .await;
    w.ok("/complaint log order:A998877 platform:amazon category:late-shipment summary:一周未发货")
        .await;
    w.ok("/complaint list").await;
    w.as_("bob", &[Position::CustomerService]);
    w.ok("/complaint claim id:3").await;
    w.ok("/complaint note id:1 text:买家发来照片").await;
    w.ok("/complaint resolve id:1 outcome:partial-refund amount:25.50 note:补偿一半")
        .await;
    w.ok("/complaint reopen id:1 note:买家又来信").await;
    w.ok("/complaint resolve id:1 outcome:exchange").await;
    w.ok("/complaint resolve id:4 outcome:refund amount:12.99")
        .await;
    w.as_("alice", &m);
    w.ok("/complaint assign id:2 user:@bob").await;
    w.ok("/complaint list scope:all").await;
    w.ok("/complaint list scope:breached").await;
    w.ok("/complaint list platform:tmall category:damaged")
        .await;
    w.ok("/complaint show id:1").await;
    w.ok("/complaint stats").await;
    w.ok("/complaint stats period:last-30d").await;
    w.ok("/complaint export format:csv from:2026-11-01 to:2026-11-30")
        .await;

    // Activities and holidays (the shipped ones are there already).
    w.ok("/activity list").await;
    for typed in ["每周四 18:00", "每周八", "last fri 19:00"] {
        w.suggest("activity add", "schedule", typed).await;
    }
    w.ok("/activity add name:直播彩排 schedule:\"每周三 14:00\" ping:marketing lead:\"1h, 0\" checklist:\"灯光; 样品; 话术\" holidays:skip")
        .await;
    w.ok("/activity add name:月度盘点 schedule:\"每月最后一个周五 19:00\" ping:warehouse times:3")
        .await;
    w.ok("/activity add name:早会 schedule:\"0 9 * * 1-5\" ping:operations channel:#日报 until:2027-01-31")
        .await;
    // The eight shipped activities are #1-#8; the three above #9-#11.
    w.ok("/activity edit id:9 lead:\"2小时, 0\" message:带上新品样品")
        .await;
    w.ok("/activity pause id:9").await;
    w.ok("/activity resume id:9").await;
    w.ok("/activity skip id:9").await;
    w.ok("/activity skip id:10 day:2026-11-27").await;
    w.ok("/activity remove id:11").await;
    w.ok("/holiday add name:双12 from:2026-12-12").await;
    w.ok("/holiday add name:年货节 from:2027-01-10 to:2027-01-25")
        .await;
    w.ok("/holiday list").await;
    w.ok("/activity calendar").await;
    w.ok("/activity calendar format:ics").await;
    w.ok("/task list scope:all format:ics").await;

    // Statistics and reviews over what exists.
    w.ok("/task list scope:all").await;
    w.ok("/task list scope:overdue").await;
    w.ok("/task list user:@carol").await;
    w.ok("/task list position:design").await;
    w.ok("/task stats").await;
    w.ok("/task stats period:this-month").await;
    w.ok("/task export").await;
    w.ok("/task export from:2026-11-01 to:2026-11-30 format:csv")
        .await;
    w.ok("/review month:2026-11").await;
    w.ok("/review month:2026-11 user:@carol").await;
    w.ok("/summary now date:2026-11-22").await;
    w.ok("/summary weekly date:2026-11-18").await;
    w.ok("/summary monthly month:2026-11").await;
    w.ok("/summary schedule time:09:30 check:08:30").await;
    w.ok("/outbox list").await;
}

/// A sample of every kind of bad input, each with its reply.
const BAD_INPUT: &[&str] = &[
    // The command table's own checks.
    "/foo",
    "/task",
    "/task list bogus:1",
    "/task list scope:everything",
    "/task show",
    "/task show id:1 id:2",
    "/task show id:abc",
    "/task show id:999999",
    "/task list page:0",
    "/task assign title:\"没关引号 due:明天",
    "/task assign 标题",
    // Deadlines and schedules.
    "/task assign title:测试 due:\"明天 25:00\" user:@carol",
    "/task assign title:测试 due:3天前 user:@carol",
    "/task assign title:测试 due:昨天 user:@carol",
    "/task assign title:测试 due:几天内 user:@carol",
    "/task assign title:测试 due:\"2026-11-20 10:00\" user:@carol",
    "/task assign title:\"\u{200B}\" due:明天 user:@carol",
    "/task assign title:测试 due:明天 user:@carol position:design",
    "/task assign title:测试 due:明天 position:nobody",
    "/task recurring title:测试 schedule:每周八 position:design due-in:2h",
    "/task recurring title:测试 schedule:\"0 9 15W * *\" position:design due-in:2h",
    "/task recurring title:测试 schedule:\"每天 09:00\" position:design due-in:2h until:2026-11-01 times:3",
    "/task recurring stop:99",
    "/task cover position:design cover:@bob from:2026-12-05 to:2026-12-01",
    "/task stats period:上辈子",
    "/task export from:2026-13-01",
    "/task done id:5",
    // Complaints.
    "/complaint log order:1 platform:tmall category:不存在 summary:测试",
    "/complaint log order:1 platform:火星 category:damaged summary:测试",
    "/complaint resolve id:2 outcome:refund",
    "/complaint resolve id:2 outcome:refund amount:-5",
    "/complaint resolve id:2 outcome:refund amount:1.234,50",
    "/complaint resolve id:1 outcome:refund amount:5",
    "/complaint claim id:999",
    "/complaint stats period:明年",
    // Figures.
    "/data enter shop:天猫旗舰店 date:2026-11-23 uv:1,2,3",
    "/data enter shop:天猫旗舰店 date:2026-11-23 uv:-5",
    "/data enter shop:天猫旗舰店 date:2026-11-23 uv:1.23456万",
    "/data enter shop:天猫旗舰店 date:2026-11-23 paid-amount:99999999999999999",
    "/data enter shop:天猫旗舰店 date:1999-01-01 uv:5",
    "/data enter shop:不存在的店 uv:5",
    "/data enter shop:天猫旗舰店 date:2026-11-23",
    "/data shop name:坏*名字 platform:tmall currency:CNY",
    "/data shop name:天猫旗舰店 platform:tmall currency:CNY",
    "/data show date:2026-13-01",
    "/data show from:2026-11-22 to:2026-11-01",
    "/data target amount:很多 shop:天猫旗舰店",
    "/data target amount:1000 shop:天猫旗舰店 month:2026-13",
    "/data import file:/nonexistent/export.csv shop:天猫旗舰店",
    "/data history shop:天猫旗舰店 date:明年",
    // Activities, holidays, settings, summaries, outbox.
    "/activity add name:测试 schedule:每周八",
    "/activity add name:测试 schedule:\"thu 09:00\" lead:很久",
    "/activity add name:测试 schedule:\"thu 09:00\" times:0",
    "/activity edit id:999 name:测试",
    "/activity skip id:1 day:2026-02-30",
    "/activity pause id:999",
    "/holiday add name:测试 from:2026-02-30",
    "/holiday remove id:999",
    "/setup timezone:Mars/Base",
    "/setup position:design",
    "/summary schedule time:25:00",
    "/summary now date:明年",
    "/summary monthly month:十三月",
    "/review month:2026-13",
    "/outbox retry id:999",
    "/outbox list state:lost",
];

/// A value that reads for an option of `kind` named `name`, for the walk of the table.
fn good_value(name: &str, kind: OptKind) -> Option<&'static str> {
    Some(match (name, kind) {
        (_, OptKind::Attachment | OptKind::Role | OptKind::Channel) => return None,
        (_, OptKind::User) => "@carol",
        (_, OptKind::Boolean) => "true",
        ("id", _) => "1",
        ("page", _) => "1",
        ("shop", _) => "天猫旗舰店",
        ("date" | "day", _) => "2026-11-22",
        ("from", _) => "2026-11-01",
        ("to", _) => "2026-11-30",
        ("month", _) => "2026-11",
        ("title" | "name", _) => "核对发票",
        ("text" | "note" | "summary" | "description" | "message", _) => "已跟进",
        ("due", _) => "后天 17:00",
        ("schedule", _) => "每周二 10:00",
        ("amount", _) => "25.00",
        ("period", _) => "last-month",
        (_, OptKind::Integer) => "2",
        _ => return None,
    })
}

/// Every command of the table, walked: with no options, with each choice of each option, with
/// the values of [`good_value`], and with a value of the wrong kind in every typed option.
async fn every_command(w: &mut Walk) -> usize {
    let leaves = CommandSpec::leaves();
    for (path, spec) in &leaves {
        w.line(&format!("/{path}")).await;
        let required: Vec<String> = spec
            .options
            .iter()
            .filter(|o| o.required)
            .filter_map(|o| good_value(o.name, o.kind).map(|v| format!("{}:\"{v}\"", o.name)))
            .collect();
        let base = format!("/{path} {}", required.join(" "));
        if !required.is_empty() {
            w.line(&base).await;
        }
        for o in spec.options {
            for c in o.choices {
                w.line(&format!("{base} {}:{c}", o.name)).await;
            }
            if !o.required
                && let Some(v) = good_value(o.name, o.kind)
            {
                w.line(&format!("{base} {}:\"{v}\"", o.name)).await;
            }
            let bad = match o.kind {
                OptKind::Integer => Some("三"),
                OptKind::Boolean => Some("也许"),
                OptKind::User => Some("@&design"),
                OptKind::Channel | OptKind::Role => Some("#"),
                _ if !o.choices.is_empty() => Some("随便"),
                _ => None,
            };
            if let Some(bad) = bad {
                w.line(&format!("{base} {}:{bad}", o.name)).await;
            }
            if o.autocomplete {
                w.suggest(path, o.name, "").await;
                w.suggest(path, o.name, "天").await;
            }
        }
    }
    leaves.len()
}

/// Every button seen, pressed once per kind (`task:done:3` and `task:done:4` are one kind),
/// and every form a button opened, submitted.
async fn every_button(w: &mut Walk) -> usize {
    let mut pressed = BTreeSet::new();
    let mut count = 0;
    for _round in 0..3 {
        let ids: Vec<String> = w.buttons.keys().cloned().collect();
        for id in ids {
            let kind: String = id.split(':').take(2).collect::<Vec<_>>().join(":");
            if !pressed.insert(kind) {
                continue;
            }
            count += 1;
            let r = w.press(&id).await;
            if let Some(form) = r.form {
                let fields: Vec<(&str, &str)> = form
                    .fields
                    .iter()
                    .map(|f| {
                        let v = match f.id.as_str() {
                            "outcome" => "refund",
                            "amount" => "30.00",
                            _ => "买家已确认",
                        };
                        (f.id.as_str(), v)
                    })
                    .collect();
                w.submit(&form.id, &fields).await;
                // A form filled in wrong.
                let wrong: Vec<(&str, &str)> = form
                    .fields
                    .iter()
                    .map(|f| (f.id.as_str(), "？？"))
                    .collect();
                w.submit(&form.id, &wrong).await;
            }
        }
    }
    count
}

/// The shell's own texts, as `storeops shell` prints them to a zh-CN reader.
async fn the_shell(w: &mut Walk) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut sh = w.t.shell("alice", "manager", "zh-CN").await;
    out.push(("[welcome]".to_string(), sh.welcome().await));
    for line in [
        ":help",
        ":now",
        ":as dana design",
        ":as alice manager",
        ":locale",
        ":bogus",
        ":advance 很久",
        ":advance 2000d",
        "/task export from:2026-11-01 to:2026-11-30",
        "/activity calendar format:ics",
        "/summary now date:2026-11-22",
        "/task list scope:all",
        ":advance 1d",
    ] {
        out.push((line.to_string(), run(&mut sh, line).await));
    }
    out
}

#[test]
fn every_screen_a_zh_cn_team_reads_is_in_chinese() {
    // The walk's futures are deep (a whole core per step): a thread with room for them.
    let walk = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(the_walk())
        })
        .expect("thread");
    if let Err(panic) = walk.join() {
        std::panic::resume_unwind(panic);
    }
}

async fn the_walk() {
    let mut w = Walk::new().await;
    Box::pin(the_teams_month(&mut w)).await;
    for line in BAD_INPUT {
        let r = w.line(line).await;
        assert!(!r.text().trim().is_empty(), "{line}: no answer");
    }
    // A member of no position, refused what is not theirs.
    w.as_("dana", &[]);
    for line in [
        "/data target amount:1 shop:天猫旗舰店",
        "/complaint show id:2",
        "/task cancel id:1",
        "/outbox list",
    ] {
        let r = w.line(line).await;
        assert!(is_error(&r), "{line} refused: {}", r.text());
    }
    w.as_("alice", &[Position::Manager, Position::Operations]);
    // A week of the bot's own messages: reminders, escalations, alerts, activities, the
    // morning summaries, the missing-figures check, a weekly summary; one send refused for
    // good (reported to the escalation channel, then listed and retried).
    w.sink.script(vec![crate::support::Script::Fail(
        crate::support::outbox::permanent("Missing Access"),
    )]);
    w.advance(Duration::days(8)).await;
    w.ok("/outbox list state:failed").await;
    w.ok("/outbox retry").await;
    w.ok("/status").await;
    let leaves = Box::pin(every_command(&mut w)).await;
    let pressed = Box::pin(every_button(&mut w)).await;
    w.advance(Duration::days(2)).await;
    let shell = Box::pin(the_shell(&mut w)).await;

    // Check every text.
    let mut allowed = Allowed::new(NAMES);
    // Product names come from the item exports the walk imported: names the shops chose.
    for file in ["sycm-items.xls", "real/sycm-items-2026.csv"] {
        allowed.add_text(&walk::file_words(
            &std::fs::read(fixture(file)).expect("fixture"),
        ));
    }
    // An import preview quotes the platforms' own column and report names as the mappings
    // spell them (`Sessions – Total`, "Detail Page Sales and Traffic by ASIN").
    let mut mapping_words = String::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/config/importers"))
        .expect("mappings")
    {
        let path = entry.expect("entry").path();
        mapping_words.push_str(&std::fs::read_to_string(path).expect("mapping"));
    }
    // The shell names the roles it pretends after the positions' keys, and its channel
    // `#shell`: names the shell made.
    let shell_names = |text: &str| {
        let mut t = text.replace("#shell", "#频道");
        // `/press <id>` under a message: how the shell presses a button, by its id.
        while let Some(i) = t.find("/press ") {
            let end = t[i..]
                .find(char::is_whitespace)
                .map(|n| i + n + 1)
                .and_then(|j| t[j..].find(char::is_whitespace).map(|n| j + n))
                .unwrap_or(t.len());
            t.replace_range(i..end, " ");
        }
        let mut keys: Vec<&str> = Position::ALL.iter().map(|p| p.key()).collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
        for k in keys {
            t = t.replace(&format!("@{k}"), "@身份组");
        }
        t
    };
    let mut found: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut texts = 0;
    let screens = w.screens.len() + shell.len();
    let all = w
        .screens
        .iter()
        .map(|s| (s.source.clone(), s.texts.clone(), s.typed.clone(), s.error))
        .chain(shell.iter().flat_map(|(line, out)| {
            // Each message the bot sent while the clock moved is one screen (a summary among
            // them is a summary's); the shell repeats what was typed after a control.
            let head = "[机器人 → ";
            let mut parts: Vec<String> = Vec::new();
            for (i, part) in out.split(head).enumerate() {
                parts.push(if i == 0 {
                    part.to_string()
                } else {
                    format!("{head}{part}")
                });
            }
            parts.into_iter().map(move |part| {
                let title = part.lines().take(3).collect::<Vec<_>>().join(" ");
                // The summaries' titles, and the missing-figures reminder's ("缺少 … 的数据").
                let kind = if ["早报", "周报", "月报", "缺少"]
                    .iter()
                    .any(|t| title.contains(t))
                {
                    "summary"
                } else {
                    "shell"
                };
                (format!("[{kind}] {line}"), vec![part], line.clone(), false)
            })
        }));
    for (source, texts_of, typed, error) in all {
        let mut ok = allowed.clone();
        ok.add_text(&typed);
        if source.contains("/data import") || source.contains("imp:") {
            ok.add_text(&mapping_words);
        }
        if error {
            // An error may repeat what was typed, command and option names too.
            ok.add_text(source.trim_start_matches('/'));
        }
        for text in &texts_of {
            texts += 1;
            for word in stray_latin(&shell_names(text), &ok) {
                let e = found.entry(word).or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    e.1 = format!("{source}\n{text}");
                }
            }
        }
    }
    eprintln!(
        "zh-CN walk: {} commands of the table, {pressed} kinds of button, {screens} screens, {texts} texts, {} messages sent by the bot",
        leaves,
        w.sink.calls().len()
    );
    let report: Vec<String> = found
        .iter()
        .map(|(word, (n, first))| format!("`{word}` ×{n}, first in {first}"))
        .collect();
    assert!(
        found.is_empty(),
        "{} English words in zh-CN output:\n\n{}",
        found.len(),
        report.join("\n\n")
    );
    // Every command was walked with content behind it: each answered at least once without
    // an error.
    for (path, _) in CommandSpec::leaves() {
        let words: Vec<&str> = path.split(' ').collect();
        let zh: Vec<String> = (1..=words.len())
            .map(|n| spec::command_name(&words[..n].join(" "), Locale::ZhCn))
            .collect();
        let answered = w.screens.iter().any(|s| {
            !s.error
                && (s.source.starts_with(&format!("/{path} "))
                    || s.source == format!("/{path}")
                    || s.source.starts_with(&format!("/{} ", zh.join(" "))))
        });
        assert!(answered, "/{path} never answered without an error");
    }
}

/// `/help` shows one example per command in the reader's language: the English one is the
/// command table's own, and every example of every language runs as its command (names,
/// option names, choices and required options as the table says).
#[tokio::test]
async fn every_example_in_every_language_is_its_own_command() {
    let t = crate::support::TestApp::quiet().await;
    for (path, spec) in CommandSpec::leaves() {
        assert_eq!(
            Locale::EnUs.t(&format!("example-{}", path.replace(' ', "-"))),
            spec.example,
            "/{path}: the English catalog's example is the table's"
        );
        for locale in Locale::ALL {
            // The example's file (`export.csv`) stands for one the reader has.
            let example = spec::example(&path, locale)
                .replace("export.csv", &fixture("real/amazon-uk-by-date.csv"));
            let parsed = storeops::adapters::shell::parse_line(
                &example,
                &t.app,
                storeops::adapters::shell::SHELL_GUILD,
            )
            .await;
            let Ok(storeops::adapters::shell::parse::Parsed::Command(inv)) = parsed else {
                panic!("/{path} in {locale}: {example} does not read: {parsed:?}");
            };
            assert_eq!(inv.path_str(), path, "{example} in {locale}");
            if let Err(e) = inv.check(locale) {
                panic!("{example} in {locale}: {}", e.render(locale));
            }
        }
    }
}
