//! The parlab binary: parses the command line and hands over to the library.

#[cfg(windows)]
compile_error!(
    "parlab does not build on native Windows: it uses Unix processes, signals and /proc. \
     Use WSL2 instead: `wsl --install` in PowerShell, then in the Ubuntu terminal \
     `pip install parlab` (or `cargo install --path .`). See the README, section Windows."
);

#[cfg(not(windows))]
fn main() -> std::process::ExitCode {
    parlab::cli::main_with_args(std::env::args_os())
}

#[cfg(windows)]
fn main() {}
