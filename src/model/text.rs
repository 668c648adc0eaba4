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

/// Whether `text` may hold a hazard: a quick byte scan (every hazard's UTF-8 starts with a byte below 0x20,
/// 0x7F, 0xC2, 0xD8 or 0xE2), so clean text costs one pass and no allocation.
fn may_hold_hazard(text: &str) -> bool {
    has_hazard_byte(text.as_bytes()) && text.chars().any(is_hazard)
}

/// Whether any byte is below 0x20 or one of 0x7F, 0xC2, 0xD8, 0xE2: eight bytes at a time (every title on a
/// frame of the board is checked, so this is on the path of each keystroke).
fn has_hazard_byte(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `x` is zero ⇒ its high bit is set here (and a set high bit may also come from a byte of
    // `x` at 0x80 or above, or a borrow: a false alarm at worst, which the exact check below settles).
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_0x20 = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_ne_bytes(word);
        let alarm = below_0x20(x)
            | zero_in(x ^ (ONES * 0x7F))
            | zero_in(x ^ (ONES * 0xC2))
            | zero_in(x ^ (ONES * 0xD8))
            | zero_in(x ^ (ONES * 0xE2));
        if alarm != 0 && chunk.iter().copied().any(is_hazard_byte) {
            return true;
        }
    }
    chunks.remainder().iter().copied().any(is_hazard_byte)
}

fn is_hazard_byte(b: u8) -> bool {
    b < 0x20 || matches!(b, 0x7F | 0xC2 | 0xD8 | 0xE2)
}

/// Removes terminal escape and control sequences whole, as a terminal would read them (the `vte` parser):
/// CSI (`ESC [ … m`), OSC (`ESC ] 0;title BEL`, `ESC ] 52;c;… ESC \`), DCS, SOS, PM and APC strings, in their
/// 7-bit and 8-bit (C1) forms, and every other control character except line feed, carriage return and tab,
/// which are kept for the callers to place. Bidirectional controls and line/paragraph separators are
/// removed too. Printable text around a sequence is kept; an unterminated sequence runs to the end.
pub fn strip_sequences(input: &str) -> Cow<'_, str> {
    if !may_hold_hazard(input) {
        return Cow::Borrowed(input);
    }
    let mut out = Printable { text: String::with_capacity(input.len()), in_dcs: false };
    let mut parser = vte::Parser::new();
    let mut utf8 = [0u8; 4];
    // One character at a time, so each is read in the state the one before left: C1 controls written as
    // characters (U+009B …) go in their 7-bit form, which the parser knows; inside a DCS string, whose
    // content is discarded anyway, other non-ASCII characters are left out, as the parser would read a
    // UTF-8 continuation byte 0x9C ("한") there as the 8-bit string terminator and print the rest.
    for c in input.chars() {
        match c {
            '\u{80}'..='\u{9f}' => parser.advance(&mut out, &[0x1b, c as u8 - 0x40]),
            c if out.in_dcs && !c.is_ascii() => {}
            c => parser.advance(&mut out, c.encode_utf8(&mut utf8).as_bytes()),
        }
    }
    Cow::Owned(out.text)
}

/// What [`strip_sequences`] keeps from the parser: printable text, and where a DCS string is open.
struct Printable {
    text: String,
    in_dcs: bool,
}

impl vte::Perform for Printable {
    fn print(&mut self, c: char) {
        if !is_hazard(c) {
            self.text.push(c);
        }
    }

    fn execute(&mut self, byte: u8) {
        if matches!(byte, b'\n' | b'\r' | b'\t') {
            self.text.push(char::from(byte));
        }
    }

    fn hook(&mut self, _: &vte::Params, _: &[u8], _: bool, _: char) {
        self.in_dcs = true;
    }

    fn unhook(&mut self) {
        self.in_dcs = false;
    }
}

/// Cleans a single-line field (title, name, agency) as it enters the session: escape sequences are removed
/// whole, line breaks and tabs become spaces, every other hazard is dropped, surrounding space is trimmed,
/// and the result is cut to [`MAX_TEXT_BYTES`] on a character boundary.
pub fn clean_line(input: &str) -> String {
    let input = strip_sequences(input);
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

/// Makes text safe to print or write anywhere (a terminal, a CSV, a report), whatever the file held: escape
/// sequences are removed whole ([`strip_sequences`]), and line breaks and tabs become spaces, so one field
/// stays on one line.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !may_hold_hazard(text) {
        return Cow::Borrowed(text);
    }
    let stripped = strip_sequences(text);
    Cow::Owned(stripped.chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
}

