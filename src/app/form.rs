//! Small forms over the agenda: an idea's details, moving an idea, naming a table, a member of the roster, a
//! block's coach notes. Fields are data (text, choice, toggle); keys edit the focused field and `update` applies the result.

use ratatui_textarea::{CursorMove, Input, Key, TextArea, WrapMode};

use crate::model::BlockPos;
use crate::model::text::{self, is_hazard};

/// What a form does when confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormPurpose {
    /// Details of the idea being captured (from the capture bar, Ctrl-E).
    NewIdea,
    EditIdea(u64),
    MoveIdea(u64),
    NewTable,
    RenameTable(usize),
    NewMember(usize),
    EditMember(usize, usize),
    /// A phone's submission (room mode), edited by the coach: saving approves it.
    ApproveSubmission(u64),
    /// A new vote: question, scope, method, dots, hidden, anonymous.
    OpenVote,
    /// The show of hands counted for an idea of a vote: (vote, idea).
    Hands(u64, u64),
    /// The coach's own notes for the block at this position (never on the wall once saved).
    Notes(BlockPos),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKey {
    Title,
    Table,
    Agency,
    Author,
    Form,
    Digital,
    Flagship,
    Detail,
    Name,
    Role,
    Present,
    Question,
    Scope,
    Method,
    Dots,
    PerIdea,
    Hidden,
    Anonymous,
    Hands,
    Notes,
}

impl FieldKey {
    /// The locale key of the field's label.
    pub fn label(self) -> &'static str {
        match self {
            FieldKey::Title => "field.title",
            FieldKey::Table => "field.table",
            FieldKey::Agency => "field.agency",
            FieldKey::Author => "field.author",
            FieldKey::Form => "field.form",
            FieldKey::Digital => "field.digital",
            FieldKey::Flagship => "field.flagship",
            FieldKey::Detail => "field.detail",
            FieldKey::Name => "field.name",
            FieldKey::Role => "field.role",
            FieldKey::Present => "field.present",
            FieldKey::Question => "field.question",
            FieldKey::Scope => "field.scope",
            FieldKey::Method => "field.method",
            FieldKey::Dots => "field.dots",
            FieldKey::PerIdea => "field.per_idea",
            FieldKey::Hidden => "field.hidden",
            FieldKey::Anonymous => "field.anonymous",
            FieldKey::Hands => "field.hands",
            FieldKey::Notes => "field.notes",
        }
    }

    /// Whether the field keeps line breaks (typed with Alt-Enter or Ctrl-J, or pasted) and wraps its words.
    pub fn is_multiline(self) -> bool {
        matches!(self, FieldKey::Detail | FieldKey::Notes)
    }
}

#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Box<TextArea<'static>>),
    /// One of `options`; the labels are locale keys when `localized`, else shown as they are.
    Choice {
        options: Vec<String>,
        index: usize,
        localized: bool,
    },
    Toggle(bool),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: FieldKey,
    pub value: FieldValue,
    /// Values PgUp/PgDn put into a text field (table members for the author, roster agencies for the agency).
    pub suggestions: Vec<Suggestion>,
}

/// A value PgUp/PgDn can put into a text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub value: String,
    /// A participant marked absent: offered last and marked so on screen.
    pub absent: bool,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub purpose: FormPurpose,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last confirm was refused (an empty title, a table that still has ideas …).
    pub error: Option<String>,
    /// The idea whose flagship star a second Enter moves to this one (the coach was told, see
    /// `flagship.form_taken`); any other key forgets it.
    pub flagship_move: Option<u64>,
}

/// The longest title the capture bar and forms accept; longer pastes are cut (the file allows more, for
/// imports, and shows it with an ellipsis).
pub const MAX_INPUT_CHARS: usize = 500;
/// The longest multi-line text (an idea's detail, a block's notes) typed or pasted in a form.
pub const MAX_DETAIL_CHARS: usize = 20_000;

/// A one-line (or wrapped, for details) text input holding `initial`.
pub fn text_input(initial: &str, wrap: bool) -> TextArea<'static> {
    let lines: Vec<String> =
        if initial.is_empty() { vec![String::new()] } else { initial.lines().map(String::from).collect() };
    let mut area = TextArea::new(lines);
    area.set_cursor_line_style(ratatui::style::Style::default());
    if wrap {
        area.set_wrap_mode(WrapMode::WordOrGlyph);
    }
    area.move_cursor(CursorMove::Bottom);
    area.move_cursor(CursorMove::End);
    area
}

/// The text of an input, as one string.
pub fn input_text(area: &TextArea<'_>) -> String {
    area.lines().join("\n")
}

/// Feeds a key to a text input, refusing anything that is not text (control characters cannot be typed,
/// newlines only where `multiline`) and stopping at `max_chars`.
pub fn type_into(area: &mut TextArea<'static>, input: Input, multiline: bool, max_chars: usize) {
    match input.key {
        Key::Char(c) if is_hazard(c) => {}
        Key::Char(_) if !input.ctrl && !input.alt && char_count(area) >= max_chars => {}
        Key::Enter if !multiline => {}
        _ => {
            area.input(input);
        }
    }
}

