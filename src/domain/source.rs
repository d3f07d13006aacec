//! Where each stored figure came from, and which source may replace which.
//!
//! A source is `manual` (typed with `/data enter`), `shop:<platform>` (a shop overview export:
//! 生意参谋 店铺整体, 京东商智, Shopify, Amazon …) or `ads:<platform>` (an ad platform's own
//! report: 阿里妈妈/万相台). One precedence, per figure:
//! manual > an ad platform's report for the ad figures (`ad-spend`, `ad-sales`) > a shop
//! overview export. A source of the same rank replaces (a newer download of the same report,
//! or a correction typed again); a lower one never does, and the import preview says so.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::metrics::{DayFigures, FIELDS};

/// Typed with `/data enter`.
pub const MANUAL: &str = "manual";

/// Figure → its source, for the figures a stored day has.
pub type Sources = BTreeMap<String, String>;

/// What kind of report a mapping reads (its `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A shop overview (the shop's whole day).
    #[default]
    Shop,
    /// An ad platform's own report.
    Ads,
}

/// The source an import of `platform` writes.
pub fn of_import(role: Role, platform: &str) -> String {
    match role {
        Role::Shop => format!("shop:{platform}"),
        Role::Ads => format!("ads:{platform}"),
    }
}

/// Whether a figure is an ad figure (the ad platform's own report is its better source).
pub fn is_ad_figure(field: &str) -> bool {
    field.starts_with("ad-")
}

/// How much a source counts for a figure: manual 3, an ad platform's report 2 for the ad
/// figures (0 for the others), a shop overview 1. Rows written before sources were kept say
/// `import` (a shop overview).
pub fn rank(source: &str, field: &str) -> u8 {
    if source == MANUAL {
        3
    } else if source.starts_with("ads:") {
        if is_ad_figure(field) { 2 } else { 0 }
    } else {
        1
    }
}

/// Kind and platform of a source (`("ads", Some("alimama"))`, `("manual", None)`).
pub fn parts(source: &str) -> (&str, Option<&str>) {
    match source.split_once(':') {
        Some((k, p)) => (k, Some(p)),
        None if source == MANUAL => (MANUAL, None),
        None => ("shop", None),
    }
}

/// A figure of an import that meets one another source set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clash {
    pub field: String,
    /// The source of the stored figure.
    pub other: String,
    /// Stored value (count or cents).
    pub stored: i64,
    /// The file's value.
    pub imported: i64,
    /// The stored figure stays (it outranks the import); otherwise the import replaces it.
    pub kept: bool,
}

/// A stored day with an import merged in by precedence: the file's figures replace those of
/// a source of the same or a lower rank (and become the file's source, also where the value
/// is the same) and leave those of a higher one; figures the file does not have are kept. Returns the day, its sources and the clashes with other sources
/// (only where the values differ).
pub fn merge(
    stored: Option<&DayFigures>,
    stored_sources: &Sources,
    imported: &DayFigures,
    source: &str,
) -> (DayFigures, Sources, Vec<Clash>) {
    let mut day = stored.cloned().unwrap_or_default();
    let mut sources = stored_sources.clone();
    let mut clashes = vec![];
    for f in FIELDS {
        let Some(v) = imported.get(f) else { continue };
        let old = day.get(f);
        let old_source = sources.get(*f).map(String::as_str).unwrap_or(MANUAL);
        match old {
            Some(o) if old_source != source => {
                let kept = rank(old_source, f) > rank(source, f);
                // An equal value of a source of the same or a higher rank becomes its.
                if o != v {
                    clashes.push(Clash {
                        field: f.to_string(),
                        other: old_source.to_string(),
                        stored: o,
                        imported: v,
                        kept,
                    });
                }
                if kept {
                    continue;
                }
            }
            _ => {}
        }
        day.set(f, Some(v));
        sources.insert(f.to_string(), source.to_string());
    }
    (day, sources, clashes)
}

/// The sources of a day after `writer` wrote `new` over `old`: a figure that changed (or
/// appeared) is the writer's, one that stayed keeps its source, one that went has none.
pub fn after_write(
    old: Option<&DayFigures>,
    old_sources: &Sources,
    new: &DayFigures,
    writer: &str,
) -> Sources {
    let mut out = Sources::new();
    for f in FIELDS {
        let Some(v) = new.get(f) else { continue };
        let same = old.and_then(|o| o.get(f)) == Some(v);
        let s = match old_sources.get(*f) {
            Some(s) if same => s.clone(),
            _ => writer.to_string(),
        };
        out.insert(f.to_string(), s);
    }
    out
}
