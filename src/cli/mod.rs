//! The command line: clap definitions and one function per subcommand. With no
//! subcommand parlab opens the terminal lab.

pub mod batch;
mod cheatsheet;
mod cmd;
mod completions;
mod doctor;
mod guard;
pub mod info;
mod launched;
mod lessons;
mod plot;
mod python;
mod room;
mod run;
mod share;
pub mod site;
pub mod table;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::backends::{self, Launch};

/// Exit code for bad input (flags, files): the flag or file at fault is named on stderr.
pub const EXIT_USAGE: u8 = 2;

/// A terminal lab for learning parallel programming.
#[derive(Debug, Parser)]
#[command(name = "parlab", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Use the course in DIR (a course.toml and its Markdown files) instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR")]
    pub lessons: Option<PathBuf>,
    /// Open the terminal lab straight at a lesson's Lab: its number in `parlab lessons list`
    /// or its id, e.g. `parlab --lesson 3` or `parlab --lesson amdahl`.
    #[arg(long, value_name = "N|ID")]
    pub lesson: Option<String>,
    /// Projector mode for one shared screen: the Lab's panes stacked for a tall, narrow
    /// window, charts in block characters, and a strip that echoes each key and what it
    /// did, e.g. `parlab --present --lesson 3`.
    #[arg(long)]
    pub present: bool,
    /// Colours of the terminal lab: `standard`, or `high-contrast` (bold and reverse video,
    /// no colour or grey text: reads on light and dark backgrounds and on a projector)
    /// [default: high-contrast with --present, else standard].
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<ThemeName>,
    /// On a shared login node outside a batch job, let the terminal lab's sweeps use
    /// more than 2 workers and the full size (parlab caps both there otherwise).
    #[arg(long)]
    pub force: bool,
    /// Size for every lesson's kernel in the terminal lab (for demos and tests; accepts 2e8, 400M).
    #[arg(long, hide = true, value_parser = parse_size, allow_negative_numbers = true)]
    pub size: Option<u64>,
    /// Fit each Lab's sweep to about this long on this machine, from a short probe per
    /// kernel, e.g. parlab --budget 20s [default: 10s for the built-in course; an own
    /// course (--lessons) keeps its sizes unless given].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub budget: Option<f64>,
}

/// The terminal lab's themes (`--theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Colours (none when NO_COLOR is set).
    Standard,
    /// Bold, underline and reverse video only.
    HighContrast,
}

impl ThemeName {
    /// The theme asked for, else the one that suits the mode: high contrast on a projector.
    pub fn resolve(asked: Option<ThemeName>, present: bool) -> ThemeName {
        asked.unwrap_or(if present { ThemeName::HighContrast } else { ThemeName::Standard })
    }
}

const AFTER_HELP: &str = "Examples:
  parlab run pi --backends seq,threads,rayon,gil --workers 1,2,4
  parlab run integral --backends gil,threads --size 2e8 --json results.json
  parlab run pi --backends threads,gil --workers 1,2,4 --out results/
  parlab run --cmd 'python3 pi.py --workers {workers}' --workers 1,2,4 --out report/
  parlab plot results/results.json --plot speedup.svg
  parlab plot laptop.json node.json --out compare/
  parlab info
  parlab share
  parlab room pad.txt --out room/
  parlab cheatsheet --out handout/
  parlab --lesson 3
  parlab batch pi --backends threads,rayon --workers 8 --time 00:10:00 > job.sh
  parlab batch pi --site site.toml --workers 8 --per-count > array.sh
  parlab batch --interactive --site site.toml --workers 4
  parlab lessons check my-course/
  parlab lessons export my-course/ && parlab lessons plan --minutes 180
  parlab doctor
