//! A bounded check of a legacy `.xls` before calamine reads it. calamine sizes some of its
//! buffers from numbers inside the file — the span between the first and the last cell of a
//! sheet, the sheet's DIMENSIONS record — and follows sector chains without a step limit, so
//! a damaged download (a flipped byte in a cell's row or column, a cut-off file, a FAT entry
//! that points back at itself) can make it ask for gigabytes: an allocation failure aborts
//! the whole process (no panic to catch), taking the bot down for everyone. This module walks
//! the same structures with every size bounded by the file's own length, exactly as calamine
//! finds them (the OLE compound file's FAT, DIFAT, directory and mini stream; the `Workbook`
//! stream's BIFF records, sheet by sheet) and refuses a file whose sheets would span more
//! than [`MAX_CELLS`] cells or whose structure does not hold together.
//!
//! What calamine 0.38 bounds itself is not checked again here: it reserves nothing from the
//! lengths in the header and the directory (the mini FAT's sector count, a stream's length;
//! a chain is read only as far as it goes) and stops a DIFAT chain longer than the file has
//! sectors. What it does not bound stays here: its other chains are followed with no loop
//! check (a loop grows one buffer without end), the FAT it builds may list one sector any
//! number of times (a 10 MB file could make it build a FAT of over a gigabyte), and the
//! sheets' spans above. The guard's own DIFAT walk keeps its bound: without it the walk
//! itself would not end.

/// The most cells a sheet's bounding box may span (a real export of at most 10 MB has well
/// under a million cells; calamine allocates about 32 bytes for each cell of the box).
pub const MAX_CELLS: u64 = 2_000_000;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector ids from this one up are markers, not sectors.
const MAXREGSECT: u32 = 0xFFFF_FFFA;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;
const MINI_SECTOR: usize = 64;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The compound file's sectors, numbered from 0 after the header.
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl<'a> Sectors<'a> {
    fn count(&self) -> usize {
        (self.bytes.len() / self.size).saturating_sub(1)
            + usize::from(!self.bytes.len().is_multiple_of(self.size))
    }

    /// Sector `id` (the last one may be short, as calamine accepts).
    fn get(&self, id: u32) -> Result<&'a [u8], String> {
        let start = (id as usize + 1)
            .checked_mul(self.size)
            .filter(|s| *s < self.bytes.len())
            .ok_or_else(|| format!("sector {id} is past the end of the file"))?;
        Ok(&self.bytes[start..(start + self.size).min(self.bytes.len())])
    }

    /// A chain of sectors through the FAT from `start`, at most `len` bytes; every sector at
    /// most once (a loop is damage, not a long stream).
    fn chain(&self, start: u32, fat: &[u32], len: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut id = start;
        let mut seen = vec![false; fat.len().max(self.count())];
        while id != ENDOFCHAIN && out.len() < len {
            let i = id as usize;
            if id >= MAXREGSECT || i >= seen.len() || i >= fat.len() {
                return Err(format!("sector chain points at {id:#x}"));
            }
            if std::mem::replace(&mut seen[i], true) {
                return Err("a sector chain loops".into());
            }
            let s = self.get(id)?;
            out.extend_from_slice(&s[..s.len().min(len - out.len())]);
            id = fat[i];
        }
        Ok(out)
    }
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The `Workbook` (or BIFF5 `Book`) stream, read as calamine reads it.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let head = bytes.get(..512).ok_or("shorter than an OLE header")?;
    let size = match u16_at(head, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err("bad sector size".into()),
    };
    let sectors = Sectors { bytes, size };
    let n = sectors.count();
    let dir_start = u32_at(head, 48).unwrap_or(ENDOFCHAIN);
    let mini_fat_start = u32_at(head, 60).unwrap_or(ENDOFCHAIN);
    let mini_fat_len = u32_at(head, 64).unwrap_or(0) as usize;

    // The DIFAT: 109 ids in the header, then a chain of DIFAT sectors (the last id of each
    // is the next one).
    let mut difat: Vec<u32> = u32s(&head[76..512]).collect();
    let mut id = u32_at(head, 68).unwrap_or(ENDOFCHAIN);
    let mut steps = 0;
    while id < MAXREGSECT {
        steps += 1;
        if steps > n + 1 {
            return Err("the DIFAT chain loops".into());
        }
        difat.extend(u32s(sectors.get(id)?));
        id = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < 0xFFFF_FFFC) {
        if fat.len() / (size / 4) > n {
            return Err("more FAT sectors than the file has".into());
        }
        fat.extend(u32s(sectors.get(id)?));
    }

    let dirs = sectors.chain(dir_start, &fat, usize::MAX)?;
    // (name, start, len) of each 128-byte entry.
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let name: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .take_while(|c| *c != '\0')
                .collect();
            let len = if size == 512 {
                u64::from(u32_at(e, 120).unwrap_or(0))
            } else {
                u64_at(e, 120).unwrap_or(0)
            };
            (name, u32_at(e, 116).unwrap_or(ENDOFCHAIN), len)
        })
        .collect();
    let root = entries.first().ok_or("no directory")?;
    // calamine loads the mini stream (the root's chain) and the mini FAT whenever there is
    // a mini FAT, whatever it reads next: both chains must end.
    let (mini, mini_fat) = if mini_fat_len > 0 {
        let root_len = usize::try_from(root.2).unwrap_or(usize::MAX);
        let mini = sectors.chain(root.1, &fat, root_len)?;
        let mini_fat: Vec<u32> =
            u32s(&sectors.chain(mini_fat_start, &fat, mini_fat_len.saturating_mul(size))?)
                .collect();
        (mini, mini_fat)
    } else {
        (vec![], vec![])
    };
    let find = |want: &str| entries.iter().find(|e| e.0.eq_ignore_ascii_case(want));
    let (_, start, len) = find("Workbook")
        .or_else(|| find("Book"))
        .ok_or("no Workbook stream")?;
    let len = usize::try_from(*len).unwrap_or(usize::MAX);
    if len >= MINI_CUTOFF {
        return sectors.chain(*start, &fat, len);
    }
    // A short stream lives in the mini stream: 64-byte sectors inside the root's chain,
    // chained by the mini FAT.
    if mini_fat.is_empty() {
        return Err("a short stream without a mini FAT".into());
    }
    let mut out = Vec::new();
    let mut id = *start;
    let mut seen = vec![false; mini_fat.len()];
    while id != ENDOFCHAIN && out.len() < len {
        let i = id as usize;
        if i >= mini_fat.len() || std::mem::replace(&mut seen[i], true) {
            return Err("the mini stream chain is broken".into());
        }
        let at = i * MINI_SECTOR;
        let s = mini
            .get(at..(at + MINI_SECTOR).min(mini.len()))
            .unwrap_or(&[]);
        out.extend_from_slice(&s[..s.len().min(len - out.len())]);
        id = mini_fat[i];
    }
    Ok(out)
}

