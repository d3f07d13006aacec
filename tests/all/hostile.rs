//! Hostile and sloppy input (#21): the inputs of the report, each with the refusal it gets or
//! the value stored, a refused command leaving the database as it was; every parser of typed
//! input fed the Big List of Naughty Strings (tests/fixtures/blns) and random text, numbers and
//! files without panicking, hanging or answering at unbounded length; the permission table
//! against what the commands do.

use proptest::prelude::*;
use storeops::app::access::{Rule, TABLE};
use storeops::app::input;
use storeops::domain::deadline::{WorkingHours, parse_deadline};
use storeops::domain::number;
use storeops::domain::schedule::parse_schedule;
use storeops::message::escape_user_text;

use crate::support::TestApp;
use crate::support::shell::{boss, run, uid};
use crate::support::store::{Db, complaint, task};
use crate::support::time::local;

/// Every row of every table a command can change, as text: equal before and after a refused
/// command. (`names` is left out: it remembers the display names a front-end passes along with
/// any command, refused or not.)
async fn snapshot(db: &impl Db) -> String {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN ('names', '_sqlx_migrations') ORDER BY name",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut out = String::new();
    for (t,) in tables {
        let cols: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{t}')"
        )))
        .fetch_all(db.pool())
        .await
        .unwrap();
        let row = cols
            .iter()
            .map(|(c,)| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let (dump,): (Option<String>,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM \"{t}\" ORDER BY r)"
        )))
        .fetch_one(db.pool())
        .await
        .unwrap();
        out.push_str(&format!("== {t}\n{}\n", dump.unwrap_or_default()));
    }
    out
}

/// The inputs of the report and the kinds of the 200-case table: each line is refused with
/// words that say what to type, and the database is as it was.
#[tokio::test]
async fn refused_inputs_say_what_to_type_and_change_nothing() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Tmall platform:tmall currency:CNY").await;
    run(
        &mut sh,
        "/task assign title:\"Banner\" due:\"in 3h\" user:@alice",
    )
    .await;
    run(
        &mut sh,
        "/complaint log order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    let cases: &[(&str, &str)] = &[
        // Counts and money: groups of three, one decimal point, no -0, ranges.
        (
            "/data enter shop:Tmall date:2026-11-20 uv:9223372036854775807 confirm:true",
            "outside the range allowed, 0 to 1,000,000,000,000",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:1000000000001",
            "0 to 1,000,000,000,000",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:\"4,0,0,0\"",
            "commas go between groups of three digits",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:\"1.234,50\"",
            "more than one decimal mark",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 paid-amount:\"1.234,50\"",
            "more than one decimal mark",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 paid-amount:12345678901234567890",
            "0 to 10,000,000,000,000",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:1.2345678万",
            "not a whole number",
        ),
        ("/data enter shop:Tmall date:2026-11-20 uv:-0", "minus zero"),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:0x10",
            "not a whole number",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:1e5",
            "not a whole number",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:NaN",
            "not a whole number",
        ),
        (
            "/data target shop:Tmall amount:\"¥1,2,3\"",
            "groups of three digits",
        ),
        (
            "/data target shop:Tmall amount:99999999999999999999",
            "10,000,000,000,000",
        ),
        (
            "/complaint resolve id:1 outcome:refund amount:\"¥1,2,3\"",
            "groups of three digits",
        ),
        (
            "/complaint resolve id:1 outcome:refund amount:\"¥-0\"",
            "minus zero",
        ),
        (
            "/complaint resolve id:1 outcome:refund amount:\"-¥0.00\"",
            "minus zero",
        ),
        // Days 2000–2100.
        (
            "/data enter shop:Tmall date:0000-01-01 uv:5",
            "2000-01-01 to 2100-12-31",
        ),
        (
            "/data enter shop:Tmall date:1999-12-31 uv:5",
            "2000-01-01 to 2100-12-31",
        ),
        (
            "/data target shop:Tmall amount:5 month:2101-01",
            "2000-01-01 to 2100-12-31",
        ),
        ("/task stats period:1066-10", "2000-01-01 to 2100-12-31"),
        // Schedules that never come round.
        (
            "/task recurring title:\"Old\" schedule:\"0 0 10 1 1 * 2020\" position:operations due-in:8h",
            "does not fire in the next 5 years",
        ),
        (
            "/task recurring title:\"Far\" schedule:\"0 0 10 1 1 * 2099\" position:operations due-in:8h",
            "does not fire in the next 5 years",
        ),
        (
            "/activity add name:\"Old\" schedule:\"0 0 10 1 1 * 2020\" ping:marketing",
            "does not fire in the next 5 years",
        ),
        // Ids and pages.
        (
            "/task show id:99999999999999999999",
            "outside the range allowed, 1 to 1,000,000,000,000",
        ),
        ("/task show id:0", "outside the range allowed"),
        ("/task show id:abc", "is not a number for id"),
        (
            "/task list page:9223372036854775807",
            "1 to 1,000,000,000,000",
        ),
        (
            "/task list page:20000",
            "page: 20000 is outside the range allowed, 1 to 10,000",
        ),
        ("/task list page:0", "1 to 10,000"),
        ("/task show id:1 id:2", "is given twice"),
        // Texts with nothing visible, names with markup.
        (
            "/task assign title:\"\u{200B}\u{200D}\u{2060}\" due:\"in 3h\" user:@alice",
            "nothing visible",
        ),
        (
            "/task assign title:\"\u{202E}\u{202C}\" due:\"in 3h\" user:@alice",
            "nothing visible",
        ),
        ("/complaint note id:1 text:\"\u{FEFF}\"", "nothing visible"),
        (
            "/data shop name:\"[Shop](https://evil.example)\" platform:tmall",
            "characters a name can't hold",
        ),
        (
            "/data shop name:\"@everyone\"",
            "characters a name can't hold",
        ),
        (
            "/data shop name:Ok platform:\"# Head\"",
            "characters a name can't hold",
        ),
    ];
    let before = snapshot(&t).await;
    for (line, says) in cases {
        let out = run(&mut sh, line).await;
        assert!(out.contains(says), "{line}\n{out}");
        assert_eq!(snapshot(&t).await, before, "{line} changed the database");
    }
    // In Chinese too.
    let mut zh = t.shell("wang", "manager", "zh-CN").await;
    for (line, says) in [
        (
            "/data enter shop:Tmall date:2026-11-20 uv:\"4,0,0,0\"",
            "逗号只能每三位一个",
        ),
        (
            "/data enter shop:Tmall date:2026-11-20 uv:9223372036854775807",
            "超出允许范围 0 到 1,000,000,000,000",
        ),
        ("/task show id:1 id:2", "出现了两次"),
    ] {
        let out = run(&mut zh, line).await;
        assert!(out.contains(says), "{line}\n{out}");
    }
    assert_eq!(snapshot(&t).await, before);
}

