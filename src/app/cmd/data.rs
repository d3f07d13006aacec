//! `/data ...`: the shops, their daily figures (entered by hand; imports come later), targets.
//! Negative figures are refused; absurd ones need `confirm:true`. Re-entering a day replaces
//! the figures given and keeps who changed what.

use chrono::{Datelike, Duration, NaiveDate};

use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::metrics::{self, DayFigures, Derived, Doubt, FIELDS, RoiGrade};
use crate::domain::money::Money;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message::{Reply, Severity};
use crate::store::StoreError;
use crate::store::data::{self, Shop};
use crate::tr;

/// A rate as a percentage, or "—".
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.2}%", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// Cents as money, or "—".
pub fn money_f(v: Option<f64>) -> String {
    v.map(|c| Money(c.round() as i64).to_string())
        .unwrap_or_else(|| "—".into())
}

/// A count with thousands separators, or "—".
pub fn count(v: Option<i64>) -> String {
    v.map(|n| {
        let s = n.abs().to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    })
    .unwrap_or_else(|| "—".into())
}

/// A field's value for display.
pub fn field_text(d: &DayFigures, f: &str) -> String {
    if metrics::is_money(f) {
        d.get(f)
            .map(|c| Money(c).to_string())
            .unwrap_or_else(|| "—".into())
    } else {
        count(d.get(f))
    }
}

/// ROI as "1:4.2 (good)".
pub fn roi_text(l: Locale, roi: Option<f64>) -> String {
    match roi {
        Some(r) => {
            // Rounded, unless rounding would make it read as the next grade's mark (a failing
            // 2.996 must not read 1:3.00): then rounded down.
            let mut shown = (r * 100.0).round() / 100.0;
            if RoiGrade::of(shown) != RoiGrade::of(r) {
                shown = (r * 100.0).floor() / 100.0;
            }
            format!(
                "1:{shown:.2} ({})",
                l.t(&format!("data-roi-{}", RoiGrade::of(r).key()))
            )
        }
        None => "—".into(),
    }
}

/// The rates of a day as fields.
pub fn derived_fields(l: Locale, d: &Derived, r: Reply) -> Reply {
    r.field(l.t("data-rate-payment"), pct(d.payment_rate), true)
        .field(l.t("data-rate-conversion"), pct(d.conversion), true)
        .field(l.t("data-rate-aov"), money_f(d.avg_order_value), true)
        .field(
            l.t("data-rate-uv-value"),
            money_f(d.value_per_visitor),
            true,
        )
        .field(l.t("data-rate-refund"), pct(d.refund_rate), true)
        .field(l.t("data-rate-inquiry"), pct(d.inquiry_conversion), true)
        .field(
            l.t("data-rate-roas"),
            d.roas
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "—".into()),
            true,
        )
        .field(l.t("data-rate-roi"), roi_text(l, d.roi), true)
}

/// Reads a day: `2026-11-22`, `11/22`, `yesterday`, `昨天`; default yesterday.
pub fn parse_date(ctx: &Ctx<'_>, text: Option<&str>) -> Result<NaiveDate, UserError> {
    let today = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
    match text.map(str::trim) {
        None | Some("") | Some("yesterday") | Some("昨天") => Ok(today - Duration::days(1)),
        Some("today") | Some("今天") => Ok(today),
        Some(t) => {
            let d = crate::app::input::day(t, ctx.now, ctx.guild.timezone)
                .map_err(|_| UserError::new("data-err-date").arg("value", t))?;
            // A month/day without a year that lands in the future means last year's.
            if d > today && !t.contains(char::is_alphabetic) && t.matches(['-', '/']).count() == 1 {
                return Ok(NaiveDate::from_ymd_opt(d.year() - 1, d.month(), d.day()).unwrap_or(d));
            }
            Ok(d)
        }
    }
}

/// Finds a shop by name (or the only shop when none is named).
pub async fn find_shop(ctx: &Ctx<'_>, name: Option<&str>) -> AppResult<Shop> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    if shops.is_empty() {
        return Err(UserError::new("data-err-no-shops").into());
    }
    match name {
        Some(n) => shops
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(n.trim()))
            .cloned()
            .ok_or_else(|| {
                UserError::new("data-err-shop")
                    .arg("value", n)
                    .arg(
                        "choices",
                        shops
                            .iter()
                            .map(|s| s.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                    .into()
            }),
        None if shops.len() == 1 => Ok(shops[0].clone()),
        None => Err(UserError::new("data-err-which-shop")
            .arg(
                "choices",
                shops
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .into()),
    }
}

fn may_enter(ctx: &Ctx<'_>) -> bool {
    let p = ctx.origin.actor.positions_in(&ctx.guild);
    ctx.origin.actor.is_manager(&ctx.guild)
        || p.contains(&Position::Operations)
        || p.contains(&Position::Marketing)
        || p.contains(&ctx.app.config.summary.data_owner)
}

/// Routes `/data <sub>`.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match sub {
        "shop" => shop(ctx, inv).await,
        "enter" => enter(ctx, inv).await,
        "show" => show(ctx, inv).await,
        "target" => target(ctx, inv).await,
        _ => Err(UserError::new("err-unknown-command")
            .arg("command", format!("/data {sub}"))
            .into()),
    }
}

