//! The shop's daily figures and every rate derived from them, with the formulas in one place
//! (the README documents them). Money is exact cents; a rate whose denominator is zero or
//! missing is `None` and shown as "—", never NaN or infinity.

use serde::{Deserialize, Serialize};

use super::money::Money;

/// A total beyond what an `i64` holds. Only figures stored before the documented ranges
/// existed (counts 10^12, money 10^13) can add up to it; a sum that gets there is this value,
/// shown as "out of range" instead of a wrapped or negative number.
pub const OUT_OF_RANGE: i64 = i64::MAX;

/// Adds figures without wrapping: summed in `i128`, a total outside `i64` (or a part already
/// [`OUT_OF_RANGE`], or `i64::MIN`, which no range allows) is [`OUT_OF_RANGE`].
pub fn total(values: impl IntoIterator<Item = i64>) -> i64 {
    let mut sum: i128 = 0;
    for v in values {
        if v == OUT_OF_RANGE || v == i64::MIN {
            return OUT_OF_RANGE;
        }
        sum += i128::from(v);
    }
    i64::try_from(sum).unwrap_or(OUT_OF_RANGE)
}

/// One shop's figures for one day. `None` = not entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    /// 浏览量: page views, repeats counted.
    pub pv: Option<i64>,
    /// 访客数: unique visitors.
    pub uv: Option<i64>,
    /// 下单买家数: buyers who placed orders.
    pub ordering_buyers: Option<i64>,
    /// 下单金额: amount ordered, paid or not.
    pub order_amount: Option<Money>,
    /// 支付买家数: buyers who paid.
    pub paying_buyers: Option<i64>,
    /// 支付金额: amount paid.
    pub paid_amount: Option<Money>,
    /// 支付子订单数: paid line items / orders.
    pub paid_orders: Option<i64>,
    /// 成功退款金额: refunds completed.
    pub refund_amount: Option<Money>,
    /// Refunded orders.
    pub refund_orders: Option<i64>,
    /// Customer-service inquiries.
    pub inquiries: Option<i64>,
    /// Inquiries that led to a payment.
    pub inquiries_paid: Option<i64>,
    /// Advertising spend.
    pub ad_spend: Option<Money>,
    /// Sales attributed to advertising.
    pub ad_sales: Option<Money>,
    /// Free-shipping cost.
    pub shipping_cost: Option<Money>,
    /// Discounts and promotions.
    pub discount_cost: Option<Money>,
}

/// The field names, as options and columns use them, in display order.
pub const FIELDS: &[&str] = &[
    "pv",
    "uv",
    "ordering-buyers",
    "order-amount",
    "paying-buyers",
    "paid-amount",
    "paid-orders",
    "refund-amount",
    "refund-orders",
    "inquiries",
    "inquiries-paid",
    "ad-spend",
    "ad-sales",
    "shipping-cost",
    "discount-cost",
];

/// Whether a field holds money (the rest are counts).
pub fn is_money(field: &str) -> bool {
    field.ends_with("amount")
        || field.ends_with("spend")
        || field.ends_with("sales")
        || field.ends_with("cost")
}

/// A field's value, for generic display: counts as i64, money as cents.
impl DayFigures {
    /// The value of a field by name (money in cents).
    pub fn get(&self, field: &str) -> Option<i64> {
        match field {
            "pv" => self.pv,
            "uv" => self.uv,
            "ordering-buyers" => self.ordering_buyers,
            "order-amount" => self.order_amount.map(|m| m.0),
            "paying-buyers" => self.paying_buyers,
            "paid-amount" => self.paid_amount.map(|m| m.0),
            "paid-orders" => self.paid_orders,
            "refund-amount" => self.refund_amount.map(|m| m.0),
            "refund-orders" => self.refund_orders,
            "inquiries" => self.inquiries,
            "inquiries-paid" => self.inquiries_paid,
            "ad-spend" => self.ad_spend.map(|m| m.0),
            "ad-sales" => self.ad_sales.map(|m| m.0),
            "shipping-cost" => self.shipping_cost.map(|m| m.0),
            "discount-cost" => self.discount_cost.map(|m| m.0),
            _ => None,
        }
    }

