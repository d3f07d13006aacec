//! The rules of the house (issue #15), checked on the source tree itself: no file of `src/`
//! over 900 lines, and layers that import downward only, as the README's "How it is built"
//! says: `domain` and `message` ← `store` ← `app` ← `outbox`, `adapters` ← `main`.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 50, "found only {} files", files.len());
    files
}

#[test]
fn no_source_file_is_over_900_lines() {
    let long: Vec<String> = src_files()
        .into_iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(&p).expect("read").lines().count();
            (n > 900).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}

/// The modules a layer may not name (`crate::<module>`), whatever the form of the path.
const ABOVE: &[(&str, &[&str])] = &[
    ("domain", &["store", "message", "app", "outbox", "adapters"]),
    ("message", &["domain", "store", "app", "outbox", "adapters"]),
    ("store", &["app", "outbox", "adapters"]),
    ("app", &["outbox", "adapters"]),
    ("outbox", &["adapters"]),
];

#[test]
fn layers_import_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for path in src_files() {
        let rel = path.strip_prefix(&src).expect("under src");
        let layer = rel.components().next().and_then(|c| c.as_os_str().to_str());
        let Some((_, banned)) = ABOVE
            .iter()
            .find(|(l, _)| layer == Some(*l) || layer == Some(&format!("{l}.rs")[..]))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("read");
        for (n, line) in text.lines().enumerate() {
            for b in *banned {
                if line.contains(&format!("crate::{b}::")) || line.contains(&format!("crate::{b};"))
                {
                    wrong.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run up the layers:\n{}",
        wrong.join("\n")
    );
}
