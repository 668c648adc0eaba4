//! Is a session ready for the closing ceremony and the official report? Every idea-maker gets an award, so
//! the readiness check names what would make the awards list or One Agency One Innovation wrong.

use std::fmt::Write as _;

use rust_i18n::t;
use serde::Serialize;

use super::view::SessionView;
use super::{Counter, Kept};
use crate::i18n::{Lang, plural_key};
use crate::model::Session;

/// One open item, for the organisers to settle before the ceremony. Its text is owned (`S = String`), or
/// borrowed from the session while it is counted (`S = &str`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding<S = String> {
    /// Nobody is credited with the idea, so nobody is awarded for it.
    NoAuthor { idea: u64, title: S, table: S },
    /// Neither the idea nor its author (on the roster) has an agency: it counts for no agency.
    NoAgency { idea: u64, title: S, table: S },
    /// An author the roster does not know: no table or agency for the awards list.
    AuthorNotOnRoster { idea: u64, title: S, table: S, author: S },
    /// An author the roster marks absent, who would be called up at the ceremony.
    AbsentAuthor { idea: u64, title: S, table: S, author: S },
    /// A flagship that counts for no agency.
    FlagshipWithoutAgency { idea: u64, title: S, table: S },
    /// A roster agency with no idea at all.
    AgencyWithoutIdea { agency: S },
    /// An agency with ideas but no flagship among them.
    AgencyWithoutFlagship { agency: S },
    /// An agency with more than one flagship (One Agency, One Innovation allows one).
    SeveralFlagships { agency: S, ideas: Vec<u64> },
}

/// The open items of one session: ideas first (by id, each idea's items together), then agencies by name.
/// They are found while the session is counted (`Counter::add`, which looks each name up once for both).
pub fn check(session: &Session) -> Vec<Finding> {
    let mut counter = Counter::<Kept>::default();
    counter.add("", &SessionView::of(session));
    counter.rows.readiness.into_iter().map(|item| item.finding).collect()
}

impl Finding<&str> {
    /// The item with its own copy of the text.
    pub fn owned(&self) -> Finding {
        let own = |text: &&str| (*text).to_string();
        match self {
            Finding::NoAuthor { idea, title, table } => {
                Finding::NoAuthor { idea: *idea, title: own(title), table: own(table) }
            }
            Finding::NoAgency { idea, title, table } => {
                Finding::NoAgency { idea: *idea, title: own(title), table: own(table) }
            }
            Finding::AuthorNotOnRoster { idea, title, table, author } => {
                Finding::AuthorNotOnRoster { idea: *idea, title: own(title), table: own(table), author: own(author) }
            }
            Finding::AbsentAuthor { idea, title, table, author } => {
                Finding::AbsentAuthor { idea: *idea, title: own(title), table: own(table), author: own(author) }
            }
            Finding::FlagshipWithoutAgency { idea, title, table } => {
                Finding::FlagshipWithoutAgency { idea: *idea, title: own(title), table: own(table) }
            }
            Finding::AgencyWithoutIdea { agency } => Finding::AgencyWithoutIdea { agency: own(agency) },
            Finding::AgencyWithoutFlagship { agency } => Finding::AgencyWithoutFlagship { agency: own(agency) },
            Finding::SeveralFlagships { agency, ideas } => {
                Finding::SeveralFlagships { agency: own(agency), ideas: ideas.clone() }
            }
        }
    }
}

impl<S> Finding<S> {
    /// The stable key of the kind of item (as in the JSON's `kind`).
    pub fn key(&self) -> &'static str {
        match self {
            Finding::NoAuthor { .. } => "no_author",
            Finding::NoAgency { .. } => "no_agency",
            Finding::AuthorNotOnRoster { .. } => "author_not_on_roster",
            Finding::AbsentAuthor { .. } => "absent_author",
            Finding::FlagshipWithoutAgency { .. } => "flagship_without_agency",
            Finding::AgencyWithoutIdea { .. } => "agency_without_idea",
            Finding::AgencyWithoutFlagship { .. } => "agency_without_flagship",
            Finding::SeveralFlagships { .. } => "several_flagships",
        }
    }

    /// Whether the item is about who is awarded: an idea nobody is credited with, an author the roster does not
    /// know (no table or agency to print) or marks absent. What the certificates' readiness check lists.
    pub fn concerns_awardees(&self) -> bool {
        matches!(self, Finding::NoAuthor { .. } | Finding::AuthorNotOnRoster { .. } | Finding::AbsentAuthor { .. })
    }

    /// The idea the item is about, if it is about one.
    pub fn idea(&self) -> Option<u64> {
        match self {
            Finding::NoAuthor { idea, .. }
            | Finding::NoAgency { idea, .. }
            | Finding::AuthorNotOnRoster { idea, .. }
            | Finding::AbsentAuthor { idea, .. }
            | Finding::FlagshipWithoutAgency { idea, .. } => Some(*idea),
            _ => None,
        }
    }
}

