//! The arrows between the parts of src/ (README "How it is built"): read from every `crate::` path in the
//! code, so a forbidden import fails here, named with its file and line, before it grows into a cycle.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// Parts a part must never use: (part, forbidden parts, why).
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "model",
        &["app", "ui", "runtime", "cli", "ops", "store", "tally", "export", "import", "catalog", "help", "formats"],
        "the domain knows nothing of the app (only its own words, `i18n`)",
    ),
    ("tally", &["export", "app", "ui", "runtime", "cli", "ops", "store", "import", "catalog"], "tally only counts"),
    ("export", &["app", "ui", "runtime", "cli", "ops"], "rendering serves every front end alike"),
    ("import", &["app", "ui", "runtime", "cli", "ops", "export"], "importing serves every front end alike"),
    ("store", &["app", "ui", "runtime", "cli", "ops", "tally", "export", "import"], "the file knows nothing above it"),
    ("app", &["ui", "runtime", "cli"], "state and update never draw, never run the loop"),
    ("ui", &["store", "export", "import", "cli", "ops", "runtime", "catalog"], "drawing never touches files"),
    ("runtime", &["cli"], "the runtime calls the use cases (`ops`), not the command line"),
    ("ops", &["cli", "runtime", "app", "ui"], "use cases serve every front end alike"),
    (
        "room",
        &["app", "ui", "runtime", "cli", "ops", "store", "tally", "export", "import", "catalog"],
        "the phones' server only serves pages and hands what phones send to the runtime",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The part a file of src/ belongs to: its top folder or file name (`src/app/update.rs` → `app`).
fn part_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// Every part a line names as `crate::PART` (in a `use` or inline), comments left out.
fn parts_named(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            found.push(name);
        }
        rest = after;
    }
    // `use crate::{a, b::c}` names several parts at once.
    if let Some(group) = code.split("crate::{").nth(1) {
        for item in group.split(',') {
            let name: String = item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn no_part_of_src_uses_a_part_it_must_not() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    for file in &files {
        let part = part_of(&src, file);
        let Some((_, forbidden, why)) = FORBIDDEN.iter().find(|(p, ..)| *p == part) else { continue };
        let text = fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for named in parts_named(line) {
                if forbidden.contains(&named.as_str()) {
                    let rel = file.strip_prefix(&src).unwrap().display();
                    broken.push(format!("src/{rel}:{}: {part} uses {named} ({why}): {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "forbidden imports:\n{}", broken.join("\n"));
}

#[test]
fn the_reader_of_the_arrows_sees_every_form_of_import() {
    assert_eq!(parts_named("use crate::export::markdown::escape_cell;"), ["export"]);
    assert_eq!(parts_named("    let x = crate::ui::theme::ThemeName::Projector; // crate::cli"), ["ui"]);
    assert_eq!(parts_named("use crate::{app, model::Idea};"), ["app", "model"]);
    assert!(parts_named("// use crate::ui;").is_empty());
}

/// The use cases return what they did (typed) and the command line prints it: `ops` writes to no stream,
/// so the TUI, the room server and the coach screen can use them alike.
#[test]
fn the_use_cases_print_nothing() {
    let ops = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops.rs")).unwrap();
    for (n, line) in ops.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for printing in
            ["writeln!(", "write!(", "print!(", "println!(", "eprintln!(", "dyn Write", "stdout()", "stderr()"]
        {
            assert!(!code.contains(printing), "src/ops.rs:{}: a use case prints ({printing}): {}", n + 1, line.trim());
        }
    }
}
