//! Which agency (OPD) an idea counts for, and the flagship rule of "One Agency, One Innovation": a flagship
//! needs an agency, and an agency has at most one flagship per session.

use super::group::Member;
use super::idea::Idea;
use super::session::Session;

/// Names compared as people type them: trimmed, case ignored ("dr. Rina" is "Dr. Rina").
pub fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
}

/// The people named in an idea's author field: "Budi; dr. Rina" credits both.
pub fn author_names(author: &str) -> impl Iterator<Item = &str> {
    author.split(';').map(str::trim).filter(|name| !name.is_empty())
}

/// The one agency rule: an idea counts for its own `agency`, else for the agency of the first of its authors
/// that `roster` finds (and who has one), else for none. The session (a scan) and the tally (hash lookups
/// built once) both count through here, so they cannot disagree; only the lookup differs.
pub fn agency_by<'a>(idea: &'a Idea, roster: impl FnMut(&str) -> Option<&'a Member>) -> Option<&'a str> {
    if let Some(agency) = present(idea.agency.as_deref()) {
        return Some(agency);
    }
    author_names(idea.author.as_deref()?).filter_map(roster).find_map(|m| present(m.agency.as_deref()))
}

/// A trimmed, non-empty text, or None.
pub fn present(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Why an idea cannot be its agency's flagship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagshipConflict {
    /// Neither the idea nor its author (on the roster) has an agency.
    NoAgency,
    /// The agency already has a live flagship: idea `holder`.
    Taken { agency: String, holder: u64 },
}

impl Session {
    /// The roster entry of an author: at table `group` first, else anywhere in the room (a participant may call
    /// out an idea at another table). Returns the table's index too.
    pub fn roster_member(&self, name: &str, group: &str) -> Option<(usize, &Member)> {
        let at_table = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.id == group)
            .find_map(|(i, g)| g.members.iter().find(|m| same_name(&m.name, name)).map(|m| (i, m)));
        at_table.or_else(|| {
            self.groups
                .iter()
                .enumerate()
                .find_map(|(i, g)| g.members.iter().find(|m| same_name(&m.name, name)).map(|m| (i, m)))
        })
    }

    /// The agency an idea counts for ([`agency_by`], authors looked up with [`Session::roster_member`]).
    pub fn agency_of<'a>(&'a self, idea: &'a Idea) -> Option<&'a str> {
        agency_by(idea, |name| self.roster_member(name, &idea.group).map(|(_, member)| member))
    }

    /// The live flagship ideas of `agency`, other than idea `except`.
    pub fn flagships_of<'a>(&'a self, agency: &'a str, except: u64) -> impl Iterator<Item = &'a Idea> + 'a {
        self.live_ideas().filter(move |other| {
            other.flagship && other.id != except && self.agency_of(other).is_some_and(|a| same_name(a, agency))
        })
    }

    /// Whether `idea` (as it would be after a change; its id may already be in the session) may be a flagship.
    pub fn flagship_conflict(&self, idea: &Idea) -> Option<FlagshipConflict> {
        let Some(agency) = self.agency_of(idea) else { return Some(FlagshipConflict::NoAgency) };
        let holder = self.flagships_of(agency, idea.id).next()?;
        // Named as the flagship's own agency is spelled (the roster's spelling, usually).
        let agency = self.agency_of(holder).unwrap_or(agency).to_string();
        Some(FlagshipConflict::Taken { agency, holder: holder.id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::roster::member;
    use crate::model::{NewIdea, Role};

    fn session() -> Session {
        let mut s = crate::testing::seed_session(crate::testing::at("2022-11-02T08:00:00+07:00"));
        s.groups[0].members.push(member("Budi", Some("Dinas Kesehatan"), Role::Head, true));
        s.groups[1].members.push(member("Rina", None, Role::Staff, true));
        s.groups[2].members.push(member("Rina", Some("Bappedalitbang"), Role::Head, true));
        s
    }

    fn add(s: &mut Session, group: &str, agency: Option<&str>, author: Option<&str>, flagship: bool) -> u64 {
        let new = NewIdea {
            group: group.into(),
            title: "x".into(),
            agency: agency.map(Into::into),
            author: author.map(Into::into),
            flagship,
            ..Default::default()
        };
        let now = s.created_at;
        s.add_idea(new, now).unwrap()
    }

    #[test]
    fn an_idea_counts_for_its_own_agency_else_its_authors() {
        let mut s = session();
        let own = add(&mut s, "meja-1", Some("Dinas Sosial"), Some("Budi"), false);
        let author = add(&mut s, "meja-4", None, Some("  BUDI "), false);
        // Rina at table 2 has no agency; the first author with one decides.
        let second = add(&mut s, "meja-2", None, Some("Rina; Budi"), false);
        let nobody = add(&mut s, "meja-1", None, Some("Tamu"), false);
        let agency = |id: u64| s.agency_of(s.idea(id).unwrap()).map(str::to_string);
        assert_eq!(agency(own).as_deref(), Some("Dinas Sosial"));
        assert_eq!(agency(author).as_deref(), Some("Dinas Kesehatan"));
        assert_eq!(agency(second).as_deref(), Some("Dinas Kesehatan"));
        assert_eq!(agency(nobody), None);
    }

    #[test]
    fn a_flagship_needs_an_agency_and_one_per_agency() {
        let mut s = session();
        let first = add(&mut s, "meja-1", None, Some("Budi"), true);
        let candidate = add(&mut s, "meja-3", Some("dinas kesehatan"), None, false);
        let orphan = add(&mut s, "meja-3", None, None, false);
        let check = |s: &Session, id: u64| {
            let mut idea = s.idea(id).unwrap().clone();
            idea.flagship = true;
            s.flagship_conflict(&idea)
        };
        assert_eq!(
            check(&s, candidate),
            Some(FlagshipConflict::Taken { agency: "Dinas Kesehatan".into(), holder: first })
        );
        assert_eq!(check(&s, orphan), Some(FlagshipConflict::NoAgency));
        assert_eq!(check(&s, first), None, "an idea never conflicts with itself");
        s.idea_mut(first).unwrap().deleted = true;
        assert_eq!(check(&s, candidate), None, "a deleted flagship holds nothing");
    }
}
