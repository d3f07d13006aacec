//! Reading the rows of a recognised sheet: each column by its use, dates decided, days
//! and products merged, rates checked against their parts.

use super::*;

/// A column of a computed figure: (column, sign, optional, file header, whether the column is
/// read as a figure too).
type PartCol = (usize, i64, bool, String, bool);

/// How often (in rows) reading reports progress.
const PROGRESS_EVERY: usize = 500;

/// A header row's columns: what each is used for.
struct Layout {
    /// The file's headers, by column.
    headers: Vec<String>,
    /// (column, file header, use, the mapping's name for it).
    columns: Vec<(usize, String, Use, String)>,
    /// Headers the mapping does not know.
    unknown: Vec<String>,
    date_col: usize,
    id_col: Option<usize>,
    name_col: Option<usize>,
    /// Columns of the previous period (a comparison export).
    comparison: Vec<usize>,
    /// Text columns not imported (unknown or ignored): what a grouped report is grouped by.
    others: Vec<usize>,
    /// Computed figures and the columns of the way chosen: (figure, [(column, sign,
    /// optional, file header, whether the column is read as a figure too)]).
    computed: Vec<(String, Vec<PartCol>)>,
    /// Computed figures this header row cannot give: (figure, the columns of its first way).
    not_computed: Vec<(String, Vec<String>)>,
    /// The date column's names, as [`header::key`]s: a row whose date cell is one of them is
    /// the header line again.
    date_keys: Vec<String>,
}

impl Layout {
    fn of(m: &Mapping, row: &[Cell]) -> Layout {
        let headers: Vec<String> = row.iter().map(header_text).collect();
        let mut l = Layout {
            headers: headers.clone(),
            columns: vec![],
            unknown: vec![],
            date_col: 0,
            id_col: None,
            name_col: None,
            comparison: vec![],
            others: vec![],
            computed: vec![],
            not_computed: vec![],
            date_keys: m
                .date
                .iter()
                .map(String::as_str)
                .chain(
                    m.spellings
                        .iter()
                        .filter(|(h, _)| m.date.contains(h))
                        .flat_map(|(_, list)| list.iter().map(|s| s.name.as_str())),
                )
                .map(header::key)
                .collect(),
        };
        let mut date_col = None;
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            if header::is_comparison(h) {
                l.comparison.push(i);
                l.columns.push((i, h.clone(), Use::Comparison, h.clone()));
                continue;
            }
            let Some(c) = m.canonical(h) else {
                l.unknown.push(h.clone());
                l.others.push(i);
                continue;
            };
            let c = c.to_string();
            let u = if m.date.contains(&c) && date_col.is_none() {
                date_col = Some(i);
                Use::Date
            } else if m.product_id.contains(&c) && l.id_col.is_none() {
                l.id_col = Some(i);
                Use::ProductId
            } else if m.product_name.contains(&c) && l.name_col.is_none() {
                l.name_col = Some(i);
                Use::ProductName
            } else if let Some(f) = m.columns.get(&c) {
                Use::Field(f.clone())
            } else if m.ad_spend.contains(&c) {
                Use::AdSpendPart
            } else if let Some(r) = m.rates.get(&c) {
                Use::Check(rate_field(*r).to_string())
            } else {
                l.others.push(i);
                Use::Ignored
            };
            l.columns.push((i, h.clone(), u, c));
        }
        l.date_col = date_col.unwrap_or(0);
        l.compute(m);
        l
    }

    /// Chooses, for each computed figure, the first way whose required columns are all in
    /// this header row; its columns not otherwise imported become parts of the figure.
    fn compute(&mut self, m: &Mapping) {
        for (f, ways) in &m.computed {
            let present: Vec<(usize, String, String, bool)> = self
                .columns
                .iter()
                .filter(|(_, _, u, _)| !matches!(u, Use::Comparison))
                .map(|(i, h, u, c)| (*i, h.clone(), c.clone(), matches!(u, Use::Field(_))))
                .collect();
            let col_of = |name: &str| {
                present
                    .iter()
                    .find(|(_, _, c, _)| c == name)
                    .map(|(i, h, _, read)| (*i, h.clone(), *read))
            };
            let chosen = ways.iter().find(|w| {
                w.iter().all(|t| {
                    let t = Term::parse(t);
                    t.optional || col_of(t.column).is_some()
                })
            });
            let Some(way) = chosen else {
                let any = ways
                    .iter()
                    .flatten()
                    .any(|t| col_of(Term::parse(t).column).is_some());
                if any {
                    let needs = ways[0]
                        .iter()
                        .map(|t| Term::parse(t))
                        .filter(|t| !t.optional)
                        .map(|t| t.column.to_string())
                        .collect();
                    self.not_computed.push((f.clone(), needs));
                }
                continue;
            };
            let mut terms = vec![];
            for t in way.iter().map(|t| Term::parse(t)) {
                let Some((i, h, read)) = col_of(t.column) else {
                    continue;
                };
                terms.push((i, t.sign, t.optional, h, read));
                for c in self.columns.iter_mut().filter(|c| c.0 == i) {
                    if c.2 == Use::Ignored {
                        c.2 = Use::Part(f.clone());
                    }
                }
                self.others.retain(|o| *o != i);
            }
            self.computed.push((f.clone(), terms));
        }
    }

    fn header_of(&self, i: usize) -> &str {
        self.headers
            .get(i)
            .or(self.headers.last())
            .map_or("", String::as_str)
    }

    /// Whether a row is this header line again (its date cell holds the date column's name).
    fn is_header(&self, row: &[Cell]) -> bool {
        match row.get(self.date_col) {
            Some(Cell::Text(t)) => self.date_keys.contains(&header::key(t)),
            _ => false,
        }
    }
}

