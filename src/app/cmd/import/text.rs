//! The words of an import preview: columns, warnings, the tables of days and products.

use super::*;

/// A figure's or a rate's name in the reader's language (`paid-amount` -> 支付金额), as the
/// rest of the bot names it; for an English reader the key, as typed in `/data enter`
/// (`paid-amount:`), and a key without a name (a configured figure) as written.
pub fn figure_name(l: Locale, key: &str) -> String {
    if l == Locale::EnUs {
        return key.to_string();
    }
    ["data-field-", "data-rate-"]
        .iter()
        .map(|prefix| format!("{prefix}{key}"))
        .find(|k| l.has(k))
        .map(|k| l.t(&k))
        .unwrap_or_else(|| key.to_string())
}

/// The name of a shipped platform's report in the reader's language (`imp-report-<platform>`);
/// a mapping added in `config/importers/` by its own `name`.
pub fn report_name(l: Locale, platform: &str, configured: &str) -> String {
    let key = format!("imp-report-{platform}");
    if l.has(&key) {
        l.t(&key)
    } else {
        configured.to_string()
    }
}

fn use_text(l: Locale, u: &Use) -> String {
    match u {
        Use::Date => l.t("imp-col-date"),
        Use::ProductId => l.t("imp-col-product-id"),
        Use::ProductName => l.t("imp-col-product-name"),
        Use::Field(f) => figure_name(l, f),
        Use::AdSpendPart => l.t("imp-col-ad-part"),
        Use::Part(f) => tr!(l, "imp-col-part", field = l.t(&format!("data-field-{f}"))),
        Use::Check(f) => tr!(l, "imp-col-check", field = figure_name(l, f)),
        Use::Ignored => l.t("imp-col-ignored"),
        Use::Comparison => l.t("imp-col-comparison"),
    }
}

fn warning_text(l: Locale, w: &Warning) -> String {
    match w {
        Warning::DatesReadAs(DateOrder::Dmy) => l.t("imp-warn-dates-dmy"),
        Warning::DatesReadAs(_) => l.t("imp-warn-dates-mdy"),
        Warning::DatesAssumed {
            order,
            currency: Some(c),
        } => tr!(
            l,
            if *order == DateOrder::Dmy {
                "imp-warn-dates-assumed-dmy-currency"
            } else {
                "imp-warn-dates-assumed-mdy"
            },
            currency = c.as_str()
        ),
        Warning::DatesAssumed { order, .. } => l.t(if *order == DateOrder::Dmy {
            "imp-warn-dates-assumed-dmy"
        } else {
            "imp-warn-dates-assumed-mdy"
        }),
        Warning::Reversal { row, column, value } => tr!(
            l,
            "imp-warn-reversal",
            row = *row,
            column = crate::app::input::clip(column, QUOTE_MAX),
            value = crate::app::input::clip(value, QUOTE_MAX)
        ),
        Warning::OtherSheet { sheet, platform } => tr!(
            l,
            "imp-warn-other-sheet",
            sheet = sheet.as_str(),
            platform = platform.as_str()
        ),
        Warning::SheetNotRead(sheet) => tr!(l, "imp-warn-sheet-not-read", sheet = sheet.as_str()),
        Warning::NotComputed { figure, needs } => tr!(
            l,
            "imp-warn-not-computed",
            field = l.t(&format!("data-field-{figure}")),
            columns = needs
                .iter()
                .map(|c| format!("“{}”", crate::app::input::clip(c, QUOTE_MAX)))
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        Warning::RateMismatch {
            row,
            column,
            in_file,
            computed,
        } => tr!(
            l,
            "imp-warn-rate",
            row = *row,
            column = column.as_str(),
            file = in_file.as_str(),
            computed = computed.as_str()
        ),
        Warning::UnknownColumns(c) => tr!(l, "imp-warn-unknown", columns = c.join(", ")),
        Warning::PlatformDays(zone) => tr!(l, "imp-warn-day-zone", zone = zone.as_str()),
    }
}

fn status_text(l: Locale, s: &Status) -> String {
    match s {
        Status::New => l.t("imp-status-new"),
        Status::Changes(f) => {
            let names: Vec<String> = f.iter().map(|k| figure_name(l, k)).collect();
            tr!(l, "imp-status-changes", fields = names.join(", "))
        }
        Status::Unchanged => l.t("imp-status-unchanged"),
    }
}

/// The most characters of a cell or header quoted in a preview.
const QUOTE_MAX: usize = 60;

/// How much of a preview's table to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// A chat message: the table keeps to a few key figures so it fits a phone.
    Chat,
    /// A terminal: every figure of the file, the first days.
    Full,
    /// A terminal asked for everything (`--all`): every figure and every day.
    Every,
}

