//! A bounded look at an `.xlsx` before calamine opens it. calamine sizes memory from numbers
//! inside the workbook and copies text without limit: it reserves room for as many shared
//! strings as the table's `uniqueCount` says (calamine issue #684), lays a sheet out densely
//! from its first to its last cell (one cell at `XFD1048576` beside `A1` asks for 17 billion
//! cells), copies a shared string into every cell that points at it, and a font name or number
//! format into every cell format that uses it; and a zip entry can unpack to a thousand times
//! its size. An allocation that fails aborts the whole process (no panic to catch), taking the
//! bot down for everyone. So, every size bounded:
//!
//! 1. the zip: what its entries say they unpack to, [`Limits::unpacked`] in all (and the zip
//!    crate, calamine's too, stops an entry that unpacks to more than it says);
//! 2. every entry as XML, streamed through the reader calamine uses (quick-xml, calamine's
//!    settings), no token (a tag, a run of text) longer than [`Limits::token`]: the shared
//!    strings table's `uniqueCount` (at most [`Limits::strings`], and no more than its size
//!    can hold; not `count`, which calamine does not read), how many strings it has and how
//!    much text, and the records calamine builds from the styles, workbook and relationship
//!    parts (cell formats, with the font name and number format each one copies);
//! 3. then — the numbers calamine reserves from are bounded — the first sheet (and, with
//!    [`check_sheet`], each later one before it is read) through
//!    calamine's own streaming cell reader, which finds every cell where calamine's range
//!    would put it without laying the range out: the sheet's `<dimension>`, its cells' span
//!    and count (at most [`Limits::cells`]), and the text they would hold (at most
//!    [`Limits::text`], shared strings included).

use std::io::{self, BufRead, BufReader, Cursor, Read};

use calamine::{DataRef, Reader};
use quick_xml::events::Event;

use super::xls_guard::Span;

const MB: u64 = 1024 * 1024;

/// What an export may hold, at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes all zip entries unpack to.
    pub unpacked: u64,
    /// Bytes of one XML token (a tag, a run of text).
    pub token: u64,
    pub strings: u64,
    /// Bytes of text in the shared strings and the first sheet's cells.
    pub text: u64,
    /// Bytes of the records (cell formats with the text they copy, sheet names, relationships)
    /// one part makes.
    pub records: u64,
    /// Cells the first sheet spans, or holds.
    pub cells: u64,
}

impl Limits {
    /// A platform's export: a zip of at most 10 MB ([`super::MAX_BYTES`]), which unpacks to
    /// well under 200 MB (XML packs 5 to 10 times); a sheet spans at most 2,000,000 cells, as
    /// for `.xls` (calamine takes 32 bytes for each cell of a sheet's span, then copies the
    /// range twice on the way to rows), so it needs no more different strings; 100 MB of text
    /// is 50 bytes for each of those cells; 128 MB of records is twice what Excel's most cell
    /// formats (64,000) take with long font names; a real cell holds at most 32,767
    /// characters, so no token needs 8 MB.
    pub const EXPORT: Limits = Limits {
        unpacked: 200 * MB,
        token: 8 * MB,
        strings: 2_000_000,
        text: 100 * MB,
        records: 128 * MB,
        cells: super::xls_guard::MAX_CELLS,
    };
}

/// What a workbook holds, or says it holds, beyond what an export can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// Bytes its zip entries unpack to.
    Unpacked(u64),
    /// Shared strings (as its `uniqueCount` says, or as it has).
    Strings(u64),
    /// Bytes of text in its shared strings and its first sheet's cells.
    Text(u64),
    /// Bytes of the records (cell formats with the text they copy, sheet names,
    /// relationships) one of its parts makes.
    Records(u64),
    /// Cells its first sheet spans (its `<dimension>`, or from its first to its last cell),
    /// or holds.
    Cells(u64),
}

/// Why calamine may not read a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It holds, or says it holds, more than an export can.
    Oversized(Oversize),
    /// Its structure does not hold together.
    Damaged(String),
}

/// Whether calamine may open this zip as an `.xlsx` (and read its first sheet) with every
/// size bounded by what a platform's export holds.
pub fn check(bytes: &[u8]) -> Result<(), Refusal> {
    check_with(bytes, &Limits::EXPORT)
}