/// A data row, read but for its date (the order of `a/b/y` dates is for the whole column to
/// tell).
struct RowRead {
    sheet: Option<String>,
    row: usize,
    date_cell: Cell,
    date_header: String,
    /// (product id, name, id column header, id as written) of a product row.
    product: Option<(String, String, String, String)>,
    day: DayFigures,
    figures: ProductFigures,
    bad: bool,
    /// Text of the columns not imported (header → value), to tell a grouped report.
    others: Vec<(String, String)>,
}

/// Reads the rows of every sheet below its header row, against one mapping.
pub(super) fn read_sheets(
    reads: &[(&table::Sheet, usize)],
    m: &Mapping,
    recognised: bool,
    format: String,
    order: DateOrder,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Parsed, ImportError> {
    let named = reads.len() > 1;
    let mut out = Parsed {
        platform: m.platform.clone(),
        platform_name: m.name.clone(),
        kind: m.kind,
        role: m.role,
        recognised,
        format,
        header_row: reads.first().map_or(0, |(_, hi)| hi + 1),
        sheets: reads
            .iter()
            .map(|(s, hi)| SheetRead {
                name: s.name.clone(),
                header_row: hi + 1,
            })
            .collect(),
        sheet_count: reads.len(),
        columns: vec![],
        days: BTreeMap::new(),
        products: BTreeMap::new(),
        problems: vec![],
        skipped: Skipped::default(),
        currencies: vec![],
        dates: None,
        warnings: vec![],
    };
    let mut unknown: Vec<String> = vec![];
    let mut data: Vec<RowRead> = vec![];
    let total: usize = reads
        .iter()
        .map(|(s, hi)| s.rows.len().saturating_sub(hi + 1))
        .sum();
    let mut done = 0usize;
    progress(0, total);
    for (sheet, hi) in reads {
        let sheet_name = sheet.name.clone().filter(|_| named);
        let mut layout = Layout::of(m, &sheet.rows[*hi]);
        note_columns(&mut out, &mut unknown, &layout);
        let mut blank = 0usize;
        for (ri, row) in sheet.rows.iter().enumerate().skip(hi + 1) {
            done += 1;
            if done.is_multiple_of(PROGRESS_EVERY) {
                progress(done, total);
            }
            let rowno = ri + 1;
            if row.iter().all(Cell::is_blank) {
                blank += 1;
                continue;
            }
            // Blank lines count once data follows them (not the file's trailing ones).
            out.skipped.blank += std::mem::take(&mut blank);
            if layout.is_header(row) {
                // The header again (downloads pasted one under another): its columns may
                // differ, so they are read anew.
                out.skipped.headers.push(rowno);
                layout = Layout::of(m, row);
                note_columns(&mut out, &mut unknown, &layout);
                continue;
            }
            if let Some(r) = read_row(&mut out, m, &layout, row, rowno, &sheet_name) {
                data.push(r);
            }
        }
    }
    progress(total, total);
    decide_dates(&mut out, &data, order)?;
    let order = out
        .dates
        .as_ref()
        .map(|d| d.order)
        .or_else(|| {
            out.warnings.iter().find_map(|w| match w {
                Warning::DatesAssumed { order, .. } | Warning::DatesReadAs(order) => Some(*order),
                _ => None,
            })
        })
        .unwrap_or(match order {
            DateOrder::Auto => DateOrder::Mdy,
            o => o,
        });
    insert_rows(&mut out, m, data, order)?;
    // Cell problems were found row by row, date problems after the whole column: in file
    // order again, sheet by sheet.
    let sheet_index = |s: &Option<String>| {
        reads
            .iter()
            .position(|(sheet, _)| sheet.name == *s)
            .unwrap_or(0)
    };
    out.problems
        .sort_by_key(|p| (if named { sheet_index(&p.sheet) } else { 0 }, p.row));
    if out.currencies.len() > 1 {
        return Err(ImportError::MixedCurrencies(
            out.currencies[0].clone(),
            out.currencies[1].clone(),
        ));
    }
    if !unknown.is_empty() {
        out.warnings.push(Warning::UnknownColumns(unknown));
    }
    if let Some(zone) = &m.day_zone {
        out.warnings.push(Warning::PlatformDays(zone.clone()));
    }
    Ok(out)
}

/// Adds a header line's columns to the file's (each header once, in file order).
fn note_columns(out: &mut Parsed, unknown: &mut Vec<String>, layout: &Layout) {
    for (_, h, u, _) in &layout.columns {
        if !out.columns.iter().any(|(x, _)| x == h) {
            out.columns.push((h.clone(), u.clone()));
        }
    }
    for h in &layout.unknown {
        if !unknown.contains(h) {
            unknown.push(h.clone());
        }
    }
    for (figure, needs) in &layout.not_computed {
        let w = Warning::NotComputed {
            figure: figure.clone(),
            needs: needs.clone(),
        };
        if !out.warnings.contains(&w) {
            out.warnings.push(w);
        }
    }
}

/// Notes a currency the file's amounts are written in (`$` beside `USD` is one currency: the
/// code says more).
fn note_currency(out: &mut Parsed, c: &str) {
    if out.currencies.iter().any(|x| x == c) {
        return;
    }
    match out.currencies.iter().position(|x| value::marks_agree(x, c)) {
        Some(p) if c.len() == 3 => out.currencies[p] = c.to_string(),
        Some(_) => {}
        None => out.currencies.push(c.to_string()),
    }
}

/// Whether a cell holds nothing or a zero.
fn is_nothing_or_zero(c: &Cell) -> bool {
    value::is_nothing(c)
        || value::money(c).ok().flatten() == Some(0)
        || value::rate(c).ok().flatten() == Some(0.0)
}

/// Whether a cell's text is a number or an amount (not what a report is grouped by).
fn is_numeric(text: &str) -> bool {
    value::money(&Cell::Text(text.to_string())).is_ok()
        || value::rate(&Cell::Text(text.to_string())).is_ok()
}

/// Reads one row below a header: None when it is no data (a total, a description line, a
/// comparison row whose own period is empty: counted in `out.skipped`).
fn read_row(
    out: &mut Parsed,
    m: &Mapping,
    layout: &Layout,
    row: &[Cell],
    rowno: usize,
    sheet: &Option<String>,
) -> Option<RowRead> {
    let empty = Cell::Empty;
    let get = |i: usize| row.get(i).unwrap_or(&empty);
    let dcell = get(layout.date_col);
    let first_text = row
        .iter()
        .find(|c| !c.is_blank())
        .map(Cell::text)
        .unwrap_or_default();
    if is_total(&dcell.text()) || (value::is_nothing(dcell) && is_total(&first_text)) {
        out.skipped.totals.push(rowno);
        return None;
    }
    let figure_cells: Vec<&Cell> = layout
        .columns
        .iter()
        .filter(|(_, _, u, _)| {
            matches!(
                u,
                Use::Field(_) | Use::AdSpendPart | Use::Check(_) | Use::Part(_)
            )
        })
        .map(|(i, ..)| get(*i))
        .collect();
    let no_figures = figure_cells.iter().all(|c| value::is_nothing(c));
    if value::is_nothing(dcell) {
        let compared = layout
            .comparison
            .iter()
            .any(|i| !value::is_nothing(get(*i)));
        if compared && figure_cells.iter().all(|c| is_nothing_or_zero(c)) {
            out.skipped.comparison.push(rowno);
            return None;
        }
        if no_figures {
            out.skipped.notes.push(rowno);
            return None;
        }
    } else if no_figures
        && value::date(dcell, DateOrder::Mdy).is_err()
        && value::date(dcell, DateOrder::Dmy).is_err()
    {
        // 统计日期：2026-11-20~2026-11-22, 店铺名称：旗舰店: a download's description line.
        out.skipped.notes.push(rowno);
        return None;
    }
    let mut problems = vec![];
    let mut problem = |col: &str, cell: &Cell, why: Why| {
        problems.push(Problem {
            row: rowno,
            column: col.to_string(),
            value: cell.text(),
            why,
            sheet: sheet.clone(),
        });
    };
    let date_header = layout.header_of(layout.date_col).to_string();
    if value::is_nothing(dcell) {
        problem(&date_header, dcell, Why::NoDate);
    }
    // A product row's id (and name: the id when the file has none).
    let product = layout.id_col.map(|ic| {
        let id = product_id(get(ic));
        if id.is_empty() {
            problem(layout.header_of(ic), get(ic), Why::NoProduct);
        }
        let name = layout
            .name_col
            .map(|nc| get(nc).text())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.clone());
        (id, name, layout.header_of(ic).to_string(), get(ic).text())
    });
    // (figure, value) of the row, and the ad-spend parts summed.
    let mut values: Vec<(&str, i64)> = vec![];
    let mut ad: Option<i64> = None;
    let mut checks: Vec<(&str, RateKind, &Cell)> = vec![];
    for (i, h, u, canon) in &layout.columns {
        let cell = get(*i);
        let money_col = match u {
            Use::Field(f) => metrics::is_money(f),
            Use::AdSpendPart => true,
            Use::Check(_) => {
                if let Some(kind) = m.rates.get(canon) {
                    checks.push((h.as_str(), *kind, cell));
                }
                continue;
            }
            _ => continue,
        };
        let read = if money_col {
            value::money_in(cell).map(|v| {
                v.map(|(cents, currency)| {
                    if let Some(c) = currency {
                        note_currency(out, c);
                    }
                    cents
                })
            })
        } else {
            value::count(cell)
        };
        let v = match read {
            Ok(v) => v,
            Err(why) => {
                problem(h, cell, why);
                continue;
            }
        };
        let v = match v {
            Some(v) if v > 0 && m.negative.contains(canon) => {
                out.warnings.push(Warning::Reversal {
                    row: rowno,
                    column: h.clone(),
                    value: cell.text(),
                });
                Some(0)
            }
            Some(v) if v < 0 && (m.absolute.contains(canon) || m.negative.contains(canon)) => {
                Some(-v)
            }
            Some(v) if v < 0 => {
                problem(h, cell, Why::Negative);
                continue;
            }
            v => v,
        };
        match (u, v) {
            (Use::Field(f), Some(v)) => values.push((f.as_str(), v)),
            (_, Some(v)) => ad = Some(ad.unwrap_or(0) + v),
            _ => {}
        }
    }
    // Computed figures: a required column with nothing in it leaves the figure out.
    for (f, terms) in &layout.computed {
        let mut sum = 0i64;
        let mut complete = true;
        for (i, sign, optional, h, read) in terms {
            let cell = get(*i);
            match value::money_in(cell) {
                Ok(Some((cents, currency))) => {
                    if let Some(c) = currency {
                        note_currency(out, c);
                    }
                    sum += sign * cents;
                }
                Ok(None) => complete &= *optional,
                Err(why) => {
                    complete = false;
                    // A column read as a figure too has had its problem said.
                    if !read {
                        problem(h, cell, why);
                    }
                }
            }
        }
        if !complete {
            continue;
        }
        if sum < 0 {
            let (i, _, _, h, _) = &terms[0];
            problem(h, get(*i), Why::Negative);
            continue;
        }
        values.push((f.as_str(), sum));
    }
    let mut day = DayFigures::default();
    let mut figures = ProductFigures::default();
    for (f, v) in &values {
        match m.kind {
            Kind::Shop => day.set(f, Some(*v)),
            Kind::Products => figures.set(f, Some(*v)),
        }
    }
    if ad.is_some() {
        day.set("ad-spend", ad);
    }
    let checked = match m.kind {
        Kind::Shop => day.clone(),
        Kind::Products => figures.as_day(),
    };
    for (h, kind, cell) in checks {
        match check_rate(&checked, kind, cell) {
            Ok(None) => {}
            Ok(Some((in_file, computed))) => out.warnings.push(Warning::RateMismatch {
                row: rowno,
                column: h.to_string(),
                in_file,
                computed,
            }),
            Err(why) => problem(h, cell, why),
        }
    }
    let bad = !problems.is_empty();
    out.problems.extend(problems);
    // Only a shop export that does not add up its rows can be a report grouped by another
    // column (a product export has many rows a day; so has an ad report of plans).
    let others = if m.kind == Kind::Shop && !m.sum_same_day {
        layout
            .others
            .iter()
            .map(|i| (layout.header_of(*i).to_string(), get(*i).text()))
            .collect()
    } else {
        vec![]
    };
    Some(RowRead {
        sheet: sheet.clone(),
        row: rowno,
        date_cell: dcell.clone(),
        date_header,
        product,
        day,
        figures,
        bad,
        others,
    })
}