Run without a command to open the terminal lab (with --lessons DIR: your own course).";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure a kernel on backends and worker counts; print speedups and the Amdahl fit.
    Run(RunArgs),
    /// Redraw the charts and the report from a saved results.json, without rerunning.
    Plot(PlotArgs),
    /// Print the machine's facts and how many CPUs a pool would use, and why.
    Info(InfoArgs),
    /// Print a SLURM batch script that runs a measurement on a cluster node (-n and -c explained).
    Batch(BatchArgs),
    /// Print one line carrying your last results (or a results.json) for the workshop pad:
    /// medians, fits, predictions and the machine class, no host or user name.
    Share(ShareArgs),
    /// Read the room's share lines and results files; write one report: every learner's
    /// speedup curve, the fitted serial fractions, prediction errors, the outliers.
    Room(RoomArgs),
    /// Print a one-page cheatsheet (keys, formulas, backends, Slurm -n against -c, lessons)
    /// as Markdown, or write it with SVG and PNG for printing into --out DIR.
    Cheatsheet(CheatsheetArgs),
    /// List the kernels, one teaching sentence each.
    Kernels,
    /// List the backends, one teaching sentence each.
    Backends,
    /// Show what the py-* backends found: python3, free-threaded or not, numpy and its BLAS threads, numba, mpi4py, the start method; and what to install for what is missing. Example: `parlab python`.
    Python,
    /// List the lessons, or check a course folder for mistakes.
    #[command(subcommand)]
    Lessons(LessonsCommand),
    // Installing and setting up: completions, the man page, the first-run check.
    /// Check this computer for the lab: terminal, colours, progress folder, CPUs, Python, MPI.
    Doctor,
    /// Print a shell completion script, e.g. `parlab completions bash > ~/.local/share/bash-completion/completions/parlab`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `parlab man > ~/.local/share/man/man1/parlab.1`.
    Man {
        /// Write parlab.1 and one page per subcommand (parlab-run.1, ...) into DIR instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Serve as a worker process of the `processes` backend (parlab starts these itself).
    #[command(hide = true)]
    Worker(WorkerArgs),
    /// Run one measured command and report its CPU time and memory (`run --cmd` starts these).
    #[command(hide = true)]
    Exec(ExecArgs),
}

/// Arguments of the hidden `parlab exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Process id of the parlab that started it (it refuses to run if that one is gone).
    #[arg(long)]
    pub parent: Option<u32>,
    /// Where to write the report of the run (JSON).
    #[arg(long)]
    pub report: PathBuf,
    /// The command and its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub argv: Vec<String>,
}

/// `parlab lessons ...`.
#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// List the lessons of the course (the built-in one, or --lessons DIR).
    List,
    /// Check a course folder: every mistake as file:line: message; exit code 2 if any.
    Check {
        /// Folder holding course.toml and the lesson files [default: --lessons DIR, else the built-in course].
        dir: Option<PathBuf>,
    },
    /// Write the built-in course into DIR to trim or edit, then use it with --lessons DIR,
    /// e.g. parlab lessons export my-course/.
    Export {
        /// A new or empty folder.
        dir: PathBuf,
        /// Write into a folder that already holds files, replacing files of the same name.
        #[arg(long)]
        force: bool,
    },
    /// Propose a workshop schedule from each lesson's minutes and this machine's sweep
    /// times, and say what to cut (optional lessons first), e.g. parlab lessons plan --minutes 180.
    Plan {
        /// Minutes the workshop has for the lessons.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        minutes: u32,
        /// The sweep budget the Labs are fitted to, e.g. --budget 20s.
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        budget: Option<f64>,
    },
}

/// Arguments of the hidden `parlab worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Process id of the parlab that started this worker (it exits if that one is gone).
    #[arg(long)]
    pub parent: Option<u32>,
}

