//! innolab: run a multi-day innovation lab from a projected terminal, capture every idea, tally the results.
//! The domain (`model`) knows nothing of the terminal or the disk; `store` owns the file; `cli` the commands.

rust_i18n::i18n!("locales", fallback = "en");

pub mod app;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod export;
pub mod formats;
pub mod help;
pub mod i18n;
pub mod import;
pub mod model;
pub mod ops;
pub mod room;

pub mod runtime;
pub mod store;
pub mod tally;
#[doc(hidden)]
pub mod testing;
pub mod ui;
