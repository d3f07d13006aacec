//! One activity reminder through the fake Discord: it pings exactly its role (never what the
//! typed text names), and "Got it" updates it in place and calls off the follow-up.

use serde_json::Value;

use crate::fake_discord::*;
use crate::support::PATIENCE;
use crate::support::e2e::{E2e, choice, component_ids, embed_text, message_id};
use crate::support::store::outbox_where;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_reminder_pings_exactly_its_role_and_got_it_updates_it() {
    let e = E2e::start().await;
    let (alice, carol) = (e.user("alice"), e.user("carol"));
    let ops = e.channel("ops");
    let marketing = e.fake.fixture().role_id("marketing");
    e.setup(
        alice,
        vec![
            choice(&["setup"], "language", "en-US"),
            choice(&["setup"], "position", "marketing"),
            opt_role("role", marketing),
        ],
    )
    .await;
    // Typed text that would ping everyone and another role, were it parsed.
    let r = e
        .run(
            alice,
            "activity",
            Some("add"),
            vec![
                opt_str("name", "Stock take @everyone <@&3001>"),
                opt_str("schedule", "mon 12:00"),
                choice(&["activity", "add"], "ping", "marketing"),
                opt_channel("channel", ops),
                opt_str("lead", "1h, 0"),
            ],
        )
        .await;
    let text = embed_text(&r);
    assert!(text.contains("saved"), "{r:#}");

    // 11:00, an hour before the start: the reminder pings the marketing role.
    e.t.clock.advance(chrono::Duration::hours(2));
    let m = e
        .fake
        .wait_message(ops, |m| embed_text(m).contains("Stock take"), PATIENCE)
        .await
        .expect("the reminder is posted an hour before");
    assert_eq!(
        m["content"].as_str(),
        Some(format!("<@&{marketing}>").as_str()),
        "{m:#}"
    );
    let posts = e
        .fake
        .requests_matching(&format!("POST /channels/{ops}/messages"));
    assert_eq!(posts.len(), 1, "{posts:#?}");
    let allowed = &posts[0].body.as_ref().expect("body")["allowed_mentions"];
    assert_eq!(
        allowed["roles"],
        serde_json::json!([marketing.to_string()]),
        "{allowed:#}"
    );
    assert!(
        allowed["users"].as_array().is_none_or(Vec::is_empty),
        "{allowed:#}"
    );
    assert!(
        allowed["parse"].as_array().is_none_or(Vec::is_empty),
        "nothing is parsed from the text: {allowed:#}"
    );
    // What Discord makes of it: exactly that role pinged, nobody else, not everyone.
    assert_eq!(
        m["mention_roles"],
        serde_json::json!([marketing.to_string()])
    );
    assert_eq!(m["mention_everyone"], Value::Bool(false));
    assert_eq!(m["mentions"], serde_json::json!([]));
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-23T04:00:00Z")
        .expect("instant")
        .timestamp();
    let ack = component_ids(&m)
        .into_iter()
        .find(|id| id.starts_with("act:ack:"))
        .unwrap_or_else(|| panic!("a Got it button: {m:#}"));
    assert!(ack.ends_with(&format!(":{start}")), "{ack}");
    let activity: i64 = ack
        .split(':')
        .nth(2)
        .and_then(|s| s.parse().ok())
        .expect("id");

    // carol presses "Got it": the reminder is updated in place and names her.
    let h = e
        .fake
        .user(carol)
        .locale("en-US")
        .click(ops, message_id(&m), &ack)
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(7), "UPDATE_MESSAGE: {r:#}");
    assert!(
        embed_text(&r).contains(&format!("Got it: <@{carol}>")),
        "{r:#}"
    );
    let edited = e.fake.message(message_id(&m)).expect("message");
    assert!(
        embed_text(&edited).contains(&format!("<@{carol}>")),
        "{edited:#}"
    );
    assert_eq!(e.fake.message_edits(message_id(&m)).len(), 1);
    // The follow-up (half-way through the lead) is called off.
    let waiting = outbox_where(
        &e,
        "source = ?1 AND state = 'pending' AND dedupe_key LIKE '%follow%'",
        &[&format!("activity:{activity}")],
    )
    .await;
    assert_eq!(waiting.len(), 0);

    // 12:00: the start reminder pings the role again and already shows carol; no follow-up.
    e.t.clock.advance(chrono::Duration::hours(1));
    let at_start = e
        .fake
        .wait_message(
            ops,
            |m| message_id(m) != message_id(&edited) && embed_text(m).contains("Stock take"),
            PATIENCE,
        )
        .await
        .expect("the start reminder is posted");
    assert!(
        embed_text(&at_start).contains(&format!("Got it: <@{carol}>")),
        "{at_start:#}"
    );
    assert_eq!(
        at_start["mention_roles"],
        serde_json::json!([marketing.to_string()])
    );
    assert_eq!(e.fake.channel_messages(ops).len(), 2);
    e.fake.assert_no_unknown_requests();
    e.stop().await;
}
