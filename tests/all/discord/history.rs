//! The fake's Get Channel Messages refuses and answers as Discord documents
//! (`fake_discord/history.rs` cites each rule): `limit` 1–100 (default 50), one of
//! `around`/`before`/`after`, newest first, snowflake ids, no nonce on a read, 403 without
//! View Channel, nothing without Read Message History, and its own rate-limit bucket.

use serde_json::{Value, json};

use super::rules::call;
use crate::fake_discord::history::{READ_MESSAGE_HISTORY, VIEW_CHANNEL, snowflake_unix_ms};
use crate::fake_discord::*;
use crate::support::e2e::init_tracing;

const CHANNEL: u64 = 2001;

/// Posts `n` messages (with nonces) to [`CHANNEL`]; returns their ids, oldest first.
async fn post(fake: &FakeDiscord, n: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let body =
            json!({"content": format!("m{i}"), "nonce": format!("n{i}"), "enforce_nonce": true});
        let a = call(
            fake,
            "POST",
            &format!("/channels/{CHANNEL}/messages"),
            Some(body),
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        ids.push(
            a.body["id"]
                .as_str()
                .expect("id")
                .parse()
                .expect("snowflake"),
        );
    }
    ids
}

/// The ids of a list answer, in the order given.
fn ids(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|m| m["id"].as_str().expect("id").parse().expect("snowflake"))
        .collect()
}

async fn get(fake: &FakeDiscord, query: &str) -> super::rules::Answer {
    call(
        fake,
        "GET",
        &format!("/channels/{CHANNEL}/messages{query}"),
        None,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_channel_messages_pages_newest_first_by_snowflake_and_refuses_bad_queries() {
    init_tracing();
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let before = chrono::Utc::now().timestamp_millis() as u64;
    let posted = post(&fake, 120).await;
    let after = chrono::Utc::now().timestamp_millis() as u64;

    // Snowflakes: growing, their timestamp the moment they were made.
    assert!(posted.windows(2).all(|w| w[0] < w[1]));
    for id in &posted {
        let at = snowflake_unix_ms(*id);
        assert!(
            before <= at && at <= after,
            "{id}: {at} not in {before}..{after}"
        );
    }

    // No query: the newest 50, newest first; a read carries no nonce.
    let a = get(&fake, "").await;
    assert_eq!(a.status, 200);
    let newest: Vec<u64> = posted.iter().rev().take(50).copied().collect();
    assert_eq!(ids(&a.body), newest);
    assert!(
        a.body
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("nonce").is_none())
    );

    // after: the next `limit` after the id, newest first; paging by the newest id walks all.
    let a = get(&fake, &format!("?after={}&limit=5", posted[9])).await;
    let want: Vec<u64> = posted[10..15].iter().rev().copied().collect();
    assert_eq!(ids(&a.body), want);
    let mut walked: Vec<u64> = Vec::new();
    let mut cursor = posted[0] - 1;
    loop {
        let a = get(&fake, &format!("?after={cursor}&limit=100")).await;
        let page = ids(&a.body);
        walked.extend(page.iter().rev());
        if page.len() < 100 {
            break;
        }
        cursor = page[0];
    }
    assert_eq!(walked, posted);

    // before: the `limit` before the id, newest first; around: the nearest ones.
    let a = get(&fake, &format!("?before={}&limit=5", posted[9])).await;
    let want: Vec<u64> = posted[4..9].iter().rev().copied().collect();
    assert_eq!(ids(&a.body), want);
    let a = get(&fake, &format!("?around={}&limit=3", posted[60])).await;
    assert_eq!(ids(&a.body), vec![posted[61], posted[60], posted[59]]);

    // A snowflake made of a later instant: nothing after it.
    let later = (after + 60_000 - crate::fake_discord::history::DISCORD_EPOCH_MS) << 22;
    assert_eq!(
        ids(&get(&fake, &format!("?after={later}")).await.body),
        Vec::<u64>::new()
    );

    // Refused as Discord refuses a bad form, and nothing changes.
    fake.expect_refusal(50035);
    for (query, path) in [
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=ten", "limit"),
        ("?after=yesterday", "after"),
    ] {
        let a = get(&fake, query).await;
        assert_eq!(
            (a.status, a.body["code"].as_i64()),
            (400, Some(50035)),
            "{query}"
        );
        assert!(
            a.body["errors"][path]["_errors"].is_array(),
            "{query}: {}",
            a.body
        );
    }
    let a = get(&fake, &format!("?after={}&before={}", posted[1], posted[5])).await;
    assert_eq!((a.status, a.body["code"].as_i64()), (400, Some(50035)));
    let a = call(&fake, "GET", "/channels/999/messages", None).await;
    assert_eq!((a.status, a.body["code"].as_i64()), (404, Some(10003)));
    fake.expect_refusal(10003);
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_view_channel_a_read_is_refused_and_without_read_history_it_is_empty() {
    init_tracing();
    let no_history = GuildFixture {
        everyone_permissions: DEFAULT_EVERYONE_PERMISSIONS & !READ_MESSAGE_HISTORY,
        ..GuildFixture::default()
    };
    let fake = FakeDiscord::start(no_history).await;
    post(&fake, 3).await;
    let a = get(&fake, "?limit=100").await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body,
        json!([]),
        "no messages are returned, it is not an error"
    );

    let blind = GuildFixture {
        everyone_permissions: DEFAULT_EVERYONE_PERMISSIONS & !VIEW_CHANNEL,
        ..GuildFixture::default()
    };
    let fake = FakeDiscord::start(blind).await;
    let a = get(&fake, "").await;
    assert_eq!((a.status, a.body["code"].as_i64()), (403, Some(50001)));
    fake.expect_refusal(50001);
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_have_a_rate_limit_bucket_of_their_own_with_its_headers() {
    init_tracing();
    let config = FakeConfig {
        rate_limits: true,
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start_with(GuildFixture::default(), config).await;
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let a = get(&fake, "").await;
        assert_eq!(a.status, 200);
        assert_eq!(a.headers["x-ratelimit-bucket"], "fake-get-channel-messages");
        remaining.push(
            a.headers["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(remaining, ["4", "3", "2", "1", "0"]);
    let a = get(&fake, "").await;
    assert_eq!(a.status, 429);
    assert!(a.body["retry_after"].as_f64().is_some(), "{}", a.body);
    // Creating a message is counted apart.
    let a = call(
        &fake,
        "POST",
        &format!("/channels/{CHANNEL}/messages"),
        Some(json!({"content": "hi"})),
    )
    .await;
    assert_eq!(a.status, 200);
    fake.assert_no_unexpected_refusals();
}
