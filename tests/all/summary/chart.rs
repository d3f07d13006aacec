//! The trend chart on the summary: a PNG of the expected size with its words drawn, rendered
//! without any installed font.

use std::path::Path;

use storeops::domain::chart;

use crate::support::TestApp;
use crate::support::figures::fixture;
use crate::support::shell::{boss_with_summary_channel, run};
use crate::support::store::outbox_keyed;
use crate::support::time::date;

/// PNG width and height from the IHDR chunk, after checking the signature and chunk header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 33,
        "too short for a PNG: {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[8..12], &13u32.to_be_bytes(), "IHDR length");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().expect("4 bytes"));
    let h = u32::from_be_bytes(bytes[20..24].try_into().expect("4 bytes"));
    (w, h)
}

/// Fully decodes a PNG (checksums, compressed data) into RGB bytes.
fn decode_png(bytes: &[u8]) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!((info.width, info.height), (chart::WIDTH, chart::HEIGHT));
    buf.truncate(info.buffer_size());
    buf
}

/// Grey, darkish pixels (anti-aliased text) in the top `rows` rows: the legend strip.
fn text_pixels(rgb: &[u8], rows: u32) -> usize {
    rgb[..(rows * chart::WIDTH * 3) as usize]
        .chunks_exact(3)
        .filter(|p| p[0] == p[1] && p[1] == p[2] && p[0] < 160)
        .count()
}

/// The scheduled summary carries the trend chart: a PNG of WIDTH × HEIGHT with text on it.
#[tokio::test]
async fn the_summary_chart_is_a_png_of_the_expected_size() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    fixture(&mut sh).await;
    run(&mut sh, ":advance 1d").await;
    let rows = outbox_keyed(&t, "summary:1:2026-11-23").await;
    assert_eq!(rows.len(), 1);
    let reply = &rows[0].reply;
    assert_eq!(reply.attachments.len(), 1, "one chart");
    let a = &reply.attachments[0];
    assert_eq!(a.filename, "trend-2026-11-23.png");
    assert_eq!(png_size(&a.bytes), (chart::WIDTH, chart::HEIGHT));
    assert_eq!((chart::WIDTH, chart::HEIGHT), (1000, 500));
    let rgb = decode_png(&a.bytes);
    assert!(text_pixels(&rgb, 40) > 50, "the legend's words are drawn");

    // The same from the summary function itself.
    let guild = t.app.guild(1).await.expect("guild");
    let r = storeops::app::cmd::summary::daily(
        &t.app,
        &mut t.app.conn().await.expect("connection"),
        &guild,
        date("2026-11-22"),
        t.clock_now(),
        guild.locale,
    )
    .await
    .expect("summary");
    assert_eq!(
        png_size(&r.attachments[0].bytes),
        (chart::WIDTH, chart::HEIGHT)
    );
}

/// The chart needs no installed font: no font-discovery crate is linked, and it renders
/// with its words in a process whose fontconfig and XDG folders hold no font.
#[test]
fn the_chart_renders_without_system_fonts() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    for c in [
        "font-kit",
        "fontconfig",
        "yeslogic-fontconfig-sys",
        "servo-fontconfig",
        "freetype",
        "freetype-sys",
        "fontdb",
    ] {
        assert!(!lock.contains(&format!("name = \"{c}\"")), "{c} is linked");
    }
    let empty = tempfile::tempdir().expect("dir");
    let conf = empty.path().join("fonts.conf");
    std::fs::write(&conf, "<?xml version=\"1.0\"?><fontconfig></fontconfig>\n").expect("conf");
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "summary::chart::chart_in_a_process_without_fonts",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env("FONTCONFIG_FILE", &conf)
        .env("FONTCONFIG_PATH", empty.path())
        .env("XDG_DATA_HOME", empty.path())
        .env("XDG_DATA_DIRS", empty.path())
        .env("HOME", empty.path())
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "run by the_chart_renders_without_system_fonts, in a process without fonts"]
fn chart_in_a_process_without_fonts() {
    let days: Vec<chrono::NaiveDate> = (0..30)
        .map(|i| date("2026-10-24") + chrono::Duration::days(i))
        .collect();
    let t = chart::Trend {
        title: "近 30 天每日支付金额（CNY）".into(),
        shops: vec![chart::ShopSeries {
            name: "天猫".into(),
            paid_cents: (0..30).map(|i| 2_000_000 + i * 50_000).collect(),
        }],
        conversion: (0..30)
            .map(|i| Some(0.02 + (i % 5) as f64 * 0.002))
            .collect(),
        pace: vec![Some(2_500_000); 30],
        days,
        conversion_label: "转化率 %".into(),
        pace_label: "目标日均进度".into(),
        no_data: "暂无数据".into(),
    };
    let (png, legend) = chart::render(&t).expect("renders");
    assert!(legend.undrawn().is_empty());
    assert_eq!(png_size(&png), (chart::WIDTH, chart::HEIGHT));
    let rgb = decode_png(&png);
    assert!(text_pixels(&rgb, 40) > 50, "the title's words are drawn");
}
