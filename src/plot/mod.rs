//! Charts of measured results, drawn with plotters. Each chart is one drawing function
//! generic over plotters' `DrawingBackend`, so the PNG (bitmap) and the SVG come from
//! the same code. Text uses DejaVu Sans embedded in the binary: no system fonts needed.

mod axis;
mod efficiency;
mod font;
mod frame;
mod heatmap;
mod histogram;
mod page;
mod room;
mod speedup;
mod time;

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use heatmap::{Heatmap, viridis};
pub use histogram::Distribution;
pub use page::{Page, PageLine, wrap};
pub use room::{RoomChart, RoomCurve};
// Titles, the machine card and counts are written as everywhere else in parlab.
pub use crate::present::{kernel_title, machine_card, thousands};

use crate::measure::{Point, Report};

/// The size charts are drawn at unless asked otherwise, in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (800, 500);

/// Why a chart could not be drawn or encoded.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The drawing backend failed.
    #[error("drawing the chart failed: {0}")]
    Drawing(String),
    /// The PNG encoder failed.
    #[error("encoding the PNG failed: {0}")]
    Encoding(String),
    /// The file name does not say PNG or SVG.
    #[error("{0}: a chart file must end in .png or .svg")]
    UnknownFormat(String),
}

/// Turns any plotters error into a [`PlotError`].
pub(crate) trait Drawn<T> {
    fn drawn(self) -> Result<T, PlotError>;
}

impl<T, E: std::fmt::Display> Drawn<T> for Result<T, E> {
    fn drawn(self) -> Result<T, PlotError> {
        self.map_err(|e| PlotError::Drawing(e.to_string()))
    }
}

/// Image formats a chart can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Bitmap, for slides and Markdown.
    Png,
    /// Vector, for LaTeX and the web.
    Svg,
}

impl Format {
    /// The format a file name asks for, by its extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Self, PlotError> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            _ => Err(PlotError::UnknownFormat(path.display().to_string())),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// How the time axis of the time chart is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeScale {
    /// Seconds from zero.
    Linear,
    /// Logarithmic seconds: ideal scaling is a straight line of slope -1.
    LogLog,
}

impl TimeScale {
    /// Log-log when the worker counts span a factor of 8 or more, else linear.
    pub fn auto(report: &Report) -> Self {
        let counts = report.points.iter().map(|p| p.workers);
        let (lo, hi) = (counts.clone().min().unwrap_or(1), counts.max().unwrap_or(1));
        if hi >= 8 * lo.max(1) { TimeScale::LogLog } else { TimeScale::Linear }
    }
}

/// One chart and the data it draws. Exactly one `match` (in [`Chart::draw`]) chooses
/// the drawing function.
#[derive(Debug, Clone, Copy)]
pub enum Chart<'a> {
    /// Speedup vs workers: medians, min-max whiskers, ideal line, Amdahl fits.
    Speedup(&'a Report),
    /// Efficiency (speedup / workers) vs workers.
    Efficiency(&'a Report),
    /// Median time vs workers.
    Time(&'a Report, TimeScale),
    /// A 2D histogram, e.g. random-walk endpoints.
    Heatmap(&'a Heatmap),
    /// A histogram of a distribution, e.g. final counts over repetitions.
    Histogram(&'a Distribution),
    /// Every learner's speedup curve and the room's median (`parlab room`).
    Room(&'a RoomChart),
    /// A page of text in columns (`parlab cheatsheet`).
    Page(&'a Page),
}

impl Chart<'_> {
    /// Draws the chart onto `root`, whatever the backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        font::register();
        match self {
            Chart::Speedup(report) => speedup::draw(root, report),
            Chart::Efficiency(report) => efficiency::draw(root, report),
            Chart::Time(report, scale) => time::draw(root, report, *scale),
            Chart::Heatmap(map) => heatmap::draw(root, map),
            Chart::Histogram(distribution) => histogram::draw(root, distribution),
            Chart::Room(room) => room::draw(root, room),
            Chart::Page(page) => page::draw(root, page),
        }
    }

    /// The chart as SVG text.
    pub fn to_svg(&self, size: (u32, u32)) -> Result<String, PlotError> {
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
            self.draw(&root)?;
            root.present().drawn()?;
        }
        Ok(text)
    }

    /// The chart as PNG bytes.
    pub fn to_png(&self, size: (u32, u32)) -> Result<Vec<u8>, PlotError> {
        let (width, height) = size;
        let mut pixels = vec![0u8; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
            self.draw(&root)?;
            root.present().drawn()?;
        }
        let mut bytes = Vec::with_capacity(pixels.len() / 8);
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        let mut writer = encoder.write_header().map_err(|e| PlotError::Encoding(e.to_string()))?;
        writer.write_image_data(&pixels).map_err(|e| PlotError::Encoding(e.to_string()))?;
        writer.finish().map_err(|e| PlotError::Encoding(e.to_string()))?;
        Ok(bytes)
    }

    /// The chart encoded in `format`.
    pub fn render(&self, format: Format, size: (u32, u32)) -> Result<Vec<u8>, PlotError> {
        match format {
            Format::Png => self.to_png(size),
            Format::Svg => self.to_svg(size).map(String::into_bytes),
        }
    }
}

/// The backends that were measured at two or more worker counts, in report order, with
/// their points (those are the ones a scaling chart can draw).
pub(crate) fn scaling_backends(report: &Report) -> Vec<(&str, Vec<&Point>)> {
    report
        .backends()
        .into_iter()
        .map(|b| (b, report.points_of(b)))
        .filter(|(_, points)| points.len() >= 2 && points.iter().all(|p| p.speedup.is_some()))
        .collect()
}

/// Whether a speedup or efficiency chart has anything to draw.
pub fn has_scaling(report: &Report) -> bool {
    !scaling_backends(report).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        assert_eq!(Format::from_path(Path::new("a/b.PNG")).unwrap(), Format::Png);
        assert_eq!(Format::from_path(Path::new("b.svg")).unwrap(), Format::Svg);
        assert!(Format::from_path(Path::new("b.pdf")).is_err());
        assert!(Format::from_path(Path::new("b")).is_err());
    }
}
