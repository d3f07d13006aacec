//! The maintained aggregates (migration 20261208180001: rollups kept by triggers in the same
//! transaction as each change) against a plain recomputation from the base rows, after every
//! few of a long run of random writes, edits and deletes: complaint statistics
//! (`complaints::period_counts`, the money paid), the figures' totals, rates, coverage and
//! paid amount per day (`CurrencyTotals` against `CurrencyGroup`, which decodes every stored
//! day), and the outbox's counts per state and its lists.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storeops::app::cmd::data::{by_currency, by_currency_totals};
use storeops::domain::complaint::{Outcome, Severity, quantile_index};
use storeops::domain::metrics::{DayFigures, FIELDS};
use storeops::domain::money::Money;
use storeops::message::Attachment;
use storeops::store::complaints::{self, PeriodCounts};
use storeops::store::outbox::{self, OutboxState, Target};
use storeops::store::{data, from_ms, id_in, ms, retention};

use crate::support::TestApp;
use crate::support::outbox::{dispatcher, enqueue, message, run_due, setup_guild};
use crate::support::store::Db;
use crate::support::{RecordingSink, start_instant};

const GUILD: u64 = 1;
const OTHER_GUILD: u64 = 2;
const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;

/// A complaint as the reference reads it back from the base table.
#[derive(Debug)]
struct C {
    guild: u64,
    category: String,
    platform: String,
    severity: String,
    created: i64,
    deadline: i64,
    resolved: Option<i64>,
}

/// id, guild, category, platform, severity, created, limit, resolved.
type ComplaintRow = (i64, i64, String, String, String, i64, i64, Option<i64>);

async fn base_complaints(t: &TestApp) -> Vec<(i64, C)> {
    let rows: Vec<ComplaintRow> = sqlx::query_as(
        "SELECT id, guild_id, category, platform, severity, created_at, deadline_at, resolved_at FROM complaints",
    )
    .fetch_all(t.pool())
    .await
    .expect("complaints");
    rows.into_iter()
        .map(
            |(id, g, category, platform, severity, created, deadline, resolved)| {
                (
                    id,
                    C {
                        guild: storeops::store::id_out(g),
                        category,
                        platform,
                        severity,
                        created,
                        deadline,
                        resolved,
                    },
                )
            },
        )
        .collect()
}

/// [`PeriodCounts`] of [from, to) worked out from the base rows.
fn reference(all: &[(i64, C)], guild: u64, from: i64, to: i64) -> PeriodCounts {
    let mine: Vec<&C> = all
        .iter()
        .map(|c| &c.1)
        .filter(|c| c.guild == guild)
        .collect();
    let mut logged: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for c in mine.iter().filter(|c| c.created >= from && c.created < to) {
        *logged
            .entry((c.category.clone(), c.platform.clone(), c.severity.clone()))
            .or_default() += 1;
    }
    let before = from - (to - from);
    let logged_before = mine
        .iter()
        .filter(|c| c.created >= before && c.created < from)
        .count() as i64;
    let resolved: Vec<&&C> = mine
        .iter()
        .filter(|c| c.resolved.is_some_and(|r| r >= from && r < to))
        .collect();
    let within = resolved
        .iter()
        .filter(|c| c.resolved.is_some_and(|r| r < c.deadline))
        .count() as i64;
    let mut took: Vec<i64> = resolved
        .iter()
        .map(|c| c.resolved.unwrap_or(0) - c.created)
        .collect();
    took.sort_unstable();
    let at = |q: f64| quantile_index(took.len(), q).map(|i| Duration::milliseconds(took[i]));
    PeriodCounts {
        logged: logged
            .into_iter()
            .map(|((c, p, s), n)| (c, p, Severity::parse(&s).expect("severity"), n))
            .collect(),
        logged_before,
        resolved: resolved.len() as i64,
        within_limit: within,
        median: at(0.5),
        p90: at(0.9),
    }
}

/// The rows of a rollup that are not zero, and the same grouping recomputed from the base
/// table, as text.
async fn rollups_match_base(t: &TestApp, kept: &str, fresh: &str, at: &str) {
    let read = async |sql: &str| -> Vec<String> {
        let rows: Vec<(i64, i64, String, String, String, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} ORDER BY 1, 2, 3, 4, 5")))
                .fetch_all(t.pool())
                .await
                .expect("rollup");
        rows.into_iter().map(|r| format!("{r:?}")).collect()
    };
    assert_eq!(
        read(kept).await,
        read(fresh).await,
        "{at}: rollup differs from its base rows"
    );
}

