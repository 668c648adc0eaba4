//! The roster importer on arbitrary bytes: it never panics; every problem names a line of the file and is safe
//! to print; rows it accepts are placed without breaking the session (checked by `validate`).
#![no_main]

use std::sync::OnceLock;

use chrono::DateTime;
use innolab::model::text::is_hazard;
use innolab::model::validate::session_problems;
use innolab::model::{Role, Session};
use innolab::import::roster::{apply, parse};
use libfuzzer_sys::fuzz_target;

/// The built-in plan's session with a few members, so imports both add and update.
fn session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| {
        let plan = innolab::testing::seed_plan();
        let now = DateTime::parse_from_rfc3339("2022-11-02T08:00:00+07:00").expect("a valid time");
        let mut session = Session::new(plan, now);
        for (table, name) in [(0, "Budi"), (1, "Rina"), (1, "Ani")] {
            let member = innolab::model::roster::member(name, Some("DPMPTSP"), Role::Head, true);
            session.add_member(table, member).expect("the table exists");
        }
        session
    })
}

fuzz_target!(|data: &[u8]| {
    let lines_in_file = data.iter().filter(|&&b| b == b'\n').count() + 1;
    match parse(data, innolab::i18n::Lang::En) {
        Ok(rows) => {
            for row in &rows {
                assert!((1..=lines_in_file).contains(&row.line), "line {} of {lines_in_file}", row.line);
                assert!(!row.member.name.is_empty() && !row.member.name.chars().any(is_hazard));
            }
            let mut session = session().clone();
            let count = rows.len();
            let summary = apply(&mut session, rows);
            assert_eq!(summary.added + summary.updated, count);
            let problems = session_problems(&session);
            assert!(problems.is_empty(), "{problems:?}");
            assert!(session.groups.iter().all(|g| !g.name.chars().any(is_hazard)), "{:?}", session.groups);
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
