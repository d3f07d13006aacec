//! Column headers compared by meaning, not by bytes. The platforms rename and restyle their
//! columns between years and marketplaces — Amazon's `Sessions - Total` became
//! `Sessions – Total` (an en dash) and `Units Ordered` became `Units ordered`; a spreadsheet
//! saved on a Chinese system writes `（` and full-width letters; a no-break space slips in
//! where a space was — so a header is reduced to a [`key`] before it is compared: case,
//! every dash, every kind of space and full-width forms do not count. Words do: a renamed
//! column (`Returns` → `Sales reversals`) is a spelling its mapping lists.

/// A header reduced to what identifies it: full-width forms folded to ASCII, lower case,
/// every dash (`-` `‐` `‑` `‒` `–` `—` `―` `−` `－`) one `-`, every space (no-break, ideographic,
/// tabs) one space, no space around a dash, no BOM, quotes or spaces around it.
pub fn key(header: &str) -> String {
    let mut folded = String::with_capacity(header.len());
    for c in header.chars() {
        let c = match c {
            // Full-width ASCII (ＡＢＣ, （）, ：) and the ideographic space.
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' => '-',
            '\u{feff}' | '\u{200b}' | '\u{200e}' | '\u{200f}' => continue,
            c if c.is_whitespace() => ' ',
            c => c,
        };
        folded.extend(c.to_lowercase());
    }
    let trimmed = folded.trim_matches(|c: char| c == '"' || c == ' ');
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            ' ' if out.ends_with(' ') || out.ends_with('-') => {}
            '-' => {
                if out.ends_with(' ') {
                    out.pop();
                }
                out.push('-');
            }
            c => out.push(c),
        }
    }
    out
}

/// The suffixes a comparison export adds to the previous period's copy of every column
/// (Shopify's "compare to previous year": `Orders (previous_year)`), as [`key`]s.
const COMPARISON_SUFFIXES: &[&str] = &[
    "(previous_year)",
    "(previous_period)",
    "(previous year)",
    "(previous period)",
    "(prior year)",
    "(prior period)",
];

/// Whether a header is the previous period's copy of a column in a comparison export.
pub fn is_comparison(header: &str) -> bool {
    let k = key(header);
    COMPARISON_SUFFIXES.iter().any(|s| {
        k.strip_suffix(s)
            .is_some_and(|base| !base.trim_end().is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_of_one_header_share_a_key() {
        let k = key("Sessions - Total");
        for s in [
            "Sessions – Total",
            "Sessions — Total",
            "sessions-total",
            "SESSIONS\u{a0}–\u{a0}TOTAL",
            "\u{feff}\"Sessions  -  Total\" ",
            "Ｓｅｓｓｉｏｎｓ　－　Ｔｏｔａｌ",
        ] {
            assert_eq!(key(s), k, "{s:?}");
        }
        assert_ne!(key("Sessions – Total – B2B"), k, "B2B is another column");
        assert_eq!(key("统计日期"), "统计日期");
        assert_eq!(key("（Parent） ASIN"), key("(Parent) ASIN"));
    }

    #[test]
    fn comparison_columns_are_told_by_their_suffix() {
        assert!(is_comparison("Orders (previous_year)"));
        assert!(is_comparison("Day (previous_period)"));
        assert!(!is_comparison("Orders"));
        assert!(!is_comparison("(previous_year)"));
    }
}
