//! The practical limit for `innolab tally`: read every session file of the folders given and parse it with
//! bare serde_json, one file after another on one core; no validation, no tally, no output but a count.
//! Used by bench/compare.sh as the baseline: `cargo run --release --example parse_only -- DIR...`.

use std::path::PathBuf;
use std::process::ExitCode;

use innolab::model::Session;

fn main() -> ExitCode {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let mut files = Vec::new();
    for dir in &dirs {
        match innolab::catalog::session_files(dir, false) {
            Ok(found) => files.extend(found),
            Err(e) => {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let mut ideas = 0usize;
    for file in &files {
        let parsed = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice::<Session>(&bytes).map_err(|e| e.to_string()));
        match parsed {
            Ok(session) => ideas += session.ideas.len(),
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{} files, {ideas} ideas", files.len());
    ExitCode::SUCCESS
}
