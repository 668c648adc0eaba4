//! The two languages of every user-facing string (Indonesian and English), kept in `locales/`.
//! The language is a value passed down to whatever words a message (a screen, a report, an error line);
//! nothing reads a process-wide language.

use chrono::NaiveDate;
use rust_i18n::t;

use crate::model::{Form, Stage};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia
    Id,
    /// English
    #[default]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The language a `LANG` value asks for: `id*` is Indonesian, anything else (or nothing) English.
    pub fn from_lang_var(value: Option<&str>) -> Lang {
        match value {
            Some(v) if v.to_ascii_lowercase().starts_with("id") => Lang::Id,
            _ => Lang::En,
        }
    }

    /// The language from the `LANG` environment variable.
    pub fn from_env() -> Lang {
        Lang::from_lang_var(std::env::var("LANG").ok().as_deref())
    }

    pub fn toggled(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

/// The locale key of a message about `count` things: `BASE.one` for exactly one, else `BASE.other`. English
/// needs both ("1 participant", "2 participants"); Indonesian does not inflect, so its two keys read alike
/// ("1 peserta", "2 peserta"). Both files carry both keys (tests/locales.rs checks every key exists in both).
pub fn plural_key(base: &str, count: u64) -> String {
    let form = if count == 1 { "one" } else { "other" };
    format!("{base}.{form}")
}

/// "1 participant", "3 participants" ("1 peserta", "3 peserta"): `count` with the noun of `base`
/// (`count.<noun>.one` / `.other` in the locale files), in `lang`.
pub fn count_of(base: &str, count: u64, lang: Lang) -> String {
    t!(&plural_key(base, count), count = count, locale = lang.code()).into_owned()
}

// ---------------------------------------------------------------------------------------------------------
// The domain's values in words: one place, so the screens, the reports and the importer read alike

/// "Diagnose" / "Diagnosa": a stage in the reader's language.
pub fn stage_label(stage: Stage, lang: Lang) -> String {
    let l = lang.code();
    match stage {
        Stage::DrumUp => t!("report.stage.drum_up", locale = l),
        Stage::Diagnose => t!("report.stage.diagnose", locale = l),
        Stage::Design => t!("report.stage.design", locale = l),
        Stage::Deliver => t!("report.stage.deliver", locale = l),
        Stage::Display => t!("report.stage.display", locale = l),
        Stage::None => t!("report.stage.none", locale = l),
    }
    .into_owned()
}

/// "Public service" / "Pelayanan publik"; no form is "unspecified".
pub fn form_label(form: Option<Form>, lang: Lang) -> String {
    let l = lang.code();
    match form {
        Some(Form::Governance) => t!("report.form.governance", locale = l),
        Some(Form::PublicService) => t!("report.form.public_service", locale = l),
        Some(Form::OtherAffairs) => t!("report.form.other_affairs", locale = l),
        None => t!("report.form.unspecified", locale = l),
    }
    .into_owned()
}
/// "2022-11-02 – 2022-11-04", or one date for a one-day lab.
pub fn date_range(first: Option<NaiveDate>, last: Option<NaiveDate>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.to_string(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_keys_pick_one_only_for_exactly_one() {
        assert_eq!(plural_key("x.ideas", 1), "x.ideas.one");
        assert_eq!(plural_key("x.ideas", 0), "x.ideas.other");
        assert_eq!(plural_key("x.ideas", 2), "x.ideas.other");
    }

    #[test]
    fn lang_var_picks_indonesian_only_for_id() {
        assert_eq!(Lang::from_lang_var(Some("id_ID.UTF-8")), Lang::Id);
        assert_eq!(Lang::from_lang_var(Some("ID")), Lang::Id);
        assert_eq!(Lang::from_lang_var(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(Lang::from_lang_var(Some("C")), Lang::En);
        assert_eq!(Lang::from_lang_var(None), Lang::En);
    }
}