/// A random instant of the 60 days before `now`: on a minute, or exactly on a UTC midnight.
fn instant(rng: &mut StdRng, now: i64) -> i64 {
    if rng.gen_bool(0.1) {
        (now / DAY - rng.gen_range(0..60)) * DAY
    } else {
        now - rng.gen_range(0..60 * 24 * 60) * MINUTE - rng.gen_range(0..1000)
    }
}

/// A time to resolve in every band: minutes, quarter hours, days.
fn took(rng: &mut StdRng) -> i64 {
    match rng.gen_range(0..4) {
        0 => rng.gen_range(0..60 * MINUTE),
        1 => rng.gen_range(60 * MINUTE..DAY),
        2 => [0, 60 * MINUTE - 1, 60 * MINUTE, DAY - 1, DAY][rng.gen_range(0..5)],
        _ => rng.gen_range(DAY..9 * DAY),
    }
}

#[tokio::test]
async fn complaint_rollups_match_the_base_rows_over_random_changes() {
    for seed in [18_001u64, 18_002, 18_003] {
        let t = TestApp::quiet().await;
        let mut rng = StdRng::seed_from_u64(seed);
        let now = ms(t.clock_now());
        for step in 0..400 {
            let ids: Vec<i64> = base_complaints(&t).await.into_iter().map(|c| c.0).collect();
            let pick = |rng: &mut StdRng| ids[rng.gen_range(0..ids.len())];
            match rng.gen_range(0..10) {
                _ if ids.is_empty() => {}
                0..=4 => {}
                5 => {
                    // Resolved (again): a new time to resolve.
                    let id = pick(&mut rng);
                    sqlx::query("UPDATE complaints SET status = 'resolved', resolved_at = created_at + ?2, outcome = 'refund' WHERE id = ?1")
                        .bind(id)
                        .bind(took(&mut rng))
                        .execute(t.pool())
                        .await
                        .expect("resolve");
                }
                6 => {
                    // Reopened with a new limit, as `complaints::reopen` does.
                    let mut conn = t.app.store.pool.acquire().await.expect("conn");
                    complaints::reopen(&mut conn, pick(&mut rng), from_ms(now + DAY))
                        .await
                        .expect("reopen");
                }
                7 => {
                    let id = pick(&mut rng);
                    sqlx::query("UPDATE complaints SET category = ?2, platform = ?3, severity = ?4, created_at = ?5, guild_id = ?6 WHERE id = ?1")
                        .bind(id)
                        .bind(["damaged", "quality"][rng.gen_range(0..2)])
                        .bind(["tmall", "jd", "amazon"][rng.gen_range(0..3)])
                        .bind(["normal", "serious"][rng.gen_range(0..2)])
                        .bind(instant(&mut rng, now))
                        .bind(id_in([GUILD, OTHER_GUILD][rng.gen_range(0..2)]))
                        .execute(t.pool())
                        .await
                        .expect("edit");
                }
                8 => {
                    sqlx::query(
                        "UPDATE complaints SET deadline_at = deadline_at + ?2 WHERE id = ?1",
                    )
                    .bind(pick(&mut rng))
                    .bind(rng.gen_range(-2 * DAY..2 * DAY))
                    .execute(t.pool())
                    .await
                    .expect("limit");
                }
                _ => {
                    sqlx::query("DELETE FROM complaints WHERE id = ?1")
                        .bind(pick(&mut rng))
                        .execute(t.pool())
                        .await
                        .expect("delete");
                }
            }
            if !ids.is_empty() && rng.gen_bool(0.4) {
                // A payment recorded (as a resolution does), moved or taken back.
                match rng.gen_range(0..4) {
                    0 | 1 => {
                        // Of a complaint still there (the step above may have deleted one).
                        let Some((complaint_id,)): Option<(i64,)> = sqlx::query_as(
                            "SELECT id FROM complaints ORDER BY id LIMIT 1 OFFSET ?1",
                        )
                        .bind(rng.gen_range(0..ids.len() as i64))
                        .fetch_optional(t.pool())
                        .await
                        .expect("a complaint") else {
                            continue;
                        };
                        let p = complaints::Payment {
                            complaint_id,
                            at: from_ms(instant(&mut rng, now)),
                            outcome: [
                                Outcome::Refund,
                                Outcome::PartialRefund,
                                Outcome::Compensation,
                            ][rng.gen_range(0..3)],
                            amount: Money(rng.gen_range(0..50_000)),
                            currency: ["", "CNY", "USD"][rng.gen_range(0..3)].to_string(),
                        };
                        let guild = [GUILD, OTHER_GUILD][rng.gen_range(0..2)];
                        let mut conn = t.app.store.pool.acquire().await.expect("conn");
                        complaints::add_payment(&mut conn, guild, &p)
                            .await
                            .expect("payment");
                    }
                    2 => {
                        sqlx::query("UPDATE complaint_payments SET at = ?1, amount_cents = amount_cents + 1 WHERE id = (SELECT MIN(id) FROM complaint_payments WHERE id >= ?2)")
                            .bind(instant(&mut rng, now))
                            .bind(rng.gen_range(0..200))
                            .execute(t.pool())
                            .await
                            .expect("move payment");
                    }
                    _ => {
                        sqlx::query("DELETE FROM complaint_payments WHERE id = (SELECT MIN(id) FROM complaint_payments WHERE id >= ?1)")
                            .bind(rng.gen_range(0..200))
                            .execute(t.pool())
                            .await
                            .expect("delete payment");
                    }
                }
            }
            if rng.gen_bool(0.6) {
                let created = instant(&mut rng, now);
                let resolved = rng.gen_bool(0.7).then(|| created + took(&mut rng));
                sqlx::query(
                    "INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, status, logged_by, channel_id, created_at, deadline_at, resolved_at)
                     VALUES (?1, 'o', ?2, ?3, ?4, 's', ?5, 1, 1, ?6, ?7, ?8)",
                )
                .bind(id_in(if rng.gen_bool(0.85) { GUILD } else { OTHER_GUILD }))
                .bind(["tmall", "jd", "amazon"][rng.gen_range(0..3)])
                .bind(["damaged", "quality", "wrong-size"][rng.gen_range(0..3)])
                .bind(if rng.gen_bool(0.2) { "serious" } else { "normal" })
                .bind(if resolved.is_some() { "resolved" } else { "open" })
                .bind(created)
                .bind(created + [DAY, 2 * DAY][rng.gen_range(0..2)])
                .bind(resolved)
                .execute(t.pool())
                .await
                .expect("insert");
            }
            if step % 40 != 39 {
                continue;
            }
            rollups_match_base(
                &t,
                "SELECT guild_id, day, category, platform, severity, n FROM complaint_logged_day WHERE n <> 0",
                "SELECT guild_id, created_at / 86400000, category, platform, severity, COUNT(*) FROM complaints GROUP BY 1, 2, 3, 4, 5",
                &format!("seed {seed} step {step}"),
            )
            .await;
            let all = base_complaints(&t).await;
            let mut conn = t.app.store.pool.acquire().await.expect("conn");
            for _ in 0..6 {
                // Periods of whole UTC days, of local days, within one day, and of minutes.
                let (from, to) = match rng.gen_range(0..4) {
                    0 => {
                        let a = now / DAY - rng.gen_range(1..60);
                        (a * DAY, (a + rng.gen_range(1..30)) * DAY)
                    }
                    1 => {
                        let a = now / DAY - rng.gen_range(1..60);
                        (
                            a * DAY - 8 * 3_600_000,
                            (a + rng.gen_range(1..31)) * DAY - 8 * 3_600_000,
                        )
                    }
                    2 => {
                        let a = instant(&mut rng, now);
                        (a, a + rng.gen_range(1..DAY))
                    }
                    _ => {
                        let a = instant(&mut rng, now);
                        let b = instant(&mut rng, now);
                        (a.min(b), a.max(b) + 1)
                    }
                };
                for guild in [GUILD, OTHER_GUILD] {
                    let mut got =
                        complaints::period_counts(&mut conn, guild, from_ms(from), from_ms(to))
                            .await
                            .expect("counts");
                    got.logged
                        .sort_by(|a, b| (&a.0, &a.1, a.2.key()).cmp(&(&b.0, &b.1, b.2.key())));
                    let want = reference(&all, guild, from, to);
                    assert_eq!(got, want, "seed {seed} step {step}: period [{from}, {to})");
                    // The morning summary's line: the same totals in one statement.
                    let totals = complaints::logged_and_resolved(
                        &mut conn,
                        guild,
                        from_ms(from),
                        from_ms(to),
                    )
                    .await
                    .expect("totals");
                    assert_eq!(
                        totals,
                        (want.logged.iter().map(|l| l.3).sum(), want.resolved),
                        "seed {seed} step {step}: totals of [{from}, {to})"
                    );
                    let mut paid: Vec<(String, String, i64)> =
                        complaints::payment_sums(&mut conn, guild, from_ms(from), from_ms(to))
                            .await
                            .expect("paid")
                            .into_iter()
                            .map(|(o, c, m)| (o.key().to_string(), c, m.0))
                            .collect();
                    paid.sort();
                    let want: Vec<(String, String, i64)> = sqlx::query_as(
                        "SELECT outcome, currency, SUM(amount_cents) FROM complaint_payments
                         WHERE guild_id = ?1 AND at >= ?2 AND at < ?3 GROUP BY 1, 2 ORDER BY 1, 2",
                    )
                    .bind(id_in(guild))
                    .bind(from)
                    .bind(to)
                    .fetch_all(&mut *conn)
                    .await
                    .expect("plain paid");
                    assert_eq!(
                        paid, want,
                        "seed {seed} step {step}: paid in [{from}, {to})"
                    );
                }
            }
            // Every band rolled up as the base rows put it.
            let kept: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
                "SELECT guild_id, day, band, n, within FROM complaint_resolved_day WHERE n <> 0 ORDER BY 1, 2, 3",
            )
            .fetch_all(t.pool())
            .await
            .expect("bands");
            let fresh: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT guild_id, resolved_at / 86400000, {band}, COUNT(*), SUM(resolved_at < deadline_at)
                 FROM complaints WHERE resolved_at IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                band = complaints::BAND_SQL
            )))
            .fetch_all(t.pool())
            .await
            .expect("recomputed bands");
            assert_eq!(kept, fresh, "seed {seed} step {step}: bands");
        }
    }
}