    /// Sets a field by name (money in cents).
    pub fn set(&mut self, field: &str, v: Option<i64>) {
        let m = v.map(Money);
        match field {
            "pv" => self.pv = v,
            "uv" => self.uv = v,
            "ordering-buyers" => self.ordering_buyers = v,
            "order-amount" => self.order_amount = m,
            "paying-buyers" => self.paying_buyers = v,
            "paid-amount" => self.paid_amount = m,
            "paid-orders" => self.paid_orders = v,
            "refund-amount" => self.refund_amount = m,
            "refund-orders" => self.refund_orders = v,
            "inquiries" => self.inquiries = v,
            "inquiries-paid" => self.inquiries_paid = v,
            "ad-spend" => self.ad_spend = m,
            "ad-sales" => self.ad_sales = m,
            "shipping-cost" => self.shipping_cost = m,
            "discount-cost" => self.discount_cost = m,
            _ => {}
        }
    }

    /// Copies every field `other` has over this one (re-entering a day replaces what is given).
    pub fn merge(&mut self, other: &DayFigures) {
        for f in FIELDS {
            if let Some(v) = other.get(f) {
                self.set(f, Some(v));
            }
        }
    }

    /// Adds another shop's day (for totals); a field is known when any shop has it.
    pub fn add(&mut self, other: &DayFigures) {
        for f in FIELDS {
            let sum = match (self.get(f), other.get(f)) {
                (Some(a), Some(b)) => Some(total([a, b])),
                (a, b) => a.or(b),
            };
            self.set(f, sum);
        }
    }

    /// Whether nothing was entered.
    pub fn is_empty(&self) -> bool {
        FIELDS.iter().all(|f| self.get(f).is_none())
    }

    /// The operating cost of the seed's store ROI: ad spend + free shipping + discounts.
    pub fn operating_cost(&self) -> Option<Money> {
        let parts = [self.ad_spend, self.shipping_cost, self.discount_cost];
        if parts.iter().all(Option::is_none) {
            return None;
        }
        Some(Money(total(parts.iter().flatten().map(|m| m.0))))
    }
}

fn ratio(num: Option<i128>, den: Option<i128>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d != 0 => Some(n as f64 / d as f64),
        _ => None,
    }
}

/// A rate: a numerator and a denominator taken from the same shop's same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// Paying buyers ÷ ordering buyers.
    Payment,
    /// Paying buyers ÷ UV.
    Conversion,
    /// Paid orders ÷ UV, for platforms that report orders but not buyers (Amazon's
    /// order-based "unit session percentage" counterpart).
    OrderConversion,
    /// Paid amount ÷ paying buyers.
    AvgOrderValue,
    /// Paid amount ÷ paid orders (when buyers are not reported).
    OrderValue,
    /// Paid amount ÷ UV.
    ValuePerVisitor,
    /// Refund amount ÷ paid amount.
    Refund,
    /// Inquiries that paid ÷ inquiries.
    Inquiry,
    /// Ad sales ÷ ad spend.
    Roas,
    /// Paid amount ÷ operating cost.
    Roi,
}

impl Rate {
    /// Every rate.
    pub const ALL: [Rate; 10] = [
        Rate::Payment,
        Rate::Conversion,
        Rate::OrderConversion,
        Rate::AvgOrderValue,
        Rate::OrderValue,
        Rate::ValuePerVisitor,
        Rate::Refund,
        Rate::Inquiry,
        Rate::Roas,
        Rate::Roi,
    ];

    /// The numerator and denominator of this rate in a day's figures (money in cents).
    pub fn parts(self, d: &DayFigures) -> (Option<i64>, Option<i64>) {
        let paid = d.paid_amount.map(|m| m.0);
        match self {
            Rate::Payment => (d.paying_buyers, d.ordering_buyers),
            Rate::Conversion => (d.paying_buyers, d.uv),
            Rate::OrderConversion => (d.paid_orders, d.uv),
            Rate::AvgOrderValue => (paid, d.paying_buyers),
            Rate::OrderValue => (paid, d.paid_orders),
            Rate::ValuePerVisitor => (paid, d.uv),
            Rate::Refund => (d.refund_amount.map(|m| m.0), paid),
            Rate::Inquiry => (d.inquiries_paid, d.inquiries),
            Rate::Roas => (d.ad_sales.map(|m| m.0), d.ad_spend.map(|m| m.0)),
            Rate::Roi => (paid, d.operating_cost().map(|m| m.0)),
        }
    }

