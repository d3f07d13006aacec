//! The core through the shell front-end (send a line, read the reply), migrations, and the
//! message catalogs.

use std::collections::BTreeSet;

use storeops::store::Store;

use crate::support::TestApp;

#[tokio::test]
async fn unknown_missing_and_malformed_input_get_clear_errors() {
    let t = TestApp::new().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = sh.execute("/frobnicate").await.text;
    assert!(
        out.contains("I don't know the command /frobnicate") && out.contains("/help"),
        "{out}"
    );

    let out = sh.execute("/outbox").await.text;
    assert!(out.contains("needs one of: list, retry"), "{out}");

    let out = sh.execute("/outbox list colour:red").await.text;
    assert!(
        out.contains("has no option \"colour\"") && out.contains("state:"),
        "{out}"
    );

    let out = sh.execute("/outbox list state:lost").await.text;
    assert!(
        out.contains("\"lost\" is not allowed for state") && out.contains("failed"),
        "{out}"
    );

    let out = sh.execute("/outbox retry id:seven").await.text;
    assert!(out.contains("takes a whole number"), "{out}");

    let out = sh.execute("/setup timezone:\"Asia/Shanghai").await.text;
    assert!(out.contains("quote is not closed"), "{out}");

    let out = sh.execute("/setup timezone:Mars/Base").await.text;
    assert!(
        out.contains("not a time zone") && out.contains("Asia/Shanghai"),
        "{out}"
    );

    let out = sh.execute("/setup position:warehouse").await.text;
    assert!(out.contains("give both"), "{out}");
}

#[tokio::test]
async fn a_non_manager_cannot_change_settings_and_nothing_changes() {
    let t = TestApp::new().await;
    let mut sh = t.shell("bob", "customer-service", "en-US").await;
    let out = sh.execute("/setup timezone:Europe/Berlin").await.text;
    assert!(out.contains("Only managers"), "{out}");
    let out = sh.execute("/outbox retry").await.text;
    assert!(out.contains("Only managers"), "{out}");
    assert_eq!(
        t.app.guild(1).await.expect("guild").timezone,
        chrono_tz::Asia::Shanghai
    );

    let mut boss = t.shell("alice", "manager", "en-US").await;
    let out = boss.execute("/setup timezone:Europe/Berlin language:en-US summary-channel:#daily position:warehouse role:@stock-team").await.text;
    assert!(
        out.contains("Settings saved")
            && out.contains("Europe/Berlin")
            && out.contains("#daily")
            && out.contains("@stock-team"),
        "{out}"
    );
    let g = t.app.guild(1).await.expect("guild");
    assert_eq!(g.timezone, chrono_tz::Europe::Berlin);
    assert!(g.summary_channel.is_some());
}

#[tokio::test]
async fn replies_come_in_the_actors_language() {
    let t = TestApp::new().await;
    let mut zh = t.shell("li", "customer-service", "zh-CN").await;
    let out = zh.execute("/setup timezone:UTC").await.text;
    assert!(out.contains("只有经理可以执行此操作"), "{out}");
    let out = zh.execute("/help").await.text;
    assert!(
        out.contains("storeops 命令") && out.contains("/状态"),
        "{out}"
    );
    let out = zh.execute("/nope").await.text;
    assert!(out.contains("没有 /nope 这个命令"), "{out}");
    let mut en = t.shell("amy", "manager", "en-US").await;
    let out = en.execute("/status").await.text;
    assert!(
        out.contains("storeops status")
            && out.contains("Queued messages:")
            && out.contains("Failed messages: 0"),
        "{out}"
    );
}

