//! `parlab room`: a pad of share lines and results files from a simulated room of
//! twelve learners (different sizes, worker sets and machine classes; one noisy, one
//! oversubscribed, one far from the room) becomes one report: room.md and the charts.
//! The files are kept in the target's tmp folder (room-report/) to look at.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use parlab::export::json;
use parlab::export::share::{Prediction, Share};
use parlab::kernels::KernelSpec;
use parlab::measure::{Plan, Point, Report};
use parlab::sysmon::MachineFacts;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

/// A simulated learner.
struct Learner {
    cpu: &'static str,
    logical: usize,
    physical: usize,
    size: u64,
    workers: &'static [usize],
    /// Serial fraction the machine shows (0.1 configured; a busy machine shows more).
    serial: f64,
    /// Relative spread of the repetitions.
    wobble: f64,
}

fn machine(l: &Learner) -> MachineFacts {
    MachineFacts {
        cpu_model: l.cpu.into(),
        logical_cores: l.logical,
        physical_cores: Some(l.physical),
        available_parallelism: l.logical,
        affinity: Some((0..l.logical).collect()),
        cgroup_cpu_quota: None,
        env: BTreeMap::new(),
        memory_total_bytes: 16 << 30,
        memory_available_bytes: 8 << 30,
        os: "Linux 12 (bookworm)".into(),
        host: "learner-host".into(),
        job: None,
        sockets: Vec::new(),
    }
}

fn report(l: &Learner) -> Report {
    let spec = KernelSpec {
        kernel: "amdahl".into(),
        size: l.size,
        seed: 42,
        params: BTreeMap::from([("serial".to_string(), "0.1".to_string())]),
    };
    let plan = Plan {
        spec,
        backends: vec!["seq".into(), "threads".into()],
        workers: l.workers.to_vec(),
        warmup: 1,
        repetitions: 5,
        scale: Default::default(),
        order: parlab::measure::Order::Sequential,
    };
    let mut report = Report::new(machine(l), plan);
    let t1 = l.size as f64 * 1e-8;
    report.points.push(Point::new("amdahl", "seq", 1, vec![t1; 5]));
    for &w in l.workers {
        // SMT siblings add little: count physical cores, then a third of a core per sibling.
        let cores = w.min(l.physical) as f64 + (w.min(l.logical).saturating_sub(l.physical)) as f64 / 3.0;
        let mut t = t1 * (l.serial + (1.0 - l.serial) / cores);
        if w > l.logical {
            t *= 1.0 + 0.05 * (w / l.logical) as f64;
        }
        let times = [1.0, 1.0 + l.wobble, 1.0 - l.wobble / 2.0, 1.0 + l.wobble / 3.0, 1.0 - l.wobble / 4.0]
            .iter()
            .map(|f| t * f)
            .collect();
        report.points.push(Point::new("amdahl", "threads", w, times));
    }
    for p in &mut report.points {
        p.verified = true;
    }
    report.derive();
    report
}

