//! The roster screen: every table with its members (agency, role, present or absent) as one list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use rust_i18n::t;

use super::{Ctx, fit};
use crate::app::{Lab, SetupRow, setup_rows};

pub fn render(ctx: &Ctx, lab: &Lab, cursor: usize, frame: &mut Frame, area: Rect) {
    let lang = ctx.lang.code();
    let [title_area, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let members: usize = lab.session.groups.iter().map(|g| g.members.len()).sum();
    let title = t!("setup.title", tables = lab.session.groups.len(), members = members, locale = lang);
    frame.render_widget(
        Paragraph::new(fit(&format!(" {title}"), area.width as usize)).style(ctx.theme.accent),
        title_area,
    );
    let rows = setup_rows(&lab.session);
    super::cursor_list(ctx, frame, list, rows.len(), cursor, |i| match rows[i] {
        SetupRow::Table(g) => {
            let group = &lab.session.groups[g];
            let ideas = lab.index.per_group.get(g).map_or(0, Vec::len);
            let text = t!(
                "setup.table_row",
                table = group.name.as_str(),
                members = group.members.len(),
                ideas = ideas,
                locale = lang
            );
            (format!(" {}", text), ctx.theme.accent)
        }
        SetupRow::Member(g, m) => {
            let member = &lab.session.groups[g].members[m];
            let role = ctx.t(&format!("role.{}", member.role.key()));
            let presence = if member.present { ctx.t("setup.present") } else { ctx.t("setup.absent") };
            let agency = member.agency.as_deref().unwrap_or("—");
            (format!("     {} · {agency} · {role} · {presence}", member.name), ctx.theme.text)
        }
    });
}
