//! The session report (laporan) as markdown: the lab, totals against the target, the tally tables, One Agency
//! One Innovation, the awards and every idea by table; and the escaping that keeps user text from becoming markup.

use std::fmt::Write as _;

use rust_i18n::t;

use super::{IdeaRow, idea_rows};
use crate::i18n::Lang;
use crate::i18n::{date_range, form_label};
use crate::model::Session;
use crate::model::text::inert;
use crate::tally::{SessionRef, Tally};

/// Characters that can start markup anywhere in a line: emphasis, code, links, raw HTML (`<`), entities (`&`),
/// table cells (`|`), strikethrough, headings. CommonMark lets any ASCII punctuation be backslash-escaped.
const INLINE_SPECIAL: [char; 12] = ['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#'];

/// One line of user text, safe anywhere in markdown, table cells included: escape sequences are removed whole
/// and line breaks become spaces ([`inert`]; a loaded session holds none, this is the second guard), markup
/// characters are backslash-escaped, and a line start that would make a list item or a heading underline
/// ("- ", "+", "=", "1.") is escaped too. So no user text can inject HTML or act on a terminal.
pub fn escape_cell(text: &str) -> String {
    let text = inert(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if INLINE_SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    escape_line_start(out)
}

/// Escapes what only means something at the start of a line: list bullets, setext underlines, "1." / "1)".
fn escape_line_start(line: String) -> String {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if trimmed.starts_with(['-', '+', '=']) {
        return format!("{}\\{}", &line[..indent], trimmed);
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
        let at = indent + digits;
        return format!("{}\\{}", &line[..at], &line[at..]);
    }
    line
}

/// Multi-line user text (an idea's detail) as escaped lines, empty lines dropped.
pub fn escape_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(escape_cell).collect()
}

/// The report of `session` (reported as file `name`) in `lang`.
pub fn report(session: &Session, name: &str, lang: Lang) -> String {
    let l = lang.code();
    let plan = &session.plan;
    let tally = Tally::of(&[SessionRef::new(name, session)]);
    let mut out = String::new();

    // Invisible when rendered; it tells a later export that this file is one it may replace.
    let _ = writeln!(out, "{}", super::identify::MD_MARKER);
    let _ = writeln!(out, "# {}\n", escape_cell(&plan.title));
    let facts = [
        (t!("report.organiser", locale = l), plan.organiser.clone()),
        (t!("report.venue", locale = l), plan.venue.clone()),
        (t!("report.coach", locale = l), plan.coach.clone()),
        (t!("report.col.dates", locale = l), date_range(plan.first_date(), plan.last_date())),
        (t!("report.col.file", locale = l), name.to_string()),
    ];
    for (label, value) in facts.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let _ = writeln!(out, "- **{}:** {}", escape_cell(label), escape_cell(value));
    }
    let _ = writeln!(out, "\n{}\n", super::tally::totals_markdown(&tally, lang));
    super::tally::markdown_readiness(&mut out, &tally, 2, lang);

    super::tally::markdown_body(&mut out, &tally, 2, lang);
    votes(&mut out, session, lang);
    ideas_by_table(&mut out, session, lang);
    out
}

/// Each vote: its question, what it was on and how, and its ideas ranked (nothing when there was no vote).
fn votes(out: &mut String, session: &Session, lang: Lang) {
    let l = lang.code();
    let reports = super::votes::reports(session, lang);
    if reports.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {}\n", escape_cell(&t!("report.votes", locale = l)));
    for vote in reports {
        let _ = writeln!(out, "### {}\n", escape_cell(&vote.question));
        let _ = writeln!(out, "{}\n", escape_cell(&vote.about));
        let (rank, idea, votes) = (
            t!("report.vote.rank", locale = l),
            t!("report.vote.idea", locale = l),
            t!("report.vote.votes", locale = l),
        );
        let _ = writeln!(out, "| {} | {} | {} |", escape_cell(&rank), escape_cell(&idea), escape_cell(&votes));
        let _ = writeln!(out, "|---|---|---:|");
        for row in vote.rows {
            let _ = writeln!(out, "| {} | {} | {} |", escape_cell(&row.rank), escape_cell(&row.idea), row.votes);
        }
        out.push('\n');
    }
}