#[tokio::test]
async fn help_lists_every_command_with_an_example() {
    let t = TestApp::new().await;
    let mut sh = t.shell("amy", "", "en-US").await;
    let out = sh.execute("/help").await.text;
    for (path, spec) in storeops::app::spec::CommandSpec::leaves() {
        assert!(out.contains(&format!("/{path}")), "{path} in help");
        assert!(!spec.example.is_empty(), "{path} has an example");
        assert!(
            spec.example.starts_with(&format!("/{path}")),
            "{path} example is for itself: {}",
            spec.example
        );
    }
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_are_idempotent() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("nested/folder/storeops.db");
    let store = Store::open(&path, std::time::Duration::from_secs(5))
        .await
        .expect("first open creates folder and file");
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&store.pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(&store.pool)
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
    let applied: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations")
        .fetch_all(&store.pool)
        .await
        .expect("list");
    assert_eq!(applied.len(), storeops::store::MIGRATOR.iter().count());
    store.migrate().await.expect("again: no-op");
    store.close().await;
    let again = Store::open(&path, std::time::Duration::from_secs(5))
        .await
        .expect("restart");
    let after: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations")
        .fetch_all(&again.pool)
        .await
        .expect("list");
    assert_eq!(applied, after);
}

/// Every message key of a locale (all its .ftl files).
/// A write transaction dropped without a commit (a "nothing to do" early return, as the
/// dispatcher's check for stale messages makes on every pass) rolls back and hands its
/// connection back to the pool, which keeps it: closing it would open another, with its own
/// parsed schema and thread, after every such return (and log a false warning).
#[tokio::test]
async fn a_transaction_dropped_without_commit_rolls_back_and_keeps_its_connection() {
    use std::time::Duration;
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("storeops.db"), Duration::from_secs(5))
        .await
        .expect("open");
    let settled = |store: &Store| store.pool.size() == 1 && store.pool.num_idle() == 1;
    assert!(
        crate::support::eventually(Duration::from_secs(5), || settled(&store)).await,
        "one idle connection after opening"
    );
    {
        let mut conn = store.pool.acquire().await.expect("acquire");
        // Only this connection sees its temporary table.
        sqlx::query("CREATE TEMP TABLE marker (x)")
            .execute(&mut *conn)
            .await
            .expect("temp table");
        let mut tx = storeops::store::write_tx(&mut conn).await.expect("begin");
        sqlx::query("INSERT INTO marker VALUES (1)")
            .execute(&mut *tx)
            .await
            .expect("insert");
        sqlx::query(
            "INSERT INTO runtime_status (key, value, ok, updated_at) VALUES ('t', 'v', 1, 0)",
        )
        .execute(&mut *tx)
        .await
        .expect("insert");
        // Dropped here without a commit.
    }
    assert!(
        crate::support::eventually(Duration::from_secs(5), || settled(&store)).await,
        "the connection came back to the pool"
    );
    let mut conn = store.pool.acquire().await.expect("acquire");
    let (marked,): (i64,) = sqlx::query_as("SELECT count(*) FROM temp.marker")
        .fetch_one(&mut *conn)
        .await
        .expect("the same connection, with its temporary table");
    assert_eq!(marked, 0, "rolled back");
    let (kept,): (i64,) = sqlx::query_as("SELECT count(*) FROM runtime_status WHERE key = 't'")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(kept, 0, "rolled back");
    use sqlx::Connection;
    assert!(!conn.is_in_transaction());
    // And the write lock is free again.
    let mut tx = storeops::store::write_tx(&mut conn).await.expect("begin");
    sqlx::query("INSERT INTO runtime_status (key, value, ok, updated_at) VALUES ('t', 'v', 1, 0)")
        .execute(&mut *tx)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
}

