//! The morning summary (and the weekly and monthly ones): yesterday per shop and in total with
//! changes against the day before and the same weekday a week before, month to date against
//! target, the day's top sellers (when a product export was imported), alerts, the team's day
//! (tasks, complaints), and a 30-day trend chart. Sent through the outbox once per guild and
//! day (dedupe key `summary:<guild>:<date>`), built at send time so figures entered until then
//! are in it.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use sqlx::SqliteConnection;

use super::data::{count, derived_fields, field_text, money_f, pct, roi_text};
use crate::app::{App, AppResult, Ctx, Invocation, UserError};
use crate::domain::chart::{self, ChartDay};
use crate::domain::deadline::local_to_utc;
use crate::domain::metrics::{DayFigures, Derived, RoiGrade, change};
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::message::{self, Attachment, Mentions, Reply, Severity};
use crate::store::data::{self, Shop, SummarySchedule};
use crate::store::outbox::{self, NewMessage, Target};
use crate::store::products;
use crate::store::settings::{self, GuildSettings};
use crate::store::tasks::{self, Filter};
use crate::store::{StoreError, complaints};
use crate::tr;

/// An arrow and a signed percentage ("▲ 12.0%"), or "—".
pub fn arrow(c: Option<f64>) -> String {
    match c {
        Some(v) if v > 0.0005 => format!("▲ {:.1}%", v * 100.0),
        Some(v) if v < -0.0005 => format!("▼ {:.1}%", -v * 100.0),
        Some(_) => "= 0.0%".into(),
        None => "—".into(),
    }
}

fn as_f(m: Option<Money>) -> Option<f64> {
    m.map(|m| m.0 as f64)
}

/// One shop's (or the total's) figures of a day with the day before and a week before.
struct Compared {
    today: DayFigures,
    day_before: DayFigures,
    week_before: DayFigures,
}

/// The currencies of the shops, most shops first (ties: the first shop's first).
fn currencies(shops: &[Shop]) -> Vec<String> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for s in shops {
        match out.iter_mut().find(|(c, _)| *c == s.currency) {
            Some((_, n)) => *n += 1,
            None => out.push((s.currency.clone(), 1)),
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.1));
    out.into_iter().map(|(c, _)| c).collect()
}

/// Each shop, then a total (`None`) per currency that has two shops or more: money in
/// different currencies is never added up.
async fn compared<'s>(
    conn: &mut SqliteConnection,
    shops: &'s [Shop],
    date: NaiveDate,
) -> Result<Vec<(Option<&'s Shop>, String, Compared)>, StoreError> {
    let mut out = Vec::new();
    let mut totals: Vec<(String, usize, Compared)> = currencies(shops)
        .into_iter()
        .map(|c| {
            let empty = Compared {
                today: DayFigures::default(),
                day_before: DayFigures::default(),
                week_before: DayFigures::default(),
            };
            (c, 0, empty)
        })
        .collect();
    for s in shops {
        let rows = data::range(conn, s.id, date - Duration::days(7), date).await?;
        let at = |d: NaiveDate| {
            rows.iter()
                .find(|(x, _)| *x == d)
                .map(|(_, f)| f.clone())
                .unwrap_or_default()
        };
        let c = Compared {
            today: at(date),
            day_before: at(date - Duration::days(1)),
            week_before: at(date - Duration::days(7)),
        };
        if let Some((_, n, total)) = totals.iter_mut().find(|(cur, _, _)| *cur == s.currency) {
            *n += 1;
            total.today.add(&c.today);
            total.day_before.add(&c.day_before);
            total.week_before.add(&c.week_before);
        }
        out.push((Some(s), s.currency.clone(), c));
    }
    for (currency, n, total) in totals {
        if n > 1 {
            out.push((None, currency, total));
        }
    }
    Ok(out)
}