/// BIFF records as calamine iterates them: (type, data), a record's CONTINUE records
/// skipped with it.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = u16_at(rest, 2)? as usize;
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        while rest.len() > 4 && u16_at(rest, 0) == Some(0x003C) {
            let l = u16_at(rest, 2)? as usize;
            rest = rest.get(4 + l..)?;
        }
        Some((typ, data))
    })
}

/// The bounding box of a sheet's cells.
#[derive(Default)]
pub(super) struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    pub(super) fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    pub(super) fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        })
    }
}

/// The cells a DIMENSIONS record makes calamine reserve room for, as it reads the record
/// (its row and column arithmetic wraps on a reversed range: counted as too many).
fn dimension_cells(d: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u32::from(u16_at(d, 8).unwrap_or(0)),
            u32::from(u16_at(d, 10).unwrap_or(0)),
        ),
        _ => return 0, // calamine refuses the record
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    if end_r < rf || end_c < cf {
        return u64::MAX;
    }
    (u64::from(end_r - rf) + 1) * (u64::from(end_c - cf) + 1)
}

/// Every sheet's span, as calamine would lay it out.
fn check_biff(stream: &[u8]) -> Result<(), String> {
    let mut sheets = Vec::new();
    for (typ, d) in records(stream) {
        match typ {
            0x0085 => sheets.extend(u32_at(d, 0)),
            // FilePass: the sheets are encrypted; calamine stops here (password-protected).
            0x002F if u16_at(d, 0).is_some_and(|v| v != 0) => return Ok(()),
            0x000A => break,
            _ => {}
        }
    }
    for pos in sheets {
        let Some(sheet) = stream.get(pos as usize..) else {
            continue; // calamine fails on it
        };
        let mut span = Span::default();
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, d) in records(sheet) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let at = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 if dimension_cells(d) > MAX_CELLS => {
                    return Err("the sheet's dimensions are out of range".into());
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let Some((r, c)) = at(d) {
                        span.add(r, c);
                    }
                }
                0x00BD if d.len() >= 6 => {
                    if let (Some((r, c)), Some(last)) = (at(d), u16_at(d, d.len() - 2)) {
                        span.add(r, c);
                        span.add(r, u32::from(last));
                    }
                }
                0x000A => break,
                _ => {}
            }
            if span.cells() > MAX_CELLS {
                return Err("a sheet spans too many cells".into());
            }
        }
    }
    Ok(())
}

