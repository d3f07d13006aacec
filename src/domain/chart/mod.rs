//! The daily trend chart: the amount paid per day as bars stacked by shop (left axis), the
//! daily target pace as a dashed line on the same axis, and the conversion rate as a line
//! (right axis, percent), under a title and a legend in the server's language, rendered to a
//! PNG in memory.
//!
//! Pure: no I/O; the caller passes every word. Text is drawn with fonts embedded in the
//! binary, so the chart renders on a machine without any installed font: DejaVu Sans
//! (`assets/fonts/DejaVuSans.ttf`, Bitstream Vera licence) and, for what it lacks, a subset of
//! Droid Sans Fallback (`assets/fonts/DroidSansFallback-subset.ttf`, Apache 2.0: ASCII, CJK
//! punctuation, the 3,755 hanzi of GB2312 level 1 and every character of the zh-CN catalogs;
//! `assets/fonts/subset.py` makes it). A shop name with a character neither font has is
//! drawn as its colour square with "?", and [`Legend::undrawn`] says so, for the message to
//! carry that name in text.

use std::ops::Range;
use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, GlyphId, PxScale, ScaleFont as _};
use chrono::NaiveDate;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

mod encode;
pub use encode::{encode_png, encode_png_at};

/// Image width in pixels.
pub const WIDTH: u32 = 1000;
/// Image height in pixels.
pub const HEIGHT: u32 = 500;
/// At most this many days are drawn; older ones beyond it are dropped.
pub const MAX_DAYS: usize = 30;

const FONT_FAMILY: &str = "sans-serif";
const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const CJK_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallback-subset.ttf");

const BACKGROUND: RGBColor = WHITE;
/// The shops' colours, each the colour of a square emoji so that a text legend can match
/// them (🟦 🟧 🟩 🟨 🟪 🟫); more shops than colours are stacked as one grey "others" bar.
pub const SHOP_COLOURS: [(RGBColor, &str); 6] = [
    (RGBColor(85, 172, 238), "🟦"),
    (RGBColor(244, 144, 12), "🟧"),
    (RGBColor(120, 177, 89), "🟩"),
    (RGBColor(253, 203, 88), "🟨"),
    (RGBColor(170, 142, 214), "🟪"),
    (RGBColor(193, 105, 79), "🟫"),
];
/// The colour of the shops beyond [`SHOP_COLOURS`], stacked together.
pub const OTHERS: (RGBColor, &str) = (RGBColor(160, 160, 160), "⬜");
/// The conversion line.
pub const LINE: RGBColor = RGBColor(40, 40, 40);
/// The target pace line (dashed).
pub const PACE: RGBColor = RGBColor(221, 46, 68);
const GRID: RGBColor = RGBColor(225, 225, 225);
const TEXT: RGBColor = RGBColor(40, 40, 40);
const MUTED: RGBColor = RGBColor(130, 130, 130);

/// Pixel sizes of the text.
const LABEL_PX: u32 = 15;
const TITLE_PX: f32 = 21.0;
const KEY_PX: f32 = 16.0;
const NOTE_PX: f32 = 28.0;
/// Height of the title line, and of each line of legend keys below it.
const TITLE_STRIP: u32 = 34;
const KEY_ROW: u32 = 24;

/// One shop's bars: its name and the amount paid each day, in cents (0 when not reported).
#[derive(Debug, Clone, PartialEq)]
pub struct ShopSeries {
    pub name: String,
    pub paid_cents: Vec<i64>,
}

/// What the chart shows, every word in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// "Amount paid per day, last 30 days (CNY)".
    pub title: String,
    /// The days of the x axis, oldest first (at most [`MAX_DAYS`] are drawn: the last ones).
    pub days: Vec<NaiveDate>,
    /// The shops, largest first; from the seventh on they are stacked as one bar named
    /// `others` (see [`group_shops`]).
    pub shops: Vec<ShopSeries>,
    /// The conversion rate of each day, `0.0..=1.0` (None: a gap in the line).
    pub conversion: Vec<Option<f64>>,
    /// The daily target pace of each day, in cents (None: no target that day).
    pub pace: Vec<Option<i64>>,
    /// Legend words of the conversion line and the pace line, and the note of an empty chart.
    pub conversion_label: String,
    pub pace_label: String,
    pub no_data: String,
}

