//! `/data ...`: the shops, their daily figures (entered by hand; imports come later), targets.
//! Negative figures are refused; absurd ones need `confirm:true`. Re-entering a day replaces
//! the figures given and keeps who changed what.

use chrono::{Datelike, Duration, NaiveDate};

use crate::app::input::plain_name;
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::metrics::{self, DayFigures, Derived, Doubt, FIELDS, RoiGrade};
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::message::{Reply, Severity, escape_user_text};
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
            let d = crate::app::input::day(t, ctx.now, ctx.guild.timezone).map_err(|e| {
                if e.key == "err-date-range" {
                    e
                } else {
                    UserError::new("data-err-date").arg("value", t)
                }
            })?;
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
    let mut conn = ctx.conn().await?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    if shops.is_empty() {
        return Err(UserError::new("data-err-no-shops").into());
    }
    let names = || {
        let names: Vec<&str> = shops.iter().map(|s| s.name.as_str()).collect();
        names.join(", ")
    };
    match name {
        Some(n) => shops
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(n.trim()))
            .cloned()
            .ok_or_else(|| {
                UserError::new("data-err-shop")
                    .arg("value", n)
                    .arg("choices", names())
                    .into()
            }),
        None if shops.len() == 1 => Ok(shops[0].clone()),
        None => Err(UserError::new("data-err-which-shop")
            .arg("choices", names())
            .into()),
    }
}

fn may_enter(ctx: &Ctx<'_>) -> bool {
    crate::app::access::has(ctx, crate::app::access::Rule::DataTeam)
}

/// Longest shop name.
const SHOP_NAME_MAX: usize = 60;
/// Longest platform name.
const PLATFORM_MAX: usize = 30;

/// A `/data` command, read and checked (the shop is found when applied).
#[derive(Debug, Clone)]
pub enum DataCmd {
    AddShop {
        name: String,
        platform: String,
        currency: String,
    },
    Shops,
    Enter {
        shop: Option<String>,
        date: NaiveDate,
        figures: DayFigures,
        /// Save even figures that look wrong.
        confirm: bool,
    },
    Show {
        shop: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
    },
    Target {
        shop: Option<String>,
        amount: Money,
        /// `2026-12`.
        month: String,
    },
}

impl DataCmd {
    /// Reads `/data <sub>`'s options.
    pub fn parse(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> Result<DataCmd, UserError> {
        let shop = inv.str("shop").map(str::to_string);
        Ok(match sub {
            "shop" => match inv.str("name") {
                None => DataCmd::Shops,
                Some(name) => {
                    let name = plain_name(name, SHOP_NAME_MAX, "name")?;
                    let currency = inv.str("currency").unwrap_or("CNY").to_uppercase();
                    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
                        return Err(UserError::new("data-err-currency").arg("value", currency));
                    }
                    DataCmd::AddShop {
                        name,
                        platform: plain_name(
                            inv.str("platform").unwrap_or("other"),
                            PLATFORM_MAX,
                            "platform",
                        )?
                        .to_lowercase(),
                        currency,
                    }
                }
            },
            "enter" => {
                let date = parse_date(ctx, inv.str("date"))?;
                let today = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
                if date > today {
                    return Err(UserError::new("data-err-future").arg("value", date.to_string()));
                }
                let figures = parse_figures(inv)?;
                if figures.is_empty() {
                    return Err(UserError::new("data-err-nothing"));
                }
                DataCmd::Enter {
                    shop,
                    date,
                    figures,
                    confirm: inv.bool("confirm") == Some(true),
                }
            }
            "show" => {
                let from = parse_date(ctx, inv.str("from").or(inv.str("date")))?;
                let to = match inv.str("to") {
                    Some(t) => parse_date(ctx, Some(t))?,
                    None => from,
                };
                if to < from {
                    return Err(UserError::new("task-err-cover-order"));
                }
                if (to - from).num_days() > 366 {
                    return Err(UserError::new("data-err-range"));
                }
                DataCmd::Show { shop, from, to }
            }
            "target" => {
                let raw = inv.req_str("amount")?;
                let amount = crate::app::input::money("amount", raw)?;
                let month = match inv.str("month") {
                    Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                        .map_err(|_| UserError::new("data-err-month").arg("value", m))
                        .and_then(|d| crate::app::input::in_years(d, m))?
                        .format("%Y-%m")
                        .to_string(),
                    None => ctx
                        .now
                        .with_timezone(&ctx.guild.timezone)
                        .format("%Y-%m")
                        .to_string(),
                };
                DataCmd::Target {
                    shop,
                    amount,
                    month,
                }
            }
            _ => {
                return Err(
                    UserError::new("err-unknown-command").arg("command", format!("/data {sub}"))
                );
            }
        })
    }
}

