//! The daily trend chart: paid amount as bars (left axis) and conversion rate as a line (right
//! axis, percent) over the last days, rendered to a PNG in memory.
//!
//! Pure: no I/O. Text is drawn with DejaVu Sans embedded in the binary
//! (`assets/fonts/DejaVuSans.ttf`, Bitstream Vera licence, see `assets/fonts/LICENSE`), so the
//! chart renders on a machine without any installed font. Only digits, dates and short legend
//! keys are written into the image.

use std::ops::Range;
use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use chrono::NaiveDate;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

/// Image width in pixels.
pub const WIDTH: u32 = 1000;
/// Image height in pixels.
pub const HEIGHT: u32 = 500;
/// At most this many days are drawn; older ones beyond it are dropped.
pub const MAX_DAYS: usize = 30;

const FONT_FAMILY: &str = "sans-serif";
const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

const BACKGROUND: RGBColor = WHITE;
const BAR: RGBColor = RGBColor(66, 133, 244);
const LINE: RGBColor = RGBColor(234, 110, 20);
const GRID: RGBColor = RGBColor(225, 225, 225);
const TEXT: RGBColor = RGBColor(40, 40, 40);
const MUTED: RGBColor = RGBColor(130, 130, 130);

/// Pixel sizes of the text.
const LABEL_PX: u32 = 15;
const KEY_PX: f32 = 16.0;
const NOTE_PX: f32 = 28.0;
/// Height of the strip above the plot that holds the two legend keys.
const KEY_STRIP: u32 = 40;

/// One day of the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartDay {
    pub date: NaiveDate,
    /// Paid amount that day, in cents.
    pub paid_cents: i64,
    /// Conversion rate, `0.0..=1.0`; `None` when there is no data (a gap in the line).
    pub conversion: Option<f64>,
}

/// Why a chart could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font could not be parsed.
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// Plotting into the pixel buffer failed.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// Turning the pixels into a PNG failed.
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The embedded font, parsed once and registered with plotters (for the axis numbers and dates)
/// under [`FONT_FAMILY`].
fn font() -> Result<&'static FontRef<'static>, ChartError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| {
        let font = FontRef::try_from_slice(FONT_BYTES).ok()?;
        register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).ok()?;
        Some(font)
    })
    .as_ref()
    .ok_or(ChartError::Font)
}

/// Renders the last days (the caller passes up to [`MAX_DAYS`]; more are cut to the most recent
/// ones) as a [`WIDTH`]×[`HEIGHT`] PNG: paid amount as bars (left axis, major currency units),
/// conversion rate as a line (right axis, percent), x axis dates as `MM-DD`. Days are drawn in
/// date order. An empty slice gives empty axes with a "no data" note.
///
/// `currency` (a code like `CNY` or a symbol like `$`) is added to the "paid" key when the
/// embedded font can show it; otherwise it is left out.
pub fn render_trend(days: &[ChartDay], currency: &str) -> Result<Vec<u8>, ChartError> {
    render(days, currency).map(|(png, _)| png)
}

/// The plot's rectangle in image pixels (x range, y range).
type PlotRect = (Range<i32>, Range<i32>);

fn render(days: &[ChartDay], currency: &str) -> Result<(Vec<u8>, PlotRect), ChartError> {
    let font = font()?;
    let mut days = days.to_vec();
    days.sort_by_key(|d| d.date);
    let days = &days[days.len().saturating_sub(MAX_DAYS)..];

    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    let plot = plot(&mut pixels, days)?;

    // Words are drawn here rather than through plotters, whose ab_glyph text ignores each
    // glyph's side bearing and so spaces letters unevenly ("con v"); digits come out fine.
    let mut canvas = Canvas {
        pixels: &mut pixels,
        font,
    };
    let key_baseline = (KEY_STRIP as f32 * 0.7).round();
    let (px, py) = (plot.0.start as f32, key_baseline);
    canvas.fill_rect(px, py - 12.0, 14.0, 12.0, BAR);
    let paid = match display_currency(currency) {
        Some(c) => format!("paid ({c})"),
        None => "paid".to_string(),
    };
    canvas.text(px + 20.0, py, KEY_PX, &paid, TEXT);
    let conv = "conv %";
    let text_x = plot.0.end as f32 - canvas.width(KEY_PX, conv);
    canvas.fill_rect(text_x - 26.0, py - 7.0, 20.0, 3.0, LINE);
    canvas.text(text_x, py, KEY_PX, conv, TEXT);
    if days.is_empty() {
        let note = "no data";
        let cx = (plot.0.start + plot.0.end) as f32 / 2.0;
        let cy = (plot.1.start + plot.1.end) as f32 / 2.0;
        let x = cx - canvas.width(NOTE_PX, note) / 2.0;
        canvas.text(x, cy + canvas.middle_offset(NOTE_PX), NOTE_PX, note, MUTED);
    }

    Ok((encode_png(&pixels)?, plot))
}

