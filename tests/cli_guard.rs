//! The login-node guard of `parlab run`: on a machine shared by many people (or with a
//! per-user CPU limit) and outside a batch job, the sweep is capped with one line that
//! says why and names srun; inside a job, on a quiet machine or with --force it is not.
//! The machine's state is replaced through PARLAB_LOGIN_USERS and PARLAB_USER_CPU_LIMIT.

use assert_cmd::Command;

const JOB_VARIABLES: &[&str] =
    &["SLURM_JOB_ID", "PBS_JOBID", "LSB_JOBID", "JOB_ID", "_CONDOR_JOB_AD", "FLUX_JOB_ID", "COBALT_JOBID"];

/// `parlab run` outside any job, with the given logged-in users and CPU limit; returns
/// (stderr, the worker counts and size measured).
fn run(users: &str, limit: &str, extra: &[&str], env: &[(&str, &str)]) -> (String, Vec<u64>, u64) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let mut command = Command::new(env!("CARGO_BIN_EXE_parlab"));
    for name in JOB_VARIABLES {
        command.env_remove(name);
    }
    command
        .env("PARLAB_LOGIN_USERS", users)
        .env("PARLAB_USER_CPU_LIMIT", limit)
        .envs(env.iter().copied())
        .args(["run", "io", "--backends", "threads", "--workers", "1,2,4", "--size", "60", "--reps", "1"])
        .args(["--param", "latency_ms=1"])
        .args(["--warmup", "0", "--quiet", "--json"])
        .arg(&json)
        .args(extra);
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let workers = report["plan"]["workers"].as_array().unwrap().iter().map(|w| w.as_u64().unwrap()).collect();
    (stderr, workers, report["plan"]["spec"]["size"].as_u64().unwrap())
}

#[test]
fn a_crowded_login_node_caps_the_sweep_with_one_line_naming_srun() {
    let (stderr, workers, size) = run("30", "none", &[], &[]);
    assert_eq!(workers, [1, 2], "{stderr}");
    assert_eq!(size, 20, "io's default size over 10: {stderr}");
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("login node")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    for words in ["30 people logged in", "srun", "--force"] {
        assert!(notes[0].contains(words), "{words}: {}", notes[0]);
    }
}

#[test]
fn a_per_user_cpu_limit_caps_the_workers_to_it() {
    let (stderr, workers, _) = run("1", "1", &[], &[]);
    assert_eq!(workers, [1], "{stderr}");
    assert!(stderr.contains("a limit of 1 CPUs per user"), "{stderr}");
}

#[test]
fn force_a_job_or_a_quiet_machine_lift_the_cap() {
    for (extra, env, users) in [
        (&["--force"][..], &[][..], "30"),
        (&[][..], &[("SLURM_JOB_ID", "77")][..], "30"),
        (&[][..], &[("PBS_JOBID", "77.server")][..], "30"),
        (&[][..], &[][..], "1"),
    ] {
        let (stderr, workers, size) = run(users, "none", extra, env);
        assert_eq!(workers, [1, 2, 4], "{extra:?} {env:?}: {stderr}");
        assert_eq!(size, 60, "{stderr}");
        assert!(!stderr.contains("login node"), "{stderr}");
    }
}

#[test]
fn a_command_sweep_is_capped_too_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let measured = |extra: &[&str]| {
        let json = dir.path().join("c.json");
        let _ = std::fs::remove_file(&json);
        let mut command = Command::new(env!("CARGO_BIN_EXE_parlab"));
        for name in JOB_VARIABLES {
            command.env_remove(name);
        }
        let output = command
            .env("PARLAB_LOGIN_USERS", "30")
            .env("PARLAB_USER_CPU_LIMIT", "none")
            .args(["run", "--cmd", "true {workers}", "--workers", "1,2,4", "--reps", "1", "--warmup", "0", "--quiet"])
            .arg("--json")
            .arg(&json)
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let workers: Vec<u64> =
            report["plan"]["workers"].as_array().unwrap().iter().map(|w| w.as_u64().unwrap()).collect();
        (stderr, workers)
    };
    let (stderr, workers) = measured(&[]);
    assert_eq!(workers, [1, 2], "{stderr}");
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("login node")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("--pty parlab run --cmd") && notes[0].contains("--force"), "{}", notes[0]);
    let (stderr, workers) = measured(&["--force"]);
    assert_eq!(workers, [1, 2, 4], "{stderr}");
    assert!(!stderr.contains("login node"), "{stderr}");
}
