//! Platform mappings as data: which header of an export fills which figure. The shipped ones
//! are the TOML files of `config/importers/`, embedded as defaults; a file of the same form put
//! in that folder adds (or replaces) a platform without code.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::header;
use crate::domain::metrics::{self, FIELDS};
use crate::domain::product::PRODUCT_FIELDS;

/// The shipped mappings (file name, text).
pub const DEFAULTS: &[(&str, &str)] = &[
    (
        "tmall.toml",
        include_str!("../../../config/importers/tmall.toml"),
    ),
    ("jd.toml", include_str!("../../../config/importers/jd.toml")),
    (
        "aliexpress.toml",
        include_str!("../../../config/importers/aliexpress.toml"),
    ),
    (
        "amazon.toml",
        include_str!("../../../config/importers/amazon.toml"),
    ),
    (
        "shopify-sales.toml",
        include_str!("../../../config/importers/shopify-sales.toml"),
    ),
    (
        "shopify-sessions.toml",
        include_str!("../../../config/importers/shopify-sessions.toml"),
    ),
    (
        "alimama.toml",
        include_str!("../../../config/importers/alimama.toml"),
    ),
    (
        "tmall-items.toml",
        include_str!("../../../config/importers/tmall-items.toml"),
    ),
];

/// What one row of an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The whole shop's day (店铺整体): figures go to the shop's daily figures.
    #[default]
    Shop,
    /// One product's day (商品_全部): figures are kept per product, never added to the shop's.
    Products,
}

/// A rate column that is checked against the counts, never imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateKind {
    /// Paying buyers ÷ visitors.
    Conversion,
    /// Paid amount ÷ paying buyers.
    Aov,
    /// Paid amount ÷ visitors.
    UvValue,
}

/// Another spelling of a column, and the year a platform's export was seen writing it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spelling {
    /// The header as the export writes it.
    pub name: String,
    /// The year an export with this spelling was seen.
    pub seen: u16,
}

/// A file a platform's back office also downloads that is not a daily export (Amazon's
/// Sales and Traffic by ASIN has no day column): recognised by its columns, answered with
/// what to download instead.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NotDaily {
    /// The report's name, as the platform calls it.
    pub report: String,
    /// Columns it has (all of them, by meaning).
    pub columns: Vec<String>,
    /// A message of the catalogs that says what to download instead (`amazon-by-asin`:
    /// `imp-hint-amazon-by-asin`); without one a general message names the report.
    #[serde(default)]
    pub hint: Option<String>,
}

