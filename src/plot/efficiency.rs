//! Efficiency vs workers: speedup divided by the worker count, 100 % being ideal. The
//! picture is the speedup chart's, scaled, so it shares its drawing code.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::speedup::{Ratio, draw_ratio};
use crate::measure::Report;

/// Draws the efficiency chart.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &Report) -> Result<(), PlotError> {
    draw_ratio(root, report, Ratio::Efficiency)
}
