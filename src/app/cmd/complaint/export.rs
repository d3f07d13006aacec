//! `/complaint export`: every complaint logged in a range of days, with its handler, limit,
//! time to resolve, outcome and money, and a second table with its whole history.

use super::view::{category_label, platform_label};
use crate::app::sheet::{Cell, ExportRequest, Table, local_at, member, member_names, plain_detail};
use crate::app::{AppResult, Ctx, UserError};
use crate::domain::in_time;
use crate::message::{Reply, Severity};
use crate::store::complaints;
use crate::tr;

/// Builds the export (managers only).
pub(super) async fn export(ctx: &Ctx<'_>, req: ExportRequest) -> AppResult<Reply> {
    ctx.require_manager()?;
    let tz = ctx.guild.timezone;
    let l = ctx.locale;
    let (from, to) = req.bounds(tz);
    let mut conn = ctx.conn().await?;
    let items = complaints::logged_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    let events = complaints::events_logged_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    let who = member_names(&mut conn, ctx.guild.guild_id).await?;
    drop(conn);
    let local = |t| local_at(t, tz);
    let header = |keys: &[&str]| {
        keys.iter()
            .map(|k| l.t(&format!("export-complaint-{k}")))
            .collect()
    };
    let rows = items
        .iter()
        .map(|c| {
            let (within, hours) = match c.resolved_at {
                Some(at) => (
                    Cell::Text(l.t(if in_time(at, c.deadline_at) {
                        "export-yes"
                    } else {
                        "export-no"
                    })),
                    Cell::Num((at - c.created_at).num_seconds() as f64 / 3600.0),
                ),
                None => (Cell::Empty, Cell::Empty),
            };
            vec![
                Cell::Int(c.id),
                Cell::Text(c.order_no.clone()),
                Cell::Text(platform_label(l, &c.platform)),
                Cell::Text(category_label(l, &c.category)),
                Cell::Text(l.t(&format!("complaint-severity-{}", c.severity.key()))),
                Cell::Text(c.summary.clone()),
                Cell::text(c.customer.clone()),
                Cell::text(c.owner_id.map(|o| member(&who, o))),
                Cell::Text(member(&who, c.logged_by)),
                local(c.created_at),
                local(c.deadline_at),
                c.resolved_at.map_or(Cell::Empty, local),
                within,
                hours,
                Cell::text(c.outcome.map(|o| l.t(&format!("choice-{}", o.key())))),
                c.amount
                    .map_or(Cell::Empty, |a| Cell::Num(a.0 as f64 / 100.0)),
            ]
        })
        .collect();
    let table = Table {
        name: l.t("export-complaint-sheet"),
        header: header(&[
            "id",
            "order",
            "platform",
            "category",
            "severity",
            "summary",
            "customer",
            "owner",
            "logged-by",
            "logged",
            "deadline",
            "resolved",
            "within",
            "hours",
            "outcome",
            "amount",
        ]),
        rows,
    };
    let history = Table {
        name: l.t("export-history-sheet"),
        header: header(&["id", "at", "who", "event", "detail"]),
        rows: events
            .iter()
            .map(|(id, at, actor, kind, detail)| {
                let detail = detail.as_deref().map(|d| match d.parse::<u64>() {
                    // Written before both sides were kept: the new handler only.
                    Ok(u) => member(&who, u),
                    Err(_) => plain_detail(l, &who, tz, d),
                });
                vec![
                    Cell::Int(*id),
                    local(*at),
                    Cell::Text(member(&who, *actor)),
                    Cell::Text(l.t(&format!("complaint-event-{kind}"))),
                    Cell::text(detail),
                ]
            })
            .collect(),
    };
    let files = req
        .files(&l.t("export-complaint-file"), &[table, history])
        .map_err(|e| UserError::new("export-err-file").arg("reason", e.to_string()))?;
    let mut r = Reply::titled(tr!(
        l,
        "export-complaint-ready",
        count = items.len(),
        from = req.from.to_string(),
        to = req.to.to_string()
    ))
    .severity(Severity::Success);
    r.attachments = files;
    r.ephemeral = true;
    Ok(r)
}
