//! The morning summary of one day: yesterday per shop and in total with changes against the
//! day before and the same weekday a week before, month to date against target, the top
//! sellers, alerts, the team's day, and a 30-day trend chart.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::SqliteConnection;

use crate::app::App;
use crate::app::cmd::data::{count, currencies, money_in, pct, rate_pairs, roi_text};
use crate::domain::chart::{self, ChartDay};
use crate::domain::deadline::local_to_utc;
use crate::domain::in_time;
use crate::domain::metrics::{
    Coverage, DayFigures, Derived, RoiGrade, change, month_end_projection,
};
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

/// One shop's (or the total's) figures of a day with the day before and a week before.
struct Compared {
    today: DayFigures,
    day_before: DayFigures,
    week_before: DayFigures,
    /// For a total: each shop's (today, day before, week before), so each rate is taken over
    /// the shops that report both of its parts.
    shops: Vec<[DayFigures; 3]>,
}

impl Compared {
    /// The rates of today (0), the day before (1) or a week before (2).
    fn rates(&self, which: usize) -> Derived {
        if self.shops.is_empty() {
            Derived::of([&self.today, &self.day_before, &self.week_before][which])
        } else {
            let days: Vec<DayFigures> = self.shops.iter().map(|s| s[which].clone()).collect();
            Derived::of_days(&days)
        }
    }

    /// How many shops each of today's rates is computed over (a total only).
    fn coverage(&self) -> Option<Coverage> {
        if self.shops.is_empty() {
            return None;
        }
        let per: Vec<Vec<DayFigures>> = self.shops.iter().map(|s| vec![s[0].clone()]).collect();
        Some(Coverage::of(&per))
    }
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
                shops: Vec::new(),
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
            shops: Vec::new(),
        };
        if let Some((_, n, total)) = totals.iter_mut().find(|(cur, _, _)| *cur == s.currency) {
            *n += 1;
            total.today.add(&c.today);
            total.day_before.add(&c.day_before);
            total.week_before.add(&c.week_before);
            total
                .shops
                .push([c.today.clone(), c.day_before.clone(), c.week_before.clone()]);
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

/// An arrow and a signed change in percentage points ("▲ 0.3 pp"), for rates, or "—".
pub fn arrow_pp(l: Locale, now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(n), Some(b)) => {
            let v = (n - b) * 100.0;
            if v > 0.05 {
                format!("▲ {v:.1} {}", l.t("summary-pp"))
            } else if v < -0.05 {
                format!("▼ {:.1} {}", -v, l.t("summary-pp"))
            } else {
                format!("= 0.0 {}", l.t("summary-pp"))
            }
        }
        _ => "—".into(),
    }
}

impl Compared {
    /// The change of a count or money figure from the day before (1) or a week before (2) to
    /// today; for a total, over the shops that reported it on both days only.
    fn change_of(&self, field: &str, which: usize) -> Option<f64> {
        let pick = |s: &[DayFigures; 3]| (s[0].get(field), s[which].get(field));
        let (mut now, mut before, mut any) = (0i128, 0i128, false);
        let own = [
            self.today.clone(),
            self.day_before.clone(),
            self.week_before.clone(),
        ];
        let rows: Vec<&[DayFigures; 3]> = if self.shops.is_empty() {
            vec![&own]
        } else {
            self.shops.iter().collect()
        };
        for s in rows {
            if let (Some(n), Some(b)) = pick(s) {
                now += i128::from(n);
                before += i128::from(b);
                any = true;
            }
        }
        if any {
            change(Some(now as f64), Some(before as f64))
        } else {
            None
        }
    }
}