/// Inserts pasted text, cleaned like typed text: hazards dropped, line breaks kept only where `multiline`,
/// cut at `max_chars`. Returns true when something had to be cut.
pub fn paste_into(area: &mut TextArea<'static>, pasted: &str, multiline: bool, max_chars: usize) -> bool {
    let clean = if multiline { text::clean_multiline(pasted) } else { text::clean_line(pasted) };
    let room = max_chars.saturating_sub(char_count(area));
    let total = clean.chars().count();
    let kept: String = clean.chars().take(room).collect();
    area.insert_str(kept);
    total > room
}

fn char_count(area: &TextArea<'_>) -> usize {
    area.lines().iter().map(|l| l.chars().count()).sum()
}

impl Field {
    pub fn text(key: FieldKey, initial: &str) -> Field {
        Field {
            key,
            value: FieldValue::Text(Box::new(text_input(initial, key.is_multiline()))),
            suggestions: Vec::new(),
        }
    }

    pub fn choice(key: FieldKey, options: Vec<String>, index: usize, localized: bool) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        Field { key, value: FieldValue::Choice { options, index, localized }, suggestions: Vec::new() }
    }

    pub fn toggle(key: FieldKey, on: bool) -> Field {
        Field { key, value: FieldValue::Toggle(on), suggestions: Vec::new() }
    }

    pub fn with_suggestions(mut self, suggestions: Vec<String>) -> Field {
        self.suggestions = suggestions.into_iter().map(|value| Suggestion { value, absent: false }).collect();
        self
    }

    fn max_chars(&self) -> usize {
        if self.key.is_multiline() { MAX_DETAIL_CHARS } else { MAX_INPUT_CHARS }
    }
}

impl Form {
    pub fn new(purpose: FormPurpose, fields: Vec<Field>) -> Form {
        Form { purpose, fields, focus: 0, error: None, flagship_move: None }
    }

    pub fn field(&self, key: FieldKey) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    fn field_mut(&mut self, key: FieldKey) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    /// The cleaned text of a text field ("" when absent).
    pub fn text(&self, key: FieldKey) -> String {
        match self.field(key).map(|f| &f.value) {
            Some(FieldValue::Text(area)) if key.is_multiline() => text::clean_multiline(&input_text(area)),
            Some(FieldValue::Text(area)) => text::clean_line(&input_text(area)),
            _ => String::new(),
        }
    }

    pub fn choice(&self, key: FieldKey) -> usize {
        match self.field(key).map(|f| &f.value) {
            Some(FieldValue::Choice { index, .. }) => *index,
            _ => 0,
        }
    }

    pub fn toggle(&self, key: FieldKey) -> bool {
        matches!(self.field(key).map(|f| &f.value), Some(FieldValue::Toggle(true)))
    }

    pub fn set_text(&mut self, key: FieldKey, value: &str) {
        if let Some(field) = self.field_mut(key) {
            field.value = FieldValue::Text(Box::new(text_input(value, key.is_multiline())));
        }
    }

    pub fn focus_next(&mut self, delta: isize) {
        let n = self.fields.len().max(1) as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    /// Empties the focused field when it is text (Ctrl-U).
    pub fn clear_focused(&mut self) {
        if let Some(field) = self.fields.get_mut(self.focus)
            && let FieldValue::Text(_) = field.value
        {
            field.value = FieldValue::Text(Box::new(text_input("", field.key.is_multiline())));
        }
    }

    /// The most characters the focused field takes.
    pub fn focused_max_chars(&self) -> usize {
        self.fields.get(self.focus).map_or(MAX_INPUT_CHARS, Field::max_chars)
    }

    pub fn focused_key(&self) -> Option<FieldKey> {
        self.fields.get(self.focus).map(|f| f.key)
    }

    /// A key for the focused field: text goes into text fields, arrows and space change choices and toggles.
    pub fn input(&mut self, input: Input) {
        let Some(field) = self.fields.get_mut(self.focus) else { return };
        let max = field.max_chars();
        let multiline = field.key.is_multiline();
        match &mut field.value {
            FieldValue::Text(area) => type_into(area, input, multiline, max),
            FieldValue::Choice { options, index, .. } => {
                let n = options.len().max(1);
                match input.key {
                    Key::Left => *index = (*index + n - 1) % n,
                    Key::Right | Key::Char(' ') => *index = (*index + 1) % n,
                    _ => {}
                }
            }
            FieldValue::Toggle(on) => {
                if matches!(input.key, Key::Left | Key::Right | Key::Char(' ')) {
                    *on = !*on;
                }
            }
        }
        self.error = None;
        self.flagship_move = None;
    }

    /// Alt-Enter or Ctrl-J: a line break in the focused field, where it keeps them (Enter saves the form).
    pub fn new_line(&mut self) {
        self.input(Input { key: Key::Enter, ..Default::default() });
    }

    pub fn paste(&mut self, pasted: &str) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else { return false };
        let max = field.max_chars();
        let multiline = field.key.is_multiline();
        match &mut field.value {
            FieldValue::Text(area) => paste_into(area, pasted, multiline, max),
            _ => false,
        }
    }

