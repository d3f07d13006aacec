//! Tables that leave the chat as files: CSV (UTF-8 with a byte-order mark, so Excel reads
//! Chinese right) and xlsx (typed cells, frozen header, column widths). Text a person typed is
//! never run by a spreadsheet as a formula: in CSV a cell that begins with `=`, `+`, `-`, `@`,
//! tab or carriage return gets a leading `'` (OWASP's advice; Excel and LibreOffice then show
//! it as text), in xlsx it is a text cell marked "quote prefix" (what Excel itself writes for
//! text typed with a leading `'`), its text unchanged.

use chrono::{Datelike, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (maybe typed by a person).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal number (hours, money).
    Num(f64),
    /// A local date and time.
    At(NaiveDateTime),
    /// A day.
    Date(chrono::NaiveDate),
    /// A share (0.0235 is 2.35%), shown as a percentage.
    Pct(f64),
}

impl Cell {
    /// Text, or empty for None.
    pub fn text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }
}

/// A table: a sheet of a workbook, or one CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name (at most 31 characters) and the CSV file's name part.
    pub name: String,
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<Cell>>,
}

/// Whether a spreadsheet would read `s` as a formula (or as the start of one: `-` and `+` also
/// start arithmetic, `@` a function in Lotus-style input; tab and CR hide one behind blanks).
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// `s` as a CSV cell that no spreadsheet runs.
pub fn neutralise(s: &str) -> String {
    if looks_like_formula(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The table as CSV (RFC 4180, CRLF line ends, UTF-8 with a byte-order mark).
pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let mut line = |cells: Vec<String>| {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, c);
        }
        out.push_str("\r\n");
    };
    line(t.header.iter().map(|h| neutralise(h)).collect());
    for row in &t.rows {
        line(
            row.iter()
                .map(|c| match c {
                    Cell::Empty => String::new(),
                    Cell::Text(s) => neutralise(s),
                    Cell::Int(n) => n.to_string(),
                    Cell::Num(x) => format!("{x:.2}"),
                    Cell::At(t) => t.format("%Y-%m-%d %H:%M").to_string(),
                    Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
                    Cell::Pct(x) => format!("{:.2}%", x * 100.0),
                })
                .collect(),
        );
    }
    out.into_bytes()
}

fn excel_at(t: &NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?.and_hms(
        t.hour() as u16,
        t.minute() as u8,
        t.second(),
    )
}

/// The tables as one workbook, a sheet each: typed cells, a bold frozen header, columns as
/// wide as their longest text (within limits).
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let number = Format::new().set_num_format("0.00");
    let quoted = Format::new().set_quote_prefix();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let percent = Format::new().set_num_format("0.00%");
    let mut taken: Vec<String> = Vec::new();
    for t in tables {
        let ws = book.add_worksheet();
        let name = sheet_name(&t.name, &taken);
        taken.push(name.to_lowercase());
        ws.set_name(name)?;
        let mut widths: Vec<usize> = t.header.iter().map(|h| text_width(h)).collect();
        for (c, h) in t.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                let w = match cell {
                    Cell::Empty => 0,
                    Cell::Text(s) if looks_like_formula(s) => {
                        ws.write_string_with_format(r, col, s, &quoted)?;
                        text_width(s)
                    }
                    Cell::Text(s) => {
                        ws.write_string(r, col, s)?;
                        text_width(s)
                    }
                    Cell::Int(n) => {
                        ws.write_number(r, col, *n as f64)?;
                        n.to_string().len()
                    }
                    Cell::Num(x) => {
                        ws.write_number_with_format(r, col, *x, &number)?;
                        format!("{x:.2}").len()
                    }
                    Cell::At(t) => {
                        ws.write_datetime_with_format(r, col, excel_at(t)?, &when)?;
                        16
                    }
                    Cell::Date(d) => {
                        let at = excel_at(&d.and_hms_opt(0, 0, 0).unwrap_or_default())?;
                        ws.write_datetime_with_format(r, col, at, &day)?;
                        10
                    }
                    Cell::Pct(x) => {
                        ws.write_number_with_format(r, col, *x, &percent)?;
                        format!("{:.2}%", x * 100.0).len()
                    }
                };
                if let Some(m) = widths.get_mut(c) {
                    *m = (*m).max(w);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

/// A sheet name Excel accepts, unlike those `taken` (lowercase): at most 31 characters,
/// none of `[ ] : * ? / \`, not starting or ending with `'`, not empty; a second sheet of the
/// same name gets " (2)".
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base = if clean.is_empty() { "Sheet" } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>() + &suffix;
        if !taken.contains(&name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// Columns a text needs (Chinese characters count two).
fn text_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s.lines().next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_in_csv_and_quoted_fields_kept_whole() {
        for s in ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(neutralise(s), format!("'{s}"));
        }
        for s in ["a=1", "1-2", "", " =x", "普通"] {
            assert_eq!(neutralise(s), s);
        }
        let t = Table {
            name: "t".into(),
            header: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::Text("x, \"y\"\nz".into()), Cell::Int(-3)]],
        };
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        assert_eq!(csv, "\u{feff}a,b\r\n\"x, \"\"y\"\"\nz\",-3\r\n");
    }

    #[test]
    fn sheet_names_are_ones_excel_takes_and_never_twice() {
        let taken = vec!["totals".to_string()];
        assert_eq!(sheet_name("Totals", &taken), "Totals (2)");
        assert_eq!(
            sheet_name("=HYPERLINK(\"http://x\",\"y\")", &[]),
            "=HYPERLINK(\"http___x\",\"y\")"
        );
        assert_eq!(sheet_name("'a'", &[]), "a");
        assert_eq!(sheet_name("''", &[]), "Sheet");
        let long = "天猫旗舰店".repeat(10);
        let first = sheet_name(&long, &[]);
        assert_eq!(first.chars().count(), 31);
        let second = sheet_name(&long, &[first.to_lowercase()]);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" (2)"), "{second}");
    }
}