/// `Cut` covers a period exactly once: whole days inside, the two ends outside.
#[test]
fn a_cut_covers_its_period_once() {
    let mut rng = StdRng::seed_from_u64(18);
    for _ in 0..10_000 {
        let from = rng.gen_range(0..40 * DAY);
        let from = if rng.gen_bool(0.2) {
            from / DAY * DAY
        } else {
            from
        };
        let to = from + rng.gen_range(0..5 * DAY);
        let to = if rng.gen_bool(0.2) {
            to / DAY * DAY
        } else {
            to
        };
        let c = complaints::Cut::of(from, to.max(from));
        let probe = |x: i64| {
            let in_days = x >= c.days.0 * DAY && x < c.days.1 * DAY;
            let in_head = x >= c.head.0 && x < c.head.1;
            let in_tail = x >= c.tail.0 && x < c.tail.1;
            usize::from(in_days) + usize::from(in_head) + usize::from(in_tail)
        };
        for x in [
            from - 1,
            from,
            from + 1,
            to - 1,
            to,
            c.days.0 * DAY,
            c.days.1 * DAY - 1,
        ] {
            let want = usize::from(x >= from && x < to.max(from));
            assert_eq!(probe(x), want, "{from}..{to} at {x}: {c:?}");
        }
    }
}

