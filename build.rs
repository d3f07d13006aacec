//! Rebuild when a message catalog is added, changed or removed: the catalogs are embedded at
//! compile time, and a new .ftl file would otherwise go unnoticed.

fn main() {
    println!("cargo:rerun-if-changed=locales");
    for dir in ["locales/en-US", "locales/zh-CN"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
