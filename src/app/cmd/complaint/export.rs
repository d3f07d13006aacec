//! `/complaint export`: every complaint logged in a range of days, with its handler, limit,
//! time to resolve, outcome and money, and a second table with its whole history.

use super::view::{category_label, platform_label};
use crate::app::sheet::{Cell, ExportRequest, HistoryExport};
use crate::app::{AppResult, Ctx};
use crate::domain::in_time;
use crate::message::Reply;
use crate::store::complaints;
use crate::store::events::Log;

/// Builds the export (managers only).
pub(super) async fn export(ctx: &Ctx<'_>, req: ExportRequest) -> AppResult<Reply> {
    let mut conn = ctx.conn().await?;
    let x = HistoryExport::open(ctx, req, Log::Complaint, &mut conn).await?;
    let (from, to) = x.period;
    let items = complaints::logged_between(&mut conn, ctx.guild.guild_id, from, to).await?;
    // Each amount beside its currency (that of the payment: the shops' on its platform, or the
    // server's default), so no reader adds yuan to dollars.
    let (first, last) = items
        .iter()
        .fold((i64::MAX, i64::MIN), |(a, b), c| (a.min(c.id), b.max(c.id)));
    let currencies = if items.is_empty() {
        Default::default()
    } else {
        complaints::payment_currencies(&mut conn, ctx.guild.guild_id, first, last).await?
    };
    let default_currency = &ctx.app.config.defaults.currency;
    drop(conn);
    let l = ctx.locale;
    let local = |t| x.local(t);
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
                Cell::text(c.owner_id.map(|o| x.member(o))),
                Cell::Text(x.member(c.logged_by)),
                local(c.created_at),
                local(c.deadline_at),
                c.resolved_at.map_or(Cell::Empty, local),
                within,
                hours,
                Cell::text(c.outcome.map(|o| l.t(&format!("choice-{}", o.key())))),
                c.amount
                    .map_or(Cell::Empty, |a| Cell::Num(a.0 as f64 / 100.0)),
                Cell::text(c.amount.map(|_| {
                    currencies
                        .get(&c.id)
                        .filter(|cur| !cur.is_empty())
                        .unwrap_or(default_currency)
                        .clone()
                })),
            ]
        })
        .collect();
    let columns = [
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
        "currency",
    ];
    // Written before both sides were kept, a handler change holds the new handler only.
    x.finish(&columns, rows, |d| {
        d.parse::<u64>()
            .map_or_else(|_| x.plain(d), |u| x.member(u))
    })
}
