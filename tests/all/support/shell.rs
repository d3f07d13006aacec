//! Driving the core through the shell front-end as people type: one line in, the printed reply
//! (and whatever the bot sent meanwhile) out; the people the tests type as; and the few steps
//! many tests begin with (log a complaint, add an activity).

use storeops::adapters::shell::{Shell, parse_positions, shell_id};
use storeops::app::{Actor, App};
use storeops::clock::ManualClock;

use super::TestApp;

/// Types one line and returns everything the shell printed for it.
pub async fn run(sh: &mut Shell, line: &str) -> String {
    sh.execute(line).await.text
}

/// The id the shell gives a pretend user (`bob`) or channel (`#esc`): what the core stores for
/// them, so a stored id can be compared with a name.
pub fn uid(name: &str) -> u64 {
    shell_id(name)
}

/// The pretend role the shell maps a position to.
pub fn role(position: &str) -> u64 {
    shell_id(&format!("@&{position}"))
}

/// alice, a manager, in English; the guild speaks English too (its default is zh-CN), so the
/// tests read replies and the bot's own messages in one language.
pub async fn boss(t: &TestApp) -> Shell {
    alice_sets_up(t, "manager", "").await
}

/// [`boss`], in a guild that escalates to #esc (where complaints past their limit go).
pub async fn boss_with_escalation(t: &TestApp) -> Shell {
    alice_sets_up(t, "manager", "escalation-channel:#esc").await
}

/// [`boss`], who also runs operations (the data owner), in a guild that posts its summaries
/// to #daily.
pub async fn boss_with_summary_channel(t: &TestApp) -> Shell {
    alice_sets_up(t, "manager,operations", "summary-channel:#daily").await
}

/// alice with `positions` sets the guild's language to English and `channel_setting`
/// (`escalation-channel:#esc`, or nothing); the saved settings echo the channel back.
async fn alice_sets_up(t: &TestApp, positions: &str, channel_setting: &str) -> Shell {
    let mut sh = t.shell("alice", positions, "en-US").await;
    let line = format!("/setup language:en-US {channel_setting}");
    let out = run(&mut sh, line.trim_end()).await;
    let channel = channel_setting.split_once(':').map_or("", |(_, c)| c);
    assert!(
        out.contains("Settings saved") && out.contains(channel),
        "{out}"
    );
    sh
}

/// bob of customer service, in English: who handles complaints.
pub async fn bob(t: &TestApp) -> Shell {
    t.shell("bob", "customer-service", "en-US").await
}

/// Switches the shell's pretend user (keeps the shell's language), so one shell can play
/// everyone in a flow.
pub async fn act_as(sh: &mut Shell, name: &str, positions: &str) {
    let out = run(sh, &format!(":as {name} {positions}")).await;
    assert!(out.contains(name), "{out}");
}

/// A shell typing as `name` with `positions` (e.g. "manager,operations") in English on `app`
/// (a restarted core, or one with a clock of its own) and `clock`.
pub async fn shell_on(app: &App, clock: &ManualClock, name: &str, positions: &str) -> Shell {
    let mut actor = Actor::new(shell_id(name), name);
    actor.positions = parse_positions(positions);
    actor.locale = Some("en-US".parse().expect("locale"));
    Shell::new(app.clone(), actor, Some(clock.clone()))
        .await
        .expect("shell")
}

/// Logs a complaint (`args` after `/complaint log`) and checks it got the number `id`.
pub async fn log_complaint(sh: &mut Shell, id: i64, args: &str) -> String {
    let out = run(sh, &format!("/complaint log {args}")).await;
    assert!(
        out.contains(&format!("Complaint #{id} logged")),
        "log #{id}: {out}"
    );
    out
}

/// Logs complaint `id`: a damaged item on Tmall (order `order`, `summary`), the everyday
/// complaint of the tests about what happens after one is logged.
pub async fn log_damaged(sh: &mut Shell, id: i64, order: &str, summary: &str) -> String {
    let args = format!("order:{order} platform:tmall category:damaged summary:\"{summary}\"");
    log_complaint(sh, id, &args).await
}

/// Adds an activity (`line` is the whole `/activity add ...`) and returns its number.
pub async fn add_activity(sh: &mut Shell, line: &str) -> i64 {
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
