//! The certificates (*piagam penghargaan*): one A4 landscape page per awardee, as a PDF with the vendored
//! DejaVu Serif embedded (subset). Owns the page's layout, the line wrapping and the fallback for characters the
//! font has no glyph for; who is awarded comes from the tally's awards list, never counted here.
//!
//! Text reaches the PDF only as glyphs through krilla (with its Unicode mapping, so the text can be searched and
//! copied): nothing a name or title holds can become PDF syntax.

use std::borrow::Cow;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document};
use rust_i18n::t;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::ExportError;
use crate::i18n::Lang;
use crate::model::{Plan, Session};
use crate::tally::Tally;

/// The regular and bold faces of DejaVu Serif 2.37 (Bitstream Vera licence, see assets/fonts/LICENSE): the
/// two faces the certificate uses, shipped inside the binary so nothing is fetched or looked up at run time.
static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf");

/// The PDF's creator (document information): how a later export knows the file is its own certificates.
pub const PDF_CREATOR: &str = "innolab certificates";

/// A4 landscape, in points.
const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
/// The widest any line may be: inside the frame with a margin.
const TEXT_W: f32 = 660.0;
const CENTRE: f32 = PAGE_W / 2.0;

/// At most this many lines for a name, an idea title or the lab's title; what is left is cut with "…".
const MAX_NAME_LINES: usize = 2;
const MAX_TITLE_LINES: usize = 3;
const MAX_LAB_LINES: usize = 2;

/// Where the ideas may go (baselines), and the sizes tried, largest first, until every title fits.
const IDEAS_TOP: f32 = 288.0;
const IDEAS_BOTTOM: f32 = 372.0;
const IDEA_SIZES: [f32; 3] = [15.0, 13.5, 12.0];

/// One person on a certificate: as the awards list has them, with the titles of their live ideas, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awardee {
    pub name: String,
    pub agency: Option<String>,
    pub table: String,
    pub ideas: Vec<String>,
}

/// Everyone on the awards list of `tally` (the tally of `session` alone), in its order, with their ideas
/// (`tally::awardee_ideas`, as the ceremony screen reads them out).
pub fn awardees(tally: &Tally, session: &Session) -> Vec<Awardee> {
    let ideas = crate::tally::awardee_ideas(tally, session);
    tally
        .authors
        .iter()
        .zip(ideas)
        .map(|(author, ids)| Awardee {
            name: author.name.clone(),
            agency: author.agency.clone(),
            table: author.table.clone(),
            ideas: ids.iter().filter_map(|&id| session.idea(id)).map(|idea| idea.title.clone()).collect(),
        })
        .collect()
}

/// The certificates of everyone on the awards list of `session`, with the signatory its plan names. Nobody
/// credited yet is an error: a PDF without a page is no file to hand out.
pub fn session_pdf(session: &Session, lang: Lang) -> Result<Vec<u8>, ExportError> {
    let tally = Tally::of(&[crate::tally::SessionRef::new("", session)]);
    let awardees = awardees(&tally, session);
    if awardees.is_empty() {
        return Err(ExportError::Pdf(t!("notice.no_certificates", locale = lang.code()).into_owned()));
    }
    pdf(&session.plan, session.created_at.date_naive(), &awardees, lang)
}

/// The PDF: one page per awardee, in `lang`, with the lab's title, dates and venue and the signatory of `plan`.
/// `held_on` stands in for the dates when the plan has no days.
pub fn pdf(plan: &Plan, held_on: NaiveDate, awardees: &[Awardee], lang: Lang) -> Result<Vec<u8>, ExportError> {
    let faces = Faces::load().ok_or_else(|| ExportError::Pdf("the embedded font does not load".into()))?;
    let l = lang.code();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} · {}", t!("certificates.heading", locale = l), faces.regular.drawable(&plan.title)))
            .creator(PDF_CREATOR.to_string())
            .producer(format!("innolab {}", env!("CARGO_PKG_VERSION")))
            .language(l.to_string()),
    );
    let occasion = Occasion::of(plan, held_on, lang);
    for awardee in awardees {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ExportError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw_page(&mut surface, &faces, &occasion, awardee, lang);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| ExportError::Pdf(format!("{e:?}")))
}

