//! The roster screen: tables and their members as one list of rows; add, rename and remove tables, add,
//! edit and remove members, mark who is present. Changes go through the session's roster operations.

use rust_i18n::t;

use super::form::{Field, FieldKey, Form, FormPurpose};
use super::{Effect, Lab, Overlay, Screen, State};
use crate::i18n::Lang;
use crate::model::roster::RosterError;
use crate::model::{Member, Role, Session};

/// One row of the setup screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRow {
    Table(usize),
    Member(usize, usize),
}

/// The rows in screen order: each table followed by its members.
pub fn rows(session: &Session) -> Vec<SetupRow> {
    let mut rows = Vec::new();
    for (g, group) in session.groups.iter().enumerate() {
        rows.push(SetupRow::Table(g));
        rows.extend((0..group.members.len()).map(|m| SetupRow::Member(g, m)));
    }
    rows
}

fn current_row(lab: &Lab, cursor: usize) -> Option<SetupRow> {
    rows(&lab.session).get(cursor).copied()
}

fn table_of(row: Option<SetupRow>) -> usize {
    match row {
        Some(SetupRow::Table(g) | SetupRow::Member(g, _)) => g,
        None => 0,
    }
}

const ROLES: [&str; 3] = ["role.head", "role.representative", "role.staff"];

fn member_form(lab: &Lab, purpose: FormPurpose, member: Option<&Member>) -> Form {
    let role = member.map_or(0, |m| Role::ALL.iter().position(|&r| r == m.role).unwrap_or(0));
    Form::new(
        purpose,
        vec![
            Field::text(FieldKey::Name, member.map_or("", |m| m.name.as_str())),
            Field::text(FieldKey::Agency, member.and_then(|m| m.agency.as_deref()).unwrap_or(""))
                .with_suggestions(lab.session.roster_agencies()),
            Field::choice(FieldKey::Role, ROLES.iter().map(|s| s.to_string()).collect(), role, true),
            Field::toggle(FieldKey::Present, member.is_none_or(|m| m.present)),
        ],
    )
}

impl State {
    pub(super) fn open_setup(&mut self) -> Vec<Effect> {
        if self.lab.is_some() {
            self.layers.show(Screen::Setup { cursor: 0, pending_remove: None });
        }
        vec![]
    }

    /// The setup screen's cursor row (0 when the screen is not up).
    fn setup_row(&self) -> usize {
        match self.layers.screen {
            Screen::Setup { cursor, .. } => cursor,
            _ => 0,
        }
    }

    /// After a new table: the cursor on its row (it is the last table).
    pub(super) fn select_new_table(&mut self) {
        let Some(lab) = self.lab.as_ref() else { return };
        let table = SetupRow::Table(lab.session.groups.len().saturating_sub(1));
        let row = rows(&lab.session).iter().position(|r| *r == table).unwrap_or(0);
        if let Screen::Setup { cursor, .. } = &mut self.layers.screen {
            *cursor = row;
        }
    }

