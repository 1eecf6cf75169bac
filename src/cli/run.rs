//! `parlab run`: measure a plan headless, print tables, write JSON/CSV, charts and the
//! results folder.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;

use super::{RunArgs, guard, plot, table, usage_error};
use crate::export;
use crate::kernels::{self, KernelSpec};
use crate::measure::{Order, Plan, RunEvent, Runner, budget, default_workers};
use crate::sysmon::{MachineFacts, Sampler};

/// Runs the plan the arguments describe.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let facts = match crate::backends::world_size() {
        Some(ranks) if ranks > 1 => MachineFacts::detect().with_world_size(ranks),
        _ => MachineFacts::detect(),
    };
    let name = args.kernel.clone().unwrap_or_default();
    let Some(kernel) = kernels::find(&name) else {
        return Ok(usage_error(format!("unknown kernel '{}'; valid kernels: {}", name, kernels::ids().join(", "))));
    };
    let mut spec = KernelSpec {
        kernel: name.clone(),
        size: args.size.unwrap_or_else(|| kernel.default_size()),
        seed: args.seed,
        params: args.params.iter().cloned().collect(),
    };
    let mut workers = worker_counts(args, &facts);
    let login_node = if args.force { None } else { guard::detect(&facts) };
    if let Some(node) = &login_node
        && let Some(line) = guard::cap(node, &mut spec, kernel.default_size(), &mut workers)
    {
        eprintln!("{line}");
    }
    let mut plan = Plan {
        spec,
        backends: args.backends.clone(),
        workers,
        warmup: args.warmup,
        repetitions: args.reps,
        scale: args.scale,
        order: args.order,
    };
    if let Err(e) = plan.validate(&facts) {
        return Ok(usage_error(e));
    }
    if let Some(code) = check_outputs(args) {
        return Ok(code);
    }
    // A probe for --budget, and for the ETA before the sweep on a terminal.
    let probe = (args.budget.is_some() || (!args.quiet && std::io::stderr().is_terminal()))
        .then(|| budget::Probe::run(&plan.spec))
        .and_then(Result::ok);
    if let (Some(budget_s), Some(probe)) = (args.budget, &probe) {
        let fitted = budget::calibrate(&plan, probe, budget_s, &facts);
        let capped = login_node.as_ref().map_or(fitted, |_| fitted.min(plan.spec.size));
        eprintln!(
            "parlab: size {capped} {} fits the {} budget on this machine (probe: {} {} in {})",
            kernel.size_unit(),
            crate::present::seconds(budget_s),
            probe.large.0,
            kernel.size_unit(),
            crate::present::seconds(probe.large.1)
        );
        plan.spec.size = capped;
    }

    let cpus = facts.available_parallelism;
    let estimate = probe.as_ref().map(|p| budget::estimate(&plan, p, cpus));
    let timeout = args.timeout.map(|t| Duration::try_from_secs_f64(t).unwrap_or(Duration::MAX));
    let runner =
        Runner::new(facts, Sampler::start(Duration::from_millis(250)).ok().map(Arc::new)).with_timeout(timeout);
    let cancel = interrupt_flag();
    let mut progress = Progress::new(args.quiet).with_clock(cpus, estimate);
    let last = runner.run(&plan, &cancel, &mut |event| progress.show(event));
    progress.end();
    let Some(report) = finished(last) else { return Ok(ExitCode::FAILURE) };

    let unit = kernel.size_unit();
    println!(
        "{} | {} {unit} | seed {} | {} | {}",
        report.plan.spec.kernel,
        report.plan.spec.size,
        report.plan.spec.seed,
        repetitions(&report.plan),
        report.machine.card()
    );
    if report.plan.scale.is_weak() {
        // Weak scaling: one size per worker count, so one outcome per size.
        let mut sizes: Vec<u64> = report.points.iter().filter_map(|p| p.size).collect();
        sizes.sort_unstable();
        sizes.dedup();
        for size in sizes {
            if let Some(p) = report.points.iter().find(|p| p.size == Some(size)) {
                println!("outcome at {size} {unit} ({} x{}): {}", p.backend, p.workers, p.outcome);
            }
        }
    } else if let Some(first) = report.points.first() {
        if report.points.iter().all(|p| p.outcome == first.outcome) {
            println!("outcome (identical on every backend): {}", first.outcome);
        } else {
            // A race (counter) or a memory figure (colmeans) changes from run to run.
            println!("outcome of {} x{}: {}", first.backend, first.workers, first.outcome);
            for point in report.points.iter().filter(|p| !p.varying.is_empty()) {
                let values: Vec<String> = point
                    .varying
                    .iter()
                    .map(|(name, v)| {
                        format!("{name}={}", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","))
                    })
                    .collect();
                println!("  varied over repetitions on {} x{}: {}", point.backend, point.workers, values.join(" "));
            }
        }
    }
    print!("{}", table::render(&report));
    write_outputs(&report, args)?;
    Ok(exit_code(&report))
}