/// What every page says about the lab, worded once.
struct Occasion {
    organiser: String,
    /// "in the Executive Laboratorium Inovasi Kota Cilegon".
    lab: String,
    /// "2–4 November 2022 · Hotel Tentrem, Yogyakarta".
    when_where: String,
    signatory_name: Option<String>,
    signatory_position: Option<String>,
}

impl Occasion {
    fn of(plan: &Plan, held_on: NaiveDate, lang: Lang) -> Occasion {
        let l = lang.code();
        let first = plan.first_date().unwrap_or(held_on);
        let last = plan.last_date().unwrap_or(first);
        let dates = long_date_range(first, last, lang);
        let venue = plan.venue.trim();
        let when_where = if venue.is_empty() { dates } else { format!("{dates} · {venue}") };
        let present =
            |text: &Option<String>| text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from);
        Occasion {
            organiser: plan.organiser.trim().to_string(),
            lab: t!("certificates.in_lab", title = plan.title.trim(), locale = l).into_owned(),
            when_where,
            signatory_name: present(&plan.signatory.name),
            signatory_position: present(&plan.signatory.position),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Dates in words

/// "2–4 November 2022", "30 November – 2 Desember 2022", "30 December 2022 – 2 January 2023", or one day
/// ("4 November 2022"), with the month names of `lang`.
pub fn long_date_range(first: NaiveDate, last: NaiveDate, lang: Lang) -> String {
    let month = |date: NaiveDate| {
        let key = format!("certificates.month.{}", date.month());
        t!(&key, locale = lang.code()).into_owned()
    };
    let (first, last) = if last < first { (last, first) } else { (first, last) };
    if first == last {
        format!("{} {} {}", first.day(), month(first), first.year())
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}–{} {} {}", first.day(), last.day(), month(last), last.year())
    } else if first.year() == last.year() {
        format!("{} {} – {} {} {}", first.day(), month(first), last.day(), month(last), last.year())
    } else {
        format!("{} {} {} – {} {} {}", first.day(), month(first), first.year(), last.day(), month(last), last.year())
    }
}

// ---------------------------------------------------------------------------------------------------------
// The fonts: what they can draw, and how wide it is

/// One face: krilla's handle (to draw) and skrifa's character map and advances (to measure).
struct Face {
    font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
    units_per_em: f32,
    /// What stands for a character the face has no glyph for: U+FFFD when it has one, else "?".
    replacement: char,
}

struct Faces {
    regular: Face,
    bold: Face,
}

impl Faces {
    fn load() -> Option<Faces> {
        Some(Faces { regular: Face::load(REGULAR)?, bold: Face::load(BOLD)? })
    }
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let font = Font::new(Data::from(data), 0)?;
        let skrifa = FontRef::new(data).ok()?;
        let charmap = skrifa.charmap();
        let replacement = if charmap.map('\u{FFFD}').is_some() { '\u{FFFD}' } else { '?' };
        Some(Face {
            units_per_em: f32::from(skrifa.metrics(Size::unscaled(), LocationRef::default()).units_per_em),
            metrics: skrifa.glyph_metrics(Size::unscaled(), LocationRef::default()),
            charmap,
            font,
            replacement,
        })
    }

    fn has(&self, c: char) -> bool {
        self.charmap.map(c).is_some()
    }

