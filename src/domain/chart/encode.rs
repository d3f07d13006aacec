//! The chart's PNG encoding: the "up" filter and DEFLATE in pieces (see [`encode_png`]).

use super::{ChartError, HEIGHT, WIDTH};

/// Encodes the canvas. The chart is flat colour in vertical runs (bars, background), so the
/// "up" filter on every row compresses it as well as trying all five filters per row, at
/// DEFLATE level [`LEVEL`].
///
/// The filtered rows go to DEFLATE in pieces of [`PIECE_ROWS`] rows, each ended by a full
/// flush, instead of as one stream. A full flush forgets the history and starts the window
/// again, so the window never fills and never slides; sliding rewrites the 96 K entries of the
/// match tables every 32 KB of input, and the whole-program LTO of the release build (at the
/// binary's opt-level "s") leaves that loop scalar: 2.5 of the 3.9 ms the encoding took
/// (`perf`, `cargo bench --bench summary`). A piece cannot refer to the rows before it, and
/// each ends a DEFLATE block: the file is 0.1–1 % larger. The stream is still one zlib stream
/// any decoder reads.
pub fn encode_png(pixels: &[u8]) -> Result<Vec<u8>, ChartError> {
    encode_png_at(pixels, LEVEL)
}

/// The DEFLATE level of [`encode_png`]. In pieces, level 2 (zlib-rs's fast strategy) takes
/// 0.64–0.83 of level 3's time for a file 2 % smaller (30,951 bytes against 31,606 for 20
/// shops); level 1 takes 0.54–0.65 of level 2's time for a file 44 % larger (44,626), and saved
/// nothing measurable through the shell (`/summary now` at 1 M rows: the chart is drawn while
/// the summary's reads run). `cargo bench --bench summary` prints all three.
pub const LEVEL: u32 = 2;

/// [`encode_png`] at another DEFLATE level (0–9), for the bench that compares them.
pub fn encode_png_at(pixels: &[u8], level: u32) -> Result<Vec<u8>, ChartError> {
    let row = WIDTH as usize * 3;
    if pixels.len() != row * HEIGHT as usize {
        return Err(ChartError::Draw(format!(
            "{} bytes of pixels for a {WIDTH}×{HEIGHT} RGB image",
            pixels.len()
        )));
    }
    // Each piece of rows is filtered into one small buffer and compressed at once: no second
    // image-sized buffer (1.5 MB of fresh pages to fault in on every chart).
    use flate2::{Compress, Compression, FlushCompress};
    let mut z = Compress::new(Compression::new(level), true);
    let mut idat = Vec::with_capacity(64 * 1024);
    let mut piece = vec![0u8; (row + 1) * PIECE_ROWS];
    let pieces = pixels.chunks(row * PIECE_ROWS);
    let last = pieces.len().saturating_sub(1);
    for (k, lines) in pieces.enumerate() {
        let mut used = 0;
        for (j, line) in lines.chunks_exact(row).enumerate() {
            let y = k * PIECE_ROWS + j;
            let prev = if y == 0 {
                &[][..]
            } else {
                &pixels[(y - 1) * row..y * row]
            };
            piece[used] = 2; // the "up" filter
            up_filter(line, prev, &mut piece[used + 1..used + 1 + row]);
            used += row + 1;
        }
        let flush = if k == last {
            FlushCompress::Finish
        } else {
            FlushCompress::Full
        };
        deflate_piece(&mut z, &piece[..used], &mut idat, flush)?;
    }
    let mut out = Vec::with_capacity(idat.len() + 128);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_chunk(png::chunk::IDAT, &idat)?;
    writer.finish()?;
    Ok(out)
}

/// Rows per DEFLATE piece. zlib(-rs) keeps twice the 32 KB window in memory and slides it once
/// the position in it reaches 64 KB less 262 bytes (`fill_window`); a piece starts at 0 after
/// the full flush before it, so 21 rows of 3,001 bytes (63,021) never slide (see
/// [`encode_png`]).
const PIECE_ROWS: usize = 21;