impl Finding {
    /// The agency the item is about, if it is about one.
    pub fn agency(&self) -> Option<&str> {
        match self {
            Finding::AgencyWithoutIdea { agency }
            | Finding::AgencyWithoutFlagship { agency }
            | Finding::SeveralFlagships { agency, .. } => Some(agency),
            _ => None,
        }
    }

    /// The item as one sentence in `lang`, with the file's text as it is: each rendering makes it safe its
    /// own way (inert for terminals, escaped for markdown, neutralised for spreadsheets).
    pub fn sentence(&self, lang: Lang) -> String {
        let l = lang.code();
        let idea = |id: &u64, title: &str, table: &str| {
            t!("readiness.idea", id = id, title = title, table = table, locale = l).into_owned()
        };
        match self {
            Finding::NoAuthor { idea: id, title, table } => {
                t!("readiness.no_author", idea = idea(id, title, table), locale = l)
            }
            Finding::NoAgency { idea: id, title, table } => {
                t!("readiness.no_agency", idea = idea(id, title, table), locale = l)
            }
            Finding::AuthorNotOnRoster { idea: id, title, table, author } => {
                t!("readiness.author_not_on_roster", idea = idea(id, title, table), author = author, locale = l)
            }
            Finding::AbsentAuthor { idea: id, title, table, author } => {
                t!("readiness.absent_author", idea = idea(id, title, table), author = author, locale = l)
            }
            Finding::FlagshipWithoutAgency { idea: id, title, table } => {
                t!("readiness.flagship_without_agency", idea = idea(id, title, table), locale = l)
            }
            Finding::AgencyWithoutIdea { agency } => t!("readiness.agency_without_idea", agency = agency, locale = l),
            Finding::AgencyWithoutFlagship { agency } => {
                t!("readiness.agency_without_flagship", agency = agency, locale = l)
            }
            Finding::SeveralFlagships { agency, ideas } => {
                let ids = ideas.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ");
                t!("readiness.several_flagships", agency = agency, count = ideas.len(), ideas = ids, locale = l)
            }
        }
        .into_owned()
    }
}

impl Finding {
    /// What is wrong, in a few words ("No author", "Absent: Budi"), for lists on the wall where the idea's
    /// title follows.
    pub fn label(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            Finding::NoAuthor { .. } => t!("readiness.label.no_author", locale = l),
            Finding::NoAgency { .. } => t!("readiness.label.no_agency", locale = l),
            Finding::AuthorNotOnRoster { author, .. } => {
                t!("readiness.label.author_not_on_roster", author = author, locale = l)
            }
            Finding::AbsentAuthor { author, .. } => t!("readiness.label.absent_author", author = author, locale = l),
            Finding::FlagshipWithoutAgency { .. } => t!("readiness.label.flagship_without_agency", locale = l),
            Finding::AgencyWithoutIdea { .. } => t!("readiness.label.agency_without_idea", locale = l),
            Finding::AgencyWithoutFlagship { .. } => t!("readiness.label.agency_without_flagship", locale = l),
            Finding::SeveralFlagships { ideas, .. } => {
                let ids = ideas.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ");
                t!("readiness.label.several_flagships", ideas = ids, locale = l)
            }
        }
        .into_owned()
    }

    /// What the item is about: the idea (`#5 "title" (Meja 2)`) or the agency.
    pub fn subject(&self, lang: Lang) -> String {
        match self {
            Finding::NoAuthor { idea, title, table }
            | Finding::NoAgency { idea, title, table }
            | Finding::AuthorNotOnRoster { idea, title, table, .. }
            | Finding::AbsentAuthor { idea, title, table, .. }
            | Finding::FlagshipWithoutAgency { idea, title, table } => {
                t!("readiness.idea", id = idea, title = title, table = table, locale = lang.code()).into_owned()
            }
            Finding::AgencyWithoutIdea { agency }
            | Finding::AgencyWithoutFlagship { agency }
            | Finding::SeveralFlagships { agency, .. } => agency.clone(),
        }
    }
}

