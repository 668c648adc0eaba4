//! Changing the room: add, rename and remove table groups, and their members. Each operation keeps the
//! session valid (unique ids, every idea's table still exists) or refuses with a reason.

use super::group::{Member, Role, TableGroup};
use super::session::Session;
use super::text;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RosterError {
    #[error("table has ideas")]
    TableHasIdeas { ideas: usize },
    #[error("the last table cannot be removed")]
    LastTable,
    #[error("empty name")]
    EmptyName,
    #[error("no such table or member")]
    NotFound,
    /// A vote is on this table's ideas, or a phone sent ideas for it: both name it.
    #[error("table named by a vote or a phone's submission")]
    TableInUse,
}

impl Session {
    /// Adds a table named `name` (or "Meja N") with a new id "meja-N" and returns its index.
    pub fn add_group(&mut self, name: Option<&str>) -> usize {
        let mut n = self.groups.len() as u32 + 1;
        while self.groups.iter().any(|g| g.id == format!("meja-{n}")) {
            n += 1;
        }
        let mut group = TableGroup::numbered(n);
        if let Some(name) = name.map(text::clean_line).filter(|s| !s.is_empty()) {
            group.name = name;
        }
        self.groups.push(group);
        self.groups.len() - 1
    }

    pub fn rename_group(&mut self, index: usize, name: &str) -> Result<(), RosterError> {
        let name = text::clean_line(name);
        if name.is_empty() {
            return Err(RosterError::EmptyName);
        }
        self.groups.get_mut(index).ok_or(RosterError::NotFound)?.name = name;
        Ok(())
    }

    /// Removes a table that no idea refers to (deleted ideas included: they can still be restored).
    pub fn remove_group(&mut self, index: usize) -> Result<TableGroup, RosterError> {
        let group = self.groups.get(index).ok_or(RosterError::NotFound)?;
        let ideas = self.ideas.iter().filter(|i| i.group == group.id).count();
        if ideas > 0 {
            return Err(RosterError::TableHasIdeas { ideas });
        }
        let voted =
            self.votes.iter().any(|v| matches!(&v.scope, super::vote::VoteScope::Table { group: g } if *g == group.id));
        if voted || self.room.submissions.iter().any(|s| s.group == group.id) {
            return Err(RosterError::TableInUse);
        }
        if self.groups.len() == 1 {
            return Err(RosterError::LastTable);
        }
        Ok(self.groups.remove(index))
    }

    /// Adds a member to a table; text is cleaned as untrusted.
    pub fn add_member(&mut self, table: usize, member: Member) -> Result<usize, RosterError> {
        let member = clean_member(member)?;
        let group = self.groups.get_mut(table).ok_or(RosterError::NotFound)?;
        group.members.push(member);
        Ok(group.members.len() - 1)
    }

    pub fn update_member(&mut self, table: usize, index: usize, member: Member) -> Result<(), RosterError> {
        let member = clean_member(member)?;
        let slot = self.groups.get_mut(table).and_then(|g| g.members.get_mut(index)).ok_or(RosterError::NotFound)?;
        *slot = member;
        Ok(())
    }

    pub fn remove_member(&mut self, table: usize, index: usize) -> Result<Member, RosterError> {
        let group = self.groups.get_mut(table).ok_or(RosterError::NotFound)?;
        if index >= group.members.len() {
            return Err(RosterError::NotFound);
        }
        Ok(group.members.remove(index))
    }

    /// Every agency named in the roster, sorted and without duplicates.
    pub fn roster_agencies(&self) -> Vec<String> {
        let mut agencies: Vec<String> =
            self.groups.iter().flat_map(|g| &g.members).filter_map(|m| m.agency.clone()).collect();
        agencies.sort_by_key(|a| a.to_lowercase());
        agencies.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        agencies
    }

    /// The member of table `group` called `name` (case-insensitive), if any.
    pub fn member_named(&self, group: &str, name: &str) -> Option<&Member> {
        let name = name.trim().to_lowercase();
        self.group(group)?.members.iter().find(|m| m.name.trim().to_lowercase() == name)
    }
}

fn clean_member(member: Member) -> Result<Member, RosterError> {
    let name = text::clean_line(&member.name);
    if name.is_empty() {
        return Err(RosterError::EmptyName);
    }
    let agency = member.agency.map(|a| text::clean_line(&a)).filter(|a| !a.is_empty());
    Ok(Member { name, agency, ..member })
}

/// A member as typed in the setup screen or a roster file.
pub fn member(name: &str, agency: Option<&str>, role: Role, present: bool) -> Member {
    Member { name: name.to_string(), agency: agency.map(str::to_string), role, present }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Session;
    use crate::model::session::NewIdea;
    use crate::model::validate::session_problems;

    fn session() -> Session {
        crate::testing::seed_session(crate::testing::at("2022-11-02T08:00:00+07:00"))
    }

    #[test]
    fn tables_are_added_with_fresh_ids() {
        let mut s = session();
        s.remove_group(2).unwrap();
        let i = s.add_group(None);
        assert_eq!(s.groups[i].id, "meja-7", "meja-6 still exists, so the next free number is used");
        let j = s.add_group(Some("  Meja Tamu\x1b[2J "));
        assert_eq!(s.groups[j].name, "Meja Tamu");
        assert!(session_problems(&s).is_empty());
    }

    #[test]
    fn a_table_with_ideas_is_not_removed() {
        let mut s = session();
        let now = s.created_at;
        let id = s.add_idea(NewIdea { group: "meja-2".into(), title: "x".into(), ..Default::default() }, now).unwrap();
        s.idea_mut(id).unwrap().deleted = true;
        assert_eq!(s.remove_group(1), Err(RosterError::TableHasIdeas { ideas: 1 }));
        assert!(s.remove_group(0).is_ok());
        while s.groups.len() > 2 {
            let last = s.groups.len() - 1;
            s.remove_group(last).unwrap();
        }
        assert_eq!(s.groups.len(), 2);
    }

    #[test]
    fn the_last_table_stays() {
        let mut s = session();
        while s.groups.len() > 1 {
            s.remove_group(0).unwrap();
        }
        assert_eq!(s.remove_group(0), Err(RosterError::LastTable));
    }

    #[test]
    fn members_are_cleaned_and_agencies_listed() {
        let mut s = session();
        s.add_member(0, member(" Budi ", Some("Dinas Kesehatan"), Role::Head, true)).unwrap();
        s.add_member(1, member("Rina", Some("dinas kesehatan"), Role::Representative, false)).unwrap();
        s.add_member(1, member("Ani", Some("Bappedalitbang"), Role::Staff, true)).unwrap();
        assert_eq!(s.add_member(1, member("  ", None, Role::Staff, true)), Err(RosterError::EmptyName));
        assert_eq!(s.groups[0].members[0].name, "Budi");
        assert_eq!(s.roster_agencies(), vec!["Bappedalitbang", "Dinas Kesehatan"]);
        assert_eq!(s.member_named("meja-2", "rina").map(|m| m.role), Some(Role::Representative));
        s.remove_member(1, 0).unwrap();
        assert!(s.member_named("meja-2", "rina").is_none());
    }
}