fn random_figures(rng: &mut StdRng) -> DayFigures {
    let mut d = DayFigures::default();
    if rng.gen_bool(0.08) {
        return d;
    }
    for f in FIELDS {
        if rng.gen_bool(0.65) {
            let v = if rng.gen_bool(0.05) {
                0
            } else {
                rng.gen_range(0..500_000)
            };
            d.set(f, Some(v));
        }
    }
    d
}

#[tokio::test]
async fn figure_rollups_match_the_stored_days_over_random_changes() {
    let t = TestApp::quiet().await;
    let mut rng = StdRng::seed_from_u64(18_018);
    let now = t.clock_now();
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    for (i, currency) in ["CNY", "CNY", "CNY", "USD", "EUR"].iter().enumerate() {
        data::add_shop(&mut conn, GUILD, &format!("S{i}"), "tmall", currency, now)
            .await
            .expect("shop");
    }
    let shops = data::shops(&mut conn, GUILD).await.expect("shops");
    let first = NaiveDate::from_ymd_opt(2026, 10, 20).expect("day");
    let span = 140;
    let day = |rng: &mut StdRng| first + Duration::days(rng.gen_range(0..span));
    for step in 0..600 {
        let shop = shops[rng.gen_range(0..shops.len())].id;
        match rng.gen_range(0..10) {
            0..=5 => {
                data::put_day(
                    &mut conn,
                    shop,
                    day(&mut rng),
                    &random_figures(&mut rng),
                    1,
                    "manual",
                    now,
                )
                .await
                .expect("put day");
            }
            6 | 7 => {
                let days: BTreeMap<NaiveDate, DayFigures> = (0..rng.gen_range(1..8))
                    .map(|_| (day(&mut rng), random_figures(&mut rng)))
                    .collect();
                data::import_days(&mut conn, shop, &days, "shop:tmall", 1, now)
                    .await
                    .expect("import");
            }
            8 => {
                sqlx::query("DELETE FROM daily_figures WHERE shop_id = ?1 AND day = ?2")
                    .bind(shop)
                    .bind(day(&mut rng).to_string())
                    .execute(&mut *conn)
                    .await
                    .expect("delete");
            }
            _ => {
                // A day moved to another date (a correction by hand in the database).
                sqlx::query(
                    "UPDATE OR IGNORE daily_figures SET day = ?3 WHERE shop_id = ?1 AND day = ?2",
                )
                .bind(shop)
                .bind(day(&mut rng).to_string())
                .bind(day(&mut rng).to_string())
                .execute(&mut *conn)
                .await
                .expect("move");
            }
        }
        if step % 50 != 49 {
            continue;
        }
        for _ in 0..8 {
            let (from, to) = match rng.gen_range(0..4) {
                // Whole months, a month and its neighbours' ends, one day, anything.
                0 => (
                    NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
                    NaiveDate::from_ymd_opt(2027, 1, 31).expect("d"),
                ),
                1 => (
                    NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"),
                    NaiveDate::from_ymd_opt(2027, 1, 1).expect("d"),
                ),
                2 => {
                    let d = day(&mut rng);
                    (d, d)
                }
                _ => {
                    let (a, b) = (day(&mut rng), day(&mut rng));
                    (a.min(b) - Duration::days(3), a.max(b))
                }
            };
            let picked: Vec<_> = shops
                .iter()
                .filter(|_| rng.gen_bool(0.7))
                .cloned()
                .collect();
            let plain = by_currency(&mut conn, &picked, from, to)
                .await
                .expect("plain");
            let kept = by_currency_totals(&mut conn, &picked, from, to, true)
                .await
                .expect("rollups");
            assert_eq!(plain.len(), kept.len());
            for (p, k) in plain.iter().zip(&kept) {
                let at = format!("step {step}, {from}..{to}, {}", p.currency);
                assert_eq!(p.currency, k.currency, "{at}");
                assert_eq!(p.shops, k.shops, "{at}");
                assert_eq!(p.days.iter().any(|d| !d.is_empty()), k.has_days(), "{at}");
                assert_eq!(p.total(), k.total(), "{at}");
                assert_eq!(p.rates(), k.rates(), "{at}");
                assert_eq!(p.coverage(), k.coverage(), "{at}");
                assert_eq!(p.paid_per_day(), k.paid_per_day(), "{at}");
            }
        }
    }
}

