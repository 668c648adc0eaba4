//! Why a word typed for one of the domain's values (a form, a role, a stage, a time, a UTC offset) was not
//! understood: typed, and worded in the reader's language only when shown.

use rust_i18n::t;

use crate::i18n::Lang;

/// Which kind of value the word was meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseKind {
    Form,
    Role,
    Stage,
    Time,
    Offset,
}

/// A word that is not a valid value of its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseKind,
    pub value: String,
}

impl ParseError {
    pub fn new(kind: ParseKind, value: &str) -> ParseError {
        ParseError { kind, value: value.to_string() }
    }

    /// "unknown form "x" (expected governance, …)", in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let key = match self.kind {
            ParseKind::Form => "parse.form",
            ParseKind::Role => "parse.role",
            ParseKind::Stage => "parse.stage",
            ParseKind::Time => "parse.time",
            ParseKind::Offset => "parse.offset",
        };
        t!(key, value = format!("{:?}", self.value), locale = lang.code()).into_owned()
    }
}

impl std::fmt::Display for ParseError {
    /// In English (a serde message inside a load error is English, as serde's own words are).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ParseError {}