    pub(super) fn setup_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let Some(lab) = self.lab.as_ref() else { return vec![] };
        let n = rows(&lab.session).len();
        if let Screen::Setup { cursor, pending_remove } = &mut self.layers.screen {
            *cursor = cursor.saturating_add_signed(dy).min(n.saturating_sub(1));
            *pending_remove = None;
        }
        vec![]
    }

    pub(super) fn new_table(&mut self) -> Vec<Effect> {
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let name = format!("Meja {}", lab.session.groups.len() + 1);
        lab.form = Some(Form::new(FormPurpose::NewTable, vec![Field::text(FieldKey::Name, &name)]));
        self.layers.push(Overlay::Form);
        vec![]
    }

    pub(super) fn add_member(&mut self) -> Vec<Effect> {
        let row = self.setup_row();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let table = table_of(current_row(lab, row));
        lab.form = Some(member_form(lab, FormPurpose::NewMember(table), None));
        self.layers.push(Overlay::Form);
        vec![]
    }

    pub(super) fn edit_row(&mut self) -> Vec<Effect> {
        let row = self.setup_row();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        lab.form = match current_row(lab, row) {
            Some(SetupRow::Table(g)) => {
                let name = lab.session.groups[g].name.clone();
                Some(Form::new(FormPurpose::RenameTable(g), vec![Field::text(FieldKey::Name, &name)]))
            }
            Some(SetupRow::Member(g, m)) => {
                let member = lab.session.groups[g].members[m].clone();
                Some(member_form(lab, FormPurpose::EditMember(g, m), Some(&member)))
            }
            None => return vec![],
        };
        self.layers.push(Overlay::Form);
        vec![]
    }

    /// Removes the row under the cursor on the second press (a table only when no idea refers to it).
    pub(super) fn remove_row(&mut self) -> Vec<Effect> {
        let lang = self.lang.code();
        let Screen::Setup { cursor, pending_remove } = &mut self.layers.screen else { return vec![] };
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(row) = current_row(lab, *cursor) else { return vec![] };
        if *pending_remove != Some(*cursor) {
            *pending_remove = Some(*cursor);
            return self.notify(t!("notice.press_again_to_remove", locale = lang).into_owned(), false);
        }
        *pending_remove = None;
        let result = match row {
            SetupRow::Table(g) => lab.session.remove_group(g).map(|_| ()),
            SetupRow::Member(g, m) => lab.session.remove_member(g, m).map(|_| ()),
        };
        match result {
            Ok(()) => {
                lab.reindex();
                *cursor = (*cursor).min(rows(&lab.session).len().saturating_sub(1));
                self.changed()
            }
            Err(e) => {
                let text = roster_error(&e, self.lang);
                self.notify(text, true)
            }
        }
    }

    pub(super) fn toggle_present(&mut self) -> Vec<Effect> {
        let row = self.setup_row();
        let Some(lab) = self.lab.as_mut() else { return vec![] };
        let Some(SetupRow::Member(g, m)) = current_row(lab, row) else { return vec![] };
        let member = &mut lab.session.groups[g].members[m];
        member.present = !member.present;
        self.changed()
    }
}

pub fn roster_error(error: &RosterError, lang: Lang) -> String {
    let ideas = |n: usize| crate::i18n::count_of("count.ideas", n as u64, lang);
    let lang = lang.code();
    match error {
        RosterError::TableHasIdeas { ideas: n } => t!("roster.error.table_has_ideas", ideas = ideas(*n), locale = lang),
        RosterError::LastTable => t!("roster.error.last_table", locale = lang),
        RosterError::EmptyName => t!("roster.error.empty_name", locale = lang),
        RosterError::NotFound => t!("roster.error.not_found", locale = lang),
        RosterError::TableInUse => t!("roster.error.table_in_use", locale = lang),
    }
    .into_owned()
}

/// Applies a roster form; returns whether the session changed, or the reason it was refused.
pub(super) fn apply_form(lab: &mut Lab, form: &Form, lang: Lang) -> Result<bool, String> {
    let name = form.text(FieldKey::Name);
    let member = || Member {
        name: name.clone(),
        agency: Some(form.text(FieldKey::Agency)).filter(|a| !a.is_empty()),
        role: Role::ALL.get(form.choice(FieldKey::Role)).copied().unwrap_or(Role::Head),
        present: form.toggle(FieldKey::Present),
    };
    let result = match form.purpose {
        FormPurpose::NewTable => {
            if name.is_empty() {
                Err(RosterError::EmptyName)
            } else {
                lab.session.add_group(Some(&name));
                lab.reindex();
                Ok(())
            }
        }
        FormPurpose::RenameTable(g) => lab.session.rename_group(g, &name),
        FormPurpose::NewMember(g) => lab.session.add_member(g, member()).map(|_| ()),
        FormPurpose::EditMember(g, m) => lab.session.update_member(g, m, member()),
        _ => return Ok(false),
    };
    result.map(|()| true).map_err(|e| roster_error(&e, lang))
}