/// What an export asks for: the local days and the file format.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    /// First day.
    pub from: chrono::NaiveDate,
    /// Last day (included).
    pub to: chrono::NaiveDate,
    /// CSV instead of xlsx.
    pub csv: bool,
}

impl ExportRequest {
    /// Reads `from`, `to` (both default to last month's first and last day; one alone: from
    /// it to today, or from the first of its month) and `format` (xlsx by default, or csv).
    pub fn parse(
        inv: &super::Invocation,
        now: chrono::DateTime<chrono::Utc>,
        tz: chrono_tz::Tz,
    ) -> Result<ExportRequest, super::UserError> {
        let today = now.with_timezone(&tz).date_naive();
        let day = |k: &str| {
            inv.str(k)
                .map(|s| super::input::day(s, now, tz))
                .transpose()
        };
        let (from, to) = match (day("from")?, day("to")?) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, today),
            (None, Some(t)) => (t.with_day(1).unwrap_or(t), t),
            (None, None) => {
                let first = today.with_day(1).unwrap_or(today);
                let last = first.pred_opt().unwrap_or(first);
                (last.with_day(1).unwrap_or(last), last)
            }
        };
        if to < from {
            return Err(super::UserError::new("export-err-range")
                .arg("from", from.to_string())
                .arg("to", to.to_string()));
        }
        let csv = match inv.str("format").map(|f| f.trim().to_lowercase()) {
            None => false,
            Some(f) if f == "xlsx" || f == "excel" => false,
            Some(f) if f == "csv" => true,
            Some(f) => return Err(super::UserError::new("export-err-format").arg("value", f)),
        };
        Ok(ExportRequest { from, to, csv })
    }

    /// The instants the days span, in `tz`.
    pub fn bounds(
        &self,
        tz: chrono_tz::Tz,
    ) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
        let midnight = |d: chrono::NaiveDate| {
            crate::domain::deadline::local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default(), tz)
        };
        (
            midnight(self.from),
            midnight(self.to.succ_opt().unwrap_or(self.to)),
        )
    }

    /// The files: one workbook of every table, or one CSV per table.
    pub fn files(
        &self,
        stem: &str,
        tables: &[Table],
    ) -> Result<Vec<crate::message::Attachment>, XlsxError> {
        let base = format!("{stem}-{}-{}", self.from, self.to);
        if self.csv {
            Ok(tables
                .iter()
                .map(|t| crate::message::Attachment {
                    filename: format!("{base}-{}.csv", t.name),
                    bytes: to_csv(t),
                })
                .collect())
        } else {
            Ok(vec![crate::message::Attachment {
                filename: format!("{base}.xlsx"),
                bytes: to_xlsx(tables)?,
            }])
        }
    }
}

