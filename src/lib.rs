//! parlab: a terminal lab for learning parallel programming.
//!
//! A [`kernels::Kernel`] describes independent items of work; a [`backends::Backend`]
//! runs them on a number of workers; [`measure`] times verified runs and fits Amdahl's
//! law; [`sysmon`] watches every core; [`present`] writes the results as text. The command line ([`cli`]) and the terminal UI
//! are views over those measurements.

// Native Windows is not supported (parlab uses Unix processes, signals and /proc): there
// the library is empty and the binary stops with one message pointing at WSL2 (main.rs),
// instead of a wall of errors.
#![cfg(not(windows))]

pub mod app;
pub mod backends;
pub mod cli;
pub mod export;
pub mod files;
pub mod kernels;
pub mod lessons;
pub mod measure;
pub mod plot;
pub mod present;
pub mod sysmon;
pub mod tui;
pub mod ui;