/// One platform's export layout.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Mapping {
    /// Key (`tmall`), as `--platform` takes it.
    pub platform: String,
    /// Name shown in the preview.
    pub name: String,
    /// Shop days (default) or product days.
    #[serde(default)]
    pub kind: Kind,
    /// `shop` (default): a shop overview; `ads`: an ad platform's own report, whose ad figures
    /// outrank a shop overview's (domain/source.rs).
    #[serde(default)]
    pub role: crate::domain::source::Role,
    /// Encoding of its CSV files when not UTF-8 (`gb18030`, `gbk`).
    #[serde(default)]
    pub encoding: Option<String>,
    /// The date column (any of these names).
    pub date: Vec<String>,
    /// The product id column of a product export (any of these names).
    #[serde(default)]
    pub product_id: Vec<String>,
    /// The product name column of a product export (any of these names).
    #[serde(default)]
    pub product_name: Vec<String>,
    /// Header → figure.
    pub columns: BTreeMap<String, String>,
    /// Ad spend = the sum of these columns (those present).
    #[serde(default)]
    pub ad_spend: Vec<String>,
    /// Figures computed from several columns by their meaning (figure → ways to compute it,
    /// the first whose columns are all in the file wins). A way is a list of terms: a column
    /// (as the file writes it, signs kept: Shopify's `Discounts` are below zero), `-Column`
    /// to subtract it, `Column?` for a column that counts as 0 when the file does not have
    /// it. Shopify's paid amount = `Gross sales` + `Discounts` + `Shipping?`: what buyers paid
    /// for goods after discounts, postage included, taxes not (支付金额's meaning).
    #[serde(default)]
    pub computed: BTreeMap<String, Vec<Vec<String>>>,
    /// Rate columns, checked not imported.
    #[serde(default)]
    pub rates: BTreeMap<String, RateKind>,
    /// Columns whose negative values are taken as positive (refunds, discounts).
    #[serde(default)]
    pub absolute: Vec<String>,
    /// Columns the platform writes below zero (Shopify's `Discounts`, `Returns`): `-20.00` is
    /// 20.00 of the figure; a value above zero is a reversal (a return undone), which is no
    /// refund: the day's figure is 0 and the preview says so.
    #[serde(default)]
    pub negative: Vec<String>,
    /// The other spellings of a column (header as above → spellings): what a platform renamed
    /// it to, with the year an export was seen writing it. Case, dashes, spaces and
    /// full-width forms never need listing: headers are compared by meaning.
    #[serde(default)]
    pub spellings: BTreeMap<String, Vec<Spelling>>,
    /// Files of the platform that are not daily exports, and what to download instead.
    #[serde(default)]
    pub not_daily: Vec<NotDaily>,
    /// Known columns that are not imported.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Several rows of one day are added up (otherwise a repeated day is an error).
    #[serde(default)]
    pub sum_same_day: bool,
    /// The time zone the platform counts its days in, when it is not the shop's own (an
    /// Amazon day is a Pacific-time day): the preview says so.
    #[serde(default)]
    pub day_zone: Option<String>,
}

