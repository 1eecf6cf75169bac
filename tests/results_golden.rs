//! Golden tests over a recorded report (tests/fixtures/results.json, a real `parlab run`
//! of pi on seq, threads, gil and processes at 1, 2 and 3 workers on 2 CPUs): the table
//! `parlab run` prints, results.csv against results.json, and report.md.

use parlab::export;
use parlab::measure::Report;
use serde_json::Value;

fn fixture() -> Report {
    export::json::from_json(include_str!("fixtures/results.json")).expect("the fixture is a results.json")
}

/// The fixture holds what the table must show, so the snapshot below cannot pass
/// without it.
#[test]
fn the_fixture_has_every_mark_and_extra() {
    let report = fixture();
    let p = &report.points;
    assert!(p.iter().any(|p| p.oversubscribed), "an oversubscribed point (*)");
    assert!(p.iter().any(|p| p.noisy), "a noisy point (!)");
    assert!(p.iter().any(|p| p.stats.lock_handovers > 0), "lock hand-overs");
    assert!(p.iter().any(|p| p.karp_flatt.is_some()), "Karp-Flatt");
    assert!(p.iter().any(|p| p.busy_cores.is_some()), "busy cores");
    assert!(p.iter().any(|p| p.stats.bytes_sent > 0 && p.stats.startup_s.is_some()), "processes' costs");
    assert!(!report.fits.is_empty(), "an Amdahl fit");
}

#[test]
fn run_table() {
    insta::assert_snapshot!("run_table", parlab::cli::table::render(&fixture()));
}

#[test]
fn report_md() {
    let images = [export::markdown::Image { path: "speedup.png".into(), caption: "Speedup vs workers".into() }];
    insta::assert_snapshot!("report_md", export::markdown::to_markdown(&fixture(), &images));
}

#[test]
fn results_csv() {
    insta::assert_snapshot!("results_csv", export::csv::to_csv(&fixture()));
}

/// The JSON value a CSV column holds for one point of `report` (as JSON).
fn json_value<'a>(report: &'a Value, point: &'a Value, column: &str) -> Value {
    match column {
        // Under weak scaling each point has its own size.
        "size" => point.get("size").unwrap_or(&report["plan"]["spec"]["size"]).clone(),
        "scale" => report["plan"].get("scale").cloned().unwrap_or(Value::from("strong")),
        "repetitions" => Value::from(point["times_s"].as_array().expect("times_s").len()),
        // results.json leaves out zero counts.
        "bytes_sent" | "bytes_received" | "messages" => point["stats"].get(column).cloned().unwrap_or(Value::from(0)),
        other => point.get(other).unwrap_or_else(|| panic!("results.json has no field {other}")).clone(),
    }
}

fn same(csv: &str, json: &Value) -> bool {
    match json {
        Value::Null => csv.is_empty(),
        Value::Bool(b) => csv == b.to_string(),
        Value::Number(n) if n.is_u64() => csv == n.to_string(),
        Value::Number(n) => csv.parse::<f64>().ok() == n.as_f64(),
        Value::String(s) => csv == s,
        _ => false,
    }
}

#[test]
fn every_csv_row_equals_its_json_point() {
    let mut report = fixture();
    // Names that need quoting in CSV.
    report.points[1].backend = "threads, \"static\"".into();
    report.points[2].kernel = "pi\nnext line".into();
    let json: Value = serde_json::from_str(&export::json::to_json(&report)).unwrap();
    let csv = export::csv::to_csv(&report);
    assert!(csv.contains("\"threads, \"\"static\"\"\""), "{csv}");

    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let points = json["points"].as_array().unwrap();
    assert_eq!(rows.len(), points.len());
    for (row, point) in rows.iter().zip(points) {
        assert_eq!(row.len(), header.len());
        for (column, field) in header.iter().zip(row.iter()) {
            let expected = json_value(&json, point, column);
            assert!(same(field, &expected), "{column}: CSV has {field:?}, JSON has {expected}");
        }
    }
    // Every scalar of a JSON point is a CSV column: a new field cannot be forgotten.
    for (key, value) in points[0].as_object().unwrap() {
        let scalar = !matches!(value, Value::Array(_) | Value::Object(_));
        assert!(!scalar || header.iter().any(|c| c == key), "results.csv has no column {key}");
    }
}

#[test]
fn a_csv_of_no_points_still_has_its_header() {
    let mut report = fixture();
    report.points.clear();
    let csv = export::csv::to_csv(&report);
    assert_eq!(csv.lines().count(), 1, "{csv}");
    assert!(csv.starts_with("kernel,size,backend,workers,median_s,"), "{csv}");
}

/// The real binary prints the table the snapshot above pins, and writes the CSV the
/// test above checks: both rendered from the results.json it wrote in the same run.
#[test]
fn parlab_run_prints_the_table_and_writes_the_csv_of_its_own_report() {
    let dir = tempfile::tempdir().unwrap();
    let (json, csv) = (dir.path().join("results.json"), dir.path().join("results.csv"));
    let output = assert_cmd::Command::cargo_bin("parlab")
        .unwrap()
        .args(["run", "pi", "--size", "200k", "--backends", "seq,gil,processes", "--workers", "1,3", "--reps", "2"])
        .arg("--json")
        .arg(&json)
        .arg("--csv")
        .arg(&csv)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let report = export::json::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let table = parlab::cli::table::render(&report);
    assert!(table.contains("processes  (like"), "{table}");
    assert!(stdout.ends_with(&table), "stdout:\n{stdout}\ntable:\n{table}");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), export::csv::to_csv(&report));
}

#[test]
fn a_results_file_from_before_scale_reads_as_strong_with_amdahl_fits() {
    let text = include_str!("fixtures/results.json");
    assert!(!text.contains("\"scale\"") && !text.contains("\"law\""), "the fixture predates both fields");
    let report = fixture();
    assert_eq!(report.plan.scale, parlab::measure::Scale::Strong);
    assert!(report.fits.iter().all(|f| f.law == parlab::measure::Law::Amdahl));
    assert!(report.points.iter().all(|p| p.size.is_none()));
}
