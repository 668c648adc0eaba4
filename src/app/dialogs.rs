//! The questions that go over any screen: quit although the last save failed, and what to do when
//! another program changed the session file (reload theirs and re-add this session's unsaved ideas, or
//! save this session as a new file).

use rust_i18n::t;

use super::{Effect, Lab, Mode, Overlay, Screen, State};

impl State {
    /// Ctrl-O: the conflict dialog, when another program's change stopped the saves.
    pub(super) fn open_conflict(&mut self) -> Vec<Effect> {
        if self.save.error.as_ref().is_some_and(|f| f.conflict) && self.lab.is_some() {
            if self.layers.mode() != Mode::Conflict {
                self.layers.push(Overlay::Conflict);
            }
            return vec![];
        }
        let text = t!("conflict.nothing", locale = self.lang.code()).into_owned();
        self.notify(text, false)
    }

    /// The other program's version is back from disk: this session's unsaved ideas (those above the highest
    /// id known to be in the file, or in the journal it holds) are added to it, except those it already has;
    /// it becomes the session.
    pub(super) fn reloaded(
        &mut self,
        result: Result<Box<crate::model::Session>, super::Failure>,
        journal_included: bool,
    ) -> Vec<Effect> {
        let lang = self.lang.code();
        let mut theirs = match result {
            Ok(theirs) => *theirs,
            Err(failure) => return self.notify(failure.message(self.lang), true),
        };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let saved_max_id = if journal_included {
            self.save.saved_max_id.max(self.save.journaled_max_id)
        } else {
            self.save.saved_max_id
        };
        let theirs_max = theirs.ideas.iter().map(|i| i.id).max().unwrap_or(0);
        let (mut added, mut already) = (0usize, 0usize);
        for idea in lab.session.ideas.iter().filter(|i| i.id > saved_max_id && i.is_live()) {
            let group = match theirs.group(&idea.group) {
                Some(g) => g.id.clone(),
                // The other version has no such table (renamed or removed): the first table keeps the idea.
                None => theirs.groups.first().map(|g| g.id.clone()).unwrap_or_default(),
            };
            let block = theirs.plan.find_block(&idea.block).map(|(_, b)| b.id.clone());
            let new = crate::model::NewIdea { group, block, ..crate::model::NewIdea::from_idea(idea) };
            if theirs.find_duplicate(&new).is_some() {
                already += 1;
                continue;
            }
            match theirs.add_idea(new, idea.created_at) {
                Ok(_) => added += 1,
                Err(e) => return self.notify(e.message(self.lang), true),
            }
        }
        let path = lab.path.clone();
        *lab = Lab::new(path, theirs);
        self.save.error = None;
        self.save.saved_max_id = theirs_max;
        self.save.journaled_max_id = 0;
        self.save.id_marks.clear();
        self.save.saved_generation = self.save.generation;
        self.layers.show(Screen::Agenda);
        let text = t!("conflict.reloaded", added = added, already = already, locale = lang).into_owned();
        self.notify(text, false);
        if added > 0 { self.changed() } else { vec![] }
    }

    /// This session was written to a new file, which the writer now saves to.
    pub(super) fn saved_as_new(&mut self, result: Result<std::path::PathBuf, super::Failure>) -> Vec<Effect> {
        let path = match result {
            Ok(path) => path,
            Err(failure) => return self.notify(failure.message(self.lang), true),
        };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        lab.path = path.clone();
        self.save.error = None;
        self.save.saved_max_id = lab.session.ideas.iter().map(|i| i.id).max().unwrap_or(0);
        self.save.journaled_max_id = 0;
        self.save.id_marks.clear();
        self.save.saved_generation = self.save.generation;
        self.layers.show(Screen::Agenda);
        let text = t!("conflict.saved_as", path = crate::model::text::shown(&path), locale = self.lang.code());
        self.notify(text.into_owned(), false)
    }

    /// The last save failed on the way out: the question goes over whatever is up (the help closes first).
    pub(super) fn block_quit(&mut self, failure: super::SaveFailure) -> Vec<Effect> {
        if self.layers.mode() == Mode::Help {
            self.layers.pop();
        }
        if matches!(self.layers.top(), Some(Overlay::ConfirmQuit(_))) {
            self.layers.pop();
        }
        self.layers.push(Overlay::ConfirmQuit(failure));
        vec![]
    }

    /// The failure the coach chose to quit with, taken with its question.
    pub(super) fn take_quit_blocked(&mut self) -> Option<super::SaveFailure> {
        match self.layers.top() {
            Some(Overlay::ConfirmQuit(_)) => match self.layers.pop() {
                Some(Overlay::ConfirmQuit(failure)) => Some(failure),
                _ => None,
            },
            _ => None,
        }
    }

    /// `r` or `n` in the conflict dialog: it closes, and the runtime does the rest.
    pub(super) fn answer_conflict(&mut self, effect: Effect) -> Vec<Effect> {
        if self.layers.mode() == Mode::Conflict {
            self.layers.pop();
        }
        vec![effect]
    }
}