    /// Whether a day reports both parts of this rate.
    pub fn reported(self, d: &DayFigures) -> bool {
        matches!(self.parts(d), (Some(_), Some(_)))
    }

    /// The rate over several days (of one or several shops of one currency): numerators and
    /// denominators are summed over the days that report both, so a figure missing on a day
    /// or in a shop is left out, never counted as 0.
    pub fn over(self, days: &[DayFigures]) -> Option<f64> {
        // In i128: no sum of i64 parts a bot ever makes comes near its end.
        let (mut n, mut d, mut any) = (0i128, 0i128, false);
        for day in days {
            if let (Some(a), Some(b)) = self.parts(day) {
                n += i128::from(a);
                d += i128::from(b);
                any = true;
            }
        }
        if any { ratio(Some(n), Some(d)) } else { None }
    }
}

/// A rate's numerator and denominator summed over the days that report both parts, and how
/// many days do: what [`Rate::over`] adds up, kept per shop and month by the store's rollups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateSum {
    pub num: i64,
    pub den: i64,
    pub days: i64,
}

impl RateSum {
    /// The rate (None when no day reports both parts, or the denominator is 0).
    pub fn value(&self) -> Option<f64> {
        if self.days > 0 && self.num != OUT_OF_RANGE && self.den != OUT_OF_RANGE {
            ratio(Some(self.num.into()), Some(self.den.into()))
        } else {
            None
        }
    }

    /// Adds another sum.
    pub fn add(&mut self, o: &RateSum) {
        self.num = total([self.num, o.num]);
        self.den = total([self.den, o.den]);
        self.days += o.days;
    }
}

/// The rates of a day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Derived {
    /// Payment rate = paying buyers ÷ ordering buyers.
    pub payment_rate: Option<f64>,
    /// Conversion = paying buyers ÷ UV.
    pub conversion: Option<f64>,
    /// Order-based conversion = paid orders ÷ UV (shown only where buyers are not reported).
    pub order_conversion: Option<f64>,
    /// Average order value = paid amount ÷ paying buyers (per buyer, not per order), in cents.
    pub avg_order_value: Option<f64>,
    /// Order value = paid amount ÷ paid orders, in cents (shown only where buyers are not
    /// reported).
    pub order_value: Option<f64>,
    /// Value per visitor = paid amount ÷ UV, in cents.
    pub value_per_visitor: Option<f64>,
    /// Refund rate = refund amount ÷ paid amount.
    pub refund_rate: Option<f64>,
    /// Inquiry conversion = inquiries that paid ÷ inquiries.
    pub inquiry_conversion: Option<f64>,
    /// Ad ROAS = ad sales ÷ ad spend.
    pub roas: Option<f64>,
    /// Store ROI = paid amount ÷ (ad spend + free-shipping cost + discount cost).
    pub roi: Option<f64>,
}

impl Derived {
    fn slot(&mut self, r: Rate) -> &mut Option<f64> {
        match r {
            Rate::Payment => &mut self.payment_rate,
            Rate::Conversion => &mut self.conversion,
            Rate::OrderConversion => &mut self.order_conversion,
            Rate::AvgOrderValue => &mut self.avg_order_value,
            Rate::OrderValue => &mut self.order_value,
            Rate::ValuePerVisitor => &mut self.value_per_visitor,
            Rate::Refund => &mut self.refund_rate,
            Rate::Inquiry => &mut self.inquiry_conversion,
            Rate::Roas => &mut self.roas,
            Rate::Roi => &mut self.roi,
        }
    }

    /// A rate by name.
    pub fn get(&self, r: Rate) -> Option<f64> {
        let mut c = *self;
        *c.slot(r)
    }

