//! `parlab batch`: the SLURM script's structure (-n / -c for pool and MPI jobs, a comment
//! on every #SBATCH line, thread variables, srun), its run line really running, and
//! exit code 2 with the flag named for bad input.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

const PARLAB: &str = env!("CARGO_BIN_EXE_parlab");

fn script(args: &[&str]) -> String {
    let output = Command::new(PARLAB).arg("batch").args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn sbatch_lines(script: &str) -> Vec<&str> {
    script.lines().filter(|l| l.starts_with("#SBATCH")).collect()
}

/// The value of `#SBATCH --name=value`, if the script sets it.
fn sbatch(script: &str, name: &str) -> Option<String> {
    sbatch_lines(script).iter().find_map(|l| {
        let option = l.trim_start_matches("#SBATCH").split('#').next()?.trim();
        option.strip_prefix(&format!("--{name}=")).map(str::to_string)
    })
}

#[test]
fn a_pool_job_is_one_task_with_many_cpus_on_one_node() {
    let text = script(&[
        "pi",
        "--backends",
        "threads,rayon",
        "--workers",
        "8",
        "--size",
        "2e7",
        "--time",
        "00:10:00",
        "--mem",
        "4G",
    ]);
    assert!(text.starts_with("#!/bin/bash\n"), "{text}");
    assert_eq!(sbatch(&text, "ntasks").as_deref(), Some("1"), "{text}");
    assert_eq!(sbatch(&text, "cpus-per-task").as_deref(), Some("8"), "{text}");
    assert_eq!(sbatch(&text, "nodes").as_deref(), Some("1"), "{text}");
    assert_eq!(sbatch(&text, "time").as_deref(), Some("00:10:00"), "{text}");
    assert_eq!(sbatch(&text, "mem").as_deref(), Some("4G"), "{text}");
    for line in sbatch_lines(&text) {
        let comment = line.split_once("# ").map(|(_, c)| c.trim()).unwrap_or_default();
        assert!(comment.len() > 10, "every #SBATCH line explains itself: {line}");
    }
    assert!(text.contains("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\""), "{text}");
    assert!(text.contains("export RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\""), "{text}");
    assert!(text.contains("22.05"), "the srun --cpus-per-task note: {text}");
    let run = text.lines().find(|l| l.contains("parlab run")).expect("a run line");
    assert!(run.starts_with("srun --cpus-per-task="), "{run}");
    assert!(run.contains("parlab run pi --backends threads,rayon --workers 1,2,4,8 --size 20000000"), "{run}");
    assert!(text.lines().any(|l| l.starts_with("srun") && l.ends_with("parlab info")), "{text}");
}

#[test]
fn an_mpi_job_is_many_tasks_of_one_cpu() {
    let text = script(&["integral", "--mpi", "--ranks", "16"]);
    assert_eq!(sbatch(&text, "ntasks").as_deref(), Some("16"), "{text}");
    assert_eq!(sbatch(&text, "cpus-per-task").as_deref(), Some("1"), "{text}");
    assert_eq!(sbatch(&text, "nodes"), None, "MPI ranks may span nodes: {text}");
    assert!(text.contains("--features mpi"), "the build note: {text}");
    assert!(text.lines().any(|l| l.starts_with("srun") && l.contains("parlab run integral --backends mpi")), "{text}");
    assert!(text.contains("mpirun -n \"${SLURM_NTASKS}\" parlab run integral"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.sh"), &text).unwrap();
    let status = std::process::Command::new("bash").arg("-n").arg(dir.path().join("job.sh")).status().expect("bash");
    assert!(status.success(), "bash -n rejects the MPI script:\n{text}");

    let hybrid = script(&["integral", "--mpi", "--ranks", "4", "--workers", "8", "--backends", "mpi,threads"]);
    assert_eq!(sbatch(&hybrid, "ntasks").as_deref(), Some("4"), "{hybrid}");
    assert_eq!(sbatch(&hybrid, "cpus-per-task").as_deref(), Some("8"), "{hybrid}");
    assert!(hybrid.contains("--backends mpi,threads --workers 1,2,4,8"), "{hybrid}");
}

#[test]
fn the_script_is_valid_shell_and_its_run_line_runs() {
    let dir = tempfile::tempdir().unwrap();
    let text = script(&[
        "amdahl",
        "--backends",
        "threads",
        "--workers",
        "2",
        "--size",
        "2e6",
        "--param",
        "serial=0.2",
        "--reps",
        "1",
    ]);
    let path = dir.path().join("job.sh");
    std::fs::write(&path, &text).unwrap();
    if let Ok(status) = std::process::Command::new("bash").arg("-n").arg(&path).status() {
        assert!(status.success(), "bash -n rejects the script:\n{text}");
    }
    // Run the measurement line as the job would, without srun.
    let run = text.lines().find(|l| l.contains("parlab run")).unwrap();
    let command = &run[run.find("parlab run").unwrap()..];
    let bin_dir = Path::new(PARLAB).parent().unwrap();
    let path_var = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let output = std::process::Command::new("bash")
        .args(["-c", command])
        .current_dir(dir.path())
        .env("PATH", path_var)
        .env("SLURM_JOB_ID", "4242")
        .output()
        .unwrap();
    assert!(output.status.success(), "{command}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path().join("parlab-4242").join("results.json").exists(), "the run wrote its results folder");
}

#[test]
fn bad_input_names_the_flag_and_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["nope", "--workers", "2"], "unknown kernel 'nope'"),
        (&["pi"], "--workers"),
        (&["pi", "--workers", "2", "--time", "ten minutes"], "--time"),
        (&["pi", "--workers", "2", "--mem", "4GB"], "--mem"),
        (&["pi", "--workers", "2", "--param", "colour=red"], "--param colour"),
        (&["pi", "--workers", "2", "--backends", "gpu"], "unknown backend 'gpu'"),
        (&["pi", "--workers", "2", "--ranks", "4"], "--ranks"),
        (&["pi", "--mpi"], "--ranks"),
        (&["pi", "--mpi", "--ranks", "4", "--backends", "threads"], "add mpi to --backends"),
    ];
    for (args, message) in cases {
        Command::new(PARLAB).arg("batch").args(*args).assert().code(2).stderr(predicate::str::contains(*message));
    }
}

/// Writes an executable stand-in for a launcher into `dir`: it appends its arguments to
/// `dir/launches.log`, drops its own options (`--name=value`, `-n N`) and runs the rest.
fn stand_in(dir: &Path, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/bash\nset -euo pipefail\necho \"{name} $*\" >> \"{log}\"\n\
             while [[ $# -gt 0 && $1 == -* ]]; do\n  case $1 in\n    -n|--ntasks|-N) shift 2 ;;\n    *) shift ;;\n  esac\ndone\n\
             exec \"$@\"\n",
            log = dir.join("launches.log").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A pool job's whole script, run by bash with a stand-in `srun` on PATH: `parlab info`
/// first, then one measurement that writes its results folder once.
#[test]
fn the_pool_script_runs_end_to_end_under_a_stand_in_srun() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    stand_in(&bin, "srun");
    std::os::unix::fs::symlink(PARLAB, bin.join("parlab")).unwrap();
    let text = script(&["pi", "--backends", "threads", "--workers", "2", "--size", "1e6", "--reps", "1"]);
    let job = dir.path().join("job.sh");
    std::fs::write(&job, &text).unwrap();
    let status = std::process::Command::new("bash").arg("-n").arg(&job).status().expect("bash");
    assert!(status.success(), "bash -n rejects the script:\n{text}");
    let output = std::process::Command::new("bash")
        .arg(&job)
        .current_dir(dir.path())
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
        .env("SLURM_JOB_ID", "777")
        .env("SLURM_CPUS_PER_TASK", "2")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let launches = std::fs::read_to_string(bin.join("launches.log")).unwrap();
    let launches: Vec<&str> = launches.lines().collect();
    assert_eq!(launches.len(), 2, "srun twice: {launches:?}");
    assert!(launches[0].ends_with("parlab info"), "parlab info comes first: {launches:?}");
    assert!(launches[1].contains("parlab run pi"), "{launches:?}");
    assert!(stdout.find("available parallelism") < stdout.find("serial fraction"), "info before the run:\n{stdout}");
    let results = dir.path().join("parlab-777");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(results.join("results.json")).unwrap()).unwrap();
    assert_eq!(report["points"].as_array().unwrap().len(), 2);
    let folders: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("parlab-"))
        .collect();
    assert_eq!(folders, ["parlab-777"], "results written once");
}

