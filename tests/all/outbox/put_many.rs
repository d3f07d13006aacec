//! Putting several messages in the outbox at once (`outbox::put_many`, `revive_many`: four
//! statements for any number, where each message took four) against a plain model of what
//! putting them one after the other means: a new key is added, pending at its time; a key
//! whose row is in one of the states to replace waits again with the new content, target and
//! time (attempts, error and lease reset); any other row is left as it is. Random batches
//! (keys repeated within a batch too, inside a caller's transaction or not) are interleaved
//! with rows moving to other states as a dispatcher would move them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use storeops::store::outbox::{self, NewMessage, OutboxState, Target};

use crate::support::TestApp;
use crate::support::outbox::{GUILD, message};
use crate::support::store::outbox_where;

const STATES: [OutboxState; 6] = OutboxState::ALL;

/// One message of a batch: key (of a few), minutes after the start, target channel, version
/// of its text.
type Msg = (u8, i64, u64, u8);

#[derive(Debug, Clone)]
enum Op {
    /// A batch; `replace` as indexes into [`STATES`]; `insert` false is a revive; `outer`
    /// runs it inside a transaction of the caller's.
    Put {
        msgs: Vec<Msg>,
        replace: Vec<usize>,
        insert: bool,
        outer: bool,
    },
    /// The row of a key (if any) moves to a state, as the dispatcher or a cancel moves it,
    /// with an attempt, an error and a lease to be reset by a revive.
    Move { key: u8, state: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (
            prop::collection::vec((0u8..6, 0i64..600, 1u64..4, 0u8..3), 0..7),
            prop::collection::vec(0usize..6, 0..3),
            prop::bool::weighted(0.75),
            any::<bool>(),
        )
            .prop_map(|(msgs, replace, insert, outer)| Op::Put { msgs, replace, insert, outer }),
        2 => (0u8..6, 0usize..6).prop_map(|(key, state)| Op::Move { key, state }),
    ]
}

/// What the model keeps of a row.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    state: String,
    due: DateTime<Utc>,
    available_at: DateTime<Utc>,
    target: u64,
    title: String,
    attempts: i64,
    last_error: Option<String>,
    lease_owner: Option<String>,
    source: String,
}

fn key(k: u8) -> String {
    format!("batch:{k}")
}

fn new_message(start: DateTime<Utc>, (k, minutes, channel, version): Msg) -> NewMessage {
    let mut m = message(
        GUILD,
        &key(k),
        "batch",
        Target::Channel(channel),
        start + Duration::minutes(minutes),
    );
    m.reply.title = Some(format!("{} v{version}", key(k)));
    m
}

async fn stored(t: &TestApp) -> BTreeMap<String, Row> {
    outbox_where(t, "source = ?1", &["batch"])
        .await
        .into_iter()
        .map(|r| {
            let row = Row {
                state: r.state,
                due: r.due,
                available_at: r.available_at,
                target: r.target,
                title: r.reply.title.unwrap_or_default(),
                attempts: r.attempts,
                last_error: r.last_error,
                lease_owner: r.lease_owner,
                source: r.source,
            };
            (r.key, row)
        })
        .collect()
}

