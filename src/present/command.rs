//! The one `parlab run ...` command that measures a plan: the Lab shows it under every
//! setup, so the room can follow in a shell and the cluster step reuses it.

use crate::measure::{Plan, Report};

/// `parlab run KERNEL --backends ... --workers ... --size N --reps N` plus the warm-up,
/// seed and parameters when they differ from `parlab run`'s defaults, quoted for a POSIX shell.
pub fn run_command(plan: &Plan) -> String {
    let join = |items: Vec<String>| items.join(",");
    let mut words: Vec<String> = vec![
        "parlab".into(),
        "run".into(),
        plan.spec.kernel.clone(),
        "--backends".into(),
        join(plan.backends.clone()),
        "--workers".into(),
        join(plan.workers.iter().map(ToString::to_string).collect()),
        "--size".into(),
        plan.spec.size.to_string(),
        "--reps".into(),
        plan.repetitions.to_string(),
    ];
    if plan.warmup != 1 {
        words.extend(["--warmup".into(), plan.warmup.to_string()]);
    }
    if plan.spec.seed != 42 {
        words.extend(["--seed".into(), plan.spec.seed.to_string()]);
    }
    for (key, value) in &plan.spec.params {
        words.extend(["-p".into(), format!("{key}={value}")]);
    }
    if plan.scale.is_weak() {
        words.extend(["--scale".into(), "weak".into()]);
    }
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

/// A word as a POSIX shell reads it back: bare when it holds only safe characters
/// (letters, digits and `_ . / , = : + - @ %`), else in single quotes.
fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./,=:+-@%".contains(c);
    if !word.is_empty() && word.chars().all(safe) { word.to_string() } else { shell_words::quote(word).into_owned() }
}

/// The plan that measures every point of `report`: its backends and worker counts,
/// kernel, size, repetitions and parameters.
pub fn plan_of(report: &Report) -> Plan {
    let mut workers: Vec<usize> = report.points.iter().map(|p| p.workers).collect();
    workers.sort_unstable();
    workers.dedup();
    Plan {
        spec: report.plan.spec.clone(),
        backends: report.backends().into_iter().map(str::to_string).collect(),
        workers,
        warmup: report.plan.warmup,
        repetitions: report.plan.repetitions,
        scale: report.plan.scale,
        order: report.plan.order,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::kernels::KernelSpec;

    #[test]
    fn commands_name_every_choice_and_quote_values() {
        let spec = KernelSpec {
            kernel: "amdahl".into(),
            size: 2000,
            seed: 42,
            params: BTreeMap::from([("serial".into(), "0.1".into()), ("note".into(), "a b".into())]),
        };
        let plan = Plan {
            spec,
            backends: vec!["threads".into(), "rayon".into()],
            workers: vec![1, 2, 4],
            warmup: 1,
            repetitions: 3,
            scale: Default::default(),
            order: crate::measure::Order::Interleaved,
        };
        assert_eq!(
            run_command(&plan),
            "parlab run amdahl --backends threads,rayon --workers 1,2,4 --size 2000 --reps 3 -p 'note=a b' -p serial=0.1"
        );
        let plan = Plan { warmup: 0, spec: KernelSpec { seed: 7, ..plan.spec.clone() }, ..plan };
        assert!(run_command(&plan).contains("--reps 3 --warmup 0 --seed 7 -p"));
    }
}
