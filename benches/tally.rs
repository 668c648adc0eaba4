//! `Tally::of` over a year of labs: 1,000 sessions holding 100,000 ideas, and the same tally written as JSON while
//! it is counted (`tally::json`). Run: `cargo bench --bench tally`.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use innolab::tally::{SessionRef, Tally};

fn tally(c: &mut Criterion) {
    let sessions = common::year_of_labs(1_000, 100);
    let refs: Vec<SessionRef<'_>> =
        sessions.iter().enumerate().map(|(i, s)| SessionRef::new(format!("lab-{i:04}.json"), s)).collect();
    assert_eq!(sessions.iter().map(|s| s.ideas.len()).sum::<usize>(), 100_000);
    let mut group = c.benchmark_group("tally");
    group.bench_function("of/1000_sessions_100000_ideas", |b| b.iter(|| black_box(Tally::of(black_box(&refs)))));
    // What `innolab tally --format json` does per file once a session is read: count it, its rows written as
    // JSON at once (in memory here), then the whole put together.
    group.bench_function("json_written/1000_sessions_100000_ideas", |b| {
        b.iter(|| black_box(innolab::tally::json::to_vec(black_box(&refs), usize::MAX).unwrap()));
    });
    let tally = Tally::of(&refs);
    group.bench_function("to_json_pretty/1000_sessions", |b| {
        b.iter(|| black_box(serde_json::to_vec_pretty(&tally).unwrap()));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    targets = tally
}
criterion_main!(benches);