/// Writes an executable script `name` into `dir`.
fn executable(dir: &Path, name: &str, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in `sbatch`: logs its arguments, then runs the script once, or once per task
/// of its `#SBATCH --array=A-B`, with the variables Slurm sets in a job.
fn stand_in_sbatch(dir: &Path) {
    executable(
        dir,
        "sbatch",
        &format!(
            r#"#!/bin/bash
set -euo pipefail
echo "sbatch $*" >> "{log}"
script="$1"
cpus=$(sed -n 's/^#SBATCH --cpus-per-task=\([0-9]*\).*/\1/p' "$script")
range=$(sed -n 's/^#SBATCH --array=\([0-9]*\)-\([0-9]*\).*/\1 \2/p' "$script")
if [[ -z $range ]]; then
  SLURM_JOB_ID=300 SLURM_CPUS_PER_TASK=$cpus bash "$script" > slurm-300.out 2>&1
else
  read -r first last <<< "$range"
  for ((task = first; task <= last; task++)); do
    SLURM_JOB_ID=$((301 + task)) SLURM_ARRAY_JOB_ID=300 SLURM_ARRAY_TASK_ID=$task SLURM_CPUS_PER_TASK=$cpus \
      bash "$script" > "slurm-300_$task.out" 2>&1
  done
fi
echo "Submitted batch job 300"
"#,
            log = dir.join("launches.log").display()
        ),
    );
}

/// A stand-in `module` command (sites define it as a shell function; an executable on
/// PATH stands in for it): logs its arguments.
fn stand_in_module(dir: &Path) {
    executable(
        dir,
        "module",
        &format!("#!/bin/bash\necho \"module $*\" >> \"{}\"\n", dir.join("launches.log").display()),
    );
}

const SITE: &str = r#"# The workshop's cluster
name = "Aurora"
account = "training"
partition = "short"
reservation = "parlab-day1"
qos = "normal"
modules = ["GCCcore/13.2.0", "Python/3.11.5"]
cpus = 2
time = "00:15:00"
mem = "2G"
"#;

#[test]
fn a_site_file_fills_in_the_account_partition_and_modules_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("aurora.toml");
    std::fs::write(&site, SITE).unwrap();
    let text = script(&["pi", "--site", site.to_str().unwrap()]);
    assert_eq!(sbatch(&text, "account").as_deref(), Some("training"), "{text}");
    assert_eq!(sbatch(&text, "partition").as_deref(), Some("short"), "{text}");
    assert_eq!(sbatch(&text, "reservation").as_deref(), Some("parlab-day1"), "{text}");
    assert_eq!(sbatch(&text, "qos").as_deref(), Some("normal"), "{text}");
    assert_eq!(sbatch(&text, "cpus-per-task").as_deref(), Some("2"), "the site's cpus: {text}");
    assert_eq!(sbatch(&text, "time").as_deref(), Some("00:15:00"), "{text}");
    assert_eq!(sbatch(&text, "mem").as_deref(), Some("2G"), "{text}");
    assert!(text.contains("# For Aurora (site file"), "{text}");
    for line in sbatch_lines(&text) {
        let comment = line.split_once("# ").map(|(_, c)| c.trim()).unwrap_or_default();
        assert!(comment.len() > 10, "every #SBATCH line explains itself: {line}");
    }
    let module = text.find("module load GCCcore/13.2.0 Python/3.11.5").expect("module line");
    assert!(module < text.find("set -euo pipefail").unwrap(), "modules load before set -u: {text}");

    let text = script(&[
        "pi",
        "--site",
        site.to_str().unwrap(),
        "--partition",
        "debug",
        "--workers",
        "4",
        "--time",
        "00:05:00",
        "--module",
        "Python/3.12",
    ]);
    assert_eq!(sbatch(&text, "partition").as_deref(), Some("debug"), "{text}");
    assert_eq!(sbatch(&text, "account").as_deref(), Some("training"), "{text}");
    assert_eq!(sbatch(&text, "cpus-per-task").as_deref(), Some("4"), "{text}");
    assert_eq!(sbatch(&text, "time").as_deref(), Some("00:05:00"), "{text}");
    assert!(text.contains("module load Python/3.12\n"), "--module replaces the site's list: {text}");

    let plain = script(&["pi", "--workers", "2"]);
    for name in ["account", "partition", "reservation", "qos"] {
        assert_eq!(sbatch(&plain, name), None, "no {name} unless asked: {plain}");
    }
    assert!(!plain.contains("module load"), "{plain}");
}

