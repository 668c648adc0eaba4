//! Where opening a large session goes (issue 14: the first frame at 100,000 ideas): reading the file, checking
//! it is text, decoding, making the text inert, checking the invariants, and building the board's index, each
//! timed alone. `cargo run --release --example load_phases -- FILE [ROUNDS]`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use innolab::model::Session;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: load_phases FILE [ROUNDS]");
        return ExitCode::FAILURE;
    };
    let rounds: usize = args.next().and_then(|r| r.to_str()?.parse().ok()).unwrap_or(5);
    let mut phases: Vec<(&str, Vec<f64>)> = Vec::new();
    let mut note = |name: &'static str, started: Instant| {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match phases.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(ms),
            None => phases.push((name, vec![ms])),
        }
    };
    for _ in 0..rounds {
        let t = Instant::now();
        let bytes = std::fs::read(&path).unwrap_or_default();
        note("read", t);
        let t = Instant::now();
        let Ok(text) = innolab::store::file_text(&path, &bytes) else {
            eprintln!("{}: not text", path.display());
            return ExitCode::FAILURE;
        };
        note("text", t);
        let t = Instant::now();
        let parsed = serde_json::from_str::<Session>(text);
        note("serde_json::from_str", t);
        let Ok(mut session) = parsed else {
            eprintln!("{}: does not decode", path.display());
            return ExitCode::FAILURE;
        };
        let t = Instant::now();
        session.make_inert();
        note("make_inert", t);
        let t = Instant::now();
        let problems = innolab::model::validate::session_problems(&session);
        note("session_problems", t);
        assert!(problems.is_empty());
        let t = Instant::now();
        let index = innolab::app::IdeaIndex::build(&session);
        note("IdeaIndex::build", t);
        assert!(index.live <= session.ideas.len());
        let t = Instant::now();
        let loaded = innolab::store::decode_session(&path, &bytes);
        note("store::decode_session (all of the above but the index)", t);
        assert!(loaded.is_ok());
        let t = Instant::now();
        drop(loaded);
        drop(session);
        note("drop", t);
    }
    for (name, mut ms) in phases {
        ms.sort_by(f64::total_cmp);
        println!("{:>8.1} ms  {name}", ms[ms.len() / 2]);
    }
    ExitCode::SUCCESS
}