/// A committed write's pages are copied from the write-ahead log into the database file in
/// the background (`Store::checkpoint_soon`), not by a later command's commit once the log
/// passes 1,000 pages: the database file takes the new pages without another write.
#[tokio::test]
async fn a_committed_write_is_checkpointed_in_the_background() {
    let t = TestApp::quiet().await;
    let path = t.app.config.database.path.clone();
    let size = || std::fs::metadata(&path).expect("database file").len();
    let before = size();
    // About 60 KB: fifteen pages, far below the 1,000 of SQLite's own checkpoint.
    let value = "x".repeat(60_000);
    t.app
        .write(async |tx| {
            sqlx::query(
                "INSERT INTO runtime_status (key, value, ok, updated_at) VALUES ('big', ?1, 1, 0)",
            )
            .bind(&value)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
        .expect("write");
    assert!(
        crate::support::eventually(std::time::Duration::from_secs(5), || size()
            >= before + 60_000)
        .await,
        "the database file still has {} bytes (it had {before})",
        size()
    );
}

fn keys(dir: &str) -> BTreeSet<String> {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).expect("locale dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "ftl") {
            text.push_str(&std::fs::read_to_string(&path).expect("catalog"));
            text.push('\n');
        }
    }
    text.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[test]
fn both_catalogs_have_the_same_keys_and_every_command_is_described() {
    let en = keys("locales/en-US");
    let zh = keys("locales/zh-CN");
    assert_eq!(
        en.difference(&zh).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in zh-CN"
    );
    assert_eq!(
        zh.difference(&en).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in en-US"
    );
    for c in storeops::app::spec::COMMANDS {
        assert!(en.contains(&format!("cmd-{}", c.name)), "cmd-{}", c.name);
        for s in c.subs {
            assert!(
                en.contains(&format!("cmd-{}-{}", c.name, s.name)),
                "cmd-{}-{}",
                c.name,
                s.name
            );
        }
        let all = c
            .options
            .iter()
            .chain(c.subs.iter().flat_map(|s| s.options.iter()));
        for o in all {
            assert!(en.contains(&format!("opt-{}", o.name)), "opt-{}", o.name);
            for ch in o.choices {
                assert!(en.contains(&format!("choice-{ch}")), "choice-{ch}");
            }
        }
    }
}

#[test]
fn the_readme_lists_every_command_with_its_example() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    for (path, spec) in storeops::app::spec::CommandSpec::leaves() {
        assert!(
            readme.contains(&format!("`/{path}`")),
            "README lists /{path}"
        );
        assert!(
            readme.contains(spec.example),
            "README shows the example of /{path}: {}",
            spec.example
        );
    }
    for f in storeops::domain::metrics::FIELDS {
        assert!(
            readme.contains(&format!("`{f}`")),
            "README documents the figure {f}"
        );
    }
}

/// In the shell (no language of one's own) the guild's language is the reader's: changing it
/// with /setup answers in the new one, and then goes on in it.
#[tokio::test]
async fn setup_language_answers_in_the_new_language_for_the_shell() {
    let t = crate::support::TestApp::new().await;
    let mut actor =
        storeops::app::Actor::new(storeops::adapters::shell::shell_id("alice"), "alice");
    actor.positions = storeops::adapters::shell::parse_positions("manager");
    let mut sh = storeops::adapters::shell::Shell::new(t.app.clone(), actor, Some(t.clock.clone()))
        .await
        .expect("shell");
    let out = sh.execute("/setup language:en-US").await.text;
    assert!(out.contains("Settings saved"), "{out}");
    assert!(out.contains("Language: English"), "{out}");
    let out = sh.execute("/setup language:zh-CN").await.text;
    assert!(out.contains("设置已保存"), "{out}");
}

#[tokio::test]
async fn commands_and_options_can_be_typed_by_their_chinese_names() {
    let t = TestApp::new().await;
    let mut sh = t.shell("li", "manager", "zh-CN").await;
    let out = sh
        .execute("/任务 分配 标题:\"更新首页横幅\" 截止:\"明天 18:00\" 成员:@bob")
        .await
        .text;
    assert!(out.contains("更新首页横幅") && out.contains("#1"), "{out}");
    // The same task, read back by its English names.
    let out = sh.execute("/task show id:1").await.text;
    assert!(out.contains("更新首页横幅"), "{out}");
    // Mixed: a Chinese command with an English option, and the other way round.
    let out = sh.execute("/任务 详情 id:1").await.text;
    assert!(out.contains("更新首页横幅"), "{out}");
    let out = sh.execute("/task show 编号:1").await.text;
    assert!(out.contains("更新首页横幅"), "{out}");
    // An id that is no number says what to type.
    let out = sh.execute("/task show id:banner").await.text;
    assert!(
        out.contains("选项“编号”需要一个编号，“banner”不是") && out.contains("编号:42"),
        "{out}"
    );
    let out = sh.execute("/task show id:#1").await.text;
    assert!(out.contains("更新首页横幅"), "{out}");
    // An unknown Chinese option is refused naming the options there are.
    let out = sh.execute("/任务 详情 颜色:红").await.text;
    assert!(out.contains("颜色") && out.contains("编号:"), "{out}");
}