fn shop_block(l: Locale, name: &str, currency: &str, c: &Compared) -> (String, String) {
    let d = Derived::of(&c.today);
    let dd = Derived::of(&c.day_before);
    let dw = Derived::of(&c.week_before);
    let paid = c.today.paid_amount;
    let line =
        |label: &str, value: String, now: Option<f64>, day: Option<f64>, week: Option<f64>| {
            format!(
                "{label}: **{value}** · {} {} · {} {}",
                l.t("summary-vs-day"),
                arrow(change(now, day)),
                l.t("summary-vs-week"),
                arrow(change(now, week))
            )
        };
    let lines = [
        line(
            &l.t("data-field-paid-amount"),
            format!(
                "{} {currency}",
                paid.map(|m| m.to_string()).unwrap_or_else(|| "—".into())
            )
            .trim_end()
            .to_string(),
            as_f(paid),
            as_f(c.day_before.paid_amount),
            as_f(c.week_before.paid_amount),
        ),
        line(
            &l.t("data-field-uv"),
            count(c.today.uv),
            c.today.uv.map(|v| v as f64),
            c.day_before.uv.map(|v| v as f64),
            c.week_before.uv.map(|v| v as f64),
        ),
        line(
            &l.t("data-field-paying-buyers"),
            count(c.today.paying_buyers),
            c.today.paying_buyers.map(|v| v as f64),
            c.day_before.paying_buyers.map(|v| v as f64),
            c.week_before.paying_buyers.map(|v| v as f64),
        ),
        line(
            &l.t("data-rate-conversion"),
            pct(d.conversion),
            d.conversion,
            dd.conversion,
            dw.conversion,
        ),
        line(
            &l.t("data-rate-aov"),
            money_f(d.avg_order_value),
            d.avg_order_value,
            dd.avg_order_value,
            dw.avg_order_value,
        ),
        format!(
            "{}: {} · {}: {} · {}: {}",
            l.t("data-rate-payment"),
            pct(d.payment_rate),
            l.t("data-rate-uv-value"),
            money_f(d.value_per_visitor),
            l.t("data-rate-refund"),
            pct(d.refund_rate)
        ),
        format!(
            "{}: {} · {}: {}",
            l.t("data-rate-roas"),
            d.roas
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "—".into()),
            l.t("data-rate-roi"),
            roi_text(l, d.roi)
        ),
    ];
    (name.to_string(), lines.join("\n"))
}

/// How many best sellers the morning summary lists per shop.
const TOP_SELLERS: i64 = 3;
/// Longest product name shown (platform titles are long keyword strings).
const PRODUCT_NAME_MAX: usize = 24;

