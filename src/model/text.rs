//! Untrusted text: what typed, imported or hand-edited strings may contain, and how they are made inert.
//! Input is cleaned once when it enters the session; display is cleaned again so a hand-edited file is harmless too.

use std::borrow::Cow;

/// The longest text field a session may hold (bytes). Longer fields are refused on load and cut on input.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// True for characters that can move the cursor, change the terminal or reorder the line when printed:
/// C0 and C1 controls, DEL, and the bidirectional embedding/override/isolate controls.
pub fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Cleans a single-line field (title, name, agency) as it enters the session: line breaks and tabs become
/// spaces, every other hazard is dropped, surrounding space is trimmed, and the result is cut to
/// [`MAX_TEXT_BYTES`] on a character boundary.
pub fn clean_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(MAX_TEXT_BYTES));
    for c in input.chars() {
        let c = match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            c if is_hazard(c) => continue,
            c => c,
        };
        if out.len() + c.len_utf8() > MAX_TEXT_BYTES {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() { out } else { trimmed.to_string() }
}

/// Cleans a multi-line field (an idea's detail): like [`clean_line`] but keeps line breaks ("\r\n" → "\n").
pub fn clean_multiline(input: &str) -> String {
    let normalised = input.replace("\r\n", "\n");
    normalised.split('\n').map(clean_line).collect::<Vec<_>>().join("\n").trim().to_string()
}

/// Makes text safe to print on a terminal, whatever the file held: every hazard becomes U+FFFD, so an
/// escape sequence shows as harmless text ("�[2J") instead of acting.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if is_hazard(c) { '\u{FFFD}' } else { c }).collect())
}

/// Cuts text to at most `max_chars` characters, ending with "…" when something was cut; never splits a character.
pub fn ellipsize(text: &str, max_chars: usize) -> Cow<'_, str> {
    if max_chars == 0 {
        return Cow::Borrowed("");
    }
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let cut = text.char_indices().nth(max_chars - 1).map_or(text.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &text[..cut]))
        }
    }
}

/// A file-name-safe slug from a title: letters transliterated to ASCII (`deunicode`: "ünïcødé" → "unicode",
/// "数字" → "shu-zi"), ASCII letters and digits kept, words joined by '-', at most 60 bytes.
/// It can never contain a path separator or "..", so a title can never steer where a file is written.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in deunicode::deunicode(title).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "lab".to_string() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_line_drops_escapes_and_bidi() {
        assert_eq!(clean_line("a\x1b[2Jb\u{202E}c\0d"), "a[2Jbcd");
        assert_eq!(clean_line("  two\nlines\t "), "two lines");
        assert_eq!(clean_line("\u{9b}31m"), "31m");
    }

    #[test]
    fn clean_line_keeps_wide_and_emoji() {
        assert_eq!(clean_line("Layanan 🚀 数字 👩‍💻"), "Layanan 🚀 数字 👩‍💻");
    }

    #[test]
    fn clean_line_cuts_on_char_boundary() {
        let long = "é".repeat(MAX_TEXT_BYTES);
        let cut = clean_line(&long);
        assert!(cut.len() <= MAX_TEXT_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn clean_multiline_keeps_breaks() {
        assert_eq!(clean_multiline("a\r\nb\x1b]0;x\x07\nc"), "a\nb]0;x\nc");
    }

    #[test]
    fn inert_replaces_hazards() {
        assert_eq!(inert("ok"), "ok");
        assert_eq!(inert("\x1b[31mred"), "\u{FFFD}[31mred");
        assert_eq!(inert("x\u{202E}y"), "x\u{FFFD}y");
    }

    #[test]
    fn ellipsize_counts_characters() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 3), "abc");
        assert_eq!(ellipsize("ééééé", 2), "é…");
        assert_eq!(ellipsize("abc", 0), "");
    }

    #[test]
    fn slug_is_path_safe() {
        assert_eq!(slug("Executive Laboratorium Inovasi 2022"), "executive-laboratorium-inovasi-2022");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("..."), "lab");
        assert_eq!(slug("Lab ünïcødé Kota"), "lab-unicode-kota");
        assert_eq!(slug("Café ∕ ‥ ⁄"), "cafe");
        assert!(slug(&"数".repeat(100)).len() <= 60);
        assert!(slug(&"x".repeat(500)).len() <= 60);
    }
}
