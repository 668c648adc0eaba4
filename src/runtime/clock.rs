//! The runtime's clock: wall-clock time that advances with the monotonic clock, read once per loop turn
//! and fed to the app as an action, never read while rendering.

use std::time::{Duration, Instant};

use chrono::{DateTime, Offset, Utc};

use crate::model::Timestamp;

/// Wall-clock time that advances with the monotonic clock, so a running timer never jumps when the
/// system clock is changed; a change is detected, reported and folded in. The two time sources are
/// functions so a test can move the wall clock.
pub struct Clock {
    base_wall: DateTime<Utc>,
    base_mono: Duration,
    pub pinned: bool,
    wall: Box<dyn Fn() -> DateTime<Utc>>,
    /// Monotonic time since the clock started.
    mono: Box<dyn Fn() -> Duration>,
}

/// A difference between the wall clock and the monotonic clock bigger than this is a clock change.
const JUMP_SECS: i64 = 2;

impl Clock {
    pub fn start() -> Clock {
        let started = Instant::now();
        let mut clock = Clock::with_sources(Box::new(Utc::now), Box::new(move || started.elapsed()));
        clock.pinned = crate::clock::is_pinned();
        clock.base_wall = crate::clock::now_in(Utc.fix()).with_timezone(&Utc);
        clock
    }

    pub fn with_sources(wall: Box<dyn Fn() -> DateTime<Utc>>, mono: Box<dyn Fn() -> Duration>) -> Clock {
        Clock { base_wall: wall(), base_mono: mono(), pinned: false, wall, mono }
    }

    pub fn precise_now(&self) -> Timestamp {
        let elapsed = (self.mono)().saturating_sub(self.base_mono);
        (self.base_wall + chrono::Duration::from_std(elapsed).unwrap_or_default()).fixed_offset()
    }

    /// Now in whole seconds, as the session file stores times.
    pub fn now(&self) -> Timestamp {
        let now = self.precise_now();
        now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos()))
    }

    /// Compares with the system clock; returns the jump in seconds if it moved, and follows it.
    pub fn check_jump(&mut self) -> Option<i64> {
        if self.pinned {
            return None;
        }
        let wall = (self.wall)();
        let drift = (wall - self.precise_now().with_timezone(&Utc)).num_seconds();
        if drift.abs() > JUMP_SECS {
            self.base_wall = wall;
            self.base_mono = (self.mono)();
            return Some(drift);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{self, Action, State};
    use crate::i18n::Lang;
    use crate::ui::theme::ThemeName;
    use std::cell::Cell;
    use std::rc::Rc;

    use crate::model::Session;

    type Hand<T> = Rc<Cell<T>>;

    /// A clock whose wall and monotonic times the test moves.
    fn fake_clock(start: DateTime<Utc>) -> (Clock, Hand<DateTime<Utc>>, Hand<Duration>) {
        let wall = Rc::new(Cell::new(start));
        let mono = Rc::new(Cell::new(Duration::ZERO));
        let (w, m) = (wall.clone(), mono.clone());
        (Clock::with_sources(Box::new(move || w.get()), Box::new(move || m.get())), wall, mono)
    }

    fn advance(wall: &Cell<DateTime<Utc>>, mono: &Cell<Duration>, secs: u64) {
        wall.set(wall.get() + chrono::Duration::seconds(secs as i64));
        mono.set(mono.get() + Duration::from_secs(secs));
    }

    #[test]
    fn wall_clock_jumps_are_detected_and_the_timer_keeps_its_time() {
        let start = DateTime::parse_from_rfc3339("2022-11-03T06:00:00Z").unwrap().with_timezone(&Utc);
        let (mut clock, wall, mono) = fake_clock(start);
        let plan = crate::testing::seed_plan();
        let session = Session::new(plan, clock.now());
        let mut state = State::with_session(Lang::En, ThemeName::Projector, clock.now(), "lab.json".into(), session);
        app::update(&mut state, Action::ToggleTimer);
        let step = |clock: &mut Clock, state: &mut State| {
            if let Some(secs) = clock.check_jump() {
                app::update(state, Action::ClockJumped { secs });
            }
            app::update(state, Action::Tick(clock.now()));
            state.lab.as_ref().unwrap().timer_view(state.now).remaining
        };
        advance(&wall, &mono, 10);
        assert_eq!(clock.check_jump(), None, "a steady clock is not a jump");
        assert_eq!(step(&mut clock, &mut state), 30 * 60 - 10);
        // The system clock is set an hour forward while one second passes.
        wall.set(wall.get() + chrono::Duration::seconds(3600));
        advance(&wall, &mono, 1);
        assert_eq!(step(&mut clock, &mut state), 30 * 60 - 11);
        assert!(state.notice.as_ref().is_some_and(|n| n.text.contains("+60")));
        assert_eq!(clock.now().with_timezone(&Utc), wall.get(), "the clock follows the new wall time");
        // And two hours back.
        wall.set(wall.get() - chrono::Duration::seconds(7200));
        advance(&wall, &mono, 1);
        assert_eq!(step(&mut clock, &mut state), 30 * 60 - 12);
        assert!(state.notice.as_ref().is_some_and(|n| n.text.contains("-120")));
        // A saved deadline after the jumps still gives the same remaining time on a restart.
        let timer = state.lab.as_ref().unwrap().timer_for_current();
        assert_eq!(timer.remaining_at(clock.now()), 30 * 60 - 12);
    }

    #[test]
    fn a_pinned_clock_never_jumps() {
        let start = DateTime::parse_from_rfc3339("2022-11-03T06:00:00Z").unwrap().with_timezone(&Utc);
        let (mut clock, wall, _) = fake_clock(start);
        clock.pinned = true;
        wall.set(start + chrono::Duration::seconds(9999));
        assert_eq!(clock.check_jump(), None);
    }
}