/// "5 interleaved rounds (+1 warm-up)" or "5 reps (+1 warm-up)".
fn repetitions(plan: &Plan) -> String {
    match plan.order {
        Order::Interleaved => format!("{} interleaved rounds (+{} warm-up)", plan.repetitions, plan.warmup),
        Order::Sequential => format!("{} reps point after point (+{} warm-up)", plan.repetitions, plan.warmup),
    }
}

/// A flag that Ctrl-C (SIGINT) sets: the run stops mid-repetition and keeps the points
/// it finished.
pub(super) fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag)) {
        eprintln!("note: Ctrl-C will end parlab at once, losing the points measured so far ({e})");
    }
    flag
}

/// The report to show and write: the whole run's, or, after Ctrl-C, the points finished
/// before, marked incomplete. None when the run failed (the reason is printed).
pub(super) fn finished(last: RunEvent) -> Option<crate::measure::Report> {
    match last {
        RunEvent::Finished(report) => Some(*report),
        RunEvent::Cancelled(report) if report.points.is_empty() => {
            eprintln!("interrupted before the first point was measured: nothing to show or write");
            None
        }
        RunEvent::Cancelled(report) => {
            eprintln!(
                "interrupted: the {} point{} measured before are shown and written, marked incomplete",
                report.points.len(),
                if report.points.len() == 1 { "" } else { "s" }
            );
            Some(crate::measure::Report { incomplete: true, ..*report })
        }
        RunEvent::Failed(message) => {
            eprintln!("error: {message}");
            None
        }
        _ => None,
    }
}

/// 0 for a whole run; 130 (the shell's code for Ctrl-C) for an interrupted one.
pub(super) fn exit_code(report: &crate::measure::Report) -> ExitCode {
    if report.incomplete { ExitCode::from(130) } else { ExitCode::SUCCESS }
}

/// The --workers counts, ascending and without repeats [default: 1, 2, 4 ... the CPUs,
/// and one oversubscribed count].
pub(super) fn worker_counts(args: &RunArgs, facts: &MachineFacts) -> Vec<usize> {
    let mut workers = args.workers.clone().unwrap_or_else(|| default_workers(facts.available_parallelism));
    workers.sort_unstable();
    workers.dedup();
    workers
}

/// Refuses, before any run, output paths that cannot be written: files that exist
/// (without --force), folders or devices where a file goes, an --out that is not a
/// folder, a folder parlab cannot write in, a bad --plot. Each message names the flag.
pub(super) fn check_outputs(args: &RunArgs) -> Option<ExitCode> {
    for (flag, path) in [("--json", &args.json), ("--csv", &args.csv)] {
        let Some(path) = path else { continue };
        if path.exists() && !args.force {
            return Some(usage_error(format!("{flag} {} already exists; pass --force to replace it", path.display())));
        }
        if let Err(why) = plot::check_out_file(path) {
            return Some(usage_error(format!("{flag} {}: {why}", path.display())));
        }
    }
    if let Some(dir) = &args.out
        && let Err(why) = plot::check_out_dir(dir)
    {
        return Some(usage_error(format!("--out {}: {why}", dir.display())));
    }
    args.plot.as_ref().and_then(|path| plot::check_plot_target(path, args.force))
}