/// Routes `/data <sub>`: parse, then apply.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match DataCmd::parse(ctx, sub, inv)? {
        DataCmd::AddShop {
            name,
            platform,
            currency,
        } => add_shop(ctx, name, platform, currency).await,
        DataCmd::Shops => shops(ctx).await,
        DataCmd::Enter {
            shop,
            date,
            figures,
            confirm,
        } => enter(ctx, shop.as_deref(), date, figures, confirm).await,
        DataCmd::Show { shop, from, to } => show(ctx, shop.as_deref(), from, to).await,
        DataCmd::Target {
            shop,
            amount,
            month,
        } => target(ctx, shop.as_deref(), amount, month).await,
    }
}

async fn add_shop(
    ctx: &Ctx<'_>,
    name: String,
    platform: String,
    currency: String,
) -> AppResult<Reply> {
    ctx.require_manager()?;
    let exists = || UserError::new("data-err-shop-exists").arg("name", name.clone());
    ctx.write(async |conn| {
        let taken = data::shops(conn, ctx.guild.guild_id)
            .await?
            .iter()
            .any(|s| s.name.to_lowercase() == name.to_lowercase());
        let added = !taken
            && data::add_shop(
                conn,
                ctx.guild.guild_id,
                &name,
                &platform,
                &currency,
                ctx.now,
            )
            .await?
            .is_some();
        if added { Ok(()) } else { Err(exists().into()) }
    })
    .await?;
    Ok(Reply::titled(tr!(
        ctx.locale,
        "data-shop-added",
        name = name.as_str(),
        platform = platform,
        currency = currency
    ))
    .severity(Severity::Success))
}

async fn shops(ctx: &Ctx<'_>) -> AppResult<Reply> {
    let l = ctx.locale;
    let mut conn = ctx.conn().await?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    let mut r = Reply::titled(l.t("data-shops-title"));
    if shops.is_empty() {
        r.lines.push(l.t("data-err-no-shops"));
    }
    for s in &shops {
        r.lines.push(format!(
            "**{}** · {} · {}",
            escape_user_text(&s.name),
            escape_user_text(&s.platform),
            s.currency
        ));
    }
    Ok(r.ephemeral())
}

/// Reads the figure options of `/data enter`.
pub fn parse_figures(inv: &Invocation) -> Result<DayFigures, UserError> {
    let mut d = DayFigures::default();
    for f in FIELDS {
        let Some(raw) = inv.str(f) else { continue };
        let v = if metrics::is_money(f) {
            crate::app::input::money(f, raw)?.0
        } else {
            crate::app::input::count(f, raw)?
        };
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

async fn enter(
    ctx: &Ctx<'_>,
    shop: Option<&str>,
    date: NaiveDate,
    given: DayFigures,
    confirm: bool,
) -> AppResult<Reply> {
    if !may_enter(ctx) {
        return Err(UserError::new("data-err-not-allowed").into());
    }
    let shop = find_shop(ctx, shop).await?;
    let l = ctx.locale;
    let outcome = ctx
        .write(async |conn| {
            let mut day = data::day(conn, shop.id, date).await?.unwrap_or_default();
            let replaced = !day.is_empty();
            day.merge(&given);
            let doubts = metrics::doubts(&day);
            if !doubts.is_empty() && !confirm {
                return Ok(Err(doubts));
            }
            let me = ctx.origin.actor.user_id;
            let changed = data::put_day(conn, shop.id, date, &day, me, "manual", ctx.now).await?;
            Ok(Ok((day, replaced, changed)))
        })
        .await?;
    let (day, replaced, changed) = match outcome {
        Ok(saved) => saved,
        Err(doubts) => {
            let mut r = Reply::titled(l.t("data-doubt-title")).severity(Severity::Warning);
            for d in &doubts {
                r.lines.push(format!("• {}", doubt_text(l, d)));
            }
            r.lines.push(l.t("data-doubt-confirm"));
            return Ok(r.ephemeral());
        }
    };
    let key = match (changed, replaced) {
        (false, _) => "data-unchanged",
        (true, true) => "data-replaced",
        (true, false) => "data-saved",
    };
    let mut r = Reply::titled(tr!(
        l,
        key,
        shop = escape_user_text(&shop.name),
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

async fn show(
    ctx: &Ctx<'_>,
    shop: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Reply> {
    let l = ctx.locale;
    let mut conn = ctx.conn().await?;
    let shops = match shop {
        Some(_) => vec![find_shop(ctx, shop).await?],
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

async fn target(
    ctx: &Ctx<'_>,
    shop: Option<&str>,
    amount: Money,
    month: String,
) -> AppResult<Reply> {
    ctx.require_manager()?;
    let shop = find_shop(ctx, shop).await?;
    ctx.write(async |conn| {
        let me = ctx.origin.actor.user_id;
        Ok(data::set_target(conn, shop.id, &month, amount, me, ctx.now).await?)
    })
    .await?;
    Ok(Reply::titled(tr!(
        ctx.locale,
        "data-target-set",
        shop = escape_user_text(&shop.name),
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
    let mut conn = ctx.conn().await?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    Ok(shops
        .into_iter()
        .filter(|s| typed.is_empty() || s.name.to_lowercase().contains(&typed))
        .map(|s| (s.name.clone(), format!("{} · {}", s.name, s.platform)))
        .collect())
}