/// [`check`] with other limits.
pub fn check_with(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Refusal::Damaged(format!("the zip does not open: {e}")))?;
    // What the entries say first: a zip bomb is refused before anything is unpacked.
    let declared = (0..zip.len())
        .filter_map(|i| zip.by_index_data(i).ok().map(|e| e.size()))
        .fold(0u64, u64::saturating_add);
    if declared > limits.unpacked {
        return Err(Refusal::Oversized(Oversize::Unpacked(declared)));
    }
    let mut text = 0u64;
    for i in 0..zip.len() {
        // An entry that does not unpack (encrypted, an unknown method) is an error for
        // calamine as well, if it reads it at all.
        let Ok(entry) = zip.by_index(i) else { continue };
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        text = text.saturating_add(scan_part(&name, entry, size, limits)?);
        if text > limits.text {
            return Err(Refusal::Oversized(Oversize::Text(text)));
        }
    }
    sheet_at(bytes, limits, text, 0).map(|_| ())
}

/// Whether calamine may read the workbook's sheet `index` (a later sheet, once [`check`] has
/// passed), bounded as the first: Ok with the bytes of text its cells hold.
pub fn check_sheet(bytes: &[u8], index: usize) -> Result<u64, Refusal> {
    sheet_at(bytes, &Limits::EXPORT, 0, index)
}

/// The XML reader's input: more than `cap` bytes read since the last event (marked by the
/// caller) is an error, so one token never holds more than that in memory.
struct Tokens<R> {
    inner: R,
    consumed: u64,
    mark: u64,
    cap: u64,
    long: bool,
}

impl<R: BufRead> Read for Tokens<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let chunk = self.fill_buf()?;
        let n = chunk.len().min(buf.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tokens<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.consumed - self.mark > self.cap {
            self.long = true;
            return Err(io::Error::other("token too long"));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.consumed += n as u64;
        self.inner.consume(n);
    }
}

/// An element's attributes as calamine reads them (its `RawAttrIter`): `key="value"` or
/// `key='value'` pairs; the first malformed one ends them (calamine fails there).
fn attrs(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let s = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let (key, after) = s.split_once('=')?;
        let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value = &after[1..];
        let (value, tail) = value.split_once(quote).unwrap_or((value, ""));
        rest = tail;
        Some((
            key.trim_end_matches(|c: char| c.is_ascii_whitespace()),
            value,
        ))
    })
}

/// The first value of attribute `key`, as calamine's `raw_attr` finds it.
fn attr<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    attrs(raw).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// A count as calamine parses it (digits, leading zeros skipped); too large for a number is
/// the largest number.
fn count(v: &str) -> Option<u64> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse().unwrap_or(u64::MAX))
}

/// The elements of styles.xml calamine makes a record of (a cell format copies its font, with
/// the font's name, and its number format, with its code).
const STYLE_RECORDS: [&str; 5] = ["xf", "font", "fill", "border", "numFmt"];

/// Memory a style record may take besides the text it copies (calamine's `Style` is 152
/// bytes, and a growing list may hold twice what it uses).
const STYLE_RECORD_BYTES: u64 = 512;

/// The elements of the workbook and its relationships calamine makes a record of (names and
/// paths, read from the element's own attributes or text).
const PLAIN_RECORDS: [&str; 3] = ["sheet", "definedName", "Relationship"];

/// Memory a plain record may take besides its text (a map entry and three strings).
const PLAIN_RECORD_BYTES: u64 = 128;

/// The fewest bytes a shared string takes in the table (`<si/>`).
const MIN_STRING_BYTES: u64 = 5;

