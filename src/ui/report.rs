//! The tallies on the wall and the awards list read out at the closing ceremony. Both read the tally the
//! state keeps fresh (`State::sync_derived`); nothing here counts ideas.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, fit};
use crate::app::{Lab, ReadinessText};
use crate::i18n::plural_key;
use crate::i18n::stage_label;
use crate::model::Stage;
use crate::model::text::inert;
use crate::tally::{OneAgencyStatus, Tally, readiness, status_label};

/// The text after a bar: " 8 ★1".
fn count_text(value: usize, flagship: usize) -> String {
    if flagship > 0 { format!(" {value} ★{flagship}") } else { format!(" {value}") }
}

/// Columns to keep free after every bar of a chart, so equal values get equal bars.
fn suffix_width(rows: impl Iterator<Item = (usize, usize)>) -> usize {
    rows.map(|(value, flagship)| count_text(value, flagship).width()).max().unwrap_or(2) + 1
}

/// A horizontal bar: "Meja 1      ██████▌ 8 ★1". Eighths of a cell keep small differences visible.
#[allow(clippy::too_many_arguments)]
fn bar(
    ctx: &Ctx,
    label: &str,
    label_w: usize,
    value: usize,
    max: usize,
    width: usize,
    flagship: usize,
    suffix_w: usize,
) -> Line<'static> {
    let count = count_text(value, flagship);
    let bar_w = width.saturating_sub(label_w + 1 + suffix_w);
    let eighths = (value * bar_w * 8).checked_div(max).unwrap_or(0);
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8 - 1]);
    }
    let label = fit(label, label_w);
    let pad = " ".repeat(label_w.saturating_sub(label.width()) + 1);
    Line::from(vec![
        Span::styled(format!("{label}{pad}"), ctx.theme.text),
        Span::styled(bar, ctx.theme.ok),
        Span::styled(count, ctx.theme.title),
    ])
}

fn heading(ctx: &Ctx, key: &str) -> Line<'static> {
    Line::styled(ctx.t(key), ctx.theme.accent)
}

fn per_table(ctx: &Ctx, tally: &Tally, width: usize) -> Vec<Line<'static>> {
    let max = tally.by_group.iter().map(|g| g.ideas).max().unwrap_or(0);
    let label_w = tally.by_group.iter().map(|g| g.name.width()).max().unwrap_or(6).clamp(6, 20);
    let suffix_w = suffix_width(tally.by_group.iter().map(|g| (g.ideas, g.flagship)));
    let mut lines = vec![heading(ctx, "tally.per_table")];
    lines.extend(tally.by_group.iter().map(|g| bar(ctx, &g.name, label_w, g.ideas, max, width, g.flagship, suffix_w)));
    lines
}

/// Ideas per agency as bars; ideas without an agency are a warning line above them, never a bar (they are
/// work still to do, not the room's biggest agency).
fn per_agency(ctx: &Ctx, tally: &Tally, width: usize) -> Vec<Line<'static>> {
    let named: Vec<_> = tally.by_agency.iter().filter(|a| a.agency.is_some()).collect();
    let without: usize = tally.by_agency.iter().filter(|a| a.agency.is_none()).map(|a| a.ideas).sum();
    let max = named.iter().map(|a| a.ideas).max().unwrap_or(0);
    let label_w = (width / 2).clamp(8, 28);
    let suffix_w = suffix_width(named.iter().map(|a| (a.ideas, a.flagship)));
    let mut lines = vec![heading(ctx, "tally.per_agency")];
    if without > 0 {
        let ideas = super::ideas_count(ctx.lang, without);
        let line = t!("tally.without_agency", ideas = ideas, locale = ctx.lang.code());
        lines.push(Line::styled(fit(&format!("⚠ {line}"), width), ctx.theme.error));
    }
    if tally.by_agency.is_empty() {
        lines.push(Line::styled(ctx.t("tally.nothing_yet"), ctx.theme.text));
    }
    lines.extend(
        named
            .iter()
            .map(|a| bar(ctx, a.agency.as_deref().unwrap_or(""), label_w, a.ideas, max, width, a.flagship, suffix_w)),
    );
    lines
}

