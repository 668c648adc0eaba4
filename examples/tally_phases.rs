//! Where the time of `innolab tally --format json DIR` goes, phase by phase, in one process on one core:
//! listing the files, reading them, decoding each session's view (`SessionView::decode`), counting the views
//! and writing their rows as JSON (`JsonTally`), and putting the JSON together; then the whole command as it
//! runs (all cores). `cargo run --release --example tally_phases -- DIR` (BENCHMARKS.md).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use innolab::tally::SessionView;
use innolab::tally::json::JsonTally;

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
    let (mut read, mut decode, mut count) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut tally = JsonTally::default();
    let mut bytes_read = 0;
    for file in &gathered.files {
        let t0 = Instant::now();
        let Ok(bytes) = std::fs::read(&file.path) else { continue };
        bytes_read += bytes.len();
        let t1 = Instant::now();
        let view = std::str::from_utf8(&bytes).ok().and_then(SessionView::decode);
        let t2 = Instant::now();
        if let Some(view) = view {
            tally.add_view(&file.name, &view);
        }
        let t3 = Instant::now();
        read += t1 - t0;
        decode += t2 - t1;
        count += t3 - t2;
    }
    let t4 = Instant::now();
    let mut out = Vec::new();
    if let Err(e) = tally.write(&mut out) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let written = t4.elapsed();
    let t5 = Instant::now();
    let mut whole = Vec::new();
    if let Err(e) = innolab::catalog::tally_files_json(&gathered, &mut whole) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    println!(
        "{} files ({:.1} MB): list {listed:.1?}; one core: read {read:.1?}, decode {decode:.1?}, count and write rows \
         {count:.1?}, put the JSON together ({:.1} MB) {written:.1?}; the whole tally on all cores {:.1?}",
        gathered.files.len(),
        bytes_read as f64 / 1e6,
        out.len() as f64 / 1e6,
        t5.elapsed(),
    );
    ExitCode::SUCCESS
}