/// Whether calamine may read this OLE file without its sizes running away; Err says why
/// not (the file is damaged).
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let stream = workbook_stream(bytes)?;
    check_biff(&stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_dimensions_are_counted_as_calamine_lays_them_out() {
        let mut s = Span::default();
        s.add(3, 2);
        s.add(10, 0);
        assert_eq!(s.cells(), 8 * 3);
        s.add(65_535, 255);
        assert!(s.cells() > MAX_CELLS);
        // BIFF8 DIMENSIONS: rows [0, 5), cols [0, 3).
        let mut d = vec![];
        d.extend(0u32.to_le_bytes());
        d.extend(5u32.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(3u16.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        assert_eq!(dimension_cells(&d), 15);
        d[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(dimension_cells(&d) > MAX_CELLS);
    }

    const XLWT: &[u8] = include_bytes!("../../../tests/fixtures/sycm-shop-daily.xls");
    const MINI: &[u8] = include_bytes!("../../../tests/fixtures/sycm-shop-daily-ministream.xls");

    /// Where `pattern` first starts in `bytes`.
    fn find(bytes: &[u8], pattern: &[u8]) -> usize {
        bytes
            .windows(pattern.len())
            .position(|w| w == pattern)
            .expect("pattern")
    }

    #[test]
    fn the_workbook_is_found_in_sectors_and_in_the_mini_stream() {
        let big = workbook_stream(XLWT).expect("sectors");
        let small = workbook_stream(MINI).expect("mini stream");
        assert_eq!((big.len(), small.len()), (4096, 2961));
        assert_eq!(
            &big[..small.len()],
            &small[..],
            "the same sheet, xlwt pads it"
        );
        assert_eq!(u16_at(&small, 0), Some(0x0809), "starts with BOF");
        assert_eq!(check(XLWT), Ok(()));
        assert_eq!(check(MINI), Ok(()));
    }

    #[test]
    fn damage_that_would_run_calamine_away_is_refused() {
        // The directory's FAT entry pointing back at itself: a chain without end.
        let mut looped = XLWT.to_vec();
        let dir = u32_at(&looped, 48).expect("dir") as usize;
        let fat0 = u32_at(&looped, 76).expect("fat") as usize;
        let at = (fat0 + 1) * 512 + dir * 4;
        looped[at..at + 4].copy_from_slice(&(dir as u32).to_le_bytes());
        assert!(check(&looped).unwrap_err().contains("loops"));
        // An RK number cell moved to row 60000, column 200: 12 million cells from A1.
        let mut far = XLWT.to_vec();
        let at = find(&far, &[0x7e, 0x02, 0x0a, 0x00]) + 4;
        far[at..at + 4].copy_from_slice(&[0x60, 0xEA, 200, 0]);
        assert_eq!(check(&far), Err("a sheet spans too many cells".into()));
        // DIMENSIONS claiming 4 billion rows.
        let mut dims = XLWT.to_vec();
        let at = find(&dims, &[0x00, 0x02, 0x0e, 0x00]) + 8;
        dims[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            check(&dims),
            Err("the sheet's dimensions are out of range".into())
        );
        // Cut short inside the workbook.
        assert!(check(&XLWT[..3000]).is_err());
    }

    #[test]
    fn a_fat_naming_one_sector_again_and_again_is_refused() {
        // Every DIFAT id names sector 0 as a FAT sector, over a chain of 200 DIFAT sectors:
        // 25,509 FAT sectors in a file of 201. calamine 0.38 bounds the DIFAT chain, not the
        // FAT it builds from it (a 10 MB file like this one asks it for over a gigabyte).
        let mut file = XLWT[..512].to_vec();
        file[76..512].fill(0);
        file[68..72].copy_from_slice(&1u32.to_le_bytes());
        file.extend([0u8; 512]);
        for s in 1..=200u32 {
            let mut sector = [0u8; 512];
            let next = if s == 200 { ENDOFCHAIN } else { s + 1 };
            sector[508..].copy_from_slice(&next.to_le_bytes());
            file.extend(sector);
        }
        assert_eq!(
            check(&file),
            Err("more FAT sectors than the file has".into())
        );
    }

    #[test]
    fn lengths_past_the_end_of_the_file_are_left_to_calamine() {
        // calamine 0.38 reserves nothing from these lengths and reads a chain only as far as
        // it goes, so the sheet still reads: the mini FAT's sector count in the header, the
        // root's (mini stream's) length, and the Workbook stream's length in the directory.
        let entry = |b: &[u8], name: &str| {
            find(
                b,
                &name
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>(),
            )
        };
        let mut mini_fat = MINI.to_vec();
        mini_fat[64..68].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut root = MINI.to_vec();
        let at = entry(&root, "Root Entry") + 120;
        root[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut workbook = XLWT.to_vec();
        let at = entry(&workbook, "Workbook") + 120;
        workbook[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        for file in [mini_fat, root, workbook] {
            assert_eq!(check(&file), Ok(()));
            let (rows, how) = super::super::table::read(&file, Some("export.xls"), None)
                .expect("the sheet reads");
            assert_eq!((rows.len(), how.as_str()), (9, "xls"));
        }
    }

    #[test]
    fn records_skip_their_continue_records() {
        let mut s = vec![];
        for (typ, data) in [
            (0x00FCu16, &b"abc"[..]),
            (0x003C, b"de"),
            (0x0203, b"\x01\x00\x02\x00"),
        ] {
            s.extend(typ.to_le_bytes());
            s.extend((data.len() as u16).to_le_bytes());
            s.extend(data);
        }
        let got: Vec<(u16, Vec<u8>)> = records(&s).map(|(t, d)| (t, d.to_vec())).collect();
        assert_eq!(
            got,
            vec![
                (0x00FC, b"abc".to_vec()),
                (0x0203, b"\x01\x00\x02\x00".to_vec())
            ]
        );
    }
}