impl Mapping {
    /// Reads a mapping file; `source` names it in errors.
    pub fn parse(source: &str, text: &str) -> Result<Mapping, String> {
        let m: Mapping = toml::from_str(text).map_err(|e| format!("{source}: {e}"))?;
        if m.date.is_empty() {
            return Err(format!("{source}: no date column"));
        }
        let fields = match m.kind {
            Kind::Shop => FIELDS,
            Kind::Products => PRODUCT_FIELDS,
        };
        for (h, f) in &m.columns {
            if !fields.contains(&f.as_str()) {
                return Err(format!(
                    "{source}: column {h:?} maps to unknown figure {f:?} (known: {})",
                    fields.join(", ")
                ));
            }
        }
        match m.kind {
            Kind::Shop if !m.product_id.is_empty() || !m.product_name.is_empty() => {
                return Err(format!(
                    "{source}: product-id and product-name need kind = \"products\""
                ));
            }
            Kind::Products if m.product_id.is_empty() => {
                return Err(format!("{source}: kind = \"products\" needs product-id"));
            }
            Kind::Products if !m.ad_spend.is_empty() || m.sum_same_day => {
                return Err(format!(
                    "{source}: ad-spend and sum-same-day are for shop exports only"
                ));
            }
            _ => {}
        }
        for (f, ways) in &m.computed {
            if m.kind != Kind::Shop || !FIELDS.contains(&f.as_str()) || !metrics::is_money(f) {
                return Err(format!(
                    "{source}: computed {f:?} is no money figure of a shop export"
                ));
            }
            if m.columns.values().any(|x| x == f) || (f == "ad-spend" && !m.ad_spend.is_empty()) {
                return Err(format!("{source}: {f:?} both computed and mapped"));
            }
            if ways.is_empty() || ways.iter().any(|w| w.is_empty()) {
                return Err(format!("{source}: computed {f:?} needs its columns"));
            }
            let known: Vec<&str> = m.known().collect();
            for t in ways.iter().flatten() {
                let term = Term::parse(t);
                if !known.contains(&term.column) {
                    return Err(format!(
                        "{source}: computed {f:?} uses {:?}, which is no column of this mapping (list it under [columns] or ignore)",
                        term.column
                    ));
                }
            }
            if ways.iter().any(|w| Term::parse(&w[0]).optional) {
                return Err(format!(
                    "{source}: computed {f:?}: the first column of a way cannot be optional"
                ));
            }
        }
        if !m.ad_spend.is_empty() && m.columns.values().any(|f| f == "ad-spend") {
            return Err(format!("{source}: ad-spend both summed and mapped"));
        }
        let known: Vec<&str> = m.known().collect();
        // Two names of one column (商品ID, 商品id) may share a meaning when they are the same
        // kind of column; a header that would be two different columns may not.
        let mut keys: BTreeMap<String, &str> = BTreeMap::new();
        for h in &known {
            if let Some(other) = keys.insert(header::key(h), h)
                && other != *h
                && m.role(other) != m.role(h)
            {
                return Err(format!(
                    "{source}: {other:?} and {h:?} are one column (case, dashes and spaces do not count)"
                ));
            }
        }
        for (h, spellings) in &m.spellings {
            if !known.contains(&h.as_str()) {
                return Err(format!(
                    "{source}: spellings of {h:?}, which is no column of this mapping"
                ));
            }
            for s in spellings {
                if let Some(other) = keys.get(&header::key(&s.name))
                    && *other != h
                {
                    return Err(format!(
                        "{source}: spelling {:?} of {h:?} is already the column {other:?}",
                        s.name
                    ));
                }
            }
        }
        for h in m.negative.iter().chain(&m.absolute) {
            if !m.columns.contains_key(h) && !m.ad_spend.contains(h) {
                return Err(format!(
                    "{source}: {h:?} is no figure column of this mapping"
                ));
            }
        }
        if m.not_daily.iter().any(|n| n.columns.is_empty()) {
            return Err(format!("{source}: a not-daily report needs its columns"));
        }
        if let Some(z) = &m.day_zone
            && z.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(format!(
                "{source}: day-zone {z:?} is not a time zone such as \"America/Los_Angeles\""
            ));
        }
        Ok(m)
    }

    /// What a header of this mapping is for (the list that names it, and its figure).
    fn role(&self, h: &str) -> (u8, Option<&str>) {
        let h = h.to_string();
        if self.date.contains(&h) {
            (0, None)
        } else if self.product_id.contains(&h) {
            (1, None)
        } else if self.product_name.contains(&h) {
            (2, None)
        } else if let Some(f) = self.columns.get(&h) {
            (3, Some(f.as_str()))
        } else if self.ad_spend.contains(&h) {
            (4, None)
        } else if self.rates.contains_key(&h) {
            (5, None)
        } else {
            (6, None)
        }
    }

    /// Every header this mapping knows (date, figures, summed, rates, ignored).
    pub fn known(&self) -> impl Iterator<Item = &str> {
        self.date
            .iter()
            .chain(self.product_id.iter())
            .chain(self.product_name.iter())
            .chain(self.columns.keys())
            .chain(self.ad_spend.iter())
            .chain(self.rates.keys())
            .chain(self.ignore.iter())
            .map(String::as_str)
    }

    /// The column of this mapping a file's header is, by meaning: the name this mapping
    /// gives it (its date, figure, summed, rate or ignored headers, or the one a listed
    /// spelling belongs to), whatever the file's case, dashes, spaces or full-width forms.
    pub fn canonical(&self, file_header: &str) -> Option<&str> {
        let k = header::key(file_header);
        if k.is_empty() {
            return None;
        }
        self.known().find(|h| header::key(h) == k).or_else(|| {
            self.spellings
                .iter()
                .find(|(_, list)| list.iter().any(|s| header::key(&s.name) == k))
                .map(|(h, _)| h.as_str())
        })
    }

    /// A report of this platform that is not a daily export, when a header row is one.
    pub fn not_daily(&self, headers: &[String]) -> Option<&NotDaily> {
        let keys: Vec<String> = headers.iter().map(|h| header::key(h)).collect();
        self.not_daily
            .iter()
            .find(|n| n.columns.iter().all(|c| keys.contains(&header::key(c))))
    }

    /// How well a header row fits: None without its date column (or, for a product export,
    /// its product id column), else the number of its figure/summed/rate headers present; a
    /// product export's id and name count too, so a product file is never taken for a shop
    /// file that shares a few column names (支付金额, 支付买家数). Headers are compared by
    /// meaning ([`Mapping::canonical`]).
    pub fn score(&self, headers: &[String]) -> Option<usize> {
        let present: Vec<&str> = headers.iter().filter_map(|h| self.canonical(h)).collect();
        let has = |h: &str| present.contains(&h);
        if !self.date.iter().any(|d| has(d)) {
            return None;
        }
        let ids = match self.kind {
            Kind::Shop => 0,
            Kind::Products => {
                if !self.product_id.iter().any(|h| has(h)) {
                    return None;
                }
                1 + usize::from(self.product_name.iter().any(|h| has(h)))
            }
        };
        let terms: Vec<&str> = self
            .computed
            .values()
            .flatten()
            .flatten()
            .map(|t| Term::parse(t).column)
            .collect();
        let n = self
            .columns
            .keys()
            .map(String::as_str)
            .chain(self.ad_spend.iter().map(String::as_str))
            .chain(self.rates.keys().map(String::as_str))
            .chain(
                terms
                    .iter()
                    .copied()
                    .filter(|t| !self.columns.contains_key(*t)),
            )
            .collect::<std::collections::BTreeSet<&str>>()
            .into_iter()
            .filter(|h| has(h))
            .count();
        (n > 0).then_some(n + ids)
    }
}