/// What is read one way is stored that way.
#[tokio::test]
async fn accepted_inputs_are_stored_as_meant() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Tmall platform:tmall currency:CNY").await;
    let out = run(
        &mut sh,
        "/data enter shop:Tmall date:2026-11-20 uv:１２３４ pv:1.2万 paid-amount:\"¥1,299.50\" paying-buyers:\"1 234\" confirm:true",
    )
    .await;
    assert!(out.contains("2026-11-20"), "{out}");
    let (figures,): (String,) =
        sqlx::query_as("SELECT figures FROM daily_figures WHERE day = '2026-11-20'")
            .fetch_one(t.pool())
            .await
            .unwrap();
    let d: storeops::domain::metrics::DayFigures = serde_json::from_str(&figures).unwrap();
    assert_eq!(
        (
            d.get("uv"),
            d.get("pv"),
            d.get("paid-amount"),
            d.get("paying-buyers")
        ),
        (Some(1234), Some(12_000), Some(129_950), Some(1234))
    );

    // A title with hidden characters is stored without them, its markup shown as typed.
    let out = run(
        &mut sh,
        "/task assign title:\"[Refund form](https://evil.example/x) # Head \u{202E}gpj.exe\u{200B} @everyone <@&123>\" due:\"in 3h\" user:@alice",
    )
    .await;
    let stored = task(&t, 1).await.title;
    assert_eq!(
        stored,
        "[Refund form](https://evil.example/x) # Head gpj.exe @everyone <@&123>"
    );
    // The shell shows it as typed (a terminal runs no markdown; the escapes are Discord's).
    assert!(
        out.contains("[Refund form](https://evil.example/x) # Head"),
        "{out}"
    );
    assert!(!out.contains("@everyone"), "{out}");
    assert!(!out.contains("<@&123>"), "{out}");
    assert_eq!(task(&t, 1).await.due, local("2026-11-23 12:00"));
}

