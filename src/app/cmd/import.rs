//! `/data import`: a platform's own daily export (CSV, xlsx, xls) → a preview (platform, days,
//! column mapping, unreadable rows, warnings, a table of what changes) with Confirm/Cancel
//! buttons. A shop export fills the shop's daily figures; a product export (生意参谋 商品_全部)
//! fills the per-product figures and never the shop's. The parsed rows wait in
//! `pending_imports` (an hour) so Confirm works after a restart; Confirm writes them all in one
//! transaction. The command line's `storeops import` prints the same preview, with every
//! figure in its table, and reports progress on large files through [`Progress`].

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration, NaiveDate};
use rand::Rng;

use crate::app::{AppResult, Ctx, Invocation, OptValue, UserError};
use crate::domain::import::{
    self, DateOrder, ImportError, Kind, MAX_BYTES, Mappings, Parsed, Preview, Products, Status,
    TableError, Use, Warning, xlsx_guard::Oversize,
};
use crate::domain::metrics::{self, DayFigures, FIELDS};
use crate::domain::money::Money;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message::text_table;
use crate::message::{ButtonStyle, Reply, Severity};
use crate::store::data::{self, PendingImport};
use crate::store::{StoreError, StoreResult, products};
use crate::tr;

/// How long a preview may be confirmed.
const EXPIRY_HOURS: i64 = 1;
/// Days and problems listed in a preview (the rest are counted).
const LIST_MAX: usize = 31;

/// The shipped mappings plus any file of `config/importers/` in the working directory.
pub fn mappings() -> Mappings {
    Mappings::with_dir(Path::new("config/importers")).unwrap_or_else(|e| {
        tracing::warn!("importer mappings: {e}; using the shipped ones");
        Mappings::defaults()
    })
}

/// `n` with its thousands grouped: 4,000,000,000.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Bytes as whole megabytes, rounded up.
fn megabytes(n: u64) -> String {
    grouped(n.div_ceil(1024 * 1024))
}

/// The message for a workbook beyond what an export holds.
fn oversized(o: Oversize) -> UserError {
    match o {
        Oversize::Unpacked(n) => UserError::new("imp-err-xlsx-unpacked").arg("mb", megabytes(n)),
        Oversize::Strings(n) => UserError::new("imp-err-xlsx-strings").arg("count", grouped(n)),
        Oversize::Text(n) => UserError::new("imp-err-xlsx-text").arg("mb", megabytes(n)),
        Oversize::Records(n) => UserError::new("imp-err-xlsx-records").arg("mb", megabytes(n)),
        Oversize::Cells(n) => UserError::new("imp-err-xlsx-cells").arg("count", grouped(n)),
    }
}

/// The message for a file that does not read at all.
fn table_error(t: TableError) -> UserError {
    match t {
        TableError::Spreadsheet(reason) => {
            UserError::new("imp-err-unreadable").arg("reason", reason)
        }
        TableError::Oversized(o) => oversized(o),
        TableError::NoSheet => UserError::new("imp-err-no-sheet"),
        TableError::Empty => UserError::new("imp-err-empty"),
        TableError::Encrypted => UserError::new("imp-err-encrypted"),
        TableError::WebPage => UserError::new("imp-err-web-page"),
        TableError::NotATable { extension } => UserError::new("imp-err-not-a-table")
            .arg("name", extension.unwrap_or_else(|| "none".into())),
    }
}