async fn check(ops: Vec<Op>) {
    let t = TestApp::quiet().await;
    let start = t.clock_now();
    let mut model: BTreeMap<String, Row> = BTreeMap::new();
    for op in ops {
        match op {
            Op::Put {
                msgs,
                replace,
                insert,
                outer,
            } => {
                let batch: Vec<NewMessage> = msgs.iter().map(|m| new_message(start, *m)).collect();
                // A revive replaces cancelled rows.
                let replace: Vec<OutboxState> = if insert {
                    replace.iter().map(|i| STATES[*i]).collect()
                } else {
                    vec![OutboxState::Cancelled]
                };
                // The model: one message after the other.
                let mut expected = Vec::new();
                for m in &batch {
                    let title = m.reply.title.clone().unwrap_or_default();
                    let changed = match model.get_mut(&m.dedupe_key) {
                        None if insert => {
                            model.insert(
                                m.dedupe_key.clone(),
                                Row {
                                    state: "pending".into(),
                                    due: m.due_at,
                                    available_at: m.due_at,
                                    target: m.target.id(),
                                    title,
                                    attempts: 0,
                                    last_error: None,
                                    lease_owner: None,
                                    source: m.source.clone(),
                                },
                            );
                            true
                        }
                        None => false,
                        Some(row) if replace.iter().any(|s| s.as_str() == row.state) => {
                            row.state = "pending".into();
                            row.due = m.due_at;
                            row.available_at = m.due_at;
                            row.target = m.target.id();
                            row.title = title;
                            row.attempts = 0;
                            row.last_error = None;
                            row.lease_owner = None;
                            true
                        }
                        Some(_) => false,
                    };
                    expected.push(changed);
                }
                let mut conn = t.app.store.pool.acquire().await.expect("connection");
                let got = if outer {
                    let mut tx = storeops::store::write_tx(&mut conn).await.expect("begin");
                    let got = put(&mut tx, &batch, start, &replace, insert).await;
                    tx.commit().await.expect("commit");
                    got
                } else {
                    put(&mut conn, &batch, start, &replace, insert).await
                };
                assert_eq!(got, expected, "changed, for {msgs:?} replacing {replace:?}");
            }
            Op::Move { key: k, state } => {
                let state = STATES[state].as_str();
                let moved = sqlx::query(
                    "UPDATE outbox_state SET state = ?2, attempts = attempts + 1, last_error = 'HTTP 500',
                            lease_owner = 'someone'
                     WHERE id = (SELECT id FROM outbox_message WHERE dedupe_key = ?1)",
                )
                .bind(key(k))
                .bind(state)
                .execute(&t.app.store.pool)
                .await
                .expect("move")
                .rows_affected();
                if let Some(row) = model.get_mut(&key(k)) {
                    assert_eq!(moved, 1);
                    row.state = state.into();
                    row.attempts += 1;
                    row.last_error = Some("HTTP 500".into());
                    row.lease_owner = Some("someone".into());
                } else {
                    assert_eq!(moved, 0);
                }
            }
        }
        assert_eq!(stored(&t).await, model);
    }
    // The rows' nonces and the maintained counts agree with the rows.
    let nonces: Vec<(String, String)> =
        sqlx::query_as("SELECT dedupe_key, nonce FROM outbox_message WHERE source = 'batch'")
            .fetch_all(&t.app.store.pool)
            .await
            .expect("nonces");
    for (k, nonce) in nonces {
        assert_eq!(nonce, outbox::nonce_for(&k));
    }
    let mut conn = t.app.store.pool.acquire().await.expect("connection");
    let counts: BTreeMap<&str, i64> = outbox::counts(&mut conn, None)
        .await
        .expect("counts")
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| (s.as_str(), n))
        .collect();
    let mut plain: BTreeMap<&str, i64> = BTreeMap::new();
    for row in model.values() {
        let s = STATES
            .iter()
            .find(|s| s.as_str() == row.state)
            .expect("state");
        *plain.entry(s.as_str()).or_default() += 1;
    }
    assert_eq!(counts, plain, "the maintained counts");
}

async fn put(
    conn: &mut sqlx::SqliteConnection,
    batch: &[NewMessage],
    now: DateTime<Utc>,
    replace: &[OutboxState],
    insert: bool,
) -> Vec<bool> {
    if insert {
        outbox::put_many(conn, batch, now, replace).await
    } else {
        outbox::revive_many(conn, batch, now).await
    }
    .expect("put")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::support::model_cases(12), max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn a_batch_does_what_its_messages_one_after_the_other_would(ops in prop::collection::vec(op(), 1..14)) {
        crate::support::block_on(check(ops));
    }
}
