//! Every rendering of a tally for people: aligned text for the terminal, Markdown for the report, and one
//! long CSV table a spreadsheet can pivot. The counting is `tally`'s; only the words and layout are here.

use std::fmt::Write as _;

use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::markdown::escape_cell;
use crate::i18n::{Lang, date_range, form_label, stage_label};
use crate::model::Stage;
use crate::model::text::inert;
use crate::tally::*;

pub(crate) fn no_agency_label(lang: Lang) -> String {
    t!("report.no_agency", locale = lang.code()).into_owned()
}

pub(crate) fn totals_line(tally: &Tally, lang: Lang) -> String {
    t!(
        "report.totals",
        locale = lang.code(),
        ideas = tally.ideas,
        target = tally.target,
        percent = tally.percent_of_target(),
        flagship = tally.flagship,
        digital = tally.digital
    )
    .into_owned()
}

pub(crate) fn oaoi_line(tally: &Tally, lang: Lang) -> String {
    let with = tally.one_agency_one_innovation.len() - tally.agencies_without_flagship.len();
    t!(
        "report.oaoi_summary",
        locale = lang.code(),
        with = with,
        total = tally.one_agency_one_innovation.len(),
        without_ideas = tally.agencies_without_ideas.len()
    )
    .into_owned()
}

// ---------------------------------------------------------------------------------------------------------
// The sections, as headers and rows of cells, shared by the text and markdown renderings

/// A titled table of plain cells; each rendering escapes the cells its own way.
pub(crate) struct Section {
    pub title: String,
    /// A sentence shown before the table.
    pub intro: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns hold numbers (aligned right).
    pub numeric: Vec<bool>,
}

impl Section {
    /// Puts each row's session file name first: a tally over several sessions repeats table names.
    fn with_sessions<'s>(mut self, lang: Lang, sessions: impl Iterator<Item = &'s str>) -> Section {
        self.header.insert(0, col("session", lang));
        self.numeric.insert(0, false);
        for (row, session) in self.rows.iter_mut().zip(sessions) {
            row.insert(0, session.to_string());
        }
        self
    }
}

fn col(key: &str, lang: Lang) -> String {
    let l = lang.code();
    match key {
        "session" => t!("report.col.session", locale = l),
        "title" => t!("report.col.title", locale = l),
        "dates" => t!("report.col.dates", locale = l),
        "ideas" => t!("report.col.ideas", locale = l),
        "target" => t!("report.col.target", locale = l),
        "table" => t!("report.col.table", locale = l),
        "agency" => t!("report.col.agency", locale = l),
        "flagship" => t!("report.col.flagship", locale = l),
        "stage" => t!("report.col.stage", locale = l),
        "date" => t!("report.col.date", locale = l),
        "form" => t!("report.col.form", locale = l),
        "status" => t!("report.col.status", locale = l),
        "name" => t!("report.col.name", locale = l),
        _ => t!("report.col.file", locale = l),
    }
    .into_owned()
}

fn header(keys: &[&str], lang: Lang) -> Vec<String> {
    keys.iter().map(|k| col(k, lang)).collect()
}

pub(crate) fn sessions_section(tally: &Tally, lang: Lang) -> Section {
    Section {
        title: t!("report.sessions", locale = lang.code()).into_owned(),
        intro: None,
        header: header(&["file", "title", "dates", "ideas", "target"], lang),
        rows: tally
            .sessions
            .iter()
            .map(|s| {
                vec![
                    s.session.clone(),
                    s.title.clone(),
                    date_range(s.first_date, s.last_date),
                    s.ideas.to_string(),
                    s.target.to_string(),
                ]
            })
            .collect(),
        numeric: vec![false, false, false, true, true],
    }
}

