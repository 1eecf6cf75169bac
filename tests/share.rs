//! `parlab share`: the line carries medians, fits, predictions and the machine class,
//! never the host name; decoding is strict (version, checksum, truncation) and never
//! panics on mangled lines (proptest). Also: exports leave the host name out unless
//! `--with-host`, and old files that carry it still load.

mod plot_common;

use std::fs;

use assert_cmd::Command;
use parlab::export::json;
use parlab::export::share::{self, Prediction, Share, ShareError};
use predicates::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

fn host_report() -> parlab::measure::Report {
    let mut report = plot_common::report(&[("seq", 0.0), ("threads", 0.05), ("rayon", 0.02)], &[1, 2, 4, 8], 4);
    report.machine.host = "alices-laptop".into();
    report
}

#[test]
fn share_of_a_results_file_round_trips_without_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    let report = host_report();
    fs::write(&path, json::to_json(&report)).unwrap();
    let progress = dir.path().join("progress.toml");
    fs::write(
        &progress,
        "version = 2\n[lessons.amdahl]\nmark = \"ran\"\n[[lessons.amdahl.exercises]]\nnumber = 2\nkind = \"predict\"\ndone = true\nprediction = 3.0\nmeasured = 2.5\n",
    )
    .unwrap();
    let output = parlab().env("PARLAB_PROGRESS", &progress).args(["share", "-q"]).arg(&path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line = String::from_utf8(output.stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    let decoded = Share::decode(&line).unwrap();
    let expected = Share::of(&report, vec![Prediction { exercise: "amdahl#2".into(), guess: 3.0, measured: 2.5 }]);
    assert_eq!(decoded, expected);
    assert_eq!(decoded.points.len(), report.points.len());
    assert_eq!(decoded.fits.len(), report.fits.len());
    assert_eq!(decoded.machine.logical_cores, 4);
    let body = share::unbase64url(line.trim().strip_prefix("parlab1:").unwrap()).unwrap();
    assert!(!String::from_utf8_lossy(&body).contains("alices-laptop"), "the share names the host");
    assert!(!String::from_utf8_lossy(&body).contains(&whoami()), "the share names the user");

    let output = parlab()
        .env("PARLAB_PROGRESS", &progress)
        .args(["share", "-q", "--no-predictions"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(Share::decode(&String::from_utf8(output.stdout).unwrap()).unwrap().predictions.is_empty());
}

fn whoami() -> String {
    std::env::var("USER").ok().filter(|u| u.len() > 2).unwrap_or_else(|| "\u{0}no user\u{0}".into())
}

#[test]
fn share_without_a_file_uses_the_last_run_and_says_when_there_is_none() {
    let data = tempfile::tempdir().unwrap();
    parlab()
        .env("PARLAB_DATA", data.path())
        .arg("share")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no results yet").and(predicate::str::contains("parlab share results.json")));
    let out = data.path().join("r.json");
    parlab()
        .env("PARLAB_DATA", data.path())
        .args([
            "run",
            "pi",
            "--size",
            "20k",
            "--backends",
            "seq,threads",
            "--workers",
            "1,2",
            "--reps",
            "1",
            "-q",
            "--json",
        ])
        .arg(&out)
        .assert()
        .success();
    let written = fs::read_to_string(&out).unwrap();
    assert!(!written.contains("\"host\""), "results.json carries the host by default");
    let last = fs::read_to_string(data.path().join("last-results.json")).unwrap();
    assert!(!last.contains("\"host\""));
    let output = parlab()
        .env("PARLAB_DATA", data.path())
        .env("PARLAB_PROGRESS", data.path().join("none.toml"))
        .arg("share")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let share = Share::decode(&String::from_utf8(output.stdout).unwrap()).unwrap();
    assert_eq!(share.kernel, "pi");
    assert_eq!(share.backends, ["seq", "threads"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("workshop pad"));
}

#[test]
fn exports_keep_the_host_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    fs::write(&old, json::to_json(&host_report())).unwrap();
    assert!(fs::read_to_string(&old).unwrap().contains("alices-laptop"), "an old file carries the host");
    parlab().args(["plot", "--out"]).arg(dir.path().join("plain")).arg(&old).assert().success();
    let plain = fs::read_to_string(dir.path().join("plain/results.json")).unwrap();
    assert!(!plain.contains("alices-laptop") && !plain.contains("\"host\""), "{plain}");
    parlab().args(["plot", "--with-host", "--out"]).arg(dir.path().join("kept")).arg(&old).assert().success();
    let kept = fs::read_to_string(dir.path().join("kept/results.json")).unwrap();
    assert!(kept.contains("\"host\": \"alices-laptop\""));
    // A file without the field loads, and reads as no host.
    let report = json::load(plain.as_bytes()).unwrap();
    assert_eq!(report.machine.host, "");
}

#[test]
fn bad_lines_get_clear_errors() {
    let line = Share::of(&host_report(), Vec::new()).encode();
    let cases: Vec<(String, &str)> = vec![
        ("hello world".into(), "should start with 'parlab1:'"),
        (line.replacen("parlab1:", "parlab7:", 1), "share version 7"),
        (line[..line.len() * 2 / 3].to_string(), "truncated"),
        (format!("{line}AAAAAAAA"), "after the end of the share"),
        (line.replacen("parlab1:", "parlab1:%", 1), "is not part of a share"),
    ];
    for (bad, words) in cases {
        let message = Share::decode(&bad).unwrap_err().to_string();
        assert!(message.contains(words), "{bad:.40}: {message}");
    }
    // One character changed: the checksum (or, at the length bytes, the length) catches it.
    let prefix = "parlab1:".len();
    for at in (prefix..line.len()).step_by(7) {
        let mut bytes = line.clone().into_bytes();
        bytes[at] = if bytes[at] == b'Q' { b'R' } else { b'Q' };
        let error = Share::decode(std::str::from_utf8(&bytes).unwrap()).unwrap_err();
        assert!(
            matches!(
                error,
                ShareError::Checksum
                    | ShareError::Truncated { .. }
                    | ShareError::Trailing { .. }
                    | ShareError::Invalid(_)
            ),
            "at {at}: {error}"
        );
    }
}

fn config() -> Config {
    Config { failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Any edit of a share line is either read back as the same share (an edit of
    /// surrounding blanks) or rejected with a message; never a panic, never a different share.
    #[test]
    fn mangled_lines_never_decode_to_something_else(
        at in 0.0f64..1.0,
        cut in 0usize..6,
        insert in prop::collection::vec(prop::sample::select(b"AQgw-_=+/ !\n\xc3".to_vec()), 0..4),
    ) {
        let share = Share::of(&host_report(), vec![Prediction { exercise: "amdahl#1".into(), guess: 1.5, measured: 1.9 }]);
        let line = share.encode();
        let mut bytes = line.clone().into_bytes();
        let position = ((bytes.len() as f64) * at) as usize;
        let end = (position + cut).min(bytes.len());
        bytes.splice(position..end, insert.iter().copied());
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match Share::decode(&text) {
            Ok(decoded) => prop_assert_eq!(decoded, share),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    /// Arbitrary text after the prefix is rejected without a panic.
    #[test]
    fn random_text_is_rejected(text in "parlab1:[A-Za-z0-9_-]{0,200}") {
        prop_assert!(Share::decode(&text).is_err());
    }

    /// Random shares round-trip exactly.
    #[test]
    fn random_shares_round_trip(
        medians in prop::collection::vec(1e-6f64..1e4, 1..12),
        serial in 0.0f64..=1.0,
        cpus in 1usize..512,
        guess in -1e3f64..1e3,
    ) {
        let mut share = Share::of(&host_report(), vec![Prediction { exercise: "x#1".into(), guess, measured: 2.0 }]);
        share.points = medians.iter().enumerate().map(|(i, &m)| share::SharePoint(i % share.backends.len(), i + 1, m, 0.01, 0)).collect();
        share.fits = vec![share::ShareFit(0, serial, 0.9)];
        share.machine.available = cpus;
        share.machine.logical_cores = cpus;
        prop_assert_eq!(Share::decode(&share.encode()).unwrap(), share);
    }
}