/// Streams one entry through the XML reader, bounded; returns the bytes of shared-string text
/// it holds.
fn scan_part<R: Read>(name: &str, entry: R, size: u64, limits: &Limits) -> Result<u64, Refusal> {
    let tokens = Tokens {
        inner: BufReader::with_capacity(64 * 1024, entry),
        consumed: 0,
        mark: 0,
        cap: limits.token,
        long: false,
    };
    let mut xml = quick_xml::Reader::from_reader(tokens);
    // calamine's settings: the same events.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;

    let strings_claim = |n: u64| {
        if n > limits.strings || n > size / MIN_STRING_BYTES {
            Err(Refusal::Oversized(Oversize::Strings(n)))
        } else {
            Ok(())
        }
    };
    let mut buf = Vec::new();
    let mut seen_sst = false;
    let mut open_si: Option<String> = None;
    let (mut strings, mut text) = (0u64, 0u64);
    // Style records, the longest tag (a font name, a number format), plain records' bytes.
    let (mut styles, mut longest_tag, mut plain) = (0u64, 0u64, 0u64);
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf);
        let input = xml.get_mut();
        // (Within the reader's buffer a token is read at once: measured here.)
        if input.consumed - input.mark > input.cap {
            input.long = true;
            break;
        }
        input.mark = input.consumed;
        match event {
            Ok(Event::Start(e)) => {
                longest_tag = longest_tag.max(e.len() as u64);
                match e.local_name().as_ref() {
                    // What calamine reserves room for. (Not `count`: how many cells use the
                    // strings, which calamine does not read; a few strings in many cells is a
                    // real export.)
                    "sst" if !seen_sst => {
                        seen_sst = true;
                        if let Some(n) = attr(e.attributes_raw(), "uniqueCount").and_then(count) {
                            strings_claim(n)?;
                        }
                    }
                    "si" if open_si.is_none() => {
                        open_si = Some(e.name().as_ref().to_string());
                        strings += 1;
                        if strings > limits.strings {
                            return Err(Refusal::Oversized(Oversize::Strings(strings)));
                        }
                    }
                    local if STYLE_RECORDS.contains(&local) => styles += 1,
                    local if PLAIN_RECORDS.contains(&local) => {
                        plain = plain.saturating_add(PLAIN_RECORD_BYTES + e.len() as u64);
                    }
                    _ => {}
                }
            }
            Ok(Event::End(e)) if open_si.as_deref() == Some(e.name().as_ref()) => open_si = None,
            Ok(Event::Text(t)) if open_si.is_some() => text += t.len() as u64,
            Ok(Event::CData(t)) if open_si.is_some() => text += t.len() as u64,
            // An entity or a character reference (`&amp;`, `&#x4E2D;`): at most 4 bytes read.
            Ok(Event::GeneralRef(r)) if open_si.is_some() => text += r.len() as u64 + 4,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // A cell format may copy the longest string of its part twice (a font name, a number
    // format).
    let record_bytes = styles
        .saturating_mul(STYLE_RECORD_BYTES.saturating_add(longest_tag * 2))
        .saturating_add(plain);
    if record_bytes > limits.records {
        return Err(Refusal::Oversized(Oversize::Records(record_bytes)));
    }
    if xml.get_ref().long {
        return Err(Refusal::Damaged(format!(
            "{name} has an XML token longer than {} MB",
            limits.token.div_ceil(MB)
        )));
    }
    Ok(text)
}

/// The bytes of text a cell holds.
fn text_len(v: &DataRef<'_>) -> u64 {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len() as u64,
        DataRef::SharedString(s) => s.len() as u64,
        _ => 0,
    }
}