/// The sections of the tally proper, from per table to One Agency One Innovation.
fn body_sections(tally: &Tally, lang: Lang) -> Vec<Section> {
    let l = lang.code();
    let mut per_table = Section {
        title: t!("report.per_table", locale = l).into_owned(),
        intro: None,
        header: header(&["table", "ideas", "flagship"], lang),
        rows: tally
            .by_group
            .iter()
            .map(|g| vec![g.name.clone(), g.ideas.to_string(), g.flagship.to_string()])
            .collect(),
        numeric: vec![false, true, true],
    };
    if tally.several_sessions() {
        per_table = per_table.with_sessions(lang, tally.by_group.iter().map(|g| g.session.as_str()));
    }
    let per_agency = Section {
        title: t!("report.per_agency", locale = l).into_owned(),
        intro: None,
        header: header(&["agency", "ideas", "flagship"], lang),
        rows: tally
            .by_agency
            .iter()
            .map(|a| {
                let name = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
                vec![name, a.ideas.to_string(), a.flagship.to_string()]
            })
            .collect(),
        numeric: vec![false, true, true],
    };
    let per_stage = Section {
        title: t!("report.per_stage", locale = l).into_owned(),
        intro: None,
        header: header(&["stage", "ideas"], lang),
        rows: Stage::ALL.iter().map(|&s| vec![stage_label(s, lang), tally.by_stage.get(s).to_string()]).collect(),
        numeric: vec![false, true],
    };
    let per_day = Section {
        title: t!("report.per_day", locale = l).into_owned(),
        intro: None,
        header: header(&["date", "ideas"], lang),
        rows: tally.by_day.iter().map(|d| vec![d.date.to_string(), d.ideas.to_string()]).collect(),
        numeric: vec![false, true],
    };
    let per_form = Section {
        title: t!("report.per_form", locale = l).into_owned(),
        intro: Some(t!("report.digital_line", locale = l, digital = tally.digital, ideas = tally.ideas).into_owned()),
        header: header(&["form", "ideas"], lang),
        rows: FormCounts::ROWS.iter().map(|&f| vec![form_label(f, lang), tally.by_form.get(f).to_string()]).collect(),
        numeric: vec![false, true],
    };
    let oaoi = Section {
        title: t!("report.oaoi", locale = l).into_owned(),
        intro: Some(oaoi_line(tally, lang)),
        header: header(&["agency", "ideas", "flagship", "status"], lang),
        rows: tally
            .one_agency_one_innovation
            .iter()
            .map(|a| vec![a.agency.clone(), a.ideas.to_string(), a.flagship.to_string(), status_label(a.status, lang)])
            .collect(),
        numeric: vec![false, true, true, false],
    };
    vec![per_table, per_agency, per_stage, per_day, per_form, oaoi]
}

/// Each vote as a section: its question (and session, when several), how it was voted, its ideas ranked.
fn vote_sections(tally: &Tally, lang: Lang) -> Vec<Section> {
    let l = lang.code();
    tally
        .votes
        .iter()
        .map(|v| {
            let mut about =
                vec![v.method.text(lang), t!("report.vote.ballots", count = v.ballots, locale = l).into_owned()];
            if v.hands > 0 {
                about.push(t!("vote.status.hands", count = v.hands, locale = l).into_owned());
            }
            about.push(
                if v.open { t!("vote.status.open", locale = l) } else { t!("vote.status.closed", locale = l) }
                    .into_owned(),
            );
            let title =
                if tally.several_sessions() { format!("{} · {}", v.session, v.question) } else { v.question.clone() };
            let rows = v
                .results
                .iter()
                .map(|r| {
                    let shared = v.results.iter().filter(|o| o.rank == r.rank).count() > 1;
                    let rank = if shared { format!("={}", r.rank) } else { r.rank.to_string() };
                    vec![rank, format!("#{} {}", r.idea, r.title), r.votes.to_string()]
                })
                .collect();
            Section {
                title: format!("{}: {title}", t!("report.votes", locale = l)),
                intro: Some(about.join(" · ")),
                header: vec![
                    t!("report.vote.rank", locale = l).into_owned(),
                    t!("report.vote.idea", locale = l).into_owned(),
                    t!("report.vote.votes", locale = l).into_owned(),
                ],
                rows,
                numeric: vec![false, false, true],
            }
        })
        .collect()
}

/// An awardee's name as the awards list shows it: marked when the roster says they are absent, so nobody is
/// called up in vain.
fn awardee_name(author: &AuthorTally, lang: Lang) -> String {
    if author.absent {
        format!("{} {}", author.name, t!("form.absent_mark", locale = lang.code()))
    } else {
        author.name.clone()
    }
}