/// Every live idea under its table's heading, tables in room order (then any table only ideas name).
fn ideas_by_table(out: &mut String, session: &Session, lang: Lang) {
    let l = lang.code();
    let _ = writeln!(out, "## {}\n", escape_cell(&t!("report.ideas_by_table", locale = l)));
    let rows = idea_rows(session);
    let mut tables: Vec<(&str, Vec<&IdeaRow<'_>>)> =
        session.groups.iter().map(|g| (g.name.as_str(), Vec::new())).collect();
    let known = tables.len();
    for row in &rows {
        match row.group {
            Some(g) => tables[g].1.push(row),
            None => match tables[known..].iter_mut().find(|(name, _)| *name == row.table) {
                Some((_, list)) => list.push(row),
                None => tables.push((row.table, vec![row])),
            },
        }
    }
    for (table, ideas) in tables {
        let _ = writeln!(out, "### {} ({})\n", escape_cell(table), ideas.len());
        if ideas.is_empty() {
            let _ = writeln!(out, "{}\n", escape_cell(&t!("report.no_ideas", locale = l)));
            continue;
        }
        for row in ideas {
            idea_item(out, row, lang);
        }
        out.push('\n');
    }
}

/// "- **Title** — #3 · Agency: … · Author: … · Form: … · digital · ★ flagship", then the detail, indented.
fn idea_item(out: &mut String, row: &IdeaRow<'_>, lang: Lang) {
    let l = lang.code();
    let idea = row.idea;
    let mut markers = vec![escape_cell(&format!("#{}", idea.id))];
    if let Some(agency) = row.agency {
        markers.push(format!("{}: {}", escape_cell(&t!("report.col.agency", locale = l)), escape_cell(agency)));
    }
    if let Some(author) = idea.author.as_deref() {
        markers.push(format!("{}: {}", escape_cell(&t!("report.col.author", locale = l)), escape_cell(author)));
    }
    if idea.form.is_some() {
        let form = form_label(idea.form, lang);
        markers.push(format!("{}: {}", escape_cell(&t!("report.col.form", locale = l)), escape_cell(&form)));
    }
    if idea.digital {
        markers.push(escape_cell(&t!("report.digital_marker", locale = l)));
    }
    if idea.flagship {
        markers.push(format!("★ {}", escape_cell(&t!("report.flagship_marker", locale = l))));
    }
    let _ = write!(out, "- **{}** — {}", escape_cell(&idea.title), markers.join(" · "));
    let detail = idea.detail.as_deref().map(escape_lines).unwrap_or_default();
    if detail.is_empty() {
        out.push('\n');
        return;
    }
    // A backslash at the end of a line is a hard line break; the two-space indent keeps it in the list item.
    out.push_str("\\\n");
    let _ = writeln!(out, "  {}", detail.join("\\\n  "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_cell_neutralises_markup_and_html() {
        assert_eq!(escape_cell("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(escape_cell("a | b"), "a \\| b");
        assert_eq!(escape_cell("**bold** _it_ `code` [x](y)"), "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[x\\](y)");
        assert_eq!(escape_cell("two\nlines"), "two lines");
        assert_eq!(escape_cell("\x1b[2J"), "");
        assert_eq!(escape_cell("a\x1b]0;x\x07b\u{202e}c"), "abc");
        assert_eq!(escape_cell("&amp;"), "\\&amp;");
    }

    #[test]
    fn escape_cell_escapes_line_starts() {
        assert_eq!(escape_cell("- not a list"), "\\- not a list");
        assert_eq!(escape_cell("==="), "\\===");
        assert_eq!(escape_cell("12. not a list"), "12\\. not a list");
        assert_eq!(escape_cell("# heading"), "\\# heading");
        assert_eq!(escape_cell("2022 plan"), "2022 plan");
        assert_eq!(escape_cell("Layanan 1.0"), "Layanan 1.0");
    }

    #[test]
    fn escape_lines_drops_empty_lines() {
        assert_eq!(escape_lines("a\n\n- b\n"), ["a", "\\- b"]);
    }
}
