//! Every hot statement of the store (taken from the store functions, `store::hot_queries`)
//! reads through an index: `EXPLAIN QUERY PLAN` must show no full scan of a table that grows
//! with the years, and a list's page must come out of its index in order (no sort of the
//! whole match). The planner is asked on a freshly migrated database, as a bot's own file is
//! (nobody runs ANALYZE on it).

use storeops::store::{BIG_TABLES, hot_queries};

use crate::support::TestApp;
use crate::support::store::Db;

/// Whether a SEARCH line reads a whole guild's history: bounded by nothing but `guild_id=?`
/// and at most one one-sided range (`assignee_id>?` is "IS NOT NULL"). A search of a partial
/// index of active rows (`*_active_*`) is bounded by the team's open work, not by the years.
fn guild_wide(line: &str) -> bool {
    let Some(open) = line.find(" (") else {
        return false;
    };
    if line.contains("_active_") {
        return false;
    }
    let terms: Vec<&str> = line[open + 2..line.len() - 1].split(" AND ").collect();
    let equalities = terms
        .iter()
        .filter(|t| t.ends_with("=?") && **t != "guild_id=?")
        .count();
    let ranges = terms
        .iter()
        .filter(|t| t.ends_with(">?") || t.ends_with("<?"))
        .count();
    terms.contains(&"guild_id=?") && equalities == 0 && ranges <= 1
}

/// The names by which `sql` reads the big tables: each table's own, and every alias it is given
/// (`outbox_message AS m`, `names n`). SQLite's plan names a table by its alias, so a check of
/// the table names alone passes a full scan of `tasks AS t`.
fn big_table_names(sql: &str) -> Vec<String> {
    const NOT_ALIASES: &[&str] = &[
        "WHERE",
        "JOIN",
        "LEFT",
        "INNER",
        "CROSS",
        "NATURAL",
        "ON",
        "INDEXED",
        "NOT",
        "SET",
        "ORDER",
        "GROUP",
        "LIMIT",
        "UNION",
        "EXCEPT",
        "INTERSECT",
        "USING",
        "VALUES",
        "DEFAULT",
        "RETURNING",
        "WINDOW",
        "HAVING",
        "AND",
        "OR",
        "SELECT",
        "FROM",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
    ];
    // Each word with what separates it from the next: an alias follows its table after spaces
    // only (`tasks.id` is a column, `tasks (` a column list, `tasks,` the next table).
    let mut words: Vec<(&str, &str)> = Vec::new();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut rest = sql;
    while let Some(start) = rest.find(is_word) {
        let after = &rest[start..];
        let end = after.find(|c: char| !is_word(c)).unwrap_or(after.len());
        let tail = &after[end..];
        let gap = &tail[..tail
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(tail.len())];
        let next_is_word = tail[gap.len()..].starts_with(is_word);
        words.push((&after[..end], if next_is_word { gap } else { "" }));
        rest = tail;
    }
    let mut names: Vec<String> = BIG_TABLES.iter().map(|t| t.to_string()).collect();
    for (i, (word, gap)) in words.iter().enumerate() {
        if gap.is_empty() || !BIG_TABLES.iter().any(|t| t.eq_ignore_ascii_case(word)) {
            continue;
        }
        let mut j = i + 1;
        if words[j].0.eq_ignore_ascii_case("AS") && !words[j].1.is_empty() {
            j += 1;
        }
        let alias = words[j].0;
        if !NOT_ALIASES.iter().any(|k| k.eq_ignore_ascii_case(alias)) {
            names.push(alias.to_string());
        }
    }
    names
}

/// The plan's lines that read a big table whole (a SCAN; or a guild-wide SEARCH in a statement
/// without LIMIT, which must then read to the end), or sort a page's rows.
fn defects(name: &str, sql: &str, plan: &[String]) -> Vec<String> {
    let tables = big_table_names(sql);
    plan.iter()
        .filter(|line| {
            let big = |verb: &str| {
                tables.iter().any(|t| {
                    line.as_str() == format!("{verb} {t}")
                        || line.starts_with(&format!("{verb} {t} "))
                })
            };
            let full_scan = big("SCAN");
            let unbounded = big("SEARCH") && guild_wide(line) && !sql.contains("LIMIT");
            let sorted_page = name.ends_with(": page") && line.contains("TEMP B-TREE FOR ORDER BY");
            full_scan || unbounded || sorted_page
        })
        .cloned()
        .collect()
}

