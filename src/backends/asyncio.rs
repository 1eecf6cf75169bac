//! `asyncio`: one OS thread running an event loop, as Python's asyncio does. The
//! workers are tasks, not threads: `asyncio.gather` of N coroutines, each taking one
//! equal block of items (the static split of every other backend). A task runs its
//! items in order; an item's wait ([`Workload::item_wait`], io's network reply) is an
//! `await`: the task registers a deadline with the loop and yields, and the loop runs
//! whichever other task is ready. Everything else a task does is computing, which keeps
//! the one thread to itself until the task next awaits. So up to N waits are in flight
//! on one core, and CPU work runs one task after another, as in Python.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{
    Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, WorkerTally, assemble, static_ranges,
};
use crate::kernels::{ItemCtx, Partial, Workload};

pub struct AsyncLoop;

const INFO: BackendInfo = BackendInfo {
    id: "asyncio",
    about: "One thread running an event loop: the workers are tasks that hand the thread over while they wait, so waits overlap on one core and computing gains nothing.",
    mirrors: "asyncio.gather of async def coroutines (one event loop, one thread)",
    params: &[],
    kind: BackendKind::OneNode,
};

/// The longest the loop sleeps before it looks at the cancel flag again.
const CANCEL_POLL: Duration = Duration::from_millis(20);

impl Backend for AsyncLoop {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let workload = job.workload;
        let ctx = ItemCtx::free().cancellable(job.cancel);
        // The code before `gather`: it runs on the loop's thread before any task.
        let serial = workload.serial_part(&ctx);
        let tally = WorkerTally::for_job(job);
        let tasks = static_ranges(workload.items(), job.workers).into_iter().map(Task::new).collect();
        let parts = EventLoop::new(tasks).run(workload, &ctx, &tally, job)?;
        let outcome = assemble(workload, serial, parts)?;
        let mut stats = ExecStats::default();
        tally.into_stats(&mut stats);
        Ok(Execution { outcome, stats })
    }
}

/// One coroutine: `for item in block: await wait(item); compute(item)`.
struct Task {
    /// The items it has not finished yet.
    left: Range<usize>,
    /// The wait of `left.start` has passed: the item may compute.
    awaited: bool,
}

impl Task {
    fn new(block: Range<usize>) -> Self {
        Self { left: block, awaited: false }
    }
}

/// What a task did when the loop let it run.
enum Step {
    /// It awaits a wait until this instant.
    Awaits(Instant),
    /// It has no items left.
    Done,
}

/// The loop: a queue of ready tasks and a timer heap of the tasks awaiting a deadline.
struct EventLoop {
    tasks: Vec<Task>,
    ready: VecDeque<usize>,
    /// (deadline, task) of every task awaiting; the earliest on top.
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
}

impl EventLoop {
    /// A loop with every task ready, in order, as `asyncio.gather` schedules them.
    fn new(tasks: Vec<Task>) -> Self {
        let ready = (0..tasks.len()).collect();
        Self { tasks, ready, timers: BinaryHeap::new() }
    }

    /// Runs every task to the end and returns their partials.
    fn run(
        mut self,
        workload: &dyn Workload,
        ctx: &ItemCtx,
        tally: &WorkerTally,
        job: &Job,
    ) -> Result<Vec<Partial>, BackendError> {
        let mut parts = Vec::new();
        loop {
            if job.cancel.load(Ordering::Relaxed) {
                return Err(BackendError::Cancelled);
            }
            // Wake every task whose deadline has passed, earliest first.
            let now = Instant::now();
            while let Some(&Reverse((deadline, task))) = self.timers.peek() {
                if deadline > now {
                    break;
                }
                self.timers.pop();
                self.ready.push_back(task);
            }
            if let Some(task) = self.ready.pop_front() {
                match step(&mut self.tasks[task], task, workload, ctx, tally, &mut parts) {
                    Step::Awaits(deadline) => self.timers.push(Reverse((deadline, task))),
                    Step::Done => {}
                }
                continue;
            }
            // Nothing is ready: sleep until the earliest deadline (the loop's select()).
            match self.timers.peek() {
                Some(&Reverse((deadline, _))) => {
                    std::thread::sleep(deadline.saturating_duration_since(Instant::now()).min(CANCEL_POLL));
                }
                None => return Ok(parts),
            }
        }
    }
}

