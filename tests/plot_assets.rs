//! Draws assets/histogram.png from a real run (ignored by default: it needs a results
//! file). The histogram chart has no CLI of its own yet (the race-condition lesson will
//! use it); this shows it on real data: the run times of one point over many repetitions.
//!
//! ```sh
//! parlab run pi --backends threads --workers 2 --reps 60 --size 2e7 --json /tmp/times.json
//! PARLAB_RESULTS=/tmp/times.json PARLAB_ASSET=assets/histogram.png \
//!     cargo test --release --test plot_assets -- --ignored
//! ```

use parlab::plot::{Chart, Distribution, machine_card};

#[test]
#[ignore = "needs PARLAB_RESULTS=results.json and PARLAB_ASSET=out.png"]
fn histogram_of_real_run_times() {
    let results = std::env::var("PARLAB_RESULTS").expect("PARLAB_RESULTS=results.json");
    let asset = std::env::var("PARLAB_ASSET").expect("PARLAB_ASSET=out.png");
    let text = std::fs::read_to_string(&results).unwrap();
    let report = parlab::export::json::from_json(&text).unwrap();
    let point = report.points.iter().max_by_key(|p| p.times_s.len()).expect("a measured point");
    let distribution = Distribution {
        title: format!(
            "Run times of {} on {} with {} workers, {} repetitions",
            parlab::plot::kernel_title(&report),
            point.backend,
            point.workers,
            point.times_s.len()
        ),
        subtitle: "the same work every time: the spread is the machine, not the program".into(),
        footer: machine_card(&report),
        x_desc: "wall time of one run (ms)".into(),
        values: point.times_s.iter().map(|t| t * 1e3).collect(),
        marker: Some((point.median_s * 1e3, format!("median {:.1} ms", point.median_s * 1e3))),
    };
    let png = Chart::Histogram(&distribution).to_png((1600, 1000)).unwrap();
    std::fs::write(&asset, png).unwrap();
}