#[tokio::test]
async fn status_says_when_discord_refused_the_commands() {
    use storeops::store::runtime;
    let t = TestApp::new().await;
    let mut sh = t.shell("amy", "manager", "en-US").await;
    let out = sh.execute("/status").await.text;
    assert!(!out.contains("not registered"), "{out}");
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let reason = "HTTP 400 Invalid Form Body (code 50035); 5.options.3.options.1.required: \
                  Required options must be placed before non-required options [/data target amount]";
    runtime::set(&mut conn, runtime::COMMANDS, reason, false, t.clock_now())
        .await
        .expect("set");
    drop(conn);
    let out = sh.execute("/status").await.text;
    assert!(
        out.contains("Commands not registered") && out.contains("/data target amount"),
        "{out}"
    );
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    runtime::set(&mut conn, runtime::COMMANDS, "57", true, t.clock_now())
        .await
        .expect("set");
    drop(conn);
    let out = sh.execute("/status").await.text;
    assert!(
        out.contains("57 registered with Discord") && !out.contains("not registered"),
        "{out}"
    );
}

/// Every command remembers the display names of its actor and of the members, roles and
/// channels its options name (read with the settings in one statement, written only when one
/// is new or changed), in the guild it came from; a click remembers its actor's.
#[tokio::test]
async fn commands_remember_the_names_of_their_actor_and_options() {
    use crate::support::core::{actor, origin_in, text_opt};
    use storeops::app::{Invocation, OptValue};
    use storeops::domain::position::Position;
    use storeops::message::NameKind;
    let t = TestApp::new().await;
    let names = async |guild: u64, kind: NameKind, ids: &[u64]| {
        let got = t.app.names_of(guild, kind, ids).await.expect("names");
        ids.iter()
            .map(|id| got.get(id).cloned())
            .collect::<Vec<_>>()
    };
    let assign = |bob: &str, role: &str, channel: &str| {
        Invocation::new("task assign")
            .with("title", text_opt("Count boxes"))
            .with("due", text_opt("in 2h"))
            .with(
                "user",
                OptValue::User {
                    id: 42,
                    name: bob.into(),
                },
            )
            .with(
                "role",
                OptValue::Role {
                    id: 43,
                    name: role.into(),
                },
            )
            .with(
                "channel",
                OptValue::Channel {
                    id: 44,
                    name: channel.into(),
                },
            )
    };
    let mut amy = actor("amy", &[Position::Manager], "en-US");
    let amy_id = amy.user_id;
    // The first command of a guild nobody set up: its settings are made on the way.
    t.app
        .handle(&origin_in(7, amy.clone()), &assign("bob", "Packers", "ops"))
        .await;
    assert_eq!(
        names(7, NameKind::User, &[amy_id, 42]).await,
        [Some("amy".into()), Some("bob".into())]
    );
    assert_eq!(
        names(7, NameKind::Role, &[43]).await,
        [Some("Packers".into())]
    );
    assert_eq!(
        names(7, NameKind::Channel, &[44]).await,
        [Some("ops".into())]
    );
    // Names kept per guild, and by kind: id 42 as a role is another thing.
    assert_eq!(names(8, NameKind::User, &[42]).await, [None]);
    assert_eq!(names(7, NameKind::Role, &[42]).await, [None]);

    // A changed name replaces the stored one; the others stay.
    amy.name = "Amy Li".into();
    t.app
        .handle(
            &origin_in(7, amy.clone()),
            &assign("bobby", "Packers", "ops"),
        )
        .await;
    assert_eq!(
        names(7, NameKind::User, &[amy_id, 42]).await,
        [Some("Amy Li".into()), Some("bobby".into())]
    );
    assert_eq!(
        names(7, NameKind::Role, &[43]).await,
        [Some("Packers".into())]
    );

    // A click with no options remembers its actor.
    amy.name = "amy".into();
    t.app.press(&origin_in(7, amy), "task:done:999").await;
    assert_eq!(
        names(7, NameKind::User, &[amy_id]).await,
        [Some("amy".into())]
    );
}

