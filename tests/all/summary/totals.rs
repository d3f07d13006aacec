//! Every total, rate, average and change that `/data show`, the weekly summary and the morning
//! summary print, against a plain reference computation written here, over generated servers
//! of 2–6 shops in mixed currencies with gaps (days and single figures missing at random).
//! Money is never added across currencies; a rate is taken only over the shop-days that report
//! both of its parts, and says over how many shops when that is not all of them.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

use crate::support::TestApp;
use crate::support::shell::{boss_with_summary_channel, run};

/// One shop-day's figures (money in cents); None = not reported.
#[derive(Debug, Clone, Default)]
pub(super) struct Day {
    pub(super) uv: Option<i64>,
    pub(super) buyers: Option<i64>,
    pub(super) orders: Option<i64>,
    pub(super) paid: Option<i64>,
    pub(super) refund: Option<i64>,
    pub(super) ad: Option<i64>,
    pub(super) shipping: Option<i64>,
}

impl Day {
    pub(super) fn is_empty(&self) -> bool {
        [
            self.uv,
            self.buyers,
            self.orders,
            self.paid,
            self.refund,
            self.ad,
            self.shipping,
        ]
        .iter()
        .all(Option::is_none)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Shop {
    pub(super) name: String,
    pub(super) currency: &'static str,
    /// Day index (0 = FIRST) -> figures.
    pub(super) days: BTreeMap<i64, Day>,
}

const DAYS: i64 = 14;

fn first() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 9).expect("date")
}

fn maybe(range: std::ops::Range<i64>) -> impl Strategy<Value = Option<i64>> {
    proptest::option::weighted(0.75, range)
}

pub(super) fn day() -> impl Strategy<Value = Day> {
    (
        maybe(50..5_000),
        maybe(0..120),
        maybe(0..150),
        maybe(0..5_000_000),
        maybe(0..80_000),
        maybe(0..600_000),
        maybe(0..60_000),
    )
        .prop_map(|(uv, buyers, orders, paid, refund, ad, shipping)| Day {
            uv,
            buyers,
            orders,
            paid,
            refund,
            ad,
            shipping,
        })
}

fn shops() -> impl Strategy<Value = Vec<Shop>> {
    proptest::collection::vec(
        (
            proptest::sample::select(vec!["CNY", "USD", "EUR"]),
            proptest::collection::vec(proptest::option::weighted(0.7, day()), DAYS as usize),
        ),
        2..=6,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (currency, days))| Shop {
                name: format!("S{i}"),
                currency,
                days: days
                    .into_iter()
                    .enumerate()
                    .filter_map(|(d, f)| f.filter(|f| !f.is_empty()).map(|f| (d as i64, f)))
                    .collect(),
            })
            .collect()
    })
}

// ---- the plain reference: formatting as a reader expects it ----

pub(super) fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn money(cents: i64, currency: &str) -> String {
    format!(
        "{}.{:02} {currency}",
        grouped((cents / 100) as u64),
        cents % 100
    )
}

fn count(n: i64) -> String {
    grouped(n as u64)
}

fn cover(text: String, n: usize, m: usize) -> String {
    if n > 0 && n < m && text != "—" {
        format!("{text} (over {n} of {m} shops)")
    } else {
        text
    }
}

/// A rate's numerator and denominator summed over the shop-days reporting both, and the number
/// of shops that reported both on some day.
fn pair(
    shops: &[&Shop],
    days: &[i64],
    num: fn(&Day) -> Option<i64>,
    den: fn(&Day) -> Option<i64>,
) -> (Option<(i64, i64)>, usize) {
    let (mut n, mut d, mut any, mut covered) = (0, 0, false, 0);
    for s in shops {
        let mut this = false;
        for i in days {
            if let Some(f) = s.days.get(i)
                && let (Some(a), Some(b)) = (num(f), den(f))
            {
                n += a;
                d += b;
                any = true;
                this = true;
            }
        }
        covered += usize::from(this);
    }
    (any.then_some((n, d)), covered)
}

fn pct_of(p: Option<(i64, i64)>) -> String {
    match p {
        Some((n, d)) if d != 0 => format!("{:.2}%", n as f64 / d as f64 * 100.0),
        _ => "—".into(),
    }
}

fn money_of(p: Option<(i64, i64)>) -> String {
    match p {
        Some((n, d)) if d != 0 => {
            let cents = (n as f64 / d as f64).round() as i64;
            format!("{}.{:02}", grouped((cents / 100) as u64), cents % 100)
        }
        _ => "—".into(),
    }
}

fn grade(r: f64) -> &'static str {
    if r >= 5.0 {
        "excellent"
    } else if r >= 4.0 {
        "good"
    } else if r >= 3.0 {
        "pass"
    } else {
        "failing"
    }
}

