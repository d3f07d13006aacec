//! `storeops import` on the command line: the same preview and confirm, with progress.

use super::*;

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
    let out = async {
        let path = args.file.display().to_string();
        let unreadable = |e: std::io::Error| {
            tr!(
                l,
                "imp-err-file",
                path = path.as_str(),
                reason = e.to_string()
            )
        };
        let refused = |e: FileError| -> CliFailure {
            match e {
                FileError::TooLarge(n) => tr!(l, "imp-err-too-large", size = n.to_string()).into(),
                FileError::NotAFile(kind) => {
                    tr!(l, "imp-err-not-a-file", path = path.as_str(), kind = kind).into()
                }
                FileError::Io(e) => unreadable(e).into(),
            }
        };
        // A path that is not a regular file is refused before anything else (a FIFO would
        // block, `/dev/zero` never end); the size is checked before reading.
        let meta = std::fs::metadata(&args.file).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(refused(FileError::NotAFile(super::kind_of(
                meta.file_type(),
            ))));
        }
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
        let bytes = read_regular_file(&args.file, MAX_BYTES).map_err(refused)?;
        let maps = mappings();
        let name = args.file.file_name().and_then(|n| n.to_str());
        let mut rows_started = false;
        let parsed = import::parse_with(
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
        .map_err(|e| user_error(e, &maps).render(l))?;
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
                let changed = data::import_days_with(
                    &mut conn,
                    shop.id,
                    &parsed.days,
                    &parsed.source(),
                    0,
                    now,
                    &report,
                )
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
                let changed =
                    products::import(&mut conn, shop.id, &parsed.products, 0, now, &report)
                        .await
                        .map_err(failed)?;
                products_done(l, &parsed.products, &shop.name, changed)
            }
        };
        out.push_str(&done);
        Ok(out)
    }
    .await;
    progress.finish();
    out
}
