//! Morning-summary benchmark (`cargo bench --bench summary`), a plain main printing figures.
//!
//! A temporary database holds 3 years of daily figures (every field) for 5 shops (or
//! `SUMMARY_BENCH_SHOPS` shops × `SUMMARY_BENCH_YEARS` years: 20 × 5 for #18's goal), inserted in
//! one transaction through `store::data::put_day` (so the history table is filled too), a
//! November target per shop, the 20 products of each shop's day (`common::PRODUCTS_SQL`), 80
//! open tasks (40 of them overdue), 20 open complaints and a team's six fixed activities and
//! three recurring tasks (`common::ROUTINE`). Then
//! `app::cmd::summary::daily` builds the morning summary with its 30-day chart, repeatedly;
//! the chart alone (`domain::chart::render` on the same 30 days, stacked by shop) is timed
//! separately. Goal: ≤ 10 ms per summary with its chart (#18). The load average is printed first (wall times grow on a busy
//! machine). The chart's PNG encoding is timed on its own by re-encoding the chart's pixels
//! with the same encoder settings.
//!
//! `SUMMARY_BENCH_RUNS` overrides the number of timed runs (default 40, at least 20).

mod common;

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::Connection;
use storeops::adapters::shell::{Shell, parse_positions, shell_id};
use storeops::app::cmd::summary;
use storeops::app::{Actor, App};
use storeops::clock::ManualClock;
use storeops::config::Config;
use storeops::domain::chart;
use storeops::domain::metrics::{DayFigures, Derived};
use storeops::store::{Store, data};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn shops_n() -> usize {
    env_or("SUMMARY_BENCH_SHOPS", 5)
}

fn days_n() -> i64 {
    env_or("SUMMARY_BENCH_YEARS", 3) as i64 * 365
}
const GUILD: u64 = 1;

/// Encodes RGB pixels as the chart does (`chart::encode_png`).
fn encode(pixels: &[u8]) -> Vec<u8> {
    chart::encode_png(pixels).expect("encode")
}

/// The same pixels under other encoder settings, so the choice in `chart::encode_png` is
/// measured in this profile (whole-program LTO re-optimises the codec crates at the binary's
/// opt-level): median time and size of each, and whether it decodes back to the same pixels.
/// The first is the chart's own (`chart::encode_png`: the "up" filter, level 2 in pieces of
/// 21 rows), then the same pieces at levels 3 and 1; the others are the png crate's encoder as
/// one stream.
fn compare_encoders(pixels: &[u8], runs: usize) {
    use png::{DeflateCompression as D, Filter as F};
    let png_crate = |filter: F, deflate: D| {
        move || {
            let mut out = Vec::with_capacity(64 * 1024);
            let mut e = png::Encoder::new(&mut out, chart::WIDTH, chart::HEIGHT);
            e.set_color(png::ColorType::Rgb);
            e.set_depth(png::BitDepth::Eight);
            e.set_filter(filter);
            e.set_deflate_compression(deflate);
            let mut w = e.write_header().expect("header");
            w.write_image_data(pixels).expect("data");
            w.finish().expect("finish");
            out
        }
    };
    type Encode<'a> = Box<dyn Fn() -> Vec<u8> + 'a>;
    let pieces = |level: u32| move || chart::encode_png_at(pixels, level).expect("encode");
    let settings: [(&str, Encode); 9] = [
        ("encode_png, pieces", Box::new(|| encode(pixels))),
        ("pieces, level 3", Box::new(pieces(3))),
        ("pieces, level 1", Box::new(pieces(1))),
        ("up, level 3", Box::new(png_crate(F::Up, D::Level(3)))),
        ("up, level 1", Box::new(png_crate(F::Up, D::Level(1)))),
        (
            "up, fdeflate",
            Box::new(png_crate(F::Up, D::FdeflateUltraFast)),
        ),
        (
            "adaptive, fdeflate",
            Box::new(png_crate(F::Adaptive, D::FdeflateUltraFast)),
        ),
        (
            "sub, fdeflate",
            Box::new(png_crate(F::Sub, D::FdeflateUltraFast)),
        ),
        (
            "none, fdeflate",
            Box::new(png_crate(F::NoFilter, D::FdeflateUltraFast)),
        ),
    ];
    println!("  PNG encoder settings on the same pixels (median of {runs}):");
    for (label, once) in settings {
        let mut ms = Vec::with_capacity(runs);
        let mut bytes = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            bytes = std::hint::black_box(once());
            ms.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(f64::total_cmp);
        let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes))
            .read_info()
            .expect("png header");
        let mut back = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut back).expect("frame");
        println!(
            "    {label:<20} {:.2} ms, {} bytes{}",
            ms[ms.len() / 2],
            bytes.len(),
            if back == pixels {
                ""
            } else {
                " (DECODES DIFFERENTLY)"
            }
        );
    }
}