/// The figures a chat preview shows first, when the file has them.
const KEY_FIELDS: &[&str] = &[
    "paid-amount",
    "uv",
    "paying-buyers",
    "ad-spend",
    "ad-sales",
    "pv",
    "paid-orders",
];

/// A figure's value for a table cell: money with cents, counts with separators, "—" when
/// absent.
fn cell(l: Locale, field: &str, v: Option<i64>) -> String {
    match v {
        Some(c) if metrics::is_money(field) && c != metrics::OUT_OF_RANGE => Money(c).to_string(),
        v => crate::app::cmd::data::count(l, v),
    }
}

/// The table of a shop export's days: date, the file's figures, what importing does.
fn days_table(l: Locale, p: &Preview, detail: Detail) -> String {
    let f = &p.parsed;
    let present: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|k| f.days.values().any(|d| d.get(k).is_some()))
        .collect();
    let shown: Vec<&str> = match detail {
        Detail::Full | Detail::Every => present,
        Detail::Chat => KEY_FIELDS
            .iter()
            .copied()
            .filter(|k| present.contains(k))
            .take(3)
            .collect(),
    };
    let mut header = vec![l.t("imp-table-date")];
    header.extend(shown.iter().map(|k| figure_name(l, k)));
    header.push(l.t("imp-table-status"));
    let mut right = vec![false];
    right.extend(shown.iter().map(|_| true));
    right.push(false);
    let rows: Vec<Vec<String>> = p
        .status
        .iter()
        .take(rows_shown(detail))
        .map(|(d, s)| {
            let day = f.days.get(d).cloned().unwrap_or_default();
            let mut row = vec![d.to_string()];
            row.extend(shown.iter().map(|k| cell(l, k, day.get(k))));
            row.push(status_text(l, s));
            row
        })
        .collect();
    text_table(&header, &rows, &right)
}

/// The table of a product export's days: date, products, new/changed/unchanged, and the day's
/// units and amount paid over its products.
fn products_table(l: Locale, p: &Preview, detail: Detail) -> String {
    let f = &p.parsed;
    let sum = |d: &NaiveDate, k: &str| {
        let rows = f.products.get(d)?;
        let vals: Vec<i64> = rows.values().filter_map(|r| r.figures.get(k)).collect();
        (!vals.is_empty()).then(|| metrics::total(vals))
    };
    let header = vec![
        l.t("imp-table-date"),
        l.t("imp-table-products"),
        l.t("imp-table-new"),
        l.t("imp-table-changed"),
        l.t("imp-table-unchanged"),
        figure_name(l, "units"),
        figure_name(l, "paid-amount"),
    ];
    let rows: Vec<Vec<String>> = p
        .products
        .iter()
        .take(rows_shown(detail))
        .map(|(d, s)| {
            vec![
                d.to_string(),
                s.products.to_string(),
                s.new.to_string(),
                s.changed.to_string(),
                s.unchanged.to_string(),
                cell(l, "units", sum(d, "units")),
                cell(l, "paid-amount", sum(d, "paid-amount")),
            ]
        })
        .collect();
    text_table(&header, &rows, &[false, true, true, true, true, true, true])
}

/// How many days a preview's table lists.
fn rows_shown(detail: Detail) -> usize {
    match detail {
        Detail::Every => usize::MAX,
        Detail::Chat | Detail::Full => LIST_MAX,
    }
}

