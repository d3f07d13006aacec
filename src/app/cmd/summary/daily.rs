//! The morning summary of one day: yesterday per shop and in total with changes against the
//! day before and the same weekday a week before, month to date against target, the top
//! sellers, alerts, the team's day, and a 30-day trend chart.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::SqliteConnection;

use crate::app::App;
use crate::app::cmd::data::{count, money_f, pct, roi_text};
use crate::domain::chart::{self, ChartDay};
use crate::domain::deadline::local_to_utc;
use crate::domain::in_time;
use crate::domain::metrics::{DayFigures, Derived, RoiGrade, change};
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::message::{self, Attachment, Reply, Severity};
use crate::store::data::{self, Shop};
use crate::store::products;
use crate::store::settings::GuildSettings;
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
pub(super) fn currencies(shops: &[Shop]) -> Vec<String> {
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
    let mut conn = app.conn().await?;
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
    let overdue: Vec<_> = open.iter().filter(|t| !in_time(now, t.due_at)).collect();
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
        crate::app::cmd::complaint::figures(&mut conn, guild.guild_id, yesterday_start, day_start)
            .await?;
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
        .filter(|c| {
            in_time(now, c.deadline_at) && c.deadline_at - now <= app.config.complaints.warn_before
        })
        .count();
    let breached = open_c
        .iter()
        .filter(|c| !in_time(now, c.deadline_at))
        .count();
    team.push(tr!(
        l,
        "summary-complaints",
        logged = figures.logged,
        resolved = figures.resolved,
        open = open_c.len(),
        near = near,
        breached = breached
    ));
    let acts = crate::app::cmd::activity::occurrences_between(
        &mut conn,
        guild.guild_id,
        day_start,
        day_end,
    )
    .await?;
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