fn shop_block(l: Locale, name: &str, currency: &str, c: &Compared) -> (String, String) {
    let (d, dd, dw) = (c.rates(0), c.rates(1), c.rates(2));
    let cov = c.coverage();
    let field_line = |field: &str, value: String| {
        format!(
            "{}: **{value}** · {} {} · {} {}",
            l.t(&format!("data-field-{field}")),
            l.t("summary-vs-day"),
            arrow(c.change_of(field, 1)),
            l.t("summary-vs-week"),
            arrow(c.change_of(field, 2))
        )
    };
    // Conversion by buyers, or by orders where buyers are not reported (Amazon).
    let by_orders = d.conversion.is_none() && d.order_conversion.is_some();
    let conv = |x: &Derived| {
        if by_orders {
            x.order_conversion
        } else {
            x.conversion
        }
    };
    let rates = rate_pairs(l, &d, cov.as_ref());
    let rate = |i: usize| rates[i].1.clone();
    let lines = [
        field_line("paid-amount", money_in(l, c.today.paid_amount, currency)),
        field_line("uv", count(l, c.today.uv)),
        field_line(
            if by_orders {
                "paid-orders"
            } else {
                "paying-buyers"
            },
            count(
                l,
                if by_orders {
                    c.today.paid_orders
                } else {
                    c.today.paying_buyers
                },
            ),
        ),
        format!(
            "{}: **{}** · {} {} · {} {}",
            l.t("data-rate-conversion"),
            rate(1),
            l.t("summary-vs-day"),
            arrow_pp(l, conv(&d), conv(&dd)),
            l.t("summary-vs-week"),
            arrow_pp(l, conv(&d), conv(&dw))
        ),
        format!(
            "{}: **{}** · {} {} · {} {}",
            l.t("data-rate-aov"),
            rate(2),
            l.t("summary-vs-day"),
            arrow(if by_orders {
                change(d.order_value, dd.order_value)
            } else {
                change(d.avg_order_value, dd.avg_order_value)
            }),
            l.t("summary-vs-week"),
            arrow(if by_orders {
                change(d.order_value, dw.order_value)
            } else {
                change(d.avg_order_value, dw.avg_order_value)
            }),
        ),
        format!(
            "{}: {} · {}: {} · {}: {}",
            l.t("data-rate-payment"),
            rate(0),
            l.t("data-rate-uv-value"),
            rate(3),
            l.t("data-rate-refund"),
            rate(4)
        ),
        format!(
            "{}: {} · {}: {}",
            l.t("data-rate-roas"),
            rate(6),
            l.t("data-rate-roi"),
            rate(7)
        ),
    ];
    (name.to_string(), lines.join("\n"))
}

