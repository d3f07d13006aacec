//! `/data import`: a platform's own daily export (CSV, xlsx, xls) → a preview (platform, days,
//! column mapping, unreadable rows, warnings, what changes) with Confirm/Cancel buttons. The
//! parsed days wait in `pending_imports` (an hour) so Confirm works after a restart; Confirm
//! writes every day in one transaction. The command line's `storeops import` uses the same
//! preview text.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration, NaiveDate};
use rand::Rng;

use crate::app::reply::{ButtonStyle, Reply, Severity};
use crate::app::{AppResult, Ctx, Invocation, OptValue, UserError};
use crate::domain::import::{
    self, DateOrder, ImportError, MAX_BYTES, Mappings, Parsed, Preview, Status, Use, Warning,
};
use crate::domain::metrics::DayFigures;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::store::data::{self, PendingImport};
use crate::store::{StoreError, StoreResult};
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

/// Reads a file into a parsed import, errors in the user's language.
pub fn parse_file(
    bytes: &[u8],
    mappings: &Mappings,
    platform: Option<&str>,
    order: DateOrder,
) -> Result<Parsed, UserError> {
    import::parse(bytes, mappings, platform, order).map_err(|e| {
        let choices = mappings.keys().join(", ");
        match e {
            ImportError::Table(t) => {
                UserError::new("imp-err-unreadable").arg("reason", t.to_string())
            }
            ImportError::NoHeader => UserError::new("imp-err-no-header").arg("choices", choices),
            ImportError::UnknownPlatform(p) => UserError::new("imp-err-platform")
                .arg("value", p)
                .arg("choices", choices),
            ImportError::NotThisPlatform(p) => {
                UserError::new("imp-err-not-platform").arg("platform", p)
            }
        }
    })
}

/// Compares a parsed file with the shop's stored days.
pub async fn build_preview(
    conn: &mut sqlx::SqliteConnection,
    shop_id: i64,
    parsed: Parsed,
) -> StoreResult<Preview> {
    let mut stored = BTreeMap::new();
    if let Some((from, to)) = parsed.range() {
        for (d, f) in data::range(conn, shop_id, from, to).await? {
            stored.insert(d, f);
        }
    }
    Ok(import::preview(parsed, &stored))
}

fn use_text(l: Locale, u: &Use) -> String {
    match u {
        Use::Date => l.t("imp-col-date"),
        Use::Field(f) => f.clone(),
        Use::AdSpendPart => l.t("imp-col-ad-part"),
        Use::Check(f) => tr!(l, "imp-col-check", field = f.as_str()),
        Use::Ignored => l.t("imp-col-ignored"),
    }
}

fn warning_text(l: Locale, w: &Warning) -> String {
    match w {
        Warning::DatesReadAs(DateOrder::Mdy) => l.t("imp-warn-dates-mdy"),
        Warning::DatesReadAs(DateOrder::Dmy) => l.t("imp-warn-dates-dmy"),
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
        Warning::SkippedRow { row, value } => {
            tr!(l, "imp-warn-skipped", row = *row, value = value.as_str())
        }
        Warning::UnknownColumns(c) => tr!(l, "imp-warn-unknown", columns = c.join(", ")),
    }
}

fn status_text(l: Locale, s: &Status) -> String {
    match s {
        Status::New => l.t("imp-status-new"),
        Status::Changes(f) => tr!(l, "imp-status-changes", fields = f.join(", ")),
        Status::Unchanged => l.t("imp-status-unchanged"),
    }
}

