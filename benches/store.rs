//! The session file: save (serialise + write; the durable save with its fsyncs apart) and load (parse +
//! validate) at 100, 1,000 and 10,000 ideas, each beside bare serde_json on the same session.
//! Run: `cargo bench --bench store`.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use innolab::model::Session;
use innolab::store;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// The bytes as a save writes them, without going through the store: bare pretty JSON and the final newline.
fn bare_bytes(session: &Session) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(session).unwrap();
    bytes.push(b'\n');
    bytes
}

/// A plain write, no fsync: what serialisation is compared with "plus the write".
fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

fn save(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    let mut group = c.benchmark_group("save");
    for &n in &SIZES {
        let session = common::session(n, common::day_one(), 11);
        assert_eq!(store::encode(&path, &session).unwrap(), bare_bytes(&session));
        group.bench_with_input(BenchmarkId::new("bare_to_vec_pretty", n), &session, |b, s| {
            b.iter(|| black_box(bare_bytes(s)));
        });
        group.bench_with_input(BenchmarkId::new("store_encode", n), &session, |b, s| {
            b.iter(|| black_box(store::encode(&path, s).unwrap()));
        });
        group.bench_with_input(BenchmarkId::new("bare_to_vec_pretty+write", n), &session, |b, s| {
            b.iter(|| write(&path, &bare_bytes(s)));
        });
        group.bench_with_input(BenchmarkId::new("store_encode+write", n), &session, |b, s| {
            b.iter(|| write(&path, &store::encode(&path, s).unwrap()));
        });
        // What the TUI does on its own thread before handing a save to the writer (src/tui.rs).
        group.bench_with_input(BenchmarkId::new("session_clone", n), &session, |b, s| {
            b.iter(|| black_box(s.clone()));
        });
        // The real save: temp file, fsync, rename, fsync the folder. Dominated by the disk, so apart.
        group.bench_with_input(BenchmarkId::new("store_save_fsync", n), &session, |b, s| {
            b.iter(|| store::save(&path, s).unwrap());
        });
    }
    group.finish();
}

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    let mut group = c.benchmark_group("load");
    for &n in &SIZES {
        let session = common::session(n, common::day_one(), 11);
        let bytes = store::encode(&path, &session).unwrap();
        write(&path, &bytes);
        assert_eq!(store::decode_session(&path, &bytes).unwrap(), session);
        group.bench_with_input(BenchmarkId::new("bare_from_slice", n), &bytes, |b, bytes| {
            b.iter(|| black_box(serde_json::from_slice::<Session>(bytes).unwrap()));
        });
        group.bench_with_input(BenchmarkId::new("store_decode_session", n), &bytes, |b, bytes| {
            b.iter(|| black_box(store::decode_session(&path, bytes).unwrap()));
        });
        group.bench_function(BenchmarkId::new("bare_read+from_slice", n), |b| {
            b.iter(|| black_box(serde_json::from_slice::<Session>(&std::fs::read(&path).unwrap()).unwrap()));
        });
        group.bench_function(BenchmarkId::new("store_load", n), |b| {
            b.iter(|| black_box(store::load(&path).unwrap()));
        });
    }
    group.finish();
}

/// The writer's work for one captured idea (issue 14), at 100, 10,000 and 100,000 ideas: the whole session
/// written durably (as before the journal, and still at compaction) beside one journal line (the record
/// encoded on the UI thread, then appended and fdatasync'ed by the writer), which should not grow.
fn capture_write(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.json");
    let mut group = c.benchmark_group("capture_write");
    group.sample_size(10);
    for n in [100, 10_000, 100_000] {
        let session = common::session(n, common::day_one(), 11);
        store::save(&path, &session).unwrap();
        let base = store::journal::base_of(store::content_hash(&std::fs::read(&path).unwrap()));
        let newest = session.ideas.last().unwrap().id;
        group.bench_with_input(BenchmarkId::new("whole_file", n), &session, |b, s| {
            b.iter(|| store::save(&path, s).unwrap());
        });
        let line = store::journal::Record::of(&session, &innolab::model::Changed::ideas(&[newest])).encode();
        store::journal::start(&path, &base, &line).unwrap();
        group.bench_with_input(BenchmarkId::new("journal_line", n), &session, |b, s| {
            b.iter(|| {
                let line = store::journal::Record::of(s, &innolab::model::Changed::ideas(&[newest])).encode();
                store::journal::append(&path, &line).unwrap();
            });
        });
        group.bench_with_input(BenchmarkId::new("journal_record_on_ui_thread", n), &session, |b, s| {
            b.iter(|| black_box(store::journal::Record::of(s, &innolab::model::Changed::ideas(&[newest])).encode()));
        });
        store::journal::retire(&path);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = save, load, capture_write
}
criterion_main!(benches);
