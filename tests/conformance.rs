//! Every kernel x every backend x workers {1, 2, 3, 7} gives the sequential outcome.
//! A new kernel or backend is tested here by being registered.

use std::sync::atomic::AtomicBool;

use parlab::backends::{self, Job};
use parlab::kernels::{self, KernelSpec};

#[test]
fn every_backend_agrees_with_seq_on_every_kernel() {
    // This test program is not parlab: tell the processes backend where parlab is.
    backends::set_worker_program(env!("CARGO_BIN_EXE_parlab"));
    let cancel = AtomicBool::new(false);
    let seq = backends::find("seq").expect("seq is registered");
    for kernel in kernels::registry() {
        let mut spec = KernelSpec::new(kernel.id()).unwrap();
        spec.size = kernel.small_size();
        let workload = spec.build().unwrap_or_else(|e| panic!("{}: {e}", kernel.id()));
        let reference =
            seq.execute(&Job { spec: &spec, workload: workload.as_ref(), workers: 1, cancel: &cancel }).unwrap();
        workload.verify(&reference.outcome).unwrap_or_else(|e| panic!("{} seq: {e}", kernel.id()));
        for backend in backends::registry() {
            let counts: Vec<usize> = match backend.fixed_workers() {
                Some(n) => vec![n],
                None => vec![1, 2, 3, 7],
            };
            for workers in counts {
                let job = Job { spec: &spec, workload: workload.as_ref(), workers, cancel: &cancel };
                let run = backend
                    .execute(&job)
                    .unwrap_or_else(|e| panic!("{} on {} x{workers}: {e}", kernel.id(), backend.id()));
                workload
                    .agrees(&run.outcome, &reference.outcome)
                    .unwrap_or_else(|e| panic!("{} on {} x{workers}: {e}", kernel.id(), backend.id()));
                workload
                    .verify(&run.outcome)
                    .unwrap_or_else(|e| panic!("{} on {} x{workers}: {e}", kernel.id(), backend.id()));
                let items: u64 = run.stats.worker_items.iter().sum();
                if !run.stats.worker_items.is_empty() {
                    assert_eq!(
                        items,
                        workload.items() as u64,
                        "{} on {} x{workers}: items run",
                        kernel.id(),
                        backend.id()
                    );
                    assert_eq!(
                        run.stats.worker_items.len(),
                        workers,
                        "{} on {}: one tally per worker",
                        kernel.id(),
                        backend.id()
                    );
                }
            }
        }
    }
}

#[test]
fn results_do_not_depend_on_the_split() {
    // A different seed changes the outcome; the same seed on different splits does not.
    let cancel = AtomicBool::new(false);
    let threads = backends::find("threads").unwrap();
    let mut spec = KernelSpec::new("pi").unwrap();
    spec.size = 300_000;
    let workload = spec.build().unwrap();
    let a = threads.execute(&Job { spec: &spec, workload: workload.as_ref(), workers: 2, cancel: &cancel }).unwrap();
    let b = threads.execute(&Job { spec: &spec, workload: workload.as_ref(), workers: 5, cancel: &cancel }).unwrap();
    assert_eq!(a.outcome, b.outcome);
    spec.seed = 7;
    let other = spec.build().unwrap();
    let c = threads.execute(&Job { spec: &spec, workload: other.as_ref(), workers: 2, cancel: &cancel }).unwrap();
    assert_ne!(a.outcome, c.outcome);
}