    /// `text` as this face can draw it: each character it has no glyph for (an emoji, a script it lacks) is
    /// replaced by a visible [`Face::replacement`], never dropped and never a missing-glyph box. What only
    /// shapes such a character (a joiner, a variation selector, a skin tone, a keycap) joins its replacement,
    /// so "👩‍💻" is one; invisible format characters the face lacks are left out (there is nothing to see).
    fn drawable<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.chars().all(|c| self.has(c)) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        // After a replacement: whether what follows may still belong to the same unseen character.
        let mut in_replaced = false;
        let mut after_joiner = false;
        for c in text.chars() {
            if self.has(c) && !(in_replaced && is_emoji_part(c)) {
                out.push(c);
                in_replaced = false;
                after_joiner = false;
            } else if in_replaced && (is_emoji_part(c) || is_default_ignorable(c)) {
                after_joiner = c == '\u{200D}';
            } else if is_default_ignorable(c) {
                // Invisible by definition: nothing is lost by leaving it out.
            } else if in_replaced && after_joiner {
                // The next part of a joined sequence ("👩‍💻"): already stood for.
                after_joiner = false;
            } else {
                out.push(self.replacement);
                in_replaced = true;
                after_joiner = false;
            }
        }
        Cow::Owned(out)
    }

    /// The advance of `text` (as [`Face::drawable`] made it) at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// A character's advance in ems.
    fn advance(&self, c: char) -> f32 {
        let glyph = self.charmap.map(c).unwrap_or_default();
        self.metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em
    }

    /// One glyph per character of `text` (as [`Face::drawable`] made it), each mapped back to its character.
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(at, c)| {
                let glyph = self.charmap.map(c).unwrap_or_default();
                let range: Range<usize> = at..at + c.len_utf8();
                KrillaGlyph::new(GlyphId::new(glyph.to_u32()), self.advance(c), 0.0, 0.0, 0.0, range, None)
            })
            .collect()
    }
}

/// Characters that only modify or join an emoji: joiner, variation selectors, skin tones, keycap, tags.
fn is_emoji_part(c: char) -> bool {
    matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{20E3}' | '\u{E0020}'..='\u{E007F}')
}

/// Unicode's default-ignorable code points: drawn as nothing when a font lacks them.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

// ---------------------------------------------------------------------------------------------------------
// Lines: wrapping and cutting

