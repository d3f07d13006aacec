//! Reading an export file into a grid of cells: CSV (UTF-8 with or without BOM, UTF-16 with
//! BOM, GBK/GB18030), `.xlsx` and legacy binary `.xls` (calamine, every sheet: operators paste
//! a month of daily downloads into one workbook and keep the ad report on the next sheet).
//! What a file is
//! is decided by its first bytes, never by its name: 生意参谋 serves real BIFF `.xls` files
//! (an OLE compound file, `D0 CF 11 E0 A1 B1 1A E1`), other sites serve tab-separated text or a
//! web page named `.xls`, and people rename files. Never panics on bad input: whatever does not
//! read is an error value.

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use super::xlsx_guard::{self, Oversize, Refusal};

/// One cell as the file has it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (CSV cells are all text).
    Text(String),
    /// A number cell of a spreadsheet.
    Number(f64),
    /// A date cell of a spreadsheet.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text (for headers and for error messages).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                }
            }
            Cell::Date(d) => d.to_string(),
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// A spreadsheet that calamine cannot open.
    #[error("unreadable spreadsheet: {0}")]
    Spreadsheet(String),
    /// An `.xlsx` that holds, or says it holds, more than an export can (calamine would run
    /// out of memory reading it).
    #[error("the workbook is oversized: {0:?}")]
    Oversized(Oversize),
    /// A spreadsheet without sheets.
    #[error("the workbook has no sheet")]
    NoSheet,
    /// No rows.
    #[error("the file is empty")]
    Empty,
    /// A workbook with a password to open it.
    #[error("the workbook is password-protected")]
    Encrypted,
    /// A web page (some sites serve an HTML table named `.xls`).
    #[error("a web page, not an export")]
    WebPage,
    /// Bytes that are neither text nor a workbook (named `name` when known).
    #[error("neither text nor a workbook")]
    NotATable {
        /// The file's name's extension, when it has one (`xls`).
        extension: Option<String>,
    },
}

/// The file's format, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text (CSV, tab-separated).
    Csv,
    /// A zip: xlsx.
    Zip,
    /// An OLE compound file: legacy binary xls (BIFF), or a password-protected xlsx.
    Ole,
}

/// The OLE compound file signature that legacy `.xls` files start with.
pub const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The format, from the content (the file name is not trusted).
pub fn format_of(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        Format::Zip
    } else if bytes.starts_with(&OLE_MAGIC) {
        Format::Ole
    } else {
        Format::Csv
    }
}

/// Whether bytes without a workbook signature are text: no NUL (unless UTF-16 with a BOM) and
/// almost no control characters in the first 8 KB.
fn looks_like_text(bytes: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    !head.contains(&0) && control * 100 <= head.len()
}

/// Whether text is a web page rather than a table.
fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "<!doctype html",
        "<html",
        "<table",
        "<?xml",
        "<head",
        "<meta",
    ]
    .iter()
    .any(|p| head.starts_with(p))
}

/// Decodes CSV bytes: a BOM decides; else valid UTF-8 is UTF-8; else the hinted encoding,
/// else GB18030 (a superset of GBK and GB2312, what Chinese platforms export).
pub fn decode(bytes: &[u8], hint: Option<&str>) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc.name());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), "UTF-8");
    }
    let enc = hint
        .and_then(|h| encoding_rs::Encoding::for_label(h.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8)
        .unwrap_or(encoding_rs::GB18030);
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), enc.name())
}

/// Splits CSV text into rows of cells (RFC 4180 quotes; `,`, or tab when the first line has
/// tabs and no commas).
pub fn parse_csv(text: &str) -> Vec<Vec<Cell>> {
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains('\t') && !first.contains(',') {
        '\t'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let push_cell = |row: &mut Vec<Cell>, cell: &mut String| {
        let c = std::mem::take(cell);
        row.push(if c.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(c)
        });
    };
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == '"' && cell.trim().is_empty() {
            cell.clear();
            quoted = true;
        } else if c == sep {
            push_cell(&mut row, &mut cell);
        } else if c == '\r' {
            if chars.peek() != Some(&'\n') {
                push_cell(&mut row, &mut cell);
                rows.push(std::mem::take(&mut row));
            }
        } else if c == '\n' {
            push_cell(&mut row, &mut cell);
            rows.push(std::mem::take(&mut row));
        } else {
            cell.push(c);
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        push_cell(&mut row, &mut cell);
        rows.push(row);
    }
    rows
}

