//! The statements the commands run, by name, for the query-plan test
//! (`tests/all/scale/plans.rs`), and the tables whose full scan is a defect.

use chrono::Utc;

use super::{complaints, data, events, morning, outbox, products, retention, settings, tasks};

/// The statements the commands run on the tables that grow with the years (tasks,
/// complaints, their histories, the daily and product figures, the outbox), by name, as the
/// store functions build them: the query-plan test runs `EXPLAIN QUERY PLAN` on each and fails
/// on a full scan of one of those tables.
pub fn hot_queries() -> Vec<(String, String)> {
    use crate::domain::position::Position;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, sql: String| out.push((name.to_string(), sql));
    let task_filters = [
        ("all", tasks::Filter::default()),
        (
            "mine",
            tasks::Filter {
                assignee: Some(1),
                ..Default::default()
            },
        ),
        (
            "position",
            tasks::Filter {
                position: Some(Position::CustomerService),
                ..Default::default()
            },
        ),
        (
            "overdue",
            tasks::Filter {
                overdue_at: Some(Utc::now()),
                ..Default::default()
            },
        ),
        (
            "overdue mine",
            tasks::Filter {
                overdue_at: Some(Utc::now()),
                assignee: Some(1),
                ..Default::default()
            },
        ),
    ];
    for (name, f) in &task_filters {
        let (count, page) = tasks::list_sql(f);
        add(&format!("task list {name}: count"), count);
        add(&format!("task list {name}: page"), page);
    }
    add("task stats", tasks::stats_sql());
    // Autocomplete of an id (every keystroke): read in index order until 25 match.
    add("task autocomplete: page", tasks::suggest_sql(false));
    add("task autocomplete, closed: page", tasks::suggest_sql(true));
    add(
        "task autocomplete, closed by number",
        tasks::suggest_by_id_sql(),
    );
    add(
        "complaint autocomplete: page",
        complaints::suggest_sql(false),
    );
    add(
        "complaint autocomplete, resolved: page",
        complaints::suggest_sql(true),
    );
    add(
        "complaint autocomplete, resolved by number",
        complaints::suggest_by_id_sql(),
    );
    add("task show: history", events::Log::Task.page_sql());
    let complaint_filters = [
        ("all", complaints::Filter::default()),
        (
            "open",
            complaints::Filter {
                open_only: true,
                ..Default::default()
            },
        ),
        (
            "mine",
            complaints::Filter {
                open_only: true,
                owner: Some(1),
                ..Default::default()
            },
        ),
        (
            "breached",
            complaints::Filter {
                breached_at: Some(Utc::now()),
                ..Default::default()
            },
        ),
        (
            "open, as a member who sees only theirs",
            complaints::Filter {
                open_only: true,
                party: Some(7),
                ..Default::default()
            },
        ),
        (
            "open on a platform",
            complaints::Filter {
                open_only: true,
                platform: Some("tmall".into()),
                ..Default::default()
            },
        ),
    ];
    for (name, f) in &complaint_filters {
        for (i, (count, _exact, page)) in complaints::list_sql(f).into_iter().enumerate() {
            // The exact count runs only for a page past `COUNT_CAP` (page 101 and on).
            add(&format!("complaint list {name} ({i}): count"), count);
            add(&format!("complaint list {name} ({i}): page"), page);
        }
    }
    add(
        "complaint stats: logged by kind",
        complaints::LOGGED_STATS_SQL.to_string(),
    );
    add(
        "complaint stats: resolved",
        complaints::resolved_stats_sql(),
    );
    add(
        "complaint stats: time to resolve",
        complaints::resolve_time_at_sql(),
    );
    add(
        "complaint stats: logged before",
        complaints::LOGGED_COUNT_SQL.to_string(),
    );
    add(
        "morning summary: complaints logged and resolved",
        complaints::LOGGED_RESOLVED_SQL.to_string(),
    );
    add(
        "complaint stats: money paid",
        complaints::PAYMENT_SUMS_SQL.to_string(),
    );
    add("complaint show: history", events::Log::Complaint.page_sql());
    add("data show", data::RANGE_SQL.to_string());
    add("data show: totals", data::range_totals_sql());
    add("summary: paid per day", data::PAID_PER_DAY_SQL.to_string());
    add("summary: month to date", data::PAID_BETWEEN_SQL.to_string());
    add("summary: products", products::RANGE_SQL.to_string());
    add(
        "summary: top sellers",
        products::TOP_SELLERS_SQL.to_string(),
    );
    add("morning summary: days", morning::DAYS_SQL.to_string());
    add(
        "morning summary: paid series",
        morning::PAID_SERIES_SQL.to_string(),
    );
    add("morning summary: targets", morning::TARGETS_SQL.to_string());
    add(
        "morning summary: tasks due",
        morning::TASKS_DUE_SQL.to_string(),
    );
    add(
        "morning summary: complaints due",
        morning::COMPLAINTS_DUE_SQL.to_string(),
    );
    add("outbox pruning", retention::PRUNE_SQL.to_string());
    add("outbox counts", outbox::COUNTS_SQL.to_string());
    add("outbox put: new rows", outbox::PUT_INSERT_SQL.to_string());
    add(
        "outbox put: revive rows",
        outbox::PUT_REVIVE_SQL.to_string(),
    );
    add(
        "outbox put: revived content",
        outbox::PUT_CONTENT_SQL.to_string(),
    );
    add(
        "outbox: messages found that are recorded deliveries",
        outbox::KNOWN_MESSAGE_IDS_SQL.to_string(),
    );
    add(
        "dispatcher: claimed rows read back by id",
        outbox::ROWS_OF_SQL.to_string(),
    );
    add(
        "dispatcher: deliveries recorded",
        outbox::RECORD_SENT_SQL.to_string(),
    );
    add(
        "every command: settings and the names it needs",
        settings::GET_WITH_NAMES_SQL.to_string(),
    );
    let (by_time, by_state) = outbox::list_sql();
    add("outbox list, a common state: page", by_time);
    add("outbox list, a rare state", by_state);
    out
}

/// The tables that grow with the years; a full scan of one of them is a defect.
pub const BIG_TABLES: &[&str] = &[
    "tasks",
    "task_events",
    "complaints",
    "complaint_events",
    "daily_figures",
    "daily_figures_history",
    "figures_day",
    "complaint_logged_day",
    "complaint_resolved_day",
    "complaint_paid_day",
    "product_figures",
    "outbox_message",
    "outbox_state",
    "task_stats_day",
    "figures_month",
    "complaint_payments",
    // Everyone the bot has seen act or be named: grows with the server's members over the years.
    "names",
];
