//! Spreadsheets coming in: ideas (`ideas`) and the roster of tables and members (`roster`), read from CSV
//! exported by Excel, LibreOffice or Google Sheets (`csv` holds what both readers share).

mod csv;
mod ideas;
pub mod roster;

pub use ideas::*;