/// A product name cut to fit one line of a chat message.
fn short_name(name: &str) -> String {
    let name = name.trim();
    if name.chars().count() <= PRODUCT_NAME_MAX {
        return name.to_string();
    }
    let cut: String = name.chars().take(PRODUCT_NAME_MAX - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The day's best sellers by amount paid, per shop that has product figures for the day (from
/// an imported item export); None when no shop has any, so the section is left out.
async fn top_sellers(
    conn: &mut SqliteConnection,
    l: Locale,
    shops: &[Shop],
    date: NaiveDate,
) -> Result<Option<String>, StoreError> {
    let mut per_shop = Vec::new();
    for s in shops {
        if let Some(top) = products::top_sellers(conn, s.id, date, TOP_SELLERS).await? {
            per_shop.push((s, top));
        }
    }
    if per_shop.is_empty() {
        return Ok(None);
    }
    let several = per_shop.len() > 1;
    let mut lines = Vec::new();
    for (s, top) in per_shop {
        if several {
            lines.push(format!("**{}**", message::escape_user_text(&s.name)));
        }
        if top.is_empty() {
            lines.push(l.t("summary-top-none"));
        }
        for (i, p) in top.iter().enumerate() {
            lines.push(tr!(
                l,
                "summary-top-line",
                rank = i + 1,
                name = message::escape_user_text(&short_name(&p.name)),
                units = count(p.units),
                amount = format!("{} {}", p.paid, s.currency).trim_end().to_string()
            ));
        }
    }
    Ok(Some(lines.join("\n")))
}

/// Builds the morning summary of `date` (the day it reports on: yesterday, normally).
pub async fn daily(
    app: &App,
    guild: &GuildSettings,
    date: NaiveDate,
    now: DateTime<Utc>,
    l: Locale,
) -> Result<Reply, StoreError> {
    let cfg = &app.config.summary;
    let mut conn = app.store.pool.acquire().await?;
    let shops = data::shops(&mut conn, guild.guild_id).await?;
    let mut r = Reply::titled(tr!(
        l,
        "summary-title",
        date = format!(
            "{} ({})",
            date,
            l.t(&format!(
                "weekday-{}",
                date.weekday().num_days_from_monday()
            ))
        )
    ));
    let mut alerts: Vec<String> = Vec::new();
    if shops.is_empty() {
        r.lines.push(l.t("summary-no-shops"));
    }
    let blocks = compared(&mut conn, &shops, date).await?;
    let mut missing = Vec::new();
    let several_currencies = currencies(&shops).len() > 1;
    for (shop, currency, c) in &blocks {
        let name = match shop {
            Some(s) => s.name.clone(),
            None if several_currencies => {
                tr!(l, "summary-total-currency", currency = currency.as_str())
            }
            None => l.t("summary-total"),
        };
        if let Some(s) = shop {
            if c.today.is_empty() {
                missing.push(s.name.clone());
                continue;
            }
            let d = Derived::of(&c.today);
            let dw = Derived::of(&c.week_before);
            if let Some(ch) =
                change(d.conversion, dw.conversion).filter(|ch| *ch < -cfg.conversion_drop)
            {
                alerts.push(tr!(
                    l,
                    "summary-alert-conversion",
                    shop = s.name.as_str(),
                    change = format!("{:.1}%", -ch * 100.0)
                ));
            }
            if let Some(rr) = d.refund_rate.filter(|rr| *rr > cfg.refund_rate) {
                alerts.push(tr!(
                    l,
                    "summary-alert-refund",
                    shop = s.name.as_str(),
                    rate = format!("{:.1}%", rr * 100.0)
                ));
            }
            if d.roi
                .is_some_and(|roi| RoiGrade::of(roi) == RoiGrade::Failing)
            {
                alerts.push(tr!(
                    l,
                    "summary-alert-roi",
                    shop = s.name.as_str(),
                    roi = roi_text(l, d.roi)
                ));
            }
        }
        let (title, body) = shop_block(l, &name, currency, c);
        r = r.field(title, body, false);
    }
    if !missing.is_empty() {
        alerts.push(tr!(l, "summary-alert-missing", shops = missing.join(", ")));
    }
    if let Some(top) = top_sellers(&mut conn, l, &shops, date).await? {
        r = r.field(l.t("summary-top"), top, false);
    }

    // Month to date against target.
    let month_start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap_or(date);
    let next_month = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    }
    .unwrap_or(date);
    let days_left = (next_month - date).num_days() - 1;
    let month = date.format("%Y-%m").to_string();
    let mut mtd_lines = Vec::new();
    for s in &shops {
        let done = data::paid_between(&mut conn, s.id, month_start, date).await?;
        match data::target(&mut conn, s.id, &month).await? {
            Some(t) if t.0 > 0 => {
                let share = done.0 as f64 / t.0 as f64;
                let remaining = Money((t.0 - done.0).max(0));
                let pace = if days_left > 0 {
                    Money((remaining.0 + days_left - 1) / days_left)
                } else {
                    remaining
                };
                mtd_lines.push(tr!(
                    l,
                    "summary-mtd-target",
                    shop = s.name.as_str(),
                    done = format!("{done} {}", s.currency),
                    target = format!("{t} {}", s.currency),
                    share = format!("{:.1}%", share * 100.0),
                    pace = format!("{pace} {}", s.currency),
                    days = days_left
                ));
            }
            _ => mtd_lines.push(tr!(
                l,
                "summary-mtd-no-target",
                shop = s.name.as_str(),
                done = format!("{done} {}", s.currency)
            )),
        }
    }
    if !mtd_lines.is_empty() {
        r = r.field(l.t("summary-mtd"), mtd_lines.join("\n"), false);
    }
    if !alerts.is_empty() {
        r.severity = Severity::Warning;
        r = r.field(
            l.t("summary-alerts"),
            alerts
                .iter()
                .map(|a| format!("⚠️ {a}"))
                .collect::<Vec<_>>()
                .join("\n"),
            false,
        );
    }

    // The team's day.
    let tz = guild.timezone;
    let today = date + Duration::days(1);
    let day_start = local_to_utc(today.and_time(NaiveTime::MIN), tz);
    let day_end = local_to_utc((today + Duration::days(1)).and_time(NaiveTime::MIN), tz);
    let (open, _) = tasks::list(&mut conn, guild.guild_id, &Filter::default(), 0, 1000).await?;
    let due_today: Vec<_> = open
        .iter()
        .filter(|t| t.due_at >= day_start && t.due_at < day_end)
        .collect();
    let overdue: Vec<_> = open.iter().filter(|t| t.due_at < now).collect();
    let task_line = |t: &&crate::store::tasks::Task| {
        let who = t
            .assignee_id
            .map(message::user_ref)
            .or(t.position.map(|p| l.t(&p.label_key())))
            .unwrap_or_default();
        format!(
            "#{} {} · {} · {}",
            t.id,
            message::escape_user_text(&t.title),
            message::ts(t.due_at, 'R'),
            who
        )
    };
    let mut team = vec![tr!(l, "summary-tasks-today", count = due_today.len())];
    team.extend(due_today.iter().take(5).map(task_line));
    team.push(tr!(l, "summary-tasks-overdue", count = overdue.len()));
    team.extend(overdue.iter().take(5).map(task_line));
    let yesterday_start = local_to_utc(date.and_time(NaiveTime::MIN), tz);
    let figures =
        super::complaint::figures(&mut conn, guild.guild_id, yesterday_start, day_start).await?;
    let (open_c, _) = complaints::list(
        &mut conn,
        guild.guild_id,
        &complaints::Filter {
            open_only: true,
            ..Default::default()
        },
        0,
        1000,
    )
    .await?;
    let near = open_c
        .iter()
        .filter(|c| c.deadline_at > now && c.deadline_at - now <= app.config.complaints.warn_before)
        .count();
    let breached = open_c.iter().filter(|c| c.deadline_at <= now).count();
    team.push(tr!(
        l,
        "summary-complaints",
        logged = figures.logged,
        resolved = figures.resolved,
        open = open_c.len(),
        near = near,
        breached = breached
    ));
    let acts =
        super::activity::occurrences_between(&mut conn, guild.guild_id, day_start, day_end).await?;
    if !acts.is_empty() {
        team.push(l.t("summary-activities"));
        for (name, at) in acts.iter().take(10) {
            team.push(format!(
                "• {} {}",
                message::ts(*at, 't'),
                message::escape_user_text(name)
            ));
        }
    }
    r = r.field(l.t("summary-team"), team.join("\n"), false);
    if overdue.len() > 5 {
        r.footer = Some(tr!(l, "summary-more-overdue", count = overdue.len() - 5));
    }

    // 30 days of the total, as a chart: of the shops in the most used currency.
    let from = date - Duration::days(29);
    let mut by_day: Vec<DayFigures> = vec![DayFigures::default(); 30];
    let chart_currency = currencies(&shops).into_iter().next().unwrap_or_default();
    for s in shops.iter().filter(|s| s.currency == chart_currency) {
        for (d, f) in data::range(&mut conn, s.id, from, date).await? {
            let i = (d - from).num_days() as usize;
            if let Some(slot) = by_day.get_mut(i) {
                slot.add(&f);
            }
        }
    }
    if !shops.is_empty() {
        let days: Vec<ChartDay> = by_day
            .iter()
            .enumerate()
            .map(|(i, f)| ChartDay {
                date: from + Duration::days(i as i64),
                paid_cents: f.paid_amount.map(|m| m.0).unwrap_or(0),
                conversion: Derived::of(f).conversion,
            })
            .collect();
        match chart::render_trend(&days, &chart_currency) {
            Ok(png) => r.attachments.push(Attachment {
                filename: format!("trend-{date}.png"),
                bytes: png,
            }),
            Err(e) => {
                tracing::error!(error = %e, "the summary chart could not be drawn; sending the summary without it")
            }
        }
    }
    Ok(r)
}

/// Totals, averages, best and worst day, and the task and complaint figures of a period.
pub async fn period(
    app: &App,
    guild: &GuildSettings,
    from: NaiveDate,
    to: NaiveDate,
    title: String,
    l: Locale,
) -> Result<Reply, StoreError> {
    let mut conn = app.store.pool.acquire().await?;
    let shops = data::shops(&mut conn, guild.guild_id).await?;
    let mut r = Reply::titled(title);
    let days = (to - from).num_days() + 1;
    let mut total = DayFigures::default();
    let mut per_day: Vec<(NaiveDate, Money)> = Vec::new();
    let mut rows: Vec<DayFigures> = Vec::new();
    for s in &shops {
        for (d, f) in data::range(&mut conn, s.id, from, to).await? {
            total.add(&f);
            rows.push(f.clone());
            let paid = f.paid_amount.unwrap_or_default();
            match per_day.iter_mut().find(|(x, _)| *x == d) {
                Some((_, m)) => m.0 += paid.0,
                None => per_day.push((d, paid)),
            }
        }
    }
    if total.is_empty() {
        r.lines.push(l.t("data-show-empty"));
    } else {
        for f in [
            "paid-amount",
            "uv",
            "paying-buyers",
            "refund-amount",
            "ad-spend",
        ] {
            r = r.field(l.t(&format!("data-field-{f}")), field_text(&total, f), true);
        }
        let avg = total
            .paid_amount
            .map(|m| Money((m.0 as f64 / days.max(1) as f64).round() as i64));
        r = r.field(
            l.t("summary-daily-average"),
            avg.map(|m| m.to_string()).unwrap_or_else(|| "—".into()),
            true,
        );
        if let (Some(best), Some(worst)) = (
            per_day.iter().max_by_key(|(_, m)| m.0),
            per_day.iter().min_by_key(|(_, m)| m.0),
        ) {
            r = r.field(
                l.t("summary-best-day"),
                format!("{} · {}", best.0, best.1),
                true,
            );
            r = r.field(
                l.t("summary-worst-day"),
                format!("{} · {}", worst.0, worst.1),
                true,
            );
        }
        r = derived_fields(l, &Derived::of_days(&rows), r);
    }
    let tz = guild.timezone;
    let start = local_to_utc(from.and_time(NaiveTime::MIN), tz);
    let end = local_to_utc((to + Duration::days(1)).and_time(NaiveTime::MIN), tz);
    let stats = tasks::stats(&mut conn, guild.guild_id, start, end, app.clock.now()).await?;
    let (assigned, done, on_time) = stats.iter().fold((0, 0, 0), |a, s| {
        (a.0 + s.assigned, a.1 + s.done, a.2 + s.on_time)
    });
    r = r.field(
        l.t("summary-period-tasks"),
        tr!(
            l,
            "summary-period-tasks-line",
            assigned = assigned,
            done = done,
            on_time = on_time
        ),
        false,
    );
    let f = super::complaint::figures(&mut conn, guild.guild_id, start, end).await?;
    r = r.field(
        l.t("summary-period-complaints"),
        tr!(
            l,
            "summary-period-complaints-line",
            logged = f.logged,
            resolved = f.resolved,
            within = f.within_limit,
            refunds = f.refunds.to_string()
        ),
        false,
    );
    Ok(r)
}

fn week_bounds(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
    (monday, monday + Duration::days(6))
}

fn month_bounds(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap_or(date);
    let next = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    }
    .unwrap_or(date);
    (first, next - Duration::days(1))
}