fn roi_of(p: Option<(i64, i64)>) -> String {
    match p {
        Some((n, d)) if d != 0 => {
            let r = n as f64 / d as f64;
            let mut shown = (r * 100.0).round() / 100.0;
            if grade(shown) != grade(r) {
                shown = (r * 100.0).floor() / 100.0;
            }
            format!("1:{shown:.2} ({})", grade(r))
        }
        _ => "—".into(),
    }
}

fn cost(f: &Day) -> Option<i64> {
    if f.ad.is_none() && f.shipping.is_none() {
        None
    } else {
        Some(f.ad.unwrap_or(0) + f.shipping.unwrap_or(0))
    }
}

pub(super) fn sum(shops: &[&Shop], days: &[i64], get: fn(&Day) -> Option<i64>) -> Option<i64> {
    let v: Vec<i64> = shops
        .iter()
        .flat_map(|s| days.iter().filter_map(|i| s.days.get(i).and_then(get)))
        .collect();
    (!v.is_empty()).then(|| v.iter().sum())
}

/// What the totals of one currency's shops over `days` must read.
pub(super) fn expected_totals(
    shops: &[&Shop],
    days: &[i64],
    currency: &str,
) -> Vec<(&'static str, String)> {
    let m = shops
        .iter()
        .filter(|s| days.iter().any(|i| s.days.contains_key(i)))
        .count();
    let money_sum = |get: fn(&Day) -> Option<i64>| {
        sum(shops, days, get)
            .map(|c| money(c, currency))
            .unwrap_or_else(|| "—".into())
    };
    let count_sum = |get: fn(&Day) -> Option<i64>| {
        sum(shops, days, get)
            .map(count)
            .unwrap_or_else(|| "—".into())
    };
    let (conv, n_conv) = pair(shops, days, |f| f.buyers, |f| f.uv);
    let conversion = match (pct_of(conv), pair(shops, days, |f| f.orders, |f| f.uv)) {
        (t, (by_orders, n)) if t == "—" && pct_of(by_orders) != "—" => {
            cover(format!("{} (by orders)", pct_of(by_orders)), n, m)
        }
        (t, _) => cover(t, n_conv, m),
    };
    let (vpv, n_vpv) = pair(shops, days, |f| f.paid, |f| f.uv);
    let (refund, n_refund) = pair(shops, days, |f| f.refund, |f| f.paid);
    let (roi, n_roi) = pair(shops, days, |f| f.paid, cost);
    vec![
        ("Amount paid", money_sum(|f| f.paid)),
        ("Visitors", count_sum(|f| f.uv)),
        ("Buyers who paid", count_sum(|f| f.buyers)),
        ("Refunds", money_sum(|f| f.refund)),
        ("Ad spend", money_sum(|f| f.ad)),
        ("Conversion", conversion),
        ("Value per visitor", cover(money_of(vpv), n_vpv, m)),
        ("Refund rate", cover(pct_of(refund), n_refund, m)),
        ("Store ROI", cover(roi_of(roi), n_roi, m)),
    ]
}

/// The output's "Label: value" lines per currency block (one block without a header when the
/// output has one currency).
pub(super) fn blocks(out: &str, only: Option<&str>) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut map: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = only.map(str::to_string);
    for line in out.lines() {
        if let Some((cur, _)) = line.split_once(" · ")
            && !line.starts_with(' ')
            && line.ends_with(':')
            && cur.len() == 3
            && cur.chars().all(|c| c.is_ascii_uppercase())
        {
            current = Some(cur.to_string());
            continue;
        }
        if let (Some(cur), Some((k, v))) = (&current, line.trim().split_once(": ")) {
            let prev = map
                .entry(cur.clone())
                .or_default()
                .insert(k.to_string(), v.to_string());
            assert!(prev.is_none(), "\"{k}\" twice in the {cur} block:\n{out}");
        }
    }
    map
}

async fn enter_all(sh: &mut storeops::adapters::shell::Shell, shops: &[Shop]) {
    enter_from(sh, shops, first()).await;
}

/// Adds the shops and types each shop-day's figures, day index 0 being `start`.
pub(super) async fn enter_from(
    sh: &mut storeops::adapters::shell::Shell,
    shops: &[Shop],
    start: NaiveDate,
) {
    for s in shops {
        let out = run(
            sh,
            &format!(
                "/data shop name:{} platform:other currency:{}",
                s.name, s.currency
            ),
        )
        .await;
        assert!(out.contains("added"), "{out}");
        for (i, f) in &s.days {
            let mut line = format!(
                "/data enter shop:{} date:{} confirm:true",
                s.name,
                start + Duration::days(*i)
            );
            let cents = |c: i64| format!("{}.{:02}", c / 100, c % 100);
            for (k, v, m) in [
                ("uv", f.uv, false),
                ("paying-buyers", f.buyers, false),
                ("paid-orders", f.orders, false),
                ("paid-amount", f.paid, true),
                ("refund-amount", f.refund, true),
                ("ad-spend", f.ad, true),
                ("shipping-cost", f.shipping, true),
            ] {
                if let Some(v) = v {
                    line.push_str(&format!(
                        " {k}:{}",
                        if m { cents(v) } else { v.to_string() }
                    ));
                }
            }
            let out = run(sh, &line).await;
            assert!(out.contains("saved"), "{line}\n{out}");
        }
    }
}