async fn shop(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    if let Some(name) = inv.str("name") {
        ctx.require_manager()?;
        if name.chars().count() > 60 {
            return Err(UserError::new("task-err-too-long")
                .arg("option", "name")
                .arg("max", "60")
                .into());
        }
        let platform = inv.str("platform").unwrap_or("other").to_lowercase();
        let currency = inv.str("currency").unwrap_or("CNY").to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(UserError::new("data-err-currency")
                .arg("value", currency)
                .into());
        }
        let taken = data::shops(&mut conn, ctx.guild.guild_id)
            .await?
            .iter()
            .any(|s| s.name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(UserError::new("data-err-shop-exists")
                .arg("name", name)
                .into());
        }
        if data::add_shop(
            &mut conn,
            ctx.guild.guild_id,
            name,
            &platform,
            &currency,
            ctx.now,
        )
        .await?
        .is_none()
        {
            return Err(UserError::new("data-err-shop-exists")
                .arg("name", name)
                .into());
        }
        return Ok(Reply::titled(tr!(
            l,
            "data-shop-added",
            name = name,
            platform = platform,
            currency = currency
        ))
        .severity(Severity::Success));
    }
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    let mut r = Reply::titled(l.t("data-shops-title"));
    if shops.is_empty() {
        r.lines.push(l.t("data-err-no-shops"));
    }
    for s in &shops {
        r.lines
            .push(format!("**{}** · {} · {}", s.name, s.platform, s.currency));
    }
    Ok(r.ephemeral())
}

/// Reads the figure options of `/data enter`.
pub fn parse_figures(inv: &Invocation) -> Result<DayFigures, UserError> {
    let mut d = DayFigures::default();
    for f in FIELDS {
        let Some(raw) = inv.str(f) else { continue };
        let v = if metrics::is_money(f) {
            Money::parse_signed(raw)
                .map_err(|_| {
                    UserError::new("data-err-money")
                        .arg("option", *f)
                        .arg("value", raw)
                })?
                .0
        } else {
            let clean: String = raw
                .chars()
                .filter(|c| !matches!(c, ',' | '，' | ' '))
                .collect();
            clean.parse::<i64>().map_err(|_| {
                UserError::new("data-err-count")
                    .arg("option", *f)
                    .arg("value", raw)
            })?
        };
        if v < 0 {
            return Err(UserError::new("data-err-negative")
                .arg("option", *f)
                .arg("value", raw));
        }
        d.set(f, Some(v));
    }
    Ok(d)
}

fn doubt_text(l: Locale, d: &Doubt) -> String {
    match d {
        Doubt::Negative(f) => tr!(l, "data-err-negative", option = *f, value = "<0"),
        Doubt::PayingOverVisitors => l.t("data-doubt-paying-uv"),
        Doubt::PayingOverOrdering => l.t("data-doubt-paying-ordering"),
        Doubt::PaidOverOrdered => l.t("data-doubt-paid-ordered"),
        Doubt::ViewsUnderVisitors => l.t("data-doubt-pv-uv"),
        Doubt::RefundOverPaid => l.t("data-doubt-refund-paid"),
        Doubt::InquiriesPaidOverInquiries => l.t("data-doubt-inquiries"),
    }
}