/// One key of the legend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub label: String,
    pub colour: RGBColor,
    /// The square emoji of a shop's colour ("" for the two lines).
    pub emoji: &'static str,
    /// Whether the label could be drawn (every character is in the embedded fonts).
    pub drawn: bool,
}

/// The legend as drawn: the shops' keys, then the conversion line's, then the pace line's
/// (only when some day has a pace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Legend {
    pub keys: Vec<Key>,
}

impl Legend {
    /// The shop keys whose names the fonts could not draw (drawn as "?").
    pub fn undrawn(&self) -> Vec<&Key> {
        self.keys.iter().filter(|k| !k.drawn).collect()
    }
}

/// Shops largest first (by the sum of their days), at most [`SHOP_COLOURS`] of them: from the
/// sixth on, one series summed, named by `others(count)`.
pub fn group_shops(
    mut shops: Vec<ShopSeries>,
    others: impl Fn(usize) -> String,
) -> Vec<ShopSeries> {
    let sum = |s: &ShopSeries| s.paid_cents.iter().map(|c| i128::from(*c)).sum::<i128>();
    shops.sort_by_key(|s| std::cmp::Reverse(sum(s)));
    if shops.len() <= SHOP_COLOURS.len() {
        return shops;
    }
    let rest = shops.split_off(SHOP_COLOURS.len() - 1);
    let days = rest.iter().map(|s| s.paid_cents.len()).max().unwrap_or(0);
    let paid_cents = (0..days)
        .map(|i| {
            super::metrics::total(
                rest.iter()
                    .map(|s| s.paid_cents.get(i).copied().unwrap_or(0)),
            )
        })
        .collect();
    shops.push(ShopSeries {
        name: others(rest.len()),
        paid_cents,
    });
    shops
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

/// The embedded fonts, parsed once; the Latin one is registered with plotters (for the axis
/// numbers and dates) under [`FONT_FAMILY`].
struct Fonts {
    latin: FontRef<'static>,
    cjk: FontRef<'static>,
    /// How much larger a pixel size is taken for the CJK font so that its em matches the
    /// Latin one's (ab_glyph scales by ascent − descent, which differ).
    cjk_factor: f32,
}

impl Fonts {
    /// The font that has `c`, its glyph and the factor of its pixel size; None when neither
    /// has it.
    fn glyph(&self, c: char) -> Option<(&FontRef<'static>, GlyphId, f32)> {
        [(&self.latin, 1.0), (&self.cjk, self.cjk_factor)]
            .into_iter()
            .map(|(f, k)| (f, f.glyph_id(c), k))
            .find(|(_, id, _)| id.0 != 0)
    }

    /// Whether every character of `text` can be drawn.
    fn can_draw(&self, text: &str) -> bool {
        text.chars()
            .all(|c| c.is_whitespace() || self.glyph(c).is_some())
    }
}

fn fonts() -> Result<&'static Fonts, ChartError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let latin = FontRef::try_from_slice(FONT_BYTES).ok()?;
            let cjk = FontRef::try_from_slice(CJK_BYTES).ok()?;
            register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).ok()?;
            let em = |f: &FontRef<'_>| f.height_unscaled() / f.units_per_em().unwrap_or(1000.0);
            let cjk_factor = em(&cjk) / em(&latin);
            Some(Fonts {
                latin,
                cjk,
                cjk_factor,
            })
        })
        .as_ref()
        .ok_or(ChartError::Font)
}

