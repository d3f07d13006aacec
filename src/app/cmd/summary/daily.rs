//! The morning summary of one day, laid out to be read in ten seconds on a phone: first what
//! needs action (alerts: shops without figures, sales and conversion drops, refund rate,
//! failing ROI, complaints near or past their limit, overdue tasks, each named with who has
//! it), then one line per shop (amount paid with its changes against the day before and the
//! same weekday a week before, conversion, order value, ROI), the totals per currency, month
//! to date against target per currency (pace still needed, month-end projection), the top
//! sellers when a product export was imported, and the team's day; then the 30-day chart. The
//! per-figure detail is `/data show`.
//!
//! Every read is bounded by a few weeks of index range (`store::morning`), whatever the
//! history: the stored figures of three days, the rollup of eight weeks of amounts paid.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::month;
use super::team;
use crate::app::App;
use crate::app::cmd::data::{currencies, money_in, pct, rate_pairs, roi_text};
use crate::domain::metrics::{Coverage, DayFigures, Derived, RoiGrade, change};
use crate::domain::pace::WINDOW_DAYS;
use crate::i18n::Locale;
use crate::message::{self, Field, Reply, Severity};
use crate::store::data::{self, Shop};
use crate::store::settings::GuildSettings;
use crate::store::{StoreError, morning, products};
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

/// One shop's (or a total's) figures of a day with the day before and a week before.
struct Compared {
    today: DayFigures,
    day_before: DayFigures,
    week_before: DayFigures,
    /// For a total: each shop's (today, day before, week before), so each rate is taken over
    /// the shops that report both of its parts.
    shops: Vec<[DayFigures; 3]>,
}

impl Compared {
    /// The rates of today.
    fn rates(&self) -> Derived {
        if self.shops.is_empty() {
            Derived::of(&self.today)
        } else {
            let days: Vec<DayFigures> = self.shops.iter().map(|s| s[0].clone()).collect();
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

    /// The change of the amount paid from the day before (1) or a week before (2) to today;
    /// for a total, over the shops that reported it on both days only.
    fn paid_change(&self, which: usize) -> Option<f64> {
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
        let (mut now, mut before, mut any) = (Vec::new(), Vec::new(), false);
        for s in rows {
            if let (Some(n), Some(b)) = (s[0].paid_amount, s[which].paid_amount) {
                now.push(n.0);
                before.push(b.0);
                any = true;
            }
        }
        let sum = |v: Vec<i64>| crate::domain::metrics::total(v) as f64;
        any.then(|| change(Some(sum(now)), Some(sum(before))))
            .flatten()
    }
}

/// Each shop's figures, then a total per currency that has two shops or more (money in
/// different currencies is never added up): (shop or None, currency, figures).
fn compared<'s>(
    shops: &'s [Shop],
    rows: &[(i64, NaiveDate, DayFigures)],
    date: NaiveDate,
) -> Vec<(Option<&'s Shop>, String, Compared)> {
    let at = |shop: i64, d: NaiveDate| {
        rows.iter()
            .find(|(s, x, _)| *s == shop && *x == d)
            .map(|(_, _, f)| f.clone())
            .unwrap_or_default()
    };
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
        let c = Compared {
            today: at(s.id, date),
            day_before: at(s.id, date - Duration::days(1)),
            week_before: at(s.id, date - Duration::days(7)),
            shops: Vec::new(),
        };
        if let Some((_, n, total)) = totals.iter_mut().find(|(cur, _, _)| *cur == s.currency) {
            *n += 1;
            total.today.add(&c.today);
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
    out
}

/// One line: the amount paid with its two changes, conversion, order value, ROI (with how
/// many shops a total's rate is over, when not all).
fn shop_line(l: Locale, name: &str, currency: &str, c: &Compared) -> String {
    let rates = rate_pairs(l, &c.rates(), c.coverage().as_ref());
    let rate = |i: usize| rates[i].1.clone();
    tr!(
        l,
        "summary-shop-line",
        shop = name,
        paid = money_in(l, c.today.paid_amount, currency),
        day = arrow(c.paid_change(1)),
        week = arrow(c.paid_change(2)),
        conversion = rate(1),
        aov = rate(2),
        roi = rate(7)
    )
}

/// The alerts about one shop's day: sales or conversion down against a week before, refund
/// rate, failing ROI.
fn shop_alerts(app: &App, l: Locale, s: &Shop, c: &Compared) -> Vec<String> {
    let cfg = &app.config.summary;
    let name = message::escape_user_text(&s.name);
    let mut alerts = Vec::new();
    let d = Derived::of(&c.today);
    let dw = Derived::of(&c.week_before);
    if let Some(ch) = c.paid_change(2).filter(|ch| *ch < -cfg.sales_drop) {
        alerts.push(tr!(
            l,
            "summary-alert-sales",
            shop = name.as_str(),
            change = format!("{:.1}%", -ch * 100.0),
            now = money_in(l, c.today.paid_amount, &s.currency),
            before = money_in(l, c.week_before.paid_amount, &s.currency)
        ));
    }
    if change(d.conversion, dw.conversion).is_some_and(|ch| ch < -cfg.conversion_drop) {
        alerts.push(tr!(
            l,
            "summary-alert-conversion",
            shop = name.as_str(),
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
            shop = name.as_str(),
            rate = format!("{:.1}%", rr * 100.0)
        ));
    }
    if d.roi
        .is_some_and(|roi| RoiGrade::of(roi) == RoiGrade::Failing)
    {
        alerts.push(tr!(
            l,
            "summary-alert-roi",
            shop = name.as_str(),
            roi = roi_text(l, d.roi)
        ));
    }
    alerts
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
    conn: &mut sqlx::SqliteConnection,
    l: Locale,
    shops: &[Shop],
    date: NaiveDate,
) -> Result<Option<String>, StoreError> {
    let ids: Vec<i64> = shops.iter().map(|s| s.id).collect();
    let mut top = products::top_sellers(conn, &ids, date, TOP_SELLERS).await?;
    let per_shop: Vec<_> = shops
        .iter()
        .filter_map(|s| top.remove(&s.id).map(|t| (s, t)))
        .collect();
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
                units = crate::app::cmd::data::count(l, p.units),
                amount = format!("{} {}", p.paid, s.currency).trim_end().to_string()
            ));
        }
    }
    Ok(Some(lines.join("\n")))
}