/// Draws axes, bars and the line; returns where the plot ended up.
fn plot(pixels: &mut [u8], days: &[ChartDay]) -> Result<PlotRect, ChartError> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&BACKGROUND).map_err(draw_err)?;

    let x_axis = DayAxis { days: days.len() };
    let amounts: Vec<f64> = days.iter().map(|d| d.paid_cents as f64 / 100.0).collect();
    let (y_min, y_max) = amount_range(&amounts);
    let conversions: Vec<Option<f64>> = days.iter().map(|d| percent(d.conversion)).collect();
    let pct_max = percent_ceiling(conversions.iter().flatten().copied().fold(0.0, f64::max));

    let label_font = (FONT_FAMILY, LABEL_PX).into_font().color(&TEXT);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(KEY_STRIP)
        .margin_left(12)
        .margin_right(12)
        .margin_bottom(6)
        .x_label_area_size(34)
        .y_label_area_size(60)
        .right_y_label_area_size(48)
        .build_cartesian_2d(x_axis, y_min..y_max)
        .map_err(draw_err)?
        .set_secondary_coord(x_axis, 0.0..pct_max);

    let date_label = |x: &f64| {
        let i = x.round();
        if i < 0.0 || (i as usize) >= days.len() {
            return String::new();
        }
        days[i as usize].date.format("%m-%d").to_string()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_labels(MAX_DATE_LABELS)
        .y_labels(6)
        .x_label_formatter(&date_label)
        .y_label_formatter(&|v| compact(*v))
        .label_style(label_font.clone())
        .draw()
        .map_err(draw_err)?;
    chart
        .configure_secondary_axes()
        .axis_style(MUTED)
        .y_labels(6)
        .y_label_formatter(&|v| trim_decimals(*v, 1))
        .label_style(label_font)
        .draw()
        .map_err(draw_err)?;
    let rect = chart.plotting_area().get_pixel_range();

    // A bar takes 68 % of its day, but no wider than with a week of days, so that one or two
    // days do not turn into slabs.
    let half_bar = 0.34 * (days.len() as f64 / 7.0).min(1.0);

    chart
        .draw_series(amounts.iter().enumerate().map(|(i, &v)| {
            let x = i as f64;
            Rectangle::new([(x - half_bar, 0.0), (x + half_bar, v)], BAR.filled())
        }))
        .map_err(draw_err)?;

    // One path per run of consecutive days that have a conversion; a missing day breaks the line.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![];
    let mut current: Vec<(f64, f64)> = vec![];
    for (i, c) in conversions.iter().enumerate() {
        match c {
            Some(p) => current.push((i as f64, *p)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let points: Vec<(f64, f64)> = runs.iter().flatten().copied().collect();
    chart
        .draw_secondary_series(
            runs.into_iter()
                .map(|run| PathElement::new(run, LINE.stroke_width(3))),
        )
        .map_err(draw_err)?;
    chart
        .draw_secondary_series(points.into_iter().map(|p| Circle::new(p, 4, LINE.filled())))
        .map_err(draw_err)?;

    root.present().map_err(draw_err)?;
    Ok(rect)
}

/// Anti-aliased text and boxes straight onto the RGB buffer.
struct Canvas<'a> {
    pixels: &'a mut [u8],
    font: &'a FontRef<'static>,
}

impl Canvas<'_> {
    fn blend(&mut self, x: i32, y: i32, colour: RGBColor, alpha: f32) {
        if x < 0 || y < 0 || x >= WIDTH as i32 || y >= HEIGHT as i32 {
            return;
        }
        let i = (y as usize * WIDTH as usize + x as usize) * 3;
        let a = alpha.clamp(0.0, 1.0);
        for (k, c) in [colour.0, colour.1, colour.2].into_iter().enumerate() {
            let old = f32::from(self.pixels[i + k]);
            self.pixels[i + k] = (old + (f32::from(c) - old) * a).round() as u8;
        }
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: RGBColor) {
        let (x0, y0) = (x.round() as i32, y.round() as i32);
        for yy in y0..y0 + h.round() as i32 {
            for xx in x0..x0 + w.round() as i32 {
                self.blend(xx, yy, colour, 1.0);
            }
        }
    }

    /// Advance width of `text` at `px` pixels.
    fn width(&self, px: f32, text: &str) -> f32 {
        let font = self.font.as_scaled(PxScale::from(px));
        let mut width = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                width += font.kern(p, id);
            }
            width += font.h_advance(id);
            prev = Some(id);
        }
        width
    }

    /// How far below a line's vertical centre its baseline lies.
    fn middle_offset(&self, px: f32) -> f32 {
        let font = self.font.as_scaled(PxScale::from(px));
        (font.ascent() + font.descent()) / 2.0
    }

    /// Draws `text` with its baseline starting at (`x`, `baseline`).
    fn text(&mut self, x: f32, baseline: f32, px: f32, text: &str, colour: RGBColor) {
        let scale = PxScale::from(px);
        let font_ref = self.font;
        let font = font_ref.as_scaled(scale);
        let mut caret = x;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                caret += font.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(caret, baseline));
            if let Some(outline) = font_ref.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
                outline.draw(|gx, gy, coverage| {
                    self.blend(left + gx as i32, top + gy as i32, colour, coverage);
                });
            }
            caret += font.h_advance(id);
            prev = Some(id);
        }
    }
}

