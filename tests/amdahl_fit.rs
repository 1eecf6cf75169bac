//! The Amdahl fit on real data: a results.json recorded on this project's 2-CPU build
//! machine (tests/fixtures/amdahl_serial_0.2_2cpus.json, made with `parlab run amdahl
//! --param serial=0.2 --backends threads --workers 1,2,3,4 --size 1e8 --reps 5`) is
//! derived again by the code under test. The fit must be the least-squares line through
//! the points within the CPUs, computed here by hand, and must leave out the
//! oversubscribed points (3 and 4 workers on 2 CPUs): the fixture's times at 3 and 4
//! workers move the line, so a fit that took them in fails here.
//!
//! The machine was shared by several busy sessions when it was recorded (each got about
//! a quarter of a core: see `cpu_time_s`), so the times barely fall with more workers and
//! the data implies a serial fraction of 1, not the kernel's 0.2. The fit must say what
//! the data says.

use parlab::measure::Report;
use parlab::measure::speedup::AmdahlFit;

const FIXTURE: &str = include_str!("fixtures/amdahl_serial_0.2_2cpus.json");

fn recorded() -> Report {
    serde_json::from_str(FIXTURE).expect("the fixture is a parlab results.json")
}

/// (workers, median seconds) of the threads points.
fn medians(report: &Report) -> Vec<(usize, f64)> {
    report.points.iter().filter(|p| p.backend == "threads").map(|p| (p.workers, p.median_s)).collect()
}

#[test]
fn the_fixture_is_real_data_with_oversubscribed_points() {
    let report = recorded();
    let cpus = report.machine.available_parallelism;
    let workers: Vec<usize> = medians(&report).iter().map(|&(w, _)| w).collect();
    assert!(workers.len() > 2, "more than two worker counts: {workers:?}");
    assert!(workers.iter().any(|&w| w > cpus), "some points oversubscribe the {cpus} CPUs: {workers:?}");
    assert!(report.points.iter().all(|p| p.verified && p.times_s.len() >= 3));
}

#[test]
fn the_fit_leaves_out_oversubscribed_points_and_finds_the_serial_fraction() {
    let mut report = recorded();
    let cpus = report.machine.available_parallelism;
    report.fits.clear();
    for point in &mut report.points {
        point.oversubscribed = false;
    }
    report.derive();

    let fit = report.fits.iter().find(|f| f.backend == "threads").expect("a fit for threads");
    let within: Vec<(usize, f64)> = medians(&report).into_iter().filter(|&(w, _)| w <= cpus).collect();
    assert_eq!(fit.workers_used, within.iter().map(|&(w, _)| w).collect::<Vec<_>>(), "only points within the CPUs");
    for point in &report.points {
        assert_eq!(point.oversubscribed, point.workers > cpus, "{} workers on {cpus} CPUs", point.workers);
    }

    // What the data implies, by hand: T(p) = a + b/p through the points within the CPUs.
    let [(1, t1), (2, t2)] = within[..] else { panic!("2 CPUs: points at 1 and 2 workers, got {within:?}") };
    let (a, b) = (2.0 * t2 - t1, 2.0 * (t1 - t2));
    let implied = (a / (a + b)).clamp(0.0, 1.0);
    assert!((fit.serial_s - a).abs() < 1e-9 && (fit.parallel_s - b).abs() < 1e-9, "{fit:?}: a = {a}, b = {b}");
    assert!((fit.serial_fraction - implied).abs() < 1e-9, "s = {} but the data implies {implied}", fit.serial_fraction);
    let by_library = AmdahlFit::fit(&within).unwrap();
    assert!((by_library.serial_fraction - fit.serial_fraction).abs() < 1e-12);

    // With the oversubscribed points the line moves: this is what leaving them out prevents.
    let all = AmdahlFit::fit(&medians(&report)).unwrap();
    let moved = (all.serial_s - fit.serial_s).abs().max((all.parallel_s - fit.parallel_s).abs());
    assert!(
        moved > 0.02 * t1,
        "the fixture must tell the two fits apart: all points a = {:.4}, b = {:.4}; within the CPUs a = {a:.4}, b = {b:.4}",
        all.serial_s,
        all.parallel_s,
    );
}
