//! Horizontal bar charts as inline SVG: one row per label, bars scaled to the largest value, the number
//! written beside each bar as text (no colour or length needed to read it), long labels shortened with the
//! whole label in the row's `<title>` (a tooltip, and what a screen reader reads).

use super::Html;
use crate::model::text::ellipsize;

/// The whole drawing's width in SVG units; it scales to the page.
pub const WIDTH: u32 = 520;
/// Room for the labels, left of the bars.
const LABEL_WIDTH: u32 = 220;
/// Room for the number after the longest bar.
const VALUE_WIDTH: u32 = 70;
const ROW_HEIGHT: u32 = 22;
const BAR_HEIGHT: u32 = 14;
const PADDING: u32 = 6;
/// Characters of a label shown before it is shortened (at the chart's type size, about the label column).
pub const LABEL_CHARS: usize = 24;

/// One bar: what it counts, how many, and a note after the number ("★ 2").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: usize,
    pub note: Option<String>,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: usize) -> Bar {
        Bar { label: label.into(), value, note: None }
    }

    pub fn with_note(mut self, note: Option<String>) -> Bar {
        self.note = note;
        self
    }
}

/// The longest bar's length, in SVG units.
pub const fn bar_room() -> u32 {
    WIDTH - LABEL_WIDTH - VALUE_WIDTH
}

/// How long the bar of `value` is when the largest is `max`: proportional, the largest filling `room`,
/// zero for zero (and for every bar when all are zero), equal values equal.
pub fn bar_length(value: usize, max: usize, room: u32) -> f64 {
    if max == 0 { 0.0 } else { value.min(max) as f64 / max as f64 * f64::from(room) }
}

/// The label as shown (shortened to [`LABEL_CHARS`] with "…") and whether it was shortened.
pub fn shown_label(label: &str) -> (std::borrow::Cow<'_, str>, bool) {
    let shown = ellipsize(label, LABEL_CHARS);
    let cut = shown.len() != label.len();
    (shown, cut)
}

/// The drawing's height for `rows` bars.
pub fn height(rows: usize) -> u32 {
    rows as u32 * ROW_HEIGHT + 2 * PADDING
}

/// SVG numbers with one decimal, so the same chart is always the same text.
fn unit(x: f64) -> String {
    format!("{x:.1}")
}