/// Decides how the file's `a/b/y` dates read, from the whole column: a first number above 12
/// is a day (day first), a second number above 12 is a day (month first); both in one file is
/// refused, naming one of each. With nothing to tell, `order` when the user chose one, else
/// day first when the amounts are in a currency of a market that writes the day first, else
/// month first — and a warning says which, and how to choose the other.
fn decide_dates(out: &mut Parsed, data: &[RowRead], order: DateOrder) -> Result<(), ImportError> {
    let at = |r: &RowRead| DateAt {
        sheet: r.sheet.clone(),
        row: r.row,
        value: r.date_cell.text(),
    };
    let mut day_first = None;
    let mut month_first = None;
    let mut ambiguous = false;
    for r in data {
        let Some((a, b)) = value::slash_parts(&r.date_cell) else {
            continue;
        };
        if a > 12 && b <= 12 {
            day_first.get_or_insert_with(|| at(r));
        } else if b > 12 && a <= 12 {
            month_first.get_or_insert_with(|| at(r));
        } else if a != b {
            ambiguous = true;
        }
    }
    match order {
        DateOrder::Auto => match (day_first, month_first) {
            (Some(day_first), Some(month_first)) => {
                return Err(ImportError::MixedDates {
                    day_first,
                    month_first,
                });
            }
            (Some(by), None) => {
                out.dates = Some(DatesDecided {
                    order: DateOrder::Dmy,
                    by,
                })
            }
            (None, Some(by)) => {
                out.dates = Some(DatesDecided {
                    order: DateOrder::Mdy,
                    by,
                })
            }
            (None, None) if ambiguous => {
                let currency = out
                    .currencies
                    .iter()
                    .find(|c| value::day_first_currency(c))
                    .cloned();
                let order = if currency.is_some() {
                    DateOrder::Dmy
                } else {
                    DateOrder::Mdy
                };
                out.warnings
                    .insert(0, Warning::DatesAssumed { order, currency });
            }
            (None, None) => {}
        },
        chosen => {
            if ambiguous || day_first.is_some() || month_first.is_some() {
                out.warnings.insert(0, Warning::DatesReadAs(chosen));
            }
        }
    }
    Ok(())
}

