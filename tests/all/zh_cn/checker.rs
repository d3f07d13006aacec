//! Finds English in text meant for a zh-CN reader: every Latin word that is not a name or id the
//! test typed, nor one of the few words a Chinese e-commerce team writes in Latin letters anyway
//! ([`TEAM_LATIN`]).

use std::collections::BTreeSet;

/// Words a Chinese online-store team writes in Latin letters in Chinese text, and why. Kept
/// small on purpose: everything else has a Chinese word the team uses.
pub const TEAM_LATIN: &[&str] = &[
    // ISO 4217 currency codes: money is labelled with its code in both languages, and the
    // codes are what the shops' back offices and the bank show (人民币 is CNY there too).
    "CNY",
    "USD",
    "AED",
    "GBP",
    "EUR",
    "RMB",
    // The metrics as 生意参谋 and every operations report write them: ROI (投入产出比 is
    // said "ROI"), UV and PV (访客数/浏览量 columns are headed UV/PV), GMV, SKU.
    "ROI",
    "UV",
    "PV",
    "GMV",
    "SKU",
    // ID: 商品ID, 订单ID as the platforms' exports head them.
    "ID",
    // File kinds people open: Excel/WPS workbooks, CSV, the legacy xls, calendars, pictures;
    // the text encodings as Excel's and WPS's "save as" list them; sizes.
    "Excel",
    "WPS",
    "xlsx",
    "xls",
    "csv",
    "CSV",
    "ics",
    "png",
    "UTF-8",
    "UTF-16",
    "GBK",
    "GB18030",
    "KB",
    "MB",
    "MiB",
    // The platform keys typed in `platform:` (tmall, jd, amazon, …), as the mappings name
    // them; the shop platforms' own brand names.
    "tmall",
    "tmall-items",
    "jd",
    "amazon",
    "aliexpress",
    "shopify",
    "shopify-sales",
    "shopify-sessions",
    "alimama",
    "taobao",
    "ebay",
    // A language is offered by its own name, so each reader finds theirs (中文 / English).
    "English",
    // Discord (the platform the bot lives on), the bot's own name, a link.
    "Discord",
    "storeops",
    "URL",
    // The zone the server keeps time in is an IANA name (Asia/Shanghai), shown as such.
    "UTC",
];

/// What may stand in a text besides Chinese: [`TEAM_LATIN`], the names and ids the test
/// created, and each screen's own typed values.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    words: BTreeSet<String>,
}

impl Allowed {
    /// [`TEAM_LATIN`] and `names`.
    pub fn new(names: &[&str]) -> Allowed {
        let mut a = Allowed::default();
        for w in TEAM_LATIN.iter().chain(names) {
            a.add_text(w);
        }
        a
    }

    /// Every Latin word of `text` (a value the test typed).
    pub fn add_text(&mut self, text: &str) {
        for w in tokens(text) {
            self.words.insert(w.to_lowercase());
        }
    }

    fn allows(&self, word: &str) -> bool {
        self.words.contains(&word.to_lowercase()) || is_file_name(word)
    }
}

/// File names (`tasks-2026-11-01-2026-11-30.xlsx`): attachments are named so on every platform.
fn is_file_name(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    [".xlsx", ".xls", ".csv", ".ics", ".png"]
        .iter()
        .any(|ext| lower.ends_with(ext) && lower.len() > ext.len())
}

/// Runs of ASCII letters, digits, `-`, `_` and `.` that hold a letter (trimmed of the marks at
/// their ends): `tmall-items`, `A123`, `h`, `xlsx`.
fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .map(|t| t.trim_matches(|c| matches!(c, '-' | '_' | '.')))
        .filter(|t| t.chars().any(|c| c.is_ascii_alphabetic()))
        .collect()
}

