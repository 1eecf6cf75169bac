//! The parlab binary: parses the command line and hands over to the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    parlab::cli::main_with_args(std::env::args_os())
}