fn excel_cell(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), m.into(), d.into())
                .map(Cell::Date)
                .unwrap_or(Cell::Number(dt.as_f64()))
        }
    }
}

/// One sheet of a file (a CSV file is one sheet without a name).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: Option<String>,
    /// Its rows, numbered as the spreadsheet numbers them (index 0 is row 1).
    pub rows: Vec<Vec<Cell>>,
}

/// A file read: its sheets and the format read (`CSV, UTF-8`, `xlsx`).
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// Every sheet read, in workbook order.
    pub sheets: Vec<Sheet>,
    /// Format and encoding.
    pub format: String,
    /// Sheets not read: damaged, or larger than an export's (beside a first sheet that reads).
    pub unread: Vec<String>,
}

/// Cells of all the sheets of a workbook together, at most: as many as one sheet may span
/// (what is read is held at once).
const BOOK_CELLS: u64 = super::xls_guard::MAX_CELLS;

fn sheet_rows<RS, R>(book: &mut R, index: usize) -> Result<Vec<Vec<Cell>>, TableError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let range = book
        .worksheet_range_at(index)
        .ok_or(TableError::NoSheet)?
        .map_err(|e| TableError::Spreadsheet(e.to_string()))?;
    // Rows above the used range (calamine starts the range at the first used cell) keep their
    // numbers so that row numbers in messages match the spreadsheet. Columns left of it are
    // not padded back: columns are found by their header, and padding every row would cost a
    // damaged file's far-right cell a row's worth of memory per row.
    let top = range.start().map_or(0, |(row, _)| row);
    let mut rows: Vec<Vec<Cell>> = vec![vec![]; top as usize];
    for r in range.rows() {
        rows.push(r.iter().map(excel_cell).collect());
    }
    Ok(rows)
}

/// The cells a sheet's rows hold, as laid out.
fn cells_of(rows: &[Vec<Cell>]) -> u64 {
    rows.iter().map(|r| r.len().max(1) as u64).sum()
}

/// Every sheet of a workbook: the first must read; a later one that does not (or that the
/// `allowed` check refuses, or that would take the workbook beyond [`BOOK_CELLS`]) is named
/// in `unread`.
fn all_sheets<RS, R>(
    book: &mut R,
    allowed: &mut dyn FnMut(usize) -> bool,
) -> Result<(Vec<Sheet>, Vec<String>), TableError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names = book.sheet_names();
    let first = sheet_rows(book, 0)?;
    let mut held = cells_of(&first);
    let mut sheets = vec![Sheet {
        name: names.first().cloned(),
        rows: first,
    }];
    let mut unread = vec![];
    for (i, name) in names.iter().enumerate().skip(1) {
        match allowed(i).then(|| sheet_rows(book, i)) {
            Some(Ok(rows)) if held + cells_of(&rows) <= BOOK_CELLS => {
                held += cells_of(&rows);
                sheets.push(Sheet {
                    name: Some(name.clone()),
                    rows,
                });
            }
            _ => unread.push(name.clone()),
        }
    }
    Ok((sheets, unread))
}

/// Whether an OLE file holds an encrypted OOXML package (a password-protected xlsx is an OLE
/// file with an `EncryptedPackage` stream, named in UTF-16).
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

type Sheets = (Vec<Sheet>, Vec<String>);