    /// Computes every rate of `d`.
    pub fn of(d: &DayFigures) -> Derived {
        Self::of_days(std::slice::from_ref(d))
    }

    /// The rates from their sums (in [`Rate::ALL`] order): the same as [`Derived::of_days`] over
    /// the days summed.
    pub fn of_sums(sums: &[RateSum; 10]) -> Derived {
        let mut out = Derived::default();
        for (r, s) in Rate::ALL.iter().zip(sums) {
            *out.slot(*r) = s.value();
        }
        out
    }

    /// The rates of a range of days (of one shop, or of several shops of one currency): each
    /// rate sums its numerator and denominator over the days that have both, so a figure
    /// entered on only some days or by only some shops does not skew it.
    pub fn of_days(days: &[DayFigures]) -> Derived {
        let mut out = Derived::default();
        for r in Rate::ALL {
            *out.slot(r) = r.over(days);
        }
        out
    }
}

/// How many shops each rate of a total is computed over, of how many shops have figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Shops with any figure in the period.
    pub shops: usize,
    /// Per rate (in [`Rate::ALL`] order): shops that reported both parts on some day.
    pub per_rate: [usize; 10],
}

impl Coverage {
    /// The coverage of rates over `shops` (each a shop's days).
    pub fn of(shops: &[Vec<DayFigures>]) -> Coverage {
        let mut c = Coverage {
            shops: shops
                .iter()
                .filter(|days| days.iter().any(|d| !d.is_empty()))
                .count(),
            per_rate: [0; 10],
        };
        for (i, r) in Rate::ALL.iter().enumerate() {
            c.per_rate[i] = shops
                .iter()
                .filter(|days| days.iter().any(|d| r.reported(d)))
                .count();
        }
        c
    }

    /// The coverage from each shop's sums: (whether it has any figure, its rate sums).
    pub fn of_sums<'a>(shops: impl IntoIterator<Item = (bool, &'a [RateSum; 10])>) -> Coverage {
        let mut c = Coverage::default();
        for (any, sums) in shops {
            c.shops += usize::from(any);
            for (i, s) in sums.iter().enumerate() {
                c.per_rate[i] += usize::from(s.days > 0);
            }
        }
        c
    }

    /// Shops a rate is computed over.
    pub fn of_rate(&self, r: Rate) -> usize {
        Rate::ALL
            .iter()
            .position(|x| *x == r)
            .map(|i| self.per_rate[i])
            .unwrap_or(0)
    }
}

/// The seed's grading of store ROI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoiGrade {
    /// Below 1:3.
    Failing,
    /// From 1:3.
    Pass,
    /// From 1:4.
    Good,
    /// From 1:5.
    Excellent,
}

impl RoiGrade {
    /// The grade of a ROI (sales per unit of cost).
    pub fn of(roi: f64) -> RoiGrade {
        if roi >= 5.0 {
            RoiGrade::Excellent
        } else if roi >= 4.0 {
            RoiGrade::Good
        } else if roi >= 3.0 {
            RoiGrade::Pass
        } else {
            RoiGrade::Failing
        }
    }

    /// Catalog key part.
    pub fn key(self) -> &'static str {
        match self {
            RoiGrade::Failing => "failing",
            RoiGrade::Pass => "pass",
            RoiGrade::Good => "good",
            RoiGrade::Excellent => "excellent",
        }
    }
}

/// Relative change from `before` to `now`; None without a base.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    match (now, before) {
        (Some(n), Some(b)) if b != 0.0 => Some((n - b) / b.abs()),
        _ => None,
    }
}

/// Something that does not look right in a day's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// A figure below zero (refused).
    Negative(&'static str),
    /// More paying buyers than visitors.
    PayingOverVisitors,
    /// More paying buyers than ordering buyers.
    PayingOverOrdering,
    /// Paid more than ten times the amount ordered.
    PaidOverOrdered,
    /// More page views than... fewer page views than visitors.
    ViewsUnderVisitors,
    /// Refunds larger than payments.
    RefundOverPaid,
    /// More inquiries that paid than inquiries.
    InquiriesPaidOverInquiries,
}