/// Reads a file (named `name` when known) into a parsed import, errors in the user's
/// language; `progress(rows read, rows)` as it goes.
pub fn parse_file(
    bytes: &[u8],
    name: Option<&str>,
    mappings: &Mappings,
    platform: Option<&str>,
    order: DateOrder,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Parsed, UserError> {
    import::parse_with(bytes, name, mappings, platform, order, progress).map_err(|e| {
        let choices = mappings.keys().join(", ");
        match e {
            ImportError::Table(t) => table_error(t),
            ImportError::NoHeader => UserError::new("imp-err-no-header").arg("choices", choices),
            ImportError::UnknownPlatform(p) => UserError::new("imp-err-platform")
                .arg("value", p)
                .arg("choices", choices),
            ImportError::NotThisPlatform(p) => {
                UserError::new("imp-err-not-platform").arg("platform", p)
            }
            ImportError::ProductExport(p) => {
                UserError::new("imp-err-product-export").arg("platform", p)
            }
            other => not_importable(other),
        }
    })
}

/// The message for a file that is not a daily export, or whose dates or currencies disagree.
fn not_importable(e: ImportError) -> UserError {
    match e {
        ImportError::NotDaily {
            platform,
            report,
            hint,
        } => match hint.as_deref() {
            Some("amazon-by-asin") => {
                UserError::new("imp-hint-amazon-by-asin").arg("report", report)
            }
            Some("sycm-selection") => {
                UserError::new("imp-hint-sycm-selection").arg("report", report)
            }
            _ => UserError::new("imp-err-not-daily")
                .arg("report", report)
                .arg("platform", platform),
        },
        ImportError::Grouped { column, rows } => UserError::new("imp-err-grouped")
            .arg("column", column)
            .arg("first", rows.0.to_string())
            .arg("second", rows.1.to_string()),
        ImportError::MixedDates {
            day_first,
            month_first,
        } => UserError::new("imp-err-mixed-dates")
            .arg("day_first", day_first.value)
            .arg("day_first_row", day_first.row.to_string())
            .arg("month_first", month_first.value)
            .arg("month_first_row", month_first.row.to_string()),
        ImportError::MixedCurrencies(a, b) => UserError::new("imp-err-mixed-currencies")
            .arg("first", a)
            .arg("second", b),
        other => UserError::new("imp-err-unreadable").arg("reason", other.to_string()),
    }
}

/// Refuses a file whose amounts are in another currency than the shop's, naming both, before
/// anything is written.
pub fn check_currency(parsed: &Parsed, shop: &str, currency: &str) -> Result<(), UserError> {
    match parsed.currency_conflict(currency) {
        Some(file) => Err(UserError::new("imp-err-currency")
            .arg("file", file.to_string())
            .arg("shop", shop.to_string())
            .arg("currency", currency.to_string())),
        None => Ok(()),
    }
}

/// Compares a parsed file with the shop's stored days (or, for a product export, its stored
/// product days).
pub async fn build_preview(
    conn: &mut sqlx::SqliteConnection,
    shop_id: i64,
    parsed: Parsed,
) -> StoreResult<Preview> {
    let mut stored = BTreeMap::new();
    let mut stored_products = Products::new();
    if let Some((from, to)) = parsed.range() {
        match parsed.kind {
            Kind::Shop => {
                for (d, f) in data::range(conn, shop_id, from, to).await? {
                    stored.insert(d, f);
                }
            }
            Kind::Products => stored_products = products::range(conn, shop_id, from, to).await?,
        }
    }
    Ok(import::preview(parsed, &stored, &stored_products))
}

fn use_text(l: Locale, u: &Use) -> String {
    match u {
        Use::Date => l.t("imp-col-date"),
        Use::ProductId => l.t("imp-col-product-id"),
        Use::ProductName => l.t("imp-col-product-name"),
        Use::Field(f) => f.clone(),
        Use::AdSpendPart => l.t("imp-col-ad-part"),
        Use::Check(f) => tr!(l, "imp-col-check", field = f.as_str()),
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
            column = column.as_str(),
            value = value.as_str()
        ),
        Warning::OtherSheet { sheet, platform } => tr!(
            l,
            "imp-warn-other-sheet",
            sheet = sheet.as_str(),
            platform = platform.as_str()
        ),
        Warning::SheetNotRead(sheet) => tr!(l, "imp-warn-sheet-not-read", sheet = sheet.as_str()),
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
        Status::Changes(f) => tr!(l, "imp-status-changes", fields = f.join(", ")),
        Status::Unchanged => l.t("imp-status-unchanged"),
    }
}

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
fn cell(field: &str, v: Option<i64>) -> String {
    match v {
        Some(c) if metrics::is_money(field) => Money(c).to_string(),
        v => super::data::count(v),
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
    header.extend(shown.iter().map(|k| k.to_string()));
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
            row.extend(shown.iter().map(|k| cell(k, day.get(k))));
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
        (!vals.is_empty()).then(|| vals.iter().sum())
    };
    let header = vec![
        l.t("imp-table-date"),
        l.t("imp-table-products"),
        l.t("imp-table-new"),
        l.t("imp-table-changed"),
        l.t("imp-table-unchanged"),
        "units".to_string(),
        "paid-amount".to_string(),
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
                cell("units", sum(d, "units")),
                cell("paid-amount", sum(d, "paid-amount")),
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
    let title = tr!(
        l,
        "imp-title",
        shop = shop,
        platform = f.platform_name.as_str()
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
            value = d.by.value.as_str()
        ));
    }
    lines.extend(skipped_line(l, f));
    lines.push(l.t("imp-columns"));
    let grouped = |u: &Use| matches!(u, Use::Ignored | Use::Comparison);
    for (h, u) in f.columns.iter().filter(|(_, u)| !grouped(u)) {
        lines.push(format!("• {h} → {}", use_text(l, u)));
    }
    for kind in [Use::Comparison, Use::Ignored] {
        let headers: Vec<&str> = f
            .columns
            .iter()
            .filter(|(_, u)| *u == kind)
            .map(|(h, _)| h.as_str())
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
                    sheet = sheet.as_str(),
                    row = pr.row,
                    column = pr.column.as_str(),
                    value = pr.value.as_str(),
                    why = why
                ),
                None => tr!(
                    l,
                    "imp-problem",
                    row = pr.row,
                    column = pr.column.as_str(),
                    value = pr.value.as_str(),
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

fn may_import(ctx: &Ctx<'_>) -> bool {
    let p = ctx.origin.actor.positions_in(&ctx.guild);
    ctx.origin.actor.is_manager(&ctx.guild)
        || p.contains(&Position::Operations)
        || p.contains(&Position::Marketing)
}

/// Downloads an attachment: `file://` reads a local file (the shell), http(s) downloads it;
/// at most [`MAX_BYTES`].
pub async fn fetch(url: &str) -> Result<Vec<u8>, UserError> {
    let too_large = |n: u64| UserError::new("imp-err-too-large").arg("size", n.to_string());
    let failed = |e: String| UserError::new("imp-err-download").arg("reason", e);
    if let Some(path) = url.strip_prefix("file://") {
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| failed(e.to_string()))?;
        if meta.len() > MAX_BYTES {
            return Err(too_large(meta.len()));
        }
        return tokio::fs::read(path)
            .await
            .map_err(|e| failed(e.to_string()));
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(failed(url.to_string()));
    }
    let mut resp = reqwest::Client::new()
        .get(url)
        .timeout(std::time::Duration::from_secs(60))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| failed(e.to_string()))?;
    if let Some(n) = resp.content_length().filter(|n| *n > MAX_BYTES) {
        return Err(too_large(n));
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| failed(e.to_string()))? {
        out.extend_from_slice(&chunk);
        if out.len() as u64 > MAX_BYTES {
            return Err(too_large(out.len() as u64));
        }
    }
    Ok(out)
}

