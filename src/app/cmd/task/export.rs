//! `/task export`: every task due in a range of days, with its dates, owner, status and
//! lateness, and a second table with its whole history — an xlsx workbook or two CSV files.

use crate::app::sheet::{Cell, ExportRequest, HistoryExport};
use crate::app::{AppResult, Ctx};
use crate::domain::in_time;
use crate::message::Reply;
use crate::store::events::Log;
use crate::store::tasks;

/// Builds the export (managers only).
pub(super) async fn export(ctx: &Ctx<'_>, req: ExportRequest) -> AppResult<Reply> {
    let mut conn = ctx.conn().await?;
    let x = HistoryExport::open(ctx, req, Log::Task, &mut conn).await?;
    let (from, to) = x.period;
    let items = tasks::due_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    drop(conn);
    let l = ctx.locale;
    let local = |t| x.local(t);
    let hours = |d: chrono::Duration| Cell::Num(d.num_seconds() as f64 / 3600.0);
    let now = ctx.now;
    let rows = items
        .iter()
        .map(|t| {
            let owner = match (t.assignee_id, t.position) {
                (Some(u), _) => Cell::Text(x.member(u)),
                (None, Some(p)) => Cell::Text(l.t(&p.label_key())),
                (None, None) => Cell::Empty,
            };
            // Late: finished after the deadline, or still open past it (late so far).
            let (on_time, late) = match t.done_at {
                Some(d) if in_time(d, t.due_at) => (l.t("export-yes"), Cell::Empty),
                Some(d) => (l.t("export-no"), hours(d - t.due_at)),
                None if t.status.is_active() && !in_time(now, t.due_at) => {
                    (l.t("export-overdue"), hours(now - t.due_at))
                }
                None => (String::new(), Cell::Empty),
            };
            vec![
                Cell::Int(t.id),
                Cell::Text(t.title.clone()),
                owner,
                Cell::text(t.position.map(|p| l.t(&p.label_key()))),
                Cell::Text(x.member(t.assigner_id)),
                Cell::Text(l.t(&format!("choice-{}", t.priority.key()))),
                Cell::Text(l.t(&format!("task-status-{}", t.status.key()))),
                local(t.created_at),
                local(t.due_at),
                t.started_at.map_or(Cell::Empty, local),
                t.done_at.map_or(Cell::Empty, local),
                Cell::text(Some(on_time).filter(|s| !s.is_empty())),
                late,
                Cell::text(t.note.clone()),
            ]
        })
        .collect();
    let columns = [
        "id",
        "title",
        "owner",
        "position",
        "assigner",
        "priority",
        "status",
        "created",
        "due",
        "started",
        "done",
        "on-time",
        "late-hours",
        "note",
    ];
    x.finish(&columns, rows, |d| x.plain(d))
}