/// Arguments of `parlab run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Kernel to run (see `parlab kernels`); omit it with --cmd.
    #[arg(required_unless_present = "commands")]
    pub kernel: Option<String>,
    /// Measure this command instead of a kernel; {workers} becomes each point's worker
    /// count, e.g. --cmd 'python3 pi.py --workers {workers}'. Repeat to compare commands.
    #[arg(long = "cmd", value_name = "COMMAND", conflicts_with_all = ["kernel", "size", "params"])]
    pub commands: Vec<String>,
    /// Label for each --cmd, in the same order [default: the script's or program's name].
    #[arg(long = "name", value_name = "LABEL", requires = "commands")]
    pub names: Vec<String>,
    /// With --cmd: also set OMP_NUM_THREADS, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS,
    /// NUMBA_NUM_THREADS and RAYON_NUM_THREADS to the worker count (PARLAB_WORKERS is always set).
    #[arg(long, requires = "commands")]
    pub threads_env: bool,
    /// With --cmd: run it under `sh -c` (for pipes and redirections) instead of splitting it into words.
    #[arg(long, requires = "commands")]
    pub shell: bool,
    /// Start each worker count as its own job: mpirun, mpiexec, srun, or a template such
    /// as 'mpirun -n {workers} --bind-to core'. With --cmd, or with --backends mpi for a
    /// whole MPI scaling curve: parlab run integral --backends mpi --launcher mpirun --workers 1,2,4
    #[arg(long, value_name = "LAUNCHER")]
    pub launcher: Option<String>,
    /// With --cmd: check the output across worker counts: `stdout` (identical) or
    /// 'regex:PATTERN' (the number its first group captures agrees within --tolerance).
    #[arg(long, value_name = "CHECK", requires = "commands")]
    pub check: Option<String>,
    /// Relative tolerance of --check regex:...
    #[arg(long, default_value_t = 1e-3, requires = "check")]
    pub tolerance: f64,
    /// Longest time one run (one repetition) may take, e.g. 60s, 2m, 500ms. A kernel run
    /// that overruns it is stopped with an error naming the worker that stopped answering,
    /// its pid and its items, and worker processes are killed; a --cmd's whole process
    /// group is killed [default for kernels: 20x the slowest run before it, at least 30 s].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// Comma-separated backends (see `parlab backends`).
    #[arg(long, short = 'b', value_delimiter = ',', default_value = "seq,threads,rayon,gil")]
    pub backends: Vec<String>,
    /// Comma-separated worker counts [default: 1, 2, 4 ... up to the available CPUs, plus one oversubscribed count].
    #[arg(long, short = 'w', value_delimiter = ',', allow_negative_numbers = true)]
    pub workers: Option<Vec<usize>>,
    /// Amount of work, in the kernel's unit; accepts 2e8, 400M, 1_000_000 [default: the kernel's, about 1-3 s on one core].
    #[arg(long, short = 's', value_parser = parse_size, allow_negative_numbers = true)]
    pub size: Option<u64>,
    /// strong (the same --size at every worker count) or weak (--size times the worker
    /// count: the scaled speedup p x T(1, n) / T(p, p n) and a Gustafson fit), e.g.
    /// parlab run amdahl --scale weak --param serial_units=20000000.
    #[arg(long, value_name = "SCALE", value_parser = clap::value_parser!(crate::measure::Scale), default_value = "strong", conflicts_with = "commands")]
    pub scale: crate::measure::Scale,
    /// Timed repetitions per point.
    #[arg(long, default_value_t = 5, allow_negative_numbers = true)]
    pub reps: u32,
    /// Pick the size so that the whole sweep takes about this long on this machine, from
    /// a short probe, e.g. --budget 10s or --budget 1m.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub budget: Option<f64>,
    /// Untimed warm-up runs per point.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub warmup: u32,
    /// How the repetitions are ordered: `interleaved` runs round after round, every point
    /// once per round in rotating order, so that a burst of other load hits one round of
    /// every point rather than one point (the speedup is the median of the per-round
    /// ratios); `sequential` runs every repetition of a point before the next, e.g.
    /// --order sequential.
    #[arg(long, value_name = "ORDER", default_value = "interleaved", value_parser = order_parser())]
    pub order: crate::measure::Order,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub seed: u64,
    /// Kernel or backend parameter, KEY=VALUE (repeatable; see `parlab kernels`).
    #[arg(long = "param", short = 'p', value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the results as CSV to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Draw the speedup chart to this file (.png or .svg).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Write results.json, results.csv, report.md and every chart (PNG and SVG) into this
    /// folder. A folder that already holds files is left alone and DIR-2 (DIR-3, ...) is
    /// used instead, unless --force.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace output files that already exist; on a shared login node, also measure more
    /// than 2 workers and the full size (outside a batch job parlab caps both there).
    #[arg(long)]
    pub force: bool,
    /// Keep this computer's host name in results.json (left out by default, so results
    /// can be shared), e.g. `parlab run pi --json pi.json --with-host`.
    #[arg(long)]
    pub with_host: bool,
    /// No progress on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `parlab batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Kernel the job runs (see `parlab kernels`).
    #[arg(default_value = "pi")]
    pub kernel: String,
    /// Comma-separated backends [default: threads,rayon; with --mpi: mpi].
    #[arg(long, short = 'b', value_delimiter = ',')]
    pub backends: Option<Vec<String>>,
    /// CPUs the job's task gets (--cpus-per-task); the run sweeps 1, 2, 4 ... up to it.
    /// With --mpi: CPUs per rank [default with --mpi: 1].
    #[arg(long, short = 'w', allow_negative_numbers = true)]
    pub workers: Option<usize>,
    /// Write a job of MPI ranks (the `mpi` backend) instead of one task with many CPUs.
    #[arg(long, requires = "ranks")]
    pub mpi: bool,
    /// MPI ranks to start (--ntasks); with --mpi.
    #[arg(long, allow_negative_numbers = true)]
    pub ranks: Option<usize>,
    /// Amount of work, in the kernel's unit; accepts 2e8, 400M [default: the kernel's].
    #[arg(long, short = 's', value_parser = parse_size, allow_negative_numbers = true)]
    pub size: Option<u64>,
    /// Kernel or backend parameter, KEY=VALUE (repeatable).
    #[arg(long = "param", short = 'p', value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Timed repetitions per point.
    #[arg(long, default_value_t = 5, allow_negative_numbers = true)]
    pub reps: u32,
    /// Wall-clock limit of the job, HH:MM:SS or D-HH:MM:SS [default: the site file's, else 00:30:00].
    #[arg(long)]
    pub time: Option<String>,
    /// Memory for the job on its node, e.g. 4G (SLURM's --mem) [default: the site's].
    #[arg(long)]
    pub mem: Option<String>,
    /// The allocation to charge (#SBATCH --account), e.g. --account training.
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// The queue of nodes to wait for (#SBATCH --partition), e.g. --partition short.
    #[arg(long, value_name = "NAME")]
    pub partition: Option<String>,
    /// Nodes the site reserved for the workshop (#SBATCH --reservation), e.g. --reservation ws-day1.
    #[arg(long, value_name = "NAME")]
    pub reservation: Option<String>,
    /// Quality of service (#SBATCH --qos), e.g. --qos normal.
    #[arg(long, value_name = "NAME")]
    pub qos: Option<String>,
    /// An environment module to load first (repeatable; replaces the site file's list),
    /// e.g. --module Python/3.11.5 --module OpenMPI/4.1.6.
    #[arg(long = "module", value_name = "NAME")]
    pub modules: Vec<String>,
    /// A site profile (TOML) an instructor hands out: name, account, partition,
    /// reservation, qos, modules, setup, cpus, time, mem. Flags override it. E.g.
    /// --site aurora.toml (the README, "Running on a cluster", shows a whole file).
    #[arg(long, value_name = "FILE")]
    pub site: Option<PathBuf>,
    /// Write a job array with one task per worker count (1, 2, 4 ... --workers), each
    /// writing parlab-<job>-w<count>.json; merge them with `parlab plot parlab-<job>-w*.json`.
    #[arg(long, conflicts_with = "mpi")]
    pub per_count: bool,
    /// Print the interactive recipe instead (`srun ... --cpus-per-task N --pty parlab`), e.g.
    /// parlab batch --interactive --site aurora.toml --workers 4.
    #[arg(long, conflicts_with_all = ["mpi", "per_count"])]
    pub interactive: bool,
}