/// `/data import file: shop: [platform:] [date-order:]`.
pub async fn run(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    if !may_import(ctx) {
        return Err(UserError::new("imp-err-not-allowed").into());
    }
    let Some(OptValue::Attachment {
        url,
        size,
        filename,
    }) = inv.options.get("file")
    else {
        return Err(UserError::new("imp-err-download")
            .arg("reason", "file:")
            .into());
    };
    if *size > MAX_BYTES {
        return Err(UserError::new("imp-err-too-large")
            .arg("size", size.to_string())
            .into());
    }
    let shop = super::data::find_shop(ctx, inv.str("shop")).await?;
    let order = match inv.str("date-order") {
        Some("dmy") => DateOrder::Dmy,
        Some("mdy") => DateOrder::Mdy,
        _ => DateOrder::Auto,
    };
    let bytes = fetch(url).await?;
    let maps = mappings();
    let parsed = parse_file(
        &bytes,
        Some(filename.as_str()),
        &maps,
        inv.str("platform"),
        order,
        &mut |_, _| {},
    )?;
    check_currency(&parsed, &shop.name, &shop.currency)?;
    let mut conn = ctx.conn().await?;
    let preview = build_preview(&mut conn, shop.id, parsed).await?;
    let (title, lines) = preview_text(l, &shop.name, &preview, Detail::Chat);
    let mut r = Reply::titled(title);
    r.lines = lines;
    if !preview.can_apply() {
        r.lines.push(l.t(if preview.parsed.problems.is_empty() {
            "imp-err-no-days"
        } else {
            "imp-err-problems"
        }));
        return Ok(r.severity(Severity::Danger).ephemeral());
    }
    if preview.writes() == 0 {
        r.lines.push(l.t("imp-nothing-to-do"));
        return Ok(r.severity(Severity::Success).ephemeral());
    }
    let token: String = {
        let mut rng = rand::thread_rng();
        (0..12)
            .map(|_| char::from_digit(rng.gen_range(0..36), 36).unwrap_or('0'))
            .collect()
    };
    let (kind, days) = match preview.parsed.kind {
        Kind::Shop => ("shop", serde_json::to_string(&preview.parsed.days)),
        Kind::Products => ("products", serde_json::to_string(&preview.parsed.products)),
    };
    let days = days.map_err(|e| StoreError::Corrupt(e.to_string()))?;
    data::put_pending_import(
        &mut conn,
        &PendingImport {
            token: token.clone(),
            guild_id: ctx.guild.guild_id,
            shop_id: shop.id,
            user_id: ctx.origin.actor.user_id,
            platform: preview.parsed.platform.clone(),
            kind: kind.to_string(),
            days,
            created_at: ctx.now,
        },
        ctx.now - Duration::hours(EXPIRY_HOURS),
    )
    .await?;
    r.lines.push(l.t("imp-expires"));
    let severity = if preview.parsed.warnings.is_empty() {
        Severity::Info
    } else {
        Severity::Warning
    };
    Ok(r.severity(severity)
        .ephemeral()
        .button(
            ImportButton::Confirm(token.clone()).to_string(),
            l.t("imp-confirm"),
            ButtonStyle::Success,
        )
        .button(
            ImportButton::Cancel(token).to_string(),
            l.t("imp-cancel"),
            ButtonStyle::Secondary,
        ))
}

