//! How long drawing a chart takes (release): PNG and SVG of every chart from fixed
//! results, median of repeated renders. Targets: a PNG under 300 ms, an SVG under
//! 100 ms. Run with `cargo bench --bench plot` (`PARLAB_BENCH_QUICK=1`: once, as CI does).

#[path = "../tests/plot_common/mod.rs"]
mod plot_common;

use std::time::{Duration, Instant};

use parlab::export::bundle;
use parlab::plot::{Chart, Format, Heatmap, TimeScale};

/// Whether `PARLAB_BENCH_QUICK` asks for a quick run: tiny sizes, one repetition. CI runs
/// it so that the benchmark keeps building and running; its figures mean nothing.
fn quick() -> bool {
    std::env::var("PARLAB_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `full`, or `small` in a quick run.
fn pick<T>(full: T, small: T) -> T {
    if quick() { small } else { full }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(repetitions: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up: font registration, caches
    median(
        (0..repetitions)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let small = plot_common::small();
    let wide = plot_common::wide();
    let walk = plot_common::walk(41);
    let heatmap = Heatmap::from_report(&walk).expect("walk fixture has a histogram");
    let counts = plot_common::race_counts();
    let charts: Vec<(&str, Chart<'_>)> = vec![
        ("speedup (3 backends x 3)", Chart::Speedup(&small)),
        ("speedup (3 backends x 7)", Chart::Speedup(&wide)),
        ("efficiency (3 x 7)", Chart::Efficiency(&wide)),
        ("time log-log (3 x 7)", Chart::Time(&wide, TimeScale::LogLog)),
        ("walk heat map 41x41", Chart::Heatmap(&heatmap)),
        ("histogram (200 values)", Chart::Histogram(&counts)),
    ];
    let repetitions = pick(15, 1);
    println!("{:<28} {:>14} {:>16} {:>12}", "chart", "PNG 800x500", "PNG 1600x1000", "SVG");
    let mut worst_png = Duration::ZERO;
    let mut worst_svg = Duration::ZERO;
    for (name, chart) in &charts {
        let png_small = time(repetitions, || {
            chart.render(Format::Png, (800, 500)).unwrap();
        });
        let png_large = time(repetitions, || {
            chart.render(Format::Png, bundle::PNG_SIZE).unwrap();
        });
        let svg = time(repetitions, || {
            chart.render(Format::Svg, bundle::SVG_SIZE).unwrap();
        });
        worst_png = worst_png.max(png_large);
        worst_svg = worst_svg.max(svg);
        println!("{name:<28} {:>11.1} ms {:>13.1} ms {:>9.1} ms", ms(png_small), ms(png_large), ms(svg));
    }
    let whole = time(pick(5, 1), || {
        bundle::bundle_files(&small).unwrap();
    });
    println!("whole --out bundle (3 charts x PNG+SVG, JSON, CSV, Markdown): {:.1} ms", ms(whole));
    println!(
        "slowest PNG {:.1} ms (target < 300 ms), slowest SVG {:.1} ms (target < 100 ms)",
        ms(worst_png),
        ms(worst_svg)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
