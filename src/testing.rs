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
