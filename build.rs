//! Rebuilds the crate when a translation catalog changes: rust-i18n reads
//! `src/i18n/locales/*.yml` at compile time but does not tell cargo about them.
fn main() {
    println!("cargo:rerun-if-changed=src/i18n/locales");
    println!("cargo:rerun-if-changed=build.rs");
}
