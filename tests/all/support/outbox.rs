//! Queueing outbox rows and running a dispatcher by hand, as the outbox tests do: rows of a
//! made-up guild and channels, a guild's settings without the shell, and scripted send errors.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use sqlx::Connection;
use storeops::app::{App, Reply};
use storeops::i18n::Locale;
use storeops::outbox::dispatcher::PassStats;
use storeops::outbox::{Dispatcher, SendError};
use storeops::store::ms;
use storeops::store::outbox::{self, NewMessage, Target};
use storeops::store::settings::{self, SettingsChange};

use super::RecordingSink;

/// A guild the outbox tests queue for (not the shell's, so no shipped activities get in).
pub const GUILD: u64 = 7;
/// Two channels of it, for "per channel" behaviour.
pub const CH_A: u64 = 1001;
pub const CH_B: u64 = 1002;
/// Where failures are reported when a test sets an escalation channel.
pub const ESCALATION: u64 = 9999;

/// A row titled "title of <key>" with one line of body.
pub fn message(
    guild: u64,
    key: &str,
    source: &str,
    target: Target,
    due: DateTime<Utc>,
) -> NewMessage {
    NewMessage {
        guild_id: guild,
        dedupe_key: key.to_string(),
        source: source.to_string(),
        target,
        reply: Reply::titled(format!("title of {key}")).line("body"),
        due_at: due,
    }
}

/// Queues one row; `false` when its dedupe key was already queued.
pub async fn enqueue(app: &App, msg: &NewMessage) -> bool {
    let mut conn = app.store.pool.acquire().await.expect("connection");
    outbox::enqueue(&mut conn, msg, app.clock.now())
        .await
        .expect("enqueue")
}

/// Enqueues many rows in one transaction.
pub async fn enqueue_all(app: &App, msgs: &[NewMessage]) {
    let mut conn = app.store.pool.acquire().await.expect("connection");
    let mut tx = conn.begin().await.expect("begin");
    for m in msgs {
        assert!(
            outbox::enqueue(&mut tx, m, app.clock.now())
                .await
                .expect("enqueue")
        );
    }
    tx.commit().await.expect("commit");
}

/// A guild's settings in English, with an escalation channel when given.
pub async fn setup_guild(app: &App, guild: u64, escalation: Option<u64>) {
    let mut conn = app.store.pool.acquire().await.expect("connection");
    let now = ms(app.clock.now());
    settings::get_or_init(&mut conn, guild, &app.config, now)
        .await
        .expect("init settings");
    let change = SettingsChange {
        locale: Some(Locale::EnUs),
        escalation_channel: escalation,
        ..SettingsChange::default()
    };
    settings::update(
        &mut conn,
        app.store.settings_changes(),
        guild,
        &change,
        0,
        now,
    )
    .await
    .expect("update settings");
}

/// How many rows are in each state.
pub async fn state_counts(app: &App) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state")
            .fetch_all(&app.store.pool)
            .await
            .expect("counts");
    rows.into_iter().collect()
}

/// A dispatcher of `app` sending to `sink`, claiming rows as `owner` (a process name).
pub fn dispatcher(app: &App, sink: &RecordingSink, owner: &str) -> Dispatcher {
    Dispatcher::new(app, Arc::new(sink.clone())).with_owner(owner)
}

/// One delivery pass of everything due (it must not fail).
pub async fn run_due(d: &Dispatcher) -> PassStats {
    d.run_due().await.expect("delivery pass")
}

/// An error worth trying again (a 5xx, a 429 with its retry-after).
pub fn transient(reason: &str, retry_after: Option<StdDuration>) -> SendError {
    SendError::Transient {
        reason: reason.into(),
        retry_after,
    }
}

/// An error that trying again cannot fix (a 403).
pub fn permanent(reason: &str) -> SendError {
    SendError::Permanent {
        reason: reason.into(),
    }
}
