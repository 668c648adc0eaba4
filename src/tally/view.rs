//! What a tally reads of a session: its plan's days and blocks, its tables and roster and its ideas, as a view
//! that borrows the text, made from a loaded [`Session`] or decoded straight from a session file's text.
//!
//! Decoding a year of labs into owned sessions copied every string of every file only to count it and drop it.
//! [`SessionView::decode`] reads the same file with the same strictness as `store::load`, field for field, but
//! borrows each string from the file's text (an owned copy only where a JSON escape forces one). It answers
//! only "yes, here it is" or "no": a file it refuses is loaded again by `store::load`, which says why (or finds
//! it good after all: the check here may refuse more, never less). See [`SessionView::decode`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::model::text::{MAX_TEXT_BYTES, inert};
use crate::model::validate::{MAX_TABLES, MAX_YEAR, MIN_YEAR};
use crate::model::{
    BlockKind, ClockTime, Form, MAX_ID, MAX_TIMER_SECS, OLDEST_SCHEMA_VERSION, Progress, Role, SCHEMA_VERSION, Session,
    Stage, Timestamp, UtcOffset,
};

/// A session as the tally reads it. Every field of the file is here, so that decoding checks each one as the
/// owned `Session` does (`deny_unknown_fields`, the same types, defaults and renames); the tally reads only the
/// public ones.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionView<'a> {
    schema_version: u32,
    created_at: Stamp,
    updated_at: Stamp,
    #[serde(borrow)]
    pub plan: PlanView<'a>,
    #[serde(borrow)]
    pub groups: Vec<GroupView<'a>>,
    #[serde(borrow, deserialize_with = "ideas")]
    pub ideas: Vec<IdeaView<'a>>,
    progress: Cow<'a, Progress>,
    /// Room mode's submissions are not counted; a file that holds any is left to `store::load` (which checks
    /// them), so this view need not mirror them.
    #[serde(default, deserialize_with = "present")]
    room: bool,
    /// Votes, likewise: a file with any is left to `store::load`, and its votes come from the session then.
    #[serde(default, rename = "votes", deserialize_with = "present")]
    has_votes: bool,
    #[serde(skip)]
    pub votes: &'a [crate::model::Vote],
}

/// True for any value at all (even `null`, which load refuses): a file with a `room` goes to load.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer).map(|_| true)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanView<'a> {
    #[serde(borrow)]
    pub title: Cow<'a, str>,
    #[serde(default, borrow)]
    organiser: Cow<'a, str>,
    #[serde(default, borrow)]
    venue: Cow<'a, str>,
    #[serde(default, borrow)]
    coach: Cow<'a, str>,
    #[serde(default, borrow)]
    signatory: SignatoryView<'a>,
    #[serde(default)]
    utc_offset: Checked<UtcOffset>,
    #[serde(default = "default_target")]
    pub target_ideas: u32,
    #[serde(default = "default_tables")]
    tables: u32,
    #[serde(borrow)]
    pub days: Vec<DayView<'a>>,
}

/// The plan's `signatory` (version 4), read only to be checked as load checks it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatoryView<'a> {
    #[serde(default, borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    position: Option<Cow<'a, str>>,
}

// The owned `Plan`'s defaults (model/plan.rs).
fn default_target() -> u32 {
    50
}

fn default_tables() -> u32 {
    6
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayView<'a> {
    pub date: NaiveDate,
    #[serde(borrow)]
    pub blocks: Vec<BlockView<'a>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockView<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    start: ClockTime,
    end: ClockTime,
    #[serde(borrow)]
    pub title: Cow<'a, str>,
    pub stage: Stage,
    kind: Checked<BlockKind>,
    #[serde(default, borrow)]
    speaker: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    prompt: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    notes: Option<Cow<'a, str>>,
    #[serde(default)]
    captures_ideas: Checked<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupView<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(default, borrow)]
    pub members: Vec<MemberView<'a>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberView<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(default, borrow)]
    pub agency: Option<Cow<'a, str>>,
    role: Checked<Role>,
    #[serde(default = "present_by_default")]
    pub present: bool,
}

fn present_by_default() -> bool {
    true
}

/// An idea as the tally reads it (`Idea`'s fields, with the same attributes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdeaView<'a> {
    pub id: u64,
    #[serde(borrow)]
    pub group: Cow<'a, str>,
    #[serde(default, borrow)]
    pub agency: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub author: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub title: Cow<'a, str>,
    /// Only whether it fits is kept (the tally never shows it; load refuses one that is too long).
    #[serde(default)]
    detail: Option<Fits>,
    pub stage: Stage,
    #[serde(borrow)]
    pub block: Cow<'a, str>,
    #[serde(default)]
    pub form: Option<Form>,
    #[serde(default)]
    pub digital: bool,
    #[serde(default)]
    pub flagship: bool,
    pub created_at: Stamp,
    updated_at: Stamp,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    source: Option<crate::model::Source>,
}

