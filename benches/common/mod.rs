//! What the benches share: plausible daily figures.

use storeops::domain::metrics::DayFigures;
use storeops::domain::money::Money;

/// A plausible day for shop `s`, day index `i` (`per_shop` more visitors for each further
/// shop): every figure, weekly and yearly swings.
pub fn figures(s: usize, i: i64, per_shop: i64) -> DayFigures {
    let wave = 1.0 + 0.25 * ((i % 7) as f64 / 6.0) + 0.3 * ((i % 365) as f64 / 364.0);
    let uv = ((1_000 + per_shop * s as i64) as f64 * wave) as i64;
    let ordering = uv / 25;
    let paying = ordering * 4 / 5;
    let paid = paying * (18_000 + (i % 11) * 900);
    let m = |c: i64| Some(Money(c));
    DayFigures {
        pv: Some(uv * 3),
        uv: Some(uv),
        ordering_buyers: Some(ordering),
        order_amount: m(paid * 11 / 10),
        paying_buyers: Some(paying),
        paid_amount: m(paid),
        paid_orders: Some(paying + paying / 10),
        refund_amount: m(paid / 25),
        refund_orders: Some(paying / 30),
        inquiries: Some(uv / 40),
        inquiries_paid: Some(uv / 160),
        ad_spend: m(paid / 8),
        ad_sales: m(paid / 2),
        shipping_cost: m(paid / 40),
        discount_cost: m(paid / 20),
    }
}
