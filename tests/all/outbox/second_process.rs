//! One database, one dispatcher (issue #20), with the real binary: a `storeops shell` opened on
//! a database a running bot delivers from sends nothing and changes nothing (it says so and
//! answers read-only commands), and a manual clock (`--now`) is refused on a database the real
//! clock has delivered from, unless `--copy` makes it work on a copy.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::Duration;
use storeops::adapters::shell::SHELL_GUILD;
use storeops::clock::Clock;
use storeops::store::outbox::Target;

use crate::support::TestApp;
use crate::support::outbox::{CH_A, enqueue, message};
use crate::support::store::{count, outbox_row};

/// Runs `storeops shell ARGS` on the test's database with `input` on stdin; (exit code,
/// stdout, stderr).
fn shell(t: &TestApp, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_storeops"))
        .arg("shell")
        .args(args)
        .env("STOREOPS_DATABASE_PATH", &t.app.config.database.path)
        .env("STOREOPS_DEFAULTS_LOCALE", "en-US")
        .env("STOREOPS_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run storeops shell");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("shell ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_on_a_running_bots_database_delivers_nothing_and_a_manual_clock_needs_a_copy() {
    let t = TestApp::quiet().await;
    let key = "bot:1";
    let due = t.clock.now() - Duration::minutes(1);
    enqueue(
        &t.app,
        &message(SHELL_GUILD, key, "bot", Target::Channel(CH_A), due),
    )
    .await;
    // The running bot: it holds the run lock and beats.
    let lock = t
        .app
        .take_run_lock("bot")
        .await
        .expect("lock")
        .expect("free");

    let tasks = "SELECT COUNT(*) FROM tasks";
    let (code, stdout, stderr) = shell(
        &t,
        &[],
        "/status\n/task assign title:\"Try\" due:\"in 2h\" user:@bob\n",
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("this shell sends nothing"), "{stderr}");
    assert!(
        stdout.contains("storeops status"),
        "read-only commands work: {stdout}"
    );
    assert!(stdout.contains("This shell is read-only"), "{stdout}");
    assert!(!stdout.contains(&format!("title of {key}")), "{stdout}");
    let r = outbox_row(&t.app, key).await;
    assert_eq!((r.state.as_str(), r.attempts), ("pending", 0), "untouched");
    assert_eq!(count(&t.app, tasks).await, 0);

    // A second bot would refuse too: the lock is taken.
    assert!(t.app.take_run_lock("bot").await.expect("lock").is_err());
    lock.release().await;

    // The real clock has run here: a manual clock is refused ...
    let (code, _, stderr) = shell(&t, &["--now", "2026-11-23 09:00"], "/status\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--copy"), "{stderr}");
    // ... unless on a copy, where it delivers and changes only the copy.
    let (code, stdout, stderr) = shell(
        &t,
        &["--now", "2026-11-23 09:00", "--copy"],
        "/task assign title:\"Try\" due:\"in 2h\" user:@bob\n:advance 3h\n",
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("copy of the database"), "{stderr}");
    assert!(stdout.contains(&format!("title of {key}")), "{stdout}");
    let r = outbox_row(&t.app, key).await;
    assert_eq!((r.state.as_str(), r.attempts), ("pending", 0), "untouched");
    assert_eq!(count(&t.app, tasks).await, 0);
}
