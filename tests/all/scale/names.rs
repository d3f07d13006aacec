//! The settings read every command starts with (`settings::get_with_names`) against a plain
//! lookup of the wanted names, in a guild that remembers hundreds of names and beside another
//! guild holding the same ids: the statement reads the wanted ones by key (plans.rs), and this
//! checks it still finds exactly those.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storeops::message::NameKind;
use storeops::store::names::remember_many;
use storeops::store::settings;

use crate::support::TestApp;

const GUILD: u64 = 1;
const OTHER_GUILD: u64 = 2;
const KINDS: [NameKind; 3] = [NameKind::User, NameKind::Role, NameKind::Channel];

/// An id as Discord gives them (snowflakes above `i64::MAX` included, stored wrapped).
fn some_id(rng: &mut StdRng) -> u64 {
    let low = rng.gen_range(0..400u64);
    if rng.gen_bool(0.2) {
        u64::MAX - low
    } else {
        1_000_000_000_000_000_000 + low
    }
}

#[tokio::test]
async fn the_settings_read_finds_exactly_the_wanted_names_among_hundreds() {
    let t = TestApp::quiet().await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let mut rng = StdRng::seed_from_u64(0x6e61_6d65);
    for guild in [GUILD, OTHER_GUILD] {
        settings::get_or_init(&mut conn, guild, &t.app.config, 0)
            .await
            .expect("settings");
    }
    // The reference: what each guild remembers, by (kind, id).
    let mut stored: HashMap<(u64, NameKind, u64), String> = HashMap::new();
    for round in 0..6 {
        for guild in [GUILD, OTHER_GUILD] {
            let names: Vec<(NameKind, u64, String)> = (0..120)
                .map(|i| {
                    let kind = KINDS[rng.gen_range(0..3)];
                    (kind, some_id(&mut rng), format!("{guild}-{round}-{i}"))
                })
                .collect();
            let items: Vec<(NameKind, u64, &str)> = names
                .iter()
                .map(|(k, id, n)| (*k, *id, n.as_str()))
                .collect();
            remember_many(&mut conn, guild, &items, round)
                .await
                .expect("remember");
            for (k, id, n) in names {
                stored.insert((guild, k, id), n);
            }
        }
    }
    let in_guild = stored.keys().filter(|(g, ..)| *g == GUILD).count();
    assert!(in_guild > 300, "{in_guild} names remembered");
    for case in 0..200 {
        // Known and unknown ids, of any kind, some twice.
        let mut wanted: Vec<(NameKind, u64)> = (0..rng.gen_range(0..12))
            .map(|_| (KINDS[rng.gen_range(0..3)], some_id(&mut rng)))
            .collect();
        if let Some(&first) = wanted.first() {
            wanted.push(first);
        }
        let (_, mut got) = settings::get_with_names(&mut conn, GUILD, &wanted)
            .await
            .expect("read")
            .expect("the guild has settings");
        let mut expected: Vec<(NameKind, u64, String)> = wanted
            .iter()
            .filter_map(|&(k, id)| stored.get(&(GUILD, k, id)).map(|n| (k, id, n.clone())))
            .collect();
        let key = |x: &(NameKind, u64, String)| (format!("{:?}", x.0), x.1, x.2.clone());
        got.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(got, expected, "case {case}: wanted {wanted:?}");
    }
}