/// Ideas per agenda block that has any, as labelled bars ("D2 Curah Ide ████ 12").
fn per_block(ctx: &Ctx, tally: &Tally, width: usize) -> Vec<Line<'static>> {
    let blocks: Vec<_> = tally.by_block.iter().filter(|b| b.ideas > 0).collect();
    let max = blocks.iter().map(|b| b.ideas).max().unwrap_or(0);
    let label_w = (width / 2).clamp(8, 28);
    let suffix_w = suffix_width(blocks.iter().map(|b| (b.ideas, 0)));
    let mut lines = vec![heading(ctx, "tally.per_block")];
    if blocks.is_empty() {
        lines.push(Line::styled(ctx.t("tally.nothing_yet"), ctx.theme.text));
    }
    lines.extend(blocks.iter().map(|b| {
        let label = format!("{}{} {}", ctx.t("tally.day_short"), b.day, b.title);
        bar(ctx, &label, label_w, b.ideas, max, width, 0, suffix_w)
    }));
    lines
}

fn stages_and_days(ctx: &Ctx, tally: &Tally, width: usize) -> Vec<Line<'static>> {
    let lang = ctx.lang.code();
    let stages: Vec<String> = Stage::ALL
        .iter()
        .filter(|&&s| tally.by_stage.get(s) > 0 || matches!(s, Stage::DrumUp | Stage::Diagnose))
        .map(|&s| format!("{} {}", stage_label(s, ctx.lang), tally.by_stage.get(s)))
        .collect();
    let days: Vec<String> = tally
        .by_day
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{} {}", t!("screen.day", n = i + 1, locale = lang), d.ideas))
        .collect();
    vec![
        heading(ctx, "tally.per_stage"),
        Line::styled(fit(&stages.join(" · "), width), ctx.theme.text),
        heading(ctx, "tally.per_day"),
        Line::styled(fit(&days.join(" · "), width), ctx.theme.text),
    ]
}

/// One Agency One Innovation: every agency with its status in words and a mark, so colour is not the only cue.
fn one_agency(ctx: &Ctx, tally: &Tally, width: usize) -> Vec<Line<'static>> {
    let lang = ctx.lang.code();
    let mut lines = vec![heading(ctx, "tally.one_agency")];
    if tally.one_agency_one_innovation.is_empty() {
        lines.push(Line::styled(ctx.t("tally.no_roster"), ctx.theme.text));
        return lines;
    }
    let with_flagship =
        tally.one_agency_one_innovation.iter().filter(|a| a.status == OneAgencyStatus::HasFlagship).count();
    let summary = t!(
        "tally.one_agency_summary",
        done = with_flagship,
        all = tally.one_agency_one_innovation.len(),
        locale = lang
    );
    lines.push(Line::styled(fit(&summary, width), ctx.theme.title));
    for agency in &tally.one_agency_one_innovation {
        let (mark, style) = match agency.status {
            OneAgencyStatus::HasFlagship => ("★", ctx.theme.ok),
            OneAgencyStatus::NoFlagship => ("○", ctx.theme.accent),
            OneAgencyStatus::NoIdea => ("✗", ctx.theme.overtime),
        };
        let status = status_label(agency.status, ctx.lang);
        let text = format!("{mark} {} — {status} ({})", agency.agency, super::ideas_count(ctx.lang, agency.ideas));
        lines.push(Line::styled(fit(&text, width), style));
    }
    lines
}

/// One line saying whether the session is ready for the awards, and what is open: it stays in view.
fn readiness_line(ctx: &Ctx, tally: &Tally, text: &ReadinessText, width: usize) -> Line<'static> {
    let open = tally.readiness.len();
    if open == 0 {
        return Line::styled(fit(&format!("✓ {}", readiness::headline(0, ctx.lang)), width), ctx.theme.ok);
    }
    let line = format!("⚠ {}: {}", readiness::headline(open, ctx.lang), text.summary);
    Line::styled(fit(&line, width), ctx.theme.accent)
}

/// The readiness check item by item, under its heading (each cut to the width; the CLI's `check` has them whole).
fn readiness_lines(ctx: &Ctx, tally: &Tally, text: &ReadinessText, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![heading(ctx, "readiness.title")];
    let intro = readiness::intro(tally.readiness.len(), ctx.lang);
    let style = if tally.readiness.is_empty() { ctx.theme.ok } else { ctx.theme.title };
    lines.push(Line::styled(fit(&intro, width), style));
    for line in &text.lines {
        lines.push(Line::styled(fit(&format!("• {line}"), width), ctx.theme.text));
    }
    lines
}

