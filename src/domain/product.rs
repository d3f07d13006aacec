//! One product's figures for one day, from a platform's item export (生意参谋 商品_全部). Kept
//! per product and never added into the shop's day: a buyer who looks at five products is one
//! shop visitor but five product visitors, so the sums would be wrong.

use serde::{Deserialize, Serialize};

use super::metrics::DayFigures;
use super::money::Money;

/// The figure names a product column may map to, as mappings and the README spell them.
pub const PRODUCT_FIELDS: &[&str] = &[
    "uv",
    "pv",
    "paying-buyers",
    "units",
    "paid-amount",
    "refund-amount",
];

/// A product's figures for a day. `None` = not in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFigures {
    /// 商品访客数: visitors of the product's page.
    pub uv: Option<i64>,
    /// 商品浏览量: views of the product's page.
    pub pv: Option<i64>,
    /// 支付买家数: buyers who paid for it.
    pub paying_buyers: Option<i64>,
    /// 支付件数: units paid for.
    pub units: Option<i64>,
    /// 支付金额: amount paid for it.
    pub paid_amount: Option<Money>,
    /// 成功退款金额: refunds completed on it.
    pub refund_amount: Option<Money>,
}

impl ProductFigures {
    /// A figure by name (money in cents).
    pub fn get(&self, field: &str) -> Option<i64> {
        match field {
            "uv" => self.uv,
            "pv" => self.pv,
            "paying-buyers" => self.paying_buyers,
            "units" => self.units,
            "paid-amount" => self.paid_amount.map(|m| m.0),
            "refund-amount" => self.refund_amount.map(|m| m.0),
            _ => None,
        }
    }

    /// Sets a figure by name (money in cents); unknown names are ignored (mappings are
    /// checked against [`PRODUCT_FIELDS`] when they are read).
    pub fn set(&mut self, field: &str, v: Option<i64>) {
        match field {
            "uv" => self.uv = v,
            "pv" => self.pv = v,
            "paying-buyers" => self.paying_buyers = v,
            "units" => self.units = v,
            "paid-amount" => self.paid_amount = v.map(Money),
            "refund-amount" => self.refund_amount = v.map(Money),
            _ => {}
        }
    }

    /// Copies every figure `other` has over this one (a re-import replaces what the file has
    /// and keeps the rest).
    pub fn merge(&mut self, other: &ProductFigures) {
        for f in PRODUCT_FIELDS {
            if let Some(v) = other.get(f) {
                self.set(f, Some(v));
            }
        }
    }

    /// The same figures as a shop day, only to check a file's rates against its counts
    /// (conversion = paying buyers ÷ visitors holds for a product too).
    pub fn as_day(&self) -> DayFigures {
        DayFigures {
            pv: self.pv,
            uv: self.uv,
            paying_buyers: self.paying_buyers,
            paid_amount: self.paid_amount,
            refund_amount: self.refund_amount,
            ..DayFigures::default()
        }
    }
}

/// A product on a day: its name as the file has it, and its figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDay {
    /// 商品名称 (the product's title); the id when the file has no name.
    pub name: String,
    pub figures: ProductFigures,
}

impl ProductDay {
    /// The row as it would be stored: the stored figures with the file's replacing those it
    /// has, and the file's name.
    pub fn merged(stored: Option<&ProductDay>, imported: &ProductDay) -> ProductDay {
        let mut out = stored.cloned().unwrap_or_default();
        out.figures.merge(&imported.figures);
        if !imported.name.is_empty() {
            out.name = imported.name.clone();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_round_trips_and_merge_keeps_what_the_file_lacks() {
        let mut a = ProductFigures::default();
        for (i, f) in PRODUCT_FIELDS.iter().enumerate() {
            a.set(f, Some(i as i64 + 1));
            assert_eq!(a.get(f), Some(i as i64 + 1), "{f}");
        }
        let mut b = ProductFigures {
            units: Some(99),
            ..Default::default()
        };
        b.merge(&ProductFigures {
            paid_amount: Some(Money(500)),
            ..Default::default()
        });
        assert_eq!((b.units, b.paid_amount), (Some(99), Some(Money(500))));
        let stored = ProductDay {
            name: "old".into(),
            figures: b.clone(),
        };
        let m = ProductDay::merged(
            Some(&stored),
            &ProductDay {
                name: String::new(),
                figures: ProductFigures {
                    units: Some(1),
                    ..Default::default()
                },
            },
        );
        assert_eq!((m.name.as_str(), m.figures.units), ("old", Some(1)));
        assert_eq!(m.figures.paid_amount, Some(Money(500)));
    }
}