/// `7, 13, 19` (the first few, then `…`).
fn row_list(rows: &[usize]) -> String {
    let mut s: Vec<String> = rows.iter().take(5).map(usize::to_string).collect();
    if rows.len() > 5 {
        s.push("…".into());
    }
    s.join(", ")
}

/// The lines saying which sheets were read, and the file's format.
fn file_lines(l: Locale, f: &Parsed) -> Vec<String> {
    if f.sheet_count <= 1 {
        return vec![tr!(
            l,
            "imp-format",
            format = f.format.as_str(),
            row = f.header_row
        )];
    }
    let mut lines = vec![tr!(
        l,
        "imp-format-book",
        format = f.format.as_str(),
        sheets = f.sheet_count
    )];
    for s in &f.sheets {
        lines.push(format!(
            "• {}",
            tr!(
                l,
                "imp-sheet",
                sheet = s.name.clone().unwrap_or_default(),
                row = s.header_row
            )
        ));
    }
    lines
}

/// The line counting the rows that are not data, when there are any.
fn skipped_line(l: Locale, f: &Parsed) -> Option<String> {
    let s = &f.skipped;
    if s.is_empty() {
        return None;
    }
    let mut parts = vec![];
    let mut part = |key: &str, rows: &[usize]| {
        if !rows.is_empty() {
            parts.push(tr!(l, key, count = rows.len(), rows = row_list(rows)));
        }
    };
    part("imp-skipped-headers", &s.headers);
    part("imp-skipped-notes", &s.notes);
    part("imp-skipped-totals", &s.totals);
    part("imp-skipped-comparison", &s.comparison);
    if s.blank > 0 {
        parts.push(tr!(l, "imp-skipped-blank", count = s.blank));
    }
    Some(tr!(
        l,
        "imp-skipped",
        parts = parts.join(l.t("imp-list-sep").as_str())
    ))
}

