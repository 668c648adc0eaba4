//! The capture bar: pick a table, type the idea, Enter; Ctrl-E opens its details form. What is typed
//! stays in the bar between openings.

use ratatui_textarea::{Input, Key};
use rust_i18n::t;

use super::form::{self, FieldKey, FormPurpose, MAX_INPUT_CHARS};
use super::idea_form::{idea_form, refresh_author_suggestions};
use super::ideas::add_idea;
use super::{Effect, Mode, Overlay, State};
use crate::model::{NewIdea, text};

impl State {
    /// Opens the capture bar, on `table` (0-based) when given.
    pub(super) fn open_capture(&mut self, table: Option<usize>) -> Vec<Effect> {
        let mode = self.layers.mode();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        if let Some(table) = table {
            lab.capture_table = table.min(lab.session.groups.len().saturating_sub(1));
        } else if mode == Mode::Board {
            lab.capture_table = lab.selection.table;
        }
        if mode != Mode::Capture {
            self.layers.push(Overlay::Capture { table_chosen: table.is_some() });
        }
        vec![]
    }

    /// Ctrl-U: the capture bar's line, or the focused field of a form, is emptied.
    pub(super) fn clear_line(&mut self) -> Vec<Effect> {
        let mode = self.layers.mode();
        if mode == Mode::NewSession {
            return self.clear_new_session_field();
        }
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        match mode {
            Mode::Capture => lab.capture = form::text_input("", false),
            Mode::Form => {
                if let Some(form) = lab.form.as_mut() {
                    form.clear_focused();
                }
            }
            _ => {}
        }
        vec![]
    }

    /// Whether the idea being typed has its table yet (see [`Overlay::Capture`]); `chosen` sets it.
    fn capture_table_chosen(&mut self, chosen: Option<bool>) -> bool {
        match self.layers.top_mut() {
            Some(Overlay::Capture { table_chosen }) => {
                if let Some(chosen) = chosen {
                    *table_chosen = chosen;
                }
                *table_chosen
            }
            _ => true,
        }
    }

    /// A digit: on the agenda or board it opens the capture bar for that table; in an empty capture bar it
    /// picks the table; anywhere else in a text it is just a digit.
    pub(super) fn digit(&mut self, d: u8) -> Vec<Effect> {
        let tables = self.lab.as_ref().map_or(0, |lab| lab.session.groups.len());
        let table = usize::from(d).checked_sub(1).filter(|&t| t < tables);
        match (self.layers.mode(), table) {
            (Mode::Agenda | Mode::Board, Some(t)) => self.open_capture(Some(t)),
            _ => self.text(Input { key: Key::Char(char::from(b'0' + d)), ..Default::default() }),
        }
    }

    /// A key for whatever text input has the focus.
    pub(super) fn text(&mut self, input: Input) -> Vec<Effect> {
        let mode = self.layers.mode();
        let chosen = mode != Mode::Capture || self.capture_table_chosen(None);
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        match mode {
            Mode::Capture => {
                if let Key::Char(c @ '1'..='9') = input.key
                    && !input.ctrl
                    && !input.alt
                    && !chosen
                    && form::input_text(&lab.capture).is_empty()
                {
                    let table = (c as usize) - ('1' as usize);
                    if table < lab.session.groups.len() {
                        lab.capture_table = table;
                        self.capture_table_chosen(Some(true));
                        return vec![];
                    }
                }
                form::type_into(&mut lab.capture, input, false, MAX_INPUT_CHARS);
            }
            Mode::Form => {
                if let Some(form) = lab.form.as_mut() {
                    form.input(input);
                    let table_changed = form.focused_key() == Some(FieldKey::Table);
                    if table_changed {
                        refresh_author_suggestions(lab);
                    }
                }
            }
            _ => {}
        }
        vec![]
    }

    pub(super) fn paste(&mut self, pasted: &str) -> Vec<Effect> {
        let mode = self.layers.mode();
        if mode == Mode::NewSession {
            return self.paste_path(pasted);
        }
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let (cut, max) = match mode {
            Mode::Capture => (form::paste_into(&mut lab.capture, pasted, false, MAX_INPUT_CHARS), MAX_INPUT_CHARS),
            Mode::Form => match lab.form.as_mut() {
                // The limit of the field pasted into: a detail or notes field takes more than a title.
                Some(f) => (f.paste(pasted), f.focused_max_chars()),
                None => (false, MAX_INPUT_CHARS),
            },
            _ => (false, MAX_INPUT_CHARS),
        };
        if cut {
            let text = t!("notice.paste_cut", max = max, locale = self.lang.code()).into_owned();
            return self.notify(text, false);
        }
        vec![]
    }

    /// Enter in the capture bar: the idea is added with the current block, its stage and the time; the bar
    /// stays open, empty, for the next one.
    pub(super) fn capture_confirm(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let title = text::clean_line(&form::input_text(&lab.capture));
        if title.is_empty() {
            return vec![];
        }
        let Some(group) = lab.session.groups.get(lab.capture_table).map(|g| g.id.clone()) else { return vec![] };
        if let Err(e) = add_idea(lab, NewIdea { group, title, ..Default::default() }, now, None) {
            // The typed title stays in the bar: nothing is lost, and the coach reads why.
            let why = e.message(self.lang);
            return self.notify(why, true);
        }
        lab.capture = form::text_input("", false);
        // The next idea may be for another table: a digit in the empty bar picks it again.
        self.capture_table_chosen(Some(false));
        self.changed()
    }

    /// Ctrl-E in the capture bar: the details form for the idea being typed.
    pub(super) fn open_details(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        if self.layers.mode() != Mode::Capture {
            return vec![];
        }
        let new = NewIdea {
            group: lab.session.groups.get(lab.capture_table).map(|g| g.id.clone()).unwrap_or_default(),
            title: form::input_text(&lab.capture),
            ..Default::default()
        };
        lab.form = Some(idea_form(lab, FormPurpose::NewIdea, &new));
        refresh_author_suggestions(lab);
        self.layers.push(Overlay::Form);
        vec![]
    }
}
