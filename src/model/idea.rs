//! An innovation idea as a table called it out: who, which agency, which stage and block, and its later details.
//! Deletion is a tombstone (`deleted`), so an idea never leaves the file and its id is never reused.

use super::parse::{ParseError, ParseKind};
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::plan::Stage;

/// A moment with the lab's UTC offset, written as RFC 3339 ("2022-11-03T10:04:12+07:00").
pub type Timestamp = DateTime<FixedOffset>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Idea {
    /// Stable id, unique in the session, never reused.
    pub id: u64,
    /// The table group that produced it (a group id).
    pub group: String,
    /// The agency (OPD) the idea belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The 5D stage current when it was captured.
    pub stage: Stage,
    /// The agenda block current when it was captured (a block id).
    pub block: String,
    /// Form of the innovation; absent until someone classifies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    #[serde(default)]
    pub digital: bool,
    /// Chosen as the agency's flagship innovation (inovasi unggulan).
    #[serde(default)]
    pub flagship: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// A tombstone: the idea stays in the file and can be restored; tallies skip it.
    #[serde(default)]
    pub deleted: bool,
    /// Where it came from when not from the coach's keyboard (a phone, in room mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Where an idea came from, when not from the coach's keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Sent from a phone in room mode and approved by the coach.
    Room,
}

impl Idea {
    /// Makes every text field inert (see [`super::text::inert`]); the detail keeps its line breaks.
    pub fn make_inert(&mut self) {
        use super::text::{make_inert, make_inert_multiline, make_inert_opt};
        make_inert(&mut self.group);
        make_inert(&mut self.block);
        make_inert(&mut self.title);
        make_inert_opt(&mut self.agency);
        make_inert_opt(&mut self.author);
        if let Some(detail) = self.detail.as_mut() {
            make_inert_multiline(detail);
        }
    }

    pub fn is_live(&self) -> bool {
        !self.deleted
    }
}

/// The form (bentuk) of a regional innovation, as on the proposal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Governance,
    PublicService,
    OtherAffairs,
}

impl Form {
    pub const ALL: [Form; 3] = [Form::Governance, Form::PublicService, Form::OtherAffairs];

    pub fn key(self) -> &'static str {
        match self {
            Form::Governance => "governance",
            Form::PublicService => "public_service",
            Form::OtherAffairs => "other_affairs",
        }
    }
}

impl FromStr for Form {
    type Err = ParseError;
    /// Accepts the file names and the Indonesian words used on the proposal form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_lowercase().replace(['-', ' '], "_");
        match wanted.as_str() {
            "governance" | "tata_kelola" | "tata_kelola_pemerintahan" => Ok(Form::Governance),
            "public_service" | "pelayanan_publik" => Ok(Form::PublicService),
            "other_affairs" | "urusan_lain" | "urusan_pemerintahan_lain" => Ok(Form::OtherAffairs),
            _ => Err(ParseError::new(ParseKind::Form, s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse_in_both_languages() {
        assert_eq!("public-service".parse::<Form>(), Ok(Form::PublicService));
        assert_eq!("Tata Kelola".parse::<Form>(), Ok(Form::Governance));
        assert_eq!("urusan lain".parse::<Form>(), Ok(Form::OtherAffairs));
        assert!("other".parse::<Form>().is_err());
    }
}