/// The legend of `t` as [`render`] draws it.
pub fn legend(t: &Trend) -> Result<Legend, ChartError> {
    let fonts = fonts()?;
    let mut keys: Vec<Key> = t
        .shops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (colour, emoji) = SHOP_COLOURS.get(i).copied().unwrap_or(OTHERS);
            Key {
                label: s.name.clone(),
                colour,
                emoji,
                drawn: fonts.can_draw(&s.name),
            }
        })
        .collect();
    keys.push(Key {
        label: t.conversion_label.clone(),
        colour: LINE,
        emoji: "",
        drawn: fonts.can_draw(&t.conversion_label),
    });
    if t.pace.iter().any(Option::is_some) {
        keys.push(Key {
            label: t.pace_label.clone(),
            colour: PACE,
            emoji: "",
            drawn: fonts.can_draw(&t.pace_label),
        });
    }
    Ok(Legend { keys })
}

/// Renders `t` as a [`WIDTH`]×[`HEIGHT`] PNG, with the legend it drew. An empty chart (no
/// days) gives empty axes with the `no_data` note.
pub fn render(t: &Trend) -> Result<(Vec<u8>, Legend), ChartError> {
    render_at(t).map(|(png, legend, _)| (png, legend))
}

/// The plot's rectangle in image pixels (x range, y range).
type PlotRect = (Range<i32>, Range<i32>);

/// Where each legend key goes: (row, x) from the left edge of the plot.
fn key_layout(canvas: &Canvas<'_>, keys: &[Key], start: f32, end: f32) -> Vec<(u32, f32)> {
    let mut out = Vec::new();
    let (mut row, mut x) = (0u32, start);
    for k in keys {
        let w = 26.0 + canvas.width(KEY_PX, &key_text(k)) + 22.0;
        if x > start && x + w > end {
            row += 1;
            x = start;
        }
        out.push((row, x));
        x += w;
    }
    out
}

fn key_text(k: &Key) -> String {
    if k.drawn { k.label.clone() } else { "?".into() }
}

fn render_at(t: &Trend) -> Result<(Vec<u8>, Legend, PlotRect), ChartError> {
    let fonts = fonts()?;
    let legend = legend(t)?;
    let n = t.days.len();
    let skip = n.saturating_sub(MAX_DAYS);
    let days = &t.days[skip..];
    let tail =
        |v: &[i64]| -> Vec<i64> { (skip..n).map(|i| v.get(i).copied().unwrap_or(0)).collect() };
    let shops: Vec<Vec<i64>> = t.shops.iter().map(|s| tail(&s.paid_cents)).collect();
    let conversion: Vec<Option<f64>> = (skip..n)
        .map(|i| t.conversion.get(i).copied().flatten())
        .collect();
    let pace: Vec<Option<i64>> = (skip..n)
        .map(|i| t.pace.get(i).copied().flatten())
        .collect();

    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    // The legend's rows decide where the plot starts.
    let rows = {
        let canvas = Canvas {
            pixels: &mut pixels,
            fonts,
        };
        key_layout(&canvas, &legend.keys, 12.0, WIDTH as f32 - 12.0)
            .last()
            .map_or(1, |(r, _)| r + 1)
    };
    let top = TITLE_STRIP + rows * KEY_ROW + 4;
    let plot = plot(&mut pixels, days, &shops, &conversion, &pace, top)?;

    // Words are drawn here rather than through plotters, whose ab_glyph text ignores each
    // glyph's side bearing and so spaces letters unevenly ("con v"); digits come out fine.
    let mut canvas = Canvas {
        pixels: &mut pixels,
        fonts,
    };
    let left = plot.0.start as f32;
    canvas.text(left, TITLE_STRIP as f32 - 9.0, TITLE_PX, &t.title, TEXT);
    let layout = key_layout(&canvas, &legend.keys, left, plot.0.end as f32);
    for (k, (row, x)) in legend.keys.iter().zip(layout) {
        let y = (TITLE_STRIP + row * KEY_ROW) as f32 + 17.0;
        if k.colour == LINE {
            canvas.fill_rect(x, y - 7.0, 20.0, 3.0, LINE);
        } else if k.colour == PACE {
            for dash in 0..3 {
                canvas.fill_rect(x + dash as f32 * 8.0, y - 7.0, 5.0, 3.0, PACE);
            }
        } else {
            canvas.fill_rect(x + 3.0, y - 12.0, 14.0, 12.0, k.colour);
        }
        canvas.text(x + 26.0, y, KEY_PX, &key_text(k), TEXT);
    }
    if days.is_empty() {
        let cx = (plot.0.start + plot.0.end) as f32 / 2.0;
        let cy = (plot.1.start + plot.1.end) as f32 / 2.0;
        let x = cx - canvas.width(NOTE_PX, &t.no_data) / 2.0;
        let y = cy + canvas.middle_offset(NOTE_PX);
        canvas.text(x, y, NOTE_PX, &t.no_data, MUTED);
    }

    Ok((encode_png(&pixels)?, legend, plot))
}