/// `text` without what is no word of the message: chat markup (`<t:…:R>`, `<@id>`, `<#id>`)
/// that the platform replaces, links, absolute file paths the shell prints, and IANA time zone
/// names.
fn without_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Chat markup.
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        match after.find('>') {
            Some(end)
                if after[1..end]
                    .chars()
                    .next()
                    .is_some_and(|c| matches!(c, 't' | '@' | '#' | ':' | 'a')) =>
            {
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    // Markdown escapes (`previous\_year`) read as the mark itself, as the reader sees it.
    let out = out.replace('\\', "");
    out.split(|c: char| c.is_whitespace() || "、，。；：（）“”".contains(c))
        .map(|w| {
            let is_link = w.contains("://");
            // An absolute path (`/tmp/x/attachments/trend.png`): two slashes at least; a
            // command (`/任务 列表`) has one.
            let is_path = w
                .trim_start_matches(|c: char| !c.is_ascii())
                .starts_with('/')
                && w.matches('/').count() >= 2;
            let is_zone = {
                let core = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/');
                core.parse::<chrono_tz::Tz>().is_ok() && core.contains('/')
            };
            // A command-line option of `storeops` (`--now`): it has only its English name.
            let is_flag = w.starts_with("--");
            if is_link || is_path || is_zone || is_flag {
                ""
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Latin words of `text` that are neither allowed nor names: what a zh-CN reader would
/// find in English.
pub fn stray_latin(text: &str, allowed: &Allowed) -> Vec<String> {
    let cleaned = without_ids(text);
    tokens(&cleaned)
        .into_iter()
        .filter(|w| !allowed.allows(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_checker_finds_english_and_lets_names_units_and_ids_pass() {
    let allowed = Allowed::new(&["alice", "A123"]);
    // Caught: an English word, an English relative time, a weekday from chrono's `%a`, an
    // English figure name, a command by its English name.
    for (text, english) in [
        ("任务 #3 已完成 done", vec!["done"]),
        ("截止：2026-11-27 18:00（in 7 h）", vec!["in", "h"]),
        ("2026-11-27 (Fri) 18:00", vec!["Fri"]),
        (
            "支付金额 30,000.00 CNY，Conversion 3.00%",
            vec!["Conversion"],
        ),
        ("用 /task list 查看", vec!["task", "list"]),
        (
            "[attachment trend.png · 20 bytes]",
            vec!["attachment", "bytes"],
        ),
    ] {
        assert_eq!(stray_latin(text, &allowed), english, "{text}");
    }
    // Passed: names and ids the test typed, currency codes, the team's abbreviations, file
    // names, markup, links, paths and time zones.
    for text in [
        "@alice 登记了投诉 #7（订单 A123）",
        "支付金额 30,000.00 CNY · 12.50 USD，ROI 1:4.00（良好），UV 4,000",
        "已保存到 /tmp/x/attachments/trend-2026-11-22.png",
        "附件 tasks-2026-11-01-2026-11-30.xlsx，Excel 或 WPS 可以打开",
        "截止 <t:1795000000:R>，提醒 <@123> 和 <@&456>，发到 <#789>",
        "详见 https://discord.com/developers/applications",
        "时区：Asia/Shanghai",
        "平台：tmall-items、jd、amazon",
        "用 /任务 列表 范围:已逾期 查看",
        "已保存：/tmp/.tmpofJP4L/attachments/任务-2026-11-01.xlsx\n例如 Asia/Shanghai、America/New_York",
        "用 --now \"2026-11-23 09:00\" 启动",
    ] {
        assert!(
            stray_latin(text, &allowed).is_empty(),
            "{text}: {:?}",
            stray_latin(text, &allowed)
        );
    }
    // A header quoted from a file, escaped for chat, is the header as written.
    let file = Allowed::new(&["Day (previous_year)"]);
    assert!(stray_latin("• Day (previous\\_year) → 上一期", &file).is_empty());
    // A name is allowed only once the test says it typed it.
    assert_eq!(stray_latin("@bob 认领了", &allowed), vec!["bob"]);
    let mut more = allowed.clone();
    more.add_text("bob");
    assert!(stray_latin("@bob 认领了", &more).is_empty());
}
