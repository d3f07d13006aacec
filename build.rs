//! Rebuild when a message catalog or a migration is added, changed or removed: both are
//! embedded at compile time, and a new file would otherwise go unnoticed.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    for dir in ["locales/en-US", "locales/zh-CN"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
