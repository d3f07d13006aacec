//! Reading an export file into a grid of cells: CSV (UTF-8 with or without BOM, UTF-16 with
//! BOM, GBK/GB18030), `.xlsx` and legacy `.xls` (calamine, first sheet). Never panics on bad
//! input: whatever does not read is an error value.

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::NaiveDate;

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
    /// A spreadsheet without sheets.
    #[error("the workbook has no sheet")]
    NoSheet,
    /// No rows.
    #[error("the file is empty")]
    Empty,
}

/// The file's kind, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Csv,
    /// A zip (xlsx).
    Xlsx,
    /// An OLE compound file (xls).
    Xls,
}

/// Guesses the kind from the content (the file name is not trusted).
pub fn kind_of(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") {
        Kind::Xlsx
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Xls
    } else {
        Kind::Csv
    }
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

fn read_excel(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, TableError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| TableError::Spreadsheet(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(TableError::NoSheet)?
        .map_err(|e| TableError::Spreadsheet(e.to_string()))?;
    // Rows above the used range (calamine starts the range at the first used cell) keep their
    // numbers so that row numbers in messages match the spreadsheet.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![vec![]; top as usize];
    for r in range.rows() {
        let mut row = vec![Cell::Empty; left as usize];
        row.extend(r.iter().map(excel_cell));
        rows.push(row);
    }
    Ok(rows)
}

/// Reads a file into rows of cells; also says which encoding or format was read.
pub fn read(bytes: &[u8], hint: Option<&str>) -> Result<(Vec<Vec<Cell>>, String), TableError> {
    let (rows, how) = match kind_of(bytes) {
        Kind::Csv => {
            let (text, enc) = decode(bytes, hint);
            (parse_csv(&text), format!("CSV, {enc}"))
        }
        kind => {
            // calamine is a parser of hostile formats; a panic inside it is a bad file here.
            let rows = std::panic::catch_unwind(|| read_excel(bytes))
                .map_err(|_| TableError::Spreadsheet("malformed".into()))??;
            let name = if kind == Kind::Xlsx { "xlsx" } else { "xls" };
            (rows, name.to_string())
        }
    };
    if rows.iter().all(|r| r.iter().all(Cell::is_blank)) {
        return Err(TableError::Empty);
    }
    Ok((rows, how))
}
