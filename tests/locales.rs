//! Every string key the code asks for exists in both locale files, so no message falls back or shows a key.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The keys of every locale file of `lang` (`en.yml`, `report.en.yml`, …): rust-i18n takes the locale from
/// the last dot-separated part of the file name and merges the files.
fn locale_keys(lang: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut keys = BTreeSet::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem.rsplit('.').next() != Some(lang) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        keys.extend(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(':'))
                .filter_map(|l| l.split(':').next().map(|k| k.trim().to_string()))
                .filter(|k| k != "_version"),
        );
    }
    keys
}

#[test]
fn both_languages_have_exactly_the_same_keys() {
    let (en, id) = (locale_keys("en"), locale_keys("id"));
    let only_en: Vec<_> = en.difference(&id).collect();
    let only_id: Vec<_> = id.difference(&en).collect();
    assert!(only_en.is_empty() && only_id.is_empty(), "only in en: {only_en:?}; only in id: {only_id:?}");
}

/// The literal keys passed to `t!("…")` anywhere under src/.
fn used_keys() -> BTreeSet<String> {
    fn walk(dir: &Path, keys: &mut BTreeSet<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, keys);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices("t!(") {
                    let before = text[..i].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = text[i + 3..].trim_start();
                    if let Some(rest) = rest.strip_prefix('"')
                        && let Some(end) = rest.find('"')
                    {
                        keys.insert(rest[..end].to_string());
                    }
                }
            }
        }
    }
    let mut keys = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut keys);
    keys
}

#[test]
fn every_key_used_in_the_code_exists_in_both_languages() {
    let used = used_keys();
    assert!(used.len() > 20, "found only {} keys; is the scan broken?", used.len());
    for lang in ["en", "id"] {
        let have = locale_keys(lang);
        let missing: Vec<_> = used.difference(&have).collect();
        assert!(missing.is_empty(), "missing in {lang}.yml: {missing:?}");
    }
}