/// Arguments of `parlab plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Results written by `parlab run --json FILE` or `--out DIR` (DIR/results.json).
    /// Give several to compare them on one chart (e.g. laptop against cluster node).
    #[arg(value_name = "RESULTS.json", required = true)]
    pub results: Vec<PathBuf>,
    /// Folder for the report, the charts and copies of the results [default: beside
    /// RESULTS.json, named after it: results.json -> results-plots/]. A folder that
    /// already holds files is left alone and DIR-2 (DIR-3, ...) is used, unless --force.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Draw only the speedup chart, to this file (.png or .svg).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Replace output files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Keep the host name a results file carries in the copy written to --out (left
    /// out by default), e.g. `parlab plot results.json --out plots/ --with-host`.
    #[arg(long)]
    pub with_host: bool,
}

/// Arguments of `parlab share`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  parlab share                  # the last results measured here\n  parlab share results.json     # a saved results file\n  parlab share --no-predictions"
)]
pub struct ShareArgs {
    /// Results to share [default: the last results measured on this computer, kept in
    /// parlab's data folder or $PARLAB_DATA].
    #[arg(value_name = "RESULTS.json")]
    pub results: Option<PathBuf>,
    /// Leave out the predictions you made in the exercises.
    #[arg(long)]
    pub no_predictions: bool,
    /// Print only the line (no note on stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `parlab room`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  parlab room pad.txt --out room/\n  parlab room pad.txt alice.json node/results.json --out room/ --kernel amdahl --backend threads"
)]
pub struct RoomArgs {
    /// Text files of share lines (one per line, e.g. the workshop pad saved as text;
    /// other lines are counted and ignored) and results.json files.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Folder for room.md and the charts (PNG and SVG).
    #[arg(long, value_name = "DIR", default_value = "room")]
    pub out: PathBuf,
    /// Kernel to chart [default: the one most results measured].
    #[arg(long)]
    pub kernel: Option<String>,
    /// Backend whose curves are drawn [default: the one most results measured at 1 and more workers].
    #[arg(long, short = 'b')]
    pub backend: Option<String>,
    /// Replace files that already exist in --out.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `parlab cheatsheet`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  parlab cheatsheet > cheatsheet.md\n  parlab cheatsheet --out handout/\n  parlab cheatsheet --lessons my-course/ --out handout/"
)]
pub struct CheatsheetArgs {
    /// Write cheatsheet.md, cheatsheet.svg and cheatsheet.png (A4 landscape) into DIR
    /// instead of printing the Markdown.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace files that already exist in --out.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `parlab info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print the facts as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Parses sizes such as `400000000`, `4e8`, `400M`, `1.5G`, `1_000_000`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let cleaned: String = text.trim().chars().filter(|&c| c != '_').collect();
    let (number, scale) = match cleaned.chars().last() {
        Some('k' | 'K') => (&cleaned[..cleaned.len() - 1], 1e3),
        Some('M') => (&cleaned[..cleaned.len() - 1], 1e6),
        Some('G') => (&cleaned[..cleaned.len() - 1], 1e9),
        Some('T') => (&cleaned[..cleaned.len() - 1], 1e12),
        _ => (cleaned.as_str(), 1.0),
    };
    if let Ok(whole) = number.parse::<u64>() {
        return whole.checked_mul(scale as u64).ok_or_else(|| format!("'{text}' is too large"));
    }
    if number.starts_with('-') {
        return Err(format!("'{text}' is negative; a size counts units of work, from 1"));
    }
    let value: f64 = number.parse().map_err(|_| format!("'{text}' is not a size (examples: 1000000, 2e8, 400M)"))?;
    let value = value * scale;
    if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < 1.8e19) {
        return Err(format!("'{text}' is not a whole number of units"));
    }
    Ok(value as u64)
}