async fn outbox_plain_counts(t: &TestApp, guild: Option<u64>) -> Vec<(OutboxState, i64)> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT state, COUNT(*) FROM outbox WHERE ?1 IS NULL OR guild_id = ?1 GROUP BY state ORDER BY state",
    )
    .bind(guild.map(id_in))
    .fetch_all(t.pool())
    .await
    .expect("plain counts");
    rows.into_iter()
        .map(|(s, n)| (OutboxState::parse(&s).expect("state"), n))
        .collect()
}

#[tokio::test]
async fn outbox_counts_and_lists_match_the_rows_over_random_changes() {
    let t = TestApp::quiet().await;
    let mut rng = StdRng::seed_from_u64(18_020);
    let now = t.clock_now();
    let states = OutboxState::ALL;
    for step in 0..500 {
        let guild = [GUILD, OTHER_GUILD][rng.gen_range(0..2)];
        let due = now - Duration::minutes(rng.gen_range(0..200_000));
        enqueue(
            &t.app,
            &message(
                guild,
                &format!("k{}", rng.gen_range(0..400)),
                "test",
                Target::Channel(5),
                due,
            ),
        )
        .await;
        let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM outbox_message")
            .fetch_all(t.pool())
            .await
            .expect("ids");
        if !ids.is_empty() {
            let id = ids[rng.gen_range(0..ids.len())].0;
            match rng.gen_range(0..12) {
                0..=7 => {
                    // Mostly sent, as a bot's history is.
                    let s = if rng.gen_bool(0.6) {
                        OutboxState::Sent
                    } else {
                        states[rng.gen_range(0..states.len())]
                    };
                    sqlx::query("UPDATE outbox_state SET state = ?2 WHERE id = ?1")
                        .bind(id)
                        .bind(s.as_str())
                        .execute(t.pool())
                        .await
                        .expect("state");
                }
                8 => {
                    sqlx::query("DELETE FROM outbox_message WHERE id = ?1")
                        .bind(id)
                        .execute(t.pool())
                        .await
                        .expect("delete message");
                }
                9 => {
                    sqlx::query("DELETE FROM outbox_state WHERE id = ?1")
                        .bind(id)
                        .execute(t.pool())
                        .await
                        .expect("delete state");
                }
                10 => {
                    let mut conn = t.app.store.pool.acquire().await.expect("conn");
                    retention::prune_batch(
                        &mut conn,
                        now - Duration::days(rng.gen_range(0..100)),
                        7,
                    )
                    .await
                    .expect("prune");
                }
                _ => {
                    let mut conn = t.app.store.pool.acquire().await.expect("conn");
                    outbox::retry_failed(&mut conn, guild, None, now)
                        .await
                        .expect("retry");
                }
            }
        }
        if step % 25 != 24 {
            continue;
        }
        let mut conn = t.app.store.pool.acquire().await.expect("conn");
        for g in [None, Some(GUILD), Some(OTHER_GUILD)] {
            let got = outbox::counts(&mut conn, g).await.expect("counts");
            assert_eq!(
                got,
                outbox_plain_counts(&t, g).await,
                "step {step}, guild {g:?}"
            );
        }
        for g in [GUILD, OTHER_GUILD] {
            for s in states {
                let got: Vec<i64> = outbox::list(&mut conn, g, s, 5)
                    .await
                    .expect("list")
                    .iter()
                    .map(|l| l.id)
                    .collect();
                let want: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM outbox WHERE guild_id = ?1 AND state = ?2 ORDER BY due_at DESC, id DESC LIMIT 5",
                )
                .bind(id_in(g))
                .bind(s.as_str())
                .fetch_all(t.pool())
                .await
                .expect("plain list");
                let want: Vec<i64> = want.into_iter().map(|r| r.0).collect();
                assert_eq!(got, want, "step {step}, guild {g}, {s:?}");
            }
        }
    }
}

