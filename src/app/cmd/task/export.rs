//! `/task export`: every task due in a range of days, with its dates, owner, status and
//! lateness, and a second table with its whole history — an xlsx workbook or two CSV files.

use crate::app::sheet::{Cell, ExportRequest, Table, local_at, member, member_names, plain_detail};
use crate::app::{AppResult, Ctx};
use crate::domain::in_time;
use crate::message::{Reply, Severity};
use crate::store::tasks;
use crate::tr;

/// Builds the export (managers only).
pub(super) async fn export(ctx: &Ctx<'_>, req: ExportRequest) -> AppResult<Reply> {
    ctx.require_manager()?;
    let tz = ctx.guild.timezone;
    let l = ctx.locale;
    let (from, to) = req.bounds(tz);
    let mut conn = ctx.conn().await?;
    let items = tasks::due_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    let events = tasks::events_due_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    let who = member_names(&mut conn, ctx.guild.guild_id).await?;
    drop(conn);
    let local = |t| local_at(t, tz);
    let hours = |d: chrono::Duration| Cell::Num(d.num_seconds() as f64 / 3600.0);
    let now = ctx.now;
    let header = |keys: &[&str]| {
        keys.iter()
            .map(|k| l.t(&format!("export-task-{k}")))
            .collect()
    };
    let rows = items
        .iter()
        .map(|t| {
            let owner = match (t.assignee_id, t.position) {
                (Some(u), _) => Cell::Text(member(&who, u)),
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
                Cell::Text(member(&who, t.assigner_id)),
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
    let tasks_table = Table {
        name: l.t("export-task-sheet"),
        header: header(&[
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
        ]),
        rows,
    };
    let history = Table {
        name: l.t("export-history-sheet"),
        header: header(&["id", "at", "who", "event", "detail"]),
        rows: events
            .iter()
            .map(|(id, e)| {
                vec![
                    Cell::Int(*id),
                    local(e.at),
                    Cell::Text(member(&who, e.actor_id)),
                    Cell::Text(l.t(&format!("task-event-{}", e.kind))),
                    Cell::text(e.detail.as_deref().map(|d| plain_detail(l, &who, tz, d))),
                ]
            })
            .collect(),
    };
    let files = req
        .files(&l.t("export-task-file"), &[tasks_table, history])
        .map_err(|e| crate::app::UserError::new("export-err-file").arg("reason", e.to_string()))?;
    let mut r = Reply::titled(tr!(
        l,
        "export-task-ready",
        count = items.len(),
        from = req.from.to_string(),
        to = req.to.to_string()
    ))
    .severity(Severity::Success);
    r.attachments = files;
    r.ephemeral = true;
    Ok(r)
}