/// Draws axes, stacked bars, the pace and conversion lines; returns where the plot ended up.
fn plot(
    pixels: &mut [u8],
    days: &[NaiveDate],
    shops: &[Vec<i64>],
    conversion: &[Option<f64>],
    pace: &[Option<i64>],
    top: u32,
) -> Result<PlotRect, ChartError> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&BACKGROUND).map_err(draw_err)?;

    let x_axis = DayAxis { days: days.len() };
    // Each day's stack, in major units: (bottom, top) per shop.
    let mut stacks: Vec<Vec<(f64, f64)>> = vec![Vec::new(); days.len()];
    let mut heights = Vec::with_capacity(days.len() + pace.len());
    for (i, stack) in stacks.iter_mut().enumerate() {
        let mut at = 0.0;
        for s in shops {
            let v = s.get(i).copied().unwrap_or(0).max(0) as f64 / 100.0;
            stack.push((at, at + v));
            at += v;
        }
        heights.push(at);
    }
    heights.extend(pace.iter().flatten().map(|p| *p as f64 / 100.0));
    let (y_min, y_max) = amount_range(&heights);
    let conversions: Vec<Option<f64>> = conversion.iter().map(|c| percent(*c)).collect();
    let pct_max = percent_ceiling(conversions.iter().flatten().copied().fold(0.0, f64::max));

    let label_font = (FONT_FAMILY, LABEL_PX).into_font().color(&TEXT);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(top)
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
        days[i as usize].format("%m-%d").to_string()
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
    for (k, _) in shops.iter().enumerate() {
        let colour = SHOP_COLOURS.get(k).map_or(OTHERS.0, |c| c.0);
        chart
            .draw_series(stacks.iter().enumerate().filter_map(|(i, stack)| {
                let (lo, hi) = stack[k];
                (hi > lo).then(|| {
                    let x = i as f64;
                    Rectangle::new([(x - half_bar, lo), (x + half_bar, hi)], colour.filled())
                })
            }))
            .map_err(draw_err)?;
    }

    // The pace: a dashed step over each day that has one.
    let mut dashes = Vec::new();
    for (i, p) in pace.iter().enumerate() {
        if let Some(p) = p {
            let y = *p as f64 / 100.0;
            let mut x = i as f64 - 0.5;
            while x < i as f64 + 0.5 {
                let end = (x + 0.3).min(i as f64 + 0.5);
                dashes.push(PathElement::new(
                    vec![(x, y), (end, y)],
                    PACE.stroke_width(3),
                ));
                x += 0.5;
            }
        }
    }
    chart.draw_series(dashes).map_err(draw_err)?;

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
                .map(|run| PathElement::new(run, LINE.stroke_width(2))),
        )
        .map_err(draw_err)?;
    chart
        .draw_secondary_series(points.into_iter().map(|p| Circle::new(p, 3, LINE.filled())))
        .map_err(draw_err)?;

    root.present().map_err(draw_err)?;
    Ok(rect)
}