const LEARNERS: &[Learner] = &[
    Learner {
        cpu: "Intel Core i5-8250U",
        logical: 8,
        physical: 4,
        size: 200_000_000,
        workers: &[1, 2, 4, 8],
        serial: 0.1,
        wobble: 0.01,
    },
    Learner {
        cpu: "Intel Core i5-8250U",
        logical: 8,
        physical: 4,
        size: 100_000_000,
        workers: &[1, 2, 4, 8, 16],
        serial: 0.11,
        wobble: 0.02,
    },
    Learner {
        cpu: "Apple M1",
        logical: 8,
        physical: 8,
        size: 200_000_000,
        workers: &[1, 2, 4, 8],
        serial: 0.1,
        wobble: 0.01,
    },
    Learner {
        cpu: "Apple M2",
        logical: 8,
        physical: 8,
        size: 400_000_000,
        workers: &[1, 2, 3, 4, 6, 8],
        serial: 0.09,
        wobble: 0.015,
    },
    Learner {
        cpu: "AMD Ryzen 7 5800U",
        logical: 16,
        physical: 8,
        size: 200_000_000,
        workers: &[1, 2, 4, 8, 16],
        serial: 0.1,
        wobble: 0.01,
    },
    Learner {
        cpu: "AMD Ryzen 9 7950X",
        logical: 32,
        physical: 16,
        size: 800_000_000,
        workers: &[1, 2, 4, 8, 16, 32],
        serial: 0.1,
        wobble: 0.02,
    },
    Learner {
        cpu: "AMD EPYC 7763",
        logical: 2,
        physical: 1,
        size: 50_000_000,
        workers: &[1, 2, 3],
        serial: 0.12,
        wobble: 0.02,
    },
    Learner {
        cpu: "AMD EPYC 7763",
        logical: 2,
        physical: 2,
        size: 50_000_000,
        workers: &[1, 2, 4],
        serial: 0.1,
        wobble: 0.01,
    },
    Learner {
        cpu: "Intel Core i7-1165G7",
        logical: 8,
        physical: 4,
        size: 200_000_000,
        workers: &[1, 2, 4, 8],
        serial: 0.1,
        wobble: 0.01,
    },
    // Noisy: a browser and a video call beside the sweep.
    Learner {
        cpu: "Intel Core i7-1165G7",
        logical: 8,
        physical: 4,
        size: 200_000_000,
        workers: &[1, 2, 4, 8],
        serial: 0.12,
        wobble: 0.3,
    },
    // Oversubscribed: 32 workers on a 4-CPU machine.
    Learner {
        cpu: "Intel Core i3-7100U",
        logical: 4,
        physical: 2,
        size: 100_000_000,
        workers: &[1, 2, 4, 8, 16, 32],
        serial: 0.1,
        wobble: 0.01,
    },
    // Far from the room: something else held half the machine.
    Learner {
        cpu: "Intel Core i7-1165G7",
        logical: 8,
        physical: 4,
        size: 200_000_000,
        workers: &[1, 2, 4, 8],
        serial: 0.5,
        wobble: 0.02,
    },
];