/// `text` safe inside HTML text or a quoted attribute: `&`, `<`, `>`, `"` and `'` as character
/// references. Borrowed when there is nothing to escape. The one escaper of room mode's pages and the HTML
/// report.
#[must_use]
pub fn escape_html(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// Text shown visibly escaped, as `ls -b` shows a file name: every hazard is written as `\e`, `\a`, `\xNN` or
/// `\u{NNNN}`, so the name can still be found and typed, and nothing in it acts on the terminal.
pub fn escape_visible(text: &str) -> Cow<'_, str> {
    if !may_hold_hazard(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\x07' => out.push_str("\\a"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hazard(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_hazard(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value quoted in an error message ("unknown column \"…\""): visibly escaped, so the user sees exactly
/// what the file held and nothing acts on the terminal.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", escape_visible(text))
}

/// A path for a message or a report: its text (lossy for names that are not UTF-8), visibly escaped.
pub fn shown<P: AsRef<std::path::Path> + ?Sized>(path: &P) -> String {
    let text = path.as_ref().to_string_lossy();
    escape_visible(&text).into_owned()
}

/// Makes one field inert in place ([`inert`]); clean text is left as it is, without allocating.
pub fn make_inert(field: &mut String) {
    if let Cow::Owned(clean) = inert(field) {
        *field = clean;
    }
}

/// Makes an optional field inert in place.
pub fn make_inert_opt(field: &mut Option<String>) {
    if let Some(text) = field.as_mut() {
        make_inert(text);
    }
}

/// Makes a multi-line field inert in place: sequences removed whole, line breaks kept.
pub fn make_inert_multiline(field: &mut String) {
    if may_hold_hazard(field) && !is_clean_multiline(field) {
        *field = clean_multiline(field);
    }
}

/// Whether a multi-line field is already what [`clean_multiline`] makes of it, so it need not be rebuilt: no
/// hazard but its line feeds, every line trimmed, no line feed at either end (a detail as the app stores it).
fn is_clean_multiline(text: &str) -> bool {
    text.len() <= MAX_TEXT_BYTES
        && !text.starts_with('\n')
        && !text.ends_with('\n')
        && text.split('\n').all(|line| !may_hold_hazard(line) && line.trim().len() == line.len())
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
    fn escape_html_escapes_the_five_characters() {
        assert_eq!(
            escape_html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
        assert_eq!(escape_html("Téam 3 → ok"), "Téam 3 → ok");
        assert!(matches!(escape_html("plain text"), Cow::Borrowed(_)));
        assert!(matches!(escape_html(""), Cow::Borrowed(_)));
    }

    #[test]
    fn clean_line_drops_whole_sequences_and_bidi() {
        assert_eq!(clean_line("a\x1b[2Jb\u{202E}c\0d"), "abcd");
        assert_eq!(clean_line("  two\nlines\t "), "two lines");
        assert_eq!(clean_line("\u{9b}31mred"), "red");
        assert_eq!(clean_line("x\x1b]0;HACKED\x07y"), "xy");
        assert_eq!(clean_line("x\x1b]52;c;aGk=\x1b\\y"), "xy");
        assert_eq!(clean_line("x\u{9d}52;c;aGk=\u{9c}y"), "xy");
        assert_eq!(clean_line("x\x1bP1$qm\x1b\\y"), "xy");
        assert_eq!(clean_line("x\x1b_apc\x1b\\y\x1b[1;31"), "xy", "an unterminated sequence runs to the end");
    }

    #[test]
    fn strip_sequences_keeps_every_printable_character() {
        let text = "Layanan 🚀 数字 👩‍💻 Pelayanan Dinas Pekerjaan Umum — Désa Ñusa";
        assert!(matches!(strip_sequences(text), Cow::Borrowed(_)));
        assert_eq!(strip_sequences(&format!("\x1b[1m{text}\x1b[0m")), text);
        assert_eq!(strip_sequences("a\nb\tc\r"), "a\nb\tc\r");
        assert_eq!(strip_sequences("a\u{2028}b\u{200F}c\x7fd"), "abcd");
    }

    #[test]
    fn strip_sequences_handles_edges() {
        // Text after a sequence is kept; several sequences in a row go whole.
        assert_eq!(strip_sequences("\x1b[1;31mmerah\x1b[0m dan \x1b]0;judul\x1b\\biru"), "merah dan biru");
        // An incomplete sequence at the end of the string is dropped, whatever state it stops in.
        for tail in ["\x1b", "\x1b[", "\x1b[31", "\x1b]52;c;aGk", "\x1bP1$q", "\u{9b}", "\u{9d}0;x", "\x1b]0;x\x1b"] {
            assert_eq!(strip_sequences(&format!("ujung{tail}")), "ujung", "{tail:?}");
        }
        // CAN and SUB abort a sequence, as in a terminal; what follows is text again.
        assert_eq!(strip_sequences("a\x1b[31\x18b"), "ab");
        assert_eq!(strip_sequences("a\x1b]0;x\x1ab"), "ab");
        // SOS and PM strings, 7-bit and 8-bit; 8-bit ST ends an OSC.
        assert_eq!(strip_sequences("a\x1bXsos\x1b\\b\x1b^pm\u{9c}c\u{98}x\u{9c}d\u{9e}y\u{9c}e"), "abcde");
        // A lone ESC before a printable character takes only that character (an escape like ESC 7).
        assert_eq!(strip_sequences("a\x1b7b"), "ab");
        // Wide characters, emoji and Indonesian diacritics around and after sequences survive.
        let text = "Pelayanan Dinas Kesehatan – ‘Sehat’ é è ñ 数字化 한국 🚀👩🏽‍💻🇮🇩";
        assert_eq!(
            strip_sequences(&format!("\x1b[31m{text}\u{9b}0m\x1b]8;;http://x\x07{text}")),
            format!("{text}{text}")
        );
        // Inside a DCS string, a wide character whose UTF-8 holds the byte 0x9C does not end the string early.
        assert_eq!(strip_sequences("a\x1bPq한글\x1b\\b"), "ab");
        assert_eq!(strip_sequences("a\u{90}q한HACKED\u{9c}b"), "ab");
        assert!(matches!(strip_sequences(text), Cow::Borrowed(_)));
    }

    #[test]
    fn names_are_escaped_visibly() {
        assert_eq!(escape_visible("lab.json"), "lab.json");
        assert_eq!(escape_visible("\x1b]52;c;aGk=\x07.json"), "\\e]52;c;aGk=\\a.json");
        assert_eq!(escape_visible("a\u{202E}b\u{9b}"), "a\\u{202e}b\\x9b");
        assert_eq!(shown(std::path::Path::new("x/\x1b[2J.json")), "x/\\e[2J.json");
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
        assert_eq!(clean_multiline("a\r\nb\x1b]0;x\x07\nc"), "a\nb\nc");
    }

    #[test]
    fn inert_removes_sequences_and_keeps_one_line() {
        assert_eq!(inert("ok"), "ok");
        assert_eq!(inert("\x1b[31mred"), "red");
        assert_eq!(inert("x\u{202E}y"), "xy");
        assert_eq!(inert("a\nb"), "a b");
    }

    #[test]
    fn the_byte_scan_finds_every_hazard_byte_anywhere() {
        for len in 0..20 {
            let clean = vec![b'a'; len];
            assert!(!has_hazard_byte(&clean), "{len}");
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = clean.clone();
                    bytes[at] = b;
                    assert_eq!(has_hazard_byte(&bytes), is_hazard_byte(b), "byte {b:#x} at {at} of {len}");
                }
            }
        }
        // Clean non-ASCII text (other lead and continuation bytes) raises no alarm.
        assert!(!has_hazard_byte("Ärzte ünal 数字 layanan".as_bytes()));
        assert!(has_hazard_byte("abcdefgh\u{202E}".as_bytes()));
    }

    #[test]
    fn a_clean_detail_is_kept_and_any_other_is_cleaned_as_before() {
        for text in [
            "Uraian singkat.\nLangkah pertama.",
            "a\n\nb",
            "",
            "satu baris",
            "\nawal",
            "akhir\n",
            "a \nb",
            "a\n b",
            "a\r\nb",
            "a\n\u{1b}[31mb",
            "a\n\u{3000}b",
            "a\u{2028}b\nc",
            "\u{85}\nx",
        ] {
            let mut field = text.to_string();
            make_inert_multiline(&mut field);
            let expected = if may_hold_hazard(text) { clean_multiline(text) } else { text.to_string() };
            assert_eq!(field, expected, "{text:?}");
        }
        assert!(is_clean_multiline("Uraian.\nLangkah."));
        assert!(!is_clean_multiline("Uraian. \nLangkah."));
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