/// Confirm or Cancel under a preview; the id carries the preview's token, so the buttons work
/// after a restart (within the hour a preview is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportButton {
    Confirm(String),
    Cancel(String),
}

impl std::fmt::Display for ImportButton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportButton::Confirm(t) => write!(f, "imp:confirm:{t}"),
            ImportButton::Cancel(t) => write!(f, "imp:cancel:{t}"),
        }
    }
}

impl ImportButton {
    /// Reads an id written by [`ImportButton`]'s `Display`.
    pub fn parse(id: &str) -> Option<ImportButton> {
        let parts: Vec<&str> = id.split(':').collect();
        match parts.as_slice() {
            ["imp", "confirm", t] if !t.is_empty() => Some(ImportButton::Confirm(t.to_string())),
            ["imp", "cancel", t] if !t.is_empty() => Some(ImportButton::Cancel(t.to_string())),
            _ => None,
        }
    }
}

/// Confirm / Cancel of a preview.
pub async fn press(ctx: &Ctx<'_>, button: ImportButton) -> AppResult<Reply> {
    if !may_import(ctx) {
        return Err(UserError::new("imp-err-not-allowed").into());
    }
    // Taking the preview and writing its days are one transaction: if the write fails, the
    // preview is still there to confirm again, and a second click cannot write it twice.
    let mut r = ctx
        .write(async |conn| apply_pending(ctx, conn, &button).await)
        .await?;
    r.update_message = true;
    Ok(r)
}