/// The preview as a title and lines of text (a table of days in a code block).
pub fn preview_text(l: Locale, shop: &str, p: &Preview, detail: Detail) -> (String, Vec<String>) {
    let f = &p.parsed;
    // What the file holds, quoted: clipped (a 9 MB cell is not echoed back), and in chat
    // escaped so that a cell cannot act as markup or a mention.
    let quote = |s: &str| -> String {
        let c = crate::app::input::clip(s, QUOTE_MAX);
        if detail == Detail::Chat {
            crate::message::escape_user_text(&c)
        } else {
            c
        }
    };
    let title = tr!(
        l,
        "imp-title",
        shop = shop,
        platform = report_name(l, &f.platform, &f.platform_name)
    );
    let mut lines = vec![if f.recognised {
        tr!(l, "imp-recognised", platform = f.platform.as_str())
    } else {
        tr!(l, "imp-given", platform = f.platform.as_str())
    }];
    lines.extend(file_lines(l, f));
    match f.range() {
        Some((from, to)) => lines.push(tr!(
            l,
            "imp-range",
            from = from.to_string(),
            to = to.to_string(),
            count = f.day_count()
        )),
        None => lines.push(l.t("imp-err-no-days")),
    }
    if f.kind == Kind::Products && !f.products.is_empty() {
        lines.push(tr!(
            l,
            "imp-products",
            products = f.product_count(),
            days = f.products.len(),
            rows = f.product_rows()
        ));
    }
    if let Some(c) = f.currencies.first() {
        lines.push(tr!(l, "imp-currency", currency = c.as_str()));
    }
    if let Some(d) = &f.dates {
        lines.push(tr!(
            l,
            if d.order == DateOrder::Dmy {
                "imp-dates-dmy"
            } else {
                "imp-dates-mdy"
            },
            row = d.by.row,
            value = quote(&d.by.value)
        ));
    }
    lines.extend(skipped_line(l, f));
    lines.push(l.t("imp-columns"));
    let grouped = |u: &Use| matches!(u, Use::Ignored | Use::Comparison);
    for (h, u) in f.columns.iter().filter(|(_, u)| !grouped(u)) {
        lines.push(format!("• {} → {}", quote(h), use_text(l, u)));
    }
    for kind in [Use::Comparison, Use::Ignored] {
        let headers: Vec<String> = f
            .columns
            .iter()
            .filter(|(_, u)| *u == kind)
            .map(|(h, _)| quote(h))
            .collect();
        if !headers.is_empty() {
            lines.push(format!("• {} → {}", headers.join(", "), use_text(l, &kind)));
        }
    }
    if !f.problems.is_empty() {
        lines.push(tr!(l, "imp-problems-title", count = f.problems.len()));
        for pr in f.problems.iter().take(LIST_MAX) {
            let why = l.t(&format!("imp-why-{}", pr.why.key()));
            let line = match &pr.sheet {
                Some(sheet) => tr!(
                    l,
                    "imp-problem-sheet",
                    sheet = quote(sheet),
                    row = pr.row,
                    column = quote(&pr.column),
                    value = quote(&pr.value),
                    why = why
                ),
                None => tr!(
                    l,
                    "imp-problem",
                    row = pr.row,
                    column = quote(&pr.column),
                    value = quote(&pr.value),
                    why = why
                ),
            };
            lines.push(format!("• {line}"));
        }
        if f.problems.len() > LIST_MAX {
            lines.push(tr!(l, "imp-more", count = f.problems.len() - LIST_MAX));
        }
    }
    if !f.warnings.is_empty() {
        lines.push(l.t("imp-warn-title"));
        for w in f.warnings.iter().take(LIST_MAX) {
            lines.push(format!("• {}", warning_text(l, w)));
        }
        if f.warnings.len() > LIST_MAX {
            lines.push(tr!(l, "imp-more", count = f.warnings.len() - LIST_MAX));
        }
    }
    if !p.clashes.is_empty() {
        lines.push(l.t("imp-clash-title"));
        for (date, c) in p.clashes.iter().take(LIST_MAX) {
            let field = l.t(&format!("data-field-{}", c.field));
            let stored = crate::app::cmd::data::value_text(l, &c.field, c.stored);
            let imported = crate::app::cmd::data::value_text(l, &c.field, c.imported);
            let other = crate::app::cmd::data::source_text(l, &c.other);
            let key = if c.kept {
                "imp-clash-kept"
            } else {
                "imp-clash-replaces"
            };
            let line = tr!(
                l,
                key,
                date = date.to_string(),
                field = field,
                stored = stored,
                source = other,
                imported = imported
            );
            lines.push(format!("• {line}"));
        }
        if p.clashes.len() > LIST_MAX {
            lines.push(tr!(l, "imp-more", count = p.clashes.len() - LIST_MAX));
        }
    }
    let listed = p.status.len() + p.products.len();
    if listed > 0 {
        lines.push(l.t("imp-days-title"));
        let mut table = vec![
            "```".to_string(),
            if p.products.is_empty() {
                days_table(l, p, detail)
            } else {
                products_table(l, p, detail)
            },
        ];
        if listed > rows_shown(detail) {
            let more = listed - rows_shown(detail);
            table.push(match detail {
                Detail::Full => tr!(l, "imp-more-all", count = more),
                _ => tr!(l, "imp-more", count = more),
            });
        }
        table.push("```".to_string());
        lines.push(table.join("\n"));
    }
    if !p.status.is_empty() {
        let n = |k: fn(&Status) -> bool| p.status.iter().filter(|(_, s)| k(s)).count();
        lines.push(tr!(
            l,
            "imp-summary",
            new = n(|s| *s == Status::New),
            changed = n(|s| matches!(s, Status::Changes(_))),
            unchanged = n(|s| *s == Status::Unchanged)
        ));
    }
    if !p.products.is_empty() {
        let n = |k: fn(&import::ProductStatus) -> usize| {
            p.products.iter().map(|(_, s)| k(s)).sum::<usize>()
        };
        lines.push(tr!(
            l,
            "imp-products-summary",
            new = n(|s| s.new),
            changed = n(|s| s.changed),
            unchanged = n(|s| s.unchanged)
        ));
    }
    (title, lines)
}