/// The preview as a title and lines of text (a table of days in a code block).
pub fn preview_text(l: Locale, shop: &str, p: &Preview) -> (String, Vec<String>) {
    let f = &p.parsed;
    let title = tr!(
        l,
        "imp-title",
        shop = shop,
        platform = f.platform_name.as_str()
    );
    let mut lines = vec![
        if f.recognised {
            tr!(l, "imp-recognised", platform = f.platform.as_str())
        } else {
            tr!(l, "imp-given", platform = f.platform.as_str())
        },
        tr!(
            l,
            "imp-format",
            format = f.format.as_str(),
            row = f.header_row
        ),
    ];
    match f.range() {
        Some((from, to)) => lines.push(tr!(
            l,
            "imp-range",
            from = from.to_string(),
            to = to.to_string(),
            count = f.days.len()
        )),
        None => lines.push(l.t("imp-err-no-days")),
    }
    lines.push(l.t("imp-columns"));
    for (h, u) in &f.columns {
        lines.push(format!("• {h} → {}", use_text(l, u)));
    }
    if !f.problems.is_empty() {
        lines.push(tr!(l, "imp-problems-title", count = f.problems.len()));
        for pr in f.problems.iter().take(LIST_MAX) {
            lines.push(format!(
                "• {}",
                tr!(
                    l,
                    "imp-problem",
                    row = pr.row,
                    column = pr.column.as_str(),
                    value = pr.value.as_str(),
                    why = l.t(&format!("imp-why-{}", pr.why.key()))
                )
            ));
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
    if !p.status.is_empty() {
        lines.push(l.t("imp-days-title"));
        let mut table = vec![
            "```".to_string(),
            format!("{:<10}  {}", l.t("imp-table-date"), l.t("imp-table-status")),
        ];
        for (d, s) in p.status.iter().take(LIST_MAX) {
            table.push(format!("{d}  {}", status_text(l, s)));
        }
        if p.status.len() > LIST_MAX {
            table.push(tr!(l, "imp-more", count = p.status.len() - LIST_MAX));
        }
        table.push("```".to_string());
        lines.push(table.join("\n"));
        let n = |k: fn(&Status) -> bool| p.status.iter().filter(|(_, s)| k(s)).count();
        lines.push(tr!(
            l,
            "imp-summary",
            new = n(|s| *s == Status::New),
            changed = n(|s| matches!(s, Status::Changes(_))),
            unchanged = n(|s| *s == Status::Unchanged)
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
    let Some(OptValue::Attachment { url, size, .. }) = inv.options.get("file") else {
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
        _ => DateOrder::Mdy,
    };
    let bytes = fetch(url).await?;
    let maps = mappings();
    let parsed = parse_file(&bytes, &maps, inv.str("platform"), order)?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let preview = build_preview(&mut conn, shop.id, parsed).await?;
    let (title, lines) = preview_text(l, &shop.name, &preview);
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
    let days = serde_json::to_string(&preview.parsed.days)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    data::put_pending_import(
        &mut conn,
        &PendingImport {
            token: token.clone(),
            guild_id: ctx.guild.guild_id,
            shop_id: shop.id,
            user_id: ctx.origin.actor.user_id,
            platform: preview.parsed.platform.clone(),
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
            format!("imp:confirm:{token}"),
            l.t("imp-confirm"),
            ButtonStyle::Success,
        )
        .button(
            format!("imp:cancel:{token}"),
            l.t("imp-cancel"),
            ButtonStyle::Secondary,
        ))
}

/// Confirm / Cancel of a preview.
pub async fn press(ctx: &Ctx<'_>, rest: &[&str]) -> AppResult<Reply> {
    let l = ctx.locale;
    let (action, token) = match rest {
        [a @ ("confirm" | "cancel"), t] => (*a, *t),
        _ => return Err(UserError::new("err-unknown-button").into()),
    };
    if !may_import(ctx) {
        return Err(UserError::new("imp-err-not-allowed").into());
    }
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let pending = data::take_pending_import(&mut conn, ctx.guild.guild_id, token)
        .await?
        .filter(|p| ctx.now - p.created_at <= Duration::hours(EXPIRY_HOURS))
        .ok_or_else(|| UserError::new("imp-err-expired"))?;
    let mut r = if action == "cancel" {
        Reply::titled(l.t("imp-cancelled"))
    } else {
        let days: BTreeMap<NaiveDate, DayFigures> = serde_json::from_str(&pending.days)
            .map_err(|e| StoreError::Corrupt(format!("pending import: {e}")))?;
        let changed = data::import_days(
            &mut conn,
            pending.shop_id,
            &days,
            ctx.origin.actor.user_id,
            ctx.now,
        )
        .await?;
        let shop = data::shops(&mut conn, ctx.guild.guild_id)
            .await?
            .into_iter()
            .find(|s| s.id == pending.shop_id)
            .map(|s| s.name)
            .unwrap_or_default();
        Reply::titled(tr!(
            l,
            "imp-done",
            count = days.len(),
            shop = shop,
            changed = changed
        ))
        .severity(Severity::Success)
    };
    r.update_message = true;
    Ok(r)
}

/// What `storeops import` was asked.
#[derive(Debug, Clone)]
pub struct CliImport {
    /// The export file.
    pub file: std::path::PathBuf,
    /// Shop name.
    pub shop: String,
    /// Guild of the shop, when the name is in several.
    pub guild: Option<u64>,
    /// Platform key, else recognised.
    pub platform: Option<String>,
    /// Print the preview only.
    pub dry_run: bool,
    /// How `11/22/26` reads.
    pub order: DateOrder,
}

/// `storeops import`: the preview as text, then (unless a dry run, and only when every row
/// reads) the days written in one transaction. Err is the message to print.
pub async fn run_cli(
    store: &crate::store::Store,
    args: &CliImport,
    l: Locale,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, String> {
    let sql = |e: sqlx::Error| StoreError::from(e).to_string();
    let meta =
        std::fs::metadata(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    if meta.len() > MAX_BYTES {
        return Err(tr!(l, "imp-err-too-large", size = meta.len().to_string()));
    }
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mut conn = store.pool.acquire().await.map_err(sql)?;
    let shops: Vec<_> = data::shops_named(&mut conn, &args.shop)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|(g, _)| args.guild.is_none_or(|want| want == *g))
        .collect();
    let shop = match shops.as_slice() {
        [(_, s)] => s.clone(),
        [] => {
            return Err(format!(
                "no shop named {:?} (add it with /data shop)",
                args.shop
            ));
        }
        _ => {
            return Err(format!(
                "several guilds have a shop named {:?}; say which with --guild",
                args.shop
            ));
        }
    };
    let maps = mappings();
    let parsed =
        parse_file(&bytes, &maps, args.platform.as_deref(), args.order).map_err(|e| e.render(l))?;
    let preview = build_preview(&mut conn, shop.id, parsed)
        .await
        .map_err(|e| e.to_string())?;
    let (title, lines) = preview_text(l, &shop.name, &preview);
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
        return Err(format!("{out}{}", l.t(key)));
    }
    if args.dry_run {
        out.push_str(&l.t("imp-dry-run"));
        return Ok(out);
    }
    let changed = data::import_days(&mut conn, shop.id, &preview.parsed.days, 0, now)
        .await
        .map_err(|e| e.to_string())?;
    out.push_str(&tr!(
        l,
        "imp-done",
        count = preview.parsed.days.len(),
        shop = shop.name.as_str(),
        changed = changed
    ));
    Ok(out)
}