/// `text` broken into lines no wider than `max` at `size`: at spaces, and inside a word only when the word
/// alone is wider. At most `max_lines`; when there is more, the last line ends with "…".
fn wrap(face: &Face, text: &str, size: f32, max: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    let space = face.width(" ", size);
    let mut cut = false;
    'words: for word in text.split_whitespace() {
        let word_width = face.width(word, size);
        if !line.is_empty() && width + space + word_width <= max {
            line.push(' ');
            line.push_str(word);
            width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            if lines.len() == max_lines {
                cut = true;
                break 'words;
            }
        }
        if word_width <= max {
            line.push_str(word);
            width = word_width;
            continue;
        }
        // A word wider than the line: as many characters as fit on each line.
        width = 0.0;
        for c in word.chars() {
            let w = face.width(c.encode_utf8(&mut [0; 4]), size);
            if !line.is_empty() && width + w > max {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
                if lines.len() == max_lines {
                    cut = true;
                    break 'words;
                }
            }
            line.push(c);
            width += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if cut && let Some(last) = lines.last_mut() {
        *last = with_ellipsis(face, last, size, max);
    }
    lines
}

/// `line` shortened until it fits in `max` with "…" after it.
fn with_ellipsis(face: &Face, line: &str, size: f32, max: f32) -> String {
    let room = max - face.width("…", size);
    let mut out = String::new();
    let mut width = 0.0;
    for c in line.chars() {
        let w = face.width(c.encode_utf8(&mut [0; 4]), size);
        if width + w > room {
            break;
        }
        out.push(c);
        width += w;
    }
    format!("{}…", out.trim_end())
}

/// The largest of `sizes` at which `text` fits on one line of `max`, else the smallest.
fn fitting_size(face: &Face, text: &str, sizes: &[f32], max: f32) -> f32 {
    sizes.iter().copied().find(|&size| face.width(text, size) <= max).or(sizes.last().copied()).unwrap_or(12.0)
}

/// How the ideas are shown: at one size, each title's lines, and how many titles did not fit.
#[derive(Debug, Clone, PartialEq)]
struct IdeasLayout {
    size: f32,
    titles: Vec<Vec<String>>,
    left_out: usize,
}

impl IdeasLayout {
    fn line_height(size: f32) -> f32 {
        size * 1.3
    }

    /// How many lines of `size` fit between the ideas' top and bottom baselines.
    fn capacity(size: f32) -> usize {
        ((IDEAS_BOTTOM - IDEAS_TOP) / Self::line_height(size)) as usize + 1
    }

    /// Every title at the largest size at which all fit; when none does, at the smallest size the first titles
    /// that fit with a line left for "and K more ideas".
    fn of(face: &Face, titles: &[String]) -> IdeasLayout {
        let quoted: Vec<String> = titles.iter().map(|t| format!("“{}”", face.drawable(t.trim()))).collect();
        let wrapped = |size: f32| -> Vec<Vec<String>> {
            quoted.iter().map(|t| wrap(face, t, size, TEXT_W - 60.0, MAX_TITLE_LINES)).collect()
        };
        for size in IDEA_SIZES {
            let all = wrapped(size);
            if all.iter().map(Vec::len).sum::<usize>() <= Self::capacity(size) {
                return IdeasLayout { size, titles: all, left_out: 0 };
            }
        }
        let size = IDEA_SIZES[IDEA_SIZES.len() - 1];
        let room = Self::capacity(size).saturating_sub(1);
        let mut kept = Vec::new();
        let mut used = 0;
        for title in wrapped(size) {
            if used + title.len() > room {
                break;
            }
            used += title.len();
            kept.push(title);
        }
        let left_out = titles.len() - kept.len();
        IdeasLayout { size, titles: kept, left_out }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Drawing one page

const NAVY: (u8, u8, u8) = (31, 58, 95);
const GOLD: (u8, u8, u8) = (176, 141, 46);
const INK: (u8, u8, u8) = (34, 34, 34);
const GREY: (u8, u8, u8) = (96, 96, 96);

fn colour((r, g, b): (u8, u8, u8)) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

fn draw_page(surface: &mut Surface, faces: &Faces, occasion: &Occasion, awardee: &Awardee, lang: Lang) {
    let l = lang.code();
    frame(surface);

    if !occasion.organiser.is_empty() {
        let organiser = faces.regular.drawable(&occasion.organiser).to_uppercase();
        let size = fitting_size(&faces.regular, &organiser, &[11.0, 9.5, 8.0], TEXT_W);
        let line = wrap(&faces.regular, &organiser, size, TEXT_W, 1);
        text_lines(surface, &faces.regular, &line, size, 74.0, 0.0, GREY);
    }
    let heading = t!("certificates.heading", locale = l).to_uppercase();
    text_lines(surface, &faces.bold, &[heading], 34.0, 118.0, 0.0, NAVY);
    rule(surface, CENTRE - 70.0, CENTRE + 70.0, 134.0, 1.2, GOLD);
    let presented = t!("certificates.presented_to", locale = l).into_owned();
    text_lines(surface, &faces.regular, &[presented], 13.0, 164.0, 0.0, GREY);

    // The name, as large as fits on one line; a very long one wraps onto a second at the smallest size.
    let name = faces.bold.drawable(awardee.name.trim());
    let size = fitting_size(&faces.bold, &name, &[32.0, 28.0, 24.0, 20.0], TEXT_W);
    let lines = wrap(&faces.bold, &name, size, TEXT_W, MAX_NAME_LINES);
    let name_y = if lines.len() > 1 { 196.0 } else { 206.0 };
    let after_name = text_lines(surface, &faces.bold, &lines, size, name_y, size * 1.15, INK);

    let agency = awardee.agency.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let who = match agency {
        Some(agency) => t!("certificates.agency_table", agency = agency, table = awardee.table.trim(), locale = l),
        None => t!("certificates.table_only", table = awardee.table.trim(), locale = l),
    };
    let who = faces.regular.drawable(&who).into_owned();
    let size = fitting_size(&faces.regular, &who, &[14.0, 12.5, 11.0], TEXT_W);
    let who_y = after_name.max(206.0) + 28.0;
    text_lines(surface, &faces.regular, &wrap(&faces.regular, &who, size, TEXT_W, 1), size, who_y, 0.0, INK);

    let for_ideas = match awardee.ideas.len() {
        1 => t!("certificates.for_idea", locale = l),
        _ => t!("certificates.for_ideas", locale = l),
    };
    text_lines(surface, &faces.regular, &[for_ideas.into_owned()], 12.0, who_y + 28.0, 0.0, GREY);
    let ideas = IdeasLayout::of(&faces.regular, &awardee.ideas);
    let step = IdeasLayout::line_height(ideas.size);
    let mut y = IDEAS_TOP.max(who_y + 28.0 + 26.0);
    for title in &ideas.titles {
        y = text_lines(surface, &faces.regular, title, ideas.size, y, step, NAVY) + step;
    }
    if ideas.left_out > 0 {
        let more = t!(
            &crate::i18n::plural_key("certificates.more_ideas", ideas.left_out as u64),
            count = ideas.left_out,
            locale = l
        );
        text_lines(surface, &faces.regular, &[more.into_owned()], ideas.size, y, 0.0, GREY);
    }

    let lab = faces.regular.drawable(&occasion.lab).into_owned();
    let lab_lines = wrap(&faces.regular, &lab, 13.0, TEXT_W, MAX_LAB_LINES);
    let after_lab = text_lines(surface, &faces.regular, &lab_lines, 13.0, 400.0, 16.0, INK);
    let when_where = faces.regular.drawable(&occasion.when_where).into_owned();
    let size = fitting_size(&faces.regular, &when_where, &[12.0, 10.5, 9.0], TEXT_W);
    let line = wrap(&faces.regular, &when_where, size, TEXT_W, 1);
    text_lines(surface, &faces.regular, &line, size, after_lab + 20.0, 0.0, GREY);

    signature(surface, faces, occasion);
}

/// The signatory's block, centred at the foot: a line to sign on, the name and the position under it. What the
/// plan does not say is left blank, to be written by hand.
fn signature(surface: &mut Surface, faces: &Faces, occasion: &Occasion) {
    let half = 120.0;
    rule(surface, CENTRE - half, CENTRE + half, 500.0, 0.8, INK);
    if let Some(name) = &occasion.signatory_name {
        let name = faces.bold.drawable(name).into_owned();
        let size = fitting_size(&faces.bold, &name, &[13.0, 11.5, 10.0], 2.0 * half + 160.0);
        let line = wrap(&faces.bold, &name, size, 2.0 * half + 160.0, 1);
        text_lines(surface, &faces.bold, &line, size, 517.0, 0.0, INK);
    }
    if let Some(position) = &occasion.signatory_position {
        let position = faces.regular.drawable(position).into_owned();
        let size = fitting_size(&faces.regular, &position, &[11.5, 10.0, 9.0], 2.0 * half + 200.0);
        let line = wrap(&faces.regular, &position, size, 2.0 * half + 200.0, 1);
        text_lines(surface, &faces.regular, &line, size, 533.0, 0.0, GREY);
    }
}

/// A double frame: a heavy navy line and a thin gold one inside it, with gold corner squares.
fn frame(surface: &mut Surface) {
    rectangle(surface, 22.0, 3.0, NAVY);
    rectangle(surface, 31.0, 0.8, GOLD);
    for (x, y) in [(31.0, 31.0), (PAGE_W - 31.0, 31.0), (31.0, PAGE_H - 31.0), (PAGE_W - 31.0, PAGE_H - 31.0)] {
        let mut corner = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x - 5.0, y - 5.0, 10.0, 10.0) {
            corner.push_rect(rect);
        }
        if let Some(path) = corner.finish() {
            surface.set_stroke(None);
            surface.set_fill(Some(Fill { paint: colour(GOLD).into(), ..Fill::default() }));
            surface.draw_path(&path);
        }
    }
}

/// A rectangle `inset` points inside the page's edge.
fn rectangle(surface: &mut Surface, inset: f32, width: f32, paint: (u8, u8, u8)) {
    let mut builder = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(inset, inset, PAGE_W - 2.0 * inset, PAGE_H - 2.0 * inset) {
        builder.push_rect(rect);
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke { paint: colour(paint).into(), width, ..Stroke::default() }));
        surface.draw_path(&path);
    }
}

