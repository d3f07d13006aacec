//! Nothing the bot sends is refused or silently cut: long answers and posts are split into
//! several messages that each keep Discord's limits (the fake refuses anything past them, and
//! `E2e::stop` fails on any refusal), and every part of the text arrives. Also: a refused
//! command registration leaves the bot running, says why, and is retried.

use std::time::Duration;
use storeops::store::events::{self, Entry, Log};

use serde_json::{Value, json};
use storeops::adapters::discord::Bot;
use storeops::adapters::shell::parse::Parsed;
use storeops::adapters::shell::parse_line;
use storeops::app::{Actor, Invocation, OptValue, Origin};
use storeops::config::Config;
use storeops::message::Reply;
use storeops::store::outbox::Target;
use storeops::store::runtime;

use crate::fake_discord::*;
use crate::support::e2e::{E2e, T, embed_text, init_tracing};
use crate::support::{PATIENCE, TestApp};

/// Runs a shell-style line through the core as a member of the fake's guild (fast set-up of
/// what a test needs; the flow under test itself goes through Discord).
async fn core(e: &E2e, user: &str, line: &str) -> Reply {
    let fx = e.fake.fixture();
    let id = fx.user_id(user);
    let member = fx.member_by_id(id).expect("member");
    let mut actor = Actor::new(id, user);
    actor.role_ids = member.roles.clone();
    actor.is_admin = user == "alice";
    actor.locale = Some("en-US".parse().expect("locale"));
    let origin = Origin {
        guild_id: fx.guild_id,
        channel_id: fx.channel_id("ops"),
        actor,
    };
    let inv = match parse_line(line, &e.t.app, fx.guild_id).await {
        Ok(Parsed::Command(inv)) => inv,
        other => panic!("{line}: {other:?}"),
    };
    e.t.app.handle(&origin, &inv).await
}

