//! The login-node guard in the terminal lab: on a shared login node outside a batch job
//! (detected at start-up unless `parlab --force`), every plan the app starts (the Lab's
//! sweeps and points, a prediction's measurement, the learner's command) is capped as
//! `parlab run` caps it there, and the warning line says why and names `srun`.

use super::App;
use crate::measure::Plan;
use crate::measure::commands::CommandPlan;

/// How the note names the terminal lab for `srun ... --pty`.
const PROGRAM: &str = "parlab";

impl App {
    /// Caps `plan` on a login node, with the note on the warning line.
    pub(super) fn guard_plan(&mut self, plan: &mut Plan) {
        let Some(node) = &self.login_node else { return };
        let default_size = crate::kernels::find(&plan.spec.kernel).map_or(plan.spec.size, |k| k.default_size());
        if let Some(capped) = node.cap_sweep(&mut plan.spec.size, default_size, &mut plan.workers) {
            self.warning = Some(node.note(&capped, PROGRAM));
        }
    }

    /// Caps the worker counts of the learner's command on a login node, with the note.
    pub(super) fn guard_commands(&mut self, plan: &mut CommandPlan) {
        let Some(node) = &self.login_node else { return };
        if node.cap_workers(&mut plan.workers) {
            self.warning = Some(node.note(&format!("{} workers", node.max_workers()), PROGRAM));
        }
    }
}