/// The currencies in use, each with its shops.
pub(super) fn by_currency(shops: &[Shop]) -> BTreeMap<&'static str, Vec<&Shop>> {
    let mut m: BTreeMap<&'static str, Vec<&Shop>> = BTreeMap::new();
    for s in shops {
        m.entry(s.currency).or_default().push(s);
    }
    m
}

async fn check(shops: Vec<Shop>) {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    enter_all(&mut sh, &shops).await;
    let groups = by_currency(&shops);

    // `/data show` over the last week: one block per currency that has figures.
    let week: Vec<i64> = (7..DAYS).collect();
    let with_figures: Vec<&str> = groups
        .iter()
        .filter(|(_, ss)| {
            ss.iter()
                .any(|s| week.iter().any(|i| s.days.contains_key(i)))
        })
        .map(|(c, _)| *c)
        .collect();
    let out = run(&mut sh, "/data show from:2026-11-16 to:2026-11-22").await;
    if with_figures.is_empty() {
        assert!(out.contains("No figures for this period"), "{out}");
    }
    let only = (with_figures.len() == 1).then(|| with_figures[0]);
    let shown = blocks(&out, only);
    assert_eq!(
        shown.keys().map(String::as_str).collect::<Vec<_>>(),
        with_figures,
        "one block per currency with figures:\n{out}"
    );
    for c in &with_figures {
        for (label, value) in expected_totals(&groups[c], &week, c) {
            assert_eq!(shown[*c][label], value, "/data show, {c} {label}:\n{out}");
        }
    }

    // The weekly summary of the same week: the same totals, the daily average over the days
    // with an amount paid, the best and worst day.
    let out = run(&mut sh, "/summary weekly date:2026-11-18").await;
    check_period(&out, &groups, &week, first(), "weekly");

    // The morning summary of the 22nd: one line per shop with figures (amount paid in its own
    // currency, its changes against the day before and a week before, conversion, order
    // value, ROI) and one total line per currency of two shops or more, never across
    // currencies; each checked whole against the reference.
    let out = run(&mut sh, "/summary now date:2026-11-22").await;
    check_morning_lines(&out, &shops, &groups, DAYS - 1);
}

/// An arrow and a percentage as the summary shows a change of money ("▲ 5.3%"), or "—".
pub(super) fn arrow(now: i64, before: i64) -> String {
    if before == 0 {
        return "—".into();
    }
    let v = (now - before) as f64 / before as f64;
    if v > 0.0005 {
        format!("▲ {:.1}%", v * 100.0)
    } else if v < -0.0005 {
        format!("▼ {:.1}%", -v * 100.0)
    } else {
        "= 0.0%".into()
    }
}

/// The morning line of the shops `ss` (one shop, or a currency's total) on day `last`.
pub(super) fn expected_line(name: &str, ss: &[&Shop], last: i64, currency: &str) -> String {
    let day = [last];
    let m = ss.iter().filter(|s| s.days.contains_key(&last)).count();
    let paid = sum(ss, &day, |f| f.paid)
        .map(|p| money(p, currency))
        .unwrap_or_else(|| "—".into());
    // A change over the shops that reported the amount on both days.
    let change = |back: i64| {
        let (mut now, mut before, mut any) = (0i64, 0i64, false);
        for s in ss {
            if let (Some(a), Some(b)) = (
                s.days.get(&last).and_then(|f| f.paid),
                s.days.get(&(last - back)).and_then(|f| f.paid),
            ) {
                now += a;
                before += b;
                any = true;
            }
        }
        if any {
            arrow(now, before)
        } else {
            "—".into()
        }
    };
    let total = ss.len() > 1;
    let covered = |text: String, n: usize| if total { cover(text, n, m) } else { text };
    let nonzero = |p: Option<(i64, i64)>| p.filter(|(_, d)| *d != 0);
    let (conv, n_conv) = pair(ss, &day, |f| f.buyers, |f| f.uv);
    let (oconv, n_oconv) = pair(ss, &day, |f| f.orders, |f| f.uv);
    let conversion = match (nonzero(conv), nonzero(oconv)) {
        (None, Some(o)) => covered(format!("{} (by orders)", pct_of(Some(o))), n_oconv),
        _ => covered(pct_of(conv), n_conv),
    };
    let (aov, n_aov) = pair(ss, &day, |f| f.paid, |f| f.buyers);
    let (ov, n_ov) = pair(ss, &day, |f| f.paid, |f| f.orders);
    let order_value = match (nonzero(aov), nonzero(ov)) {
        (None, Some(o)) => covered(format!("{} (by orders)", money_of(Some(o))), n_ov),
        _ => covered(money_of(aov), n_aov),
    };
    let (roi, n_roi) = pair(ss, &day, |f| f.paid, cost);
    format!(
        "{name}: {paid} · day {} · week {} · conv. {conversion} · AOV {order_value} · ROI {}",
        change(1),
        change(7),
        covered(roi_of(roi), n_roi)
    )
}

