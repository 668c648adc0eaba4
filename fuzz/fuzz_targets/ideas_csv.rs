//! The ideas importer on arbitrary bytes against a fixed session: it never panics; it is all or nothing; every
//! problem names a line of the file and is safe to print; imported ideas leave the session valid and clean.
#![no_main]

use std::sync::OnceLock;

use chrono::DateTime;
use innolab::import::parse_ideas_csv;
use innolab::model::text::is_hazard;
use innolab::model::validate::session_problems;
use innolab::model::{Session, Timestamp};
use libfuzzer_sys::fuzz_target;

fn now() -> Timestamp {
    DateTime::parse_from_rfc3339("2022-11-03T10:00:00+07:00").expect("a valid time")
}

/// The built-in plan's session with two renamed tables, so names, numbers and ids all resolve.
fn session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| {
        let plan = innolab::testing::seed_plan();
        let mut session = Session::new(plan, now());
        session.progress.block = "d2-curah-ide".into();
        session.rename_group(1, "Meja Dinas Kesehatan").expect("table 2 exists");
        session.rename_group(3, "数字 Meja").expect("table 4 exists");
        session
    })
}

fuzz_target!(|data: &[u8]| {
    let lines_in_file = data.iter().filter(|&&b| b == b'\n').count() + 1;
    match parse_ideas_csv(data, session(), innolab::i18n::Lang::En) {
        Ok(ideas) => {
            let mut session = session().clone();
            for imported in ideas {
                assert!((1..=lines_in_file).contains(&imported.line), "line {} of {lines_in_file}", imported.line);
                let title = imported.idea.title.clone();
                assert!(!title.is_empty() && !title.chars().any(is_hazard), "{title:?}");
                session.add_idea(imported.idea, now()).unwrap();
            }
            let problems = session_problems(&session);
            assert!(problems.is_empty(), "{problems:?}");
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!((1..=lines_in_file).contains(&e.line), "line {} of {lines_in_file}", e.line);
                assert!(!e.message.chars().any(is_hazard), "{:?}", e.message);
            }
        }
    }
});