/// A sheet's cells as calamine's range would hold them, one at a time. `text` is the text so
/// far (the shared strings'); Ok with the text counted, the sheet's included.
fn sheet_at(bytes: &[u8], limits: &Limits, mut text: u64, index: usize) -> Result<u64, Refusal> {
    let too_many = |n: u64| Err(Refusal::Oversized(Oversize::Cells(n)));
    // What calamine does not open or read, it refuses itself.
    let Ok(mut book) = calamine::Xlsx::new(Cursor::new(bytes)) else {
        return Ok(text);
    };
    let Some(name) = book.sheet_names().get(index).cloned() else {
        return Ok(text);
    };
    let Ok(mut reader) = book.worksheet_cells_reader(&name) else {
        return Ok(text);
    };
    let dim = reader.dimensions();
    let (rows, cols) = (
        u64::from(dim.end.0).checked_sub(u64::from(dim.start.0)),
        u64::from(dim.end.1).checked_sub(u64::from(dim.start.1)),
    );
    // (A reversed dimension makes calamine reserve nothing.)
    if let (Some(rows), Some(cols)) = (rows, cols) {
        let cells = (rows + 1) * (cols + 1);
        if cells > limits.cells {
            return too_many(cells);
        }
    }
    let mut span = Span::default();
    let mut held = 0u64;
    // A cell that does not read fails calamine's whole range, before it is laid out.
    while let Ok(Some(cell)) = reader.next_cell() {
        let value = cell.get_value();
        if *value == DataRef::Empty {
            continue; // calamine leaves it out
        }
        let (row, col) = cell.get_position();
        span.add(row, col);
        held += 1;
        text = text.saturating_add(text_len(value));
        if span.cells() > limits.cells {
            return too_many(span.cells());
        }
        if held > limits.cells {
            return too_many(held);
        }
        if text > limits.text {
            return Err(Refusal::Oversized(Oversize::Text(text)));
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A small export as rust_xlsxwriter writes it: a header, three days.
    fn export() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (c, h) in ["统计日期", "访客数", "支付金额"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("w");
        }
        for r in 1..4u32 {
            ws.write_string(r, 0, format!("2026-11-2{r}")).expect("w");
            ws.write_number(r, 1, f64::from(100 * r)).expect("w");
            ws.write_string(r, 2, "1,299.00").expect("w");
        }
        book.save_to_buffer().expect("xlsx")
    }

    fn parts(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut z = zip::ZipArchive::new(Cursor::new(zip)).expect("zip");
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).expect("entry");
                let mut data = vec![];
                f.read_to_end(&mut data).expect("read");
                (f.name().expect("name").into_owned(), data)
            })
            .collect()
    }

    /// A zip of these parts (deflated; `large` ones with zip64 sizes).
    fn zip_of(parts: &[(String, Vec<u8>)], large: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in parts {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(large.contains(&name.as_str()));
            w.start_file(name.as_str(), options).expect("start");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    /// The export with one part's XML changed.
    fn edited(name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
        let mut ps = parts(&export());
        let part = ps.iter_mut().find(|(n, _)| n == name).expect("part");
        part.1 = edit(std::str::from_utf8(&part.1).expect("utf-8")).into_bytes();
        zip_of(&ps, &[])
    }

    /// Sets what `name`'s local and central headers say it unpacks to (in the zip64 field when
    /// the 32-bit one says to look there).
    fn declare(zip: &mut [u8], name: &str, size: u64) {
        let u16_at = |z: &[u8], at: usize| usize::from(u16::from_le_bytes([z[at], z[at + 1]]));
        // (signature, size, name length, extra length, name) offsets.
        for (sig, size_at, n_at, x_at, name_at) in [
            (b"PK\x03\x04", 22, 26, 28, 30),
            (b"PK\x01\x02", 24, 28, 30, 46),
        ] {
            let mut at = 0;
            while let Some(p) = zip[at..].windows(4).position(|w| w == sig) {
                let h = at + p;
                at = h + 4;
                let (n, x) = (u16_at(zip, h + n_at), u16_at(zip, h + x_at));
                if zip.get(h + name_at..h + name_at + n) != Some(name.as_bytes()) {
                    continue;
                }
                if zip[h + size_at..h + size_at + 4] == [0xFF; 4] {
                    let extra = h + name_at + n;
                    let mut e = extra;
                    while e + 4 <= extra + x {
                        let (id, len) = (u16_at(zip, e), u16_at(zip, e + 2));
                        if id == 1 {
                            zip[e + 4..e + 12].copy_from_slice(&size.to_le_bytes());
                        }
                        e += 4 + len;
                    }
                } else {
                    let small = u32::try_from(size).expect("a 32-bit size");
                    zip[h + size_at..h + size_at + 4].copy_from_slice(&small.to_le_bytes());
                }
            }
        }
    }

    #[test]
    fn exports_pass() {
        assert_eq!(check(&export()), Ok(()));
        // 20,000 rows of text and numbers, styles, dates, an inline string, a second sheet.
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let ws = book.add_worksheet();
        for r in 0..20_000u32 {
            ws.write_string_with_format(r, 0, format!("商品 {}", r % 300), &bold)
                .expect("w");
            ws.write_number(r, 1, f64::from(r)).expect("w");
            ws.write_number_with_format(r, 2, 46_000.0 + f64::from(r % 30), &date)
                .expect("w");
        }
        book.add_worksheet().write_string(0, 0, "other").expect("w");
        let bytes = book.save_to_buffer().expect("xlsx");
        assert_eq!(check(&bytes), Ok(()));
    }

    #[test]
    fn the_shared_strings_count_is_bounded_by_the_limit_and_the_table_size() {
        let unique = |n: &str| {
            edited("xl/sharedStrings.xml", |s| {
                s.replace("uniqueCount=\"7\"", &format!("uniqueCount=\"{n}\""))
            })
        };
        assert_eq!(
            check(&unique("4000000000")),
            Err(Refusal::Oversized(Oversize::Strings(4_000_000_000)))
        );
        // calamine skips leading zeros; a number too large for 64 bits is too many.
        assert_eq!(
            check(&unique("0004000000000")),
            Err(Refusal::Oversized(Oversize::Strings(4_000_000_000)))
        );
        assert_eq!(
            check(&unique("99999999999999999999999")),
            Err(Refusal::Oversized(Oversize::Strings(u64::MAX)))
        );
        // Under the limit, but more strings than a 500-byte table can hold.
        assert_eq!(
            check(&unique("100000")),
            Err(Refusal::Oversized(Oversize::Strings(100_000)))
        );
        // calamine does not read what does not parse as a count, nor `count` (how many cells
        // use the strings: a few strings in many cells is a real export).
        assert_eq!(check(&unique("4e9")), Ok(()));
        let count = edited("xl/sharedStrings.xml", |s| {
            s.replace("count=\"9\"", "count=\"4000000000\"")
        });
        assert_eq!(check(&count), Ok(()));
        // More strings than the limit.
        let limits = Limits {
            strings: 5,
            ..Limits::EXPORT
        };
        assert_eq!(
            check_with(&unique("3"), &limits),
            Err(Refusal::Oversized(Oversize::Strings(6)))
        );
    }

    #[test]
    fn a_far_cell_or_a_huge_dimension_is_refused() {
        let sheet = "xl/worksheets/sheet1.xml";
        let far = edited(sheet, |s| {
            s.replace(
                "</sheetData>",
                "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
            )
        });
        let everything = 1_048_576 * 16_384;
        assert_eq!(
            check(&far),
            Err(Refusal::Oversized(Oversize::Cells(everything)))
        );
        // A cell without a reference sits where its row says.
        let implicit = edited(sheet, |s| {
            s.replace(
                "</sheetData>",
                "<row r=\"1048576\"><c t=\"s\"><v>0</v></c></row></sheetData>",
            )
        });
        assert_eq!(
            check(&implicit),
            Err(Refusal::Oversized(Oversize::Cells(1_048_576 * 3)))
        );
        // An empty cell is left out of calamine's range: harmless.
        let empty = edited(sheet, |s| {
            s.replace(
                "</sheetData>",
                "<row r=\"1048576\"><c r=\"XFD1048576\" s=\"0\"/></row></sheetData>",
            )
        });
        assert_eq!(check(&empty), Ok(()));
        let dimension = edited(sheet, |s| s.replace("A1:C4", "A1:XFD1048576"));
        assert_eq!(
            check(&dimension),
            Err(Refusal::Oversized(Oversize::Cells(everything)))
        );
        // Many cells at one place: calamine keeps each.
        let limits = Limits {
            cells: 20,
            ..Limits::EXPORT
        };
        let repeated = edited(sheet, |s| {
            let same = "<c r=\"A1\"><v>1</v></c>".repeat(30);
            s.replace(
                "</sheetData>",
                &format!("<row r=\"1\">{same}</row></sheetData>"),
            )
        });
        assert_eq!(
            check_with(&repeated, &limits),
            Err(Refusal::Oversized(Oversize::Cells(21)))
        );
    }

    #[test]
    fn what_the_zip_declares_and_what_it_unpacks_to_are_bounded() {
        let mut ps = parts(&export());
        ps.push(("xl/media/image1.png".into(), vec![0; 1000]));
        let mut bomb = zip_of(&ps, &["xl/media/image1.png"]);
        declare(&mut bomb, "xl/media/image1.png", 10 << 30);
        assert!(matches!(
            check(&bomb),
            Err(Refusal::Oversized(Oversize::Unpacked(n))) if n > 10 << 30
        ));
        // An entry that unpacks to more than it says: the zip crate (calamine's) stops it at
        // what it says, so the declared sizes bound what calamine reads.
        let mut liar = zip_of(&ps, &[]);
        declare(&mut liar, "xl/media/image1.png", 100);
        let mut z = zip::ZipArchive::new(Cursor::new(&liar)).expect("zip");
        let mut entry = z.by_name("xl/media/image1.png").expect("entry");
        let mut got = vec![];
        assert!(entry.read_to_end(&mut got).is_err());
        assert!(got.len() <= 101, "{}", got.len());
        drop(entry);
        assert_eq!(check(&liar), Ok(()));
        let limits = Limits {
            unpacked: 4000,
            ..Limits::EXPORT
        };
        assert!(matches!(
            check_with(&export(), &limits),
            Err(Refusal::Oversized(Oversize::Unpacked(_)))
        ));
    }

    #[test]
    fn text_copied_into_cells_and_long_tokens_are_bounded() {
        let limits = Limits {
            text: 50_000,
            token: 20_000,
            ..Limits::EXPORT
        };
        let long = "长".repeat(3000); // 9,000 bytes
        let shared = |cells: usize| {
            let mut ps = parts(&export());
            for (name, data) in ps.iter_mut() {
                let s = String::from_utf8(data.clone()).expect("utf-8");
                if name == "xl/sharedStrings.xml" {
                    *data = s
                        .replace("<t>访客数</t>", &format!("<t>{long}</t>"))
                        .into_bytes();
                } else if name == "xl/worksheets/sheet1.xml" {
                    let same = "<c t=\"s\"><v>1</v></c>".repeat(cells);
                    let row = format!("<row r=\"9\">{same}</row></sheetData>");
                    *data = s.replace("</sheetData>", &row).into_bytes();
                }
            }
            zip_of(&ps, &[])
        };
        assert_eq!(check_with(&shared(2), &limits), Ok(()));
        // Five cells point at the long string: 6 copies of 9,000 bytes and the others.
        assert!(matches!(
            check_with(&shared(5), &limits),
            Err(Refusal::Oversized(Oversize::Text(n))) if n > 50_000
        ));
        // A single run of text longer than a token may be.
        let huge = edited("xl/sharedStrings.xml", |s| {
            s.replace("<t>访客数</t>", &format!("<t>{}</t>", "x".repeat(30_000)))
        });
        assert_eq!(
            check_with(&huge, &limits),
            Err(Refusal::Damaged(
                "xl/sharedStrings.xml has an XML token longer than 1 MB".into()
            ))
        );
    }

    #[test]
    fn cell_formats_that_copy_a_long_font_name_are_bounded() {
        let formats = |n: usize| {
            edited("xl/styles.xml", |s| {
                let xfs = "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>".repeat(n);
                s.replace(
                    "<name val=\"Calibri\"/>",
                    &format!("<name val=\"{}\"/>", "F".repeat(100_000)),
                )
                .replace(
                    "<cellXfs count=\"1\">",
                    &format!("<cellXfs count=\"{}\">{xfs}", n + 1),
                )
            })
        };
        assert_eq!(check(&formats(10)), Ok(()));
        // 700 formats × a 100 KB font name: 140 MB.
        assert!(matches!(
            check(&formats(700)),
            Err(Refusal::Oversized(Oversize::Records(n))) if n > 128 * MB
        ));
    }

    #[test]
    fn attributes_read_as_calamine_reads_them() {
        let got: Vec<_> = attrs(" r=\"A1\"  t = 's' x=\"a b\"").collect();
        assert_eq!(got, vec![("r", "A1"), ("t", "s"), ("x", "a b")]);
        assert_eq!(attr("count=\"9\" uniqueCount=\"7\"", "count"), Some("9"));
        assert_eq!(attr("a=1 uniqueCount=\"7\"", "uniqueCount"), None);
        assert_eq!(count("0007"), Some(7));
        assert_eq!(count("+7"), None);
        assert_eq!(count(""), None);
    }
}