/// The shell shows a reply with the zone and names its command's context read, instead of
/// reading them again: what it shows must be exactly what a fresh read gives, and a command
/// that changes the settings must not hand back the zone it read before the change.
#[tokio::test]
async fn a_reply_shows_the_same_with_what_its_command_read_as_with_a_fresh_read() {
    use storeops::adapters::shell::{SHELL_GUILD, parse, parse_line, render, shell_channel};
    use storeops::app::Origin;
    let t = TestApp::new().await;
    let sh = crate::support::shell::boss(&t).await;
    let origin = Origin {
        guild_id: SHELL_GUILD,
        channel_id: shell_channel(),
        actor: sh.actor.clone(),
    };
    // (line, whether it changes the settings)
    let lines = [
        ("/setup timezone:America/New_York", true),
        (
            "/task assign title:\"Count boxes\" due:\"fri 18:00\" user:@bob",
            false,
        ),
        (
            "/task assign title:\"Pack\" due:\"in 3h\" position:warehouse",
            false,
        ),
        ("/task list user:@bob", false),
        ("/task list scope:all", false),
        ("/task show id:1", false),
        (
            "/complaint log order:B7 platform:tmall category:damaged summary:\"Cup\"",
            false,
        ),
        ("/setup position:design role:@Designers", true),
        ("/setup", false),
        ("/setup language:zh-CN", true),
        ("/task list scope:all", false),
        ("/activity list", false),
    ];
    let mut with_times = 0;
    for (line, changes) in lines {
        let answered = match parse_line(line, &t.app, SHELL_GUILD).await.expect(line) {
            parse::Parsed::Command(inv) => t.app.handle_answered(&origin, &inv).await,
            parse::Parsed::Press(id) => t.app.press_answered(&origin, &id).await,
        };
        assert_eq!(
            answered.known.is_none(),
            changes,
            "{line}: {:?}",
            answered.reply
        );
        let Some(known) = answered.known.as_ref() else {
            continue;
        };
        // The zone set by the first line, not the default the guild started with.
        assert_eq!(known.timezone, chrono_tz::America::New_York, "{line}");
        let quick = render::reply_text(
            &t.app,
            SHELL_GUILD,
            &answered.reply,
            answered.locale,
            Some(known),
        )
        .await;
        let read =
            render::reply_text(&t.app, SHELL_GUILD, &answered.reply, answered.locale, None).await;
        assert_eq!(quick, read, "{line}");
        assert!(!quick.contains("<@"), "{line}: {quick}");
        with_times += usize::from(answered.reply.lines.iter().any(|l| l.contains("<t:")));
    }
    assert!(with_times >= 2, "the replies compared show times");
}

/// A `/setup` on another database (another server's bot, a test beside this one) does not make
/// a reply here read its settings again: the count of changes is the database's. It was the
/// process's, and the test above failed whenever a test beside it changed its own settings.
#[tokio::test]
async fn a_settings_change_elsewhere_does_not_stale_a_reply_here() {
    use storeops::adapters::shell::{SHELL_GUILD, parse, parse_line, shell_channel};
    use storeops::app::Origin;
    let t = TestApp::new().await;
    let sh = crate::support::shell::boss(&t).await;
    let other = TestApp::new().await;
    let mut other_sh = crate::support::shell::boss(&other).await;
    let origin = Origin {
        guild_id: SHELL_GUILD,
        channel_id: shell_channel(),
        actor: sh.actor.clone(),
    };
    let line = "/task list scope:all";
    let parse::Parsed::Command(inv) = parse_line(line, &t.app, SHELL_GUILD).await.expect(line)
    else {
        panic!("{line} is a command");
    };
    for i in 0..20 {
        // The other database's change begins between this command's settings read and its
        // reply: the command runs while the change is under way.
        let zone = if i % 2 == 0 {
            "Asia/Tokyo"
        } else {
            "Asia/Shanghai"
        };
        let setup = format!("/setup timezone:{zone}");
        let (answered, _) = tokio::join!(
            t.app.handle_answered(&origin, &inv),
            other_sh.execute(&setup)
        );
        assert!(answered.known.is_some(), "run {i}: {:?}", answered.reply);
    }
}

