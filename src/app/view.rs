//! Shared pieces of what the core shows: pages of a long history.

use crate::domain::history::{Change, Field, Side};
use crate::i18n::Locale;
use crate::message::{self, Reply, escape_user_text};
use crate::store::events::{self, Event, Log};
use crate::tr;

/// Items per page of `/task list` and `/complaint list` (keeps the embed far below Discord's
/// 6,000 characters).
pub const LIST_PAGE: i64 = 10;

/// The items of list page `page` (from 1): (how many it skips, how many it shows).
pub fn list_window(page: i64) -> (i64, i64) {
    ((page - 1) * LIST_PAGE, LIST_PAGE)
}

/// How many list pages `total` items fill (at least one).
pub fn list_pages(total: i64) -> i64 {
    ((total + LIST_PAGE - 1) / LIST_PAGE).max(1)
}

/// History entries per page of `/task show` and `/complaint show`.
pub const HISTORY_PAGE: i64 = 20;

/// Which entries page `page` (1 = the newest) of a history of `total` entries holds: how
/// many newer ones it skips. Pages past the end show the oldest page.
pub fn history_offset(page: i64, total: i64) -> i64 {
    let last = (total.max(1) + HISTORY_PAGE - 1) / HISTORY_PAGE;
    (page.clamp(1, last) - 1) * HISTORY_PAGE
}

/// Adds page `page` (1 = the newest) of item `id`'s history to `r`, an entry a line: when,
/// who, what and its detail as `detail` writes it (with the separator); says which entries
/// these are and what to type for older ones.
pub async fn with_history(
    conn: &mut sqlx::SqliteConnection,
    (r, l): (Reply, Locale),
    (log, id): (Log, i64),
    page: i64,
    detail: impl Fn(&Event) -> String,
) -> crate::app::AppResult<Reply> {
    let total = events::count(conn, log, id).await?;
    let newer = history_offset(page, total);
    let entries = events::page(conn, log, id, (newer, HISTORY_PAGE)).await?;
    let kind = log.key();
    let lines = entries.iter().map(|e| {
        let what = l.t(&format!("{kind}-event-{}", e.kind));
        let (at, who) = (message::ts(e.at, 'f'), message::user_ref(e.actor_id));
        format!("{at} {who} {what}{}", detail(e))
    });
    // What to type for another page, as the reader sees the command (`/投诉 详情 编号:7 页码:2`).
    let command = format!(
        "/{} {}:{id} {}:{{page}}",
        crate::app::spec::localized_path(&format!("{kind} show"), l),
        crate::app::spec::option_name("id", l),
        crate::app::spec::option_name("page", l)
    );
    Ok(history(r, l, lines.collect(), newer, total, &command))
}

/// Adds the history lines as a field and says which entries they are and how to see older
/// ones (`command` is what to type for page N, with `{page}` in it).
fn history(
    mut r: Reply,
    l: Locale,
    lines: Vec<String>,
    newer: i64,
    total: i64,
    command: &str,
) -> Reply {
    if lines.is_empty() {
        return r;
    }
    let shown = lines.len() as i64;
    r = r.field(l.t("task-field-history"), lines.join("\n"), false);
    if total > shown {
        let (first, last) = (total - newer - shown + 1, total - newer);
        let page = newer / HISTORY_PAGE + 1;
        let pages = (total + HISTORY_PAGE - 1) / HISTORY_PAGE;
        let mut note = tr!(
            l,
            "history-page",
            first = first,
            last = last,
            total = total,
            page = page,
            pages = pages
        );
        if page < pages {
            note.push(' ');
            note.push_str(&tr!(
                l,
                "history-older",
                command = command.replace("{page}", &(page + 1).to_string())
            ));
        }
        r.footer = Some(match r.footer.take() {
            Some(f) => format!("{f}\n{note}"),
            None => note,
        });
    }
    r
}

/// Buttons from (what the button does, its label's catalog key, its style).
pub fn buttons<B: std::fmt::Display>(
    l: Locale,
    list: Vec<(B, &str, message::ButtonStyle)>,
) -> Vec<message::Button> {
    list.into_iter()
        .map(|(button, key, style)| message::Button {
            id: button.to_string(),
            label: l.t(key),
            style,
        })
        .collect()
}

/// The reply to a note added to an item's history: `title`, then the note as typed.
pub fn noted(title: String, text: &str) -> Reply {
    Reply::titled(title)
        .line(escape_user_text(text))
        .severity(message::Severity::Success)
}

/// One side of a change as the reader sees it: a mention, a position's name in the reader's
/// language, an instant (shown in the reader's own time zone), a priority, quoted text.
pub fn side_text(l: Locale, side: &Side) -> String {
    match side {
        Side::Nobody => l.t("history-nobody"),
        Side::User(u) => message::user_ref(*u),
        Side::Position(p) => l.t(&p.label_key()),
        Side::At(t) => message::ts(*t, 'f'),
        Side::Priority(p) => l.t(&format!("choice-{}", p.key())),
        Side::Text(s) => format!("“{}”", escape_user_text(s)),
        Side::Outcome(..) | Side::Reopened => outcome_side(l, side),
    }
}

/// A complaint's outcome side: "Partial refund 25.50", or "reopened".
pub fn outcome_side(l: Locale, side: &Side) -> String {
    match side {
        Side::Outcome(o, None) => l.t(&format!("choice-{}", o.key())),
        Side::Outcome(o, Some(c)) => format!(
            "{} {}",
            l.t(&format!("choice-{}", o.key())),
            crate::domain::money::Money(*c)
        ),
        _ => l.t("history-reopened"),
    }
}

/// A change as a history entry's detail: "@dana → @erin", "deadline: … → …".
pub fn change_text(l: Locale, c: &Change) -> String {
    let sides = format!("{} → {}", side_text(l, &c.from), side_text(l, &c.to));
    match c.field {
        Field::Owner => sides,
        f => format!("{} {sides}", l.t(&format!("history-field-{}", f.key()))),
    }
}

/// The detail of a history entry: a stored change with both sides, or (entries written before
/// changes were stored so) the old text; `legacy_owner` marks the old owner-change entries,
/// whose text named the owner before the change.
pub fn detail_text(l: Locale, detail: &str, legacy_owner: bool) -> String {
    match Change::decode(detail) {
        Some(c) => change_text(l, &c),
        None if legacy_owner => format!("{detail} → …"),
        None => detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_count_back_from_the_newest() {
        assert_eq!(history_offset(1, 500), 0);
        assert_eq!(history_offset(2, 500), 20);
        assert_eq!(history_offset(25, 500), 480);
        assert_eq!(history_offset(99, 500), 480);
        assert_eq!(history_offset(0, 5), 0);
        let r = history(
            Reply::titled("t"),
            Locale::EnUs,
            vec!["x".into(); 20],
            20,
            500,
            "/task show id:1 page:{page}",
        );
        let f = r.footer.expect("footer");
        assert!(
            f.contains("461") && f.contains("480") && f.contains("500"),
            "{f}"
        );
        assert!(f.contains("/task show id:1 page:3"), "{f}");
    }
}
