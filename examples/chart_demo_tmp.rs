use chrono::NaiveDate;
use std::time::Instant;
use storeops::domain::chart::{ChartDay, render_trend};

fn main() {
    let d0 = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    let day = |i: u32, p: i64, c: Option<f64>| ChartDay {
        date: d0 + chrono::Days::new(i.into()),
        paid_cents: p,
        conversion: c,
    };
    let month: Vec<_> = (0..30)
        .map(|i| {
            day(
                i,
                120_000 + i64::from(i % 7) * 45_000,
                (i % 9 != 4).then(|| 0.02 + f64::from(i % 5) * 0.004),
            )
        })
        .collect();
    let _ = render_trend(&month, "CNY").unwrap(); // warm (font registration)
    let n = 50;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(render_trend(&month, "CNY").unwrap());
    }
    println!(
        "30 days: {:.2} ms per render, {} bytes",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64,
        render_trend(&month, "CNY").unwrap().len()
    );
    std::fs::write("/tmp/c_empty.png", render_trend(&[], "$").unwrap()).unwrap();
    std::fs::write(
        "/tmp/c_one.png",
        render_trend(&[day(0, 123_456, Some(0.034))], "€").unwrap(),
    )
    .unwrap();
    let huge: Vec<_> = (0..30)
        .map(|i| day(i, 10_000_000_000 - i64::from(i) * 100_000_000, Some(1.0)))
        .collect();
    std::fs::write("/tmp/c_huge.png", render_trend(&huge, "元").unwrap()).unwrap();
    let zero: Vec<_> = (0..7)
        .map(|i| day(i, 0, if i % 2 == 0 { Some(0.0) } else { None }))
        .collect();
    std::fs::write("/tmp/c_zero.png", render_trend(&zero, "CNY").unwrap()).unwrap();
    let neg = [
        day(0, -5_000, Some(0.01)),
        day(1, 20_000, Some(0.02)),
        day(2, 8_000, None),
        day(3, 9_000, Some(0.015)),
    ];
    std::fs::write("/tmp/c_neg.png", render_trend(&neg, "CNY").unwrap()).unwrap();
}
