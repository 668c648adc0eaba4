//! Where the time of `innolab tally --format json DIR` goes, phase by phase, in one process: listing the
//! files (each told apart by what it is on disk, and named), loading and counting them (all cores, each session dropped once counted), the pretty JSON.
//! `cargo run --release --example tally_phases -- DIR` (BENCHMARKS.md, note 3).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: tally_phases DIR");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let gathered = match innolab::catalog::gather(std::slice::from_ref(&dir)) {
        Ok(gathered) => gathered,
        Err((path, e)) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let listed = start.elapsed();
    let tally = innolab::catalog::tally_files(&gathered);
    let counted = start.elapsed();
    let json = match serde_json::to_vec_pretty(&tally) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let json_done = start.elapsed();
    println!(
        "{} files: list {:.1?}, load and count {:.1?}, JSON ({:.1} MB) {:.1?}; total {:.1?}",
        gathered.files.len(),
        listed,
        counted - listed,
        json.len() as f64 / 1e6,
        json_done - counted,
        json_done,
    );
    ExitCode::SUCCESS
}
