//! The login-node guard of `parlab run` and `parlab run --cmd`: on a shared login node
//! outside a batch job (see [`crate::sysmon::login`], which detects it) the sweep is
//! capped to a few workers and a small size, with one line on why and on `srun`;
//! `--force` lifts the cap.

use crate::kernels::KernelSpec;
use crate::measure::commands::CommandPlan;
pub use crate::sysmon::login::{LoginNode, detect};

/// Caps `spec.size` and `workers` for `node`; returns the line to print, or `None`
/// when nothing needed capping.
pub fn cap(node: &LoginNode, spec: &mut KernelSpec, default_size: u64, workers: &mut Vec<usize>) -> Option<String> {
    let capped = node.cap_sweep(&mut spec.size, default_size, workers)?;
    Some(node.note(&capped, &format!("parlab run {} ...", spec.kernel)))
}

/// Caps the worker counts of a command sweep for `node` (a command's size is its own);
/// returns the line to print, or `None` when nothing needed capping.
pub fn cap_commands(node: &LoginNode, plan: &mut CommandPlan) -> Option<String> {
    node.cap_workers(&mut plan.workers)
        .then(|| node.note(&format!("{} workers", node.max_workers()), "parlab run --cmd ..."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_keeps_small_sweeps_and_trims_large_ones() {
        let node = LoginNode { users: 30, cpu_limit: None };
        let mut spec = KernelSpec { kernel: "pi".into(), size: 1000, seed: 42, params: Default::default() };
        let mut workers = vec![1, 2, 4, 8, 128];
        let line = cap(&node, &mut spec, 1000, &mut workers).unwrap();
        assert_eq!((workers.as_slice(), spec.size), ([1, 2].as_slice(), 100));
        assert!(line.contains("30 people logged in") && line.contains("--force"), "{line}");
        assert_eq!(cap(&node, &mut spec, 1000, &mut workers), None, "already within the cap");
        let one = LoginNode { users: 1, cpu_limit: Some(1.0) };
        let mut workers = vec![4];
        cap(&one, &mut spec, 1000, &mut workers).unwrap();
        assert_eq!(workers, [1]);
    }
}
