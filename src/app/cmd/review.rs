//! `/review month:YYYY-MM [user:@…]` (managers): the monthly review the seeds describe — the
//! month's sales per shop and per currency against the targets, each member's tasks (due in
//! the month: done, on time, late and by how much, still overdue) and complaints (logged in the
//! month: handled within the limit or late, still open) — as a reply and an xlsx workbook.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::data::currencies;
use crate::app::sheet::{Cell, ExportRequest, Table, member, member_names};
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::in_time;
use crate::domain::money::Money;
use crate::domain::task::Status;
use crate::i18n::Locale;
use crate::message::{self, Reply, Severity};
use crate::store::{complaints, data, tasks};
use crate::tr;

/// What `/review` asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRequest {
    /// The month's first day.
    pub month: NaiveDate,
    /// One member only (the tasks and complaints parts).
    pub user: Option<u64>,
}

impl ReviewRequest {
    /// Reads `month` (`2026-11`; default last month) and `user`.
    pub fn parse(ctx: &Ctx<'_>, inv: &Invocation) -> Result<ReviewRequest, UserError> {
        let month = match inv.str("month").map(str::trim) {
            Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map_err(|_| UserError::new("data-err-month").arg("value", m))
                .and_then(|d| crate::app::input::in_years(d, m))?,
            None => {
                let today = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
                let this = today.with_day(1).unwrap_or(today);
                let last = this.pred_opt().unwrap_or(this);
                last.with_day(1).unwrap_or(last)
            }
        };
        Ok(ReviewRequest {
            month,
            user: inv.user("user").map(|(u, _)| u),
        })
    }