impl IdeaView<'_> {
    pub fn is_live(&self) -> bool {
        !self.deleted
    }
}

/// The ideas as `Vec`'s own `Deserialize` reads them, with room for a lab's worth from the start: an idea is
/// large, and growing the list a few times per file was a tenth of decoding.
fn ideas<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IdeaView<'a>>, D::Error> {
    struct Ideas<'a>(PhantomData<IdeaView<'a>>);
    impl<'de: 'a, 'a> Visitor<'de> for Ideas<'a> {
        type Value = Vec<IdeaView<'a>>;
        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("a sequence")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut ideas = Vec::with_capacity(seq.size_hint().unwrap_or(0).clamp(128, 4096));
            while let Some(idea) = seq.next_element()? {
                ideas.push(idea);
            }
            Ok(ideas)
        }
    }
    deserializer.deserialize_seq(Ideas(PhantomData))
}

/// A time of the file, checked as `Timestamp` is (the same parser), keeping only its local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The date where the time was taken (`Timestamp::date_naive`).
    pub date: NaiveDate,
}

impl From<&Timestamp> for Stamp {
    fn from(at: &Timestamp) -> Stamp {
        Stamp { date: at.date_naive() }
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StampVisitor)
    }
}

/// chrono's visitor for `DateTime<FixedOffset>` (same expectation, same parser), with a fast path for the form
/// innolab writes.
struct StampVisitor;

impl Visitor<'_> for StampVisitor {
    type Value = Stamp;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Stamp, E> {
        match canonical_date(value) {
            Some(date) => Ok(Stamp { date }),
            None => value.parse::<Timestamp>().map(|at| Stamp::from(&at)).map_err(E::custom),
        }
    }
}

/// The local date of "YYYY-MM-DDTHH:MM:SS+HH:MM" exactly, every field in range (no leap second, no fraction),
/// which chrono's parser accepts with that date; None for anything else, which chrono then parses (or
/// rejects) itself.
fn canonical_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 25 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[22] != b':' || !matches!(b[19], b'+' | b'-') {
        return None;
    }
    const DIGITS: [usize; 18] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24];
    if !DIGITS.iter().fold(true, |all, &i| all & b[i].is_ascii_digit()) {
        return None;
    }
    let two = |at: usize| u32::from(b[at] - b'0') * 10 + u32::from(b[at + 1] - b'0');
    let year = two(0) * 100 + two(2);
    let (month, day) = (two(5), two(8));
    if two(11) > 23 || two(14) > 59 || two(17) > 59 || two(20) > 23 || two(23) > 59 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A value checked as a `T` and not kept.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Checked<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|_| Checked(PhantomData))
    }
}

/// A string checked as a `String` is, of which only whether it fits in a text field is kept: at most
/// [`MAX_TEXT_BYTES`] as written. Made inert, a text can only get shorter, so one that fits as written fits
/// once loaded too; one that does not is left to `store::load` to judge.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fits(bool);

impl<'de> Deserialize<'de> for Fits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Len;
        impl Visitor<'_> for Len {
            type Value = Fits;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Fits, E> {
                Ok(Fits(value.len() <= MAX_TEXT_BYTES))
            }
        }
        deserializer.deserialize_string(Len)
    }
}

/// Whether `bytes` hold one of the bytes a hazard's UTF-8 can start with outside the ASCII controls (DEL,
/// 0xC2, 0xD8, 0xE2; see `model::text`). It reads every byte of every file: memchr's vectorised search.
fn may_hold_raw_hazard(bytes: &[u8]) -> bool {
    memchr::memchr3(0x7F, 0xC2, 0xD8, bytes).is_some() || memchr::memchr(0xE2, bytes).is_some()
}

