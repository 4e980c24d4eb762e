//! Rebuilds the crate when a translation catalog changes: rust-i18n reads
//! `src/i18n/locales/*.yml` at compile time but does not tell cargo about them. A key written
//! twice (or a language twice under one key) would silently keep only the last, so the build
//! stops and names it. It also rebuilds the crate when a migration is added: `embed_migrations!`
//! reads the folders under `migrations/`, which cargo does not watch either.
// A build script reports by stopping the build.
#![allow(clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

fn main() {
    println!("cargo:rerun-if-changed=src/i18n/locales");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=migrations/sqlite");
    println!("cargo:rerun-if-changed=migrations/postgres");
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut files: Vec<_> = std::fs::read_dir("src/i18n/locales")
        .expect("src/i18n/locales")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a catalog file");
        let file = path.display().to_string();
        // Without it rust-i18n reads the file as another layout and finds none of its keys.
        if !text.starts_with("_version: 2") {
            panic!("{file} must begin with `_version: 2`");
        }
        let mut key = String::new();
        let mut languages: Vec<String> = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let at = format!("{file}:{}", number + 1);
            if !line.starts_with([' ', '#']) && line.trim_end().ends_with(':') {
                key = line.trim_end().trim_end_matches(':').to_string();
                languages.clear();
                if let Some(first) = seen.insert(key.clone(), at.clone()) {
                    panic!("the catalog key {key} is written twice: {first} and {at}");
                }
            } else if let Some((language, _)) = line.trim_start().split_once(':') {
                if line.starts_with(' ') && !key.is_empty() {
                    if languages.iter().any(|l| l == language) {
                        panic!("{key} has {language} twice ({at})");
                    }
                    languages.push(language.to_string());
                }
            }
        }
    }
}
