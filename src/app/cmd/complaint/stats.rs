//! What complaints add up to over a period: counts by category and platform, time to resolve,
//! the share within the limit and the money paid (`/complaint stats`, the summaries).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use super::view::{category_label, platform_label};
use crate::app::input::Period;
use crate::app::{AppResult, Ctx};
use crate::domain::complaint::{Outcome, Severity, change_percent};
use crate::domain::money::Money;
use crate::i18n::duration_text;
use crate::message::Reply;
use crate::store::StoreError;
use crate::store::complaints;
use crate::tr;

/// The figures of a period, for `/complaint stats` and the morning summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Logged in the period.
    pub logged: i64,
    /// Logged in the period before, of the same length.
    pub logged_before: i64,
    pub by_category: BTreeMap<String, i64>,
    pub by_platform: BTreeMap<String, i64>,
    pub serious: i64,
    /// Resolved in the period.
    pub resolved: i64,
    /// Of those, within the limit.
    pub within_limit: i64,
    /// Median time to resolve.
    pub median: Option<Duration>,
    /// 90th percentile time to resolve.
    pub p90: Option<Duration>,
    /// Refunds paid in the period (refund and partial refund), per currency.
    pub refunds: BTreeMap<String, Money>,
    /// Compensation paid in the period, per currency.
    pub compensation: BTreeMap<String, Money>,
}

/// Money per currency as "15.00 CNY · 2.00 USD", or "—" when none was paid.
pub fn per_currency(m: &BTreeMap<String, Money>) -> String {
    if m.is_empty() {
        return "—".into();
    }
    m.iter()
        .map(|(c, v)| format!("{v} {c}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Computes the figures of [from, to).
pub async fn figures(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    default_currency: &str,
) -> Result<Figures, StoreError> {
    let c = complaints::period_counts(conn, guild_id, from, to).await?;
    let mut f = Figures {
        logged_before: c.logged_before,
        resolved: c.resolved,
        within_limit: c.within_limit,
        median: c.median,
        p90: c.p90,
        ..Figures::default()
    };
    for (category, platform, severity, n) in c.logged {
        f.logged += n;
        *f.by_category.entry(category).or_default() += n;
        *f.by_platform.entry(platform).or_default() += n;
        if severity == Severity::Serious {
            f.serious += n;
        }
    }
    // Money counts when it was paid, once, whatever happened to the complaint afterwards.
    for (outcome, currency, amount) in complaints::payment_sums(conn, guild_id, from, to).await? {
        let currency = if currency.is_empty() {
            default_currency.to_string()
        } else {
            currency
        };
        let slot = match outcome {
            Outcome::Refund | Outcome::PartialRefund => &mut f.refunds,
            Outcome::Compensation => &mut f.compensation,
            _ => continue,
        };
        let sum = slot.entry(currency).or_default();
        sum.0 = crate::domain::metrics::total([sum.0, amount.0]);
    }
    Ok(f)
}

pub(super) async fn stats(ctx: &Ctx<'_>, period: Period) -> AppResult<Reply> {
    let Period {
        from,
        to,
        label: label_text,
    } = period;
    let mut conn = ctx.conn().await?;
    let f = figures(
        &mut conn,
        ctx.guild.guild_id,
        from,
        to,
        &ctx.app.config.defaults.currency,
    )
    .await?;
    let l = ctx.locale;
    let change = change_percent(f.logged_before, f.logged)
        .map(|p| format!("{p:+.0}%"))
        .unwrap_or_else(|| "—".into());
    let share = if f.resolved > 0 {
        format!("{:.0}%", 100.0 * f.within_limit as f64 / f.resolved as f64)
    } else {
        "—".into()
    };
    let dur = |d: Option<Duration>| d.map(|d| duration_text(l, d)).unwrap_or_else(|| "—".into());
    let list = |m: &BTreeMap<String, i64>, f: &dyn Fn(&str) -> String| {
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let s: Vec<String> = v.iter().map(|(k, n)| format!("{} {n}", f(k))).collect();
        if s.is_empty() {
            "—".to_string()
        } else {
            s.join(" · ")
        }
    };
    let r = Reply::titled(tr!(l, "complaint-stats-title", period = label_text))
        .field(
            l.t("complaint-stats-logged"),
            format!(
                "{} ({} {})",
                f.logged,
                change,
                l.t("complaint-stats-vs-before")
            ),
            true,
        )
        .field(l.t("complaint-stats-serious"), f.serious.to_string(), true)
        .field(
            l.t("complaint-stats-resolved"),
            f.resolved.to_string(),
            true,
        )
        .field(l.t("complaint-stats-within"), share, true)
        .field(l.t("complaint-stats-median"), dur(f.median), true)
        .field(l.t("complaint-stats-p90"), dur(f.p90), true)
        .field(
            l.t("complaint-stats-refunds"),
            per_currency(&f.refunds),
            true,
        )
        .field(
            l.t("complaint-stats-compensation"),
            per_currency(&f.compensation),
            true,
        )
        .field(
            l.t("complaint-field-category"),
            list(&f.by_category, &|k| category_label(l, k)),
            false,
        )
        .field(
            l.t("complaint-field-platform"),
            list(&f.by_platform, &|k| platform_label(l, k)),
            false,
        );
    Ok(r.ephemeral())
}