#[test]
fn a_site_file_with_a_mistake_names_its_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site.toml");
    std::fs::write(&site, "account = \"training\"\npartiton = \"short\"\n").unwrap();
    Command::new(PARLAB)
        .args(["batch", "pi", "--site"])
        .arg(&site)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:2: unknown field `partiton`", site.display())));
    std::fs::write(&site, "account = \"training\"\n\nqos = \"high priority\"\n").unwrap();
    Command::new(PARLAB)
        .args(["batch", "pi", "--workers", "2", "--site"])
        .arg(&site)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:3: qos = \"high priority\"", site.display())));
    Command::new(PARLAB)
        .args(["batch", "pi", "--workers", "2", "--site", "/nonexistent/site.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--site /nonexistent/site.toml: cannot be read"));
    let cases: &[(&[&str], &str)] = &[
        (&["pi", "--workers", "2", "--account", "my account"], "--account 'my account'"),
        (&["pi", "--workers", "2", "--partition", ""], "--partition ''"),
        (&["pi", "--workers", "2", "--module", "python; rm"], "--module 'python; rm'"),
        (&["pi", "--mpi", "--ranks", "4", "--per-count"], "--per-count"),
        (&["pi", "--interactive"], "--workers"),
    ];
    for (args, message) in cases {
        Command::new(PARLAB).arg("batch").args(*args).assert().code(2).stderr(predicate::str::contains(*message));
    }
}

