//! Ctrl-C during the shell's `:advance` (issue #20), with the real binary on the manual clock:
//! five years of the shipped activities' reminders are being delivered when SIGINT arrives;
//! `:advance` stops between two deliveries and says where the clock is, the shell carries on
//! with the next command, nothing is left half-sent (no row `sending`, every row recorded sent
//! was printed, every row due by then was sent), and a shell started again at that time goes
//! on from there without sending anything twice.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use storeops::store::ms;

use crate::support::TestApp;
use crate::support::store::count;

/// `storeops shell --now NOW` on the test's database, stdin and stdout piped.
fn shell(t: &TestApp, now: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_storeops"))
        .args(["shell", "--now", now])
        .current_dir(t.dir.path())
        .env_remove("STOREOPS_CONFIG")
        .env("STOREOPS_DATABASE_PATH", &t.app.config.database.path)
        .env("STOREOPS_DEFAULTS_LOCALE", "en-US")
        .env("STOREOPS_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run storeops shell")
}

/// Closes stdin and waits: (exit code, stdout, stderr).
fn finish(mut child: Child) -> (Option<i32>, String, String) {
    drop(child.stdin.take());
    let status = child.wait().expect("shell ends");
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read stdout");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    (status.code(), out, err)
}

/// Messages a shell printed as sent.
fn printed(stdout: &str) -> i64 {
    stdout.matches("[bot → ").count() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_advance_between_deliveries_and_a_restart_goes_on_from_there() {
    let t = TestApp::new().await;
    let sent = "SELECT COUNT(*) FROM outbox WHERE state = 'sent'";
    let mut first = shell(&t, "2026-11-23 09:00");
    let mut stdin = first.stdin.take().expect("stdin");
    stdin
        .write_all(b":advance 1800d\n")
        .expect("write the command");
    // Interrupted once it is well under way.
    let limit = std::time::Instant::now() + StdDuration::from_secs(60);
    while count(&t.app, sent).await < 50 {
        assert!(
            std::time::Instant::now() < limit,
            "the shell delivered nothing within 60 s"
        );
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    let interrupted = Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(interrupted.success());
    stdin
        .write_all(b"/status\n")
        .expect("the shell still reads");
    first.stdin = Some(stdin);
    let (code, out, err) = finish(first);
    assert_eq!(
        code,
        Some(0),
        "ends normally at the end of its input: {err}"
    );
    let stop = out
        .split("Stopped (Ctrl-C): the clock is at ")
        .nth(1)
        .and_then(|rest| rest.get(..16))
        .unwrap_or_else(|| panic!(":advance was not stopped: {out}"))
        .to_string();
    assert!(
        out.contains("storeops status"),
        "the next command ran: {out}"
    );

    // Nothing half-sent: none in flight, every one recorded sent printed once, and
    // everything due by the printed time (the stop, to the minute) sent.
    assert_eq!(
        count(
            &t.app,
            "SELECT COUNT(*) FROM outbox WHERE state IN ('sending', 'failed')"
        )
        .await,
        0
    );
    let sent_first = count(&t.app, sent).await;
    assert_eq!(printed(&out), sent_first, "printed as recorded");
    let stop_utc: DateTime<Utc> =
        storeops::adapters::shell::parse_now(&stop, t.app.config.defaults.timezone)
            .expect("the printed time reads");
    let ten_years =
        storeops::adapters::shell::parse_now("2031-10-28 09:00", chrono_tz::UTC).expect("time");
    assert!(stop_utc < ten_years, "stopped early: {stop}");
    let due_unsent = count(
        &t.app,
        &format!(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND due_at <= {}",
            ms(stop_utc)
        ),
    )
    .await;
    assert_eq!(due_unsent, 0, "everything due by {stop} was sent");

    // Started again at that time, the shell goes on: two more days, nothing sent twice.
    let mut second = shell(&t, &stop);
    second
        .stdin
        .as_mut()
        .expect("stdin")
        .write_all(b":advance 2d\n")
        .expect("write");
    let (code, out2, err2) = finish(second);
    assert_eq!(code, Some(0), "{err2}");
    let sent_after = count(&t.app, sent).await;
    assert!(printed(&out2) > 0, "two more days of reminders: {out2}");
    assert_eq!(
        sent_after,
        sent_first + printed(&out2),
        "each sent once, by one shell or the other"
    );
    assert_eq!(
        count(
            &t.app,
            "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"
        )
        .await,
        0
    );
}
