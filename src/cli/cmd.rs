//! `parlab run --cmd`: measure the learner's own program across worker counts, with the
//! same table, fits, charts and report as a kernel.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use super::run::{Progress, check_outputs, exit_code, finished, interrupt_flag, worker_counts, write_outputs};
use super::{RunArgs, table, usage_error};
use crate::backends::command::CommandSpec;
use crate::measure::Runner;
use crate::measure::commands::{CommandPlan, OutputCheck, default_name, write_logs};
use crate::sysmon::{MachineFacts, Sampler};

/// Runs the commands the arguments give.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let facts = MachineFacts::detect();
    if args.names.len() > args.commands.len() {
        return Ok(usage_error(format!(
            "--name: {} names for {} commands; give at most one --name per --cmd",
            args.names.len(),
            args.commands.len()
        )));
    }
    let check = match &args.check {
        Some(text) => match OutputCheck::parse(text, args.tolerance) {
            Ok(check) => check,
            Err(why) => return Ok(usage_error(why)),
        },
        None => OutputCheck::None,
    };
    let mut commands: Vec<CommandSpec> = Vec::new();
    for (i, template) in args.commands.iter().enumerate() {
        let name = match args.names.get(i) {
            Some(name) => name.clone(),
            None => unique(default_name(template), &commands),
        };
        commands.push(CommandSpec {
            name,
            template: template.clone(),
            shell: args.shell,
            threads_env: args.threads_env,
            launcher: args.launcher.clone(),
        });
    }
    let mut plan = CommandPlan {
        commands,
        workers: worker_counts(args, &facts),
        warmup: args.warmup,
        repetitions: args.reps,
        timeout_s: args.timeout,
        check,
    };
    if let Err(e) = plan.validate() {
        return Ok(usage_error(e));
    }
    // The login-node guard, as for kernels (after validation: a bad flag is named first).
    let login_node = if args.force { None } else { super::guard::detect(&facts) };
    if let Some(line) = login_node.as_ref().and_then(|node| super::guard::cap_commands(node, &mut plan)) {
        eprintln!("{line}");
    }
    if let Some(Err(e)) = args.launcher.as_deref().map(crate::backends::command::find_launcher) {
        return Ok(usage_error(e));
    }
    if let Some(code) = check_outputs(args) {
        return Ok(code);
    }

    let runner = Runner::new(facts, Sampler::start(Duration::from_millis(250)).ok().map(Arc::new));
    let cancel = interrupt_flag();
    let mut progress = Progress::new(args.quiet);
    let (last, logs) = runner.run_commands(&plan, &cancel, &mut |event| progress.show(event));
    progress.end();
    let Some(report) = finished(last) else { return Ok(ExitCode::FAILURE) };
    println!(
        "{} command{} | {} reps (+{} warm-up) | output check: {} | {}",
        plan.commands.len(),
        if plan.commands.len() == 1 { "" } else { "s" },
        plan.repetitions,
        plan.warmup,
        describe(&plan.check),
        report.machine.card()
    );
    for spec in &plan.commands {
        let last = plan.workers.last().copied().unwrap_or(1);
        println!("{}: {}", spec.name, spec.display(last));
    }
    print!("{}", table::render(&report));
    if let Some(dir) = write_outputs(&report, args)? {
        write_logs(&dir, &logs)?;
        eprintln!("wrote {} logs to {}", logs.len(), dir.join("logs").display());
    }
    Ok(exit_code(&report))
}

fn describe(check: &OutputCheck) -> String {
    match check {
        OutputCheck::None => "exit status only".into(),
        OutputCheck::Stdout => "identical stdout".into(),
        OutputCheck::Number { pattern, tolerance } => format!("/{pattern}/ within {tolerance} (relative)"),
    }
}

fn unique(name: String, taken: &[CommandSpec]) -> String {
    let used = |n: &str| taken.iter().any(|c| c.name == n);
    if !used(&name) {
        return name;
    }
    (2..).map(|i| format!("{name}-{i}")).find(|n| !used(n)).unwrap_or(name)
}