/// `--per-count` submitted through a stand-in sbatch: one task per worker count, each
/// with its own results file, and `parlab plot` merging them into one sweep.
#[test]
fn a_per_count_job_array_runs_one_task_per_count_and_plot_merges_them() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    stand_in(&bin, "srun");
    stand_in_sbatch(&bin);
    stand_in_module(&bin);
    std::os::unix::fs::symlink(PARLAB, bin.join("parlab")).unwrap();
    let site = dir.path().join("site.toml");
    std::fs::write(&site, SITE).unwrap();
    let text = script(&[
        "pi",
        "--site",
        site.to_str().unwrap(),
        "--backends",
        "threads",
        "--size",
        "1e6",
        "--reps",
        "1",
        "--per-count",
    ]);
    assert_eq!(sbatch(&text, "array").as_deref(), Some("0-1"), "workers 1 and 2: {text}");
    assert_eq!(sbatch(&text, "output").as_deref(), Some("parlab-%A_%a.out"), "{text}");
    assert!(text.contains("counts=(1 2)"), "{text}");
    let job = dir.path().join("array.sh");
    std::fs::write(&job, &text).unwrap();
    let status = std::process::Command::new("bash").arg("-n").arg(&job).status().expect("bash");
    assert!(status.success(), "bash -n rejects the array script:\n{text}");

    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let output =
        std::process::Command::new("sbatch").arg(&job).current_dir(dir.path()).env("PATH", &path).output().unwrap();
    let logs: String = ["slurm-300_0.out", "slurm-300_1.out"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap_or_default())
        .collect();
    assert!(output.status.success(), "{}\n{logs}", String::from_utf8_lossy(&output.stderr));
    let launches = std::fs::read_to_string(bin.join("launches.log")).unwrap();
    assert_eq!(launches.matches("module load GCCcore/13.2.0 Python/3.11.5").count(), 2, "{launches}");
    assert_eq!(launches.matches("parlab run pi").count(), 2, "{launches}");
    assert!(launches.contains("--workers 1 ") && launches.contains("--workers 2 "), "{launches}");
    for workers in [1, 2] {
        let file = dir.path().join(format!("parlab-300-w{workers}.json"));
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(report["plan"]["workers"], serde_json::json!([workers]), "{}", file.display());
    }

    // The README's merge: parlab plot over the task files, one sweep with its fit.
    let out = dir.path().join("scaling");
    let plot = Command::new(PARLAB)
        .current_dir(dir.path())
        .args(["plot", "parlab-300-w1.json", "parlab-300-w2.json", "--out", "scaling"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&plot.get_output().stderr).into_owned();
    assert!(stderr.contains("merged into one"), "{stderr}");
    let merged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let points = merged["points"].as_array().unwrap();
    let series: Vec<(&str, u64)> =
        points.iter().map(|p| (p["backend"].as_str().unwrap(), p["workers"].as_u64().unwrap())).collect();
    assert_eq!(series, [("threads", 1), ("threads", 2)], "one series, not one per file");
    assert!(points[1]["speedup"].as_f64().is_some(), "the 2-worker point has its speedup against the 1-worker task");
    assert_eq!(merged["fits"].as_array().unwrap().len(), 1, "one Amdahl fit over both tasks");
}