/// Every shop line and total line of a morning summary of day `last` (`out`), against the
/// reference: a line per shop that has figures that day, a total per currency of two shops
/// or more.
pub(super) fn check_morning_lines(
    out: &str,
    shops: &[Shop],
    groups: &BTreeMap<&'static str, Vec<&Shop>>,
    last: i64,
) {
    let shown: Vec<&str> = out
        .lines()
        .map(|l| {
            l.trim_start_matches("Shops:")
                .trim_start_matches("Totals:")
                .trim()
        })
        .filter(|l| l.starts_with("**") && l.contains(" · day "))
        .collect();
    let mut want = Vec::new();
    for s in shops.iter().filter(|s| s.days.contains_key(&last)) {
        want.push(expected_line(
            &format!("**{}**", s.name),
            &[s],
            last,
            s.currency,
        ));
    }
    for (c, ss) in groups.iter().filter(|(_, ss)| ss.len() > 1) {
        let name = if groups.len() > 1 {
            format!("**All shops in {c}**")
        } else {
            "**All shops**".to_string()
        };
        want.push(expected_line(&name, ss, last, c));
    }
    let mut got: Vec<String> = shown.iter().map(|l| l.to_string()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the morning's shop and total lines:\n{out}");
}

/// The totals, the daily average over the days with an amount paid, and the best and worst
/// day that a weekly or monthly summary (`out`, named `what`) prints for `days` (indices from
/// `start`): one block per currency whose shops have figures in those days.
pub(super) fn check_period(
    out: &str,
    groups: &BTreeMap<&'static str, Vec<&Shop>>,
    days: &[i64],
    start: NaiveDate,
    what: &str,
) {
    let with_figures: Vec<&str> = groups
        .iter()
        .filter(|(_, ss)| {
            ss.iter()
                .any(|s| days.iter().any(|i| s.days.contains_key(i)))
        })
        .map(|(c, _)| *c)
        .collect();
    if with_figures.is_empty() {
        assert!(out.contains("No figures for this period"), "{what}:\n{out}");
    }
    let only = (with_figures.len() == 1).then(|| with_figures[0]);
    let shown = blocks(out, only);
    for c in &with_figures {
        let ss = &groups[c];
        for (label, value) in expected_totals(ss, days, c) {
            assert_eq!(shown[*c][label], value, "{what}, {c} {label}:\n{out}");
        }
        let per_day: Vec<(i64, i64)> = days
            .iter()
            .filter_map(|i| sum(ss, &[*i], |f| f.paid).map(|p| (*i, p)))
            .collect();
        let avg = if per_day.is_empty() {
            "—".to_string()
        } else {
            let total: i64 = per_day.iter().map(|(_, p)| p).sum();
            let cents = (total as f64 / per_day.len() as f64).round() as i64;
            format!(
                "{} (over {} days with figures)",
                money(cents, c),
                per_day.len()
            )
        };
        assert_eq!(shown[*c]["Daily average paid"], avg, "{what} {c}:\n{out}");
        if let Some(best) = per_day.iter().map(|(_, p)| *p).max() {
            let worst = per_day.iter().map(|(_, p)| *p).min().unwrap_or(best);
            for (label, amount) in [("Best day", best), ("Worst day", worst)] {
                let v = &shown[*c][label];
                let ok = per_day.iter().any(|(i, p)| {
                    *p == amount
                        && *v == format!("{} · {}", start + Duration::days(*i), money(amount, c))
                });
                assert!(
                    ok,
                    "{what} {c} {label} = {v}, expected {}:\n{out}",
                    money(amount, c)
                );
            }
        }
    }
    assert_eq!(
        blocks(out, only)
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        with_figures,
        "{what}: one block per currency with figures:\n{out}"
    );
}

/// The number of cases: `STOREOPS_MODEL_CASES`, else 12.
pub(super) fn cases() -> u32 {
    crate::support::model_cases(12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn every_total_and_rate_matches_a_plain_computation(shops in shops()) {
        crate::support::block_on(check(shops));
    }
}
