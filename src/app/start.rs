//! The start screen: the sessions of the folder and the two "new session" rows; the new-session questions
//! over it (the plan file for a session from one, the title, the first day's date).

use chrono::NaiveDate;
use rust_i18n::t;

use super::form::MAX_INPUT_CHARS;
use super::{Effect, Overlay, START_NEW_ROWS, State};
use crate::model::text;
use crate::model::validate::{MAX_YEAR, MIN_YEAR};

/// The longest plan path the prompt takes.
const MAX_PATH_CHARS: usize = 4096;
/// The longest date the prompt takes ("2026-12-05" and some room for a typo).
const MAX_DATE_CHARS: usize = 40;

/// The questions asked before a new session is created. Plain one-line texts; Tab moves between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The plan file's path, for a session from one (`None`: the built-in three-day lab).
    pub plan: Option<String>,
    /// The lab's title; empty: the plan's own.
    pub title: String,
    /// Day 1, as YYYY-MM-DD; empty: the plan's own dates (today for the built-in lab).
    pub first_day: String,
    pub focus: NewField,
    /// Why the last Enter was refused, in the language it was pressed in.
    pub error: Option<String>,
    /// The fields the coach has typed into. The others hold a suggestion (the plan's title, today), which
    /// the first key typed replaces, as a selected text field does.
    pub typed: Vec<NewField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewField {
    Plan,
    Title,
    FirstDay,
}

impl NewField {
    /// The locale key of the field's label.
    pub fn label(self) -> &'static str {
        match self {
            NewField::Plan => "start.field.plan",
            NewField::Title => "start.field.title",
            NewField::FirstDay => "start.field.first_day",
        }
    }
}

impl NewSession {
    /// The built-in lab, titled as it is, on `today`.
    pub fn builtin(today: NaiveDate) -> NewSession {
        NewSession {
            plan: None,
            title: crate::model::Plan::builtin(today).title,
            first_day: today.format("%Y-%m-%d").to_string(),
            focus: NewField::Title,
            error: None,
            typed: Vec::new(),
        }
    }

    /// Whether `field` still holds the suggestion it was offered with (nothing typed into it yet).
    pub fn suggested(&self, field: NewField) -> bool {
        !self.typed.contains(&field) && !self.text(field).is_empty()
    }

    /// The first key into a field that holds a suggestion replaces it.
    fn take_focused(&mut self) {
        if !self.typed.contains(&self.focus) {
            self.typed.push(self.focus);
            self.focused_mut().0.clear();
        }
    }

    /// A plan file: its path first, its own title and dates unless the coach types others.
    pub fn from_file() -> NewSession {
        NewSession {
            plan: Some(String::new()),
            title: String::new(),
            first_day: String::new(),
            focus: NewField::Plan,
            error: None,
            typed: Vec::new(),
        }
    }

    /// The fields asked, top to bottom.
    pub fn fields(&self) -> &'static [NewField] {
        if self.plan.is_some() {
            &[NewField::Plan, NewField::Title, NewField::FirstDay]
        } else {
            &[NewField::Title, NewField::FirstDay]
        }
    }

    pub fn text(&self, field: NewField) -> &str {
        match field {
            NewField::Plan => self.plan.as_deref().unwrap_or_default(),
            NewField::Title => &self.title,
            NewField::FirstDay => &self.first_day,
        }
    }

    fn focused_mut(&mut self) -> (&mut String, usize) {
        match self.focus {
            NewField::Plan => (self.plan.get_or_insert_with(String::new), MAX_PATH_CHARS),
            NewField::Title => (&mut self.title, MAX_INPUT_CHARS),
            NewField::FirstDay => (&mut self.first_day, MAX_DATE_CHARS),
        }
    }

    fn step(&mut self, delta: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|&f| f == self.focus).unwrap_or(0) as isize;
        self.focus = fields[(at + delta).rem_euclid(fields.len() as isize) as usize];
    }

    /// Types `typed` into the focused field, up to its length: text only (a control, a bidirectional
    /// override or a line break is dropped).
    fn type_text(&mut self, typed: &str) {
        self.error = None;
        self.take_focused();
        let (field, max) = self.focused_mut();
        let room = max.saturating_sub(field.chars().count());
        field.extend(typed.chars().filter(|&c| !text::is_hazard(c)).take(room));
    }

    /// What Enter creates, or why not (in `lang`).
    fn answer(&self, lang: crate::i18n::Lang) -> Result<Effect, (NewField, String)> {
        let l = lang.code();
        let plan = match self.plan.as_deref().map(str::trim) {
            Some("") => return Err((NewField::Plan, t!("start.need_plan", locale = l).into_owned())),
            Some(path) => Some(path.into()),
            None => None,
        };
        let title = Some(text::clean_line(&self.title)).filter(|t| !t.is_empty());
        let first_day = match self.first_day.trim() {
            "" => None,
            typed => Some(parse_day(typed).ok_or_else(|| {
                (NewField::FirstDay, t!("start.bad_date", value = format!("{typed:?}"), locale = l).into_owned())
            })?),
        };
        Ok(Effect::NewSession { plan, title, first_day })
    }
}