    /// PgUp/PgDn on a text field with suggestions: puts the previous or next suggestion in the field.
    /// Returns the suggestion chosen.
    pub fn cycle_suggestion(&mut self, delta: isize) -> Option<String> {
        let field = self.fields.get_mut(self.focus)?;
        if field.suggestions.is_empty() {
            return None;
        }
        let FieldValue::Text(area) = &field.value else { return None };
        let current = text::clean_line(&input_text(area));
        let n = field.suggestions.len() as isize;
        // What was typed is completed first: "Dinas Kes" → the first suggestion that starts with it.
        let typed = current.to_lowercase();
        if !typed.is_empty() && !field.suggestions.iter().any(|s| s.value == current) {
            let found = field.suggestions.iter().find(|s| s.value.to_lowercase().starts_with(&typed));
            if let Some(completion) = found.map(|s| s.value.clone()) {
                field.value = FieldValue::Text(Box::new(text_input(&completion, false)));
                return Some(completion);
            }
        }
        let at = field
            .suggestions
            .iter()
            .position(|s| s.value == current)
            .map_or(if delta > 0 { -1 } else { 0 }, |i| i as isize);
        let next = field.suggestions[(at + delta).rem_euclid(n) as usize].value.clone();
        field.value = FieldValue::Text(Box::new(text_input(&next, false)));
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> Input {
        Input { key: Key::Char(c), ..Default::default() }
    }

    #[test]
    fn typing_refuses_control_characters_and_stops_at_the_limit() {
        let mut area = text_input("", false);
        for c in ['a', '\u{1b}', '\u{202e}', 'b'] {
            type_into(&mut area, key(c), false, 3);
        }
        type_into(&mut area, Input { key: Key::Enter, ..Default::default() }, false, 3);
        type_into(&mut area, key('c'), false, 3);
        type_into(&mut area, key('d'), false, 3);
        assert_eq!(input_text(&area), "abc");
    }

    #[test]
    fn pasting_cleans_and_cuts() {
        let mut area = text_input("x", false);
        let cut = paste_into(&mut area, "\x1b]52;c;aGk=\x07 line\nbreak and more", false, 12);
        assert_eq!(input_text(&area), "xline break ");
        assert!(cut);
        let mut wide = text_input("", false);
        assert!(!paste_into(&mut wide, "数字 🚀", false, 10));
        assert_eq!(input_text(&wide), "数字 🚀");
    }

    #[test]
    fn choices_and_toggles_follow_arrows() {
        let mut form = Form::new(
            FormPurpose::NewTable,
            vec![
                Field::choice(FieldKey::Role, vec!["a".into(), "b".into(), "c".into()], 0, false),
                Field::toggle(FieldKey::Present, true),
            ],
        );
        form.input(Input { key: Key::Left, ..Default::default() });
        assert_eq!(form.choice(FieldKey::Role), 2);
        form.focus_next(1);
        form.input(key(' '));
        assert!(!form.toggle(FieldKey::Present));
        form.focus_next(1);
        assert_eq!(form.focus, 0, "focus wraps");
    }

    #[test]
    fn page_down_completes_what_was_typed() {
        let agencies = vec!["Dinas Kesehatan".to_string(), "Dinas Pendidikan".into(), "Bappeda".into()];
        let mut form = Form::new(
            FormPurpose::NewTable,
            vec![Field::text(FieldKey::Agency, "dinas kes").with_suggestions(agencies)],
        );
        assert_eq!(form.cycle_suggestion(1).as_deref(), Some("Dinas Kesehatan"));
        assert_eq!(form.text(FieldKey::Agency), "Dinas Kesehatan");
        // Once it is a suggestion, PgDn goes on to the next one.
        assert_eq!(form.cycle_suggestion(1).as_deref(), Some("Dinas Pendidikan"));
        // Nothing starts with it: the list cycles from its start, as before.
        let mut form = Form::new(
            FormPurpose::NewTable,
            vec![Field::text(FieldKey::Agency, "Kecamatan").with_suggestions(vec!["Bappeda".into()])],
        );
        assert_eq!(form.cycle_suggestion(1).as_deref(), Some("Bappeda"));
    }

    #[test]
    fn suggestions_cycle_through_a_text_field() {
        let mut form = Form::new(
            FormPurpose::NewIdea,
            vec![Field::text(FieldKey::Author, "").with_suggestions(vec!["Budi".into(), "Rina".into()])],
        );
        assert_eq!(form.cycle_suggestion(1).as_deref(), Some("Budi"));
        assert_eq!(form.cycle_suggestion(1).as_deref(), Some("Rina"));
        assert_eq!(form.cycle_suggestion(1).as_deref(), Some("Budi"));
        assert_eq!(form.cycle_suggestion(-1).as_deref(), Some("Rina"));
        assert_eq!(form.text(FieldKey::Author), "Rina");
    }
}
