//! What an import would change: each day and product compared with what is stored.

use super::*;
use crate::domain::source::{self, Clash, Sources};

/// What importing would do to a stored day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Nothing stored for that day.
    New,
    /// These figures would change.
    Changes(Vec<String>),
    /// Identical: nothing would be written.
    Unchanged,
}

/// A day as it would be stored: the stored figures with the file's replacing those it has.
pub fn merged(stored: Option<&DayFigures>, imported: &DayFigures) -> DayFigures {
    let mut d = stored.cloned().unwrap_or_default();
    d.merge(imported);
    d
}

/// What importing a product export would do to one day's stored products.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductStatus {
    /// Products of the file on that day.
    pub products: usize,
    /// Not stored yet.
    pub new: usize,
    /// Stored with other figures (or another name).
    pub changed: usize,
    /// Stored exactly so: nothing written.
    pub unchanged: usize,
}

/// The file and what importing it would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// The file.
    pub parsed: Parsed,
    /// Per day (a shop export).
    pub status: Vec<(NaiveDate, Status)>,
    /// Per day (a product export).
    pub products: Vec<(NaiveDate, ProductStatus)>,
    /// Figures another source set that the file would replace, or that stay because their
    /// source outranks the file's (domain/source.rs).
    #[serde(default)]
    pub clashes: Vec<(NaiveDate, Clash)>,
}

impl Preview {
    /// Whether it may be applied (no unreadable rows, at least one day).
    pub fn can_apply(&self) -> bool {
        self.parsed.problems.is_empty() && !self.parsed.is_empty()
    }

    /// Days (shop export) or product rows (product export) that would be written.
    pub fn writes(&self) -> usize {
        self.status
            .iter()
            .filter(|(_, s)| *s != Status::Unchanged)
            .count()
            + self
                .products
                .iter()
                .map(|(_, s)| s.new + s.changed)
                .sum::<usize>()
    }
}

/// Compares a parsed file with what is stored (those of its dates that exist): the shop's
/// days for a shop export, its products' days for a product export. The stored figures are
/// taken as the file's own source's; [`preview_sourced`] knows theirs.
pub fn preview(
    parsed: Parsed,
    stored: &BTreeMap<NaiveDate, DayFigures>,
    products: &Products,
) -> Preview {
    let own = parsed.source();
    let sources = stored
        .iter()
        .map(|(d, f)| {
            let s: Sources = FIELDS
                .iter()
                .filter(|x| f.get(x).is_some())
                .map(|x| (x.to_string(), own.clone()))
                .collect();
            (*d, s)
        })
        .collect();
    preview_sourced(parsed, stored, &sources, products)
}

/// [`preview`] with the source of each stored figure: a figure of a source that outranks the
/// file's is kept (and said), one of another source the file replaces is said too.
pub fn preview_sourced(
    parsed: Parsed,
    stored: &BTreeMap<NaiveDate, DayFigures>,
    sources: &BTreeMap<NaiveDate, Sources>,
    products: &Products,
) -> Preview {
    let own = parsed.source();
    let empty = Sources::new();
    let mut clashes = vec![];
    let status = parsed
        .days
        .iter()
        .map(|(date, imported)| {
            let s = match stored.get(date) {
                None => Status::New,
                Some(old) => {
                    let (new, _, c) = source::merge(
                        Some(old),
                        sources.get(date).unwrap_or(&empty),
                        imported,
                        &own,
                    );
                    clashes.extend(c.into_iter().map(|c| (*date, c)));
                    let changed: Vec<String> = FIELDS
                        .iter()
                        .filter(|f| new.get(f) != old.get(f))
                        .map(|f| f.to_string())
                        .collect();
                    if changed.is_empty() {
                        Status::Unchanged
                    } else {
                        Status::Changes(changed)
                    }
                }
            };
            (*date, s)
        })
        .collect();
    let product_status = parsed
        .products
        .iter()
        .map(|(date, rows)| {
            let mut s = ProductStatus {
                products: rows.len(),
                ..ProductStatus::default()
            };
            let old_day = products.get(date);
            for (id, imported) in rows {
                match old_day.and_then(|d| d.get(id)) {
                    None => s.new += 1,
                    Some(old) if ProductDay::merged(Some(old), imported) == *old => {
                        s.unchanged += 1
                    }
                    Some(_) => s.changed += 1,
                }
            }
            (*date, s)
        })
        .collect();
    Preview {
        parsed,
        status,
        products: product_status,
        clashes,
    }
}