fn field(name: String, lines: Vec<String>) -> Field {
    Field {
        name,
        value: lines.join("\n"),
        inline: false,
    }
}

/// Builds the morning summary of `date` (the day it reports on: yesterday, normally).
pub async fn daily(
    app: &App,
    conn: &mut sqlx::SqliteConnection,
    guild: &GuildSettings,
    date: NaiveDate,
    now: DateTime<Utc>,
    l: Locale,
) -> Result<Reply, StoreError> {
    let shops = data::shops(conn, guild.guild_id).await?;
    let ids: Vec<i64> = shops.iter().map(|s| s.id).collect();
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
    if shops.is_empty() {
        r.lines.push(l.t("summary-no-shops"));
    }
    let days = [date, date - Duration::days(1), date - Duration::days(7)];
    let rows = morning::days(conn, &ids, &days).await?;
    let series =
        morning::paid_series(conn, &ids, date - Duration::days(WINDOW_DAYS - 1), date).await?;
    // The targets of the chart's months, for the chart and the month to date.
    let targets = morning::targets(conn, &ids, &month::target_months(date)).await?;
    // The chart needs only these amounts: it is drawn while the rest is read.
    let drawing = if shops.is_empty() {
        None
    } else {
        let trend = month::trend(l, &shops, &series, &targets, date);
        Some(month::draw(trend))
    };

    // 1. Alerts; 2. one line per shop and the totals per currency.
    let mut alerts = Vec::new();
    let (mut missing, mut lines, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let several_currencies = currencies(&shops).len() > 1;
    for (shop, currency, c) in compared(&shops, &rows, date) {
        match shop {
            Some(s) if c.today.is_empty() => missing.push(message::escape_user_text(&s.name)),
            Some(s) => {
                alerts.extend(shop_alerts(app, l, s, &c));
                let name = format!("**{}**", message::escape_user_text(&s.name));
                lines.push(shop_line(l, &name, &currency, &c));
            }
            None => {
                let name = if several_currencies {
                    tr!(l, "summary-total-currency", currency = currency.as_str())
                } else {
                    l.t("summary-total")
                };
                totals.push(shop_line(l, &format!("**{name}**"), &currency, &c));
            }
        }
    }
    if !missing.is_empty() {
        alerts.insert(
            0,
            tr!(l, "summary-alert-missing", shops = missing.join(", ")),
        );
    }
    let team = team::team(app, conn, guild, date, now, l).await?;
    alerts.extend(team.alerts);
    if !alerts.is_empty() {
        r.severity = Severity::Warning;
        let lines = alerts.iter().map(|a| format!("⚠️ {a}")).collect();
        r.fields.push(field(l.t("summary-alerts"), lines));
    }
    if !lines.is_empty() {
        r.fields.push(field(l.t("summary-shops"), lines));
    }
    if !totals.is_empty() {
        r.fields.push(field(l.t("summary-totals"), totals));
    }
    if let Some(top) = top_sellers(conn, l, &shops, date).await? {
        r.fields.push(field(l.t("summary-top"), vec![top]));
    }

    // 3. Month to date per currency; 4. the team's day; then the chart.
    let mtd = month::month_to_date(l, &shops, &series, &targets, date);
    if !mtd.is_empty() {
        r.fields.push(field(l.t("summary-mtd"), mtd));
    }
    r.fields.push(field(l.t("summary-team"), team.lines));
    if let Some(drawing) = drawing {
        month::attach(l, drawing, date, &mut r).await;
    }
    Ok(r)
}
