//! A full disk (issue #20): the database may not grow past a fixed number of pages
//! (`max_page_count` on every connection, a real `SQLITE_FULL`), the test fills it, commands
//! then fail saying nothing changed, and once space is freed commands and reminders work
//! again in the same process, without a restart.

use storeops::clock::Clock;

use crate::support::TestApp;
use crate::support::shell::{boss, boss_with_escalation, run};
use crate::support::store::{count, task_count};

/// Pages the test database may use: room for the schema and a few tasks.
const PAGES: u32 = 300;

/// Fills every free page with a table of blobs, until SQLite says the disk is full, then the
/// room left in pages with smaller ones, so not even a small row fits any more.
async fn fill(t: &TestApp) {
    let pool = &t.app.store.pool;
    sqlx::query("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
        .execute(pool)
        .await
        .expect("ballast table");
    for size in [2000, 200, 20] {
        let mut full = false;
        for _ in 0..10_000 {
            match sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO ballast VALUES (randomblob({size}))"
            )))
            .execute(pool)
            .await
            {
                Ok(_) => {}
                Err(e) => {
                    let code = e
                        .as_database_error()
                        .and_then(|d| d.code())
                        .map(|c| c.to_string());
                    assert_eq!(code.as_deref(), Some("13"), "expected SQLITE_FULL: {e}");
                    full = true;
                    break;
                }
            }
        }
        assert!(full, "the database never filled up");
    }
}

/// Frees the space the ballast took.
async fn free(t: &TestApp) {
    sqlx::query("DELETE FROM ballast")
        .execute(&t.app.store.pool)
        .await
        .expect("free the ballast");
}

#[tokio::test]
async fn after_a_full_disk_commands_and_reminders_work_again_in_the_same_process() {
    let t = TestApp::with_page_limit(PAGES).await;
    let mut sh = boss(&t).await;
    let out = run(
        &mut sh,
        "/task assign title:\"Before\" due:\"in 3h\" user:@bob",
    )
    .await;
    assert!(out.contains("task #1"), "{out}");

    fill(&t).await;
    // Several commands while full: each says nothing was saved, none is half-saved.
    for i in 0..3 {
        let out = run(
            &mut sh,
            &format!("/task assign title:\"While full {i}\" due:\"in 2h\" user:@bob"),
        )
        .await;
        assert!(out.contains("nothing was changed"), "{out}");
    }
    assert_eq!(task_count(&t.app).await, 1);
    let status = run(&mut sh, "/status").await;
    assert!(status.contains("disk is full"), "{status}");

    free(&t).await;
    let started = std::time::Instant::now();
    let out = run(
        &mut sh,
        "/task assign title:\"After\" due:\"in 2h\" user:@bob",
    )
    .await;
    assert!(out.contains("task #2"), "works again at once: {out}");
    assert!(
        started.elapsed() < t.app.config.database.busy_timeout,
        "did not wait for a lock"
    );
    assert_eq!(task_count(&t.app).await, 2);
    let status = run(&mut sh, "/status").await;
    assert!(!status.contains("disk is full"), "{status}");

    // Reminders go out again: both tasks' 1-hour-before pings.
    let before = count(
        &t.app,
        "SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND source LIKE 'task:%'",
    )
    .await;
    let now = t.clock.now();
    let out = run(&mut sh, ":advance 1h").await;
    assert!(out.contains("#2"), "{out}");
    assert!(t.clock.now() > now);
    let after = count(
        &t.app,
        "SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND source LIKE 'task:%'",
    )
    .await;
    assert!(
        after > before,
        "reminders delivered after the disk was freed"
    );
}

/// A full disk is told to the escalation channel once, when it is over (nothing can be queued
/// while it lasts), with when it began and ended; the commands and passes after it do not
/// repeat it.
#[tokio::test]
async fn a_full_disk_is_told_to_the_escalation_channel_once_when_it_is_over() {
    let t = TestApp::with_page_limit(PAGES).await;
    let mut sh = boss_with_escalation(&t).await;
    let title = "The database's disk was full";
    let out = run(
        &mut sh,
        "/task assign title:\"Before\" due:\"in 3h\" user:@bob",
    )
    .await;
    assert!(out.contains("task #1"), "{out}");
    fill(&t).await;
    let mut outputs = String::new();
    for i in 0..3 {
        let out = run(
            &mut sh,
            &format!("/task assign title:\"While full {i}\" due:\"in 2h\" user:@bob"),
        )
        .await;
        assert!(out.contains("nothing was changed"), "{out}");
        outputs.push_str(&out);
        outputs.push_str(&run(&mut sh, ":advance 10min").await);
    }
    assert!(!outputs.contains(title), "told while full: {outputs}");
    free(&t).await;
    for i in 0..3 {
        outputs.push_str(
            &run(
                &mut sh,
                &format!("/task assign title:\"After {i}\" due:\"in 2h\" user:@bob"),
            )
            .await,
        );
        outputs.push_str(&run(&mut sh, ":advance 10min").await);
    }
    assert_eq!(outputs.matches(title).count(), 1, "{outputs}");
    assert!(
        outputs.contains("[bot → #esc]") && outputs.contains("From 2026-11-23 09:00"),
        "to #esc, from when it began: {outputs}"
    );
}
