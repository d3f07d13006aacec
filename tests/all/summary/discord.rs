//! The morning summary through the fake Discord: posted once at 09:00 with its chart attached
//! as Discord stores files, showing the figures entered.

use serde_json::Value;

use crate::fake_discord::*;
use crate::support::PATIENCE;
use crate::support::e2e::{E2e, choice, embed_text};
use crate::support::store::count;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn morning_summary_is_posted_once_with_its_chart_attached() {
    let e = E2e::start().await;
    let alice = e.user("alice");
    let summary = e.channel("summary");
    e.setup(
        alice,
        vec![
            opt_channel("summary-channel", summary),
            choice(&["setup"], "language", "en-US"),
        ],
    )
    .await;
    // /setup wakes the dispatcher, whose jobs give the guild its summary schedule: tomorrow
    // (Tuesday) 09:00 Asia/Shanghai, since the clock stands at Monday 09:00 exactly.
    e.wait_summary_planned("2026-11-24T01:00:00Z").await;

    e.add_shop(alice, "Flagship", "tmall", "CNY").await;
    let enter = |date: &'static str, uv: &'static str, buyers: &'static str, paid: &'static str| {
        vec![
            opt_str("shop", "Flagship"),
            opt_str("date", date),
            opt_str("uv", uv),
            opt_str("paying-buyers", buyers),
            opt_str("paid-amount", paid),
        ]
    };
    for (date, uv, buyers, paid) in [
        ("2026-11-16", "3500", "90", "21000"),
        ("2026-11-22", "5000", "100", "25000"),
    ] {
        let r = e
            .run(alice, "data", Some("enter"), enter(date, uv, buyers, paid))
            .await;
        assert!(embed_text(&r).contains("figures saved"), "{r:#}");
    }

    // Tuesday 08:00: Monday's figures come in before the summary.
    e.t.clock.advance(chrono::Duration::hours(23));
    let r = e
        .run(
            alice,
            "data",
            Some("enter"),
            enter("yesterday", "4000", "120", "30000"),
        )
        .await;
    assert!(
        embed_text(&r).contains("Flagship, 2026-11-23: figures saved"),
        "{r:#}"
    );
    let summary_posts = || -> Vec<RecordedRequest> {
        e.fake
            .requests_matching(&format!("POST /channels/{summary}/messages"))
            .into_iter()
            .filter(|r| !r.files.is_empty())
            .collect()
    };
    assert!(summary_posts().is_empty(), "no summary before 09:00");

    // 09:00: the summary of Monday, with the 30-day chart.
    e.t.clock.advance(chrono::Duration::hours(1));
    let m = e
        .fake
        .wait_message(
            summary,
            |m| embed_text(m).contains("Morning summary — 2026-11-23"),
            PATIENCE,
        )
        .await
        .expect("the morning summary is posted at 09:00");
    let posts = summary_posts();
    assert_eq!(posts.len(), 1, "one summary post: {posts:#?}");
    let post = &posts[0];
    assert_eq!(post.status, 200);
    assert!(
        post.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("multipart/form-data")),
        "{:?}",
        post.content_type
    );
    assert_eq!(post.files.len(), 1, "{:#?}", post.files);
    let file = &post.files[0];
    assert_eq!(file.field, "files[0]");
    assert_eq!(file.filename, "trend-2026-11-23.png");
    assert!(file.data.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG magic");
    assert!(
        file.data.len() > 1000,
        "a real chart: {} bytes",
        file.data.len()
    );
    let body = post.body.as_ref().expect("payload_json");
    assert_eq!(body["attachments"][0]["filename"], "trend-2026-11-23.png");
    assert_eq!(
        body["embeds"][0]["image"]["url"], "attachment://trend-2026-11-23.png",
        "the embed shows the uploaded chart: {body:#}"
    );
    assert_eq!(body["enforce_nonce"], Value::Bool(true));
    // As Discord stores it: the file is the message's attachment, byte for byte.
    let att = &m["attachments"][0];
    assert_eq!(att["filename"], "trend-2026-11-23.png");
    let att_id: u64 = att["id"].as_str().and_then(|s| s.parse().ok()).expect("id");
    assert_eq!(
        e.fake.attachment_data(att_id).as_deref(),
        Some(&file.data[..])
    );

    // The figures entered, with the change against the day before.
    let text = embed_text(&m);
    assert!(text.contains("Flagship"), "{text}");
    // 30,000 against 25,000 the day before; 120 of 4,000 visitors paid.
    assert!(
        text.contains(
            "**Flagship**: 30,000.00 CNY · day ▲ 20.0% · week ▲ 42.9% · conv. 3.00% · AOV 250.00"
        ),
        "{text}"
    );
    assert!(
        !text.contains("Missing") && !text.contains("missing"),
        "every figure is in: {text}"
    );
    assert!(
        m["content"].as_str().unwrap_or("").is_empty(),
        "pings nobody"
    );

    // Later passes of the dispatcher do not post it again: wait until the 15:00 reminder of a
    // seeded activity (New-products Wednesday, to the summary channel; seeded in Chinese, the
    // guild's language when it was first seen, and renamed into English by /setup) proves the
    // jobs ran since.
    e.t.clock.advance(chrono::Duration::hours(6));
    e.fake
        .wait_message(
            summary,
            |m| embed_text(m).contains("New-products Wednesday"),
            PATIENCE,
        )
        .await
        .expect("a later reminder is posted");
    assert_eq!(summary_posts().len(), 1, "posted once");
    let titled: Vec<Value> = e
        .fake
        .channel_messages(summary)
        .into_iter()
        .filter(|m| embed_text(m).contains("Morning summary"))
        .collect();
    assert_eq!(titled.len(), 1, "{titled:#?}");
    let rows = count(
        &e,
        "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'summary:%' AND state = 'sent'",
    )
    .await;
    assert_eq!(rows, 1);
    e.fake.assert_no_unknown_requests();
    e.stop().await;
}
