//! Frames and keystrokes: each main screen drawn into a 200x60 TestBackend at 100 to 100,000 ideas, and one
//! capture keystroke (key event → keymap → update → frame) with 10,000 ideas. Run: `cargo bench --bench render`.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innolab::app::{self, Action, Mode, Overlay, Screen, State, keymap};
use innolab::i18n::Lang;
use innolab::ui::{self, theme::ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [usize; 4] = [100, 1_000, 10_000, 100_000];
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

/// A session of `ideas` ideas open on the "curah ide" group-work block, its timer running.
fn state(ideas: usize) -> State {
    let session = common::session(ideas, common::day_one(), 7);
    let mut state = State::with_session(
        Lang::En,
        ThemeName::Projector,
        innolab::testing::at(common::NOW),
        PathBuf::from("lab.json"),
        session,
    );
    let now = state.now;
    state.now = now - chrono::Duration::seconds(300);
    app::update(&mut state, Action::ToggleTimer);
    state.now = now;
    state.save.saved_generation = state.save.generation;
    state.size = (WIDTH, HEIGHT);
    state
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap()
}

fn frame(terminal: &mut Terminal<TestBackend>, state: &State) {
    terminal.draw(|frame| ui::view(state, frame)).unwrap();
}

/// Board (the group-work block with its idea board), overview and tally screen, at every size; and the
/// trash (about 8% of the ideas are deleted) and a plenary block (one table's ideas), which list ideas.
fn screens(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for &n in &SIZES {
        let mut state = state(n);
        let screens = [
            ("board", Screen::Agenda, None, "d2-curah-ide"),
            ("overview", Screen::Overview { cursor: 0 }, None, "d2-curah-ide"),
            ("tally", Screen::Tally { scroll: 0 }, None, "d2-curah-ide"),
            ("trash", Screen::Agenda, Some(Overlay::Trash { cursor: 0 }), "d2-curah-ide"),
            ("plenary", Screen::Agenda, None, "d2-presentasi-ide"),
        ];
        for (name, screen, overlay, block) in screens {
            state.layers.show(screen);
            state.layers.overlays.extend(overlay);
            state.lab.as_mut().unwrap().session.progress.block = block.into();
            // What `update` does on the way into a screen (the tally screen's counts), not part of a frame.
            state.sync_derived();
            let mut terminal = terminal();
            group.bench_with_input(BenchmarkId::new(name, n), &state, |b, state| {
                b.iter(|| frame(&mut terminal, black_box(state)));
            });
        }
    }
    group.finish();
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Key event → action → update → frame, as the event loop does it.
fn press(terminal: &mut Terminal<TestBackend>, state: &mut State, event: KeyEvent) {
    if let Some(action) = keymap::action_for(state.mode(), event) {
        black_box(app::update(state, action));
    }
    frame(terminal, state);
}

/// One capture keystroke: typing a letter into the capture bar with 10,000 ideas, and the Enter that
/// captures the typed idea at 100, 10,000 and 100,000. Only the keystroke and its frame are timed; the letter
/// is taken back, and the captured idea removed again, between iterations.
fn keystroke(c: &mut Criterion) {
    let mut group = c.benchmark_group("keystroke");
    let n = 10_000;
    let mut state = state(n);
    let mut terminal = terminal();
    press(&mut terminal, &mut state, key(KeyCode::Char('a')));
    assert_eq!(state.mode(), Mode::Capture);
    frame(&mut terminal, &state);

    group.bench_function(BenchmarkId::new("type_letter", n), |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                press(&mut terminal, &mut state, key(KeyCode::Char('x')));
                timed += start.elapsed();
                press(&mut terminal, &mut state, key(KeyCode::Backspace));
            }
            timed
        });
    });

    // The Enter that captures, at 100, 10,000 and 100,000 ideas: a capture should cost the same whatever the
    // session's size (issue 14: the index is counted on, not rebuilt).
    for n in [100, 10_000, 100_000] {
        let mut state = self::state(n);
        let mut terminal = self::terminal();
        if state.mode() != Mode::Capture {
            press(&mut terminal, &mut state, key(KeyCode::Char('a')));
        }
        group.bench_function(BenchmarkId::new("enter_captures_idea", n), |b| {
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    for c in "Antrean online".chars() {
                        press(&mut terminal, &mut state, key(KeyCode::Char(c)));
                    }
                    let start = Instant::now();
                    press(&mut terminal, &mut state, key(KeyCode::Enter));
                    timed += start.elapsed();
                    // Back to n ideas, untimed, so every iteration captures into the same session.
                    let lab = state.lab.as_mut().unwrap();
                    lab.session.ideas.pop();
                    lab.history.undo.pop();
                    lab.reindex();
                }
                assert_eq!(state.lab.as_ref().unwrap().session.ideas.len(), n);
                timed
            });
        });
    }
    group.finish();
}

/// What every change to the ideas costs before its frame: rebuilding the board's index of live ideas.
fn reindex(c: &mut Criterion) {
    let mut group = c.benchmark_group("reindex");
    for n in [10_000, 100_000] {
        let session = common::session(n, common::day_one(), 7);
        group.bench_with_input(BenchmarkId::new("idea_index_build", n), &session, |b, s| {
            b.iter(|| black_box(app::IdeaIndex::build(black_box(s))));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = screens, keystroke, reindex
}
criterion_main!(benches);