/// Anti-aliased text and boxes straight onto the RGB buffer.
struct Canvas<'a> {
    pixels: &'a mut [u8],
    fonts: &'a Fonts,
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
        let mut width = 0.0;
        let mut prev: Option<(&FontRef<'static>, GlyphId)> = None;
        for c in text.chars() {
            let Some((f, id, k)) = self.fonts.glyph(c) else {
                continue;
            };
            let font = f.as_scaled(PxScale::from(px * k));
            if let Some((pf, p)) = prev
                && std::ptr::eq(pf, f)
            {
                width += font.kern(p, id);
            }
            width += font.h_advance(id);
            prev = Some((f, id));
        }
        width
    }

    /// How far below a line's vertical centre its baseline lies.
    fn middle_offset(&self, px: f32) -> f32 {
        let font = self.fonts.latin.as_scaled(PxScale::from(px));
        (font.ascent() + font.descent()) / 2.0
    }

    /// Draws `text` with its baseline starting at (`x`, `baseline`), each character from the
    /// first font that has it (characters neither has are left out).
    fn text(&mut self, x: f32, baseline: f32, px: f32, text: &str, colour: RGBColor) {
        let fonts = self.fonts;
        let mut caret = x;
        let mut prev: Option<(&FontRef<'static>, GlyphId)> = None;
        for c in text.chars() {
            let Some((f, id, k)) = fonts.glyph(c) else {
                continue;
            };
            let scale = PxScale::from(px * k);
            let font = f.as_scaled(scale);
            if let Some((pf, p)) = prev
                && std::ptr::eq(pf, f)
            {
                caret += font.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(caret, baseline));
            if let Some(outline) = f.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
                outline.draw(|gx, gy, coverage| {
                    self.blend(left + gx as i32, top + gy as i32, colour, coverage);
                });
            }
            caret += font.h_advance(id);
            prev = Some((f, id));
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

#[cfg(test)]
mod tests {
    use super::encode::decode;
    use super::*;
    use std::collections::HashSet;

    fn trend(days: usize, shops: &[&str], pace: Option<i64>) -> Trend {
        let first = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
        Trend {
            title: "Amount paid per day (CNY)".into(),
            days: (0..days)
                .map(|i| first + chrono::Days::new(i as u64))
                .collect(),
            shops: shops
                .iter()
                .enumerate()
                .map(|(k, name)| ShopSeries {
                    name: name.to_string(),
                    paid_cents: (0..days as i64)
                        .map(|i| 50_000 + (i % 7) * 20_000 + k as i64 * 10_000)
                        .collect(),
                })
                .collect(),
            conversion: (0..days)
                .map(|i| (i % 9 != 4).then_some(0.021 + (i % 5) as f64 * 0.004))
                .collect(),
            pace: vec![pace; days],
            conversion_label: "conversion".into(),
            pace_label: "target pace".into(),
            no_data: "no data".into(),
        }
    }

    struct Image {
        rgb: Vec<u8>,
        plot: PlotRect,
    }

    impl Image {
        fn pixel(&self, x: i32, y: i32) -> [u8; 3] {
            let i = (y as usize * WIDTH as usize + x as usize) * 3;
            [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
        }

        fn count_in_plot(&self, c: RGBColor) -> usize {
            let (xs, ys) = self.plot.clone();
            ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
                .filter(|&(x, y)| self.pixel(x, y) == [c.0, c.1, c.2])
                .count()
        }

        /// Separate stretches of `c` along row `y` of the plot.
        fn runs(&self, y: i32, c: RGBColor) -> usize {
            let mut runs = 0;
            let mut inside = false;
            for x in self.plot.0.clone() {
                let is = self.pixel(x, y) == [c.0, c.1, c.2];
                runs += usize::from(is && !inside);
                inside = is;
            }
            runs
        }
    }

    fn render_ok(t: &Trend) -> (Image, Legend) {
        let (png, legend, plot) = render_at(t).expect("renders");
        let image = Image {
            rgb: decode(&png),
            plot,
        };
        let colours: HashSet<[u8; 3]> = image
            .rgb
            .chunks_exact(3)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        assert!(colours.len() > 20, "axes and labels are drawn");
        if std::env::var_os("STOREOPS_CHART_OUT").is_some() {
            std::fs::write(format!("/tmp/chart-{}.png", t.shops.len()), &png).unwrap();
        }
        (image, legend)
    }

    #[test]
    fn bars_are_stacked_by_shop_with_the_pace_and_conversion_lines() {
        let t = trend(30, &["Tmall", "JD", "Amazon"], Some(90_000));
        let (image, legend) = render_ok(&t);
        let (_, ys) = image.plot.clone();
        for (c, _) in &SHOP_COLOURS[..3] {
            assert!(image.count_in_plot(*c) > 2_000, "each shop's bars");
        }
        assert_eq!(image.count_in_plot(SHOP_COLOURS[3].0), 0);
        // Just above the x axis every day has its bottom shop's bar.
        assert_eq!(image.runs(ys.end - 3, SHOP_COLOURS[0].0), 30);
        assert!(image.count_in_plot(LINE) > 300, "the conversion line");
        assert!(image.count_in_plot(PACE) > 500, "the pace line");
        let labels: Vec<&str> = legend.keys.iter().map(|k| k.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Tmall", "JD", "Amazon", "conversion", "target pace"]
        );
        assert!(legend.undrawn().is_empty());
        // Without a target there is no pace line, nor its key.
        let (image, legend) = render_ok(&trend(30, &["Tmall"], None));
        assert_eq!(image.count_in_plot(PACE), 0);
        assert_eq!(legend.keys.len(), 2);
    }

    #[test]
    fn chinese_words_are_drawn_and_unknown_glyphs_are_reported() {
        let fonts = fonts().expect("fonts");
        assert!(fonts.can_draw("近 30 天每日支付金额（CNY）·天猫旗舰店"));
        assert!(fonts.can_draw("目标进度 转化率"));
        assert!(!fonts.can_draw("ᠮᠣᠩᠭᠣᠯ"));
        let mut t = trend(10, &["天猫旗舰店", "ᠮᠣᠩᠭᠣᠯ"], Some(50_000));
        t.title = "近 30 天每日支付金额（CNY）".into();
        let (_, legend) = render_ok(&t);
        let undrawn: Vec<&str> = legend.undrawn().iter().map(|k| k.label.as_str()).collect();
        assert_eq!(undrawn, ["ᠮᠣᠩᠭᠣᠯ"]);
        // The title's hanzi are drawn: wider than its Latin part alone.
        let canvas_px = Canvas {
            pixels: &mut [],
            fonts,
        };
        let w = canvas_px.width(16.0, "支付金额");
        assert!(w > 50.0, "{w}");
    }

    #[test]
    fn many_shops_become_five_and_the_others() {
        let shops: Vec<ShopSeries> = (0..9)
            .map(|k| ShopSeries {
                name: format!("S{k}"),
                paid_cents: vec![k * 100, k * 100],
            })
            .collect();
        let g = group_shops(shops, |n| format!("{n} others"));
        let names: Vec<&str> = g.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["S8", "S7", "S6", "S5", "S4", "4 others"]);
        assert_eq!(g[5].paid_cents, vec![600, 600]);
    }

    #[test]
    fn odd_inputs_render() {
        let (image, _) = render_ok(&trend(0, &[], None));
        let (xs, ys) = image.plot.clone();
        let (cx, cy) = ((xs.start + xs.end) / 2, (ys.start + ys.end) / 2);
        let note = (cx - 60..cx + 60)
            .flat_map(|x| (cy - 15..cy + 15).map(move |y| (x, y)))
            .filter(|&(x, y)| image.pixel(x, y) != [255, 255, 255])
            .count();
        assert!(note > 100, "the \"no data\" note is drawn ({note} pixels)");
        let mut t = trend(3, &["A"], None);
        t.shops[0].paid_cents = vec![i64::MAX, i64::MIN, 0];
        t.conversion = vec![Some(f64::NAN), Some(7.0), Some(-1.0)];
        render_ok(&t);
        // More than 30 days: the last 30 are drawn.
        let (image, _) = render_ok(&trend(90, &["A"], None));
        assert_eq!(
            image.runs(image.plot.1.end - 3, SHOP_COLOURS[0].0),
            MAX_DAYS
        );
        let (image, _) = render_ok(&trend(1, &["A"], Some(1)));
        assert_eq!(image.runs(image.plot.1.end - 3, SHOP_COLOURS[0].0), 1);
    }

    #[test]
    fn axis_numbers_are_compact() {
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
