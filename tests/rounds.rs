//! Interleaved rounds in every output: a report whose plan ran in rounds shows the
//! speedup read round by round beside the ratio of medians, and flags a point whose
//! rounds disagree in the table `parlab run` prints, results.json, results.csv and
//! report.md; a results.json written before rounds existed still loads, point after point.

use parlab::export;
use parlab::measure::{Order, Report};

fn fixture() -> Report {
    export::json::from_json(include_str!("fixtures/results.json")).expect("the fixture is a results.json")
}

/// The fixture re-read as if measured in rounds, with threads x2's rounds scattered.
fn in_rounds() -> Report {
    let mut report = fixture();
    report.plan.order = Order::Interleaved;
    let one = report.points.iter().position(|p| p.backend == "threads" && p.workers == 1).unwrap();
    let two = report.points.iter().position(|p| p.backend == "threads" && p.workers == 2).unwrap();
    report.points[one].times_s = vec![0.30, 0.30, 0.30];
    report.points[two].times_s = vec![0.15, 0.30, 0.21];
    for i in [one, two] {
        let times = report.points[i].times_s.clone();
        let fresh = parlab::measure::Point::new("pi", &report.points[i].backend, report.points[i].workers, times);
        let p = &mut report.points[i];
        (p.median_s, p.min_s, p.max_s, p.spread, p.noisy) =
            (fresh.median_s, fresh.min_s, fresh.max_s, fresh.spread, fresh.noisy);
    }
    report.derive();
    report
}

#[test]
fn a_report_written_before_rounds_loads_point_after_point() {
    let report = fixture();
    assert_eq!(report.plan.order, Order::Sequential);
    assert!(report.points.iter().all(|p| p.speedup_of_medians.is_none() && !p.rounds_disagree));
    let table = parlab::cli::table::render(&report);
    assert!(!table.contains("of medians") && !table.contains("rounds"), "{table}");
}

#[test]
fn disagreeing_rounds_are_flagged_in_the_table_json_csv_and_markdown() {
    let report = in_rounds();
    let two = report.points.iter().find(|p| p.backend == "threads" && p.workers == 2).unwrap();
    // Per-round ratios 2.0, 1.0, 1.43: median 1.43; the medians 0.30 / 0.21 give the same here.
    approx::assert_relative_eq!(two.speedup.unwrap(), 0.30 / 0.21, epsilon = 1e-9);
    assert!(two.rounds_disagree, "spread {:?}", two.round_spread);
    let one = report.points.iter().find(|p| p.backend == "threads" && p.workers == 1).unwrap();
    assert!(!one.rounds_disagree);

    let table = parlab::cli::table::render(&report);
    assert!(table.contains("of medians") && table.contains("rounds"), "{table}");
    assert!(table.lines().any(|l| l.trim_start().starts_with("2 ") && l.contains('~')), "{table}");
    assert!(table.contains("~ rounds disagree"), "{table}");

    let json = export::json::to_json(&report);
    let back = export::json::from_json(&json).unwrap();
    assert_eq!(back.plan.order, Order::Interleaved);
    assert_eq!(back, report);
    assert!(json.contains("\"rounds_disagree\": true"), "{json}");

    let csv = export::csv::to_csv(&report);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let flag = header.iter().position(|h| *h == "rounds_disagree").unwrap();
    let row = csv.lines().find(|l| l.starts_with("pi,3000000,threads,2,")).unwrap();
    assert_eq!(row.split(',').nth(flag), Some("true"));

    let md = export::markdown::to_markdown(&report, &[]);
    assert!(md.contains("| ratio of medians | round spread |"), "{md}");
    assert!(md.contains("~ rounds disagree") && md.contains("interleaved rounds"), "{md}");
    assert!(md.contains("--order interleaved"), "{md}");
}

#[test]
fn a_loaded_report_with_a_negative_round_spread_is_refused() {
    let mut report = in_rounds();
    report.points[2].round_spread = Some(-0.5);
    let error = report.validate().unwrap_err().to_string();
    assert!(error.starts_with("points[2].round_spread"), "{error}");
}