/// Every message's embed text and content, in order.
fn texts(messages: &[Value]) -> String {
    messages
        .iter()
        .map(|m| {
            let footer = m["embeds"][0]["footer"]["text"].as_str().unwrap_or("");
            format!(
                "{}\n{}\n{footer}",
                m["content"].as_str().unwrap_or(""),
                embed_text(m)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The interaction's answer and its followups, as messages.
async fn answer_messages(h: &InteractionHandle) -> Vec<Value> {
    let first = h.response().await;
    // The parts after the first are followups; wait until they stop coming.
    let mut seen = 0;
    loop {
        let got = h.wait_followups(seen + 1, Duration::from_millis(500)).await;
        if got.len() <= seen {
            break;
        }
        seen = got.len();
    }
    let mut out = vec![first["data"].clone()];
    out.extend(h.followups());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_morning_summary_of_25_shops_arrives_whole() {
    let e = E2e::start().await;
    let alice = e.user("alice");
    let summary = e.channel("summary");
    let setup = Invocation::new("setup")
        .with(
            "summary-channel",
            OptValue::Channel {
                id: summary,
                name: "summary".into(),
            },
        )
        .with("language", OptValue::Str("en-US".into()));
    let fx = e.fake.fixture();
    let mut boss = Actor::new(alice, "alice");
    boss.is_admin = true;
    boss.locale = Some("en-US".parse().expect("locale"));
    let origin = Origin {
        guild_id: fx.guild_id,
        channel_id: fx.channel_id("ops"),
        actor: boss,
    };
    let r = e.t.app.handle(&origin, &setup).await;
    assert!(r.text().contains("Settings saved"), "{}", r.text());
    e.wait_summary_planned("2026-11-24T01:00:00Z").await;

    let names: Vec<String> = (1..=25).map(|i| format!("Shop {i:02}")).collect();
    for (i, name) in names.iter().enumerate() {
        let r = core(
            &e,
            "alice",
            &format!("/data shop name:\"{name}\" platform:tmall currency:CNY"),
        )
        .await;
        assert!(r.text().contains("added"), "{}", r.text());
        let r = core(
            &e,
            "alice",
            &format!("/data target shop:\"{name}\" amount:900000 month:2026-11"),
        )
        .await;
        assert!(!r.text().contains("can't"), "{}", r.text());
        // Monday, and the Monday before with a better conversion: every shop gets the
        // conversion-drop and refund-rate alerts.
        for (date, uv, buyers, refund) in [
            ("2026-11-16", 4000, 200, 0),
            ("2026-11-23", 4000, 100, 9000),
        ] {
            let r = core(
                &e,
                "alice",
                &format!(
                    "/data enter shop:\"{name}\" date:{date} uv:{uv} paying-buyers:{buyers} paid-amount:{} refund-amount:{refund} ad-spend:{} confirm:true",
                    30000 + i * 100,
                    20000
                ),
            )
            .await;
            assert!(r.text().contains("figures saved"), "{}", r.text());
        }
    }

    e.t.clock.advance(chrono::Duration::hours(24));
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let parts = loop {
        let parts: Vec<Value> = e
            .fake
            .channel_messages(summary)
            .into_iter()
            .filter(|m| embed_text(m).contains("Morning summary"))
            .collect();
        // The last part carries the team's day.
        if texts(&parts).contains("The team's day") || tokio::time::Instant::now() > deadline {
            break parts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        parts.len() > 1,
        "25 shops take more than one message: {}",
        parts.len()
    );
    let text = texts(&parts);
    for name in &names {
        assert!(
            text.contains(&format!("{name}: 0")) || text.contains(name),
            "{name} missing:\n{text}"
        );
        assert!(
            text.contains(&format!("{name}: refund rate")),
            "the refund alert of {name}:\n{text}"
        );
        assert!(
            text.matches(name.as_str()).count() >= 3,
            "{name}: its block, month to date and alerts:\n{text}"
        );
    }
    for heading in [
        "Month to date",
        "Alerts",
        "The team's day",
        "Tasks due today",
    ] {
        assert!(text.contains(heading), "{heading}:\n{text}");
    }
    assert!(
        parts[0]["attachments"]
            .as_array()
            .is_some_and(|a| a.len() == 1),
        "the chart comes with the first part"
    );
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_show_with_500_history_entries_pages_through_them() {
    let e = E2e::start().await;
    let alice = e.user("alice");
    let r = core(
        &e,
        "alice",
        "/task assign title:\"Restock\" due:\"in 3d\" user:@bob",
    )
    .await;
    assert!(r.text().contains("#1"), "{}", r.text());
    let comment = |i: usize| format!("comment {i:03} {}", "supplier photos pending ".repeat(12));
    {
        let mut conn = e.t.app.store.pool.acquire().await.expect("conn");
        for i in 2..=500 {
            let c = comment(i);
            let entry = Entry::new(e.t.clock_now(), alice, "comment", Some(&c));
            events::add(&mut conn, Log::Task, 1, entry)
                .await
                .expect("event");
        }
    }
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .slash("task", Some("show"), vec![opt_str("id", "1")])
        .await;
    let text = texts(&answer_messages(&h).await);
    for i in 481..=500 {
        assert!(
            text.contains(&format!("comment {i:03}")),
            "entry {i}:\n{text}"
        );
    }
    assert!(!text.contains("comment 480"), "{text}");
    assert!(
        text.contains("entries 481–500 of 500") && text.contains("/task show id:1 page:2"),
        "{text}"
    );
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .slash(
            "task",
            Some("show"),
            vec![opt_str("id", "1"), opt_int("page", 25)],
        )
        .await;
    let text = texts(&answer_messages(&h).await);
    for i in 2..=20 {
        assert!(
            text.contains(&format!("comment {i:03}")),
            "entry {i}:\n{text}"
        );
    }
    assert!(text.contains("entries 1–20 of 500"), "{text}");
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_in_chinese_arrives_whole() {
    let e = E2e::start().await;
    let h = e
        .fake
        .user(e.user("bob"))
        .locale("zh-CN")
        .slash("help", None, vec![])
        .await;
    let messages = answer_messages(&h).await;
    let text = texts(&messages);
    // Each command by its Chinese names, with its Chinese example.
    for (path, _) in storeops::app::spec::CommandSpec::leaves() {
        let zh = storeops::i18n::Locale::ZhCn;
        let name = storeops::app::spec::localized_path(&path, zh);
        assert!(text.contains(&format!("/{name}")), "/{name}:\n{text}");
        let example = storeops::app::spec::example(&path, zh);
        assert!(text.contains(&example), "{example}:\n{text}");
    }
    assert!(text.contains("/任务 分配"), "{text}");
    // Longer than one embed's description, it is split into parts; shorter, it is one.
    let needed = if text.chars().count() > 4096 { 2 } else { 1 };
    assert!(messages.len() >= needed, "{} messages", messages.len());
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_with_a_4000_character_description_is_shown_whole() {
    let e = E2e::start().await;
    let bob = e.user("bob");
    let sentence =
        |i: usize| format!("第{i:03}句 the buyer says the cup arrived broken, 杯子碎了。");
    let description: String = (0..200).map(sentence).collect::<Vec<_>>().join(" ");
    let description: String = description.chars().take(4000).collect();
    assert_eq!(description.chars().count(), 4000);
    let h = e
        .fake
        .user(bob)
        .locale("en-US")
        .slash(
            "complaint",
            Some("log"),
            vec![
                opt_str("order", "A1001"),
                opt_str("platform", "tmall"),
                opt_str("category", "damaged"),
                opt_str("summary", "Cup arrived broken"),
                opt_str("description", &description),
            ],
        )
        .await;
    let text = texts(&answer_messages(&h).await);
    assert!(text.contains("#1"), "{text}");
    let h = e
        .fake
        .user(bob)
        .locale("en-US")
        .slash("complaint", Some("show"), vec![opt_str("id", "1")])
        .await;
    let text = texts(&answer_messages(&h).await);
    // Every sentence arrives (fields may break between them, never inside a word).
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = description.split_whitespace().collect::<Vec<_>>().join(" ");
    for word in shown.split(' ') {
        assert!(flat.contains(word), "{word} missing");
    }
    let last = shown.split(' ').next_back().expect("a last word");
    assert!(flat.contains(last), "the end of the description arrives");
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_with_200_matching_tasks_offers_what_discord_takes() {
    let e = E2e::start().await;
    for i in 0..200 {
        let r = core(
            &e,
            "alice",
            &format!("/task assign title:\"Restock item {i:03}\" due:\"in 2d\" user:@bob"),
        )
        .await;
        assert!(r.text().contains("New task"), "{}", r.text());
    }
    let h = e
        .fake
        .user(e.user("alice"))
        .locale("en-US")
        .autocomplete("task", Some("done"), vec![], opt_str("id", "Restock"))
        .await;
    let choices = h.autocomplete_choices().await;
    assert_eq!(choices.len(), 25, "{choices:#?}");
    for c in &choices {
        assert!(
            c["name"]
                .as_str()
                .is_some_and(|n| n.contains("Restock item")),
            "{c}"
        );
        assert!(
            c["value"]
                .as_str()
                .is_some_and(|v| v.parse::<u64>().is_ok()),
            "{c}"
        );
    }
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_registration_keeps_the_bot_running_and_is_retried() {
    init_tracing();
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    // Discord's answer to one bad command: the whole registration refused, naming the path.
    let refusal = json!({
        "code": 50035,
        "message": "Invalid Form Body",
        "errors": {"5": {"options": {"3": {"options": {"1": {"required": {"_errors": [{
            "code": "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
            "message": "Required options must be placed before non-required options"
        }]}}}}}}}
    });
    fake.fail_next_rest(
        2,
        Fault::Body(400, refusal),
        FaultScope::Matching("PUT /applications/".into()),
    );
    let mut config = Config::defaults();
    config.discord.api_base = Some(fake.api_base());
    config.discord.guilds = vec![fake.fixture().guild_id];
    config.discord.register_retry = Duration::from_millis(400);
    let t = TestApp::with_config(config).await;
    let bot = Bot::start(t.app.clone(), "test-token")
        .await
        .expect("bot starts");
    fake.wait_identified().await;
    let e = E2e::from_parts(fake, t, bot);

    // Refused: the reason, with the command Discord pointed at, is recorded for /status.
    let deadline = tokio::time::Instant::now() + T;
    let status = loop {
        let mut conn = e.t.app.store.pool.acquire().await.expect("conn");
        if let Some(s) = runtime::get(&mut conn, runtime::COMMANDS)
            .await
            .expect("status")
            && !s.ok
        {
            break s;
        }
        drop(conn);
        assert!(
            tokio::time::Instant::now() < deadline,
            "no refusal recorded"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(
        status
            .value
            .contains("Required options must be placed before non-required options")
            && status.value.contains("[/data target"),
        "{}",
        status.value
    );
    let out = core(&e, "alice", "/status").await.text();
    assert!(
        out.contains("Commands not registered") && out.contains("/data target"),
        "{out}"
    );

    // Meanwhile reminders still go out.
    let ops = e.channel("ops");
    e.enqueue(
        "e2e:meanwhile",
        Target::Channel(ops),
        Reply::titled("Still here"),
        chrono::Duration::zero(),
    )
    .await;
    e.fake
        .wait_message(ops, |m| embed_text(m).contains("Still here"), PATIENCE)
        .await
        .expect("the outbox delivers while commands are refused");

    // The third try is accepted.
    let commands = e.fake.wait_registered_commands(PATIENCE).await;
    assert!(!commands.is_empty(), "registered after the refusals");
    let puts = e.fake.requests_matching("PUT /applications/");
    assert_eq!(
        puts.iter().map(|p| p.status).collect::<Vec<_>>(),
        vec![400, 400, 200]
    );
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let out = core(&e, "alice", "/status").await.text();
        if out.contains("registered with Discord") && !out.contains("not registered") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{out}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    e.stop().await;
}