/// Runs `task` until it awaits or ends: its awaited item, then every following item
/// that has no wait, in one stretch (computing never yields the thread).
fn step(
    task: &mut Task,
    id: usize,
    workload: &dyn Workload,
    ctx: &ItemCtx,
    tally: &WorkerTally,
    parts: &mut Vec<Partial>,
) -> Step {
    loop {
        let Some(first) = task.left.clone().next() else { return Step::Done };
        if !task.awaited
            && let Some(wait) = workload.item_wait(first).filter(|w| !w.is_zero())
        {
            task.awaited = true;
            return Step::Awaits(Instant::now() + wait);
        }
        // `first` may compute now; so may the items after it that do not wait.
        let mut end = first + 1;
        while end < task.left.end && workload.item_wait(end).is_none_or(|w| w.is_zero()) {
            end += 1;
        }
        let item_ctx = if task.awaited { ctx.awaited() } else { *ctx };
        parts.push(tally.run(id, first..end, |range| workload.run_range(range, &item_ctx)));
        task.left.start = end;
        task.awaited = false;
        if ctx.cancelled() {
            return Step::Done;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::KernelSpec;
    use std::sync::atomic::AtomicBool;

    fn run(kernel: &str, size: u64, params: &[(&str, &str)], workers: usize) -> Execution {
        let mut spec = KernelSpec::new(kernel).unwrap();
        spec.size = size;
        spec.params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let workload = spec.build().unwrap();
        let cancel = AtomicBool::new(false);
        let run = AsyncLoop
            .execute(&Job { spec: &spec, workload: workload.as_ref(), workers, cancel: &cancel, watch: None })
            .unwrap();
        workload.verify(&run.outcome).unwrap();
        run
    }

    #[test]
    fn one_task_and_eight_agree() {
        let params = [("latency_ms", "2")];
        let one = run("io", 8, &params, 1);
        let eight = run("io", 8, &params, 8);
        assert_eq!(one.outcome, eight.outcome);
        assert_eq!(eight.stats.worker_items, vec![1; 8]);
    }

    /// Items that record the order they compute in; item i waits `waits_ms[i]`.
    struct Recorder {
        waits_ms: Vec<u64>,
        order: std::sync::Mutex<Vec<usize>>,
    }

    impl Workload for Recorder {
        fn items(&self) -> usize {
            self.waits_ms.len()
        }
        fn item_wait(&self, item: usize) -> Option<Duration> {
            (self.waits_ms[item] > 0).then(|| Duration::from_millis(self.waits_ms[item]))
        }
        fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
            for item in range.clone() {
                ctx.wait(Duration::from_millis(self.waits_ms[item]));
                self.order.lock().unwrap().push(item);
            }
            Partial::for_range(&range)
        }
        fn combine(&self, _parts: Vec<Partial>) -> crate::kernels::Outcome {
            crate::kernels::Outcome::default()
        }
        fn verify(&self, _outcome: &crate::kernels::Outcome) -> Result<(), crate::kernels::VerifyError> {
            Ok(())
        }
    }

    fn order(waits_ms: &[u64], workers: usize) -> Vec<usize> {
        let recorder = Recorder { waits_ms: waits_ms.to_vec(), order: Default::default() };
        let spec = KernelSpec::new("io").unwrap();
        let cancel = AtomicBool::new(false);
        AsyncLoop.execute(&Job { spec: &spec, workload: &recorder, workers, cancel: &cancel, watch: None }).unwrap();
        recorder.order.into_inner().unwrap()
    }

    #[test]
    fn tasks_interleave_at_their_waits_and_nowhere_else() {
        // Two tasks, blocks [0, 1, 2] and [3, 4, 5]. Without waits, task 0 computes its
        // whole block before task 1 starts: computing never yields.
        assert_eq!(order(&[0; 6], 2), vec![0, 1, 2, 3, 4, 5]);
        // Task 0 waits 150 ms before each item, task 1 waits 20 ms: all of task 1's
        // items come back while task 0's first wait is in flight (in one thread, so the
        // waits overlap), and an awaited item runs without waiting again.
        assert_eq!(order(&[150, 150, 150, 20, 20, 20], 2), vec![3, 4, 5, 0, 1, 2]);
        // An item without a wait runs right after the awaited item before it.
        assert_eq!(order(&[150, 0, 0, 10, 0, 0], 2), vec![3, 4, 5, 0, 1, 2]);
    }

    #[test]
    fn a_cancel_stops_the_loop_while_it_waits() {
        let recorder = Recorder { waits_ms: vec![10_000; 4], order: Default::default() };
        let spec = KernelSpec::new("io").unwrap();
        let cancel = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let job = Job { spec: &spec, workload: &recorder, workers: 4, cancel: &cancel, watch: None };
            let run = scope.spawn(move || AsyncLoop.execute(&job).map(|_| ()));
            std::thread::sleep(Duration::from_millis(50));
            cancel.store(true, Ordering::Relaxed);
            assert!(matches!(run.join().unwrap(), Err(BackendError::Cancelled)));
        });
        assert!(recorder.order.lock().unwrap().is_empty());
    }
}
