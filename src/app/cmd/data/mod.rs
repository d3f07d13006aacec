//! `/data ...`: the shops, their daily figures (entered by hand; imports come later), targets.
//! Negative figures are refused; absurd ones need `confirm:true`. Re-entering a day replaces
//! the figures given and keeps who changed what.

mod export;
mod groups;

pub use groups::{
    CurrencyGroup, CurrencyTotals, add_group, by_currency, by_currency_totals, currencies,
    total_pairs,
};

use chrono::{Datelike, Duration, NaiveDate};

use crate::app::input::plain_name;
use crate::app::{AppResult, Ctx, Invocation, Suggestions, UserError};
use crate::domain::metrics::{self, Coverage, DayFigures, Derived, Doubt, FIELDS, Rate, RoiGrade};
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

/// What a total shows when it is [`metrics::OUT_OF_RANGE`]: figures stored before the ranges
/// existed add up beyond what can be counted.
fn out_of_range(l: Locale) -> String {
    l.t("data-out-of-range")
}

/// Cents as money, or "—".
pub fn money_f(v: Option<f64>) -> String {
    v.map(|c| Money(c.round() as i64).to_string())
        .unwrap_or_else(|| "—".into())
}

/// A count with thousands separators, "—", or "out of range".
pub fn count(l: Locale, v: Option<i64>) -> String {
    if v == Some(metrics::OUT_OF_RANGE) {
        return out_of_range(l);
    }
    v.map(|n| {
        let s = n.unsigned_abs().to_string();
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
pub fn field_text(l: Locale, d: &DayFigures, f: &str) -> String {
    match d.get(f) {
        Some(metrics::OUT_OF_RANGE) => out_of_range(l),
        Some(c) if metrics::is_money(f) => Money(c).to_string(),
        v => count(l, v),
    }
}

/// A stored value of a figure (count or cents) as shown.
pub fn value_text(l: Locale, f: &str, v: i64) -> String {
    if v == metrics::OUT_OF_RANGE {
        out_of_range(l)
    } else if metrics::is_money(f) {
        Money(v).to_string()
    } else {
        count(l, Some(v))
    }
}

/// Who or what set a figure, in words: typed by hand, a shop overview import, an ad
/// platform's report.
pub fn source_text(l: Locale, s: &str) -> String {
    match crate::domain::source::parts(s) {
        ("manual", _) => l.t("data-source-manual"),
        ("ads", Some(p)) => tr!(l, "data-source-ads", platform = p),
        (_, Some(p)) => tr!(l, "data-source-shop", platform = p),
        _ => l.t("data-source-import"),
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

/// A rate with the shops it is computed over, when that is not all of them.
fn with_cover(l: Locale, text: String, cover: Option<(usize, usize)>) -> String {
    match cover {
        Some((n, m)) if n > 0 && n < m && text != "—" => {
            format!("{text} {}", tr!(l, "data-over-shops", n = n, m = m))
        }
        _ => text,
    }
}

/// The rates as (label, value) pairs; conversion and order value fall back to orders where
/// buyers are not reported (Amazon), labelled so; with a coverage, a rate computed over fewer
/// shops than have figures says over how many.
pub fn rate_pairs(l: Locale, d: &Derived, cov: Option<&Coverage>) -> Vec<(String, String)> {
    let cover = |r: Rate| cov.map(|c| (c.of_rate(r), c.shops));
    let (conv, conv_rate) = match (d.conversion, d.order_conversion) {
        (None, Some(o)) => (
            format!("{} {}", pct(Some(o)), l.t("data-by-orders")),
            Rate::OrderConversion,
        ),
        (c, _) => (pct(c), Rate::Conversion),
    };
    let (aov, aov_rate) = match (d.avg_order_value, d.order_value) {
        (None, Some(o)) => (
            format!("{} {}", money_f(Some(o)), l.t("data-by-orders")),
            Rate::OrderValue,
        ),
        (a, _) => (money_f(a), Rate::AvgOrderValue),
    };
    vec![
        (
            l.t("data-rate-payment"),
            with_cover(l, pct(d.payment_rate), cover(Rate::Payment)),
        ),
        (
            l.t("data-rate-conversion"),
            with_cover(l, conv, cover(conv_rate)),
        ),
        (l.t("data-rate-aov"), with_cover(l, aov, cover(aov_rate))),
        (
            l.t("data-rate-uv-value"),
            with_cover(
                l,
                money_f(d.value_per_visitor),
                cover(Rate::ValuePerVisitor),
            ),
        ),
        (
            l.t("data-rate-refund"),
            with_cover(l, pct(d.refund_rate), cover(Rate::Refund)),
        ),
        (
            l.t("data-rate-inquiry"),
            with_cover(l, pct(d.inquiry_conversion), cover(Rate::Inquiry)),
        ),
        (
            l.t("data-rate-roas"),
            with_cover(
                l,
                d.roas
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "—".into()),
                cover(Rate::Roas),
            ),
        ),
        (
            l.t("data-rate-roi"),
            with_cover(l, roi_text(l, d.roi), cover(Rate::Roi)),
        ),
    ]
}

/// The rates of a day as fields.
pub fn derived_fields(l: Locale, d: &Derived, mut r: Reply) -> Reply {
    for (name, value) in rate_pairs(l, d, None) {
        r = r.field(name, value, true);
    }
    r
}

/// A money value with its currency ("1,299.00 CNY"), "—", or "out of range".
pub fn money_in(l: Locale, m: Option<Money>, currency: &str) -> String {
    match m {
        Some(Money(metrics::OUT_OF_RANGE)) => out_of_range(l),
        Some(m) => format!("{m} {currency}"),
        None => "—".into(),
    }
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
        let names: Vec<String> = shops.iter().map(|s| escape_user_text(&s.name)).collect();
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
    /// `/data export`.
    Export(export::DataExport),
    History {
        shop: Option<String>,
        date: NaiveDate,
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
            "history" => DataCmd::History {
                shop,
                date: parse_date(ctx, inv.str("date"))?,
            },
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
            "export" => DataCmd::Export(export::DataExport::parse(ctx, inv)?),
            _ => return Err(inv.unknown()),
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
        DataCmd::Export(x) => export::export(ctx, x).await,
        DataCmd::History { shop, date } => history(ctx, shop.as_deref(), date).await,
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
        platform = platform_shown(ctx.locale, &platform),
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
            escape_user_text(&platform_shown(l, &s.platform)),
            s.currency
        ));
    }
    Ok(r.ephemeral())
}

/// A shop's platform as a reader of `l` names it (`tmall` -> 天猫, `other` -> 其他); the key
/// as typed for an English reader, and for a platform the catalogs do not name.
fn platform_shown(l: Locale, key: &str) -> String {
    let k = format!("complaint-platform-{key}");
    if l != Locale::EnUs && l.has(&k) {
        l.t(&k)
    } else {
        key.to_string()
    }
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
            let (mut day, mut sources) = data::day_sourced(conn, shop.id, date)
                .await?
                .unwrap_or_default();
            let replaced = !day.is_empty();
            day.merge(&given);
            // What was typed is typed by hand, even where it repeats the stored value.
            for f in FIELDS.iter().filter(|f| given.get(f).is_some()) {
                sources.insert(f.to_string(), crate::domain::source::MANUAL.to_string());
            }
            let doubts = metrics::doubts(&day);
            if !doubts.is_empty() && !confirm {
                return Ok(Err(doubts));
            }
            let me = ctx.origin.actor.user_id;
            let changed = data::put_day_sourced(
                conn,
                shop.id,
                date,
                &day,
                Some(&sources),
                me,
                crate::domain::source::MANUAL,
                ctx.now,
            )
            .await?;
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
            r = r.field(
                l.t(&format!("data-field-{f}")),
                field_text(l, &day, f),
                true,
            );
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
    let groups = by_currency_totals(&mut conn, &shops, from, to, false).await?;
    let names: Vec<String> = shops.iter().map(|s| escape_user_text(&s.name)).collect();
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
    let groups: Vec<CurrencyTotals> = groups.into_iter().filter(|g| g.has_days()).collect();
    if groups.is_empty() {
        r.lines.push(l.t("data-show-empty"));
        return Ok(r.ephemeral());
    }
    let one = groups.len() == 1;
    for g in &groups {
        let total = g.total();
        let mut pairs = total_pairs(l, &total, &g.currency, FIELDS);
        let cov = g.coverage();
        pairs.extend(rate_pairs(l, &g.rates(), Some(&cov)));
        r = add_group(r, l, one, g, pairs);
    }
    if !one {
        r.lines.push(l.t("data-show-no-mixing"));
    }
    Ok(r.ephemeral())
}

/// `/data history`: each change of a shop's day, newest first — who (or which import) set
/// which figures, when, and the value before — and the source of each figure as it stands.
async fn history(ctx: &Ctx<'_>, shop: Option<&str>, date: NaiveDate) -> AppResult<Reply> {
    let l = ctx.locale;
    let shop = find_shop(ctx, shop).await?;
    let mut conn = ctx.conn().await?;
    let changes = data::day_changes(&mut conn, shop.id, date).await?;
    let mut r = Reply::titled(tr!(
        l,
        "data-history-title",
        shop = escape_user_text(&shop.name),
        date = date.to_string()
    ));
    if changes.is_empty() {
        r.lines.push(l.t("data-history-empty"));
        return Ok(r);
    }
    if let Some((day, sources)) = data::day_sourced(&mut conn, shop.id, date).await? {
        r.lines.push(l.t("data-history-now"));
        for f in FIELDS {
            if let (Some(v), Some(s)) = (day.get(f), sources.get(*f)) {
                r.lines.push(format!(
                    "• {}: {} ({})",
                    l.t(&format!("data-field-{f}")),
                    value_text(l, f, v),
                    source_text(l, s)
                ));
            }
        }
    }
    r.lines.push(l.t("data-history-changes"));
    for c in changes.iter().take(HISTORY_MAX) {
        let by = match &c.source {
            Some(s) => source_text(l, s),
            None => l.t("data-source-unknown"),
        };
        let who = if c.by == 0 {
            l.t("data-history-command-line")
        } else {
            format!("<@{}>", c.by)
        };
        r.lines.push(tr!(
            l,
            "data-history-entry",
            at = format!("<t:{}:f>", c.at.timestamp()),
            who = who,
            source = by
        ));
        for f in FIELDS {
            let old = c.old.as_ref().and_then(|o| o.get(f));
            let new = c.new.get(f);
            if old == new {
                continue;
            }
            let show = |v: Option<i64>| v.map_or_else(|| "—".to_string(), |v| value_text(l, f, v));
            r.lines.push(format!(
                "  {}: {} → {}",
                l.t(&format!("data-field-{f}")),
                show(old),
                show(new)
            ));
        }
    }
    if changes.len() > HISTORY_MAX {
        r.lines.push(tr!(
            l,
            "data-history-more",
            count = changes.len() - HISTORY_MAX
        ));
    }
    Ok(r)
}

/// Changes listed by `/data history` (the rest are counted).
const HISTORY_MAX: usize = 10;

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
pub async fn autocomplete(ctx: &Ctx<'_>, inv: &Invocation, focused: &str) -> Suggestions {
    if focused != "shop" {
        return Ok(vec![]);
    }
    let typed = inv.str("shop").unwrap_or("").to_lowercase();
    let mut conn = ctx.conn().await?;
    let shops = data::shops(&mut conn, ctx.guild.guild_id).await?;
    Ok(shops
        .into_iter()
        .filter(|s| typed.is_empty() || s.name.to_lowercase().contains(&typed))
        .map(|s| {
            let platform = platform_shown(ctx.locale, &s.platform);
            (s.name.clone(), format!("{} · {platform}", s.name))
        })
        .collect())
}
