//! Backups: `storeops backup FILE` and the daily `[backup]` copy are consistent while the bot
//! writes, pass SQLite's integrity check, hold every committed row, and the bot starts on a
//! restored copy; the daily ones keep the newest `keep`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use storeops::app::App;
use storeops::store::Store;
use storeops::store::backup;

use crate::support::TestApp;
use crate::support::shell::{boss, run, shell_on};
use crate::support::store::count;

/// (id, title, events) of every task, oldest first.
async fn tasks_of(pool: &sqlx::SqlitePool) -> Vec<(i64, String, i64)> {
    sqlx::query_as(
        "SELECT t.id, t.title, (SELECT COUNT(*) FROM task_events e WHERE e.task_id = t.id)
         FROM tasks t ORDER BY t.id",
    )
    .fetch_all(pool)
    .await
    .expect("tasks")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_during_a_burst_of_writes_restores_whole() {
    let t = TestApp::quiet().await;
    let stop = Arc::new(AtomicBool::new(false));
    // Two writers assign tasks as fast as they can while the backups are taken.
    let mut writers = Vec::new();
    for w in 0..2 {
        let mut sh = t.shell(&format!("boss{w}"), "manager", "en-US").await;
        let stop = stop.clone();
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let out = run(
                    &mut sh,
                    &format!("/task assign title:\"w{w}-{n}\" due:\"fri 18:00\" user:@bob"),
                )
                .await;
                assert!(out.contains("New task"), "{out}");
                n += 1;
            }
            n
        }));
    }
    let dir = t.dir.path().join("copies");
    let mut checked = 0;
    for i in 0..3 {
        // Wait for some writes between copies.
        let target = (i + 1) * 15;
        while count(&t, "SELECT COUNT(*) FROM tasks").await < target {
            tokio::task::yield_now().await;
        }
        let before = tasks_of(&t.app.store.pool).await;
        let dest = dir.join(format!("copy{i}.db"));
        let b = storeops::app::backup::backup_to(&t.app, &dest)
            .await
            .expect("backup");
        let after = tasks_of(&t.app.store.pool).await;
        assert!(b.bytes > 0 && dest.exists() && !dir.join(format!("copy{i}.db.partial")).exists());
        backup::check(&dest).await.expect("integrity_check ok");

        // Restore as the README says: the bot stopped, the copy put in place, the bot started.
        let restored = t.dir.path().join(format!("restored{i}.db"));
        std::fs::copy(&dest, &restored).expect("copy back");
        let store = Store::open(&restored, t.app.config.database.busy_timeout)
            .await
            .expect("the bot opens the copy");
        let copy = tasks_of(&store.pool).await;
        // Every row committed before the backup began is there, as it was; nothing that was
        // not committed by its end; and each task with its whole history (one snapshot).
        assert!(
            copy.len() >= before.len() && copy.len() <= after.len(),
            "{} {} {}",
            before.len(),
            copy.len(),
            after.len()
        );
        assert_eq!(&copy[..before.len()], &before[..]);
        assert_eq!(&copy[..], &after[..copy.len()]);
        assert!(copy.iter().all(|(_, _, events)| *events == 1));
        let mut config = (*t.app.config).clone();
        config.database.path = restored.clone();
        let app = App::new(store, Arc::new(t.clock.clone()), Arc::new(config));
        let mut sh = shell_on(&app, &t.clock, "alice", "manager").await;
        let (last_id, last_title, _) = copy.last().expect("some tasks").clone();
        let out = run(&mut sh, &format!("/task show id:{last_id}")).await;
        assert!(out.contains(&last_title), "{out}");
        let out = run(&mut sh, "/task done id:1").await;
        assert!(
            out.contains("Task #1 done"),
            "the restored bot writes: {out}"
        );
        app.close().await;
        checked += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        assert!(w.await.expect("writer") > 0);
    }
    assert_eq!(checked, 3);
}

#[tokio::test]
async fn the_command_line_backup_reports_only_a_checked_copy() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:Kept due:\"fri 18:00\" user:@bob",
    )
    .await;
    let db = t.app.config.database.path.clone();
    let dest = t.dir.path().join("out").join("copy.db");
    let cli = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_storeops"))
            .args(["backup", file.to_str().expect("path")])
            .env("STOREOPS_DATABASE_PATH", &db)
            .env("STOREOPS_DEFAULTS_LOCALE", "en-US")
            .env("STOREOPS_LOG", "off")
            .output()
            .expect("run storeops")
    };
    // While this core holds the database open.
    let out = cli(&dest);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("SQLite integrity check: ok") && stdout.contains("copy.db"),
        "{stdout}"
    );
    backup::check(&dest).await.expect("ok");
    let store = Store::open(&dest, t.app.config.database.busy_timeout)
        .await
        .expect("open");
    assert_eq!(tasks_of(&store.pool).await[0].1, "Kept");
    store.close().await;

    // A place that cannot be written: exit code 1, the reason on stderr, no file.
    let blocker = t.dir.path().join("a-file");
    std::fs::write(&blocker, "x").expect("write");
    let bad = blocker.join("copy.db");
    let out = cli(&bad);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No backup was made at"), "{stderr}");
    assert!(!bad.exists());
}

#[tokio::test]
async fn daily_backups_keep_the_newest_and_show_in_status() {
    let mut config = storeops::config::Config::defaults();
    config.activities.seed_defaults = false;
    config.backup.keep = 3;
    let t = TestApp::with_config(config).await;
    let mut sh = boss(&t).await;
    let out = run(&mut sh, "/status").await;
    // Started Monday 09:00 Shanghai: the first backup is on Tuesday at 03:00.
    assert!(
        out.contains("Last backup: none yet; the first daily backup is at 2026-11-24 03:00"),
        "{out}"
    );
    let folder = t.dir.path().join("backups");
    // A file of the team's own in the folder is never removed.
    std::fs::create_dir_all(&folder).expect("dir");
    std::fs::write(folder.join("notes.txt"), "mine").expect("write");
    run(&mut sh, ":advance 5d").await;
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    names.sort();
    // Five nights (Tue..Sat 03:00, named in local time); the newest three kept.
    assert_eq!(
        names,
        [
            "notes.txt",
            "storeops-20261126-030000.db",
            "storeops-20261127-030000.db",
            "storeops-20261128-030000.db",
        ]
    );
    for n in &names[1..] {
        backup::check(&folder.join(n)).await.expect("ok");
    }
    let out = run(&mut sh, "/status").await;
    assert!(
        out.contains("Last backup: ")
            && out.contains("storeops-20261128-030000.db")
            && out.contains("2026-11-28 03:00"),
        "{out}"
    );
}
