//! The lab's plan: days, their agenda blocks, the 5D stage of each block, and the built-in three-day lab.
//! Plain data with serde and JSON Schema derives; no I/O beyond parsing the embedded default.

use super::parse::{ParseError, ParseKind};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The built-in plan, the three-day Executive Innovation Lab (see DOMAIN.md), as shipped in the binary.
pub const DEFAULT_PLAN_JSON: &str = include_str!("default_plan.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Lab title, e.g. "Executive Laboratorium Inovasi Kota Cilegon".
    pub title: String,
    #[serde(default)]
    pub organiser: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub coach: String,
    /// Who signs the certificates (the mayor, or the head of the organising agency); absent until set.
    /// (Version 4 of the session file.)
    #[serde(default, skip_serializing_if = "Signatory::is_empty")]
    pub signatory: Signatory,
    /// Local time of the lab as an offset from UTC, "+07:00" for WIB.
    #[serde(default)]
    pub utc_offset: UtcOffset,
    /// How many new ideas the lab aims for.
    #[serde(default = "default_target")]
    pub target_ideas: u32,
    /// How many table groups ("Meja 1" …) a new session starts with.
    #[serde(default = "default_tables")]
    pub tables: u32,
    pub days: Vec<Day>,
}

fn default_target() -> u32 {
    50
}

/// The person who signs the certificates (*penandatangan*): a name ("Drs. H. Helldy Agustian") and a position
/// ("Wali Kota Cilegon"), each optional; a certificate leaves what is missing blank, to be written by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
}

impl Signatory {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.position.is_none()
    }
}

fn default_tables() -> u32 {
    6
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Day {
    pub date: NaiveDate,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Stable id, unique in the plan; ideas refer to it.
    pub id: String,
    pub start: ClockTime,
    pub end: ClockTime,
    pub title: String,
    pub stage: Stage,
    pub kind: BlockKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The question put to the tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(default)]
    pub captures_ideas: bool,
    /// What the coach wants to remember during the block (who to call on, what to hand out): shown on the
    /// coach's own screen (`innolab attach`), never on the wall. (Version 5 of the session file.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Block {
    /// Scheduled length in seconds.
    pub fn duration_secs(&self) -> u32 {
        u32::from(self.end.minutes().saturating_sub(self.start.minutes())) * 60
    }
}

/// The 5D method's stages; `none` is for opening, breaks and closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    DrumUp,
    Diagnose,
    Design,
    Deliver,
    Display,
    None,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::DrumUp, Stage::Diagnose, Stage::Design, Stage::Deliver, Stage::Display, Stage::None];

    /// The snake_case name used in files and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Stage::DrumUp => "drum_up",
            Stage::Diagnose => "diagnose",
            Stage::Design => "design",
            Stage::Deliver => "deliver",
            Stage::Display => "display",
            Stage::None => "none",
        }
    }
}

impl FromStr for Stage {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Stage::ALL.into_iter().find(|stage| stage.key() == wanted).ok_or_else(|| ParseError::new(ParseKind::Stage, s))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Talk,
    GroupWork,
    Plenary,
    Break,
    Awards,
}

impl BlockKind {
    pub fn key(self) -> &'static str {
        match self {
            BlockKind::Talk => "talk",
            BlockKind::GroupWork => "group_work",
            BlockKind::Plenary => "plenary",
            BlockKind::Break => "break",
            BlockKind::Awards => "awards",
        }
    }
}

/// A time of day, "HH:MM", stored as minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(ClockTime(hour * 60 + minute))
    }
    pub fn minutes(self) -> u16 {
        self.0
    }
    pub fn hour(self) -> u16 {
        self.0 / 60
    }
    pub fn minute(self) -> u16 {
        self.0 % 60
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl FromStr for ClockTime {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseError::new(ParseKind::Time, s);
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        ClockTime::new(h, m).ok_or_else(bad)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> Cow<'static, str> {
        "ClockTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "description": "A time of day, HH:MM"
        })
    }
}

/// The lab's offset from UTC, "+07:00".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcOffset(FixedOffset);

impl UtcOffset {
    pub fn fixed(self) -> FixedOffset {
        self.0
    }
}

impl Default for UtcOffset {
    /// WIB, the source event's local time.
    fn default() -> Self {
        // 7 hours is within FixedOffset's ±24h range, so this is always Some.
        UtcOffset(FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset"))
    }
}

impl From<FixedOffset> for UtcOffset {
    fn from(offset: FixedOffset) -> Self {
        UtcOffset(offset)
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
    }
}

impl FromStr for UtcOffset {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseError::new(ParseKind::Offset, s);
        let sign = match s.as_bytes().first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(bad()),
        };
        let time: ClockTime = s[1..].parse().map_err(|_| bad())?;
        if time.hour() > 14 {
            return Err(bad());
        }
        FixedOffset::east_opt(sign * i32::from(time.minutes()) * 60).map(UtcOffset).ok_or_else(bad)
    }
}

impl Serialize for UtcOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for UtcOffset {
    fn schema_name() -> Cow<'static, str> {
        "UtcOffset".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[+-](0[0-9]|1[0-4]):[0-5][0-9]$",
            "description": "Offset of the lab's local time from UTC, +HH:MM"
        })
    }
}

/// Where a block sits in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockPos {
    pub day: usize,
    pub index: usize,
}

