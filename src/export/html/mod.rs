//! HTML written so that nothing from a session can become markup: [`Html`] takes tags, attribute names and
//! the stylesheet only as `&'static str` (written here, never read from a file), and every other string
//! through one escaping function. The report (`report.rs`) and its SVG charts (`chart.rs`) are built with it.

pub mod chart;
pub mod report;

use crate::model::text::{escape_html, inert};

pub use report::{ReportSession, report};

/// The first line of every HTML report innolab writes: how a later report knows the file is its own (see
/// `export::identify`), and a comment a browser ignores.
pub const HTML_MARKER: &str = "<!doctype html><!-- innolab report -->";

/// An HTML document being written. Markup can only be a `&'static str`; text and attribute values are made
/// inert (escape sequences and control characters removed, as everywhere else) and then escaped (`&`, `<`,
/// `>`, `"`, `'`), so a title `<script>` is shown as those characters, in text, in an attribute, and in an
/// SVG `<text>` or `<title>` alike.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
}

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    /// Markup written by innolab itself: a literal, never a string built from a session.
    pub fn markup(&mut self, markup: &'static str) -> &mut Html {
        self.out.push_str(markup);
        self
    }

    /// Any text, shown as it reads.
    pub fn text(&mut self, text: &str) -> &mut Html {
        self.out.push_str(&escape_html(&inert(text)));
        self
    }

    /// A count or other number, as text.
    pub fn number(&mut self, n: impl std::fmt::Display) -> &mut Html {
        self.text(&n.to_string())
    }

    /// Text of several lines (an idea's detail): each line escaped, `<br>` between them, empty lines dropped.
    pub fn lines(&mut self, text: &str) -> &mut Html {
        let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        for (i, line) in lines.enumerate() {
            if i > 0 {
                self.markup("<br>");
            }
            self.text(line);
        }
        self
    }

    /// `<tag a="v" …>`: the names are literals, each value is escaped.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Html {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape_html(&inert(value)));
            self.out.push('"');
        }
        self.out.push('>');
        self
    }

    pub fn close(&mut self, tag: &'static str) -> &mut Html {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// `<tag …>text</tag>`.
    pub fn element(&mut self, tag: &'static str, attrs: &[(&'static str, &str)], text: &str) -> &mut Html {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// An empty SVG element: `<tag a="v" …/>`.
    pub fn empty(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Html {
        self.open(tag, attrs);
        self.out.pop();
        self.out.push_str("/>");
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: [&str; 5] = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "&amp;",
        "it's \"q\"",
    ];

    /// Whatever goes in as text or as an attribute value, the output holds no markup character of it.
    #[test]
    fn text_and_attribute_values_are_escaped() {
        for hostile in HOSTILE {
            let mut html = Html::new();
            html.open("p", &[("title", hostile)]).text(hostile).close("p");
            let out = html.finish();
            let escaped = escape_html(hostile);
            assert!(!escaped.contains(['<', '>', '"', '\'']), "{escaped}");
            assert_eq!(out, format!("<p title=\"{escaped}\">{escaped}</p>"));
        }
        let mut html = Html::new();
        html.element("td", &[], "a & b <i>").text("'\"");
        assert_eq!(html.finish(), "<td>a &amp; b &lt;i&gt;</td>&#39;&quot;");
        let mut html = Html::new();
        html.element("span", &[], "&amp;");
        assert_eq!(html.finish(), "<span>&amp;amp;</span>", "a literal entity stays a literal");
    }

    #[test]
    fn escape_sequences_and_controls_are_removed_before_escaping() {
        let mut html = Html::new();
        html.text("a\x1b[2Jb\x1b]0;x\x07c\u{202e}d");
        assert_eq!(html.finish(), "abcd");
    }

    #[test]
    fn lines_are_broken_and_each_escaped() {
        let mut html = Html::new();
        html.lines("one <b>\n\n  two & three \r\n");
        assert_eq!(html.finish(), "one &lt;b&gt;<br>two &amp; three");
    }

    #[test]
    fn empty_elements_close_themselves() {
        let mut html = Html::new();
        html.empty("rect", &[("width", "12.5"), ("class", "x\"y")]);
        assert_eq!(html.finish(), "<rect width=\"12.5\" class=\"x&quot;y\"/>");
        let mut html = Html::new();
        html.number(42).markup("<hr>");
        assert_eq!(html.finish(), "42<hr>");
    }
}