/// Parses durations such as `60s`, `2m`, `500ms`, `1.5h` or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("'{text}' is not a duration (examples: 60s, 2m, 500ms)")),
    };
    match number.trim().parse::<f64>() {
        // A Duration holds it (a longer one would panic where it is converted).
        Ok(value)
            if value.is_finite() && value > 0.0 && std::time::Duration::try_from_secs_f64(value * scale).is_ok() =>
        {
            Ok(value * scale)
        }
        _ => Err(format!("'{text}' is not a duration (examples: 60s, 2m, 500ms)")),
    }
}

/// `--order`: its two values, listed in `--help` and completions.
fn order_parser() -> impl clap::builder::TypedValueParser<Value = crate::measure::Order> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["interleaved", "sequential"]).map(|name| match name.as_str() {
        "sequential" => crate::measure::Order::Sequential,
        _ => crate::measure::Order::Interleaved,
    })
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim().to_string(), value.trim().to_string())),
        _ => Err(format!("'{text}' is not KEY=VALUE")),
    }
}

/// A listing whose reader goes away (`parlab kernels | head -1`) ends quietly, as `ls`
/// does: SIGPIPE's default action ends the process, where Rust's runtime ignores the
/// signal and `println!` then panics on the broken pipe. Only for commands that print and
/// exit: `run`, the TUI and workers handle broken pipes to their workers themselves.
fn quiet_on_broken_pipe() {
    use nix::sys::signal::{SigHandler, Signal, signal};
    // SAFETY: called on the main thread before any other thread starts; it restores the
    // default disposition and installs no handler.
    #[allow(unsafe_code)]
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
}

