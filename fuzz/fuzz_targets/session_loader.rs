//! The session loader on arbitrary bytes: it never panics; every error is one line naming the file; and a
//! session it accepts is valid and survives encode → decode unchanged.
#![no_main]

use std::path::Path;

use innolab::model::text::is_hazard;
use innolab::model::validate::session_problems;
use innolab::store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.json");
    match store::decode_session(path, data) {
        Ok(session) => {
            assert!(session_problems(&session).is_empty(), "an accepted session must be valid");
            let bytes = store::encode(path, &session).expect("an accepted session encodes");
            let again = store::decode_session(path, &bytes).expect("an encoded session decodes");
            assert_eq!(again, session, "encode → decode changed the session");
        }
        Err(e) => {
            // One line, naming the file, that cannot act on a terminal whatever the file holds.
            for line in std::iter::once(e.to_string()).chain(e.lines(innolab::i18n::Lang::Id)) {
                assert!(line.starts_with("fuzz.json: ") && !line.chars().any(is_hazard), "{line:?}");
            }
        }
    }
});