fn stats(label: &str, mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "  {label}: min {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} runs)",
        ms[0],
        at(0.5),
        at(0.95),
        ms[ms.len() - 1],
        ms.len()
    );
    at(0.5)
}

async fn build(app: &App, clock: &ManualClock, yesterday: NaiveDate) {
    // The guild (settings, position roles) and its shops, through the shell like a user.
    let mut actor = Actor::new(shell_id("bench"), "bench");
    actor.positions = parse_positions("manager,operations");
    actor.locale = Some("en-US".parse().expect("locale"));
    let mut sh = Shell::new(app.clone(), actor, Some(clock.clone()))
        .await
        .expect("shell");
    sh.execute("/setup language:en-US summary-channel:#daily")
        .await;
    for s in 0..shops_n() {
        let out = sh
            .execute(&format!(
                "/data shop name:Shop{s} platform:tmall currency:CNY"
            ))
            .await
            .text;
        assert!(out.contains("added"), "{out}");
        sh.execute(&format!(
            "/data target shop:Shop{s} amount:3000000 month:2026-11"
        ))
        .await;
    }
    for i in 0..40 {
        sh.execute(&format!(
            "/task assign title:\"Overdue {i}\" due:\"in 1h\" position:operations"
        ))
        .await;
        sh.execute(&format!(
            "/task assign title:\"Later {i}\" due:\"fri 18:00\" user:@bench"
        ))
        .await;
    }
    for i in 0..20 {
        sh.execute(&format!(
            "/complaint log order:2026112{i:05} platform:tmall category:damaged summary:\"Broken {i}\""
        ))
        .await;
    }
    for line in common::ROUTINE {
        let out = sh.execute(line).await.text;
        assert!(out.contains("saved"), "{line}: {out}");
    }

    // Three years of figures in one transaction.
    let t0 = Instant::now();
    let mut conn = app.store.pool.acquire().await.expect("connection");
    let shops = data::shops(&mut conn, GUILD).await.expect("shops");
    let now = app.clock.now();
    let mut tx = conn.begin().await.expect("begin");
    for (s, shop) in shops.iter().enumerate() {
        for i in 0..days_n() {
            let day = yesterday - Duration::days(days_n() - 1 - i);
            data::put_day(
                &mut tx,
                shop.id,
                day,
                &common::figures(s, i, 700),
                1,
                "bench",
                now,
            )
            .await
            .expect("put day");
        }
    }
    sqlx::query(common::PRODUCTS_SQL)
        .bind(yesterday.to_string())
        .bind(days_n())
        .bind(storeops::store::ms(now))
        .bind(GUILD as i64)
        .execute(&mut *tx)
        .await
        .expect("products");
    tx.commit().await.expect("commit");
    println!(
        "  inserted {} days for {} shops ({} rows, 20 products a day each) in {:.2} s",
        days_n(),
        shops_n(),
        days_n() * shops_n() as i64,
        t0.elapsed().as_secs_f64()
    );
}

