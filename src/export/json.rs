//! The tally of one session as pretty JSON, the same shape as `innolab tally --format json` gives for many.
//! Scripts and dashboards read this; its keys are the `Tally` field names and never translated.

use crate::model::Session;
use crate::tally::{SessionRef, Tally};

/// The pretty-printed tally of `session` (reported as file `name`), ending with a newline.
pub fn tally_json(session: &Session, name: &str) -> Result<Vec<u8>, serde_json::Error> {
    let tally = Tally::of(&[SessionRef::new(name, session)]);
    let mut bytes = serde_json::to_vec_pretty(&tally)?;
    bytes.push(b'\n');
    Ok(bytes)
}
