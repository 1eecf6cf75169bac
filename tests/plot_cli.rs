//! `parlab run --out/--plot` and `parlab plot`, driven as a user would: the real binary,
//! small sizes, temporary folders.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use parlab::kernels;

fn parlab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parlab"))
}

fn small(kernel: &str) -> String {
    kernels::find(kernel).expect("registered kernel").small_size().to_string()
}

fn run_args(kernel: &str) -> Vec<String> {
    ["run", kernel, "--backends", "threads,gil", "--workers", "1,2", "--reps", "2", "--warmup", "0", "-q", "--size"]
        .iter()
        .map(ToString::to_string)
        .chain([small(kernel)])
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    let reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn run_out_writes_the_bundle_and_plot_redraws_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    let output = parlab().args(run_args("pi")).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    for name in ["results.json", "results.csv", "report.md", "speedup.png", "speedup.svg", "efficiency.png", "time.png"]
    {
        assert!(out.join(name).is_file(), "{name} missing; stderr: {}", stderr(&output));
    }
    assert_eq!(png_size(&out.join("speedup.png")), (1600, 1000));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in
        ["## Machine", "## Plan", "## Results", "## Amdahl fit", "![Speedup", "(speedup.png)", "| threads | 2 |"]
    {
        assert!(report.contains(needle), "report.md lacks {needle:?}:\n{report}");
    }

    // Redraw from the JSON alone.
    let again = tmp.path().join("again");
    let output = parlab().arg("plot").arg(out.join("results.json")).arg("--out").arg(&again).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(out.join("results.json")).unwrap(),
        std::fs::read_to_string(again.join("results.json")).unwrap(),
        "the JSON survives a round trip unchanged"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        std::fs::read_to_string(again.join("report.md")).unwrap()
    );
    assert_eq!(std::fs::read(out.join("speedup.svg")).unwrap(), std::fs::read(again.join("speedup.svg")).unwrap());

    // Without --out, the charts go beside the JSON, into results-plots/.
    let output = parlab().arg("plot").arg(out.join("results.json")).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("results-plots/speedup.png").is_file());
}

#[test]
fn a_busy_out_folder_is_kept_and_a_numbered_one_used() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let output = parlab().args(run_args("pi")).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("already holds files; writing to"), "{}", stderr(&output));
    assert!(tmp.path().join("results-2/report.md").is_file());
    assert!(!out.join("report.md").exists());
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");

    // --force writes into the folder itself, replacing the bundle's files only.
    let output = parlab().args(run_args("pi")).arg("--out").arg(&out).arg("--force").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("report.md").is_file());
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn plot_file_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("r.json");
    let output = parlab().args(run_args("pi")).arg("--json").arg(&json).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let chart = tmp.path().join("speedup.svg");
    std::fs::write(&chart, "precious").unwrap();
    let output = parlab().arg("plot").arg(&json).arg("--plot").arg(&chart).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("already exists; pass --force"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&chart).unwrap(), "precious");

    // The same check happens before `parlab run` measures anything.
    let output = parlab().args(run_args("pi")).arg("--plot").arg(&chart).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&chart).unwrap(), "precious");

    let output = parlab().arg("plot").arg(&json).arg("--plot").arg(&chart).arg("--force").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&chart).unwrap().starts_with("<svg"));

    let png = tmp.path().join("speedup.png");
    let output = parlab().args(run_args("pi")).arg("--plot").arg(&png).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(png_size(&png), (1600, 1000));
}

#[test]
fn plot_names_an_unknown_chart_format() {
    let tmp = tempfile::tempdir().unwrap();
    let output = parlab().args(run_args("pi")).arg("--plot").arg(tmp.path().join("chart.pdf")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(".png or .svg"), "{}", stderr(&output));
}

#[test]
fn bad_json_gives_line_and_column_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"parlab_version\": \"0.1.0\",\n  \"created\": oops\n}\n").unwrap();
    let output = parlab().arg("plot").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("bad.json:3:14:"), "{message}");
    assert!(message.contains("parlab run --json"), "{message}");

    // Valid JSON that is not a report: the missing field is named.
    std::fs::write(&bad, "{\"parlab_version\": \"0.1.0\"}").unwrap();
    let output = parlab().arg("plot").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("missing field"), "{}", stderr(&output));

    let output = parlab().arg("plot").arg(tmp.path().join("absent.json")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read"), "{}", stderr(&output));
}

#[test]
fn walk_gets_its_heat_map() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("walk");
    let output = parlab().args(run_args("walk")).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(png_size(&out.join("walk-heatmap.png")), (1600, 1000));
    assert!(out.join("walk-heatmap.svg").is_file());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("(walk-heatmap.png)"), "{report}");
}

#[test]
fn charts_render_with_no_system_fonts() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("r.json");
    let output = parlab().args(run_args("pi")).arg("--json").arg(&json).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    // No font configuration, no font folders, no home: only the embedded font is left.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let chart = tmp.path().join("c.png");
    let output = parlab()
        .env_clear()
        .env("HOME", &empty)
        .env("XDG_DATA_HOME", &empty)
        .env("XDG_DATA_DIRS", &empty)
        .env("FONTCONFIG_PATH", &empty)
        .env("FONTCONFIG_FILE", empty.join("none.conf"))
        .arg("plot")
        .arg(&json)
        .arg("--plot")
        .arg(&chart)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = std::fs::read(&chart).unwrap();
    let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    // The title band holds dark pixels: text was drawn.
    let title_rows = &pixels[..info.line_size * (info.height as usize / 14)];
    let dark = title_rows.chunks(3).filter(|p| p.iter().all(|&c| c < 128)).count();
    assert!(dark > 200, "only {dark} dark pixels in the title band");
}
