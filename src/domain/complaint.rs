//! Customer complaints: severities, outcomes, the handling limit, and the figures of a period.

use chrono::Duration;

/// How bad a complaint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Handled by customer service within the limit.
    Normal,
    /// A crisis: the managers are alerted the moment it is logged.
    Serious,
}

impl Severity {
    /// Every severity, as offered.
    pub const ALL: [Severity; 2] = [Severity::Normal, Severity::Serious];
    super::keys_of_all!(2);

    /// Stored and typed form.
    pub const fn key(self) -> &'static str {
        match self {
            Severity::Normal => "normal",
            Severity::Serious => "serious",
        }
    }

    /// Parses the key or the Chinese word.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_lowercase().as_str() {
            "normal" | "一般" | "普通" => Some(Severity::Normal),
            "serious" | "严重" => Some(Severity::Serious),
            _ => None,
        }
    }
}

/// How a complaint ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Full refund.
    Refund,
    /// Part of the price back.
    PartialRefund,
    /// Goods returned.
    Return,
    /// Goods exchanged.
    Exchange,
    /// Sent again.
    Reship,
    /// Money or a coupon as compensation.
    Compensation,
    /// Explained, nothing else.
    Explanation,
    /// Not accepted.
    Rejected,
}

impl Outcome {
    /// Every outcome, as offered.
    pub const ALL: [Outcome; 8] = [
        Outcome::Refund,
        Outcome::PartialRefund,
        Outcome::Return,
        Outcome::Exchange,
        Outcome::Reship,
        Outcome::Compensation,
        Outcome::Explanation,
        Outcome::Rejected,
    ];

    super::keys_of_all!(8);

    /// Stored and typed form.
    pub const fn key(self) -> &'static str {
        match self {
            Outcome::Refund => "refund",
            Outcome::PartialRefund => "partial-refund",
            Outcome::Return => "return",
            Outcome::Exchange => "exchange",
            Outcome::Reship => "reship",
            Outcome::Compensation => "compensation",
            Outcome::Explanation => "explanation",
            Outcome::Rejected => "rejected",
        }
    }

    /// Parses the key.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.key() == s.trim().to_lowercase())
    }

    /// Outcomes that pay money, so an amount is expected with them.
    pub fn pays(self) -> bool {
        matches!(
            self,
            Outcome::Refund | Outcome::PartialRefund | Outcome::Compensation
        )
    }
}

/// The shipped categories (configurable in `[complaints] categories`).
pub const CATEGORIES: &[&str] = &[
    "not-as-described",
    "quality",
    "wrong-size",
    "colour",
    "wrong-item",
    "missing-items",
    "damaged",
    "late-shipment",
    "logistics",
    "service-attitude",
    "refund-dispute",
    "other",
];

/// The shipped platforms (configurable in `[complaints] platforms`).
pub const PLATFORMS: &[&str] = &[
    "tmall",
    "taobao",
    "jd",
    "aliexpress",
    "amazon",
    "ebay",
    "shopify",
    "other",
];

/// The value at quantile `q` (0..=1) of sorted durations, nearest rank; None when empty.
pub fn quantile(sorted: &[Duration], q: f64) -> Option<Duration> {
    quantile_index(sorted.len(), q).map(|i| sorted[i])
}

/// Where the `q` quantile sits in `n` sorted values (nearest rank, counted from 0), for a
/// store that sorts in SQL and reads the one value.
pub fn quantile_index(n: usize, q: f64) -> Option<usize> {
    if n == 0 {
        return None;
    }
    Some(((q * n as f64).ceil() as usize).clamp(1, n) - 1)
}

/// Change from `before` to `now` in percent; None when there was nothing before.
pub fn change_percent(before: i64, now: i64) -> Option<f64> {
    if before == 0 {
        return None;
    }
    Some((now - before) as f64 * 100.0 / before as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let d: Vec<Duration> = (1..=10).map(Duration::hours).collect();
        assert_eq!(quantile(&d, 0.5), Some(Duration::hours(5)));
        assert_eq!(quantile(&d, 0.9), Some(Duration::hours(9)));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(change_percent(0, 5), None);
        assert_eq!(change_percent(4, 5), Some(25.0));
    }
}