/// Where a day was first seen: its sheet, row, and the text of its columns not imported.
type Seen = (Option<String>, usize, Vec<(String, String)>);

/// Puts the rows read under their dates: a shop export's days (a day twice is an error, or
/// added up for a mapping that sums its plans), a product export's products.
fn insert_rows(
    out: &mut Parsed,
    m: &Mapping,
    data: Vec<RowRead>,
    order: DateOrder,
) -> Result<(), ImportError> {
    // Where each day was first seen: (sheet, row, the row's other columns).
    let mut first_seen: BTreeMap<NaiveDate, Seen> = BTreeMap::new();
    for r in data {
        let problem = |out: &mut Parsed, column: &str, value: String, why: Why| {
            out.problems.push(Problem {
                row: r.row,
                column: column.to_string(),
                value,
                why,
                sheet: r.sheet.clone(),
            });
        };
        if value::is_nothing(&r.date_cell) {
            continue; // reported as no date
        }
        let date = match value::date(&r.date_cell, order) {
            Ok(d) => d,
            Err(why) => {
                let why = match (value::slash_parts(&r.date_cell), order) {
                    (Some((a, b)), DateOrder::Mdy) if a > 12 && b <= 12 => Why::DayFirst,
                    (Some((a, b)), DateOrder::Dmy) if b > 12 && a <= 12 => Why::MonthFirst,
                    _ => why,
                };
                problem(out, &r.date_header, r.date_cell.text(), why);
                continue;
            }
        };
        if r.bad {
            continue;
        }
        let seen = first_seen.get(&date);
        let other_sheet = seen.is_some_and(|(s, ..)| *s != r.sheet);
        match r.product {
            Some((id, name, id_header, id_text)) => {
                if out.products.get(&date).is_some_and(|d| d.contains_key(&id)) {
                    problem(out, &id_header, id_text, Why::DuplicateProduct);
                } else {
                    out.products.entry(date).or_default().insert(
                        id,
                        ProductDay {
                            name,
                            figures: r.figures,
                        },
                    );
                    first_seen
                        .entry(date)
                        .or_insert((r.sheet.clone(), r.row, vec![]));
                }
            }
            None => match out.days.get_mut(&date) {
                Some(existing) if m.sum_same_day && !other_sheet => existing.add(&r.day),
                Some(_) => {
                    // A custom report grouped by another column repeats its days: say so
                    // instead of listing every day twice.
                    if !other_sheet
                        && let Some((_, first_row, others)) = seen
                        && let Some((column, _)) = others
                            .iter()
                            .zip(&r.others)
                            .find(|((h1, v1), (h2, v2))| {
                                h1 == h2
                                    && v1 != v2
                                    && !v2.is_empty()
                                    && !is_numeric(v1)
                                    && !is_numeric(v2)
                            })
                            .map(|(a, _)| a)
                    {
                        return Err(ImportError::Grouped {
                            column: column.clone(),
                            rows: (*first_row, r.row),
                        });
                    }
                    problem(out, &r.date_header, r.date_cell.text(), Why::DuplicateDay);
                }
                None => {
                    out.days.insert(date, r.day);
                    first_seen.insert(date, (r.sheet.clone(), r.row, r.others));
                }
            },
        }
    }
    Ok(())
}