fn keep_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("room-report");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_room_of_twelve_becomes_one_report() {
    let dir = keep_dir();
    let inputs = dir.join("inputs");
    fs::create_dir_all(&inputs).unwrap();
    let mut pad = String::from("# Workshop pad, 30 Nov\nPaste your `parlab share` line below, one per line.\n\n");
    let mut files = Vec::new();
    for (i, learner) in LEARNERS.iter().enumerate() {
        let report = report(learner);
        // Every fourth learner hands in a results.json; the others paste a line with
        // their predictions (learners guess 2-worker speedups between 1.5x and 2x).
        if i % 4 == 3 {
            let path = inputs.join(format!("learner-{i}.json"));
            fs::write(&path, json::to_json(&report)).unwrap();
            files.push(path);
            continue;
        }
        let measured = report.points_of("threads").iter().find(|p| p.workers == 2).unwrap().speedup.unwrap();
        let predictions = vec![
            Prediction { exercise: "amdahl#1".into(), guess: 1.5 + 0.05 * i as f64, measured },
            Prediction { exercise: "pairs#1".into(), guess: 1.2 + 0.1 * i as f64, measured: 1.8 },
        ];
        let line = Share::of(&report, predictions).encode();
        pad.push_str(&format!("- learner {i}: {line}\n"));
        if i == 1 {
            pad.push_str(&format!("{line}\n")); // pasted twice
        }
    }
    let cut = Share::of(&report(&LEARNERS[0]), Vec::new()).encode();
    pad.push_str(&format!("- late learner: {}\n", &cut[..cut.len() - 12]));
    pad.push_str("thanks everyone!\n");
    let pad_path = inputs.join("pad.txt");
    fs::write(&pad_path, &pad).unwrap();

    let out = dir.join("report");
    let mut cmd = parlab();
    cmd.args(["room", "--out"]).arg(&out).arg(&pad_path).args(&files);
    cmd.assert().success().stderr(predicate::str::contains("12 results").and(predicate::str::contains("truncated")));

    let md = fs::read_to_string(out.join("room.md")).unwrap();
    println!("{md}");
    assert!(md.starts_with("# The room: amdahl, threads"), "{md}");
    assert!(
        md.contains(
            "**12 results** on machines with 2, 4, 8, 16 or 32 CPUs available (read: 9 share lines, 3 results files"
        ),
        "{md}"
    );
    assert!(
        md.contains("3 other lines ignored") && md.contains("1 pasted twice") && md.contains("1 unreadable"),
        "{md}"
    );
    assert!(md.contains("Configured: s = 0.1."), "{md}");
    assert!(md.contains("| amdahl#1 | 9 |") && md.contains("| pairs#1 | 9 |"), "{md}");
    let outliers = md.split("## Outliers").nth(1).unwrap();
    let listed = |source: &str| outliers.lines().any(|l| l.contains(&format!("**{source}**")));
    let pad_name = pad_path.display().to_string();
    // Three header lines, learner 1 pasted twice, every fourth learner a results file:
    // learner 9 is line 12 of the pad, learner 10 line 13, learner 11 a results file.
    assert!(listed(&format!("{pad_name}:12")), "the noisy learner: {outliers}");
    assert!(outliers.contains("noisy"), "{outliers}");
    assert!(
        listed(&format!("{pad_name}:13")) && outliers.contains("oversubscribed: up to 32 workers on 4 CPUs"),
        "{outliers}"
    );
    assert!(listed(&files[2].display().to_string()) && outliers.contains("far from the room"), "{outliers}");
    assert!(!listed(&format!("{pad_name}:4")), "a quiet learner is not an outlier: {outliers}");
    assert!(md.contains(&format!("{pad_name}:14: truncated")), "{md}");
    for name in ["speedup", "serial-fraction", "errors-amdahl-1", "errors-pairs-1"] {
        let png = fs::read(out.join(format!("{name}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}.png");
        let svg = fs::read_to_string(out.join(format!("{name}.svg"))).unwrap();
        assert!(svg.contains("<svg"), "{name}.svg");
        assert!(md.contains(&format!("({name}.png)")), "room.md shows {name}");
    }
    let svg = fs::read_to_string(out.join("speedup.svg")).unwrap();
    for legend in ["2 CPUs: 2 results", "8 CPUs: 7 results", "room median", "32 CPUs: 1 result"] {
        assert!(svg.contains(legend), "{legend}");
    }
    assert!(!md.contains("learner-host") && !svg.contains("learner-host"));

    // Again into the same folder: refused without --force, naming the flag.
    let mut again = parlab();
    again.args(["room", "--out"]).arg(&out).arg(&pad_path);
    again.assert().code(2).stderr(predicate::str::contains("--force"));
}

#[test]
fn bad_inputs_name_the_file_or_flag() {
    let dir = tempfile::tempdir().unwrap();
    let pad = dir.path().join("pad.txt");
    fs::write(&pad, "nothing to see\n").unwrap();
    parlab()
        .args(["room", "--out"])
        .arg(dir.path().join("o"))
        .arg(&pad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no share line or results file was read"));
    parlab()
        .args(["room", "--out"])
        .arg(dir.path().join("o"))
        .arg(dir.path().join("missing.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
    let line = Share::of(&report(&LEARNERS[0]), Vec::new()).encode();
    fs::write(&pad, format!("{line}\n")).unwrap();
    parlab()
        .args(["room", "--backend", "gil", "--out"])
        .arg(dir.path().join("o"))
        .arg(&pad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--backend gil"));
    let broken = dir.path().join("broken.json");
    fs::write(&broken, "{\"parlab_version\": 3}").unwrap();
    parlab()
        .args(["room", "--out"])
        .arg(dir.path().join("o"))
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.json"));
}