/// Most date labels on the x axis; with more days, every second (third…) day is labelled,
/// always including the most recent one.
const MAX_DATE_LABELS: usize = 15;

/// The x axis: day `i` (0-based, oldest first) is centred at `i`, each day one unit wide, so
/// bars and the line's points sit right above their date labels. With no days it spans one empty
/// slot and has no ticks.
#[derive(Debug, Clone, Copy)]
struct DayAxis {
    days: usize,
}

impl DayAxis {
    fn slots(&self) -> f64 {
        self.days.max(1) as f64
    }
}

impl Ranged for DayAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let frac = (value + 0.5) / self.slots();
        limit.0 + (f64::from(limit.1 - limit.0) * frac).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return vec![];
        }
        let n = self.days;
        let step = n
            .div_ceil(hint.max_num_points().clamp(1, MAX_DATE_LABELS))
            .max(1);
        // Counted back from the most recent day, so that one always has its label.
        let mut keys: Vec<f64> = (0..n).rev().step_by(step).map(|i| i as f64).collect();
        keys.reverse();
        keys
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.slots() - 0.5
    }
}

fn encode_png(pixels: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(out)
}

/// The left axis range in major units: always includes 0, a little headroom above the bars.
fn amount_range(amounts: &[f64]) -> (f64, f64) {
    let max = amounts.iter().copied().fold(0.0, f64::max);
    let min = amounts.iter().copied().fold(0.0, f64::min);
    let top = if max > 0.0 { max * 1.12 } else { 0.0 };
    let bottom = if min < 0.0 { min * 1.12 } else { 0.0 };
    if top - bottom > 0.0 {
        (bottom, top)
    } else {
        (0.0, 1.0)
    }
}

/// A conversion rate as a percent in `0..=100`; non-finite values count as missing.
fn percent(rate: Option<f64>) -> Option<f64> {
    rate.filter(|r| r.is_finite())
        .map(|r| r.clamp(0.0, 1.0) * 100.0)
}

/// The right axis top: a round value above the highest rate, at least 1 %, at most 100 %.
fn percent_ceiling(max_pct: f64) -> f64 {
    let wanted = max_pct * 1.15;
    [1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0, 75.0, 100.0]
        .into_iter()
        .find(|&c| c >= wanted)
        .unwrap_or(100.0)
}

/// Axis numbers: `950`, `12.5`, `1.2k`, `35M`, `1.5B`.
fn compact(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (v / 1e12, "T")
    } else if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        return trim_decimals(v, 2);
    };
    format!("{}{suffix}", trim_decimals(scaled, 1))
}

