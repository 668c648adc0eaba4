//! The wall clock, read only at the edges (commands and the event loop), never while rendering.
//! `INNOLAB_NOW` (RFC 3339) pins it, so golden tests and demos are reproducible.

use chrono::{DateTime, FixedOffset, Utc};

use crate::model::Timestamp;

/// Now, in the given offset, truncated to whole seconds (what the session file stores).
pub fn now_in(offset: FixedOffset) -> Timestamp {
    let now = pinned().unwrap_or_else(|| Utc::now().fixed_offset());
    let now = now.with_timezone(&offset);
    now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos()))
}

fn pinned() -> Option<Timestamp> {
    let text = std::env::var("INNOLAB_NOW").ok()?;
    DateTime::parse_from_rfc3339(text.trim()).ok()
}

/// True when the clock is pinned by `INNOLAB_NOW`.
pub fn is_pinned() -> bool {
    pinned().is_some()
}