    fn last_day(&self) -> NaiveDate {
        let next = if self.month.month() == 12 {
            NaiveDate::from_ymd_opt(self.month.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.month.year(), self.month.month() + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(self.month)
    }
}

/// Whose a task or complaint is: a member, or a position nobody took.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    User(u64),
    Position(String),
    Nobody,
}

/// One member's tasks due in the month.
#[derive(Debug, Default, Clone, PartialEq)]
struct TaskLine {
    due: i64,
    done: i64,
    on_time: i64,
    late: i64,
    late_hours: f64,
    overdue: i64,
}

/// One handler's complaints logged in the month.
#[derive(Debug, Default, Clone, PartialEq)]
struct ComplaintLine {
    logged: i64,
    within: i64,
    late: i64,
    open: i64,
    open_past: i64,
}

/// One shop's (or one currency's) month.
struct SalesLine {
    name: String,
    currency: String,
    days: i64,
    paid: Option<Money>,
    target: Option<Money>,
    /// Paid by the shops that have a target (for a currency's row).
    paid_of_target: Option<Money>,
}

impl SalesLine {
    fn share(&self) -> Option<f64> {
        match (self.paid_of_target, self.target) {
            (Some(p), Some(t)) if t.0 > 0 => Some(p.0 as f64 / t.0 as f64),
            _ => None,
        }
    }
}

/// Builds the review (managers only).
pub async fn run(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    ctx.require_manager()?;
    let req = ReviewRequest::parse(ctx, inv)?;
    let tz = ctx.guild.timezone;
    let l = ctx.locale;
    let span = ExportRequest {
        from: req.month,
        to: req.last_day(),
        csv: false,
    };
    let (from, to) = span.bounds(tz);
    let month_key = req.month.format("%Y-%m").to_string();
    let mut conn = ctx.conn().await?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    let mut sales: Vec<SalesLine> = Vec::new();
    for s in &shops {
        let days = data::range(&mut conn, s.id, span.from, span.to).await?;
        let paid: Vec<i64> = days
            .iter()
            .filter_map(|(_, f)| f.paid_amount.map(|m| m.0))
            .collect();
        let paid = (!paid.is_empty()).then(|| Money(paid.iter().sum()));
        let target = data::target(&mut conn, s.id, &month_key).await?;
        sales.push(SalesLine {
            name: s.name.clone(),
            currency: s.currency.clone(),
            days: days.len() as i64,
            paid,
            target,
            paid_of_target: target.map(|_| paid.unwrap_or(Money(0))),
        });
    }
    let task_items = tasks::due_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    let complaint_items =
        complaints::logged_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    let names = member_names(&mut conn, ctx.guild.guild_id).await?;
    drop(conn);

    // Per currency: never added across currencies.
    let mut currency_rows = Vec::new();
    for c in currencies(&shops) {
        let of: Vec<&SalesLine> = sales.iter().filter(|s| s.currency == c).collect();
        let sum = |f: &dyn Fn(&SalesLine) -> Option<Money>| {
            let v: Vec<i64> = of.iter().filter_map(|s| f(s).map(|m| m.0)).collect();
            (!v.is_empty()).then(|| Money(v.iter().sum()))
        };
        currency_rows.push(SalesLine {
            name: tr!(
                l,
                "review-all-shops",
                currency = c.as_str(),
                count = of.len()
            ),
            currency: c.clone(),
            days: of.iter().map(|s| s.days).sum(),
            paid: sum(&|s| s.paid),
            target: sum(&|s| s.target),
            paid_of_target: sum(&|s| s.paid_of_target),
        });
    }

    let now = ctx.now;
    let mut task_lines: BTreeMap<Who, TaskLine> = BTreeMap::new();
    for t in task_items.iter().filter(|t| t.status != Status::Cancelled) {
        let who = match (t.assignee_id, t.position) {
            (Some(u), _) => Who::User(u),
            (None, Some(p)) => Who::Position(l.t(&p.label_key())),
            (None, None) => Who::Nobody,
        };
        let line = task_lines.entry(who).or_default();
        line.due += 1;
        match t.done_at {
            Some(d) if t.status == Status::Done => {
                line.done += 1;
                if in_time(d, t.due_at) {
                    line.on_time += 1;
                } else {
                    line.late += 1;
                    line.late_hours += (d - t.due_at).num_seconds() as f64 / 3600.0;
                }
            }
            _ if t.status.is_active() && !in_time(now, t.due_at) => line.overdue += 1,
            _ => {}
        }
    }
    let mut complaint_lines: BTreeMap<Who, ComplaintLine> = BTreeMap::new();
    for c in &complaint_items {
        let who = c.owner_id.map_or(Who::Nobody, Who::User);
        let line = complaint_lines.entry(who).or_default();
        line.logged += 1;
        match c.resolved_at {
            Some(at) if !c.open => {
                if in_time(at, c.deadline_at) {
                    line.within += 1;
                } else {
                    line.late += 1;
                }
            }
            _ => {
                line.open += 1;
                if !in_time(now, c.deadline_at) {
                    line.open_past += 1;
                }
            }
        }
    }
    if let Some(u) = req.user {
        task_lines.retain(|w, _| *w == Who::User(u));
        complaint_lines.retain(|w, _| *w == Who::User(u));
    }

    let r = reply(
        l,
        &month_key,
        &sales,
        &currency_rows,
        &task_lines,
        &complaint_lines,
    );
    let tables = sheets(
        l,
        &names,
        &sales,
        &currency_rows,
        &task_lines,
        &complaint_lines,
    );
    let book = crate::app::sheet::to_xlsx(&tables)
        .map_err(|e| UserError::new("export-err-file").arg("reason", e.to_string()))?;
    let mut r = r.severity(Severity::Info);
    r.attachments = vec![crate::message::Attachment {
        filename: format!("{}-{month_key}.xlsx", l.t("review-file")),
        bytes: book,
    }];
    r.ephemeral = true;
    Ok(r)
}

fn who_text(l: Locale, w: &Who) -> String {
    match w {
        Who::User(u) => message::user_ref(*u),
        Who::Position(p) => tr!(l, "review-position", position = p.as_str()),
        Who::Nobody => l.t("history-nobody"),
    }
}

fn who_cell(l: Locale, names: &std::collections::HashMap<u64, String>, w: &Who) -> Cell {
    Cell::Text(match w {
        Who::User(u) => member(names, *u),
        Who::Position(p) => tr!(l, "review-position", position = p.as_str()),
        Who::Nobody => l.t("history-nobody"),
    })
}

/// One row per member (or position) of a sheet: who, then `cells` of their line.
fn member_rows<T>(
    l: Locale,
    names: &std::collections::HashMap<u64, String>,
    lines: &BTreeMap<Who, T>,
    cells: impl Fn(&T) -> Vec<Cell>,
) -> Vec<Vec<Cell>> {
    lines
        .iter()
        .map(|(w, t)| {
            std::iter::once(who_cell(l, names, w))
                .chain(cells(t))
                .collect()
        })
        .collect()
}

fn money(l: Locale, m: Option<Money>, currency: &str) -> String {
    super::data::money_in(l, m, currency)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
}

fn reply(
    l: Locale,
    month: &str,
    sales: &[SalesLine],
    currency_rows: &[SalesLine],
    task_lines: &BTreeMap<Who, TaskLine>,
    complaint_lines: &BTreeMap<Who, ComplaintLine>,
) -> Reply {
    let mut r = Reply::titled(tr!(l, "review-title", month = month));
    r.lines.push(format!("**{}**", l.t("review-sales")));
    if sales.is_empty() {
        r.lines.push(l.t("data-err-no-shops"));
    }
    for s in sales.iter().chain(currency_rows) {
        r.lines.push(tr!(
            l,
            "review-sales-line",
            shop = message::escape_user_text(&s.name),
            paid = money(l, s.paid, &s.currency),
            target = money(l, s.target, &s.currency),
            share = pct(s.share()),
            days = s.days
        ));
    }
    r.lines.push(format!("**{}**", l.t("review-tasks")));
    if task_lines.is_empty() {
        r.lines.push(l.t("review-none"));
    }
    for (w, t) in task_lines {
        let avg = if t.late > 0 {
            format!("{:.1}", t.late_hours / t.late as f64)
        } else {
            "—".into()
        };
        r.lines.push(tr!(
            l,
            "review-task-line",
            who = who_text(l, w),
            due = t.due,
            done = t.done,
            on_time = t.on_time,
            late = t.late,
            hours = avg,
            overdue = t.overdue
        ));
    }
    r.lines.push(format!("**{}**", l.t("review-complaints")));
    if complaint_lines.is_empty() {
        r.lines.push(l.t("review-none"));
    }
    for (w, c) in complaint_lines {
        r.lines.push(tr!(
            l,
            "review-complaint-line",
            who = who_text(l, w),
            logged = c.logged,
            within = c.within,
            late = c.late,
            open = c.open,
            past = c.open_past
        ));
    }
    r
}

fn sheets(
    l: Locale,
    names: &std::collections::HashMap<u64, String>,
    sales: &[SalesLine],
    currency_rows: &[SalesLine],
    task_lines: &BTreeMap<Who, TaskLine>,
    complaint_lines: &BTreeMap<Who, ComplaintLine>,
) -> Vec<Table> {
    let header = |keys: &[&str]| {
        keys.iter()
            .map(|k| l.t(&format!("review-col-{k}")))
            .collect()
    };
    let cents = |m: Option<Money>| m.map_or(Cell::Empty, |m| Cell::Num(m.0 as f64 / 100.0));
    let sales_table = Table {
        name: l.t("review-sales"),
        header: header(&["shop", "currency", "days", "paid", "target", "share"]),
        rows: sales
            .iter()
            .chain(currency_rows)
            .map(|s| {
                vec![
                    Cell::Text(s.name.clone()),
                    Cell::Text(s.currency.clone()),
                    Cell::Int(s.days),
                    cents(s.paid),
                    cents(s.target),
                    s.share().map_or(Cell::Empty, Cell::Pct),
                ]
            })
            .collect(),
    };
    let tasks_table = Table {
        name: l.t("review-tasks"),
        header: header(&[
            "member",
            "due",
            "done",
            "on-time",
            "late",
            "late-hours",
            "overdue",
        ]),
        rows: member_rows(l, names, task_lines, |t| {
            let mut cells = Vec::from([t.due, t.done, t.on_time, t.late].map(Cell::Int));
            cells.push(if t.late > 0 {
                Cell::Num(t.late_hours / t.late as f64)
            } else {
                Cell::Empty
            });
            cells.push(Cell::Int(t.overdue));
            cells
        }),
    };
    let complaints_table = Table {
        name: l.t("review-complaints"),
        header: header(&["handler", "logged", "within", "late", "open", "open-past"]),
        rows: member_rows(l, names, complaint_lines, |c| {
            Vec::from([c.logged, c.within, c.late, c.open, c.open_past].map(Cell::Int))
        }),
    };
    vec![sales_table, tasks_table, complaints_table]
}
