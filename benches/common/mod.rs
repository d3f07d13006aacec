//! What the benches share: plausible daily figures, products and a team's fixed routine.

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

/// The team's fixed weeks and its recurring work, as a manager types them: six activities
/// (one monthly) and three recurring tasks.
pub const ROUTINE: [&str; 9] = [
    "/activity add name:\"Weekly meeting\" schedule:\"mon 09:30\" ping:manager",
    "/activity add name:\"Free-shipping Thursday\" schedule:\"thu 09:00\" ping:marketing lead:\"18h, 0\" checklist:\"Templates set; Page ready\"",
    "/activity add name:\"New arrivals\" schedule:\"fri 10:00\" ping:design lead:\"24h, 0\"",
    "/activity add name:\"Live stream\" schedule:\"wed 20:00\" ping:operations lead:\"2h, 0\"",
    "/activity add name:\"Stock count\" schedule:\"last fri 17:00\" ping:warehouse",
    "/activity add name:\"Month review\" schedule:\"每月1日 10:00\" ping:manager",
    "/task recurring title:\"Check 10 chat records\" schedule:\"weekdays 10:00\" position:customer-service due-in:8h",
    "/task recurring title:\"Restock the top sellers\" schedule:\"mon 09:00\" position:warehouse due-in:2d",
    "/task recurring title:\"Weekly copy plan\" schedule:\"fri 15:00\" position:copywriting due-in:1d",
];

/// The products of each shop's daily export (the 20 that sold most) over the `?2` days up to
/// `?1` ("YYYY-MM-DD"), for every shop of guild `?4`; `?3` the instant they were entered.
pub const PRODUCTS_SQL: &str = "WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i + 1 < ?2),
     p(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM p WHERE k + 1 < 20)
     INSERT INTO product_figures (shop_id, day, product_id, name, uv, pv, paying_buyers, units, paid_cents, refund_cents, entered_by, entered_at, source)
     SELECT s.id, date(?1, '-' || (?2 - 1 - d.i) || ' days'), 'P' || s.id || '-' || p.k, 'Product ' || p.k,
            200 + (d.i * 7 + p.k * 13) % 900, 400 + (d.i * 11 + p.k * 5) % 1500,
            5 + (d.i + p.k * 3) % 40, 6 + (d.i * 3 + p.k) % 50,
            (6 + (d.i * 3 + p.k) % 50) * (3900 + p.k * 500), (d.i + p.k) % 7 * 1000, 1, ?3, 'import'
     FROM shops AS s, d, p WHERE s.guild_id = ?4";
