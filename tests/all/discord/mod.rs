//! The Discord front-end end to end, through the real serenity/poise stack (`storeops run`'s
//! code path) against the fake Discord on 127.0.0.1: registering the commands, answering in
//! the user's language, pinging exactly whom a message means, retries, a dropped gateway,
//! autocomplete, slow answers, and Discord's rate limits. Each feature's own flow through the
//! fake is in its folder (`tasks/discord.rs`, ...). The other files: `limits` (nothing sent is
//! refused or cut), `payloads` (the fake's payloads are serenity's), `rules` (the fake refuses
//! what Discord refuses), `import` (`/data import`: attachments, previews, deferral).

mod history;
mod import;
mod in_doubt;
mod limits;
mod payloads;
mod rules;
mod stalls;

use std::time::Duration;

use serde_json::Value;
use storeops::message::{Mentions, Reply};
use storeops::store::outbox::Target;

use crate::fake_discord::*;
use crate::support::e2e::{E2e, T, assert_frames_known, embed, embed_text, lock_database_for};
use crate::support::store::{OutboxRow, outbox_row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_registers_every_command_within_discords_limits() {
    // Discord's limits are the fake's rules (tests/all/fake_discord/rules.rs): the bulk
    // overwrite is accepted only if every command keeps them.
    let e = E2e::start().await;
    let puts = e.fake.requests_matching("PUT /applications/");
    assert_eq!(puts.len(), 1, "one registration: {puts:#?}");
    assert_eq!(puts[0].status, 200, "{}", puts[0].describe());
    assert!(
        puts[0]
            .path
            .ends_with(&format!("/guilds/{}/commands", e.guild())),
        "registered in the configured guild: {}",
        puts[0].path
    );
    let commands = e.fake.registered_commands();
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for spec in storeops::app::spec::COMMANDS {
        assert!(names.contains(&spec.name), "/{} registered", spec.name);
    }
    // Every command and option is described in both languages.
    fn described(v: &Value, what: &str) {
        assert!(
            v["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}"
        );
        assert!(
            v["description_localizations"]["zh-CN"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{what}: zh-CN"
        );
        for o in v["options"].as_array().into_iter().flatten() {
            described(o, &format!("{what} {}", o["name"]));
        }
    }
    for c in &commands {
        described(c, &format!("/{}", c["name"]));
    }
    // One name, two meanings: each command describes its own `platform`.
    let option = |cmd: &str, sub: &str, opt: &str| -> Value {
        let c = commands.iter().find(|c| c["name"] == cmd).expect("command");
        let s = c["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == sub))
            .expect("subcommand");
        s["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == opt))
            .cloned()
            .expect("option")
    };
    let import = option("data", "import", "platform");
    assert!(
        import["description"]
            .as_str()
            .is_some_and(|d| d.contains("exported the file")),
        "{import:#}"
    );
    assert_eq!(
        import["description_localizations"]["zh-CN"],
        "文件由哪个平台导出；不填则按列名自动识别"
    );
    let complaint = option("complaint", "log", "platform");
    assert!(
        complaint["description"]
            .as_str()
            .is_some_and(|d| d.contains("order was placed")),
        "{complaint:#}"
    );
    assert_frames_known(&e.fake);
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_answer_in_the_users_language_and_check_permissions() {
    let e = E2e::start().await;
    let bob = e.user("bob");
    let r = e
        .fake
        .user(bob)
        .locale("en-US")
        .slash("status", None, vec![])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("storeops status"), "{r:#}");

    let r = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .slash("status", None, vec![])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("storeops 状态"), "{r:#}");

    // bob is customer service, not a manager: /setup is refused, privately, and nothing changes.
    let r = e
        .fake
        .user(bob)
        .locale("en-US")
        .slash("setup", None, vec![opt_str("timezone", "Europe/Berlin")])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("Only managers"), "{r:#}");
    assert_eq!(
        r["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral"
    );
    assert_eq!(
        e.t.app.guild(e.guild()).await.expect("guild").timezone,
        chrono_tz::Asia::Shanghai
    );

    // alice owns the server (administrator): she may, and her reply is in Chinese.
    let alice = e.user("alice");
    let r = e
        .fake
        .user(alice)
        .locale("zh-CN")
        .slash("setup", None, vec![opt_str("timezone", "Europe/Berlin")])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("设置已保存"), "{r:#}");
    assert_eq!(
        e.t.app.guild(e.guild()).await.expect("guild").timezone,
        chrono_tz::Europe::Berlin
    );
    assert!(
        e.fake.unknown_requests().is_empty(),
        "{:#?}",
        e.fake.unknown_requests()
    );
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_messages_ping_exactly_who_they_mean_with_a_nonce() {
    let e = E2e::start().await;
    let ops = e.channel("ops");
    let bob = e.user("bob");
    let mut reply = Reply::titled("Reminder: @everyone <@&3001> check stock");
    reply.lines.push("Typed by a user: @here <@4001>".into());
    reply.mentions = Mentions::user(bob);
    e.enqueue(
        "e2e:mentions",
        Target::Channel(ops),
        reply,
        chrono::Duration::minutes(5),
    )
    .await;

    // Not yet due: nothing is sent.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(e.fake.channel_messages(ops).is_empty());

    e.t.clock.advance(chrono::Duration::minutes(5));
    let m = e
        .fake
        .wait_message(ops, |m| embed_text(m).contains("check stock"), T)
        .await
        .expect("the reminder is posted when the manual clock reaches its due time");
    let req = e
        .fake
        .requests_matching(&format!("POST /channels/{ops}/messages"));
    let body = req.last().and_then(|r| r.body.clone()).expect("body");
    assert_eq!(
        body["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "{body:#}"
    );
    assert_eq!(
        body["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{body:#}"
    );
    assert!(
        body["allowed_mentions"]["roles"]
            .as_array()
            .map(Vec::is_empty)
            .unwrap_or(true),
        "{body:#}"
    );
    assert_eq!(m["content"].as_str(), Some(format!("<@{bob}>").as_str()));
    assert_eq!(body["enforce_nonce"], Value::Bool(true));
    let nonce = body["nonce"].as_str().expect("nonce");
    assert!(nonce.len() <= 25);
    e.stop().await;
}

/// The outbox row of `key` once `done` holds of it (polled every 25 ms, up to 5 s), or as it is
/// then, for the assertion to show.
async fn outbox_row_once(e: &E2e, key: &str, done: impl Fn(&OutboxRow) -> bool) -> OutboxRow {
    let mut row = outbox_row(e, key).await;
    for _ in 0..200 {
        if done(&row) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        row = outbox_row(e, key).await;
    }
    row
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_send_is_retried_and_delivered_once() {
    let e = E2e::start().await;
    let ops = e.channel("ops");
    e.fake
        .fail_next_rest(1, Fault::Status(500), FaultScope::MessageSend);
    e.fake.fail_next_rest(
        1,
        Fault::RateLimited {
            retry_after_secs: 0.6,
        },
        FaultScope::MessageSend,
    );
    e.enqueue(
        "e2e:retry",
        Target::Channel(ops),
        Reply::titled("Retry me"),
        chrono::Duration::zero(),
    )
    .await;

    // The 500 is retried after a backoff of about a second on the manual clock, then the 429
    // asks for 0.6 s of Discord's (real) time: the sink waits that out before the third try,
    // so the messages of the channel keep their order.
    let wait_calls = |n: usize| {
        let fake = e.fake.clone();
        async move {
            for _ in 0..200 {
                if fake
                    .requests_matching(&format!("POST /channels/{ops}/messages"))
                    .len()
                    >= n
                {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            false
        }
    };
    assert!(wait_calls(1).await, "first attempt");
    // The fake has the request before the dispatcher has its answer: the clock moves on only
    // once the retry is recorded, or the backoff would start from the moved clock (a CI flake).
    let row = outbox_row_once(&e, "e2e:retry", |r| {
        r.state == "pending" && r.last_error.is_some()
    })
    .await;
    assert_eq!(
        (row.state.as_str(), row.attempts),
        ("pending", 1),
        "the 500 recorded for a retry"
    );
    assert!(
        row.available_at > storeops::clock::Clock::now(&e.t.clock),
        "retried after a backoff"
    );
    e.t.clock.advance(chrono::Duration::seconds(2));
    assert!(wait_calls(2).await, "second attempt after the 500");
    let limited_at = std::time::Instant::now();
    assert!(wait_calls(3).await, "third attempt after the 429");
    assert!(
        limited_at.elapsed() >= Duration::from_millis(550),
        "retry_after honoured: {:?}",
        limited_at.elapsed()
    );
    e.fake
        .wait_message(ops, |m| embed_text(m).contains("Retry me"), T)
        .await
        .expect("delivered");
    assert_eq!(e.fake.channel_messages(ops).len(), 1, "exactly one message");
    // The row is recorded just after the message is posted.
    let row = outbox_row_once(&e, "e2e:retry", |r| r.state == "sent").await;
    assert_eq!(
        (row.state.as_str(), row.attempts),
        ("sent", 2),
        "the 429 was waited out in one attempt"
    );
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_gateway_is_resumed_and_commands_keep_working() {
    let e = E2e::start().await;
    assert!(e.fake.drop_gateway().await);
    e.fake.wait_resumed(1).await;
    let r = e
        .fake
        .user(e.user("carol"))
        .locale("en-US")
        .slash("help", None, vec![])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("/status"), "{r:#}");
    assert_eq!(e.fake.identify_count(), 1, "resumed, not re-identified");
    e.stop().await;
}

/// Autocomplete through the real front-end: typing a deadline shows when it falls (in the
/// guild's time zone) and typing part of a title in `/task done id` offers that task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_previews_deadlines_and_finds_tasks_by_title() {
    let e = E2e::start().await;
    let (alice, bob) = (e.user("alice"), e.user("bob"));
    let ops = e.channel("ops");
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .autocomplete(
            "task",
            Some("assign"),
            vec![opt_str("title", "Restock")],
            opt_str("due", "tomorrow 17:00"),
        )
        .await;
    assert_eq!(h.response_type().await, 8);
    let choices = h.autocomplete_choices().await;
    assert_eq!(choices.len(), 1, "{choices:#?}");
    assert_eq!(choices[0]["value"], "tomorrow 17:00");
    let name = choices[0]["name"].as_str().unwrap_or_default();
    assert!(name.contains("17:00") && name.contains('('), "{name}");

    let r = e
        .run(
            alice,
            "task",
            Some("assign"),
            vec![
                opt_str("title", "Update the weekend banner"),
                opt_str("due", "in 5h"),
                opt_user("user", bob),
            ],
        )
        .await;
    assert!(embed_text(&r).contains("New task #1"), "{r:#}");
    let h = e
        .fake
        .user(bob)
        .locale("en-US")
        .channel(ops)
        .autocomplete("task", Some("done"), vec![], opt_str("id", "banner"))
        .await;
    let choices = h.autocomplete_choices().await;
    assert!(
        choices.iter().any(|c| c["value"] == "1"
            && c["name"].as_str().unwrap_or_default().contains("banner")),
        "{choices:#?}"
    );
    e.stop().await;
}

/// A slow command whose answer is public: acknowledged privately at once, then the private
/// acknowledgement becomes a short note and the answer is posted for everyone as a new message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_public_answer_is_still_posted_for_everyone() {
    let e = E2e::start_with(|c| c.discord.defer_after = std::time::Duration::from_millis(50)).await;
    let (alice, bob) = (e.user("alice"), e.user("bob"));
    let ops = e.channel("ops");
    // Another writer holds the database: the assignment has to wait for it.
    let writer = lock_database_for(&e, std::time::Duration::from_millis(400)).await;
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "task",
            Some("assign"),
            vec![
                opt_str("title", "Restock the warehouse"),
                opt_str("due", "in 3h"),
                opt_user("user", bob),
            ],
        )
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(5), "{r:#}");
    let followups = h
        .wait_followups(2, std::time::Duration::from_secs(10))
        .await;
    assert_eq!(followups.len(), 2, "{:#?}", e.fake.request_log());
    let (note, answer) = (&followups[0], &followups[1]);
    assert!(is_ephemeral(note), "{note:#}");
    assert!(embed_text(note).contains("posted below"), "{note:#}");
    assert!(!is_ephemeral(answer), "{answer:#}");
    assert!(embed_text(answer).contains("New task #1"), "{answer:#}");
    writer.await.expect("the other writer commits");
    e.stop().await;
}

/// Discord limits posting to one channel (the fake, opted in: 5 messages per window per
/// channel, its headers on every answer; here a 300 ms window, so the burst takes little real
/// time — the bot learns the window only from the headers) and counts 429s against an
/// invalid-request limit of 10,000 per 10 minutes, past which the bot's address is banned for
/// a while (<https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans>).
/// A burst of 12 reminders to one channel is delivered, each exactly once and in order, and
/// the bot waits when `X-RateLimit-Remaining` says 0 instead of learning from a 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_to_one_channel_keeps_to_discords_rate_limit() {
    let fake_config = FakeConfig {
        rate_limits: true,
        channel_window: Duration::from_millis(300),
        ..FakeConfig::default()
    };
    let e = E2e::start_with_fake(fake_config, |_| {}).await;
    let ops = e.channel("ops");
    let want: Vec<String> = (0..12).map(|i| format!("Burst {i}")).collect();
    for (i, title) in want.iter().enumerate() {
        e.enqueue(
            &format!("e2e:burst:{i}"),
            Target::Channel(ops),
            Reply::titled(title.clone()),
            chrono::Duration::zero(),
        )
        .await;
    }
    let titles = || -> Vec<String> {
        e.fake
            .channel_messages(ops)
            .iter()
            .map(|m| embed(m)["title"].as_str().unwrap_or_default().to_string())
            .filter(|t| t.starts_with("Burst"))
            .collect()
    };
    // Real time: Discord's windows run on its clock, not the bot's schedule.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while titles().len() < 12 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(titles(), want, "every reminder delivered once, in order");
    let limited = e.fake.rate_limited_count();
    assert_eq!(
        limited, 0,
        "the bot caused {limited} 429s: it should wait when X-RateLimit-Remaining is 0"
    );
    e.stop().await;
}

/// 500 reminders due at once across 5 channels, with Discord's limits on (per channel 5 per
/// window, here 100 ms; globally 500 a second, and the bot told so): all delivered once, in
/// order per channel, and the bot causes at most 5 429s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_reminders_across_five_channels_keep_to_the_rate_limits() {
    let fake_config = FakeConfig {
        rate_limits: true,
        channel_window: Duration::from_millis(100),
        global_limit: 500,
        ..FakeConfig::default()
    };
    let mut fixture_channels = Vec::new();
    let e = E2e::start_with_fake(fake_config, |c| {
        c.discord.global_requests_per_second = 500;
    })
    .await;
    for name in ["general", "ops", "escalations", "summary"] {
        fixture_channels.push(e.channel(name));
    }
    // The fifth: the bot's DM with dave (a channel of its own, opened on the first send).
    let dave = e.user("dave");
    let targets: Vec<Target> = fixture_channels
        .iter()
        .map(|c| Target::Channel(*c))
        .chain(std::iter::once(Target::User(dave)))
        .collect();
    let mut want: std::collections::HashMap<Target, Vec<String>> = Default::default();
    for i in 0..500 {
        let target = targets[i % targets.len()];
        let title = format!("Reminder {i:03}");
        want.entry(target).or_default().push(title.clone());
        e.enqueue(
            &format!("e2e:many:{i}"),
            target,
            Reply::titled(title),
            chrono::Duration::zero(),
        )
        .await;
    }
    let got = |target: &Target| -> Vec<String> {
        let channel = match target {
            Target::Channel(c) => Some(*c),
            Target::User(u) => e.fake.dm_channel_of(*u),
        };
        channel
            .map(|c| e.fake.channel_messages(c))
            .unwrap_or_default()
            .iter()
            .map(|m| embed(m)["title"].as_str().unwrap_or_default().to_string())
            .filter(|t| t.starts_with("Reminder"))
            .collect()
    };
    let delivered = || targets.iter().map(|t| got(t).len()).sum::<usize>();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while delivered() < 500 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for t in &targets {
        assert_eq!(got(t), want[t], "{t:?}: once each, in order");
    }
    let limited = e.fake.rate_limited_count();
    assert!(limited <= 5, "the bot caused {limited} 429s");
    e.stop().await;
}