async fn enter(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    if !may_enter(ctx) {
        return Err(UserError::new("data-err-not-allowed").into());
    }
    let shop = find_shop(ctx, inv.str("shop")).await?;
    let date = parse_date(ctx, inv.str("date"))?;
    let today = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
    if date > today {
        return Err(UserError::new("data-err-future")
            .arg("value", date.to_string())
            .into());
    }
    let given = parse_figures(inv)?;
    if given.is_empty() {
        return Err(UserError::new("data-err-nothing").into());
    }
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut day = data::day(&mut conn, shop.id, date)
        .await?
        .unwrap_or_default();
    let replaced = !day.is_empty();
    day.merge(&given);
    let l = ctx.locale;
    let doubts = metrics::doubts(&day);
    if !doubts.is_empty() && inv.bool("confirm") != Some(true) {
        let mut r = Reply::titled(l.t("data-doubt-title")).severity(Severity::Warning);
        for d in &doubts {
            r.lines.push(format!("• {}", doubt_text(l, d)));
        }
        r.lines.push(l.t("data-doubt-confirm"));
        return Ok(r.ephemeral());
    }
    let changed = data::put_day(
        &mut conn,
        shop.id,
        date,
        &day,
        ctx.origin.actor.user_id,
        "manual",
        ctx.now,
    )
    .await?;
    let key = match (changed, replaced) {
        (false, _) => "data-unchanged",
        (true, true) => "data-replaced",
        (true, false) => "data-saved",
    };
    let mut r = Reply::titled(tr!(
        l,
        key,
        shop = shop.name.as_str(),
        date = date.to_string()
    ))
    .severity(Severity::Success);
    for f in FIELDS {
        if day.get(f).is_some() {
            r = r.field(l.t(&format!("data-field-{f}")), field_text(&day, f), true);
        }
    }
    Ok(derived_fields(l, &Derived::of(&day), r))
}

async fn show(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    let from = parse_date(ctx, inv.str("from").or(inv.str("date")))?;
    let to = match inv.str("to") {
        Some(t) => parse_date(ctx, Some(t))?,
        None => from,
    };
    if to < from {
        return Err(UserError::new("task-err-cover-order").into());
    }
    if (to - from).num_days() > 366 {
        return Err(UserError::new("data-err-range").into());
    }
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let shops = match inv.str("shop") {
        Some(_) => vec![find_shop(ctx, inv.str("shop")).await?],
        None => data::shops(&mut conn, ctx.guild.guild_id).await?,
    };
    if shops.is_empty() {
        return Err(UserError::new("data-err-no-shops").into());
    }
    let mut total = DayFigures::default();
    let mut rows = Vec::new();
    for s in &shops {
        for (_, d) in data::range(&mut conn, s.id, from, to).await? {
            total.add(&d);
            rows.push(d);
        }
    }
    let days_with_data = rows.len();
    let names: Vec<&str> = shops.iter().map(|s| s.name.as_str()).collect();
    let period = if from == to {
        from.to_string()
    } else {
        format!("{from} – {to}")
    };
    let mut r = Reply::titled(tr!(
        l,
        "data-show-title",
        shops = names.join(", "),
        period = period
    ));
    if days_with_data == 0 {
        r.lines.push(l.t("data-show-empty"));
        return Ok(r.ephemeral());
    }
    for f in FIELDS {
        r = r.field(l.t(&format!("data-field-{f}")), field_text(&total, f), true);
    }
    r = derived_fields(l, &Derived::of_days(&rows), r);
    Ok(r.ephemeral())
}

async fn target(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    ctx.require_manager()?;
    let shop = find_shop(ctx, inv.str("shop")).await?;
    let raw = inv.req_str("amount")?;
    let amount = Money::parse(raw).map_err(|_| {
        UserError::new("data-err-money")
            .arg("option", "amount")
            .arg("value", raw)
    })?;
    let month = match inv.str("month") {
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map_err(|_| UserError::new("data-err-month").arg("value", m))?
            .format("%Y-%m")
            .to_string(),
        None => ctx
            .now
            .with_timezone(&ctx.guild.timezone)
            .format("%Y-%m")
            .to_string(),
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    data::set_target(
        &mut conn,
        shop.id,
        &month,
        amount,
        ctx.origin.actor.user_id,
        ctx.now,
    )
    .await?;
    Ok(Reply::titled(tr!(
        ctx.locale,
        "data-target-set",
        shop = shop.name.as_str(),
        month = month,
        amount = format!("{} {}", amount, shop.currency)
    ))
    .severity(Severity::Success))
}

/// Shop names for autocomplete.
pub async fn autocomplete(
    ctx: &Ctx<'_>,
    inv: &Invocation,
    focused: &str,
) -> AppResult<Vec<(String, String)>> {
    if focused != "shop" {
        return Ok(vec![]);
    }
    let typed = inv.str("shop").unwrap_or("").to_lowercase();
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    Ok(shops
        .into_iter()
        .filter(|s| typed.is_empty() || s.name.to_lowercase().contains(&typed))
        .map(|s| (s.name.clone(), format!("{} · {}", s.name, s.platform)))
        .collect())
}