impl<'a> SessionView<'a> {
    /// The view of a loaded session (its text is already inert and checked).
    pub fn of(session: &'a Session) -> SessionView<'a> {
        let text = |s: &'a String| Cow::Borrowed(s.as_str());
        let opt = |s: &'a Option<String>| s.as_deref().map(Cow::Borrowed);
        let plan = &session.plan;
        SessionView {
            schema_version: session.schema_version,
            created_at: Stamp::from(&session.created_at),
            updated_at: Stamp::from(&session.updated_at),
            plan: PlanView {
                title: text(&plan.title),
                organiser: text(&plan.organiser),
                venue: text(&plan.venue),
                coach: text(&plan.coach),
                signatory: SignatoryView { name: opt(&plan.signatory.name), position: opt(&plan.signatory.position) },
                utc_offset: Checked(PhantomData),
                target_ideas: plan.target_ideas,
                tables: plan.tables,
                days: plan
                    .days
                    .iter()
                    .map(|day| DayView {
                        date: day.date,
                        blocks: day
                            .blocks
                            .iter()
                            .map(|block| BlockView {
                                id: text(&block.id),
                                start: block.start,
                                end: block.end,
                                title: text(&block.title),
                                stage: block.stage,
                                kind: Checked(PhantomData),
                                speaker: opt(&block.speaker),
                                prompt: opt(&block.prompt),
                                notes: opt(&block.notes),
                                captures_ideas: Checked(PhantomData),
                            })
                            .collect(),
                    })
                    .collect(),
            },
            groups: session
                .groups
                .iter()
                .map(|group| GroupView {
                    id: text(&group.id),
                    name: text(&group.name),
                    members: group
                        .members
                        .iter()
                        .map(|member| MemberView {
                            name: text(&member.name),
                            agency: opt(&member.agency),
                            role: Checked(PhantomData),
                            present: member.present,
                        })
                        .collect(),
                })
                .collect(),
            ideas: session
                .ideas
                .iter()
                .map(|idea| IdeaView {
                    id: idea.id,
                    group: text(&idea.group),
                    agency: opt(&idea.agency),
                    author: opt(&idea.author),
                    title: text(&idea.title),
                    detail: idea.detail.as_ref().map(|d| Fits(d.len() <= MAX_TEXT_BYTES)),
                    stage: idea.stage,
                    block: text(&idea.block),
                    form: idea.form,
                    digital: idea.digital,
                    flagship: idea.flagship,
                    created_at: Stamp::from(&idea.created_at),
                    updated_at: Stamp::from(&idea.updated_at),
                    deleted: idea.deleted,
                    source: idea.source,
                })
                .collect(),
            progress: Cow::Borrowed(&session.progress),
            room: false,
            has_votes: false,
            votes: &session.votes,
        }
    }

    /// The session in a session file's text (UTF-8, without its byte-order mark), when `store::load` would
    /// accept it: it parses as a `Session` does (every field, type, default and unknown field alike), its text
    /// is made inert exactly as `Session::make_inert` makes it, its version is one this build reads, and it
    /// breaks none of `model::validate`'s invariants. None otherwise, and then only `store::load` can say
    /// why; it may also find the file good after all, as this check refuses on any doubt (a detail too long
    /// before it is made inert, say). The invariants are checked here as a yes or no; the two must change
    /// together (the tests compare them on every field of a session file, mutated every way).
    pub fn decode(text: &'a str) -> Option<SessionView<'a>> {
        let mut view: SessionView<'a> = serde_json::from_str(text).ok()?;
        if view.room || view.has_votes {
            return None;
        }
        // A string read straight from the file can only hold a hazard through one of these bytes (a control
        // character must be escaped in JSON, and an escaped string is a copy): without them, only the copies
        // need looking at.
        let raw_hazards = may_hold_raw_hazard(text.as_bytes());
        view.make_inert(raw_hazards);
        if !(OLDEST_SCHEMA_VERSION..=SCHEMA_VERSION).contains(&view.schema_version) {
            return None;
        }
        // As load reads it: an older version is read as this one.
        view.schema_version = SCHEMA_VERSION;
        view.is_valid().then_some(view)
    }

    /// `Session::make_inert`, field for field: every text that may hold a hazard (`everywhere`, else only
    /// those copied out of JSON escapes) is replaced by its inert form.
    fn make_inert(&mut self, everywhere: bool) {
        let fix = |field: &mut Cow<'a, str>| {
            if (everywhere || matches!(field, Cow::Owned(_)))
                && let Cow::Owned(clean) = inert(field)
            {
                *field = Cow::Owned(clean);
            }
        };
        let fix_opt = |field: &mut Option<Cow<'a, str>>| {
            if let Some(text) = field.as_mut() {
                fix(text);
            }
        };
        let plan = &mut self.plan;
        for field in [&mut plan.title, &mut plan.organiser, &mut plan.venue, &mut plan.coach] {
            fix(field);
        }
        fix_opt(&mut plan.signatory.name);
        fix_opt(&mut plan.signatory.position);
        for block in plan.days.iter_mut().flat_map(|day| &mut day.blocks) {
            fix(&mut block.id);
            fix(&mut block.title);
            fix_opt(&mut block.speaker);
            fix_opt(&mut block.prompt);
            // As `Plan::make_inert`: notes keep their line breaks.
            if let Some(notes) = block.notes.as_mut()
                && (everywhere || matches!(notes, Cow::Owned(_)))
            {
                let mut clean = notes.to_string();
                crate::model::text::make_inert_multiline(&mut clean);
                if clean != **notes {
                    *notes = Cow::Owned(clean);
                }
            }
        }
        // Owned after decoding: the real thing, as load does it.
        let progress = self.progress.to_mut();
        crate::model::text::make_inert(&mut progress.block);
        for timer in &mut progress.timers {
            crate::model::text::make_inert(&mut timer.block);
        }
        for group in &mut self.groups {
            fix(&mut group.id);
            fix(&mut group.name);
            for member in &mut group.members {
                fix(&mut member.name);
                fix_opt(&mut member.agency);
            }
        }
        for idea in &mut self.ideas {
            fix(&mut idea.group);
            fix(&mut idea.block);
            fix(&mut idea.title);
            fix_opt(&mut idea.agency);
            fix_opt(&mut idea.author);
            // The detail is made inert too, which can only shorten it: whether it fits is all that is kept.
        }
    }

