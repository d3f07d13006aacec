//! Rebuild when a message catalog or a migration is added, changed or removed: both are
//! embedded at compile time, and a new file would otherwise go unnoticed. And link the bot's
//! binary with packed relative relocations where the C library can load them.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    for dir in ["locales/en-US", "locales/zh-CN"] {
        println!("cargo:rerun-if-changed={dir}");
    }
    pack_relative_relocations();
}

/// The binary is position-independent, so every pointer in its tables (about 52,000: chrono-tz's
/// zones, the strings of every `&'static str` table) is fixed up by the loader at start from a
/// table of 24 bytes per pointer, 1.25 MB that is read whole and stays resident. Packed
/// (`DT_RELR`, `-z pack-relative-relocs`) the table is 22 KB and the idle bot 1.2–1.4 MiB
/// smaller (`cargo bench --bench run_memory`, README). glibc loads packed relocations from 2.36
/// on, and such a binary names that need (`GLIBC_ABI_DT_RELR`), so on an older system it
/// refuses to start with that name instead of misbehaving. Used only when building for the
/// machine itself on glibc 2.36 or later; `STOREOPS_PLAIN_RELOCATIONS=1` builds without it
/// (for a binary copied to an older system).
fn pack_relative_relocations() {
    println!("cargo:rerun-if-env-changed=STOREOPS_PLAIN_RELOCATIONS");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("HOST") != var("TARGET")
        || var("STOREOPS_PLAIN_RELOCATIONS") == "1"
    {
        return;
    }
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return;
    };
    // "glibc 2.36"
    let text = String::from_utf8_lossy(&out.stdout);
    let version: Vec<u32> = text
        .trim()
        .trim_start_matches("glibc ")
        .split('.')
        .map_while(|p| p.parse().ok())
        .collect();
    if out.status.success() && version.len() >= 2 && (version[0], version[1]) >= (2, 36) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
