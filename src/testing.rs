//! Fixtures shared by the unit tests, the integration tests, the benchmarks and the fuzz targets, so each
//! builds the same lab the same way. Not part of the app.

use chrono::NaiveDate;

use crate::model::{Plan, Session, Timestamp};

/// The first day of the lab in the source article: 2 November 2022.
pub fn seed_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 11, 2).expect("a literal date")
}

/// The built-in three-day plan, starting on [`seed_date`].
pub fn seed_plan() -> Plan {
    Plan::builtin(seed_date())
}

/// A new session of [`seed_plan`], created at `now`.
pub fn seed_session(now: Timestamp) -> Session {
    Session::new(seed_plan(), now)
}

/// The time `rfc3339` names, e.g. `at("2022-11-02T08:00:00+07:00")`. Panics on a malformed literal: that
/// is a bug in the test that wrote it, and the panic names it.
pub fn at(rfc3339: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap_or_else(|e| panic!("{rfc3339:?} is not an RFC 3339 time: {e}"))
}

/// The date `ymd` names, e.g. `date("2023-03-06")`. Panics on a malformed literal, as [`at`] does.
pub fn date(ymd: &str) -> NaiveDate {
    ymd.parse().unwrap_or_else(|e| panic!("{ymd:?} is not a YYYY-MM-DD date: {e}"))
}