/// Checks a day; negative figures are errors, the rest are warnings to confirm.
pub fn doubts(d: &DayFigures) -> Vec<Doubt> {
    let mut out = Vec::new();
    for f in FIELDS {
        if d.get(f).is_some_and(|v| v < 0) {
            out.push(Doubt::Negative(f));
        }
    }
    let gt = |a: Option<i64>, b: Option<i64>| matches!((a, b), (Some(a), Some(b)) if a > b);
    if gt(d.paying_buyers, d.uv) {
        out.push(Doubt::PayingOverVisitors);
    }
    if gt(d.paying_buyers, d.ordering_buyers) {
        out.push(Doubt::PayingOverOrdering);
    }
    if let (Some(p), Some(o)) = (d.paid_amount, d.order_amount)
        && i128::from(p.0) > 10 * i128::from(o.0)
        && p.0 > 0
    {
        out.push(Doubt::PaidOverOrdered);
    }
    if gt(d.uv, d.pv) {
        out.push(Doubt::ViewsUnderVisitors);
    }
    if gt(d.refund_amount.map(|m| m.0), d.paid_amount.map(|m| m.0)) {
        out.push(Doubt::RefundOverPaid);
    }
    if gt(d.inquiries_paid, d.inquiries) {
        out.push(Doubt::InquiriesPaidOverInquiries);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums are checked: beyond an i64 (or over a part already out of range) they are
    /// OUT_OF_RANGE, never wrapped; a total that fits is exact, also near the end.
    #[test]
    fn totals_never_wrap() {
        assert_eq!(total([1, 2, 3]), 6);
        assert_eq!(total([i64::MAX - 1, 1]), OUT_OF_RANGE);
        assert_eq!(
            total([4_000_000_000_000_000_000, 4_000_000_000_000_000_000]),
            8_000_000_000_000_000_000
        );
        assert_eq!(total([i64::MAX, -5]), OUT_OF_RANGE);
        assert_eq!(total([i64::MIN, 5]), OUT_OF_RANGE);
        assert_eq!(
            total([
                5_000_000_000_000_000_000,
                5_000_000_000_000_000_000,
                -9_000_000_000_000_000_000
            ]),
            1_000_000_000_000_000_000
        );
        let big = DayFigures {
            uv: Some(i64::MAX / 2 + 1),
            paying_buyers: Some(i64::MAX / 2),
            ..Default::default()
        };
        let mut t = big.clone();
        t.add(&big);
        assert_eq!(t.uv, Some(OUT_OF_RANGE));
        // The rate sums its parts in i128: 2 × (MAX/2) ÷ 2 × (MAX/2 + 1), just under 1.
        let r = Rate::Conversion.over(&[big.clone(), big]).unwrap();
        assert!(r > 0.99 && r <= 1.0, "{r}");
    }

    fn day() -> DayFigures {
        DayFigures {
            pv: Some(12_000),
            uv: Some(4_000),
            ordering_buyers: Some(150),
            order_amount: Some(Money(3_300_000)),
            paying_buyers: Some(120),
            paid_amount: Some(Money(3_000_000)),
            paid_orders: Some(130),
            refund_amount: Some(Money(150_000)),
            refund_orders: Some(6),
            inquiries: Some(80),
            inquiries_paid: Some(20),
            ad_spend: Some(Money(400_000)),
            ad_sales: Some(Money(1_600_000)),
            shipping_cost: Some(Money(100_000)),
            discount_cost: Some(Money(250_000)),
        }
    }

    #[test]
    fn formulas_match_hand_computed_values() {
        let d = Derived::of(&day());
        assert_eq!(d.payment_rate, Some(0.8)); // 120 / 150
        assert_eq!(d.conversion, Some(0.03)); // 120 / 4000
        assert_eq!(d.avg_order_value, Some(25_000.0)); // ¥30,000.00 / 120 = ¥250.00
        assert_eq!(d.value_per_visitor, Some(750.0)); // ¥30,000.00 / 4000 = ¥7.50
        assert_eq!(d.refund_rate, Some(0.05)); // 1,500 / 30,000
        assert_eq!(d.inquiry_conversion, Some(0.25)); // 20 / 80
        assert_eq!(d.roas, Some(4.0)); // 16,000 / 4,000
        let roi = d.roi.expect("roi"); // 30,000 / (4,000 + 1,000 + 2,500) = 4.0
        assert!((roi - 4.0).abs() < 1e-12);
        assert_eq!(RoiGrade::of(roi), RoiGrade::Good);
    }

    #[test]
    fn zero_denominators_give_none_never_nan() {
        let mut z = day();
        z.uv = Some(0);
        z.ordering_buyers = Some(0);
        z.paying_buyers = Some(0);
        z.paid_orders = Some(0);
        z.paid_amount = Some(Money(0));
        z.inquiries = Some(0);
        z.ad_spend = Some(Money(0));
        z.shipping_cost = Some(Money(0));
        z.discount_cost = Some(Money(0));
        let d = Derived::of(&z);
        assert_eq!(d, Derived::default());
        assert_eq!(Derived::of(&DayFigures::default()), Derived::default());
    }

    #[test]
    fn a_missing_figure_is_left_out_never_zero() {
        // Shop A reports buyers and visitors, B visitors only (no buyers), C neither.
        let a = DayFigures {
            uv: Some(1_000),
            paying_buyers: Some(20),
            paid_amount: Some(Money(200_000)),
            ..DayFigures::default()
        };
        let b = DayFigures {
            uv: Some(800),
            paid_orders: Some(16),
            paid_amount: Some(Money(160_000)),
            ..DayFigures::default()
        };
        let c = DayFigures {
            paid_amount: Some(Money(50_000)),
            ..DayFigures::default()
        };
        let d = Derived::of_days(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(d.conversion, Some(0.02)); // 20 / 1,000: B has no buyers, C no visitors
        assert_eq!(d.order_conversion, Some(0.02)); // 16 / 800
        assert_eq!(d.value_per_visitor, Some(200.0)); // 360,000 / 1,800 (not C's 50,000)
        assert_eq!(d.order_value, Some(10_000.0)); // 160,000 / 16
        let cov = Coverage::of(&[vec![a], vec![b], vec![c]]);
        assert_eq!(cov.shops, 3);
        assert_eq!(cov.of_rate(Rate::Conversion), 1);
        assert_eq!(cov.of_rate(Rate::ValuePerVisitor), 2);
        assert_eq!(cov.of_rate(Rate::Roi), 0);
    }

    #[test]
    fn roi_grades_follow_the_seed() {
        assert_eq!(RoiGrade::of(2.99), RoiGrade::Failing);
        assert_eq!(RoiGrade::of(3.0), RoiGrade::Pass);
        assert_eq!(RoiGrade::of(4.0), RoiGrade::Good);
        assert_eq!(RoiGrade::of(5.0), RoiGrade::Excellent);
        assert_eq!(RoiGrade::of(7.5), RoiGrade::Excellent);
    }

    #[test]
    fn doubts_catch_absurd_figures() {
        assert!(doubts(&day()).is_empty());
        let mut d = day();
        d.paying_buyers = Some(5000);
        d.pv = Some(-1);
        let found = doubts(&d);
        assert!(found.contains(&Doubt::Negative("pv")));
        assert!(found.contains(&Doubt::PayingOverVisitors));
        assert!(found.contains(&Doubt::PayingOverOrdering));
        let mut d = day();
        d.paid_amount = Some(Money(40_000_000));
        assert!(doubts(&d).contains(&Doubt::PaidOverOrdered));
    }

    #[test]
    fn totals_and_merges() {
        let mut t = DayFigures::default();
        t.add(&day());
        t.add(&day());
        assert_eq!(t.uv, Some(8_000));
        assert_eq!(t.paid_amount, Some(Money(6_000_000)));
        let mut a = day();
        a.merge(&DayFigures {
            uv: Some(1),
            ..DayFigures::default()
        });
        assert_eq!((a.uv, a.pv), (Some(1), Some(12_000)));
    }
}