    /// Whether `model::validate::session_problems` finds nothing (the same checks, in the same terms).
    fn is_valid(&self) -> bool {
        let fits = |text: &str| text.len() <= MAX_TEXT_BYTES;
        let fits_opt = |text: &Option<Cow<'_, str>>| text.as_deref().is_none_or(fits);
        let required = |text: &str| !text.trim().is_empty() && fits(text);
        let in_years = |at: &Stamp| (MIN_YEAR..=MAX_YEAR).contains(&at.date.year());
        let plan = &self.plan;
        if !required(&plan.title) || ![&plan.organiser, &plan.venue, &plan.coach].into_iter().all(|t| fits(t)) {
            return false;
        }
        if !fits_opt(&plan.signatory.name) || !fits_opt(&plan.signatory.position) {
            return false;
        }
        if plan.target_ideas == 0 || plan.tables > MAX_TABLES || plan.days.is_empty() {
            return false;
        }
        let mut blocks: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
        for (d, day) in plan.days.iter().enumerate() {
            if (d > 0 && day.date <= plan.days[d - 1].date) || day.blocks.is_empty() {
                return false;
            }
            for (b, block) in day.blocks.iter().enumerate() {
                let ok = !block.id.trim().is_empty()
                    && blocks.insert(&block.id)
                    && fits(&block.id)
                    && block.end > block.start
                    && (b == 0 || block.start >= day.blocks[b - 1].start)
                    && required(&block.title)
                    && fits_opt(&block.speaker)
                    && fits_opt(&block.prompt)
                    && fits_opt(&block.notes);
                if !ok {
                    return false;
                }
            }
        }
        if self.groups.is_empty() {
            return false;
        }
        let mut groups: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
        for group in &self.groups {
            let ok = !group.id.trim().is_empty()
                && groups.insert(&group.id)
                && fits(&group.id)
                && required(&group.name)
                && group.members.iter().all(|m| required(&m.name) && fits_opt(&m.agency));
            if !ok {
                return false;
            }
        }
        if !in_years(&self.created_at) || !in_years(&self.updated_at) {
            return false;
        }
        // Files hold ideas in id order, so the ids are unique when each is above the one before.
        let mut last_id = 0;
        let mut ids_in_order = true;
        for idea in &self.ideas {
            let ok = (1..=MAX_ID).contains(&idea.id)
                && groups.contains(&*idea.group)
                && blocks.contains(&*idea.block)
                && fits(&idea.title)
                && fits_opt(&idea.agency)
                && fits_opt(&idea.author)
                && idea.detail.is_none_or(|d| d.0)
                && in_years(&idea.created_at)
                && in_years(&idea.updated_at);
            if !ok {
                return false;
            }
            ids_in_order &= idea.id > last_id;
            last_id = idea.id;
        }
        if !ids_in_order {
            let mut ids: HashSet<u64, foldhash::fast::RandomState> = HashSet::default();
            if !self.ideas.iter().all(|idea| ids.insert(idea.id)) {
                return false;
            }
        }
        let progress = &*self.progress;
        if !blocks.contains(progress.block.as_str()) {
            return false;
        }
        let mut timed: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
        let secs_ok = |secs: i64| (-MAX_TIMER_SECS..=MAX_TIMER_SECS).contains(&secs);
        progress.timers.iter().all(|timer| {
            blocks.contains(timer.block.as_str())
                && timed.insert(&timer.block)
                && (!timer.running || timer.deadline.is_some())
                && (timer.running || timer.remaining_secs.is_some())
                && secs_ok(i64::from(timer.duration_secs))
                && timer.remaining_secs.is_none_or(secs_ok)
                && timer.deadline.is_none_or(|at| in_years(&Stamp::from(&at)))
        })
    }

    pub fn first_date(&self) -> Option<NaiveDate> {
        self.plan.days.first().map(|d| d.date)
    }

    pub fn last_date(&self) -> Option<NaiveDate> {
        self.plan.days.last().map(|d| d.date)
    }

    pub fn block_count(&self) -> usize {
        self.plan.days.iter().map(|d| d.blocks.len()).sum()
    }

    pub fn live_ideas(&self) -> impl Iterator<Item = &IdeaView<'a>> {
        self.ideas.iter().filter(|i| i.is_live())
    }
}
