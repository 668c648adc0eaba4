//! The form overlay for ideas (details, edit, move) and its Enter: the idea is checked (a title, the
//! flagship rule) and applied as one undoable step. Roster forms are applied by `setup`.

use rust_i18n::t;

use super::form::{self, Field, FieldKey, Form, FormPurpose, Suggestion};
use super::ideas::{add_idea, record, select_idea};
use super::{Change, Effect, Lab, Mode, State};
use crate::i18n::Lang;
use crate::model::{FlagshipConflict, Form as IdeaForm, Idea, IdsExhausted, NewIdea, text};

impl State {
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
            FormPurpose::ApproveSubmission(id) => super::room::apply_approval(lab, &form, id, now, lang),
            FormPurpose::OpenVote => super::vote::apply_vote_form(lab, &form, now, lang),
            FormPurpose::Hands(vote, idea) => super::vote::apply_hands_form(lab, &form, vote, idea, lang),
            FormPurpose::Notes(pos) => super::notes::apply_notes(lab, &form, pos),
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
                if changed && form.purpose == FormPurpose::OpenVote {
                    self.show_open_vote();
                }
                if let FormPurpose::Hands(vote, idea) = form.purpose {
                    self.follow_selection(vote, idea);
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

/// The form of an idea's details: title, table, agency, author, form, digital, flagship, detail.
pub(super) fn idea_form(lab: &Lab, purpose: FormPurpose, idea: &NewIdea) -> Form {
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
pub(super) fn refresh_author_suggestions(lab: &mut Lab) {
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
pub(super) fn idea_from_form(lab: &Lab, form: &Form, lang: Lang) -> Result<NewIdea, String> {
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
            id: lab.next_idea_id().ok_or_else(|| IdsExhausted.to_string())?,
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
            source: None,
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