async fn plan(t: &TestApp, sql: &str) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
            .fetch_all(t.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|r| r.3).collect()
}

#[tokio::test]
async fn no_hot_statement_scans_a_big_table() {
    let t = TestApp::quiet().await;
    let queries = hot_queries();
    assert!(queries.len() >= 30, "{} statements", queries.len());
    let mut bad = Vec::new();
    for (name, sql) in &queries {
        let plan = plan(&t, sql).await;
        assert!(!plan.is_empty(), "{name}: no plan");
        let d = defects(name, sql, &plan);
        if !d.is_empty() {
            bad.push(format!("{name}: {d:?}\n  {sql}\n  plan: {plan:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "full scans or sorted pages:\n{}",
        bad.join("\n")
    );
}

/// The breached list's second part (the late resolutions) reads the partial index made for
/// it: `complaints_open` also serves `guild_id = ? AND status = 'resolved'` without a scan, but
/// then checks the row of every resolved complaint, nearly all of a guild's history.
#[tokio::test]
async fn late_resolutions_are_read_through_their_own_index() {
    let t = TestApp::quiet().await;
    let mut seen = 0;
    for (name, sql) in hot_queries() {
        if !name.starts_with("complaint list breached (1)") {
            continue;
        }
        seen += 1;
        let plan = plan(&t, &sql).await;
        assert!(
            plan.iter()
                .any(|l| l.contains("USING INDEX complaints_resolved_late")),
            "{name}: {plan:?}"
        );
    }
    assert_eq!(seen, 2, "the capped count and the page");
}

/// The check itself catches what it must: a filter no index serves, and a page sorted after
/// reading, and the statistic `/task stats` was (every task of the guild, grouped).
#[tokio::test]
async fn the_plan_check_catches_a_scan_and_a_sort() {
    let t = TestApp::quiet().await;
    let scan_sql = "SELECT id FROM tasks WHERE title = ?1";
    let scan = plan(&t, scan_sql).await;
    assert!(!defects("x", scan_sql, &scan).is_empty(), "{scan:?}");
    let sorted_sql =
        "SELECT id FROM tasks WHERE guild_id = ?1 AND status IN ('open', 'in_progress')
           ORDER BY title, id LIMIT 20";
    let sorted = plan(&t, sorted_sql).await;
    assert!(
        !defects("sorted: page", sorted_sql, &sorted).is_empty(),
        "{sorted:?}"
    );
    let old_stats_sql = "SELECT assignee_id, COUNT(*) FROM tasks WHERE guild_id = ?1 AND assignee_id IS NOT NULL GROUP BY assignee_id";
    let old_stats = plan(&t, old_stats_sql).await;
    assert!(
        !defects("old stats", old_stats_sql, &old_stats).is_empty(),
        "{old_stats:?}"
    );
    // An uncapped count of every complaint of the guild, as the list titles had.
    let count_sql = "SELECT COUNT(*) FROM complaints WHERE guild_id = ?1";
    let count = plan(&t, count_sql).await;
    assert!(!defects("count", count_sql, &count).is_empty(), "{count:?}");
    // The same defects under an alias, which is how the plan names the table.
    for aliased in [
        "SELECT t.id FROM tasks AS t WHERE t.title = ?1",
        "SELECT t.id FROM tasks t WHERE t.title = ?1",
        "SELECT m.id FROM outbox_state AS s JOIN outbox_message AS m ON m.id = s.id WHERE m.payload = ?1",
    ] {
        let p = plan(&t, aliased).await;
        assert!(
            !defects("aliased", aliased, &p).is_empty(),
            "{aliased}: {p:?}"
        );
    }
    // The settings read every command starts with, as it was: the guild's remembered names
    // read whole, the wanted ones looked for in each (3.5 ms with 280 names).
    let names_sql = "SELECT (SELECT json_group_array(n.name) FROM json_each(?2) AS j
           JOIN names AS n ON n.guild_id = ?1 AND n.kind = j.value ->> 0 AND n.id = j.value ->> 1)
         FROM guild_settings WHERE guild_id = ?1";
    let names = plan(&t, names_sql).await;
    assert!(!defects("names", names_sql, &names).is_empty(), "{names:?}");
    // Not aliases: a column list, a column, the next table.
    assert_eq!(
        big_table_names("INSERT INTO tasks (id) SELECT tasks.id FROM tasks, complaints WHERE 1")
            .len(),
        BIG_TABLES.len()
    );
}