/// A horizontal line from `x0` to `x1` at `y`.
fn rule(surface: &mut Surface, x0: f32, x1: f32, y: f32, width: f32, paint: (u8, u8, u8)) {
    let mut builder = PathBuilder::new();
    builder.move_to(x0, y);
    builder.line_to(x1, y);
    if let Some(path) = builder.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke { paint: colour(paint).into(), width, ..Stroke::default() }));
        surface.draw_path(&path);
    }
}

/// Draws `lines` centred on the page, the first baseline at `y` and each next one `step` lower; returns the
/// last baseline. Each line must already be drawable by `face` ([`Face::drawable`]).
fn text_lines(
    surface: &mut Surface,
    face: &Face,
    lines: &[String],
    size: f32,
    y: f32,
    step: f32,
    ink: (u8, u8, u8),
) -> f32 {
    surface.set_stroke(None);
    surface.set_fill(Some(Fill { paint: colour(ink).into(), ..Fill::default() }));
    let mut baseline = y;
    for (i, line) in lines.iter().enumerate() {
        baseline = y + step * i as f32;
        let line = face.drawable(line);
        let x = CENTRE - face.width(&line, size) / 2.0;
        let glyphs = face.glyphs(&line);
        surface.draw_glyphs(Point::from_xy(x, baseline), &glyphs, face.font.clone(), &line, size, false);
    }
    baseline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faces() -> Faces {
        Faces::load().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn diacritics_are_drawn_as_they_are_and_emoji_are_replaced_visibly() {
        let face = &faces().regular;
        for exact in ["Siti Nurhaliza Ñúñez", "Āmina Çelik Øre", "Müller-Lüdenscheidt ā ē ī ō ū", "(a) \\ <b>"]
        {
            assert_eq!(face.drawable(exact), exact);
        }
        assert_eq!(face.replacement, '\u{FFFD}');
        assert_eq!(face.drawable("Bank sampah 🚀 digital"), "Bank sampah \u{FFFD} digital");
        // A joined emoji, a flag, a skin tone and a variation selector are one replacement each.
        assert_eq!(face.drawable("a👩‍💻b"), "a\u{FFFD}b");
        assert_eq!(face.drawable("👍🏽 ok"), "\u{FFFD} ok");
        assert_eq!(face.drawable("🇮🇩"), "\u{FFFD}\u{FFFD}");
        // Two emoji side by side stay two.
        assert_eq!(face.drawable("🚀🚀"), "\u{FFFD}\u{FFFD}");
        // Chinese, which DejaVu Serif lacks, is replaced too, never dropped.
        assert_eq!(face.drawable("数据"), "\u{FFFD}\u{FFFD}");
        // An invisible character the face lacks is left out rather than shown.
        assert_eq!(face.drawable("a\u{2060}b"), if face.has('\u{2060}') { "a\u{2060}b" } else { "ab" });
    }

    #[test]
    fn long_titles_wrap_at_spaces_and_cut_with_an_ellipsis() {
        let face = &faces().regular;
        let title = "Sistem informasi pelayanan perizinan terpadu satu pintu berbasis aplikasi daring untuk UMKM";
        let lines = wrap(face, title, 15.0, 300.0, 5);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.join(" "), title, "wrapping keeps every word");
        assert!(lines.iter().all(|l| face.width(l, 15.0) <= 300.0), "{lines:?}");
        let cut = wrap(face, title, 15.0, 300.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert!(face.width(&cut[1], 15.0) <= 300.0);
        // A word wider than the line is broken inside.
        let word = "x".repeat(200);
        let lines = wrap(face, &word, 15.0, 300.0, 10);
        assert!(lines.len() > 1 && lines.concat() == word, "{lines:?}");
        // A huge text stops at the lines it may have.
        let huge = "kata ".repeat(200_000);
        assert_eq!(wrap(face, &huge, 12.0, 600.0, 3).len(), 3);
        assert!(wrap(face, "", 12.0, 600.0, 3).is_empty());
    }

    #[test]
    fn many_ideas_shrink_then_the_rest_are_counted() {
        let face = &faces().regular;
        let one = IdeasLayout::of(face, &["Posyandu digital".to_string()]);
        assert_eq!((one.size, one.titles.len(), one.left_out), (15.0, 1, 0));
        assert_eq!(one.titles[0], ["“Posyandu digital”"]);
        let five: Vec<String> = (1..=5).map(|n| format!("Ide nomor {n}")).collect();
        assert_eq!(IdeasLayout::of(face, &five).size, 15.0);
        let six: Vec<String> = (1..=6).map(|n| format!("Ide nomor {n}")).collect();
        let shrunk = IdeasLayout::of(face, &six);
        assert!(shrunk.size < 15.0 && shrunk.left_out == 0, "{shrunk:?}");
        let twenty: Vec<String> = (1..=20).map(|n| format!("Ide nomor {n}")).collect();
        let listed = IdeasLayout::of(face, &twenty);
        assert_eq!(listed.size, 12.0);
        assert_eq!(listed.titles.len() + listed.left_out, 20);
        assert_eq!(listed.titles.len(), IdeasLayout::capacity(12.0) - 1, "one line is kept for 'and K more'");
    }

    #[test]
    fn dates_are_written_out_in_each_language() {
        let (a, b) = (date(2022, 11, 2), date(2022, 11, 4));
        assert_eq!(long_date_range(a, b, Lang::En), "2–4 November 2022");
        assert_eq!(long_date_range(a, b, Lang::Id), "2–4 November 2022");
        assert_eq!(long_date_range(b, b, Lang::Id), "4 November 2022");
        assert_eq!(long_date_range(date(2023, 8, 30), date(2023, 9, 1), Lang::Id), "30 Agustus – 1 September 2023");
        assert_eq!(long_date_range(date(2023, 8, 30), date(2023, 9, 1), Lang::En), "30 August – 1 September 2023");
        assert_eq!(
            long_date_range(date(2023, 12, 30), date(2024, 1, 2), Lang::Id),
            "30 Desember 2023 – 2 Januari 2024"
        );
        let months: Vec<String> =
            (1..=12).map(|m| long_date_range(date(2024, m, 1), date(2024, m, 1), Lang::Id)).collect();
        assert_eq!(months[1], "1 Februari 2024");
        assert_eq!(months[4], "1 Mei 2024");
        assert_eq!(months[9], "1 Oktober 2024");
    }

    #[test]
    fn a_pdf_has_one_page_per_awardee_and_names_its_creator() {
        let plan = crate::testing::seed_plan();
        let awardee = |name: &str| Awardee {
            name: name.into(),
            agency: Some("Dinas Kesehatan".into()),
            table: "Meja 1".into(),
            ideas: vec!["Posyandu digital".into()],
        };
        let bytes = pdf(&plan, date(2022, 11, 2), &[awardee("Budi"), awardee("Ani")], Lang::Id).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        let pages = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
        assert_eq!(pages, 2);
        assert!(text.contains(PDF_CREATOR));
    }
}