/// Attachments are stored as base64 text (about 1.33 bytes a byte, not 3.5 as an array of
/// numbers), and a message queued before, with its bytes as an array, still goes out whole.
#[tokio::test]
async fn attachments_are_stored_as_base64_and_old_rows_still_read() {
    let t = TestApp::quiet().await;
    setup_guild(&t.app, GUILD, None).await;
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let due: DateTime<Utc> = start_instant();
    for key in ["new", "old"] {
        let mut m = message(GUILD, key, "test", Target::Channel(5), due);
        m.reply.attachments.push(Attachment {
            filename: "trend.png".into(),
            bytes: bytes.clone(),
        });
        assert!(enqueue(&t.app, &m).await);
    }
    let (new_payload,): (String,) =
        sqlx::query_as("SELECT payload FROM outbox_message WHERE dedupe_key = 'new'")
            .fetch_one(t.pool())
            .await
            .expect("payload");
    let b64 = base64_of(&bytes);
    assert!(
        new_payload.contains(&format!("\"{b64}\"")),
        "bytes not stored as base64"
    );
    assert!(
        new_payload.len() < bytes.len() * 4 / 3 + 1_000,
        "{} bytes stored",
        new_payload.len()
    );
    // The old format, written as the code before this change wrote it.
    let numbers: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
    let old_payload =
        new_payload.replace(&format!("\"{b64}\""), &format!("[{}]", numbers.join(",")));
    assert!(old_payload.len() > bytes.len() * 3);
    sqlx::query("UPDATE outbox_message SET payload = ?1 WHERE dedupe_key = 'old'")
        .bind(&old_payload)
        .execute(t.pool())
        .await
        .expect("old row");
    let sink = RecordingSink::new();
    run_due(&dispatcher(&t.app, &sink, "test")).await;
    let sent = sink.messages();
    assert_eq!(sent.len(), 2);
    for m in sent {
        assert_eq!(m.reply.attachments.len(), 1, "{}", m.dedupe_key);
        assert_eq!(m.reply.attachments[0].bytes, bytes, "{}", m.dedupe_key);
    }
}