/// Routes `/summary <sub>`.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    let today = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
    match sub {
        "now" => {
            let date = super::data::parse_date(ctx, inv.str("date"))?;
            Ok(daily(ctx.app, &ctx.guild, date, ctx.now, l).await?)
        }
        "weekly" => {
            let date = match inv.str("date") {
                Some(_) => super::data::parse_date(ctx, inv.str("date"))?,
                None => today - Duration::days(7),
            };
            let (from, to) = week_bounds(date);
            Ok(period(
                ctx.app,
                &ctx.guild,
                from,
                to,
                tr!(
                    l,
                    "summary-weekly-title",
                    from = from.to_string(),
                    to = to.to_string()
                ),
                l,
            )
            .await?)
        }
        "monthly" => {
            let date = match inv.str("month") {
                Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                    .map_err(|_| UserError::new("data-err-month").arg("value", m))?,
                None => month_bounds(today).0 - Duration::days(1),
            };
            let (from, to) = month_bounds(date);
            Ok(period(
                ctx.app,
                &ctx.guild,
                from,
                to,
                tr!(
                    l,
                    "summary-monthly-title",
                    month = from.format("%Y-%m").to_string()
                ),
                l,
            )
            .await?)
        }
        "schedule" => {
            ctx.require_manager()?;
            let parse = |key: &str, default: NaiveTime| -> Result<NaiveTime, UserError> {
                match inv.str(key) {
                    Some(t) => crate::domain::deadline::parse_time_of_day(t)
                        .map_err(|_| UserError::new("summary-err-time").arg("value", t)),
                    None => Ok(default),
                }
            };
            let mut conn = ctx
                .app
                .store
                .pool
                .acquire()
                .await
                .map_err(StoreError::from)?;
            let current = data::schedules(&mut conn)
                .await?
                .into_iter()
                .find(|s| s.guild_id == ctx.guild.guild_id);
            let cur_time = current
                .as_ref()
                .and_then(|s| NaiveTime::parse_from_str(&s.summary_time, "%H:%M").ok())
                .unwrap_or(ctx.app.config.summary.time);
            let cur_check = current
                .as_ref()
                .and_then(|s| NaiveTime::parse_from_str(&s.check_time, "%H:%M").ok())
                .unwrap_or(ctx.app.config.summary.missing_check);
            let time = parse("time", cur_time)?;
            let check = parse("check", cur_check)?;
            let s = fresh_schedule(&ctx.guild, time, check, ctx.now);
            data::put_schedule(&mut conn, &s).await?;
            ctx.app.outbox_wake.notify_one();
            let next = s
                .next_summary_at
                .map(|t| message::ts(t, 'F'))
                .unwrap_or_default();
            Ok(Reply::titled(tr!(
                l,
                "summary-schedule-set",
                time = time.format("%H:%M").to_string(),
                check = check.format("%H:%M").to_string()
            ))
            .line(tr!(l, "summary-next", next = next))
            .severity(Severity::Success))
        }
        _ => Err(UserError::new("err-unknown-command")
            .arg("command", format!("/summary {sub}"))
            .into()),
    }
}