/// Parses `args` and runs the command; the binary's whole `main`.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    if matches!(
        cli.command,
        Some(
            Command::Kernels
                | Command::Backends
                | Command::Info(_)
                | Command::Batch(_)
                | Command::Doctor
                | Command::Completions { .. }
                | Command::Lessons(LessonsCommand::List)
        )
    ) {
        quiet_on_broken_pipe();
    }
    let result = match cli.command {
        Some(Command::Run(args)) if args.budget.is_some() && (args.size.is_some() || !args.commands.is_empty()) => {
            Ok(usage_error("--budget picks the size of a kernel: leave out --size and --cmd"))
        }
        Some(Command::Run(args)) if !args.commands.is_empty() => cmd::run(&args),
        Some(Command::Run(args)) if args.launcher.is_some() => {
            launched::run(&args, args.launcher.as_deref().unwrap_or_default())
        }
        Some(Command::Run(args)) => match backends::launch(&args.backends) {
            // Another rank of an MPI launch: it served rank 0 and prints nothing.
            Launch::Served(served) => served.map(|()| ExitCode::SUCCESS).map_err(anyhow::Error::from),
            Launch::Root { note } => {
                if let Some(note) = note.filter(|_| !args.quiet) {
                    eprintln!("note: {note}");
                }
                run::run(&args)
            }
        },
        Some(Command::Worker(args)) => Ok(match backends::serve_worker(args.parent) {
            Ok(()) => ExitCode::SUCCESS,
            Err(why) => {
                eprintln!("parlab worker: {why}");
                ExitCode::FAILURE
            }
        }),
        Some(Command::Exec(args)) => Ok(match backends::command::serve_exec(args.parent, &args.report, &args.argv) {
            Ok(()) => ExitCode::SUCCESS,
            Err(why) => {
                eprintln!("parlab exec: {why}");
                ExitCode::FAILURE
            }
        }),
        Some(Command::Plot(args)) => plot::plot(&args),
        Some(Command::Info(args)) => info::info(&args),
        Some(Command::Batch(args)) => batch::batch(&args),
        Some(Command::Share(args)) => share::share(&args),
        Some(Command::Room(args)) => room::room(&args),
        Some(Command::Cheatsheet(args)) => cheatsheet::cheatsheet(&args, cli.lessons.as_deref()),
        Some(Command::Kernels) => info::kernels(),
        Some(Command::Backends) => info::backends(),
        Some(Command::Python) => python::python(),
        Some(Command::Lessons(LessonsCommand::List)) => lessons::list(cli.lessons.as_deref()),
        Some(Command::Lessons(LessonsCommand::Check { dir })) => {
            lessons::check(dir.as_deref().or(cli.lessons.as_deref()))
        }
        Some(Command::Doctor) => doctor::doctor(),
        Some(Command::Completions { shell }) => completions::completions(shell),
        Some(Command::Man { dir }) => completions::man(dir.as_deref()),
        Some(Command::Lessons(LessonsCommand::Export { dir, force })) => lessons::export(&dir, force),
        Some(Command::Lessons(LessonsCommand::Plan { minutes, budget })) => {
            lessons::plan(cli.lessons.as_deref(), minutes, budget)
        }
        None => lessons::open_lab(
            cli.lessons.as_deref(),
            cli.size,
            cli.lesson.as_deref(),
            cli.budget,
            cli.present,
            ThemeName::resolve(cli.theme, cli.present) == ThemeName::HighContrast,
            cli.force,
        ),
    };
    backends::finish();
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

/// An error caused by the user's input: printed, exit code 2.
pub fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        let table: &[(&str, Result<u64, ()>)] = &[
            ("1000", Ok(1000)),
            ("1_000_000", Ok(1_000_000)),
            ("2e8", Ok(200_000_000)),
            ("400M", Ok(400_000_000)),
            ("1.5G", Ok(1_500_000_000)),
            ("3k", Ok(3000)),
            ("0", Ok(0)),
            ("abc", Err(())),
            ("1.5", Err(())),
            ("-3", Err(())),
            ("1e30", Err(())),
        ];
        for (text, expected) in table {
            assert_eq!(parse_size(text).map_err(|_| ()), *expected, "{text}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60s"), Ok(60.0));
        assert_eq!(parse_duration("2m"), Ok(120.0));
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        assert_eq!(parse_duration("1.5"), Ok(1.5));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn params() {
        assert_eq!(parse_param("serial=0.1"), Ok(("serial".into(), "0.1".into())));
        assert!(parse_param("serial").is_err());
        assert!(parse_param("=3").is_err());
    }
}
