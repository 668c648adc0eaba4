//! The start screen: the sessions of the folder and the two "new session" rows; the plan-path prompt over it.

use super::{Effect, Overlay, START_NEW_ROWS, State};
use crate::model::text;

/// The longest plan path the prompt takes.
const MAX_PATH_CHARS: usize = 4096;

impl State {
    pub(super) fn start_cursor(&mut self, dy: isize) -> Vec<Effect> {
        let rows = self.start.rows();
        self.start.selected = self.start.selected.saturating_add_signed(dy).min(rows.saturating_sub(1));
        vec![]
    }

    /// Enter on the start screen: a new session from the built-in plan, the plan-path prompt, or a session.
    pub(super) fn start_confirm(&mut self) -> Vec<Effect> {
        match self.start.selected {
            0 => vec![Effect::NewSession { plan: None }],
            1 => {
                self.layers.push(Overlay::PlanPath { path: String::new() });
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

    /// The plan path typed so far, while the prompt is up.
    fn plan_path_mut(&mut self) -> Option<&mut String> {
        match self.layers.top_mut() {
            Some(Overlay::PlanPath { path }) => Some(path),
            _ => None,
        }
    }

    /// Enter in the plan-path prompt: a new session from that plan file.
    pub(super) fn plan_path_confirm(&mut self) -> Vec<Effect> {
        let Some(path) = self.plan_path_mut() else { return vec![] };
        let path = path.trim();
        if path.is_empty() {
            return vec![];
        }
        vec![Effect::NewSession { plan: Some(path.into()) }]
    }

    pub(super) fn type_char(&mut self, c: char) -> Vec<Effect> {
        if let Some(path) = self.plan_path_mut()
            && !c.is_control()
            && path.len() < MAX_PATH_CHARS
        {
            path.push(c);
        }
        vec![]
    }

    pub(super) fn delete_back(&mut self) -> Vec<Effect> {
        if let Some(path) = self.plan_path_mut() {
            path.pop();
        }
        vec![]
    }

    /// A paste into the plan-path prompt: one clean line.
    pub(super) fn paste_path(&mut self, pasted: &str) -> Vec<Effect> {
        if let Some(path) = self.plan_path_mut() {
            path.push_str(&text::clean_line(pasted));
        }
        vec![]
    }
}