/// `out = line - prev` byte by byte (wrapping), the PNG "up" filter; `prev` empty for the first
/// row (the row above the image is zeros). Eight bytes at a time in a `u64`: the release
/// build's LTO at opt-level "s" does not vectorise the plain loop.
fn up_filter(line: &[u8], prev: &[u8], out: &mut [u8]) {
    if prev.is_empty() {
        out.copy_from_slice(line);
        return;
    }
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = line
        .chunks_exact(8)
        .zip(prev.chunks_exact(8))
        .zip(out.chunks_exact_mut(8));
    for ((a, b), o) in &mut words {
        let a = u64::from_ne_bytes(a.try_into().expect("8 bytes"));
        let b = u64::from_ne_bytes(b.try_into().expect("8 bytes"));
        // Per byte, without a borrow crossing into the next byte (Hacker's Delight, 2-18).
        let d = ((a | HIGH) - (b & !HIGH)) ^ ((a ^ !b) & HIGH);
        o.copy_from_slice(&d.to_ne_bytes());
    }
    let done = line.len() / 8 * 8;
    for i in done..line.len() {
        out[i] = line[i].wrapping_sub(prev[i]);
    }
}

/// Compresses `input` into `out` and ends it with `flush` (a full flush between pieces, the
/// end of the stream after the last; see [`encode_png`]).
fn deflate_piece(
    z: &mut flate2::Compress,
    mut input: &[u8],
    out: &mut Vec<u8>,
    flush: flate2::FlushCompress,
) -> Result<(), ChartError> {
    use flate2::{FlushCompress, Status};
    loop {
        out.reserve(input.len() + 1024);
        let before = z.total_in();
        let status = z
            .compress_vec(input, out, flush)
            .map_err(|e| ChartError::Draw(format!("DEFLATE: {e}")))?;
        input = &input[(z.total_in() - before) as usize..];
        // Done when all was taken and the flush fit (room was left over), or at the end.
        let flushed = input.is_empty() && out.len() < out.capacity();
        if status == Status::StreamEnd || (flush == FlushCompress::Full && flushed) {
            return Ok(());
        }
    }
}

/// The RGB pixels of a chart's PNG (for the tests: the chart's and this module's).
#[cfg(test)]
pub(super) fn decode(png: &[u8]) -> Vec<u8> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .expect("png header");
    let mut rgb = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut rgb).expect("png frame");
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    rgb.truncate(info.buffer_size());
    rgb
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces (each ended by a full flush) make one stream that decodes to the pixels,
    /// whatever they hold: noise (no piece compresses, so the output outgrows what was
    /// reserved), flat colour, and stripes whose rows differ from the row above by every byte
    /// value (the filter's wrapping subtraction, eight bytes at a time). At the chart's level
    /// and at the two the bench compares it with (zlib-rs has a strategy of its own for each).
    #[test]
    fn the_png_in_pieces_decodes_to_the_same_pixels() {
        use rand::{Rng, SeedableRng};
        let n = WIDTH as usize * HEIGHT as usize * 3;
        let mut rng = rand::rngs::StdRng::seed_from_u64(18);
        let noise: Vec<u8> = (0..n).map(|_| rng.r#gen()).collect();
        let flat = vec![200u8; n];
        let stripes: Vec<u8> = (0..n)
            .map(|i| ((i / (WIDTH as usize * 3)) * 37 + i * 11) as u8)
            .collect();
        for pixels in [noise, flat, stripes] {
            let png = encode_png(&pixels).expect("encodes");
            assert_eq!(decode(&png), pixels);
            for level in [1, 3] {
                let png = encode_png_at(&pixels, level).expect("encodes");
                assert_eq!(decode(&png), pixels, "level {level}");
            }
        }
        assert!(encode_png(&[0; 12]).is_err(), "a buffer of the wrong size");
    }

    /// The filter against the byte-by-byte definition, at every length up to a few words.
    #[test]
    fn the_up_filter_subtracts_each_byte_of_the_row_above() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for len in 0..40 {
            let line: Vec<u8> = (0..len).map(|_| rng.r#gen()).collect();
            let prev: Vec<u8> = (0..len).map(|_| rng.r#gen()).collect();
            let mut out = vec![0; len];
            up_filter(&line, &prev, &mut out);
            let want: Vec<u8> = line
                .iter()
                .zip(&prev)
                .map(|(a, b)| a.wrapping_sub(*b))
                .collect();
            assert_eq!(out, want, "length {len}");
        }
    }
}