/// A product id as text: ids are digits, which a spreadsheet may keep as a number cell
/// (`652384729301`) or as text with a stray apostrophe or spaces.
fn product_id(c: &Cell) -> String {
    if value::is_nothing(c) {
        return String::new();
    }
    c.text().trim_start_matches('\'').trim().to_string()
}

fn rate_field(r: RateKind) -> &'static str {
    match r {
        RateKind::Conversion => "conversion",
        RateKind::Aov => "aov",
        RateKind::UvValue => "uv-value",
    }
}

/// Compares a rate of the file with the one computed from the day's counts: Some((file,
/// computed)) when they differ beyond the file's rounding.
fn check_rate(
    day: &DayFigures,
    kind: RateKind,
    cell: &Cell,
) -> Result<Option<(String, String)>, Why> {
    let d = metrics::Derived::of(day);
    match kind {
        RateKind::Conversion => {
            let Some(f) = value::rate(cell)? else {
                return Ok(None);
            };
            let Some(c) = d.conversion else {
                return Ok(None);
            };
            // The file shows 0.01 % steps.
            Ok(((f - c).abs() > 0.0001 + 1e-9)
                .then(|| (format!("{:.2}%", f * 100.0), format!("{:.2}%", c * 100.0))))
        }
        RateKind::Aov | RateKind::UvValue => {
            let Some(f) = value::money_rate(cell)? else {
                return Ok(None);
            };
            let c = if kind == RateKind::Aov {
                d.avg_order_value
            } else {
                d.value_per_visitor
            };
            let Some(c) = c else { return Ok(None) };
            // The file shows cents; one cent either way is rounding.
            Ok(((f - c).abs() > 1.0 + 1e-6)
                .then(|| (format!("{:.2}", f / 100.0), format!("{:.2}", c / 100.0))))
        }
    }
}