/// Standard base64 with padding, written out here so the test does not trust the crate the
/// code uses.
fn base64_of(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A task as the reference reads it back: guild, assignee, status, deadline, done at.
type TaskRow = (i64, Option<i64>, String, i64, Option<i64>);

/// `tasks::stats` of [from, to) at `now` worked out from the base rows.
fn task_stats_reference(
    all: &[TaskRow],
    guild: u64,
    from: i64,
    to: i64,
    now: i64,
) -> Vec<storeops::store::tasks::MemberStats> {
    let mut per: BTreeMap<i64, (i64, i64, i64, i64, i64, i64)> = BTreeMap::new();
    for (g, who, status, due, done_at) in all {
        let Some(who) = who else { continue };
        if storeops::store::id_out(*g) != guild {
            continue;
        }
        let e = per.entry(*who).or_default();
        if *due >= from && *due < to {
            e.0 += i64::from(status != "cancelled");
            if status == "done" {
                e.1 += 1;
                match done_at {
                    Some(d) if d < due => e.2 += 1,
                    Some(d) => {
                        e.4 += d - due;
                        e.5 += 1;
                    }
                    None => {}
                }
            }
        }
        if matches!(status.as_str(), "open" | "in_progress") && *due <= now {
            e.3 += 1;
        }
    }
    per.into_iter()
        .filter(|(_, e)| e.0 > 0 || e.3 > 0)
        .map(
            |(who, (assigned, done, on_time, overdue_now, late_ms, late_n))| {
                storeops::store::tasks::MemberStats {
                    user_id: storeops::store::id_out(who),
                    assigned,
                    done,
                    on_time,
                    overdue_now,
                    avg_late_minutes: (late_n > 0)
                        .then(|| late_ms as f64 / 60_000.0 / late_n as f64),
                }
            },
        )
        .collect()
}

#[tokio::test]
async fn task_stats_rollup_matches_the_base_rows_over_random_changes() {
    const STATUSES: [&str; 4] = ["open", "in_progress", "done", "cancelled"];
    for seed in [18_101u64, 18_102, 18_103] {
        let t = TestApp::quiet().await;
        let mut rng = StdRng::seed_from_u64(seed);
        let now = ms(t.clock_now());
        for step in 0..400 {
            let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM tasks")
                .fetch_all(t.pool())
                .await
                .expect("ids");
            let pick = |rng: &mut StdRng| ids[rng.gen_range(0..ids.len())].0;
            let member = |rng: &mut StdRng| -> Option<i64> {
                [None, Some(11), Some(12), Some(13)][rng.gen_range(0..4)]
            };
            match rng.gen_range(0..10) {
                _ if ids.is_empty() => {}
                0..=2 => {}
                3 => {
                    // Only the time it was done moves (across the deadline or not).
                    sqlx::query("UPDATE tasks SET done_at = done_at + ?2 WHERE id = ?1")
                        .bind(pick(&mut rng))
                        .bind(rng.gen_range(-DAY..DAY))
                        .execute(t.pool())
                        .await
                        .expect("done at");
                }
                4 | 5 => {
                    // Done (again), early or late, sometimes to the ms of the deadline.
                    let late =
                        [-DAY, -1, 0, 1, 3 * DAY][rng.gen_range(0..5)] + rng.gen_range(0..MINUTE);
                    sqlx::query(
                        "UPDATE tasks SET status = 'done', done_at = due_at + ?2 WHERE id = ?1",
                    )
                    .bind(pick(&mut rng))
                    .bind(late)
                    .execute(t.pool())
                    .await
                    .expect("done");
                }
                6 => {
                    // Reopened, started or cancelled (done_at kept or cleared).
                    sqlx::query("UPDATE tasks SET status = ?2, done_at = CASE WHEN ?3 THEN NULL ELSE done_at END WHERE id = ?1")
                        .bind(pick(&mut rng))
                        .bind(["open", "in_progress", "cancelled"][rng.gen_range(0..3)])
                        .bind(rng.gen_bool(0.5))
                        .execute(t.pool())
                        .await
                        .expect("status");
                }
                7 => {
                    // Moved: another deadline, member or guild.
                    sqlx::query("UPDATE tasks SET due_at = ?2, assignee_id = ?3, guild_id = ?4 WHERE id = ?1")
                        .bind(pick(&mut rng))
                        .bind(instant(&mut rng, now))
                        .bind(member(&mut rng))
                        .bind(id_in([GUILD, OTHER_GUILD][rng.gen_range(0..2)]))
                        .execute(t.pool())
                        .await
                        .expect("move");
                }
                _ => {
                    sqlx::query("DELETE FROM tasks WHERE id = ?1")
                        .bind(pick(&mut rng))
                        .execute(t.pool())
                        .await
                        .expect("delete");
                }
            }
            if rng.gen_bool(0.7) {
                let due = instant(&mut rng, now);
                let status = STATUSES[rng.gen_range(0..4)];
                let done_at = (status == "done" || rng.gen_bool(0.1))
                    .then(|| due + rng.gen_range(-2 * DAY..2 * DAY))
                    .filter(|_| rng.gen_bool(0.95));
                sqlx::query(
                    "INSERT INTO tasks (guild_id, title, status, assignee_id, assigner_id, channel_id, due_at, created_at, updated_at, done_at)
                     VALUES (?1, 't', ?2, ?3, 1, 1, ?4, ?5, ?5, ?6)",
                )
                .bind(id_in(if rng.gen_bool(0.85) { GUILD } else { OTHER_GUILD }))
                .bind(status)
                .bind(member(&mut rng))
                .bind(due)
                .bind(now - 90 * DAY)
                .bind(done_at)
                .execute(t.pool())
                .await
                .expect("insert");
            }
            if step % 40 != 39 {
                continue;
            }
            // The rollup itself, row for row (zero rows left by moves aside).
            let sums = "SUM(status <> 'cancelled'), SUM(status = 'done'),
                 SUM(IFNULL(status = 'done' AND done_at < due_at, 0)),
                 SUM(IFNULL(CASE WHEN status = 'done' AND done_at >= due_at THEN done_at - due_at END, 0)),
                 SUM(IFNULL(status = 'done' AND done_at >= due_at, 0))";
            type R = Vec<(i64, i64, i64, i64, i64, i64, i64, i64)>;
            let kept: R = sqlx::query_as(
                "SELECT guild_id, day, assignee_id, assigned, done, on_time, late_ms, late_n FROM task_stats_day
                 WHERE assigned <> 0 OR done <> 0 OR on_time <> 0 OR late_ms <> 0 OR late_n <> 0 ORDER BY 1, 2, 3",
            )
            .fetch_all(t.pool())
            .await
            .expect("kept");
            let fresh: R = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT guild_id, due_at / 86400000, assignee_id, {sums} FROM tasks
                 WHERE assignee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            )))
            .fetch_all(t.pool())
            .await
            .expect("fresh");
            let fresh: R = fresh
                .into_iter()
                .filter(|r| (r.3, r.4, r.5, r.6, r.7) != (0, 0, 0, 0, 0))
                .collect();
            assert_eq!(kept, fresh, "seed {seed} step {step}: task_stats_day");
            // What `/task stats` and the summaries read, over periods cut anywhere.
            let all: Vec<TaskRow> =
                sqlx::query_as("SELECT guild_id, assignee_id, status, due_at, done_at FROM tasks")
                    .fetch_all(t.pool())
                    .await
                    .expect("tasks");
            let mut conn = t.app.store.pool.acquire().await.expect("conn");
            for _ in 0..6 {
                let (from, to) = match rng.gen_range(0..4) {
                    0 => {
                        let a = now / DAY - rng.gen_range(1..60);
                        (a * DAY, (a + rng.gen_range(1..30)) * DAY)
                    }
                    1 => {
                        let a = now / DAY - rng.gen_range(1..60);
                        (
                            a * DAY - 8 * 3_600_000,
                            (a + rng.gen_range(1..31)) * DAY - 8 * 3_600_000,
                        )
                    }
                    2 => {
                        let a = instant(&mut rng, now);
                        (a, a + rng.gen_range(1..DAY))
                    }
                    _ => {
                        let a = instant(&mut rng, now);
                        let b = instant(&mut rng, now);
                        (a.min(b), a.max(b) + 1)
                    }
                };
                let at = now - rng.gen_range(0..30) * DAY;
                for guild in [GUILD, OTHER_GUILD] {
                    let got = storeops::store::tasks::stats(
                        &mut conn,
                        guild,
                        from_ms(from),
                        from_ms(to),
                        from_ms(at),
                    )
                    .await
                    .expect("stats");
                    let want = task_stats_reference(&all, guild, from, to, at);
                    assert_eq!(
                        got.len(),
                        want.len(),
                        "seed {seed} step {step}: [{from}, {to})"
                    );
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!(
                            (g.user_id, g.assigned, g.done, g.on_time, g.overdue_now),
                            (w.user_id, w.assigned, w.done, w.on_time, w.overdue_now),
                            "seed {seed} step {step}: [{from}, {to})"
                        );
                        match (g.avg_late_minutes, w.avg_late_minutes) {
                            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
                            (a, b) => assert_eq!(a, b, "seed {seed} step {step}"),
                        }
                    }
                }
            }
        }
    }
}