fn read_xls(bytes: &[u8]) -> Result<(Sheets, &'static str), TableError> {
    if is_encrypted_package(bytes) {
        return Err(TableError::Encrypted);
    }
    // calamine sizes buffers from numbers in the file: a damaged one could abort the process.
    super::xls_guard::check(bytes)
        .map_err(|why| TableError::Spreadsheet(format!("damaged: {why}")))?;
    match calamine::Xls::new(Cursor::new(bytes)) {
        // The guard has checked every sheet's span.
        Ok(mut book) => Ok((all_sheets(&mut book, &mut |_| true)?, "xls")),
        Err(calamine::XlsError::Password) => Err(TableError::Encrypted),
        Err(e) => Err(TableError::Spreadsheet(e.to_string())),
    }
}

fn read_zip(bytes: &[u8]) -> Result<(Sheets, &'static str), TableError> {
    // calamine sizes memory from numbers in the file: a crafted one could abort the process.
    // Only .xlsx is read: calamine's .ods reader lays repeated cells out (a 24 KB .ods asks
    // for gigabytes) and its .xlsb reader lays a sheet out from its first to its last cell
    // as the .xlsx one does; neither has a guard here, and no platform exports them.
    xlsx_guard::check(bytes).map_err(|r| match r {
        Refusal::Oversized(o) => TableError::Oversized(o),
        Refusal::Damaged(why) => TableError::Spreadsheet(format!("damaged: {why}")),
    })?;
    match calamine::Xlsx::new(Cursor::new(bytes)) {
        // The first sheet is checked above; each later one is checked before it is read.
        Ok(mut book) => {
            // The text their cells hold counts together: it is all held at once.
            let mut text = 0u64;
            let mut allowed = |i: usize| match xlsx_guard::check_sheet(bytes, i) {
                Ok(t) => {
                    text = text.saturating_add(t);
                    text <= xlsx_guard::Limits::EXPORT.text
                }
                Err(_) => false,
            };
            Ok((all_sheets(&mut book, &mut allowed)?, "xlsx"))
        }
        Err(e) => Err(TableError::Spreadsheet(e.to_string())),
    }
}

fn extension(name: Option<&str>) -> Option<String> {
    let ext = std::path::Path::new(name?).extension()?.to_str()?;
    Some(ext.to_ascii_lowercase())
}

/// Reads a file's first sheet into rows of cells; also says which encoding or format was
/// read. `name` (the file's name, when known) only shapes the error for a file that is no
/// table at all.
pub fn read(
    bytes: &[u8],
    name: Option<&str>,
    hint: Option<&str>,
) -> Result<(Vec<Vec<Cell>>, String), TableError> {
    let book = read_book(bytes, name, hint)?;
    let rows = book
        .sheets
        .into_iter()
        .next()
        .map(|s| s.rows)
        .unwrap_or_default();
    Ok((rows, book.format))
}

/// Reads every sheet of a file (a CSV file is one sheet), as [`read`] reads the first.
pub fn read_book(bytes: &[u8], name: Option<&str>, hint: Option<&str>) -> Result<Book, TableError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(TableError::Empty);
    }
    let format = format_of(bytes);
    let ((sheets, unread), how) = match format {
        Format::Csv => {
            if !looks_like_text(bytes) {
                return Err(TableError::NotATable {
                    extension: extension(name),
                });
            }
            let (text, enc) = decode(bytes, hint);
            if looks_like_html(&text) {
                return Err(TableError::WebPage);
            }
            let sheet = Sheet {
                name: None,
                rows: parse_csv(&text),
            };
            ((vec![sheet], vec![]), format!("CSV, {enc}"))
        }
        Format::Zip | Format::Ole => {
            // calamine is a parser of hostile formats; a panic inside it is a bad file here.
            let (sheets, name) = std::panic::catch_unwind(|| {
                if format == Format::Ole {
                    read_xls(bytes)
                } else {
                    read_zip(bytes)
                }
            })
            .map_err(|_| TableError::Spreadsheet("malformed".into()))??;
            (sheets, name.to_string())
        }
    };
    if sheets
        .iter()
        .all(|s| s.rows.iter().all(|r| r.iter().all(Cell::is_blank)))
    {
        return Err(TableError::Empty);
    }
    Ok(Book {
        sheets,
        format: how,
        unread,
    })
}
