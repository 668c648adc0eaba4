//! The room: table groups ("Meja 1" …) and the participants sitting at them, with their agency (OPD) and role.

use super::parse::{ParseError, ParseKind};
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableGroup {
    /// Stable id, unique in the session; ideas refer to it.
    pub id: String,
    /// Shown name, "Meja 1".
    pub name: String,
    #[serde(default)]
    pub members: Vec<Member>,
}

impl TableGroup {
    /// The n-th table (1-based) of a new session: id "meja-n", name "Meja n".
    pub fn numbered(n: u32) -> TableGroup {
        TableGroup { id: format!("meja-{n}"), name: format!("Meja {n}"), members: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    /// The agency (OPD) the participant leads or represents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    pub role: Role,
    #[serde(default = "present_by_default")]
    pub present: bool,
}

fn present_by_default() -> bool {
    true
}

/// `representative`: someone sitting in for the head, e.g. the agency's secretary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Head,
    Representative,
    Staff,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Head, Role::Representative, Role::Staff];

    pub fn key(self) -> &'static str {
        match self {
            Role::Head => "head",
            Role::Representative => "representative",
            Role::Staff => "staff",
        }
    }
}

impl FromStr for Role {
    type Err = ParseError;
    /// Accepts the file names and their Indonesian equivalents as typed in a roster spreadsheet.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "head" | "kepala" | "kepala opd" => Ok(Role::Head),
            "representative" | "wakil" | "perwakilan" | "sekretaris" | "secretary" => Ok(Role::Representative),
            "staff" | "staf" | "pegawai" => Ok(Role::Staff),
            _ => Err(ParseError::new(ParseKind::Role, s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_in_both_languages() {
        assert_eq!("Kepala".parse::<Role>(), Ok(Role::Head));
        assert_eq!("sekretaris".parse::<Role>(), Ok(Role::Representative));
        assert_eq!(" staff ".parse::<Role>(), Ok(Role::Staff));
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn numbered_tables() {
        let t = TableGroup::numbered(3);
        assert_eq!((t.id.as_str(), t.name.as_str()), ("meja-3", "Meja 3"));
    }
}