/// A member's name for a file (the remembered display name without `@`, so a name never
/// starts a cell with a formula character; else the id).
pub fn member(names: &std::collections::HashMap<u64, String>, id: u64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

/// A history entry's detail as plain text for a file (names instead of mention markup,
/// instants in local time).
pub fn plain_detail(
    l: crate::i18n::Locale,
    names: &std::collections::HashMap<u64, String>,
    tz: chrono_tz::Tz,
    detail: &str,
) -> String {
    use crate::domain::history::{Change, Field, Side};
    let Some(c) = Change::decode(detail) else {
        return detail.to_string();
    };
    let side = |s: &Side| match s {
        Side::Nobody => l.t("history-nobody"),
        Side::User(u) => member(names, *u),
        Side::Position(p) => l.t(&p.label_key()),
        Side::At(t) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        Side::Priority(p) => l.t(&format!("choice-{}", p.key())),
        Side::Text(s) => s.clone(),
        Side::Outcome(..) | Side::Reopened => super::view::outcome_side(l, s),
    };
    let sides = format!("{} → {}", side(&c.from), side(&c.to));
    match c.field {
        Field::Owner => sides,
        f => format!("{} {sides}", l.t(&format!("history-field-{}", f.key()))),
    }
}

/// The guild's members' names by id, for the files' people columns.
pub async fn member_names(
    conn: &mut sqlx::SqliteConnection,
    guild_id: u64,
) -> super::AppResult<std::collections::HashMap<u64, String>> {
    let names = crate::store::names::all(conn, guild_id, crate::message::NameKind::User).await?;
    Ok(names.into_iter().collect())
}

/// An instant as a date-time cell on the guild's clock.
pub fn local_at(t: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> Cell {
    Cell::At(t.with_timezone(&tz).naive_local())
}

/// An export of items that have a history (tasks, complaints): the request, what it read
/// besides the items, and the steps both exports share.
pub struct HistoryExport {
    pub req: ExportRequest,
    pub locale: crate::i18n::Locale,
    pub tz: chrono_tz::Tz,
    /// The instants the request's days span.
    pub period: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    /// The history entries of the items in the period, by item then time.
    pub events: Vec<(i64, crate::store::events::Event)>,
    /// Members' names by id.
    pub who: std::collections::HashMap<u64, String>,
    /// The catalog family: `task` or `complaint`.
    kind: &'static str,
}

impl HistoryExport {
    /// Checks the actor may export (managers), then reads the history of the items of `log`
    /// whose time falls in the request's days, and the members' names. The caller reads the
    /// items themselves over [`HistoryExport::period`] on the same connection.
    pub async fn open(
        ctx: &super::Ctx<'_>,
        req: ExportRequest,
        log: crate::store::events::Log,
        conn: &mut sqlx::SqliteConnection,
    ) -> super::AppResult<HistoryExport> {
        use crate::store::events;
        ctx.require_manager()?;
        let tz = ctx.guild.timezone;
        let period = req.bounds(tz);
        let guild = ctx.guild.guild_id;
        Ok(HistoryExport {
            events: events::between(conn, log, guild, period).await?,
            who: member_names(conn, guild).await?,
            req,
            locale: ctx.locale,
            tz,
            period,
            kind: log.key(),
        })
    }

    /// A table's header: `export-<kind>-<key>` for each key.
    fn header(&self, keys: &[&str]) -> Vec<String> {
        let l = self.locale;
        keys.iter()
            .map(|k| l.t(&format!("export-{}-{k}", self.kind)))
            .collect()
    }

    /// An instant as a date-time cell on the guild's clock.
    pub fn local(&self, t: chrono::DateTime<chrono::Utc>) -> Cell {
        local_at(t, self.tz)
    }

    /// A member's name for a file.
    pub fn member(&self, id: u64) -> String {
        member(&self.who, id)
    }

    /// A change's detail as plain text (see [`plain_detail`]).
    pub fn plain(&self, detail: &str) -> String {
        plain_detail(self.locale, &self.who, self.tz, detail)
    }

    /// The history table: one row per entry; `detail` writes an entry's detail as plain text.
    fn history(&self, detail: impl Fn(&str) -> String) -> Table {
        let l = self.locale;
        let rows = self.events.iter().map(|(id, e)| {
            vec![
                Cell::Int(*id),
                self.local(e.at),
                Cell::Text(self.member(e.actor_id)),
                Cell::Text(l.t(&format!("{}-event-{}", self.kind, e.kind))),
                Cell::text(e.detail.as_deref().map(&detail)),
            ]
        });
        Table {
            name: l.t("export-history-sheet"),
            header: self.header(&["id", "at", "who", "event", "detail"]),
            rows: rows.collect(),
        }
    }

    /// The files and the message that carries them: the items' table (`export-<kind>-sheet`,
    /// one row per item under the header of `columns`), then the history, whose entries'
    /// details `detail` writes as plain text.
    pub fn finish(
        &self,
        columns: &[&str],
        rows: Vec<Vec<Cell>>,
        detail: impl Fn(&str) -> String,
    ) -> super::AppResult<crate::message::Reply> {
        let (l, kind) = (self.locale, self.kind);
        let count = rows.len();
        let items = Table {
            name: l.t(&format!("export-{kind}-sheet")),
            header: self.header(columns),
            rows,
        };
        let tables = [items, self.history(detail)];
        let files = self
            .req
            .files(&l.t(&format!("export-{kind}-file")), &tables)
            .map_err(|e| super::UserError::new("export-err-file").arg("reason", e.to_string()))?;
        let mut r = crate::message::Reply::titled(crate::tr!(
            l,
            &format!("export-{kind}-ready"),
            count = count,
            from = self.req.from.to_string(),
            to = self.req.to.to_string()
        ))
        .severity(crate::message::Severity::Success);
        r.attachments = files;
        r.ephemeral = true;
        Ok(r)
    }
}