/// `v` with at most `places` decimals, trailing zeros dropped, never `-0`.
fn trim_decimals(v: f64, places: usize) -> String {
    let s = format!("{v:.places$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// The currency as shown on the axis, if it is short and the embedded font has its glyphs.
fn display_currency(currency: &str) -> Option<&str> {
    let c = currency.trim();
    let printable = |ch: char| ch.is_ascii_alphanumeric() || "$€£¥₹₩₽₺฿₫₱".contains(ch);
    (!c.is_empty() && c.chars().count() <= 5 && c.chars().all(printable)).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn day(i: u32, paid_cents: i64, conversion: Option<f64>) -> ChartDay {
        ChartDay {
            date: NaiveDate::from_ymd_opt(2025, 5, 1).unwrap() + chrono::Days::new(u64::from(i)),
            paid_cents,
            conversion,
        }
    }

    fn month() -> Vec<ChartDay> {
        (0..30)
            .map(|i| {
                let paid = 120_000 + i64::from(i % 7) * 45_000 + i64::from(i) * 3_000;
                let conv = (i % 9 != 4).then(|| 0.021 + f64::from(i % 5) * 0.004);
                day(i, paid, conv)
            })
            .collect()
    }

    /// A decoded rendering and where its plot is.
    struct Image {
        rgb: Vec<u8>,
        plot: PlotRect,
    }

    impl Image {
        fn pixel(&self, x: i32, y: i32) -> [u8; 3] {
            let i = (y as usize * WIDTH as usize + x as usize) * 3;
            [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
        }

        fn distinct_colours(&self) -> usize {
            self.rgb
                .chunks_exact(3)
                .map(|p| [p[0], p[1], p[2]])
                .collect::<HashSet<_>>()
                .len()
        }

        /// Pixels of exactly `colour` inside the plot (legend keys excluded).
        fn count_in_plot(&self, colour: RGBColor) -> usize {
            let (xs, ys) = self.plot.clone();
            ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
                .filter(|&(x, y)| self.pixel(x, y) == [colour.0, colour.1, colour.2])
                .count()
        }

        /// Separate stretches of bar colour along row `y` of the plot.
        fn bar_runs(&self, y: i32) -> usize {
            let bar = [BAR.0, BAR.1, BAR.2];
            let mut runs = 0;
            let mut inside = false;
            for x in self.plot.0.clone() {
                let is_bar = self.pixel(x, y) == bar;
                if is_bar && !inside {
                    runs += 1;
                }
                inside = is_bar;
            }
            runs
        }
    }

    /// Decodes a PNG into (width, height, RGB bytes).
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("png frame");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    /// Renders, checks the PNG is a full-size image with axes and text, and decodes it.
    fn render_ok(days: &[ChartDay]) -> Image {
        let (png, plot) = render(days, "CNY").expect("renders");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let (w, h, rgb) = decode(&png);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        let image = Image { rgb, plot };
        assert!(image.distinct_colours() > 20, "axes and labels are drawn");
        image
    }

    #[test]
    fn chart_png_has_signature_and_size() {
        let png = render_trend(&month(), "CNY").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let (w, h, rgb) = decode(&png);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert_eq!(rgb.len(), WIDTH as usize * HEIGHT as usize * 3);
        if std::env::var_os("STOREOPS_CHART_OUT").is_some() {
            std::fs::write("/tmp/chart.png", &png).unwrap();
        }
    }

    #[test]
    fn chart_has_bars_line_and_text() {
        let image = render_ok(&month());
        // Anti-aliased text and lines make many shades.
        assert!(
            image.distinct_colours() > 50,
            "{}",
            image.distinct_colours()
        );
        assert!(image.count_in_plot(BAR) > 20_000, "bars are filled");
        assert!(
            image.count_in_plot(LINE) > 500,
            "the conversion line is drawn"
        );
        // Just above the x axis every day has its own bar; the plot's top-left corner and the
        // image corner are background.
        let (xs, ys) = image.plot.clone();
        assert_eq!(image.bar_runs(ys.end - 3), 30);
        assert_eq!(image.pixel(xs.start + 2, ys.start + 2), [255, 255, 255]);
        assert_eq!(image.pixel(1, 1), [255, 255, 255]);
        // The legend keys sit above the plot.
        let key_strip = &image.rgb[..ys.start as usize * WIDTH as usize * 3];
        assert!(
            key_strip
                .chunks_exact(3)
                .any(|p| p == [BAR.0, BAR.1, BAR.2])
        );
        assert!(
            key_strip
                .chunks_exact(3)
                .any(|p| p == [TEXT.0, TEXT.1, TEXT.2])
        );
    }

    #[test]
    fn chart_empty_renders_axes_and_no_data() {
        let image = render_ok(&[]);
        assert_eq!(image.count_in_plot(BAR), 0);
        assert_eq!(image.count_in_plot(LINE), 0);
        let (xs, ys) = image.plot.clone();
        let (cx, cy) = ((xs.start + xs.end) / 2, (ys.start + ys.end) / 2);
        let note = (cx - 60..cx + 60)
            .flat_map(|x| (cy - 15..cy + 15).map(move |y| (x, y)))
            .filter(|&(x, y)| image.pixel(x, y) != [255, 255, 255])
            .count();
        assert!(note > 100, "the \"no data\" note is drawn ({note} pixels)");
    }

    #[test]
    fn chart_all_zero_renders() {
        let days: Vec<_> = (0..30).map(|i| day(i, 0, Some(0.0))).collect();
        let image = render_ok(&days);
        assert_eq!(image.bar_runs(image.plot.1.end - 3), 0);
    }

    #[test]
    fn chart_missing_conversions_render_with_gaps() {
        let days: Vec<_> = (0..10)
            .map(|i| day(i, 50_000, (i % 3 != 1).then_some(0.05)))
            .collect();
        assert!(render_ok(&days).count_in_plot(LINE) > 100);
        let none: Vec<_> = (0..10).map(|i| day(i, 50_000, None)).collect();
        assert_eq!(render_ok(&none).count_in_plot(LINE), 0);
        let odd = [
            day(0, 1, Some(f64::NAN)),
            day(1, 2, Some(7.0)),
            day(2, 3, Some(-1.0)),
        ];
        render_ok(&odd);
    }

    #[test]
    fn chart_single_day_renders() {
        let image = render_ok(&[day(0, 123_456, Some(0.034))]);
        assert_eq!(image.bar_runs(image.plot.1.end - 3), 1);
        assert!(
            image.count_in_plot(LINE) > 20,
            "a lone point is still visible"
        );
    }

    #[test]
    fn chart_extreme_values_render() {
        let huge: Vec<_> = (0..30).map(|i| day(i, 10_000_000_000, Some(1.0))).collect();
        let image = render_ok(&huge);
        assert_eq!(image.bar_runs(image.plot.1.end - 3), 30);
        render_ok(&[day(0, i64::MAX, Some(1.0)), day(1, i64::MIN, None)]);
        render_ok(&[day(0, -5_000, Some(0.01)), day(1, 20_000, Some(0.02))]);
    }

    #[test]
    fn chart_keeps_only_the_last_days() {
        let many: Vec<_> = (0..90)
            .map(|i| day(i, 1_000 + 1_000 * i64::from(i), None))
            .collect();
        let image = render_ok(&many);
        assert_eq!(image.bar_runs(image.plot.1.end - 3), MAX_DAYS);
    }

    #[test]
    fn chart_currency_falls_back_when_the_font_cannot_show_it() {
        assert_eq!(display_currency(" CNY "), Some("CNY"));
        assert_eq!(display_currency("¥"), Some("¥"));
        assert_eq!(display_currency("元"), None);
        assert_eq!(display_currency(""), None);
        render_trend(&month(), "元").unwrap();
    }

    #[test]
    fn chart_axis_numbers_are_compact() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(-0.0), "0");
        assert_eq!(compact(12.5), "12.5");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(1_200.0), "1.2k");
        assert_eq!(compact(35_000_000.0), "35M");
        assert_eq!(compact(1.5e8), "150M");
        assert_eq!(compact(2e9), "2B");
        assert_eq!(percent_ceiling(0.0), 1.0);
        assert_eq!(percent_ceiling(3.4), 5.0);
        assert_eq!(percent_ceiling(100.0), 100.0);
    }
}
