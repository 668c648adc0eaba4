//! The session file on disk: load (decode, check the version, validate), atomic durable save, and the
//! one-writer lock. A file that fails to load is only ever read, never rewritten or "repaired".
//! `rescue` writes the emergency copies when the file itself cannot be written.

mod error;
pub mod journal;
mod load;
mod lock;
mod positions;
pub mod rescue;
mod save;
mod split;

pub use error::*;
pub use load::*;
pub use lock::*;
pub use save::*;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::positions::json_positions;
    use super::*;

    #[test]
    fn json_lines_finds_values_and_falls_back_to_the_enclosing_one() {
        let text = "{\n  \"a\": [\n    {\"b\": 1},\n    {\n      \"b\": \"x\\\"y\",\n      \"c\": []\n    }\n  ],\n  \"d\": {}\n}\n";
        let wanted = ["a[1].b", "a[0].b", "a[1].c", "d.missing", "", "a[5]"];
        let lines: Vec<usize> = json_positions(text, &wanted).into_iter().map(|(line, _)| line).collect();
        assert_eq!(lines, vec![5, 3, 6, 9, 1, 2]);
        assert_eq!(json_positions(text, &["a[1].b", "a[0].b", "a[0]"]), vec![(5, 12), (3, 11), (3, 5)]);
    }

    #[test]
    fn invalid_files_name_the_line_of_each_problem() {
        let text = "{\"title\": \"x\",\n \"days\": [{\"date\": \"2022-11-02\", \"blocks\": []}]}";
        let err = decode_plan(Path::new("p.json"), text.as_bytes()).unwrap_err();
        assert_eq!(
            err.lines(crate::i18n::Lang::En),
            vec!["p.json: line 2, column 44: days[0].blocks: this day has no blocks".to_string()]
        );
    }
}