/// The awards list as a table (the markdown groups it by table and agency instead).
pub(crate) fn awards_section(tally: &Tally, lang: Lang) -> Section {
    let l = lang.code();
    let section = Section {
        title: t!("report.awards", locale = l).into_owned(),
        intro: Some(t!("report.awards_intro", locale = l, count = tally.authors.len()).into_owned()),
        header: header(&["name", "agency", "table", "ideas"], lang),
        rows: tally
            .authors
            .iter()
            .map(|a| {
                let agency = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
                vec![awardee_name(a, lang), agency, a.table.clone(), a.ideas.to_string()]
            })
            .collect(),
        numeric: vec![false, false, false, true],
    };
    if tally.several_sessions() {
        section.with_sessions(lang, tally.authors.iter().map(|a| a.session.as_str()))
    } else {
        section
    }
}

// ---------------------------------------------------------------------------------------------------------
// Text

/// Columns padded to their display width (wide characters count double), numbers aligned right.
/// Rows as columns padded to their display width (wide characters count double), numbers right-aligned:
/// the one aligned-table writer of the tally and of `innolab list`.
pub fn write_text_table(out: &mut String, header: &[String], rows: &[Vec<String>], numeric: &[bool]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let last = widths.len().saturating_sub(1);
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths.get(i).copied().unwrap_or(0).saturating_sub(cell.width()));
            if numeric.get(i).copied().unwrap_or(false) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i < last {
                    line.push_str(&pad);
                }
            }
            if i < last {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn text_section(out: &mut String, section: &Section, lang: Lang) {
    out.push('\n');
    out.push_str(&section.title);
    out.push('\n');
    out.push_str(&"-".repeat(section.title.width()));
    out.push('\n');
    if let Some(intro) = &section.intro {
        out.push_str(intro);
        out.push('\n');
    }
    if section.rows.is_empty() {
        out.push_str(&t!("report.none", locale = lang.code()));
        out.push('\n');
        return;
    }
    let header: Vec<String> = section.header.iter().map(|h| h.to_uppercase()).collect();
    // Names come from session files, which a hand edit could fill with escape sequences.
    let rows: Vec<Vec<String>> =
        section.rows.iter().map(|r| r.iter().map(|c| inert(c).into_owned()).collect()).collect();
    write_text_table(out, &header, &rows, &section.numeric);
}

/// A titled list of sentences (the readiness check, files left out or skipped); each rendering makes them safe.
pub(crate) struct ListSection {
    pub title: String,
    pub intro: Option<String>,
    pub items: Vec<String>,
}

/// What is still open before the awards, first in every report so the organisers see it before the numbers:
/// item by item for one session; for several, one line per session that has open items, what kinds and how
/// many (a year of labs would otherwise bury the numbers under its items; `innolab check` lists them, and the
/// JSON and CSV carry every one).
pub(crate) fn readiness_section(tally: &Tally, lang: Lang) -> ListSection {
    let title = t!("readiness.title", locale = lang.code()).into_owned();
    if !tally.several_sessions() {
        let items = tally.readiness.iter().map(|item| item.finding.sentence(lang)).collect();
        return ListSection { title, intro: Some(readiness::intro(tally.readiness.len(), lang)), items };
    }
    let per_session: Vec<&[ReadinessItem]> = tally.readiness.chunk_by(|a, b| a.session == b.session).collect();
    let intro = match tally.readiness.len() {
        0 => readiness::intro(0, lang),
        open => t!(
            &crate::i18n::plural_key("readiness.open_in_sessions", open as u64),
            count = open,
            sessions = crate::i18n::count_of("count.sessions", per_session.len() as u64, lang),
            locale = lang.code()
        )
        .into_owned(),
    };
    let items = per_session
        .into_iter()
        .map(|items| {
            format!("{}: {}", items[0].session, readiness::summary(items.iter().map(|item| &item.finding), lang))
        })
        .collect();
    ListSection { title, intro: Some(intro), items }
}

/// The files that were named but not counted: left out (failed to load) and skipped (named twice).
fn file_sections(tally: &Tally, lang: Lang) -> Vec<ListSection> {
    let l = lang.code();
    let mut sections = Vec::new();
    if !tally.left_out.is_empty() {
        sections.push(ListSection {
            title: t!("report.left_out", locale = l).into_owned(),
            intro: None,
            items: tally.left_out.iter().map(LeftOut::line).collect(),
        });
    }
    if !tally.skipped.is_empty() {
        sections.push(ListSection {
            title: t!("report.skipped", locale = l).into_owned(),
            intro: None,
            items: tally
                .skipped
                .iter()
                .map(|file| match &file.why {
                    SkipReason::Duplicate { same_as } => {
                        t!("report.skipped_duplicate", path = file.path, same_as = same_as, locale = l).into_owned()
                    }
                    SkipReason::Export { format } => {
                        let what = format.described(lang);
                        t!("export.not_a_session", path = file.path, what = what, locale = l).into_owned()
                    }
                })
                .collect(),
        });
    }
    sections
}

fn text_list(out: &mut String, section: &ListSection) {
    let _ = write!(out, "\n{}\n{}\n", section.title, "-".repeat(section.title.width()));
    if let Some(intro) = &section.intro {
        let _ = writeln!(out, "{}", inert(intro));
    }
    for item in &section.items {
        let _ = writeln!(out, "- {}", inert(item));
    }
}

/// The tally for a terminal: a totals line, the readiness check, then one aligned table per section, then the
/// files left out or skipped. Every name is made inert, so a hostile session file cannot drive the terminal.
pub fn to_text(tally: &Tally, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&t!("report.tally", locale = lang.code()).to_uppercase());
    out.push('\n');
    out.push_str(&totals_line(tally, lang));
    out.push('\n');
    text_list(&mut out, &readiness_section(tally, lang));
    text_section(&mut out, &sessions_section(tally, lang), lang);
    for section in body_sections(tally, lang) {
        text_section(&mut out, &section, lang);
    }
    text_section(&mut out, &awards_section(tally, lang), lang);
    for section in vote_sections(tally, lang) {
        text_section(&mut out, &section, lang);
    }
    for section in file_sections(tally, lang) {
        text_list(&mut out, &section);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Markdown

fn markdown_section(out: &mut String, section: &Section, level: usize, lang: Lang) {
    let _ = writeln!(out, "{} {}\n", "#".repeat(level), escape_cell(&section.title));
    if let Some(intro) = &section.intro {
        let _ = writeln!(out, "{}\n", escape_cell(intro));
    }
    if section.rows.is_empty() {
        let _ = writeln!(out, "{}\n", escape_cell(&t!("report.none", locale = lang.code())));
        return;
    }
    let cells = |row: &[String]| row.iter().map(|c| escape_cell(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(out, "| {} |", cells(&section.header));
    let rule: Vec<&str> = section.numeric.iter().map(|&n| if n { "--:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in &section.rows {
        let _ = writeln!(out, "| {} |", cells(row));
    }
    out.push('\n');
}

/// The awards list grouped by table, then agency: "- **Dinas Kesehatan**: dr. Rina (2), Budi (1)".
fn markdown_awards(out: &mut String, tally: &Tally, level: usize, lang: Lang) {
    let l = lang.code();
    let _ = writeln!(out, "{} {}\n", "#".repeat(level), escape_cell(&t!("report.awards", locale = l)));
    let _ = writeln!(out, "{}\n", escape_cell(&t!("report.awards_intro", locale = l, count = tally.authors.len())));
    let several = tally.several_sessions();
    let mut i = 0;
    while i < tally.authors.len() {
        let first = &tally.authors[i];
        let same_table = |a: &AuthorTally| a.session == first.session && a.group == first.group;
        let heading = if several { format!("{} · {}", first.session, first.table) } else { first.table.clone() };
        let _ = writeln!(out, "{} {}\n", "#".repeat(level + 1), escape_cell(&heading));
        while i < tally.authors.len() && same_table(&tally.authors[i]) {
            let agency = &tally.authors[i].agency;
            let mut names = Vec::new();
            while i < tally.authors.len() && same_table(&tally.authors[i]) && &tally.authors[i].agency == agency {
                let a = &tally.authors[i];
                names.push(format!("{} ({})", escape_cell(&awardee_name(a, lang)), a.ideas));
                i += 1;
            }
            let agency = match agency {
                Some(name) => format!("**{}**", escape_cell(name)),
                None => format!("*{}*", escape_cell(&no_agency_label(lang))),
            };
            let _ = writeln!(out, "- {agency}: {}", names.join(", "));
        }
        out.push('\n');
    }
}

/// The tally sections (per table … awards) at heading `level`, for the tally and the session report.
pub(crate) fn markdown_body(out: &mut String, tally: &Tally, level: usize, lang: Lang) {
    for section in body_sections(tally, lang) {
        markdown_section(out, &section, level, lang);
    }
    markdown_awards(out, tally, level, lang);
}

/// The tally as markdown: a title, the totals, the sessions, every section as a table, the awards grouped by
/// table and agency, and the files left out. Cells are escaped, so names can never inject markup or HTML.
pub fn to_markdown(tally: &Tally, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape_cell(&t!("report.tally", locale = lang.code())));
    let _ = writeln!(out, "{}\n", escape_cell(&totals_line(tally, lang)));
    markdown_readiness(&mut out, tally, 2, lang);
    markdown_section(&mut out, &sessions_section(tally, lang), 2, lang);
    markdown_body(&mut out, tally, 2, lang);
    for section in vote_sections(tally, lang) {
        markdown_section(&mut out, &section, 2, lang);
    }
    for section in file_sections(tally, lang) {
        markdown_list(&mut out, &section, 2);
    }
    out
}

fn markdown_list(out: &mut String, section: &ListSection, level: usize) {
    let _ = writeln!(out, "{} {}\n", "#".repeat(level), escape_cell(&section.title));
    if let Some(intro) = &section.intro {
        let _ = writeln!(out, "{}\n", escape_cell(intro));
    }
    for item in &section.items {
        let _ = writeln!(out, "- {}", escape_cell(item));
    }
    if !section.items.is_empty() {
        out.push('\n');
    }
}

/// The readiness check at heading `level`, for the top of the tally and of the session report.
pub(crate) fn markdown_readiness(out: &mut String, tally: &Tally, level: usize, lang: Lang) {
    markdown_list(out, &readiness_section(tally, lang), level);
}

pub(crate) fn totals_markdown(tally: &Tally, lang: Lang) -> String {
    escape_cell(&totals_line(tally, lang))
}

// ---------------------------------------------------------------------------------------------------------
// CSV

/// The columns of [`to_csv`].
pub const CSV_COLUMNS: [&str; 9] =
    ["section", "session", "key", "name", "agency", "ideas", "flagship", "target", "status"];

/// The tally as one long CSV table a spreadsheet can filter and pivot, with the columns of [`CSV_COLUMNS`]:
///
/// | section | session | key | name | agency | ideas | flagship | target | status |
/// |---|---|---|---|---|---|---|---|---|
/// | `total` | | `all` | | | live ideas | flagship | sum of targets | |
/// | `session` | file | first date | title | | ideas | flagship | target | |
/// | `group` | file | table id | table name | | ideas | flagship | | |
/// | `agency` | | agency ("" = none) | agency, or "(no agency)" | agency ("" = none) | ideas | flagship | | |
/// | `stage` | | stage key | stage name | | ideas | | | |
/// | `day` | | date | date | | ideas | | | |
/// | `block` | file | block id | block title | | ideas | | | |
/// | `form` | | form key or `unspecified` | form name | | ideas | | | |
/// | `digital` | | `digital` | | | ideas | | | |
/// | `one_agency_one_innovation` | | agency | agency | agency | ideas | flagship | | status key |
/// | `author` | file | table id | person | agency | ideas | | | |
/// | `left_out` | | path | error | | | | | |
/// | `skipped` | | path | the file it duplicates, or the export's kind | | | | | `duplicate` or `export` |
/// | `readiness` | file | idea id, if about an idea | the open item, in words | agency, if about one | | | | kind |
///
/// Keys are stable and English; names are in `lang`. Text cells are made inert and neutralised against
/// formula injection, since this file is opened in spreadsheets.
pub fn to_csv(tally: &Tally, lang: Lang) -> String {
    let mut rows: Vec<[String; 9]> = Vec::new();
    let n = |v: usize| v.to_string();
    let e = String::new;
    rows.push([
        "total".into(),
        e(),
        "all".into(),
        e(),
        e(),
        n(tally.ideas),
        n(tally.flagship),
        tally.target.to_string(),
        e(),
    ]);
    for s in &tally.sessions {
        let first = s.first_date.map(|d| d.to_string()).unwrap_or_default();
        rows.push([
            "session".into(),
            s.session.clone(),
            first,
            s.title.clone(),
            e(),
            n(s.ideas),
            n(s.flagship),
            s.target.to_string(),
            e(),
        ]);
    }
    for g in &tally.by_group {
        rows.push([
            "group".into(),
            g.session.clone(),
            g.group.clone(),
            g.name.clone(),
            e(),
            n(g.ideas),
            n(g.flagship),
            e(),
            e(),
        ]);
    }
    for a in &tally.by_agency {
        let key = a.agency.clone().unwrap_or_default();
        let name = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
        rows.push(["agency".into(), e(), key.clone(), name, key, n(a.ideas), n(a.flagship), e(), e()]);
    }
    for stage in Stage::ALL {
        rows.push([
            "stage".into(),
            e(),
            stage.key().into(),
            stage_label(stage, lang),
            e(),
            n(tally.by_stage.get(stage)),
            e(),
            e(),
            e(),
        ]);
    }
    for d in &tally.by_day {
        rows.push(["day".into(), e(), d.date.to_string(), d.date.to_string(), e(), n(d.ideas), e(), e(), e()]);
    }
    for b in &tally.by_block {
        rows.push([
            "block".into(),
            b.session.clone(),
            b.block.clone(),
            b.title.clone(),
            e(),
            n(b.ideas),
            e(),
            e(),
            e(),
        ]);
    }
    for form in FormCounts::ROWS {
        rows.push([
            "form".into(),
            e(),
            FormCounts::key(form).into(),
            form_label(form, lang),
            e(),
            n(tally.by_form.get(form)),
            e(),
            e(),
            e(),
        ]);
    }
    rows.push(["digital".into(), e(), "digital".into(), e(), e(), n(tally.digital), e(), e(), e()]);
    for a in &tally.one_agency_one_innovation {
        rows.push([
            "one_agency_one_innovation".into(),
            e(),
            a.agency.clone(),
            a.agency.clone(),
            a.agency.clone(),
            n(a.ideas),
            n(a.flagship),
            e(),
            a.status.key().into(),
        ]);
    }
    for a in &tally.authors {
        let agency = a.agency.clone().unwrap_or_default();
        rows.push([
            "author".into(),
            a.session.clone(),
            a.group.clone(),
            a.name.clone(),
            agency,
            n(a.ideas),
            e(),
            e(),
            e(),
        ]);
    }
    for f in &tally.left_out {
        rows.push(["left_out".into(), e(), f.path.clone(), f.error.clone(), e(), e(), e(), e(), e()]);
    }
    for f in &tally.skipped {
        let (name, status) = match &f.why {
            SkipReason::Duplicate { same_as } => (same_as.clone(), "duplicate"),
            SkipReason::Export { format } => (format.extension().to_string(), "export"),
        };
        rows.push(["skipped".into(), e(), f.path.clone(), name, e(), e(), e(), e(), status.into()]);
    }
    for item in &tally.readiness {
        let finding = &item.finding;
        let key = finding.idea().map(|id| id.to_string()).unwrap_or_default();
        let agency = finding.agency().unwrap_or_default().to_string();
        rows.push([
            "readiness".into(),
            item.session.to_string(),
            key,
            finding.sentence(lang),
            agency,
            e(),
            e(),
            e(),
            finding.key().into(),
        ]);
    }

    match write_csv(&rows) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        // Writing into memory cannot fail: the csv crate's only errors are I/O and rows of unequal length, and
        // every row here has nine cells. Returning nothing beats a panic should that ever change.
        Err(_) => String::new(),
    }
}

fn write_csv(rows: &[[String; 9]]) -> Result<Vec<u8>, ::csv::Error> {
    use crate::export::csv::{finish, spreadsheet_writer, write_row};
    let mut writer = spreadsheet_writer(false);
    write_row(&mut writer, CSV_COLUMNS)?;
    for row in rows {
        write_row(&mut writer, row.iter().map(|cell| inert(cell)).collect::<Vec<_>>().iter().map(|c| c.as_ref()))?;
    }
    finish(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_table_aligns_wide_characters_and_numbers() {
        let mut out = String::new();
        let header = vec!["NAME".to_string(), "N".to_string()];
        let rows = vec![vec!["数字".to_string(), "7".to_string()], vec!["ab".to_string(), "12".to_string()]];
        write_text_table(&mut out, &header, &rows, &[false, true]);
        assert_eq!(out, "NAME   N\n数字   7\nab    12\n");
    }
}
