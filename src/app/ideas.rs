//! Capturing ideas and changing them without loss: the capture bar, the board selection, edit, move,
//! flagship, delete (a tombstone), the trash, and undo/redo over every one of those changes.

use ratatui_textarea::{Input, Key};
use rust_i18n::t;

use super::form::{self, Field, FieldKey, Form, FormPurpose, MAX_INPUT_CHARS, Suggestion};
use super::{Change, Effect, FlagshipMove, Lab, Mode, Overlay, Screen, State, UNDO_DEPTH};
use crate::i18n::Lang;
use crate::model::{FlagshipConflict, Form as IdeaForm, Idea, IdsExhausted, NewIdea, text};

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
            self.layers.push(Overlay::Capture);
        }
        vec![]
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
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        match mode {
            Mode::Capture => {
                if let Key::Char(c @ '1'..='9') = input.key
                    && !input.ctrl
                    && !input.alt
                    && form::input_text(&lab.capture).is_empty()
                {
                    let table = (c as usize) - ('1' as usize);
                    if table < lab.session.groups.len() {
                        lab.capture_table = table;
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
        if mode == Mode::PlanPath {
            return self.paste_path(pasted);
        }
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let cut = match mode {
            Mode::Capture => form::paste_into(&mut lab.capture, pasted, false, MAX_INPUT_CHARS),
            Mode::Form => lab.form.as_mut().is_some_and(|f| f.paste(pasted)),
            _ => false,
        };
        if cut {
            let text = t!("notice.paste_cut", max = MAX_INPUT_CHARS, locale = self.lang.code()).into_owned();
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
            return self.notify(e.to_string(), true);
        }
        lab.capture = form::text_input("", false);
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

    pub(super) fn open_board(&mut self) -> Vec<Effect> {
        if let Some(lab) = self.lab.as_mut() {
            lab.reindex();
            self.layers.show(Screen::Board);
        }
        vec![]
    }

    /// Moves the board selection: left/right between tables, up/down within one (newest first).
    pub(super) fn move_selection(&mut self, dx: isize, dy: isize) {
        let Some(lab) = self.lab.as_mut() else { return };
        let tables = lab.session.groups.len().max(1) as isize;
        if dx != 0 {
            lab.selection.table = (lab.selection.table as isize + dx).rem_euclid(tables) as usize;
        }
        let rows = lab.index.per_group.get(lab.selection.table).map_or(0, Vec::len);
        lab.selection.row = lab.selection.row.saturating_add_signed(dy).min(rows.saturating_sub(1));
    }

    pub(super) fn edit_selected(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(idea) = lab.selected_idea().and_then(|id| lab.session.idea(id)).cloned() else { return vec![] };
        let new = NewIdea {
            group: idea.group.clone(),
            title: idea.title.clone(),
            agency: idea.agency.clone(),
            author: idea.author.clone(),
            detail: idea.detail.clone(),
            form: idea.form,
            digital: idea.digital,
            flagship: idea.flagship,
            stage: None,
            block: None,
        };
        lab.form = Some(idea_form(lab, FormPurpose::EditIdea(idea.id), &new));
        self.layers.push(Overlay::Form);
        refresh_author_suggestions(lab);
        vec![]
    }

    pub(super) fn move_selected(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(idea) = lab.selected_idea().and_then(|id| lab.session.idea(id)) else { return vec![] };
        let current = lab.session.groups.iter().position(|g| g.id == idea.group).unwrap_or(0);
        let tables = lab.session.groups.iter().map(|g| g.name.clone()).collect();
        let field = Field::choice(FieldKey::Table, tables, (current + 1) % lab.session.groups.len().max(1), false);
        lab.form = Some(Form::new(FormPurpose::MoveIdea(idea.id), vec![field]));
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// `f` on the board: takes the star off a flagship, or makes the idea its agency's flagship. One Agency,
    /// One Innovation: a flagship needs an agency, and when the agency has one already the coach is asked
    /// before the star moves.
    pub(super) fn toggle_flagship(&mut self) -> Vec<Effect> {
        let lang = self.lang;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(idea) = lab.selected_idea().and_then(|id| lab.session.idea(id)).cloned() else { return vec![] };
        if idea.flagship {
            return self.change_selected(|idea| idea.flagship = false);
        }
        let candidate = Idea { flagship: true, ..idea.clone() };
        match lab.session.flagship_conflict(&candidate) {
            None => self.change_selected(|idea| idea.flagship = true),
            Some(FlagshipConflict::NoAgency) => {
                let text = t!("flagship.no_agency", id = idea.id, locale = lang.code()).into_owned();
                self.notify(text, true)
            }
            Some(FlagshipConflict::Taken { agency, holder }) => {
                self.layers.push(Overlay::ConfirmFlagship(FlagshipMove { to: idea.id, from: holder, agency }));
                vec![]
            }
        }
    }

    /// Enter on "move the star?": the agency's flagship loses the star and the selected idea gets it, in one
    /// undoable step.
    pub(super) fn confirm_flagship_move(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(Overlay::ConfirmFlagship(pending)) = self.layers.pop() else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let (Some(to), Some(from)) = (lab.session.idea(pending.to).cloned(), lab.session.idea(pending.from).cloned())
        else {
            return vec![];
        };
        let change =
            Change::one(to.clone(), Idea { flagship: true, ..to }).and(from.clone(), Idea { flagship: false, ..from });
        record(lab, change, now);
        self.changed()
    }

    /// Esc on "move the star?": nothing changes.
    pub(super) fn keep_flagship(&mut self) -> Vec<Effect> {
        vec![]
    }

    pub(super) fn delete_selected(&mut self) -> Vec<Effect> {
        let effects = self.change_selected(|idea| idea.deleted = true);
        if !effects.is_empty() {
            let text = t!("notice.deleted", locale = self.lang.code()).into_owned();
            self.notify(text, false);
        }
        effects
    }

    fn change_selected(&mut self, change: impl FnOnce(&mut Idea)) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(before) = lab.selected_idea().and_then(|id| lab.session.idea(id)).cloned() else { return vec![] };
        let mut after = before.clone();
        change(&mut after);
        record(lab, Change::one(before, after), now);
        self.changed()
    }

    pub(super) fn undo(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(change) = lab.history.undo.pop() else {
            let text = t!("notice.nothing_to_undo", locale = self.lang.code()).into_owned();
            return self.notify(text, false);
        };
        put(lab, &change.before, now);
        lab.history.redo.push(change);
        self.changed()
    }

    pub(super) fn redo(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(change) = lab.history.redo.pop() else {
            let text = t!("notice.nothing_to_redo", locale = self.lang.code()).into_owned();
            return self.notify(text, false);
        };
        put(lab, &change.after, now);
        lab.history.undo.push(change);
        self.changed()
    }

    pub(super) fn open_trash(&mut self) -> Vec<Effect> {
        if self.lab.is_some() && self.layers.mode() != Mode::Trash {
            self.layers.push(Overlay::Trash { cursor: 0 });
        }
        vec![]
    }

    /// Restores the idea under the trash cursor (an undoable change like any other).
    pub(super) fn restore_selected(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(Overlay::Trash { cursor }) = self.layers.top_mut() else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(before) = lab.trash().get(*cursor).map(|i| (*i).clone()) else { return vec![] };
        let after = Idea { deleted: false, ..before.clone() };
        record(lab, Change::one(before, after), now);
        *cursor = (*cursor).min(lab.trash().len().saturating_sub(1));
        self.changed()
    }

    pub(super) fn trash_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let n = lab.index.trash.len();
        if let Some(Overlay::Trash { cursor }) = self.layers.top_mut() {
            *cursor = cursor.saturating_add_signed(dy).min(n.saturating_sub(1));
        }
        vec![]
    }

    pub(super) fn step_field(&mut self, delta: isize) -> Vec<Effect> {
        if let Some(form) = self.lab.as_mut().and_then(|lab| lab.form.as_mut()) {
            form.focus_next(delta);
        }
        vec![]
    }

    /// PgUp/PgDn on the author field fills in a member of the table, and their agency when the agency is
    /// empty or was filled the same way.
    pub(super) fn cycle_suggestion(&mut self, delta: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(form) = lab.form.as_mut() else { return vec![] };
        let focused = form.focused_key();
        let previous_author = form.text(FieldKey::Author);
        let Some(chosen) = form.cycle_suggestion(delta) else { return vec![] };
        if focused == Some(FieldKey::Author) {
            let group = form_group(lab);
            let agency_of = |name: &str| lab.session.member_named(&group, name).and_then(|m| m.agency.clone());
            let Some(form) = lab.form.as_ref() else { return vec![] };
            let agency = form.text(FieldKey::Agency);
            let was_default = agency.is_empty() || agency_of(&previous_author).as_deref() == Some(agency.as_str());
            if was_default
                && let Some(new_agency) = agency_of(&chosen)
                && let Some(form) = lab.form.as_mut()
            {
                form.set_text(FieldKey::Agency, &new_agency);
            }
        }
        vec![]
    }

    /// Enter in a form: applies it, or says why not and keeps it open.
    pub(super) fn form_confirm(&mut self) -> Vec<Effect> {
        let now = self.now;
        let lang = self.lang;
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(form) = lab.form.clone() else { return vec![] };
        let result = match form.purpose {
            FormPurpose::NewIdea => apply_new_idea(lab, &form, now, lang),
            FormPurpose::EditIdea(id) => apply_edit(lab, &form, id, now, lang),
            FormPurpose::MoveIdea(id) => {
                let group = lab.session.groups.get(form.choice(FieldKey::Table)).map(|g| g.id.clone());
                match (lab.session.idea(id).cloned(), group) {
                    (Some(before), Some(group)) if before.group != group => {
                        let after = Idea { group, ..before.clone() };
                        record(lab, Change::one(before, after), now);
                        select_idea(lab, id);
                        Ok(true)
                    }
                    _ => Ok(false),
                }
            }
            FormPurpose::NewTable
            | FormPurpose::RenameTable(_)
            | FormPurpose::NewMember(_)
            | FormPurpose::EditMember(..) => super::setup::apply_form(lab, &form, lang),
        };
        match result {
            Ok(changed) => {
                lab.form = None;
                if self.layers.mode() == Mode::Form {
                    self.layers.pop();
                }
                if changed && form.purpose == FormPurpose::NewTable {
                    self.select_new_table();
                }
                if changed { self.changed() } else { vec![] }
            }
            Err(message) => {
                if let Some(form) = lab.form.as_mut() {
                    form.error = Some(message);
                }
                vec![]
            }
        }
    }
}

/// Adds an idea as an undoable change (with `also`, the change of another idea in the same step: the old
/// flagship losing its star), highlights it, and keeps the board's selection on it.
fn add_idea(
    lab: &mut Lab,
    new: NewIdea,
    now: crate::model::Timestamp,
    also: Option<(Idea, Idea)>,
) -> Result<u64, IdsExhausted> {
    let id = lab.session.add_idea(new, now.with_timezone(&lab.offset()))?;
    if let Some(after) = lab.session.idea(id).cloned() {
        let before = Idea { deleted: true, ..after.clone() };
        let mut change = Change::one(before, after);
        if let Some((before, after)) = also {
            put(lab, std::slice::from_ref(&after), now);
            change = change.and(before, after);
        }
        push_history(lab, change);
    }
    lab.last_added = Some((id, now));
    lab.reindex();
    Ok(id)
}

/// Puts the board's selection on idea `id` (after a move, it follows the idea to its new table).
fn select_idea(lab: &mut Lab, id: u64) {
    for (table, rows) in lab.index.per_group.iter().enumerate() {
        if let Some(row) = rows.iter().position(|&i| lab.session.ideas[i].id == id) {
            lab.selection = super::Selection { table, row };
            return;
        }
    }
}

/// Applies a change made now and remembers it for undo; a new change clears what could be redone.
fn record(lab: &mut Lab, change: Change, now: crate::model::Timestamp) {
    put(lab, &change.after, now);
    push_history(lab, change);
}

fn push_history(lab: &mut Lab, change: Change) {
    lab.history.redo.clear();
    lab.history.undo.push(change);
    if lab.history.undo.len() > UNDO_DEPTH {
        lab.history.undo.remove(0);
    }
}

/// Replaces each idea with the same id by its new version, stamped with the time of the change.
fn put(lab: &mut Lab, ideas: &[Idea], now: crate::model::Timestamp) {
    let at = now.with_timezone(&lab.offset());
    for idea in ideas {
        if let Some(slot) = lab.session.idea_mut(idea.id) {
            *slot = Idea { updated_at: at, ..idea.clone() };
        }
    }
    lab.reindex();
}

/// The form of an idea's details: title, table, agency, author, form, digital, flagship, detail.
fn idea_form(lab: &Lab, purpose: FormPurpose, idea: &NewIdea) -> Form {
    let tables: Vec<String> = lab.session.groups.iter().map(|g| g.name.clone()).collect();
    let table = lab.session.groups.iter().position(|g| g.id == idea.group).unwrap_or(0);
    let forms = ["form.unspecified", "form.governance", "form.public_service", "form.other_affairs"];
    let form_index = idea.form.and_then(|f| IdeaForm::ALL.iter().position(|&x| x == f)).map_or(0, |i| i + 1);
    Form::new(
        purpose,
        vec![
            Field::text(FieldKey::Title, &idea.title),
            Field::choice(FieldKey::Table, tables, table, false),
            Field::text(FieldKey::Author, idea.author.as_deref().unwrap_or("")),
            Field::text(FieldKey::Agency, idea.agency.as_deref().unwrap_or(""))
                .with_suggestions(lab.session.roster_agencies()),
            Field::choice(FieldKey::Form, forms.iter().map(|s| s.to_string()).collect(), form_index, true),
            Field::toggle(FieldKey::Digital, idea.digital),
            Field::toggle(FieldKey::Flagship, idea.flagship),
            Field::text(FieldKey::Detail, idea.detail.as_deref().unwrap_or("")),
        ],
    )
}

/// The table currently chosen in the form (its id).
fn form_group(lab: &Lab) -> String {
    let index = lab.form.as_ref().map_or(0, |f| f.choice(FieldKey::Table));
    lab.session.groups.get(index).map(|g| g.id.clone()).unwrap_or_default()
}

/// The author field suggests the members of the table chosen in the form: those present first, then those
/// marked absent, who are marked as such (an absent person credited with an idea would be called up at the
/// ceremony).
fn refresh_author_suggestions(lab: &mut Lab) {
    let group = form_group(lab);
    let mut members: Vec<Suggestion> = lab
        .session
        .group(&group)
        .map(|g| g.members.iter().map(|m| Suggestion { value: m.name.clone(), absent: !m.present }).collect())
        .unwrap_or_default();
    members.sort_by_key(|s| s.absent);
    if let Some(form) = lab.form.as_mut()
        && let Some(field) = form.fields.iter_mut().find(|f| f.key == FieldKey::Author)
    {
        field.suggestions = members;
    }
}

/// The idea a details form describes. The agency defaults to the author's, from the roster.
fn idea_from_form(lab: &Lab, form: &Form, lang: Lang) -> Result<NewIdea, String> {
    let title = form.text(FieldKey::Title);
    if title.is_empty() {
        return Err(t!("form.error.empty_title", locale = lang.code()).into_owned());
    }
    let group = form_group(lab);
    let author = Some(form.text(FieldKey::Author)).filter(|s| !s.is_empty());
    let agency = Some(form.text(FieldKey::Agency))
        .filter(|s| !s.is_empty())
        .or_else(|| author.as_deref().and_then(|a| lab.session.member_named(&group, a)).and_then(|m| m.agency.clone()));
    let detail = Some(form.text(FieldKey::Detail)).filter(|s| !s.is_empty());
    Ok(NewIdea {
        group,
        title,
        agency,
        author,
        detail,
        form: form.choice(FieldKey::Form).checked_sub(1).and_then(|i| IdeaForm::ALL.get(i).copied()),
        digital: form.toggle(FieldKey::Digital),
        flagship: form.toggle(FieldKey::Flagship),
        stage: None,
        block: None,
    })
}

/// The flagship rule for an idea typed into a form: a flagship needs an agency, and when its agency has one
/// already, the first Enter says so and a second Enter moves the star. Returns the idea that loses the star
/// (before and after), if any.
fn flagship_rule(lab: &mut Lab, form: &Form, candidate: &Idea, lang: Lang) -> Result<Option<(Idea, Idea)>, String> {
    let l = lang.code();
    match lab.session.flagship_conflict(candidate) {
        None => Ok(None),
        Some(FlagshipConflict::NoAgency) => Err(t!("flagship.form_no_agency", locale = l).into_owned()),
        Some(FlagshipConflict::Taken { agency, holder }) => {
            let Some(old) = lab.session.idea(holder).cloned() else { return Ok(None) };
            if form.flagship_move == Some(holder) {
                return Ok(Some((old.clone(), Idea { flagship: false, ..old })));
            }
            if let Some(form) = lab.form.as_mut() {
                form.flagship_move = Some(holder);
            }
            let title = text::ellipsize(&old.title, 40).into_owned();
            Err(t!("flagship.form_taken", agency = agency, id = holder, title = title, locale = l).into_owned())
        }
    }
}

fn apply_new_idea(lab: &mut Lab, form: &Form, now: crate::model::Timestamp, lang: Lang) -> Result<bool, String> {
    let new = idea_from_form(lab, form, lang)?;
    let moved = if new.flagship {
        let candidate = Idea {
            id: lab.session.next_idea_id().ok_or_else(|| IdsExhausted.to_string())?,
            group: new.group.clone(),
            agency: new.agency.clone(),
            author: new.author.clone(),
            title: new.title.clone(),
            detail: None,
            stage: crate::model::Stage::None,
            block: String::new(),
            form: None,
            digital: false,
            flagship: true,
            created_at: now,
            updated_at: now,
            deleted: false,
        };
        flagship_rule(lab, form, &candidate, lang)?
    } else {
        None
    };
    lab.capture_table = lab.session.groups.iter().position(|g| g.id == new.group).unwrap_or(lab.capture_table);
    add_idea(lab, new, now, moved).map_err(|e| e.to_string())?;
    lab.capture = form::text_input("", false);
    Ok(true)
}

fn apply_edit(lab: &mut Lab, form: &Form, id: u64, now: crate::model::Timestamp, lang: Lang) -> Result<bool, String> {
    let new = idea_from_form(lab, form, lang)?;
    let Some(before) = lab.session.idea(id).cloned() else { return Ok(false) };
    let after = Idea {
        group: new.group,
        title: new.title,
        agency: new.agency,
        author: new.author,
        detail: new.detail,
        form: new.form,
        digital: new.digital,
        flagship: new.flagship,
        ..before.clone()
    };
    if after == before {
        return Ok(false);
    }
    // Checked when the star is new or the idea's agency changes; an untouched flagship is left as it is.
    let agency_changed = lab.session.agency_of(&before) != lab.session.agency_of(&after);
    let moved = if after.flagship && (!before.flagship || agency_changed) {
        flagship_rule(lab, form, &after, lang)?
    } else {
        None
    };
    let mut change = Change::one(before, after);
    if let Some((old_before, old_after)) = moved {
        change = change.and(old_before, old_after);
    }
    record(lab, change, now);
    Ok(true)
}
