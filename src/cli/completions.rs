//! `parlab completions SHELL` and `parlab man`: shell completions and the man pages,
//! both generated from the same clap definitions the parser uses, so they never drift.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Command, CommandFactory};
use clap_complete::Shell;

use super::{AFTER_HELP, Cli};

/// The command line as a learner sees it: without the hidden `worker` subcommand and
/// hidden flags, which some shells' generators would otherwise offer.
fn public_command() -> Command {
    let full = Cli::command();
    let mut public = Command::new("parlab")
        .version(env!("CARGO_PKG_VERSION"))
        .about(full.get_about().cloned().unwrap_or_default())
        // roff joins lines that do not start with a space: keep the last sentence apart.
        .after_help(AFTER_HELP.replace("\nRun without", "\n\nRun without"));
    for arg in full.get_arguments().filter(|a| !a.is_hide_set()) {
        public = public.arg(arg.clone());
    }
    for subcommand in full.get_subcommands().filter(|s| !s.is_hide_set()) {
        public = public.subcommand(subcommand.clone());
    }
    public
}

/// Prints the completion script for `shell` to stdout.
pub fn completions(shell: Shell) -> Result<ExitCode> {
    let mut command = public_command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "parlab", &mut script);
    io::stdout().write_all(&script).context("Failed to write the completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page (roff, section 1) to stdout, or with `dir` writes it and one page
/// per subcommand (parlab-run.1, ...) into that folder.
pub fn man(dir: Option<&Path>) -> Result<ExitCode> {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).with_context(|| format!("Failed to create {}", dir.display()))?;
        clap_mangen::generate_to(public_command(), dir)
            .with_context(|| format!("Failed to write the man pages into {}", dir.display()))?;
        println!("man pages written to {} (read one with: man -l {}/parlab.1)", dir.display(), dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(public_command()).render(&mut page).context("Failed to render the man page")?;
    io::stdout().write_all(&page).context("Failed to write the man page")?;
    Ok(ExitCode::SUCCESS)
}