pub fn tally_screen(ctx: &Ctx, lab: &Lab, scroll: u16, frame: &mut Frame, area: Rect) {
    let (Some(tally), Some(text)) = (lab.tally(), lab.readiness_text()) else { return };
    let lang = ctx.lang.code();
    let [title_area, gauge_area, readiness_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)])
            .areas(area);
    let title = t!(
        &plural_key("tally.title", tally.ideas as u64),
        count = tally.ideas,
        target = tally.target,
        percent = tally.percent_of_target(),
        flagship = tally.flagship,
        digital = tally.digital,
        locale = lang
    );
    frame.render_widget(
        Paragraph::new(fit(&format!(" {title}"), area.width as usize)).style(ctx.theme.title),
        title_area,
    );
    super::agenda::draw_ideas_gauge(ctx, frame, gauge_area, tally.ideas, tally.target);
    frame.render_widget(Paragraph::new(readiness_line(ctx, tally, text, area.width as usize)), readiness_area);
    if body.width >= 100 {
        let [left, _, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Length(2), Constraint::Min(0)]).areas(body);
        let w = left.width as usize;
        let mut left_lines = per_table(ctx, tally, w);
        left_lines.push(Line::raw(""));
        left_lines.extend(stages_and_days(ctx, tally, w));
        left_lines.push(Line::raw(""));
        left_lines.extend(per_block(ctx, tally, w));
        frame.render_widget(Paragraph::new(left_lines).scroll((scroll, 0)), left);
        let rw = right.width as usize;
        let mut right_lines = per_agency(ctx, tally, rw);
        right_lines.push(Line::raw(""));
        right_lines.extend(one_agency(ctx, tally, rw));
        right_lines.push(Line::raw(""));
        right_lines.extend(readiness_lines(ctx, tally, text, rw));
        frame.render_widget(Paragraph::new(right_lines).scroll((scroll, 0)), right);
    } else {
        let w = body.width as usize;
        let mut lines = per_table(ctx, tally, w);
        lines.push(Line::raw(""));
        lines.extend(per_agency(ctx, tally, w));
        lines.push(Line::raw(""));
        lines.extend(one_agency(ctx, tally, w));
        lines.push(Line::raw(""));
        lines.extend(stages_and_days(ctx, tally, w));
        lines.push(Line::raw(""));
        lines.extend(per_block(ctx, tally, w));
        lines.push(Line::raw(""));
        lines.extend(readiness_lines(ctx, tally, text, w));
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
    }
}

/// Everyone credited with an idea, grouped by table and agency, with their counts, a page at a time.
fn award_lines(ctx: &Ctx, tally: &Tally, text: &ReadinessText, width: usize) -> Vec<Line<'static>> {
    let no_agency = ctx.t("tally.no_agency");
    let absent = ctx.t("form.absent_mark");
    // What is still open comes first, so it is settled before the names are read out.
    let mut lines = if tally.readiness.is_empty() {
        vec![readiness_line(ctx, tally, text, width)]
    } else {
        readiness_lines(ctx, tally, text, width)
    };
    lines.push(Line::raw(""));
    let mut table: Option<&str> = None;
    let mut agency: Option<Option<&str>> = None;
    for author in &tally.authors {
        if table != Some(author.table.as_str()) {
            table = Some(author.table.as_str());
            agency = None;
            lines.push(Line::styled(fit(&author.table, width), ctx.theme.accent));
        }
        if agency != Some(author.agency.as_deref()) {
            agency = Some(author.agency.as_deref());
            let name = author.agency.as_deref().unwrap_or(&no_agency);
            lines.push(Line::styled(fit(&format!("   {name}"), width), ctx.theme.title));
        }
        let count = super::ideas_count(ctx.lang, author.ideas);
        let name_w = width.saturating_sub(count.width() + 8);
        let shown = if author.absent { format!("{} {absent}", author.name) } else { author.name.clone() };
        let name = fit(&shown, name_w);
        let dots = " ".repeat(name_w.saturating_sub(name.width()) + 2);
        lines.push(Line::from(vec![
            Span::styled(format!("      {name}{dots}"), ctx.theme.text),
            Span::styled(count, ctx.theme.ok),
        ]));
    }
    lines
}

/// The awards: one awardee at a time for the ceremony (`page` is the awardee), or the list for checking
/// (`v`; `page` is the list's page).
pub fn awards(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, page: usize) {
    if lab.awards_list {
        awards_list(ctx, lab, frame, area, page);
    } else {
        ceremony(ctx, lab, frame, area, page);
    }
}

