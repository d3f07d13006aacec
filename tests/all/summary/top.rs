//! The morning summary's best sellers, read for every shop in one statement
//! (`store::products::top_sellers`), against a plain sort written here: generated shops with
//! product days (ties in amount and units, units missing, amounts missing, zero or refunded
//! to below zero), a shop with product figures only on other days, a shop with none at all.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use storeops::domain::import::Products;
use storeops::domain::money::Money;
use storeops::domain::product::{ProductDay, ProductFigures};
use storeops::store::{data, products};

use super::totals::cases;
use crate::support::TestApp;
use crate::support::shell::run;

/// One product of a day: id, units, amount paid in cents (None = not in the file).
type Product = (String, Option<i64>, Option<i64>);

/// The products of each shop on the day (None: no product figures that day), and whether the
/// shop also has figures on the day before.
type Shop = (Option<Vec<Product>>, bool);

fn product() -> impl Strategy<Value = Product> {
    (
        // Few ids and few amounts, so that ties are common.
        (0u8..12).prop_map(|i| format!("p{i:02}")),
        prop::option::weighted(0.8, 0i64..4),
        prop::option::weighted(0.85, prop::sample::select(vec![-500i64, 0, 100, 250, 990])),
    )
}

fn shops() -> impl Strategy<Value = Vec<Shop>> {
    prop::collection::vec(
        (
            prop::option::weighted(0.75, prop::collection::vec(product(), 0..9)),
            any::<bool>(),
        ),
        1..6,
    )
}

/// The plain reference: products that sold, most paid first, then most units (a missing
/// count last), then by id; the first `limit`. A shop without product figures that day has
/// no entry.
fn reference(shop: &BTreeMap<String, (Option<i64>, Option<i64>)>, limit: usize) -> Vec<String> {
    let mut sold: Vec<(&String, i64, Option<i64>)> = shop
        .iter()
        .filter_map(|(id, (units, paid))| paid.filter(|p| *p > 0).map(|p| (id, p, *units)))
        .collect();
    sold.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(match (a.2, b.2) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(a.0.cmp(b.0))
    });
    sold.into_iter()
        .take(limit)
        .map(|(id, p, u)| format!("{id} {p} {u:?}"))
        .collect()
}

async fn check(shops: Vec<Shop>) {
    let t = TestApp::quiet().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    for i in 0..shops.len() {
        run(
            &mut sh,
            &format!("/data shop name:S{i} platform:tmall currency:CNY"),
        )
        .await;
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 22).expect("day");
    let mut conn = t.app.store.pool.acquire().await.expect("connection");
    let stored = data::shops(&mut conn, storeops::adapters::shell::SHELL_GUILD)
        .await
        .expect("shops");
    assert_eq!(stored.len(), shops.len());
    let mut expected: HashMap<i64, Vec<String>> = HashMap::new();
    for (shop, (products_of_day, day_before)) in stored.iter().zip(&shops) {
        let mut file = Products::new();
        // The file's last row of an id wins, as the importer's map keeps it.
        let mut by_id: BTreeMap<String, (Option<i64>, Option<i64>)> = BTreeMap::new();
        for (id, units, paid) in products_of_day.iter().flatten() {
            by_id.insert(id.clone(), (*units, *paid));
        }
        let as_day = |units: Option<i64>, paid: Option<i64>, id: &str| ProductDay {
            name: format!("name of {id}"),
            figures: ProductFigures {
                units,
                paid_amount: paid.map(Money),
                ..Default::default()
            },
        };
        // A file with no row for the day stores nothing for it.
        if !by_id.is_empty() {
            let rows = file.entry(day).or_default();
            for (id, (units, paid)) in &by_id {
                rows.insert(id.clone(), as_day(*units, *paid, id));
            }
            expected.insert(shop.id, reference(&by_id, 3));
        }
        if *day_before {
            // A bigger seller the day before must not leak into the day.
            file.entry(day - Duration::days(1)).or_default().insert(
                "yesterday".into(),
                as_day(Some(50), Some(99_999), "yesterday"),
            );
        }
        products::import(&mut conn, shop.id, &file, 1, t.clock_now(), &|_| {})
            .await
            .expect("import");
    }
    let ids: Vec<i64> = stored.iter().map(|s| s.id).collect();
    let got = products::top_sellers(&mut conn, &ids, day, 3)
        .await
        .expect("top sellers");
    let got: HashMap<i64, Vec<String>> = got
        .into_iter()
        .map(|(shop, top)| {
            let lines = top
                .iter()
                .map(|p| {
                    assert_eq!(p.name, format!("name of {}", p.product_id));
                    format!("{} {} {:?}", p.product_id, p.paid.0, p.units)
                })
                .collect();
            (shop, lines)
        })
        .collect();
    assert_eq!(got, expected, "shops: {shops:?}");
    // A shop asked for alone reads the same as in the batch.
    for id in &ids {
        let alone = products::top_sellers(&mut conn, &[*id], day, 3)
            .await
            .expect("top sellers");
        assert_eq!(alone.contains_key(id), expected.contains_key(id));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn top_sellers_of_every_shop_match_a_plain_sort(shops in shops()) {
        crate::support::block_on(check(shops));
    }
}
