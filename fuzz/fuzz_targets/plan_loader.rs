//! The plan loader on arbitrary bytes: it never panics; every error is one line naming the file; a plan it
//! accepts survives encode → decode unchanged and starts a valid session (what `innolab new --plan` does).
#![no_main]

use std::path::Path;

use chrono::DateTime;
use innolab::model::Session;
use innolab::model::text::is_hazard;
use innolab::model::validate::{plan_problems, session_problems};
use innolab::store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("plan.json");
    match store::decode_plan(path, data) {
        Ok(plan) => {
            assert!(plan_problems(&plan).is_empty(), "an accepted plan must be valid");
            let bytes = serde_json::to_vec_pretty(&plan).expect("an accepted plan encodes");
            let again = store::decode_plan(path, &bytes).expect("an encoded plan decodes");
            assert_eq!(again, plan, "encode → decode changed the plan");
            let now = DateTime::parse_from_rfc3339("2022-11-02T08:00:00+07:00").expect("a valid time");
            let session = Session::new(plan, now);
            let problems = session_problems(&session);
            assert!(problems.is_empty(), "a session from an accepted plan is invalid: {problems:?}");
        }
        Err(e) => {
            for line in std::iter::once(e.to_string()).chain(e.lines(innolab::i18n::Lang::Id)) {
                // One line, naming the file, that cannot act on a terminal whatever the file holds.
                assert!(line.starts_with("plan.json: ") && !line.chars().any(is_hazard), "{line:?}");
            }
        }
    }
});