fn next_local(time: NaiveTime, tz: chrono_tz::Tz, after: DateTime<Utc>) -> DateTime<Utc> {
    let today = after.with_timezone(&tz).date_naive();
    let at = local_to_utc(today.and_time(time), tz);
    if at > after {
        at
    } else {
        local_to_utc((today + Duration::days(1)).and_time(time), tz)
    }
}

fn fresh_schedule(
    guild: &GuildSettings,
    time: NaiveTime,
    check: NaiveTime,
    now: DateTime<Utc>,
) -> SummarySchedule {
    SummarySchedule {
        guild_id: guild.guild_id,
        summary_time: time.format("%H:%M").to_string(),
        check_time: check.format("%H:%M").to_string(),
        next_summary_at: Some(next_local(time, guild.timezone, now)),
        next_check_at: Some(next_local(check, guild.timezone, now)),
    }
}

/// The scheduled part: every guild gets a schedule on first sight; when its check time comes,
/// the data owner is pinged for missing figures; when its summary time comes, the summary (and
/// on Mondays the weekly, on the 1st the monthly one) is queued once.
pub async fn run_due(app: &App) -> Result<Option<DateTime<Utc>>, StoreError> {
    let now = app.clock.now();
    let mut conn = app.store.pool.acquire().await?;
    let known: Vec<u64> = data::schedules(&mut conn)
        .await?
        .iter()
        .map(|s| s.guild_id)
        .collect();
    let guild_ids: Vec<(i64,)> = sqlx::query_as("SELECT guild_id FROM guild_settings")
        .fetch_all(&mut *conn)
        .await?;
    for (g,) in guild_ids {
        let g = g as u64;
        if !known.contains(&g) {
            let guild =
                settings::get_or_init(&mut conn, g, &app.config, crate::store::ms(now)).await?;
            data::put_schedule(
                &mut conn,
                &fresh_schedule(
                    &guild,
                    app.config.summary.time,
                    app.config.summary.missing_check,
                    now,
                ),
            )
            .await?;
        }
    }
    for s in data::schedules(&mut conn).await? {
        let due_summary = s.next_summary_at.filter(|t| *t <= now);
        let due_check = s.next_check_at.filter(|t| *t <= now);
        if due_summary.is_none() && due_check.is_none() {
            continue;
        }
        let guild =
            settings::get_or_init(&mut conn, s.guild_id, &app.config, crate::store::ms(now))
                .await?;
        let tz = guild.timezone;
        let time =
            NaiveTime::parse_from_str(&s.summary_time, "%H:%M").unwrap_or(app.config.summary.time);
        let check = NaiveTime::parse_from_str(&s.check_time, "%H:%M")
            .unwrap_or(app.config.summary.missing_check);
        let next = (
            if due_summary.is_some() {
                Some(next_local(time, tz, now))
            } else {
                s.next_summary_at
            },
            if due_check.is_some() {
                Some(next_local(check, tz, now))
            } else {
                s.next_check_at
            },
        );
        let mut msgs = Vec::new();
        let l = guild.locale;
        if let (Some(at), Some(channel)) = (due_check, guild.summary_channel) {
            let yesterday = at.with_timezone(&tz).date_naive() - Duration::days(1);
            let shops = data::shops(&mut conn, guild.guild_id).await?;
            let mut missing = Vec::new();
            for shop in &shops {
                if data::day(&mut conn, shop.id, yesterday).await?.is_none() {
                    missing.push(shop.name.clone());
                }
            }
            if !missing.is_empty() {
                let owner = app.config.summary.data_owner;
                let mut r = Reply::titled(tr!(
                    l,
                    "summary-missing-title",
                    date = yesterday.to_string()
                ))
                .line(tr!(
                    l,
                    "summary-missing-body",
                    shops = missing.join(", "),
                    time = time.format("%H:%M").to_string()
                ))
                .severity(Severity::Warning);
                r.mentions = guild
                    .positions
                    .get(&owner)
                    .copied()
                    .map(Mentions::role)
                    .unwrap_or_default();
                msgs.push(NewMessage {
                    guild_id: guild.guild_id,
                    dedupe_key: format!("data-missing:{}:{yesterday}", guild.guild_id),
                    source: format!("summary:{}", guild.guild_id),
                    target: Target::Channel(channel),
                    reply: r,
                    due_at: at,
                });
            }
        }
        if let Some(at) = due_summary {
            match guild.summary_channel {
                None => tracing::warn!(
                    guild = guild.guild_id,
                    "no summary channel set; the morning summary was not sent (set one with /setup summary-channel)"
                ),
                Some(channel) => {
                    let today = at.with_timezone(&tz).date_naive();
                    let yesterday = today - Duration::days(1);
                    let mut send = |key: String, reply: Reply| {
                        msgs.push(NewMessage {
                            guild_id: guild.guild_id,
                            dedupe_key: key,
                            source: format!("summary:{}", guild.guild_id),
                            target: Target::Channel(channel),
                            reply,
                            due_at: at,
                        })
                    };
                    send(
                        format!("summary:{}:{yesterday}", guild.guild_id),
                        daily(app, &guild, yesterday, now, l).await?,
                    );
                    if today.weekday() == Weekday::Mon {
                        let (from, to) = week_bounds(yesterday);
                        let title = tr!(
                            l,
                            "summary-weekly-title",
                            from = from.to_string(),
                            to = to.to_string()
                        );
                        send(
                            format!("summary-weekly:{}:{from}", guild.guild_id),
                            period(app, &guild, from, to, title, l).await?,
                        );
                    }
                    if today.day() == 1 {
                        let (from, to) = month_bounds(yesterday);
                        let title = tr!(
                            l,
                            "summary-monthly-title",
                            month = from.format("%Y-%m").to_string()
                        );
                        send(
                            format!("summary-monthly:{}:{from}", guild.guild_id),
                            period(app, &guild, from, to, title, l).await?,
                        );
                    }
                }
            }
        }
        let mut tx = crate::store::write_tx(&mut conn).await?;
        if !data::advance_schedule(
            &mut tx,
            s.guild_id,
            (s.next_summary_at, s.next_check_at),
            next,
        )
        .await?
        {
            continue;
        }
        for m in &msgs {
            outbox::enqueue(&mut tx, m, now).await?;
        }
        tx.commit().await?;
        if !msgs.is_empty() {
            app.outbox_wake.notify_one();
        }
    }
    data::next_due(&mut conn).await
}
