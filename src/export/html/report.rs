//! The session report as one self-contained HTML page: no external resource, no script, charts as inline
//! SVG, a print stylesheet for A4. For several sessions: each session's report, then the whole added up.

use rust_i18n::t;

use super::chart::{Bar, bar_chart};
use super::{HTML_MARKER, Html};
use crate::export::tally::{
    ListSection, Section, awards_section, no_agency_label, oaoi_line, readiness_section, sessions_section,
};
use crate::export::{IdeaRow, idea_rows};
use crate::i18n::{Lang, count_of, date_range, form_label, stage_label};
use crate::model::{Session, Stage};
use crate::tally::{FormCounts, OneAgencyStatus, SessionRef, Tally, status_label};

/// The stylesheet: screen first, then `@media print` and `@page` for A4.
const STYLE: &str = include_str!("report.css");

/// Nothing may be fetched, framed or run: only the inline stylesheet and `data:` images (none today).
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// One session to report, with the file name it is known by (as `tally` names it).
#[derive(Debug, Clone, Copy)]
pub struct ReportSession<'a> {
    pub name: &'a str,
    pub session: &'a Session,
}

/// The report of `sessions` in `lang`: one session's report, or each session's then the whole. Nothing in it
/// depends on the clock, so the same sessions always give the same bytes.
pub fn report(sessions: &[ReportSession<'_>], lang: Lang) -> String {
    let l = lang.code();
    let mut h = Html::new();
    h.markup(HTML_MARKER).markup("\n");
    h.open("html", &[("lang", l)]).markup("\n<head>\n");
    h.markup("<meta charset=\"utf-8\">\n");
    h.open("meta", &[("http-equiv", "Content-Security-Policy"), ("content", CSP)]).markup("\n");
    h.markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.markup("<meta name=\"generator\" content=\"innolab\">\n");
    // No favicon request either: the icon is empty and inline.
    h.markup("<link rel=\"icon\" href=\"data:,\">\n");
    let title = match sessions {
        [one] => format!("{} · {}", one.session.plan.title, t!("report_html.report", locale = l)),
        _ => several_title(sessions.len(), lang),
    };
    h.element("title", &[], &title).markup("\n<style>\n").markup(STYLE).markup("</style>\n</head>\n<body>\n");
    match sessions {
        [one] => lab_section(&mut h, *one, 1, lang),
        several => {
            h.markup("<header class=\"doc\">\n");
            h.element("h1", &[], &several_title(several.len(), lang));
            h.element("p", &[], &t!("report_html.files", locale = l));
            h.open("ul", &[("class", "files")]);
            for s in several {
                h.open("li", &[]).element("code", &[], s.name).text(" — ").text(&s.session.plan.title).close("li");
            }
            h.markup("</ul>\n</header>\n");
            for s in several {
                lab_section(&mut h, *s, 2, lang);
            }
            whole_section(&mut h, several, lang);
        }
    }
    h.markup("</body>\n</html>\n");
    h.finish()
}

fn several_title(count: usize, lang: Lang) -> String {
    let sessions = count_of("count.sessions", count as u64, lang);
    t!("report_html.several", sessions = sessions, locale = lang.code()).into_owned()
}

/// A heading at `level` (1 to 4; deeper is 4).
fn heading(h: &mut Html, level: usize, text: &str) {
    let tag = match level {
        0 | 1 => "h1",
        2 => "h2",
        3 => "h3",
        _ => "h4",
    };
    h.element(tag, &[], text).markup("\n");
}

/// One session's report: its heading at `level`, its parts one level below.
fn lab_section(h: &mut Html, s: ReportSession<'_>, level: usize, lang: Lang) {
    let l = lang.code();
    let plan = &s.session.plan;
    let tally = Tally::of(&[SessionRef::new(s.name, s.session)]);
    h.open("section", &[("class", "lab")]).markup("\n<header>\n");
    heading(h, level, &plan.title);
    let facts = [
        (t!("report.organiser", locale = l), plan.organiser.clone()),
        (t!("report.venue", locale = l), plan.venue.clone()),
        (t!("report.coach", locale = l), plan.coach.clone()),
        (t!("report.col.dates", locale = l), date_range(plan.first_date(), plan.last_date())),
        (t!("report.col.file", locale = l), s.name.to_string()),
    ];
    h.open("dl", &[("class", "facts")]);
    for (label, value) in facts.iter().filter(|(_, v)| !v.trim().is_empty()) {
        h.element("dt", &[], label).element("dd", &[], value);
    }
    h.markup("</dl>\n</header>\n");
    tally_parts(h, &tally, level + 1, lang);
    votes(h, s.session, level + 1, lang);
    ideas_table(h, s.session, level + 1, lang);
    h.markup("</section>\n");
}

/// The sessions added up: the list of sessions, then the tally's parts over all of them (no ideas: each
/// session's section lists its own).
fn whole_section(h: &mut Html, sessions: &[ReportSession<'_>], lang: Lang) {
    let l = lang.code();
    let refs: Vec<SessionRef<'_>> = sessions.iter().map(|s| SessionRef::new(s.name, s.session)).collect();
    let tally = Tally::of(&refs);
    h.open("section", &[("class", "whole")]).markup("\n");
    heading(h, 2, &t!("report_html.whole", locale = l));
    let count = count_of("count.sessions", sessions.len() as u64, lang);
    h.element("p", &[], &t!("report_html.whole_intro", sessions = count, locale = l));
    table(h, &sessions_section(&tally, lang), 3, lang);
    tally_parts(h, &tally, 3, lang);
    h.markup("</section>\n");
}

/// What the tally says, at heading `level`: the numbers (with the readiness check in one line), the charts,
/// One Agency One Innovation, the awards, and the readiness check item by item.
fn tally_parts(h: &mut Html, tally: &Tally, level: usize, lang: Lang) {
    summary_cards(h, tally, level, lang);
    charts(h, tally, level, lang);
    one_agency_one_innovation(h, tally, level, lang);
    table(h, &awards_section(tally, lang), level, lang);
    readiness(h, &readiness_section(tally, lang), tally.readiness.is_empty(), level);
}

fn summary_cards(h: &mut Html, tally: &Tally, level: usize, lang: Lang) {
    let l = lang.code();
    heading(h, level, &t!("report_html.summary", locale = l));
    let agencies = tally.one_agency_one_innovation.len();
    let with_flagship = agencies - tally.agencies_without_flagship.len().min(agencies);
    let of_target =
        t!("report_html.card.of_target", target = tally.target, percent = tally.percent_of_target(), locale = l);
    let cards = [
        (tally.ideas.to_string(), format!("{} {of_target}", t!("report_html.card.ideas", locale = l))),
        (tally.flagship.to_string(), t!("report_html.card.flagship", locale = l).into_owned()),
        (tally.digital.to_string(), t!("report_html.card.digital", locale = l).into_owned()),
        (with_flagship.to_string(), t!("report_html.card.agencies", total = agencies, locale = l).into_owned()),
        (tally.authors.len().to_string(), t!("report_html.card.awardees", locale = l).into_owned()),
        (tally.by_group.len().to_string(), t!("report_html.card.tables", locale = l).into_owned()),
    ];
    h.open("ul", &[("class", "cards")]);
    for (number, label) in &cards {
        h.open("li", &[]).element("strong", &[], number).element("span", &[], label).close("li").markup("\n");
    }
    h.markup("</ul>\n");
    let open = tally.readiness.len();
    let class = if open == 0 { "headline ready" } else { "headline open" };
    h.element("p", &[("class", class)], &crate::tally::readiness::headline(open, lang)).markup("\n");
}

/// The readiness check: its intro and every open item (a box that is green when nothing is open).
fn readiness(h: &mut Html, section: &ListSection, ready: bool, level: usize) {
    h.open("div", &[("class", if ready { "readiness ready" } else { "readiness" })]);
    heading(h, level, &section.title);
    if let Some(intro) = &section.intro {
        h.element("p", &[], intro).markup("\n");
    }
    if !section.items.is_empty() {
        h.open("ul", &[]);
        for item in &section.items {
            h.element("li", &[], item).markup("\n");
        }
        h.close("ul");
    }
    h.markup("</div>\n");
}

/// The bar charts: ideas per table, agency, stage, day and form (then votes, once there are any).
fn charts(h: &mut Html, tally: &Tally, level: usize, lang: Lang) {
    let l = lang.code();
    let none = t!("report.none", locale = l);
    let flagship_note = |n: usize| (n > 0).then(|| format!("★ {n}"));
    heading(h, level, &t!("report.tally", locale = l));
    h.open("div", &[("class", "charts")]).markup("\n");
    let (table_title, tables): (_, Vec<Bar>) = if tally.several_sessions() {
        let bars = tally
            .by_group
            .iter()
            .map(|g| Bar::new(format!("{} · {}", g.session, g.name), g.ideas).with_note(flagship_note(g.flagship)))
            .collect();
        (t!("report_html.per_table_session", locale = l), bars)
    } else {
        let bars =
            tally.by_group.iter().map(|g| Bar::new(&g.name, g.ideas).with_note(flagship_note(g.flagship))).collect();
        (t!("report.per_table", locale = l), bars)
    };
    bar_chart(h, &table_title, None, &tables, &none);
    let agencies: Vec<Bar> = tally
        .by_agency
        .iter()
        .map(|a| {
            let name = a.agency.clone().unwrap_or_else(|| no_agency_label(lang));
            Bar::new(name, a.ideas).with_note(flagship_note(a.flagship))
        })
        .collect();
    bar_chart(h, &t!("report.per_agency", locale = l), None, &agencies, &none);
    let stages: Vec<Bar> = Stage::ALL.iter().map(|&s| Bar::new(stage_label(s, lang), tally.by_stage.get(s))).collect();
    bar_chart(h, &t!("report.per_stage", locale = l), None, &stages, &none);
    let days: Vec<Bar> = tally.by_day.iter().map(|d| Bar::new(d.date.to_string(), d.ideas)).collect();
    bar_chart(h, &t!("report.per_day", locale = l), None, &days, &none);
    let forms: Vec<Bar> =
        FormCounts::ROWS.iter().map(|&f| Bar::new(form_label(f, lang), tally.by_form.get(f))).collect();
    let digital = t!("report.digital_line", digital = tally.digital, ideas = tally.ideas, locale = l);
    bar_chart(h, &t!("report.per_form", locale = l), Some(&digital), &forms, &none);
    h.markup("</div>\n");
}

/// Each vote of the session (none: nothing): its question, what it was on and how, and its ideas ranked as
/// a bar chart, each label led by its rank ("1.", or "=1" for a shared rank).
fn votes(h: &mut Html, session: &Session, level: usize, lang: Lang) {
    let l = lang.code();
    let reports = crate::export::votes::reports(session, lang);
    if reports.is_empty() {
        return;
    }
    heading(h, level, &t!("report.votes", locale = l));
    h.open("div", &[("class", "charts")]).markup("\n");
    let none = t!("report.none", locale = l);
    for vote in reports {
        let bars: Vec<Bar> = vote
            .rows
            .iter()
            .map(|r| {
                let votes = usize::try_from(r.votes).unwrap_or(usize::MAX);
                let rank = if r.rank.starts_with('=') { r.rank.clone() } else { format!("{}.", r.rank) };
                Bar::new(format!("{rank} {}", r.idea), votes)
            })
            .collect();
        bar_chart(h, &vote.question, Some(&vote.about), &bars, &none);
    }
    h.markup("</div>\n");
}

/// "★" / "○" / "✗": the same marks as the tally screen, so the grid reads without its colours.
fn status_mark(status: OneAgencyStatus) -> &'static str {
    match status {
        OneAgencyStatus::HasFlagship => "★",
        OneAgencyStatus::NoFlagship => "○",
        OneAgencyStatus::NoIdea => "✗",
    }
}

/// Every known agency as a tile coloured and marked by where it stands, with a legend in words.
fn one_agency_one_innovation(h: &mut Html, tally: &Tally, level: usize, lang: Lang) {
    let l = lang.code();
    heading(h, level, &t!("report.oaoi", locale = l));
    if tally.one_agency_one_innovation.is_empty() {
        h.element("p", &[("class", "none")], &t!("report_html.no_agencies", locale = l));
        return;
    }
    h.element("p", &[], &oaoi_line(tally, lang)).markup("\n");
    h.open("ul", &[("class", "legend"), ("aria-label", &t!("report_html.legend", locale = l))]);
    for status in [OneAgencyStatus::HasFlagship, OneAgencyStatus::NoFlagship, OneAgencyStatus::NoIdea] {
        h.open("li", &[("class", status.key())]);
        h.open("span", &[("class", "mark"), ("aria-hidden", "true")]).markup(status_mark(status)).close("span");
        h.text(&status_label(status, lang)).close("li");
    }
    h.markup("</ul>\n");
    h.open("ul", &[("class", "oaoi")]);
    for agency in &tally.one_agency_one_innovation {
        h.open("li", &[("class", agency.status.key())]);
        h.open("span", &[("class", "mark"), ("aria-hidden", "true")]).markup(status_mark(agency.status)).close("span");
        h.element("span", &[("class", "name")], &agency.agency);
        let counts = match agency.status {
            OneAgencyStatus::NoIdea => status_label(agency.status, lang),
            status => {
                format!("{} · {}", count_of("count.ideas", agency.ideas as u64, lang), status_label(status, lang))
            }
        };
        h.element("span", &[("class", "counts")], &counts).close("li").markup("\n");
    }
    h.markup("</ul>\n");
}

/// A titled table of the tally's rows (the sessions, the awards list), numbers aligned right.
fn table(h: &mut Html, section: &Section, level: usize, lang: Lang) {
    heading(h, level, &section.title);
    if let Some(intro) = &section.intro {
        h.element("p", &[], intro).markup("\n");
    }
    if section.rows.is_empty() {
        h.element("p", &[("class", "none")], &t!("report.none", locale = lang.code()));
        return;
    }
    let numeric = |i: usize| section.numeric.get(i).copied().unwrap_or(false);
    h.markup("<table>\n<thead><tr>");
    for (i, cell) in section.header.iter().enumerate() {
        h.element("th", if numeric(i) { &[("scope", "col"), ("class", "num")] } else { &[("scope", "col")] }, cell);
    }
    h.markup("</tr></thead>\n<tbody>\n");
    for row in &section.rows {
        h.markup("<tr>");
        for (i, cell) in row.iter().enumerate() {
            h.element("td", if numeric(i) { &[("class", "num")] } else { &[] }, cell);
        }
        h.markup("</tr>\n");
    }
    h.markup("</tbody>\n</table>\n");
}

/// Every live idea, tables in room order (then tables only ideas name), in the order they were captured.
fn ideas_table(h: &mut Html, session: &Session, level: usize, lang: Lang) {
    let l = lang.code();
    heading(h, level, &t!("report.ideas_by_table", locale = l));
    let mut rows = idea_rows(session);
    if rows.is_empty() {
        h.element("p", &[("class", "none")], &t!("tally.nothing_yet", locale = l));
        return;
    }
    rows.sort_by_key(|r| r.group.unwrap_or(usize::MAX));
    h.markup("<table class=\"ideas\">\n<thead><tr>");
    h.element("th", &[("scope", "col"), ("class", "num")], &t!("report_html.col.number", locale = l));
    for label in [
        t!("report.col.table", locale = l),
        t!("report.col.title", locale = l),
        t!("report.col.agency", locale = l),
        t!("report.col.author", locale = l),
        t!("report.col.stage", locale = l),
        t!("report.col.form", locale = l),
    ] {
        h.element("th", &[("scope", "col")], &label);
    }
    h.markup("</tr></thead>\n<tbody>\n");
    for row in &rows {
        idea_row(h, row, lang);
    }
    h.markup("</tbody>\n</table>\n");
}

fn idea_row(h: &mut Html, row: &IdeaRow<'_>, lang: Lang) {
    let l = lang.code();
    let idea = row.idea;
    h.markup("<tr>");
    h.open("td", &[("class", "num")]).number(idea.id).close("td");
    h.element("td", &[], row.table);
    h.open("td", &[("class", "title")]).element("strong", &[], &idea.title);
    if idea.flagship {
        h.element("span", &[("class", "badge flagship")], &format!("★ {}", t!("report.flagship_marker", locale = l)));
    }
    if idea.digital {
        h.element("span", &[("class", "badge")], &t!("report.digital_marker", locale = l));
    }
    if let Some(detail) = idea.detail.as_deref().filter(|d| !d.trim().is_empty()) {
        h.open("span", &[("class", "detail")]).lines(detail).close("span");
    }
    h.close("td");
    h.element("td", &[], row.agency.unwrap_or(""));
    h.element("td", &[], idea.author.as_deref().unwrap_or(""));
    h.open("td", &[]).text(&stage_label(idea.stage, lang));
    if let Some(block) = row.block {
        h.element("span", &[("class", "block")], &block.title);
    }
    h.close("td");
    let form = if idea.form.is_some() { form_label(idea.form, lang) } else { String::new() };
    h.element("td", &[], &form);
    h.markup("</tr>\n");
}