/// A command's connection waits, out of the pool, for the next command (its thread and page
/// cache are warm); releasing memory gives it back to the pool, and closing the store does not
/// wait for it forever.
#[tokio::test]
async fn the_connection_a_command_keeps_goes_back_on_release_and_close() {
    use std::time::Duration;
    let t = TestApp::new().await;
    let mut sh = crate::support::shell::boss(&t).await;
    let store = t.app.store.clone();
    let out = sh
        .execute("/task assign title:\"Count boxes\" due:\"in 2h\"")
        .await
        .text;
    assert!(out.contains("Count boxes"), "{out}");
    let kept = store.take_warm().expect("the command's connection is kept");
    // Whoever takes it has it alone; the next command opens or takes another.
    assert!(store.take_warm().is_none());
    let out = sh.execute("/task list").await.text;
    assert!(out.contains("Count boxes"), "{out}");
    store.keep_warm(kept);
    assert!(
        store.take_warm().is_some_and(|c| {
            store.keep_warm(c);
            true
        }),
        "one connection kept at a time"
    );
    // A connection inside a transaction is never kept: it goes back to the pool, which waits
    // for its rollback before handing it out again.
    let mut busy = store.pool.acquire().await.expect("acquire");
    // Left open: neither committed nor rolled back.
    std::mem::forget(sqlx::Connection::begin(&mut *busy).await.expect("begin"));
    let other = store.take_warm().expect("kept");
    store.keep_warm(busy);
    assert!(
        store.take_warm().is_none(),
        "the busy connection was not kept"
    );
    store.keep_warm(other);

    store.release_memory().await;
    assert!(store.take_warm().is_none(), "given back to the pool");
    assert!(
        crate::support::eventually(Duration::from_secs(5), || store.pool.num_idle()
            == store.pool.size() as usize)
        .await,
        "every connection idle in the pool"
    );
    let out = sh.execute("/task list").await.text;
    assert!(out.contains("Count boxes"), "{out}");
    tokio::time::timeout(Duration::from_secs(10), store.close())
        .await
        .expect("the store closes with a connection kept");
}

/// Commands at once, each on its own connection from its context to its reply: some run the
/// activities job, some read the status, some write. All of them answer: no command waits for
/// a second connection while it holds one (when the job took connections of its own, these
/// twelve were still waiting for each other after 20 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_at_once_all_answer() {
    use crate::support::core::{actor, origin_in, text_opt};
    use storeops::app::Invocation;
    use storeops::domain::position::Position;
    let t = TestApp::new().await;
    let boss = actor("amy", &[Position::Manager], "en-US");
    let mut running = tokio::task::JoinSet::new();
    for i in 0..12 {
        let app = t.app.clone();
        let origin = origin_in(1, boss.clone());
        let inv = match i % 3 {
            0 => Invocation::new("activity list"),
            1 => Invocation::new("status"),
            _ => Invocation::new("task assign")
                .with("title", text_opt(&format!("Count boxes {i}")))
                .with("due", text_opt("in 2h")),
        };
        running.spawn(async move { app.handle(&origin, &inv).await });
    }
    let answers = tokio::time::timeout(std::time::Duration::from_secs(20), running.join_all())
        .await
        .expect("every command answers, none waits for a connection forever");
    assert_eq!(answers.len(), 12);
    for reply in &answers {
        assert_ne!(
            reply.severity,
            storeops::message::Severity::Danger,
            "{reply:?}"
        );
    }
    let (tasks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tasks")
        .fetch_one(&t.app.store.pool)
        .await
        .expect("count");
    assert_eq!(tasks, 4);
}
