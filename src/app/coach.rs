//! The coach's own screen (`innolab attach`) as the app sees it: whether one is attached, and whether the
//! wall still shows the coach's forms, queues and notices while it is.

use rust_i18n::t;

use super::{Effect, State};

/// What the app knows of the coach's screen; the runtime owns the socket and tells the app through actions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoachScreen {
    /// A coach screen is connected now.
    pub attached: bool,
    /// The coach asked (F2) for forms, queues and notices on the wall as well.
    pub wall_controls: bool,
}

impl CoachScreen {
    /// The wall shows only what the room is to see: forms, queues, dialogs, notices and key hints are on the
    /// coach's screen alone.
    pub fn wall_hides_controls(&self) -> bool {
        self.attached && !self.wall_controls
    }
}

impl State {
    pub(super) fn coach_attached(&mut self) -> Vec<Effect> {
        self.coach.attached = true;
        let text = t!("coach.attached", locale = self.lang.code()).into_owned();
        self.notify(text, false)
    }

    pub(super) fn coach_detached(&mut self) -> Vec<Effect> {
        // The next coach screen starts with the wall keeping to the room's view again.
        self.coach = CoachScreen::default();
        let text = t!("coach.detached", locale = self.lang.code()).into_owned();
        self.notify(text, false)
    }

    /// F2: the wall shows the coach's forms and notices too, or again only the room's view.
    pub(super) fn toggle_wall_controls(&mut self) -> Vec<Effect> {
        let key = if !self.coach.attached {
            "coach.not_attached"
        } else {
            self.coach.wall_controls = !self.coach.wall_controls;
            if self.coach.wall_controls { "coach.wall_controls_on" } else { "coach.wall_controls_off" }
        };
        let text = t!(key, locale = self.lang.code()).into_owned();
        self.notify(text, false)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::app::{Action, Mode, State, ThemeName, update};
    use crate::i18n::Lang;
    use crate::testing::{at, seed_session};

    fn state() -> State {
        let session = seed_session(at("2022-11-02T07:30:00+07:00"));
        State::with_session(
            Lang::En,
            ThemeName::Projector,
            at("2022-11-02T08:00:00+07:00"),
            PathBuf::from("lab.json"),
            session,
        )
    }

    #[test]
    fn attaching_hides_the_coachs_controls_from_the_wall_until_f2_or_detaching() {
        let mut s = state();
        assert!(!s.coach.wall_hides_controls());
        update(&mut s, Action::CoachAttached);
        assert!(s.coach.attached && s.coach.wall_hides_controls());
        assert!(s.notice.as_ref().is_some_and(|n| n.text.starts_with("Coach screen attached")));
        update(&mut s, Action::ToggleWallControls);
        assert!(!s.coach.wall_hides_controls());
        assert!(s.notice.as_ref().is_some_and(|n| n.text.starts_with("The wall shows forms")));
        update(&mut s, Action::ToggleWallControls);
        assert!(s.coach.wall_hides_controls());
        update(&mut s, Action::CoachDetached);
        assert!(!s.coach.attached && !s.coach.wall_hides_controls());
        assert!(s.notice.as_ref().is_some_and(|n| n.text.starts_with("The coach screen closed")));
    }

    #[test]
    fn f2_without_a_coach_screen_says_how_to_open_one_and_changes_nothing() {
        let mut s = state();
        let effects = update(&mut s, Action::ToggleWallControls);
        assert!(effects.is_empty());
        assert_eq!(s.coach, super::CoachScreen::default());
        assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("innolab attach")));
    }

    /// F2 is the same key in every mode, forms and the capture bar included (it types nothing).
    #[test]
    fn f2_works_in_every_mode() {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        use strum::IntoEnumIterator;
        let f2 = KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE);
        for mode in Mode::iter() {
            assert_eq!(crate::app::keymap::action_for(mode, f2), Some(Action::ToggleWallControls), "{mode:?}");
        }
    }

    /// Attaching changes nothing in the session: nothing to save, nothing in the file.
    #[test]
    fn attaching_is_not_a_change_to_the_session() {
        let mut s = state();
        let generation = s.save.generation;
        for action in [Action::CoachAttached, Action::ToggleWallControls, Action::CoachDetached] {
            update(&mut s, action);
        }
        assert_eq!(s.save.generation, generation);
    }
}