/// One awardee, large: their name (in glyphs when it fits, always with its plain twin), agency and table,
/// then their ideas; what is still open is one line above, so it is settled before the names are read.
fn ceremony(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, page: usize) {
    let (Some(view), Some(text)) = (lab.tally.as_ref(), lab.readiness_text()) else { return };
    let tally = &view.tally;
    let lang = ctx.lang.code();
    let width = area.width as usize;
    let people = tally.authors.len();
    let [title_area, open_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
    if people == 0 {
        let title = t!(&plural_key("awards.title", 0), people = 0, page = 1, pages = 1, locale = lang);
        frame.render_widget(Paragraph::new(fit(&format!(" {title}"), width)).style(ctx.theme.accent), title_area);
        frame.render_widget(Paragraph::new(format!(" {}", ctx.t("awards.nobody"))).style(ctx.theme.text), body);
        return;
    }
    let at = page.min(people - 1);
    let author = &tally.authors[at];
    let title = t!("awards.ceremony_title", n = at + 1, of = people, locale = lang);
    frame.render_widget(Paragraph::new(fit(&format!(" {title}"), width)).style(ctx.theme.accent), title_area);
    frame.render_widget(Paragraph::new(readiness_line(ctx, tally, text, width)), open_area);
    let name =
        if author.absent { format!("{} {}", author.name, ctx.t("form.absent_mark")) } else { author.name.clone() };
    let agency = author.agency.clone().unwrap_or_else(|| ctx.t("tally.no_agency"));
    let mut below: Vec<Line> = vec![
        Line::styled(fit(&name, width), ctx.theme.title),
        Line::styled(fit(&agency, width), ctx.theme.text),
        Line::styled(fit(&author.table, width), ctx.theme.text),
        Line::raw(""),
    ];
    let ideas = view.awardee_ideas.get(at).map_or(&[][..], |v| v.as_slice());
    for idea in ideas.iter().filter_map(|&id| lab.session.idea(id)) {
        let mark = if idea.flagship { "★ " } else { "• " };
        for line in super::board::wrap(&inert(&idea.title), width.saturating_sub(4).min(72), mark, "  ") {
            below.push(Line::styled(line, if idea.flagship { ctx.theme.accent } else { ctx.theme.text }));
        }
    }
    let below_h = below.len() as u16;
    // The name in large glyphs when the font has it (ASCII) and it fits above the rest.
    let big = if author.name.is_ascii() && !author.name.is_empty() { Some(author.name.as_str()) } else { None };
    let big_h = big.filter(|n| n.len() * 4 + 4 <= width).map_or(0, |_| 4u16);
    let show_big = big_h > 0 && big_h + 1 + below_h.min(8) <= body.height;
    let [big_area, _, rest] = Layout::vertical([
        Constraint::Length(if show_big { big_h } else { 0 }),
        Constraint::Length(u16::from(show_big)),
        Constraint::Min(0),
    ])
    .areas(body);
    if let (true, Some(name)) = (show_big, big) {
        let glyphs = tui_big_text::BigText::builder()
            .pixel_size(tui_big_text::PixelSize::Quadrant)
            .style(ctx.theme.title)
            .alignment(ratatui::layout::Alignment::Center)
            .lines(vec![Line::from(name.to_string())])
            .build();
        frame.render_widget(glyphs, big_area);
    }
    frame.render_widget(Paragraph::new(below).alignment(ratatui::layout::Alignment::Center), rest);
}

/// The awards list with a heading and its page; `page` is clamped to the pages there are.
fn awards_list(ctx: &Ctx, lab: &Lab, frame: &mut Frame, area: Rect, page: usize) {
    let (Some(tally), Some(text)) = (lab.tally(), lab.readiness_text()) else { return };
    let lang = ctx.lang.code();
    let [title_area, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let lines = award_lines(ctx, tally, text, list.width as usize);
    let per_page = (list.height as usize).max(1);
    let pages = lines.len().div_ceil(per_page).max(1);
    let page = page.min(pages - 1);
    let people = tally.authors.len();
    let title =
        t!(&plural_key("awards.title", people as u64), people = people, page = page + 1, pages = pages, locale = lang);
    frame.render_widget(
        Paragraph::new(fit(&format!(" {title}"), area.width as usize)).style(ctx.theme.accent),
        title_area,
    );
    if tally.authors.is_empty() {
        frame.render_widget(Paragraph::new(format!(" {}", ctx.t("awards.nobody"))).style(ctx.theme.text), list);
        return;
    }
    let shown: Vec<Line> = lines.into_iter().skip(page * per_page).take(per_page).collect();
    frame.render_widget(Paragraph::new(shown).style(Style::default()), list);
}