/// Progress of a run on stderr: one line per run, rewritten in place on a terminal.
pub(super) struct Progress {
    quiet: bool,
    live: bool,
    /// Available CPUs, for the ETA's assumed speedups.
    cpus: usize,
    /// The sweep's estimated time before it starts, from a probe.
    estimate: Option<f64>,
    /// The running plan's ETA and when it started.
    eta: Option<(budget::Eta, std::time::Instant)>,
}

impl Progress {
    pub(super) fn new(quiet: bool) -> Self {
        Self { quiet, live: std::io::stderr().is_terminal(), cpus: 1, estimate: None, eta: None }
    }

    /// Estimates the time left on a machine with `cpus` CPUs; `estimate` is the whole
    /// sweep's, shown before it starts.
    pub(super) fn with_clock(self, cpus: usize, estimate: Option<f64>) -> Self {
        Self { cpus, estimate, ..self }
    }

    pub(super) fn show(&mut self, event: &RunEvent) {
        if self.quiet {
            return;
        }
        let mut stderr = std::io::stderr();
        if let RunEvent::Started { plan, .. } = event {
            self.eta = Some((budget::Eta::new(plan, self.cpus), std::time::Instant::now()));
        }
        match event {
            RunEvent::Started { plan, total_runs } => {
                let what = match kernels::find(&plan.spec.kernel) {
                    Some(kernel) => format!("{} of size {} {}", plan.spec.kernel, plan.spec.size, kernel.size_unit()),
                    None => plan.backends.join(", "),
                };
                let order = match plan.order {
                    Order::Interleaved => format!("{} rounds over every point", plan.repetitions),
                    Order::Sequential => "point after point".to_string(),
                };
                let _ = writeln!(
                    stderr,
                    "parlab: {what}, {} timed + {} warm-up runs per point ({order}), {total_runs} runs in all",
                    plan.repetitions, plan.warmup
                );
                if let Some(estimate) = self.estimate {
                    let _ = writeln!(stderr, "parlab: expected to take {}", budget::about(estimate));
                }
            }
            RunEvent::Sample { backend, workers, warmup, seconds, done, total } => {
                let kind = if *warmup { "warm-up" } else { "timed" };
                let mut text =
                    format!("[{done}/{total}] {backend} x{workers}: {kind} run {}", crate::present::seconds(*seconds));
                if let Some(left) =
                    self.eta.as_ref().and_then(|(eta, at)| eta.remaining(*done, at.elapsed().as_secs_f64()))
                    && done < total
                {
                    text.push_str(&format!(", {} left", budget::about(left)));
                }
                if self.live {
                    let _ = write!(stderr, "\r\x1b[2K{text}");
                } else {
                    let _ = writeln!(stderr, "{text}");
                }
            }
            _ => {}
        }
    }

    pub(super) fn end(&mut self) {
        if !self.quiet && self.live {
            eprintln!();
        }
    }
}

/// Writes --json, --csv, --plot and --out; returns the folder --out wrote to.
pub(super) fn write_outputs(report: &crate::measure::Report, args: &RunArgs) -> Result<Option<std::path::PathBuf>> {
    // The learner's last results, for `parlab share` without a file (never fatal).
    crate::export::share::save_last(report);
    let report = &*export::without_host(report, args.with_host);
    if let Some(path) = &args.json {
        export::write_new(path, export::json::to_json(report).as_bytes(), args.force)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.csv {
        export::write_new(path, export::csv::to_csv(report).as_bytes(), args.force)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.plot {
        plot::write_plot(report, path, args.force)?;
    }
    args.out.as_ref().map(|dir| plot::write_out(report, dir, args.force)).transpose()
}