/// The items as short lines for the wall, what is wrong first: the items of one idea share a line
/// ("No author, no agency · #7 "Kartu pelajar" (Meja 4)"), each agency has its own ("Dinas Sosial · no idea
/// yet").
pub fn wall_lines<'a>(findings: impl IntoIterator<Item = &'a Finding>, lang: Lang) -> Vec<String> {
    let mut lines: Vec<(Option<u64>, Vec<String>, String)> = Vec::new();
    for finding in findings {
        match (finding.idea(), lines.last_mut()) {
            (Some(id), Some((Some(last), labels, _))) if *last == id => labels.push(finding.label(lang)),
            (idea, _) => lines.push((idea, vec![finding.label(lang)], finding.subject(lang))),
        }
    }
    lines
        .into_iter()
        .map(|(idea, labels, subject)| {
            let labels = labels.join(", ");
            if idea.is_some() {
                format!("{} · {subject}", capitalised(&labels))
            } else {
                format!("{subject} · {labels}")
            }
        })
        .collect()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// "Ready for the awards: nothing open." or "Readiness for the awards: 3 open items".
pub fn headline(open: usize, lang: Lang) -> String {
    if open == 0 {
        t!("readiness.ready", locale = lang.code()).into_owned()
    } else {
        t!(&plural_key("readiness.open", open as u64), count = open, locale = lang.code()).into_owned()
    }
}

/// The line under the readiness heading of a report: "3 open items:" or that nothing is open.
pub fn intro(open: usize, lang: Lang) -> String {
    if open == 0 {
        t!("readiness.ready_short", locale = lang.code()).into_owned()
    } else {
        t!(&plural_key("readiness.open_short", open as u64), count = open, locale = lang.code()).into_owned()
    }
}

/// How many items of each kind, in the order [`check`] lists them: "2 ideas without an author, 1 absent
/// author". For a one-line summary on the wall.
pub fn summary<'a>(findings: impl IntoIterator<Item = &'a Finding>, lang: Lang) -> String {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for finding in findings {
        match counts.iter_mut().find(|(key, _)| *key == finding.key()) {
            Some((_, n)) => *n += 1,
            None => counts.push((finding.key(), 1)),
        }
    }
    let order = [
        "no_author",
        "author_not_on_roster",
        "absent_author",
        "no_agency",
        "flagship_without_agency",
        "several_flagships",
        "agency_without_flagship",
        "agency_without_idea",
    ];
    counts.sort_by_key(|(key, _)| order.iter().position(|k| k == key));
    let mut out = String::new();
    for (key, n) in counts {
        if !out.is_empty() {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{}",
            t!(&plural_key(&format!("readiness.count.{key}"), n as u64), count = n, locale = lang.code())
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::roster::member;
    use crate::model::{NewIdea, Role};
    use chrono::DateTime;

    fn session() -> Session {
        let plan = crate::testing::seed_plan();
        let mut s = Session::new(plan, DateTime::parse_from_rfc3339("2022-11-02T08:00:00+07:00").unwrap());
        s.groups[0].members.push(member("Budi", Some("Dinas Kesehatan"), Role::Head, true));
        s.groups[0].members.push(member("Rina", Some("Dinas Sosial"), Role::Representative, false));
        s.groups[1].members.push(member("Ani", Some("Bappedalitbang"), Role::Head, true));
        s.groups[1].members.push(member("Dedi", None, Role::Staff, true));
        s.groups[2].members.push(member("Sari", Some("Dinas Pendidikan"), Role::Head, true));
        s
    }

    fn add(s: &mut Session, group: &str, title: &str, author: Option<&str>, agency: Option<&str>, flag: bool) -> u64 {
        let new = NewIdea {
            group: group.into(),
            title: title.into(),
            author: author.map(Into::into),
            agency: agency.map(Into::into),
            flagship: flag,
            ..Default::default()
        };
        let now = s.created_at;
        s.add_idea(new, now).unwrap()
    }

    #[test]
    fn a_ready_session_has_nothing_open() {
        let mut s = session();
        add(&mut s, "meja-1", "Posyandu digital", Some("Budi"), None, true);
        s.groups[0].members[1].present = true;
        add(&mut s, "meja-1", "Bank sampah", Some("Rina"), None, true);
        add(&mut s, "meja-2", "SIP sehari", Some("ani"), None, true);
        add(&mut s, "meja-3", "Sekolah ramah", Some("Sari; Budi"), None, true);
        s.groups[1].members[1].agency = Some("Bappedalitbang".into());
        assert_eq!(check(&s), vec![]);
    }

    #[test]
    fn every_kind_of_open_item_is_named() {
        let mut s = session();
        let nobody = add(&mut s, "meja-1", "Tanpa penggagas", None, Some("Dinas Kesehatan"), false);
        let guest = add(&mut s, "meja-2", "Usul tamu", Some("Tamu"), None, true);
        let absent = add(&mut s, "meja-1", "Bank sampah", Some("Rina"), None, false);
        let first = add(&mut s, "meja-2", "SIP sehari", Some("Ani"), None, true);
        let second = add(&mut s, "meja-2", "Izin online", None, Some("bappedalitbang"), true);
        let deleted = add(&mut s, "meja-3", "Dihapus", None, None, true);
        s.idea_mut(deleted).unwrap().deleted = true;
        let found = check(&s);
        let table = |n: u32| format!("Meja {n}");
        assert_eq!(
            found,
            vec![
                Finding::NoAuthor { idea: nobody, title: "Tanpa penggagas".into(), table: table(1) },
                Finding::AuthorNotOnRoster {
                    idea: guest,
                    title: "Usul tamu".into(),
                    table: table(2),
                    author: "Tamu".into()
                },
                Finding::NoAgency { idea: guest, title: "Usul tamu".into(), table: table(2) },
                Finding::FlagshipWithoutAgency { idea: guest, title: "Usul tamu".into(), table: table(2) },
                Finding::AbsentAuthor {
                    idea: absent,
                    title: "Bank sampah".into(),
                    table: table(1),
                    author: "Rina".into()
                },
                Finding::NoAuthor { idea: second, title: "Izin online".into(), table: table(2) },
                Finding::SeveralFlagships { agency: "Bappedalitbang".into(), ideas: vec![first, second] },
                Finding::AgencyWithoutFlagship { agency: "Dinas Kesehatan".into() },
                Finding::AgencyWithoutIdea { agency: "Dinas Pendidikan".into() },
                Finding::AgencyWithoutFlagship { agency: "Dinas Sosial".into() },
            ]
        );
        assert_eq!(
            summary(&found, Lang::En),
            "2 ideas without an author, 1 author not on the roster, 1 absent author, 1 idea without an agency, \
             1 flagship without an agency, 1 agency with several flagships, 2 agencies without a flagship, \
             1 agency without an idea"
        );
        assert_eq!(headline(found.len(), Lang::En), "Readiness for the awards: 10 open items");
        assert_eq!(headline(1, Lang::En), "Readiness for the awards: 1 open item");
        assert_eq!(headline(0, Lang::Id), "Siap untuk penghargaan: tidak ada yang terbuka.");
        assert_eq!(
            wall_lines(&found, Lang::En)[..3],
            [
                "No author · #1 \"Tanpa penggagas\" (Meja 1)",
                "Not on the roster: Tamu, no agency, flagship without an agency · #2 \"Usul tamu\" (Meja 2)",
                "Absent: Rina · #3 \"Bank sampah\" (Meja 1)",
            ]
        );
        assert_eq!(wall_lines(&found, Lang::Id)[5], "Dinas Kesehatan · belum ada inovasi unggulan");
        assert_eq!(found[4].sentence(Lang::En), "#3 \"Bank sampah\" (Meja 1): its author Rina is marked absent");
        assert_eq!(
            found[6].sentence(Lang::Id),
            "Bappedalitbang: 2 inovasi unggulan (#4, #5); Satu OPD Satu Inovasi hanya membolehkan satu"
        );
    }
}