/// Draws `bars` titled `title` (the chart's accessible name), with a sentence under the title when `intro`
/// has one. Nothing to draw gives `empty` as a sentence.
pub fn bar_chart(html: &mut Html, title: &str, intro: Option<&str>, bars: &[Bar], empty: &str) {
    html.open("figure", &[("class", "chart")]);
    html.element("figcaption", &[], title);
    if let Some(intro) = intro {
        html.element("p", &[("class", "intro")], intro);
    }
    if bars.is_empty() {
        html.element("p", &[("class", "none")], empty);
        html.close("figure").markup("\n");
        return;
    }
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let h = height(bars.len());
    let view = format!("0 0 {WIDTH} {h}");
    html.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("role", "img"),
            ("aria-label", title),
            ("viewBox", &view),
            ("width", &WIDTH.to_string()),
            ("height", &h.to_string()),
            ("class", "bars"),
        ],
    );
    html.element("title", &[], title).markup("\n");
    for (i, bar) in bars.iter().enumerate() {
        let top = PADDING + i as u32 * ROW_HEIGHT;
        let baseline = unit(f64::from(top) + f64::from(ROW_HEIGHT) / 2.0 + 4.5);
        let length = bar_length(bar.value, max, bar_room());
        let (label, _) = shown_label(&bar.label);
        let number = match &bar.note {
            Some(note) => format!("{} · {note}", bar.value),
            None => bar.value.to_string(),
        };
        html.open("g", &[("class", "row")]);
        // The row's tooltip and accessible text: the whole label, whatever was cut.
        html.element("title", &[], &format!("{}: {number}", bar.label));
        html.element(
            "text",
            &[("x", &(LABEL_WIDTH - 8).to_string()), ("y", &baseline), ("text-anchor", "end"), ("class", "label")],
            &label,
        );
        if bar.value > 0 {
            let y = unit(f64::from(top) + f64::from(ROW_HEIGHT - BAR_HEIGHT) / 2.0);
            let w = unit(length.max(1.0));
            html.empty(
                "rect",
                &[
                    ("x", &LABEL_WIDTH.to_string()),
                    ("y", &y),
                    ("width", &w),
                    ("height", &BAR_HEIGHT.to_string()),
                    ("class", "bar"),
                ],
            );
        }
        let x = unit(f64::from(LABEL_WIDTH) + length + 6.0);
        html.element("text", &[("x", &x), ("y", &baseline), ("class", "value")], &number);
        html.close("g").markup("\n");
    }
    html.close("svg");
    html.close("figure").markup("\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_zero_is_nothing() {
        assert_eq!(bar_length(10, 10, 300), 300.0);
        assert_eq!(bar_length(5, 10, 300), 150.0);
        assert_eq!(bar_length(0, 10, 300), 0.0);
        assert_eq!(bar_length(0, 0, 300), 0.0, "all zero: no division by zero");
        assert_eq!(bar_length(1, 3, 300), 100.0);
        assert_eq!(bar_length(7, 3, 300), 300.0, "never past the room");
    }

    #[test]
    fn ties_draw_equal_bars_and_the_largest_fills_the_room() {
        let mut html = Html::new();
        bar_chart(&mut html, "T", None, &[Bar::new("a", 4), Bar::new("b", 4), Bar::new("c", 2)], "none");
        let out = html.finish();
        let widths: Vec<&str> =
            out.split("width=\"").skip(2).map(|s| s.split('"').next().unwrap()).filter(|w| *w != "14").collect();
        let room = unit(f64::from(bar_room()));
        assert_eq!(widths, [room.as_str(), room.as_str(), unit(f64::from(bar_room()) / 2.0).as_str()], "{out}");
    }

    #[test]
    fn a_zero_draws_no_bar_but_its_number() {
        let mut html = Html::new();
        bar_chart(&mut html, "T", None, &[Bar::new("a", 0), Bar::new("b", 0)], "none");
        let out = html.finish();
        assert!(!out.contains("<rect"), "{out}");
        assert_eq!(out.matches(">0</text>").count(), 2, "{out}");
        let mut html = Html::new();
        bar_chart(&mut html, "T", None, &[], "(none)");
        let out = html.finish();
        assert!(!out.contains("<svg") && out.contains("<p class=\"none\">(none)</p>"), "{out}");
    }

    #[test]
    fn long_labels_are_shortened_with_the_whole_label_in_the_title() {
        let long = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu";
        let (shown, cut) = shown_label(long);
        assert!(cut);
        assert_eq!(shown.chars().count(), LABEL_CHARS);
        assert!(shown.ends_with('…'));
        assert_eq!(shown_label("Meja 1"), ("Meja 1".into(), false));
        let mut html = Html::new();
        bar_chart(&mut html, "Per agency", Some("<i>"), &[Bar::new(long, 3).with_note(Some("★ 1".into()))], "none");
        let out = html.finish();
        assert!(out.contains(&format!("<title>{long}: 3 · ★ 1</title>")), "{out}");
        assert!(out.contains(&format!(">{shown}</text>")), "{out}");
        assert!(out.contains("role=\"img\" aria-label=\"Per agency\""), "{out}");
        assert!(out.contains(">3 · ★ 1</text>"), "{out}");
        assert!(out.contains("<p class=\"intro\">&lt;i&gt;</p>"), "{out}");
    }

    #[test]
    fn hostile_labels_are_text_in_the_svg() {
        let mut html = Html::new();
        bar_chart(&mut html, "<b>", None, &[Bar::new("<script>x</script>", 1)], "none");
        let out = html.finish();
        assert!(!out.contains("<script") && !out.contains("<b>"), "{out}");
        assert!(out.contains(">&lt;script&gt;x&lt;/script&gt;</text>"), "{out}");
        assert!(out.contains("<title>&lt;script&gt;x&lt;/script&gt;: 1</title>"), "{out}");
        assert!(out.contains("aria-label=\"&lt;b&gt;\""), "{out}");
    }

    #[test]
    fn the_height_grows_with_the_rows() {
        assert_eq!(height(0), 12);
        assert_eq!(height(3), 3 * 22 + 12);
    }
}