impl Plan {
    /// Makes every text of a loaded plan inert, block ids included (see `Session::make_inert`).
    pub fn make_inert(&mut self) {
        use super::text::{make_inert, make_inert_multiline, make_inert_opt};
        for field in [&mut self.title, &mut self.organiser, &mut self.venue, &mut self.coach] {
            make_inert(field);
        }
        make_inert_opt(&mut self.signatory.name);
        make_inert_opt(&mut self.signatory.position);
        for day in &mut self.days {
            for block in &mut day.blocks {
                make_inert(&mut block.id);
                make_inert(&mut block.title);
                make_inert_opt(&mut block.speaker);
                make_inert_opt(&mut block.prompt);
                // Notes are written on several lines (the coach's form keeps line breaks), like an idea's detail.
                if let Some(notes) = block.notes.as_mut() {
                    make_inert_multiline(notes);
                }
            }
        }
    }

    /// The built-in three-day lab, with day 1 on `start`.
    pub fn builtin(start: NaiveDate) -> Plan {
        // The embedded file is checked by a unit test, so parsing it cannot fail in a released binary.
        let mut plan: Plan = serde_json::from_str(DEFAULT_PLAN_JSON).expect("the built-in plan is valid JSON");
        plan.start_on(start);
        plan
    }

    /// Moves the plan so day 1 is `start`, keeping the gaps between days.
    pub fn start_on(&mut self, start: NaiveDate) {
        let Some(first) = self.days.first().map(|d| d.date) else { return };
        let shift = start - first;
        for day in &mut self.days {
            day.date += shift;
        }
    }

    /// Every block in agenda order, with its position.
    pub fn blocks(&self) -> impl Iterator<Item = (BlockPos, &Block)> {
        self.days.iter().enumerate().flat_map(|(day, d)| {
            d.blocks.iter().enumerate().map(move |(index, block)| (BlockPos { day, index }, block))
        })
    }

    pub fn block_count(&self) -> usize {
        self.days.iter().map(|d| d.blocks.len()).sum()
    }

    pub fn find_block(&self, id: &str) -> Option<(BlockPos, &Block)> {
        self.blocks().find(|(_, block)| block.id == id)
    }

    /// A block named by a person: its id, else its title (case-insensitive). `Err` holds the ids of every block
    /// with that title when there are several, and nothing when none matches.
    pub fn find_block_named(&self, wanted: &str) -> Result<(BlockPos, &Block), Vec<String>> {
        let wanted = wanted.trim();
        if let Some(found) = self.find_block(wanted) {
            return Ok(found);
        }
        let folded = wanted.to_lowercase();
        let titled: Vec<(BlockPos, &Block)> =
            self.blocks().filter(|(_, b)| b.title.trim().to_lowercase() == folded).collect();
        match titled.as_slice() {
            [one] => Ok(*one),
            several => Err(several.iter().map(|(_, b)| b.id.clone()).collect()),
        }
    }

    pub fn block_at(&self, pos: BlockPos) -> Option<&Block> {
        self.days.get(pos.day)?.blocks.get(pos.index)
    }

    /// The position in agenda order (0-based over all days).
    pub fn flat_index(&self, pos: BlockPos) -> usize {
        self.days[..pos.day.min(self.days.len())].iter().map(|d| d.blocks.len()).sum::<usize>() + pos.index
    }

    /// The block at a 0-based position over all days.
    pub fn at_flat_index(&self, mut flat: usize) -> Option<(BlockPos, &Block)> {
        for (day, d) in self.days.iter().enumerate() {
            if flat < d.blocks.len() {
                return Some((BlockPos { day, index: flat }, &d.blocks[flat]));
            }
            flat -= d.blocks.len();
        }
        None
    }

    pub fn first_date(&self) -> Option<NaiveDate> {
        self.days.first().map(|d| d.date)
    }

    pub fn last_date(&self) -> Option<NaiveDate> {
        self.days.last().map(|d| d.date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_time_round_trips() {
        let t: ClockTime = "08:05".parse().unwrap();
        assert_eq!(t.minutes(), 8 * 60 + 5);
        assert_eq!(t.to_string(), "08:05");
        for bad in ["8:05", "24:00", "12:60", "ab:cd", "", "12:5", "+1:00"] {
            assert!(bad.parse::<ClockTime>().is_err(), "{bad}");
        }
    }

    #[test]
    fn offset_round_trips() {
        for text in ["+07:00", "-03:30", "+00:00", "+14:00"] {
            assert_eq!(text.parse::<UtcOffset>().unwrap().to_string(), text);
        }
        for bad in ["07:00", "+7:00", "+15:00", "+07:60", "UTC"] {
            assert!(bad.parse::<UtcOffset>().is_err(), "{bad}");
        }
        assert_eq!(UtcOffset::default().to_string(), "+07:00");
    }

    #[test]
    fn builtin_plan_parses_and_moves_to_start() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let plan = Plan::builtin(start);
        assert_eq!(plan.days.len(), 3);
        assert_eq!(plan.first_date(), Some(start));
        assert_eq!(plan.last_date(), NaiveDate::from_ymd_opt(2026, 11, 4));
        assert_eq!(plan.target_ideas, 50);
        assert!((5..=6).contains(&plan.tables));
        assert!(plan.blocks().any(|(_, b)| b.kind == BlockKind::Awards));
        assert!(plan.blocks().any(|(_, b)| b.stage == Stage::DrumUp));
        assert!(plan.blocks().filter(|(_, b)| b.stage == Stage::Diagnose && b.captures_ideas).count() >= 3);
    }

    #[test]
    fn flat_index_matches_order() {
        let plan = Plan::builtin(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        for (flat, (pos, block)) in plan.blocks().enumerate() {
            assert_eq!(plan.flat_index(pos), flat);
            assert_eq!(plan.at_flat_index(flat).map(|(_, b)| &b.id), Some(&block.id));
        }
        assert!(plan.at_flat_index(plan.block_count()).is_none());
    }
}
