//! `parlab run KERNEL --backends mpi --launcher mpirun --workers 1,2,4`: a whole MPI
//! scaling curve from one command. Each worker count runs as its own job
//! (`mpirun -n W parlab run ... --workers W`), through the same machinery that measures a
//! learner's command, and the jobs' points become one report.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use super::run::{Progress, check_outputs, exit_code, finished, interrupt_flag, worker_counts, write_outputs};
use super::{RunArgs, table, usage_error};
use crate::backends::{self, BackendKind, command};
use crate::kernels::{self, KernelSpec};
use crate::measure::commands::LaunchedPlan;
use crate::measure::{Plan, Runner};
use crate::sysmon::{MachineFacts, Sampler};

/// Runs the kernel plan the arguments give, one launched job per worker count.
pub fn run(args: &RunArgs, launcher: &str) -> Result<ExitCode> {
    let facts = MachineFacts::detect();
    let name = args.kernel.clone().unwrap_or_default();
    let Some(kernel) = kernels::find(&name) else {
        return Ok(usage_error(format!("unknown kernel '{}'; valid kernels: {}", name, kernels::ids().join(", "))));
    };
    if let Some(why) = refuse_backends(&args.backends) {
        return Ok(usage_error(why));
    }
    if let Err(e) = command::find_launcher(launcher) {
        return Ok(usage_error(e));
    }
    let plan = Plan {
        spec: KernelSpec {
            kernel: name.clone(),
            size: args.size.unwrap_or_else(|| kernel.default_size()),
            seed: args.seed,
            params: args.params.iter().cloned().collect(),
        },
        backends: args.backends.clone(),
        workers: worker_counts(args, &facts),
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
    let launched = LaunchedPlan { plan, launcher: launcher.to_string(), timeout_s: args.timeout };

    let runner = Runner::new(facts, Sampler::start(Duration::from_millis(250)).ok().map(Arc::new));
    let cancel = interrupt_flag();
    let mut progress = Progress::new(args.quiet);
    let last = runner.run_launched(&launched, &cancel, &mut |event| progress.show(event));
    progress.end();
    let Some(report) = finished(last) else { return Ok(ExitCode::FAILURE) };
    println!(
        "{} | {} {} | seed {} | {} reps (+{} warm-up) | {}",
        report.plan.spec.kernel,
        report.plan.spec.size,
        kernel.size_unit(),
        report.plan.spec.seed,
        report.plan.repetitions,
        report.plan.warmup,
        report.machine.card()
    );
    let last = launched.plan.workers.last().copied().unwrap_or(1);
    let shown = launched.command(std::path::Path::new("parlab"), std::path::Path::new("point.json"));
    println!("each worker count ran as its own job, e.g. {}", shown.display(last));
    if let Some(first) = report.points.first()
        && report.points.iter().all(|p| p.outcome == first.outcome && p.verified)
    {
        println!("outcome (identical in every job, verified against seq): {}", first.outcome);
    }
    print!("{}", table::render(&report));
    write_outputs(&report, args)?;
    Ok(exit_code(&report))
}

/// Why these backends cannot run under --launcher, if they cannot: only launched
/// backends (mpi) are started as one job per worker count.
fn refuse_backends(names: &[String]) -> Option<String> {
    for name in names {
        match backends::find(name) {
            Some(backend) if backend.kind() == BackendKind::Launched => {}
            Some(_) => {
                return Some(format!(
                    "--launcher: the {name} backend runs inside one parlab process, so a launcher has nothing to start; \
                     --launcher starts each worker count as its own MPI job and works with --backends {} only \
                     (measure {name} without --launcher, in another run)",
                    backends::MPI_ID
                ));
            }
            None if name == backends::MPI_ID => {
                return Some(format!(
                    "--launcher: this parlab was built without the {0} backend; build it with `cargo build --release --features {0}` (see .ci/mpi.sh)",
                    backends::MPI_ID
                ));
            }
            None => return None, // the plan's validation names the unknown backend
        }
    }
    None
}