fn main() {
    let runs: usize = std::env::var("SUMMARY_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40)
        .max(20);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::defaults();
        config.database.path = dir.path().join("summary.db");
        config.activities.seed_defaults = false;
        let store = Store::open(&config.database.path, config.database.busy_timeout)
            .await
            .expect("open store");
        // Monday 2026-11-23 09:00 in Asia/Shanghai.
        let start: DateTime<Utc> = "2026-11-23T01:00:00Z".parse().expect("instant");
        let clock = ManualClock::new(start);
        let app = App::new(store, Arc::new(clock.clone()), Arc::new(config));
        let yesterday = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!(
            "load average: {}",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
        println!(
            "morning summary ({} shops, {} years of figures, products, 80 open tasks, 20 complaints, 6 activities):",
            shops_n(),
            days_n() / 365
        );
        build(&app, &clock, yesterday).await;
        clock.set(start + Duration::hours(2)); // 40 tasks are overdue now.
        let now = app.clock.now();
        let guild = app.guild(GUILD).await.expect("guild");

        let mut whole = Vec::with_capacity(runs);
        let mut png = Vec::new();
        for i in 0..runs + 3 {
            let t0 = Instant::now();
            let mut conn = app.conn().await.expect("connection");
            let r = summary::daily(&app, &mut conn, &guild, yesterday, now, guild.locale)
                .await
                .expect("summary");
            drop(conn);
            let took = t0.elapsed().as_secs_f64() * 1e3;
            assert_eq!(r.attachments.len(), 1, "the chart is attached");
            png = r.attachments[0].bytes.clone();
            std::hint::black_box(r);
            if i >= 3 {
                whole.push(took);
            }
        }
        let median = stats("summary::daily (with chart)", whole);

        // The chart alone, on the same 30 days the summary draws.
        let mut conn = app.store.pool.acquire().await.expect("connection");
        let shops = data::shops(&mut conn, GUILD).await.expect("shops");
        let from = yesterday - Duration::days(29);
        let mut series = Vec::new();
        let mut by_day = vec![DayFigures::default(); 30];
        for s in &shops {
            let mut paid = vec![0i64; 30];
            for (d, f) in data::range(&mut conn, s.id, from, yesterday)
                .await
                .expect("range")
            {
                let i = (d - from).num_days() as usize;
                paid[i] = f.paid_amount.map_or(0, |m| m.0);
                by_day[i].add(&f);
            }
            series.push(chart::ShopSeries {
                name: s.name.clone(),
                paid_cents: paid,
            });
        }
        drop(conn);
        let trend = chart::Trend {
            title: "Amount paid per day, last 30 days (CNY)".into(),
            days: (0..30).map(|i| from + Duration::days(i)).collect(),
            shops: chart::group_shops(series, |n| format!("{n} other shops")),
            conversion: by_day.iter().map(|f| Derived::of(f).conversion).collect(),
            pace: vec![Some(10_000_000); 30],
            conversion_label: "conversion %".into(),
            pace_label: "daily target pace".into(),
            no_data: "no figures yet".into(),
        };
        let mut chart_ms = Vec::with_capacity(runs);
        for i in 0..runs + 3 {
            let t0 = Instant::now();
            let png = chart::render(&trend).expect("chart");
            let took = t0.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(png);
            if i >= 3 {
                chart_ms.push(took);
            }
        }
        let chart_median = stats("chart::render alone", chart_ms);

        // Of which PNG encoding: the chart's own pixels, encoded the same way.
        let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .expect("png header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut pixels).expect("frame");
        let mut encode_ms = Vec::with_capacity(runs);
        for i in 0..runs + 3 {
            let t0 = Instant::now();
            std::hint::black_box(encode(&pixels));
            if i >= 3 {
                encode_ms.push(t0.elapsed().as_secs_f64() * 1e3);
            }
        }
        let encode_median = stats("  of which PNG encoding", encode_ms);
        compare_encoders(&pixels, runs);
        println!(
            "  the summary less the chart's own time ~{:.2} ms (the chart is drawn on a thread of its own while the rest is read, so the two overlap); PNG {} bytes ({}×{}); chart encoding ~{:.0}% of the chart (medians)",
            median - chart_median,
            png.len(),
            chart::WIDTH,
            chart::HEIGHT,
            100.0 * encode_median / chart_median
        );
        println!(
            "  goal ≤ 10 ms per summary with its chart: {}",
            if median <= 10.0 { "yes" } else { "NO" }
        );
    });
}