/// A day written year first: 2026-12-05 (or with / or . between), within the years a session may hold.
fn parse_day(typed: &str) -> Option<NaiveDate> {
    let unified: String = typed.chars().map(|c| if c == '/' || c == '.' { '-' } else { c }).collect();
    let day = NaiveDate::parse_from_str(&unified, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    (MIN_YEAR..=MAX_YEAR).contains(&day.year()).then_some(day)
}

impl State {
    pub(super) fn start_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let rows = self.start.rows();
        self.start.selected = self.start.selected.saturating_add_signed(dy).min(rows.saturating_sub(1));
        vec![]
    }

    /// Enter on the start screen: the questions for a new session (from the built-in lab or a plan file),
    /// or a session.
    pub(super) fn start_confirm(&mut self) -> Vec<Effect> {
        match self.start.selected {
            0 => {
                // Today where the built-in lab is held (its offset, WIB), as `innolab new` counts it.
                let today = self.now.with_timezone(&crate::model::UtcOffset::default().fixed()).date_naive();
                self.layers.push(Overlay::NewSession(NewSession::builtin(today)));
                vec![]
            }
            1 => {
                self.layers.push(Overlay::NewSession(NewSession::from_file()));
                vec![]
            }
            n => match self.start.entries.get(n - START_NEW_ROWS) {
                Some(entry) if entry.summary.is_ok() => vec![Effect::Open(entry.path.clone())],
                Some(entry) => {
                    let message = entry.summary.as_ref().err().map(|e| e.message(self.lang)).unwrap_or_default();
                    self.notify(message, true)
                }
                None => vec![],
            },
        }
    }

    /// The new-session questions, while they are up.
    fn new_session_mut(&mut self) -> Option<&mut NewSession> {
        match self.layers.top_mut() {
            Some(Overlay::NewSession(asked)) => Some(asked),
            _ => None,
        }
    }

    /// Enter in the new-session questions: creates the session, or says what to fix and goes to that field.
    pub(super) fn new_session_confirm(&mut self) -> Vec<Effect> {
        let lang = self.lang;
        let Some(asked) = self.new_session_mut() else { return vec![] };
        match asked.answer(lang) {
            Ok(effect) => vec![effect],
            Err((field, why)) => {
                asked.focus = field;
                asked.error = Some(why);
                vec![]
            }
        }
    }

    pub(super) fn new_session_field(&mut self, delta: isize) -> Vec<Effect> {
        if let Some(asked) = self.new_session_mut() {
            asked.step(delta);
        }
        vec![]
    }

    pub(super) fn type_char(&mut self, c: char) -> Vec<Effect> {
        if let Some(asked) = self.new_session_mut() {
            asked.type_text(c.encode_utf8(&mut [0; 4]));
        }
        vec![]
    }

    pub(super) fn delete_back(&mut self) -> Vec<Effect> {
        if let Some(asked) = self.new_session_mut() {
            asked.error = None;
            // On a suggestion, Backspace takes it all away (as on selected text).
            if asked.typed.contains(&asked.focus) {
                asked.focused_mut().0.pop();
            } else {
                asked.take_focused();
            }
        }
        vec![]
    }

    /// Ctrl-U in the new-session questions: the focused answer is cleared.
    pub(super) fn clear_new_session_field(&mut self) -> Vec<Effect> {
        if let Some(asked) = self.new_session_mut() {
            asked.error = None;
            asked.focused_mut().0.clear();
        }
        vec![]
    }

    /// A paste into the new-session questions: one clean line (escape sequences and controls removed).
    pub(super) fn paste_path(&mut self, pasted: &str) -> Vec<Effect> {
        if let Some(asked) = self.new_session_mut() {
            asked.type_text(&text::clean_line(pasted));
        }
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_year_first_within_the_years_a_session_holds() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5);
        assert_eq!(parse_day("2026-12-05"), day);
        assert_eq!(parse_day("2026/12/5"), day);
        assert_eq!(parse_day("2026.12.05"), day);
        for bad in ["05-12-2026", "2026-13-01", "2026-02-30", "tomorrow", "99999-01-01", "1899-12-31"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