#[test]
fn the_interactive_recipe_asks_srun_for_a_pty_with_the_sites_options() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    // This srun only logs: the lab it would start needs a terminal.
    executable(&bin, "srun", &format!("#!/bin/bash\necho \"srun $*\" >> \"{}\"\n", bin.join("launches.log").display()));
    stand_in_module(&bin);
    let site = dir.path().join("site.toml");
    std::fs::write(&site, SITE).unwrap();
    let text = script(&["--interactive", "--site", site.to_str().unwrap(), "--workers", "4"]);
    let recipe = dir.path().join("recipe.sh");
    std::fs::write(&recipe, &text).unwrap();
    let status = std::process::Command::new("bash").arg("-n").arg(&recipe).status().expect("bash");
    assert!(status.success(), "bash -n rejects the recipe:\n{text}");
    let output = std::process::Command::new("bash")
        .arg(&recipe)
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let launches = std::fs::read_to_string(bin.join("launches.log")).unwrap();
    let lines: Vec<&str> = launches.lines().collect();
    assert_eq!(lines[0], "module load GCCcore/13.2.0 Python/3.11.5", "modules first: {launches}");
    let srun = lines[1];
    for option in [
        "--account=training",
        "--partition=short",
        "--reservation=parlab-day1",
        "--qos=normal",
        "--cpus-per-task=4",
        "--time=00:15:00",
    ] {
        assert!(srun.split(' ').any(|word| word == option), "{option} in {srun}");
    }
    assert!(srun.ends_with("--pty parlab"), "{srun}");
}