/// Complaints near or past their limit named among the alerts (the rest are counted).
const ALERT_COMPLAINTS_MAX: usize = 5;

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
                units = count(l, p.units),
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
            Some(s) => message::escape_user_text(&s.name),
            None if several_currencies => {
                tr!(l, "summary-total-currency", currency = currency.as_str())
            }
            None => l.t("summary-total"),
        };
        if let Some(s) = shop {
            if c.today.is_empty() {
                missing.push(message::escape_user_text(&s.name));
                continue;
            }
            let d = Derived::of(&c.today);
            let dw = Derived::of(&c.week_before);
            if let Some(ch) = change(
                c.today.paid_amount.map(|m| m.0 as f64),
                c.week_before.paid_amount.map(|m| m.0 as f64),
            )
            .filter(|ch| *ch < -cfg.sales_drop)
            {
                alerts.push(tr!(
                    l,
                    "summary-alert-sales",
                    shop = message::escape_user_text(&s.name),
                    change = format!("{:.1}%", -ch * 100.0),
                    now = money_in(l, c.today.paid_amount, currency),
                    before = money_in(l, c.week_before.paid_amount, currency)
                ));
            }
            if change(d.conversion, dw.conversion).is_some_and(|ch| ch < -cfg.conversion_drop) {
                alerts.push(tr!(
                    l,
                    "summary-alert-conversion",
                    shop = message::escape_user_text(&s.name),
                    change = format!(
                        "{:.1} {}",
                        (dw.conversion.unwrap_or(0.0) - d.conversion.unwrap_or(0.0)) * 100.0,
                        l.t("summary-pp")
                    ),
                    now = pct(d.conversion),
                    before = pct(dw.conversion)
                ));
            }
            if let Some(rr) = d.refund_rate.filter(|rr| *rr > cfg.refund_rate) {
                alerts.push(tr!(
                    l,
                    "summary-alert-refund",
                    shop = message::escape_user_text(&s.name),
                    rate = format!("{:.1}%", rr * 100.0)
                ));
            }
            if d.roi
                .is_some_and(|roi| RoiGrade::of(roi) == RoiGrade::Failing)
            {
                alerts.push(tr!(
                    l,
                    "summary-alert-roi",
                    shop = message::escape_user_text(&s.name),
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
                let remaining = Money(t.0.saturating_sub(done.0).max(0));
                let pace = if days_left > 0 {
                    Money(remaining.0 / days_left + i64::from(remaining.0 % days_left != 0))
                } else {
                    remaining
                };
                let history: Vec<(NaiveDate, Money)> =
                    data::range(&mut conn, s.id, date - Duration::days(55), date)
                        .await?
                        .into_iter()
                        .filter_map(|(d, f)| f.paid_amount.map(|p| (d, p)))
                        .collect();
                let month_end = next_month - Duration::days(1);
                let projection = month_end_projection(done, &history, date, month_end)
                    .map(|p| {
                        tr!(
                            l,
                            "summary-mtd-projection",
                            projected = money_in(l, Some(p), &s.currency),
                            target = money_in(l, Some(t), &s.currency),
                            share = format!("{:.0}%", p.0 as f64 / t.0 as f64 * 100.0)
                        )
                    })
                    .unwrap_or_default();
                mtd_lines.push(
                    tr!(
                        l,
                        "summary-mtd-target",
                        shop = message::escape_user_text(&s.name),
                        done = money_in(l, Some(done), &s.currency),
                        target = money_in(l, Some(t), &s.currency),
                        share = format!("{:.1}%", share * 100.0),
                        pace = money_in(l, Some(pace), &s.currency),
                        days = days_left
                    ) + &projection,
                );
            }
            _ => mtd_lines.push(tr!(
                l,
                "summary-mtd-no-target",
                shop = message::escape_user_text(&s.name),
                done = money_in(l, Some(done), &s.currency)
            )),
        }
    }
    if !mtd_lines.is_empty() {
        r = r.field(l.t("summary-mtd"), mtd_lines.join("\n"), false);
    }
    // The team's day.
    let tz = guild.timezone;
    let today = date + Duration::days(1);
    let day_start = local_to_utc(today.and_time(NaiveTime::MIN), tz);
    let day_end = local_to_utc((today + Duration::days(1)).and_time(NaiveTime::MIN), tz);
    let (open, _) = tasks::list(&mut conn, guild.guild_id, &Filter::default(), 0, 1000).await?;
    let overdue: Vec<_> = open.iter().filter(|t| !in_time(now, t.due_at)).collect();
    // A task already overdue is listed once, under overdue, not again under due today.
    let due_today: Vec<_> = open
        .iter()
        .filter(|t| t.due_at >= day_start && t.due_at < day_end && in_time(now, t.due_at))
        .collect();
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
    let figures = crate::app::cmd::complaint::figures(
        &mut conn,
        guild.guild_id,
        yesterday_start,
        day_start,
        &app.config.defaults.currency,
    )
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
    // Complaints past or near their limit, named with their handler: action first.
    let mut due: Vec<_> = open_c
        .iter()
        .filter(|c| c.deadline_at - now <= app.config.complaints.warn_before)
        .collect();
    due.sort_by_key(|c| (c.deadline_at, c.id));
    for c in due.iter().take(ALERT_COMPLAINTS_MAX) {
        let who = c
            .owner_id
            .map(message::user_ref)
            .unwrap_or_else(|| l.t("summary-alert-nobody"));
        alerts.push(tr!(
            l,
            if in_time(now, c.deadline_at) {
                "summary-alert-complaint-near"
            } else {
                "summary-alert-complaint-past"
            },
            id = c.id,
            order = message::escape_user_text(&c.order_no),
            when = message::ts(c.deadline_at, 'R'),
            who = who
        ));
    }
    if due.len() > ALERT_COMPLAINTS_MAX {
        alerts.push(tr!(
            l,
            "summary-alert-complaints-more",
            count = due.len() - ALERT_COMPLAINTS_MAX
        ));
    }
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

    if !alerts.is_empty() {
        r.severity = Severity::Warning;
        // Alerts come first: what needs action is read before the figures.
        r.fields.insert(
            0,
            crate::message::Field {
                name: l.t("summary-alerts"),
                value: alerts
                    .iter()
                    .map(|a| format!("⚠️ {a}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                inline: false,
            },
        );
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