/// One term of a computed figure: a column, added or subtracted, required or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term<'a> {
    /// The mapping's name of the column.
    pub column: &'a str,
    /// -1 to subtract it.
    pub sign: i64,
    /// Counts as 0 when the file does not have the column.
    pub optional: bool,
}

impl<'a> Term<'a> {
    /// Reads `Column`, `-Column`, `+Column`, `Column?`.
    pub fn parse(t: &'a str) -> Term<'a> {
        let t = t.trim();
        let (sign, rest) = match t.strip_prefix('-') {
            Some(r) => (-1, r),
            None => (1, t.strip_prefix('+').unwrap_or(t)),
        };
        let (optional, rest) = match rest.strip_suffix('?') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        Term {
            column: rest.trim(),
            sign,
            optional,
        }
    }
}

/// The known platforms.
#[derive(Debug, Clone, PartialEq)]
pub struct Mappings {
    /// By platform key, in load order.
    pub all: Vec<Mapping>,
}

impl Mappings {
    /// The shipped mappings.
    pub fn defaults() -> Mappings {
        let mut out = Mappings { all: vec![] };
        for (name, text) in DEFAULTS {
            // The shipped files are checked by a test; a broken one is a build bug.
            if let Ok(m) = Mapping::parse(name, text) {
                out.add(m);
            }
        }
        out
    }

    /// Adds or replaces a platform.
    pub fn add(&mut self, m: Mapping) {
        match self.all.iter_mut().find(|x| x.platform == m.platform) {
            Some(x) => *x = m,
            None => self.all.push(m),
        }
    }

    /// The defaults plus every `*.toml` of `dir` (when it exists), which add or replace
    /// platforms. A file that does not read is an error naming it.
    pub fn with_dir(dir: &Path) -> Result<Mappings, String> {
        let mut out = Self::defaults();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(out);
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            out.add(Mapping::parse(&p.display().to_string(), &text)?);
        }
        Ok(out)
    }

    /// A platform by key.
    pub fn get(&self, platform: &str) -> Option<&Mapping> {
        self.all
            .iter()
            .find(|m| m.platform.eq_ignore_ascii_case(platform.trim()))
    }

    /// The platform keys.
    pub fn keys(&self) -> Vec<&str> {
        self.all.iter().map(|m| m.platform.as_str()).collect()
    }
}