/// Takes the preview of `button` and, for Confirm, writes what it holds.
async fn apply_pending(
    ctx: &Ctx<'_>,
    conn: &mut sqlx::SqliteConnection,
    button: &ImportButton,
) -> AppResult<Reply> {
    let l = ctx.locale;
    let (confirm, token) = match button {
        ImportButton::Confirm(t) => (true, t),
        ImportButton::Cancel(t) => (false, t),
    };
    let pending = data::take_pending_import(conn, ctx.guild.guild_id, token)
        .await?
        .filter(|p| ctx.now - p.created_at <= Duration::hours(EXPIRY_HOURS))
        .ok_or_else(|| UserError::new("imp-err-expired"))?;
    Ok(if !confirm {
        Reply::titled(l.t("imp-cancelled"))
    } else {
        let shop = data::shops(conn, ctx.guild.guild_id)
            .await?
            .into_iter()
            .find(|s| s.id == pending.shop_id)
            .map(|s| s.name)
            .unwrap_or_default();
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("pending import: {e}"));
        let by = ctx.origin.actor.user_id;
        let done = if pending.kind == "products" {
            let rows: Products = serde_json::from_str(&pending.days).map_err(corrupt)?;
            let changed =
                products::import(conn, pending.shop_id, &rows, by, ctx.now, &|_| {}).await?;
            products_done(l, &rows, &shop, changed)
        } else {
            let days: BTreeMap<NaiveDate, DayFigures> =
                serde_json::from_str(&pending.days).map_err(corrupt)?;
            let changed = data::import_days(conn, pending.shop_id, &days, by, ctx.now).await?;
            tr!(
                l,
                "imp-done",
                count = days.len(),
                shop = shop,
                changed = changed
            )
        };
        Reply::titled(done).severity(Severity::Success)
    })
}

/// "Imported 12 product rows (4 products × 3 days) into Tmall: 12 changed."
fn products_done(l: Locale, rows: &Products, shop: &str, changed: usize) -> String {
    let mut ids: Vec<&String> = rows.values().flat_map(|d| d.keys()).collect();
    ids.sort();
    ids.dedup();
    tr!(
        l,
        "imp-done-products",
        rows = rows.values().map(BTreeMap::len).sum::<usize>(),
        products = ids.len(),
        days = rows.len(),
        shop = shop,
        changed = changed
    )
}

/// A stretch of work of `storeops import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Opening the file (a spreadsheet is decoded as a whole: no count).
    Open,
    /// Reading its rows.
    Rows,
    /// Comparing them with what is stored.
    Compare,
    /// Writing them to the database.
    Write,
}

impl Step {
    /// Catalog key of its label.
    pub fn key(self) -> &'static str {
        match self {
            Step::Open => "imp-progress-open",
            Step::Rows => "imp-progress-rows",
            Step::Compare => "imp-progress-compare",
            Step::Write => "imp-progress-write",
        }
    }
}

/// Where `storeops import` reports how far it got: a progress bar on a terminal, nothing when
/// the output goes to a file or a test.
pub trait Progress: Sync {
    /// A step begins with `total` units of work (0: unknown).
    fn start(&self, step: Step, total: u64);
    /// `done` units of the current step are done.
    fn set(&self, done: u64);
    /// All done: clear the bar.
    fn finish(&self);
}

/// No progress shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: Step, _: u64) {}
    fn set(&self, _: u64) {}
    fn finish(&self) {}
}

/// What `storeops import` was asked.
#[derive(Debug, Clone)]
pub struct CliImport {
    pub file: std::path::PathBuf,
    pub shop: String,
    /// Guild of the shop, when the name is in several.
    pub guild: Option<u64>,
    /// Platform key, else recognised.
    pub platform: Option<String>,
    /// Print the preview only.
    pub dry_run: bool,
    /// How `11/22/26` reads (auto: decided from the file).
    pub order: DateOrder,
    /// Every day in the table (otherwise the first 31 and a count of the rest).
    pub all: bool,
}

/// Why `storeops import` imported nothing: the preview (for stdout, when the file was read)
/// and the reason (for stderr).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliFailure {
    /// The preview, when the file was read; empty otherwise.
    pub preview: String,
    /// Why nothing was imported.
    pub reason: String,
}

impl From<String> for CliFailure {
    fn from(reason: String) -> Self {
        CliFailure {
            preview: String::new(),
            reason,
        }
    }
}

impl std::fmt::Display for CliFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// `storeops import`: the preview as text (its table with every figure of the file; every
/// day with `all`), then (unless a dry run, and only when every row reads) the rows written
/// in one transaction. Err holds the preview and, apart, the reason to print. Messages are in
/// `l`; progress goes to `progress`.
pub async fn run_cli(
    app: &crate::app::App,
    args: &CliImport,
    l: Locale,
    now: chrono::DateTime<chrono::Utc>,
    progress: &dyn Progress,
) -> Result<String, CliFailure> {
    let out = cli_steps(app, args, l, now, progress).await;
    progress.finish();
    out
}

