//! The shops grouped by currency, and what their days add up to: `/data show`, the summaries
//! and the review never add two currencies together.

use chrono::NaiveDate;

use super::{field_text, money_in};
use crate::domain::metrics::{self, Coverage, DayFigures, Derived};
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::message::{Reply, escape_user_text};
use crate::store::data::{self, Shop};
use crate::tr;

/// The currencies of the shops, most shops first (ties: the first shop's first).
pub fn currencies(shops: &[Shop]) -> Vec<String> {
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

/// The shops of one currency and their days in a range: money is only ever added up inside
/// one of these.
#[derive(Debug, Clone)]
pub struct CurrencyGroup {
    pub currency: String,
    pub shops: Vec<Shop>,
    /// Per shop (same order), its days that have figures.
    pub days: Vec<Vec<(NaiveDate, DayFigures)>>,
}

impl CurrencyGroup {
    /// Every shop-day of the group.
    pub fn rows(&self) -> Vec<DayFigures> {
        self.days
            .iter()
            .flat_map(|d| d.iter().map(|(_, f)| f.clone()))
            .collect()
    }

    /// Each figure summed over the shop-days that report it (None when none does).
    pub fn total(&self) -> DayFigures {
        let mut t = DayFigures::default();
        for d in self.rows() {
            t.add(&d);
        }
        t
    }

    /// The rates over the shop-days that report both parts of each.
    pub fn rates(&self) -> Derived {
        Derived::of_days(&self.rows())
    }

    /// How many shops each rate is computed over.
    pub fn coverage(&self) -> Coverage {
        let per_shop: Vec<Vec<DayFigures>> = self
            .days
            .iter()
            .map(|d| d.iter().map(|(_, f)| f.clone()).collect())
            .collect();
        Coverage::of(&per_shop)
    }

    /// The amount paid per day, summed over the shops that reported it that day; only days
    /// with a reported amount, in date order.
    pub fn paid_per_day(&self) -> Vec<(NaiveDate, Money)> {
        let mut out: std::collections::BTreeMap<NaiveDate, Vec<i64>> = Default::default();
        for shop in &self.days {
            for (d, f) in shop {
                if let Some(p) = f.paid_amount {
                    out.entry(*d).or_default().push(p.0);
                }
            }
        }
        out.into_iter()
            .map(|(d, c)| (d, Money(metrics::total(c))))
            .collect()
    }
}

/// The shops grouped by currency (most used currency first), with their days in [from, to].
pub async fn by_currency(
    conn: &mut sqlx::SqliteConnection,
    shops: &[Shop],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CurrencyGroup>, crate::store::StoreError> {
    let mut out = Vec::new();
    for currency in currencies(shops) {
        let mut g = CurrencyGroup {
            currency: currency.clone(),
            shops: Vec::new(),
            days: Vec::new(),
        };
        for s in shops.iter().filter(|s| s.currency == currency) {
            g.days.push(data::range(conn, s.id, from, to).await?);
            g.shops.push(s.clone());
        }
        out.push(g);
    }
    Ok(out)
}

/// The shops of one currency and what their days in a range add up to, read from the store's
/// rollups (a year of 20 shops is a few hundred rollup rows, not 7,300 stored days): the same
/// totals, rates and coverage as a [`CurrencyGroup`] of the same range.
#[derive(Debug, Clone)]
pub struct CurrencyTotals {
    pub currency: String,
    pub shops: Vec<Shop>,
    /// Per shop (same order).
    pub per_shop: Vec<data::RangeTotals>,
    /// The amount paid per day over the shops that reported it (only when asked for).
    pub per_day: Vec<(NaiveDate, Money)>,
}

impl CurrencyTotals {
    /// Whether any shop has a stored day in the range.
    pub fn has_days(&self) -> bool {
        self.per_shop.iter().any(|t| t.rows > 0)
    }

    /// Each figure summed over the shop-days that report it (None when none does).
    pub fn total(&self) -> DayFigures {
        let mut t = DayFigures::default();
        for s in &self.per_shop {
            t.add(&s.total);
        }
        t
    }

    /// The rates over the shop-days that report both parts of each.
    pub fn rates(&self) -> Derived {
        let mut sums = [metrics::RateSum::default(); 10];
        for s in &self.per_shop {
            for (a, b) in sums.iter_mut().zip(&s.rates) {
                a.add(b);
            }
        }
        Derived::of_sums(&sums)
    }

    /// How many shops each rate is computed over.
    pub fn coverage(&self) -> Coverage {
        Coverage::of_sums(self.per_shop.iter().map(|s| (s.days > 0, &s.rates)))
    }

    /// The amount paid per day (read when `per_day` was asked for).
    pub fn paid_per_day(&self) -> Vec<(NaiveDate, Money)> {
        self.per_day.clone()
    }
}

/// Adds one currency group's figures to `r`: inline fields when it is the only group, else one
/// field titled with its currency and its shops.
pub fn add_group(
    mut r: Reply,
    l: Locale,
    one: bool,
    g: &CurrencyTotals,
    pairs: Vec<(String, String)>,
) -> Reply {
    if one {
        for (name, value) in pairs {
            r = r.field(name, value, true);
        }
        return r;
    }
    let body: Vec<String> = pairs
        .into_iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    let names: Vec<String> = g.shops.iter().map(|s| escape_user_text(&s.name)).collect();
    let shops = names.join(", ");
    let title = tr!(
        l,
        "data-show-group",
        currency = g.currency.as_str(),
        shops = shops
    );
    r.field(
        title,
        body.join(
            "
",
        ),
        false,
    )
}

/// The shops grouped by currency (most used currency first), with what their days in
/// [from, to] add up to; `per_day`: also the amount paid per day.
pub async fn by_currency_totals(
    conn: &mut sqlx::SqliteConnection,
    shops: &[Shop],
    from: NaiveDate,
    to: NaiveDate,
    per_day: bool,
) -> Result<Vec<CurrencyTotals>, crate::store::StoreError> {
    let mut out = Vec::new();
    for currency in currencies(shops) {
        let shops: Vec<Shop> = shops
            .iter()
            .filter(|s| s.currency == currency)
            .cloned()
            .collect();
        let ids: Vec<i64> = shops.iter().map(|s| s.id).collect();
        let per_shop = data::range_totals(conn, &ids, from, to).await?;
        let per_day = if per_day {
            data::paid_per_day(conn, &ids, from, to).await?
        } else {
            Vec::new()
        };
        out.push(CurrencyTotals {
            currency,
            shops,
            per_shop,
            per_day,
        });
    }
    Ok(out)
}

/// (label, value) of each of `fields` in `total`, money in `currency`.
pub fn total_pairs(
    l: Locale,
    total: &DayFigures,
    currency: &str,
    fields: &[&str],
) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| {
            let v = if metrics::is_money(f) {
                money_in(l, total.get(f).map(Money), currency)
            } else {
                field_text(l, total, f)
            };
            (l.t(&format!("data-field-{f}")), v)
        })
        .collect()
}