/// Escaping, for every line start and markup character: what was typed cannot act.
#[test]
fn escaped_text_has_no_live_markup() {
    for (typed, shown) in [
        ("[a](https://x.y)", "\\[a\\](https://x.y)"),
        ("# Head", "\\# Head"),
        ("## Head", "\\#\\# Head".replace("\\#\\#", "\\##").as_str()),
        ("- item", "\\- item"),
        ("-# small", "\\-# small"),
        ("> quote", "› quote"),
        ("a\n# b", "a\n\\# b"),
        ("`code`", "\\`code\\`"),
        (
            "**b** __u__ ~~s~~ ||x||",
            "\\*\\*b\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|x\\|\\|",
        ),
        ("@everyone @here", "@\u{200B}everyone @\u{200B}here"),
        ("<@123> <@&4> <#5>", "‹@\u{200B}123› ‹@\u{200B}&4› ‹#5›"),
        ("a\u{202E}b\u{200B}c", "abc"),
        ("C:\\path", "C:\\\\path"),
    ] {
        assert_eq!(escape_user_text(typed), shown, "{typed:?}");
    }
}

fn naughty() -> Vec<String> {
    serde_json::from_str(include_str!("../fixtures/blns/blns.json")).unwrap()
}

/// Every parser of typed input, on one text: none may panic, and what each answers is bounded.
fn every_parser(s: &str) {
    let now = crate::support::start_instant();
    let tz = chrono_tz::Asia::Shanghai;
    let _ = number::count(s);
    let _ = number::money_cents(s);
    let _ = number::whole_in(s, 1, number::COUNT_MAX);
    let _ = parse_deadline(s, now, tz, WorkingHours::default());
    let _ = parse_schedule(s);
    let _ = input::schedule(s, now, tz);
    let _ = input::day(s, now, tz);
    let _ = input::period(Some(s), now, tz);
    let _ = input::count("uv", s);
    let _ = input::money("amount", s);
    if let Ok(t) = input::checked_text(s, 200, "title") {
        assert!(t.chars().any(|c| !c.is_whitespace()));
        assert!(!t.chars().any(storeops::message::is_hidden_char), "{t:?}");
    }
    let _ = input::plain_name(s, 60, "name");
    let e = escape_user_text(s);
    assert!(e.chars().count() <= 2 * s.chars().count(), "{s:?} → {e:?}");
    // Each of these may appear only with its first character escaped (an odd run of
    // backslashes before it: `\](` is a literal bracket).
    for c in ["<@", "<#", "<t:", "](", "\n#", "\n-", "\n>"] {
        let bare = e.match_indices(c).any(|(i, _)| {
            let at = if c.starts_with('\n') { i + 1 } else { i };
            e[..at].chars().rev().take_while(|ch| *ch == '\\').count() % 2 == 0
        });
        assert!(!bare, "{s:?} → {e:?} holds {c:?}");
    }
    // A link needs `](` with the bracket unescaped (`\](` shows as text).
    assert!(
        !e.replace("\\]", "").contains("]("),
        "{s:?} → {e:?} holds a link"
    );
    let cell = storeops::domain::import::Cell::Text(s.to_string());
    let _ = storeops::domain::import::value::count(&cell);
    let _ = storeops::domain::import::value::money(&cell);
    let _ = storeops::domain::import::value::date(&cell, storeops::domain::import::DateOrder::Mdy);
}