async fn cli_steps(
    app: &crate::app::App,
    args: &CliImport,
    l: Locale,
    now: chrono::DateTime<chrono::Utc>,
    progress: &dyn Progress,
) -> Result<String, CliFailure> {
    let path = args.file.display().to_string();
    let unreadable = |e: std::io::Error| {
        tr!(
            l,
            "imp-err-file",
            path = path.as_str(),
            reason = e.to_string()
        )
    };
    let meta = std::fs::metadata(&args.file).map_err(unreadable)?;
    if meta.len() > MAX_BYTES {
        return Err(tr!(l, "imp-err-too-large", size = meta.len().to_string()).into());
    }
    let failed = |e: StoreError| {
        tracing::error!(error = %e, "storeops import");
        l.t("imp-err-store")
    };
    let mut conn = app
        .store
        .pool
        .acquire()
        .await
        .map_err(|e| failed(e.into()))?;
    let shops: Vec<_> = data::shops_named(&mut conn, &args.shop)
        .await
        .map_err(failed)?;
    let guilds: Vec<String> = shops.iter().map(|(g, _)| g.to_string()).collect();
    let shops: Vec<_> = shops
        .into_iter()
        .filter(|(g, _)| args.guild.is_none_or(|want| want == *g))
        .collect();
    let shop = match shops.as_slice() {
        [(_, s)] => s.clone(),
        [] => return Err(tr!(l, "imp-err-cli-no-shop", shop = args.shop.as_str()).into()),
        _ => {
            return Err(tr!(
                l,
                "imp-err-cli-guilds",
                shop = args.shop.as_str(),
                guilds = guilds.join(", ")
            )
            .into());
        }
    };
    progress.start(Step::Open, 0);
    let bytes = std::fs::read(&args.file).map_err(unreadable)?;
    let maps = mappings();
    let name = args.file.file_name().and_then(|n| n.to_str());
    let mut rows_started = false;
    let parsed = parse_file(
        &bytes,
        name,
        &maps,
        args.platform.as_deref(),
        args.order,
        &mut |done, total| {
            if !rows_started {
                rows_started = true;
                progress.start(Step::Rows, total as u64);
            }
            progress.set(done as u64);
        },
    )
    .map_err(|e| e.render(l))?;
    check_currency(&parsed, &shop.name, &shop.currency).map_err(|e| e.render(l))?;
    progress.start(Step::Compare, 0);
    let preview = build_preview(&mut conn, shop.id, parsed)
        .await
        .map_err(failed)?;
    let detail = if args.all {
        Detail::Every
    } else {
        Detail::Full
    };
    let (title, lines) = preview_text(l, &shop.name, &preview, detail);
    let mut out = format!(
        "{title}\n{}\n",
        lines.join("\n").replace("```\n", "").replace("\n```", "")
    );
    if !preview.can_apply() {
        let key = if preview.parsed.problems.is_empty() {
            "imp-err-no-days"
        } else {
            "imp-err-problems"
        };
        return Err(CliFailure {
            preview: out,
            reason: l.t(key),
        });
    }
    if args.dry_run {
        out.push_str(&l.t("imp-dry-run"));
        return Ok(out);
    }
    let parsed = &preview.parsed;
    let report = |n: usize| progress.set(n as u64);
    let done = match parsed.kind {
        Kind::Shop => {
            progress.start(Step::Write, parsed.days.len() as u64);
            let changed = data::import_days_with(&mut conn, shop.id, &parsed.days, 0, now, &report)
                .await
                .map_err(failed)?;
            tr!(
                l,
                "imp-done",
                count = parsed.days.len(),
                shop = shop.name.as_str(),
                changed = changed
            )
        }
        Kind::Products => {
            progress.start(Step::Write, parsed.product_rows() as u64);
            let changed = products::import(&mut conn, shop.id, &parsed.products, 0, now, &report)
                .await
                .map_err(failed)?;
            products_done(l, &parsed.products, &shop.name, changed)
        }
    };
    out.push_str(&done);
    Ok(out)
}
