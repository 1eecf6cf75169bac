//! How parlab shows what it measured, in one place for the four places that show it
//! (`parlab run` in cli/, the TUI in ui/, report.md and results.csv in export/, the
//! charts' titles in plot/): durations, byte sizes and counts ([`units`]), the machine
//! and the run in words ([`machine`]), and the results table's columns ([`table`]).
//! Below app, ui, cli and export; above measure, sysmon and the registries. Pure
//! functions to text: nothing here draws, prints or writes files.

pub mod command;
pub mod machine;
pub mod table;
pub mod units;

pub use command::run_command;
pub use machine::{describe, kernel_title, machine_card};
pub use units::{bytes, compact, seconds, thousands};