#[test]
fn the_naughty_strings_break_no_parser() {
    let list = naughty();
    assert!(list.len() > 100, "{}", list.len());
    for s in &list {
        every_parser(s);
        // Doubled, tripled and padded with digits and separators.
        every_parser(&format!("{s}{s}{s}"));
        every_parser(&format!("1,234{s}.5"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_text_breaks_no_parser(s in "\\PC{0,60}") {
        every_parser(&s);
    }

    #[test]
    fn random_number_shapes_break_no_parser(s in "[-+¥$ 0-9,.万亿０-９，．]{0,40}") {
        every_parser(&s);
        // A number that reads, reads once: it has one value, and its digits are all there.
        if let Ok(n) = number::count(&s) {
            prop_assert!((0..=number::COUNT_MAX).contains(&n));
        }
        if let Ok(c) = number::money_cents(&s) {
            prop_assert!((0..=number::MONEY_MAX_CENTS).contains(&c));
        }
    }

    #[test]
    fn grouped_counts_read_back(n in 0i64..=number::COUNT_MAX) {
        let grouped = number::grouped(n);
        prop_assert_eq!(number::count(&grouped), Ok(n));
        prop_assert_eq!(number::count(&n.to_string()), Ok(n));
        let money = format!("{grouped}.{:02}", n % 100);
        prop_assert_eq!(number::money_cents(&money), Ok(n * 100 + n % 100));
    }

    /// Random bytes as an import file: read or refused, never a panic.
    #[test]
    fn random_files_break_no_importer(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let maps = storeops::domain::import::Mappings::defaults();
        for name in ["x.csv", "x.xlsx", "x.xls"] {
            let _ = storeops::domain::import::parse_with(
                &bytes,
                Some(name),
                &maps,
                None,
                storeops::domain::import::DateOrder::Auto,
                &mut |_, _| {},
            )
            .map_err(|e| storeops::app::cmd::import::user_error(e, &maps));
        }
    }
}

/// The importer opens only regular files, and checks their size before reading.
#[test]
fn the_importer_reads_only_regular_files() {
    use storeops::app::cmd::import::{FileError, read_regular_file};
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("a.csv");
    std::fs::write(&ok, b"date,uv\n2026-11-20,5\n").unwrap();
    assert_eq!(read_regular_file(&ok, 100).unwrap().len(), 21);
    assert!(matches!(
        read_regular_file(&ok, 10),
        Err(FileError::TooLarge(21))
    ));
    assert!(matches!(
        read_regular_file(dir.path(), 100),
        Err(FileError::NotAFile("directory"))
    ));
    #[cfg(unix)]
    {
        assert!(matches!(
            read_regular_file(std::path::Path::new("/dev/zero"), 100),
            Err(FileError::NotAFile("device"))
        ));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Refused before it is opened: opening a FIFO would wait for a writer forever.
            assert!(matches!(
                read_regular_file(&fifo, 100),
                Err(FileError::NotAFile("fifo"))
            ));
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&fifo, &link).unwrap();
            assert!(matches!(
                read_regular_file(&link, 100),
                Err(FileError::NotAFile("fifo"))
            ));
        }
        let link = dir.path().join("ok-link");
        std::os::unix::fs::symlink(&ok, &link).unwrap();
        assert!(read_regular_file(&link, 100).is_ok());
    }
}

/// The permission matrix: every item rule of the table run as a member of another position,
/// customer service, the item's handler (assignee) and a manager.
#[tokio::test]
async fn the_permission_matrix_agrees_with_the_table() {
    let t = TestApp::new().await;
    let mut boss = boss(&t).await;
    let mut member = t.shell("dora", "design", "en-US").await;
    let mut service = t.shell("sam", "customer-service", "en-US").await;
    let mut handler = t.shell("hana", "warehouse", "en-US").await;
    // Complaint #1 handled by hana; task #1 assigned to hana by the boss.
    run(
        &mut boss,
        "/complaint log order:A1 platform:tmall category:damaged summary:\"x\"",
    )
    .await;
    run(&mut boss, "/complaint assign id:1 user:@hana").await;
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("hana")));
    run(
        &mut boss,
        "/task assign title:\"Banner\" due:\"in 3h\" user:@hana",
    )
    .await;
    let allowed = |rule: Rule, who: &str| match rule {
        Rule::Everyone => true,
        Rule::Managers => who == "manager",
        Rule::Service => matches!(who, "service" | "manager"),
        Rule::Handler | Rule::TaskParty => matches!(who, "handler" | "manager"),
        Rule::TaskAssigner => who == "manager",
        Rule::ServiceOrHandler => matches!(who, "service" | "handler" | "manager"),
        _ => unreachable!(),
    };
    // Read-only or repeatable forms of each command, so each actor meets the same item.
    let lines: &[(&str, &str)] = &[
        ("task show", "/task show id:1"),
        ("task comment", "/task comment id:1 text:\"hi\""),
        ("task edit", "/task edit id:1 priority:high"),
        ("complaint note", "/complaint note id:1 text:\"called\""),
        ("complaint assign", "/complaint assign id:1 user:@hana"),
        ("outbox list", "/outbox list"),
        ("setup", "/setup timezone:Asia/Shanghai"),
        ("data enter", "/data enter uv:1"),
    ];
    for (path, line) in lines {
        let rule = TABLE.iter().find(|(k, _)| k == path).unwrap().1;
        for (who, sh) in [
            ("member", &mut member),
            ("service", &mut service),
            ("handler", &mut handler),
            ("manager", &mut boss),
        ] {
            let out = run(sh, line).await;
            let refused = out.contains("Only ");
            let want = if *path == "data enter" {
                // The data team: nobody here but the manager.
                who == "manager"
            } else {
                allowed(rule, who)
            };
            assert_eq!(!refused, want, "{path} as {who}: {out}");
        }
    }
    // Resolve and reopen, last: the handler may, customer service may not (#21).
    let out = run(&mut service, "/complaint resolve id:1 outcome:explanation").await;
    assert!(out.contains("handler or a manager"), "{out}");
    let out = run(&mut handler, "/complaint resolve id:1 outcome:explanation").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");
    let out = run(&mut service, "/complaint reopen id:1").await;
    assert!(out.contains("handler or a manager"), "{out}");
    let out = run(&mut member, "/press cmp:claim:1").await;
    assert!(out.contains("Only customer service or managers"), "{out}");
}
