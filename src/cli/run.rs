//! `parlab run`: measure a plan headless, print tables, write JSON/CSV, charts and the
//! results folder.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;

use super::{RunArgs, plot, table, usage_error};
use crate::export;
use crate::kernels::{self, KernelSpec};
use crate::measure::{Plan, RunEvent, Runner, default_workers};
use crate::sysmon::{MachineFacts, Sampler};

/// Runs the plan the arguments describe.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let facts = MachineFacts::detect();
    let Some(kernel) = kernels::find(&args.kernel) else {
        return Ok(usage_error(format!(
            "unknown kernel '{}'; valid kernels: {}",
            args.kernel,
            kernels::ids().join(", ")
        )));
    };
    let spec = KernelSpec {
        kernel: args.kernel.clone(),
        size: args.size.unwrap_or_else(|| kernel.default_size()),
        seed: args.seed,
        params: args.params.iter().cloned().collect(),
    };
    let mut workers = args.workers.clone().unwrap_or_else(|| default_workers(facts.available_parallelism));
    workers.sort_unstable();
    workers.dedup();
    let plan = Plan { spec, backends: args.backends.clone(), workers, warmup: args.warmup, repetitions: args.reps };
    if let Err(e) = plan.validate(&facts) {
        return Ok(usage_error(e));
    }
    for (flag, path) in [("--json", &args.json), ("--csv", &args.csv)] {
        let Some(path) = path else { continue };
        if path.exists() && !args.force {
            return Ok(usage_error(format!("{flag} {} already exists; pass --force to replace it", path.display())));
        }
        if let Err(why) = plot::check_out_file(path) {
            return Ok(usage_error(format!("{flag} {}: {why}", path.display())));
        }
    }
    if let Some(dir) = &args.out
        && let Err(why) = plot::check_out_dir(dir)
    {
        return Ok(usage_error(format!("--out {}: {why}", dir.display())));
    }
    if let Some(path) = &args.plot
        && let Some(code) = plot::check_plot_target(path, args.force)
    {
        return Ok(code);
    }

    let sampler = Sampler::start(Duration::from_millis(250)).ok().map(Arc::new);
    let runner = Runner::new(facts, sampler);
    let progress = !args.quiet;
    let live = std::io::stderr().is_terminal();
    let cancel = AtomicBool::new(false);
    let mut stderr = std::io::stderr();
    let last = runner.run(&plan, &cancel, &mut |event| {
        if !progress {
            return;
        }
        match event {
            RunEvent::Started { plan, total_runs } => {
                let unit = kernels::find(&plan.spec.kernel).map_or("units", |k| k.size_unit());
                let _ = writeln!(
                    stderr,
                    "parlab: {} of size {} {unit}, {} timed + {} warm-up runs per point, {total_runs} runs in all",
                    plan.spec.kernel, plan.spec.size, plan.repetitions, plan.warmup
                );
            }
            RunEvent::Sample { backend, workers, warmup, seconds, done, total } => {
                let kind = if *warmup { "warm-up" } else { "timed" };
                let text = format!("[{done}/{total}] {backend} x{workers}: {kind} run {}", table::seconds(*seconds));
                if live {
                    let _ = write!(stderr, "\r\x1b[2K{text}");
                } else {
                    let _ = writeln!(stderr, "{text}");
                }
            }
            _ => {}
        }
    });
    if progress && live {
        let _ = writeln!(stderr);
    }
    let report = match last {
        RunEvent::Finished(report) => *report,
        RunEvent::Failed(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::FAILURE);
        }
        RunEvent::Cancelled(_) => {
            eprintln!("cancelled");
            return Ok(ExitCode::FAILURE);
        }
        _ => return Ok(ExitCode::FAILURE),
    };

    let unit = kernel.size_unit();
    println!(
        "{} | {} {unit} | seed {} | {} reps (+{} warm-up) | {}",
        report.plan.spec.kernel,
        report.plan.spec.size,
        report.plan.spec.seed,
        report.plan.repetitions,
        report.plan.warmup,
        report.machine.card()
    );
    if let Some(first) = report.points.first() {
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

    if let Some(path) = &args.json {
        export::write_new(path, export::json::to_json(&report).as_bytes(), args.force)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.csv {
        export::write_new(path, export::csv::to_csv(&report).as_bytes(), args.force)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.plot {
        plot::write_plot(&report, path, args.force)?;
    }
    if let Some(dir) = &args.out {
        plot::write_out(&report, dir, args.force)?;
    }
    Ok(ExitCode::SUCCESS)
}
