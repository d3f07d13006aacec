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
use crate::domain::source;
use crate::i18n::Locale;
use crate::message::text_table;
use crate::message::{ButtonStyle, Reply, Severity};
use crate::store::data::{self, PendingImport};
use crate::store::{StoreError, StoreResult, products};
use crate::tr;

mod cli;
mod text;
pub use cli::*;
pub use text::*;

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

/// What went wrong reading a file for import ([`import::parse_with`]), in the user's
/// language; `mappings` are the platforms it was read against.
pub fn user_error(e: ImportError, mappings: &Mappings) -> UserError {
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
    let mut sources = BTreeMap::new();
    let mut stored_products = Products::new();
    if let Some((from, to)) = parsed.range() {
        match parsed.kind {
            Kind::Shop => {
                for (d, f) in data::range(conn, shop_id, from, to).await? {
                    stored.insert(d, f);
                }
                sources = data::sources_between(conn, shop_id, from, to).await?;
            }
            Kind::Products => stored_products = products::range(conn, shop_id, from, to).await?,
        }
    }
    Ok(import::preview_sourced(
        parsed,
        &stored,
        &sources,
        &stored_products,
    ))
}

fn may_import(ctx: &Ctx<'_>) -> bool {
    crate::app::access::has(ctx, crate::app::access::Rule::DataTeam)
}

/// Why a local file was not read.
#[derive(Debug)]
pub enum FileError {
    /// Not a regular file (after following links): `directory`, `fifo`, `device`, `socket`.
    NotAFile(&'static str),
    /// Larger than the cap: its size, or the bytes read before the cap was passed.
    TooLarge(u64),
    /// The file system's own error (missing, not allowed).
    Io(std::io::Error),
}

/// What kind of thing a path is, for the error.
pub(super) fn kind_of(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "fifo";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_dir() { "directory" } else { "other" }
}

/// Reads a local file that must be a regular file (a link is followed to one; a directory, a
/// FIFO, a device such as `/dev/zero` or a socket is refused before it is opened, so nothing
/// blocks or reads without end), at most `max` bytes: the size is checked before reading, and
/// the read itself stops at `max + 1` bytes in case the file grew in between.
pub fn read_regular_file(path: &std::path::Path, max: u64) -> Result<Vec<u8>, FileError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(FileError::Io)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile(kind_of(meta.file_type())));
    }
    if meta.len() > max {
        return Err(FileError::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(FileError::Io)?;
    // The same check on what was opened: the path may have been swapped since.
    let meta = file.metadata().map_err(FileError::Io)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile(kind_of(meta.file_type())));
    }
    let mut out = Vec::with_capacity(meta.len().min(max) as usize);
    file.take(max + 1)
        .read_to_end(&mut out)
        .map_err(FileError::Io)?;
    if out.len() as u64 > max {
        return Err(FileError::TooLarge(out.len() as u64));
    }
    Ok(out)
}

/// Downloads an attachment: `file://` reads a local file (the shell), http(s) downloads it;
/// at most [`MAX_BYTES`].
pub async fn fetch(url: &str) -> Result<Vec<u8>, UserError> {
    let too_large = |n: u64| UserError::new("imp-err-too-large").arg("size", n.to_string());
    let failed = |e: String| UserError::new("imp-err-download").arg("reason", e);
    if let Some(path) = url.strip_prefix("file://") {
        let path = std::path::PathBuf::from(path);
        return tokio::task::spawn_blocking(move || read_regular_file(&path, MAX_BYTES))
            .await
            .map_err(|e| failed(e.to_string()))?
            .map_err(|e| match e {
                FileError::TooLarge(n) => too_large(n),
                FileError::NotAFile(kind) => UserError::new("imp-err-not-a-file")
                    .arg("path", url.trim_start_matches("file://"))
                    .arg("kind", kind),
                FileError::Io(e) => failed(e.to_string()),
            });
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
    let parsed = import::parse_with(
        &bytes,
        Some(filename.as_str()),
        &maps,
        inv.str("platform"),
        order,
        &mut |_, _| {},
    )
    .map_err(|e| user_error(e, &maps))?;
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
            let role = mappings()
                .get(&pending.platform)
                .map(|m| m.role)
                .unwrap_or_default();
            let source = source::of_import(role, &pending.platform);
            let changed =
                data::import_days(conn, pending.shop_id, &days, &source, by, ctx.now).await?;
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
