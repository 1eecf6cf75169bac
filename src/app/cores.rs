//! What every core has been doing: the latest utilisation and a short history per
//! core, fed by sysmon snapshots.

use std::collections::VecDeque;

use crate::sysmon::CpuSnapshot;

/// Snapshots kept per core (at 4 Hz: 15 s).
pub const HISTORY: usize = 60;

/// Utilisation history of every core.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoreHistory {
    /// Per core, oldest first, 0 to 100.
    pub per_core: Vec<VecDeque<f32>>,
}

impl CoreHistory {
    /// An empty history for `cores` cores.
    pub fn new(cores: usize) -> Self {
        Self { per_core: vec![VecDeque::with_capacity(HISTORY); cores] }
    }

    /// Adds one snapshot.
    pub fn push(&mut self, snapshot: &CpuSnapshot) {
        if self.per_core.len() != snapshot.per_core.len() {
            self.per_core = vec![VecDeque::with_capacity(HISTORY); snapshot.per_core.len()];
        }
        for (history, &usage) in self.per_core.iter_mut().zip(&snapshot.per_core) {
            if history.len() == HISTORY {
                history.pop_front();
            }
            history.push_back(usage);
        }
    }

    /// Adds one reading given as plain numbers (tests and demos).
    pub fn push_values(&mut self, values: &[f32]) {
        let snapshot = CpuSnapshot {
            at: std::time::Instant::now(),
            interval: std::time::Duration::from_millis(250),
            per_core: values.to_vec(),
        };
        self.push(&snapshot);
    }

    /// The latest utilisation of each core (0 before the first snapshot).
    pub fn latest(&self) -> Vec<f32> {
        self.per_core.iter().map(|h| h.back().copied().unwrap_or(0.0)).collect()
    }

    /// Busy cores now: the sum of the latest utilisations / 100.
    pub fn busy_cores(&self) -> f32 {
        self.latest().iter().sum::<f32>() / 100.0
    }
}
